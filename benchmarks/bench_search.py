"""Search: 20,000 Vietnamese materials indexed by each backend, 200 mixed queries timed.

The documents are built once, in memory, and every backend indexes the same list (its build
time is its own indexing only). Queries mix 1–4 syllables with and without diacritics, quoted
phrases and grade filters; each carries a student's or a teacher's permission scope and asks for
facet counts, on every backend including SQLite FTS5 (folded in Python), the reference.
PostgreSQL runs when LMS_BENCH_DATABASE_URL is set or a local server answers at 127.0.0.1 (a
scratch database, dropped afterwards). Each backend's queries stop after QUERY_BUDGET_S.
"""
from __future__ import annotations

import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

N_MATERIALS = int(os.environ.get("LMS_BENCH_SEARCH_N", "20000"))
N_QUERIES = 200
#: seconds of queries per backend at most, so a slow engine cannot stretch `make bench`
QUERY_BUDGET_S = 60.0

TOPICS = ["phân số", "số thập phân", "đường tròn", "tam giác đồng dạng", "số dương và số âm",
          "phương trình bậc hai", "hệ phương trình", "quang hợp", "hô hấp tế bào", "thủy phân",
          "hòa tan", "điện trở", "định luật Ôm", "từ trường", "thì hiện tại đơn", "câu bị động",
          "truyện Kiều", "văn nghị luận", "thơ lục bát", "lịch sử Đông Nam Á", "địa hình Việt Nam",
          "khí hậu nhiệt đới", "lập trình Python", "thuật toán sắp xếp", "bảng tính Excel",
          "mạch điện", "dinh dưỡng", "sinh sản ở thực vật", "đột biến gen", "axit và bazơ"]
WORDS = ["bài", "giảng", "luyện", "tập", "ôn", "tập", "khái", "niệm", "ví", "dụ", "minh", "họa",
         "câu", "hỏi", "trắc", "nghiệm", "học", "sinh", "giáo", "viên", "kiến", "thức", "thực",
         "hành", "thí", "nghiệm", "quan", "sát", "nhận", "xét", "kết", "luận", "tính", "chất",
         "đường", "dương", "phân", "số", "đồng", "dạng", "giải", "bài", "toán", "chứng", "minh",
         "đọc", "hiểu", "trình", "bày", "video", "hình", "ảnh", "hoạt", "động", "nhóm", "vận",
         "dụng", "mở", "rộng", "củng", "cố", "đánh", "giá", "tiết", "học", "chương", "mục", "lục",
         "nội", "dung"]
QUERIES_BASE = ["bai giang phan so", "phân số", "duong tron", "đường tròn", "dương", "quang hop",
                "hô hấp", "thuy phan", "hoà tan", "dinh luat om", "điện trở", "python",
                "\"so thap phan\"", "tam giac dong dang", "câu bị động", "truyen kieu",
                "luyện tập", "on tap chuong", "thí nghiệm", "video bai giang lop 6"]
DEPARTMENTS = {1: "Tổ Toán – Tin", 2: "Tổ Khoa học Tự nhiên", 3: "Tổ Ngữ văn", 4: "Tổ Ngoại ngữ",
               5: "Tổ Khoa học Xã hội"}
SUBJECTS = {1: "Toán", 2: "Tin học", 3: "Vật lý", 4: "Hóa học", 5: "Sinh học", 6: "Ngữ văn",
            7: "Tiếng Anh", 8: "Lịch sử", 9: "Địa lý"}
AUTHORS = {i: name for i, name in enumerate(
    ["Nguyễn Thị Hoà", "Trần Văn Đức", "Lê Thuỷ Tiên", "Phạm Quốc Dương", "Hoàng Minh Đường",
     "Vũ Thị Lan", "Đỗ Văn Khoẻ", "Bùi Thị Thu", "Đặng Hữu Nghĩa", "Ngô Bảo Châu"], start=10)}
TYPES = {"scorm": "Gói SCORM", "xerte": "Bài học Xerte", "file": "Tệp tài liệu"}
STATUS_LABELS = {"approved": "đã phê duyệt", "draft": "nháp", "submitted": "chờ duyệt",
                 "passed": "đã thông qua"}


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def documents(n: int = N_MATERIALS, seed: int = 2026) -> list:
    """`n` realistic materials as the indexer would hand them to a backend."""
    from plugins.search.documents import SearchDocument

    rng = random.Random(seed)
    docs = []
    for index in range(1, n + 1):
        topic = rng.choice(TOPICS)
        status = rng.choices(list(STATUS_LABELS), [70, 15, 10, 5])[0]
        department, subject = rng.choice(list(DEPARTMENTS)), rng.choice(list(SUBJECTS))
        authors = rng.sample(list(AUTHORS), rng.choice([1, 1, 1, 2]))
        grade, kind, lesson = rng.randint(6, 9), rng.choice(["scorm", "scorm", "xerte", "file"]), \
            f"Bài {rng.randint(1, 30)}"
        meta = [*(AUTHORS[a] for a in authors), DEPARTMENTS[department], SUBJECTS[subject],
                f"khối {grade} lớp {grade}", lesson, topic, TYPES[kind],
                "bài giảng" if kind != "file" else "tài liệu", STATUS_LABELS[status], "2025-2026"]
        docs.append(SearchDocument(
            id=index,
            title=f"{rng.choice(['Bài giảng', 'Ôn tập', 'Luyện tập', 'Bài'])} {topic} "
                  f"{rng.randint(1, 40)}",
            description=f"{topic.capitalize()}: {_text(rng, 15)}",
            keywords=", ".join(rng.sample(TOPICS, 2)), meta=" \n".join(meta),
            body=f"{topic} {_text(rng, rng.randint(80, 300))}",
            department=str(department), subject=str(subject), grade=str(grade), type=kind,
            year="1", status=status, approved=status == "approved", author_ids=sorted(authors),
            created=1_750_000_000 + index * 60))
    return docs


def requests(n: int = N_QUERIES, seed: int = 7) -> list:
    """Mixed queries: 1–4 syllables, half folded, some quoted, a fifth filtered by grade; a
    third from a teacher (approved + own), the rest from students (approved only)."""
    from plugins.search.analyzer import fold
    from plugins.search.query import Scope, SearchRequest

    rng = random.Random(seed)
    student, teacher = Scope(), Scope(user_id=min(AUTHORS))
    found = []
    for index in range(n):
        base = rng.choice(QUERIES_BASE + [rng.choice(TOPICS) for _ in range(10)])
        text = " ".join(base.strip('"').split()[: rng.randint(1, 4)])
        if index % 2:
            text = fold(text)
        if base.startswith('"'):
            text = f'"{text}"'
        filters = {"grade": str(rng.randint(6, 9))} if index % 5 == 0 else {}
        found.append(SearchRequest(text=text, scope=teacher if index % 3 == 0 else student,
                                   filters=filters))
    return found


def _time_queries(search, queries) -> list[float]:
    search(queries[0])  # open the reader once, as a worker keeps it
    times = []
    deadline = time.perf_counter() + QUERY_BUDGET_S
    for search_request in queries:
        started = time.perf_counter()
        search(search_request)
        times.append((time.perf_counter() - started) * 1000)
        if started > deadline:
            break
    return times


def _report_times(report, label: str, times: list[float], note: str) -> float:
    p95 = statistics.quantiles(times, n=20)[-1]
    report(f"search_{label}_p50_ms", statistics.median(times), "ms", note)
    report(f"search_{label}_p95_ms", p95, "ms", f"{len(times)} mixed queries")
    return p95


def _measure(backend, docs, queries, report, label: str) -> float:
    started = time.perf_counter()
    backend.rebuild(iter(docs))
    report(f"search_{label}_build_s", time.perf_counter() - started, "s",
           f"{len(docs)} materials")
    times = _time_queries(backend.search, queries)
    return _report_times(report, label, times, "facets and permission scope included")


def _fts5(docs, queries, report) -> None:
    """SQLite FTS5 over folded text: the same queries, permission scope and grade filter in the
    WHERE clause, facet counts by GROUP BY over the matches."""
    from plugins.search.analyzer import folded_tokens
    from plugins.search.query import FACETS

    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE doc USING fts5(title, keywords, description, meta, body, "
                "tokenize='unicode61 remove_diacritics 0')")
    con.execute("CREATE TABLE info (id INTEGER PRIMARY KEY, department, subject, grade, type, "
                "year, status, approved, authors)")
    started = time.perf_counter()
    con.executemany("INSERT INTO doc(rowid, title, keywords, description, meta, body) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(d.id, *(" ".join(folded_tokens(getattr(d, name))) for name in
                              ("title", "keywords", "description", "meta", "body")))
                     for d in docs])
    con.executemany("INSERT INTO info VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(d.id, d.department, d.subject, d.grade, d.type, d.year, d.status,
                      int(d.approved), " ".join(f"[{a}]" for a in d.author_ids)) for d in docs])
    con.commit()
    report("search_fts5_build_s", time.perf_counter() - started, "s", f"{len(docs)} materials")

    def search(search_request) -> None:
        parsed = search_request.query
        terms = [f'"{w.folded}"' for w in parsed.words] + [
            '"' + " ".join(w.folded for w in p) + '"' for p in parsed.phrases]
        scope = search_request.scope
        where, params = ["doc MATCH ?"], [" AND ".join(terms)]
        allowed = ["info.approved = 1"]
        if scope.user_id is not None:
            allowed.append("instr(info.authors, ?) > 0")
            params.append(f"[{scope.user_id}]")
        where.append("(" + " OR ".join(allowed) + ")")
        for name, value in search_request.filters.items():
            where.append(f"info.{name} = ?")
            params.append(value)
        matched = (f"FROM doc JOIN info ON info.id = doc.rowid WHERE {' AND '.join(where)}")
        con.execute(f"SELECT doc.rowid {matched} ORDER BY bm25(doc, 6.0, 4.0, 2.0, 1.5, 1.0) "
                    "LIMIT 20", params).fetchall()
        for name in FACETS:
            con.execute(f"SELECT info.{name}, count(*) {matched} GROUP BY info.{name}",
                        params).fetchall()

    _report_times(report, "fts5", _time_queries(search, queries),
                  "same queries; facets and permission scope included; no accent/phrase boosts")


def _postgres_admin_url() -> str | None:
    url = os.environ.get("LMS_BENCH_DATABASE_URL")
    if url:
        return url
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1/postgres", connect_timeout=2):
            return "postgresql://postgres@127.0.0.1/postgres"
    except psycopg.Error:  # no server here: the PostgreSQL figures are skipped
        return None


def _postgres(docs, queries, report, tmp: str) -> float | None:
    import sqlalchemy as sa

    from lms import create_app
    from lms.cli import upgrade_database
    from lms.extensions import db
    from plugins.search.backends import make_backend

    admin_url = _postgres_admin_url()
    if admin_url is None:
        print("  PostgreSQL backend skipped: no LMS_BENCH_DATABASE_URL and no local server",
              flush=True)
        return None
    name = f"lms_bench_search_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    print(f"  PostgreSQL backend in scratch database {name}", flush=True)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LMS_DATA_DIR": tmp,
                          "LMS_PLUGINS": ("library", "scorm", "xerte", "search"),
                          "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade_database()
            backend = make_backend("postgresql", Path(tmp) / "pg")
            p95 = _measure(backend, docs, queries, report, "postgresql")
            db.session.rollback()
            db.engine.dispose()
        return p95
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(report) -> None:
    from plugins.search import SearchPlugin
    from plugins.search.backends import make_backend

    started = time.perf_counter()
    docs = documents()
    queries = requests()
    print(f"  {len(docs)} documents and {len(queries)} queries generated in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    p95 = {}
    with tempfile.TemporaryDirectory(prefix="lms-bench-search-") as tmp:
        for name in ("tantivy", "whoosh"):
            p95[name] = _measure(make_backend(name, Path(tmp) / name), docs, queries, report,
                                 name)
        pg = _postgres(docs, queries, report, tmp)
        if pg is not None:
            p95["postgresql"] = pg
        _fts5(docs, queries, report)
    default = SearchPlugin.default_settings["backend"]
    if default in p95:
        report("search_p95_ms", p95[default], "ms", f"the default backend ({default})")
