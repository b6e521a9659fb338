"""Search: build 20,000 Vietnamese materials into each backend and time 200 mixed queries.

Prints build seconds and p50/p95 query milliseconds per backend (Whoosh, tantivy, PostgreSQL
when LMS_BENCH_DATABASE_URL is set or a local server at postgresql://postgres@127.0.0.1 answers),
the configured default's p95 as search_p95_ms, and SQLite FTS5 (folded in Python) for reference.
Queries carry a student's or a teacher's permission scope and ask for facet counts.
"""
from __future__ import annotations

import os
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

N_MATERIALS = int(os.environ.get("LMS_BENCH_SEARCH_N", "20000"))
N_QUERIES = 200

TOPICS = ["phân số", "số thập phân", "đường tròn", "tam giác đồng dạng", "số dương và số âm",
          "phương trình bậc hai", "hệ phương trình", "quang hợp", "hô hấp tế bào", "thủy phân",
          "hòa tan", "điện trở", "định luật Ôm", "từ trường", "thì hiện tại đơn", "câu bị động",
          "truyện Kiều", "văn nghị luận", "thơ lục bát", "lịch sử Đông Nam Á", "địa hình Việt Nam",
          "khí hậu nhiệt đới", "lập trình Python", "thuật toán sắp xếp", "bảng tính Excel",
          "mạch điện", "dinh dưỡng", "sinh sản ở thực vật", "đột biến gen", "axit và bazơ"]
WORDS = ["bài", "giảng", "luyện", "tập", "ôn", "tập", "khái", "niệm", "ví", "dụ", "minh", "họa", "câu", "hỏi", "trắc", "nghiệm", "học", "sinh", "giáo", "viên", "kiến", "thức", "thực", "hành", "thí", "nghiệm", "quan", "sát", "nhận", "xét", "kết", "luận", "tính", "chất", "đường", "dương", "phân", "số", "đồng", "dạng", "giải", "bài", "toán", "chứng", "minh", "đọc", "hiểu", "trình", "bày", "video", "hình", "ảnh", "hoạt", "động", "nhóm", "vận", "dụng", "mở", "rộng", "củng", "cố", "đánh", "giá", "tiết", "học", "chương", "mục", "lục", "nội", "dung"]
QUERIES_BASE = ["bai giang phan so", "phân số", "duong tron", "đường tròn", "dương", "quang hop",
                "hô hấp", "thuy phan", "hoà tan", "dinh luat om", "điện trở", "python",
                "\"so thap phan\"", "tam giac dong dang", "câu bị động", "truyen kieu",
                "luyện tập", "on tap chuong", "thí nghiệm", "video bai giang lop 6"]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _rows(rng: random.Random, departments, users, subjects, year_id):
    for n in range(N_MATERIALS):
        topic = rng.choice(TOPICS)
        status = rng.choices(["approved", "draft", "submitted", "passed"], [70, 15, 10, 5])[0]
        yield {
            "title": f"{rng.choice(['Bài giảng', 'Ôn tập', 'Luyện tập', 'Bài'])} {topic} "
                     f"{rng.randint(1, 40)}",
            "description": f"{topic.capitalize()}: {_text(rng, 15)}",
            "keywords": ", ".join(rng.sample(TOPICS, 2)),
            "content_type": rng.choice(["scorm", "scorm", "xerte", "file"]),
            "department_id": rng.choice(departments), "author_id": rng.choice(users),
            "subject_id": rng.choice(subjects), "school_year_id": year_id, "status": status,
            "lesson": f"Bài {rng.randint(1, 30)}", "topic": topic,
            "text": f"{topic} {_text(rng, rng.randint(80, 300))}",
        }


def _populate(app) -> None:
    import sqlalchemy as sa

    from lms.cli import upgrade_database
    from lms.extensions import db
    from lms.models import (
        Department,
        GradeLevel,
        Material,
        MaterialVersion,
        SchoolYear,
        Subject,
        User,
    )
    from lms.models.base import utcnow
    from lms.seed import seed_demo_school

    with app.app_context():
        upgrade_database()
        seed_demo_school()
        rng = random.Random(2026)
        departments = list(db.session.scalars(sa.select(Department.id)))
        users = list(db.session.scalars(sa.select(User.id).where(User.username.like("gv.%"))))
        subjects = list(db.session.scalars(sa.select(Subject.id)))
        grades = list(db.session.scalars(sa.select(GradeLevel.id)))
        year_id = SchoolYear.current().id
        now = utcnow()
        materials, versions = [], []
        for index, row in enumerate(_rows(rng, departments, users, subjects, year_id), 1):
            text = row.pop("text")
            materials.append({**row, "id": index, "grade_level_id": rng.choice(grades),
                              "created_at": now, "updated_at": now, "notes": "",
                              "approved_at": now if row["status"] == "approved" else None})
            versions.append({"id": index, "material_id": index, "number": 1,
                             "content_type": row["content_type"], "inspection": {},
                             "extracted_text": text, "created_by_id": row["author_id"],
                             "created_at": now, "status": row["status"], "change_note": ""})
        db.session.execute(sa.insert(Material.__table__), materials)
        db.session.execute(sa.insert(MaterialVersion.__table__), versions)
        db.session.execute(Material.__table__.update().values(
            live_version_id=Material.__table__.c.id))
        db.session.commit()


def _queries(rng: random.Random, demo_ids: dict) -> list:
    from plugins.search.analyzer import fold
    from plugins.search.query import Scope, SearchRequest

    student = Scope()
    teacher = Scope(user_id=demo_ids["gv.toan"])
    requests = []
    for n in range(N_QUERIES):
        base = rng.choice(QUERIES_BASE + [rng.choice(TOPICS) for _ in range(10)])
        words = base.strip('"').split()[: rng.randint(1, 4)]
        text = " ".join(words)
        if n % 2:
            text = fold(text)
        if base.startswith('"'):
            text = f'"{text}"'
        filters = {"grade": str(rng.randint(6, 9))} if n % 5 == 0 else {}
        requests.append(SearchRequest(text=text, scope=teacher if n % 3 == 0 else student,
                                      filters=filters))
    return requests


def _measure(app, backend, requests, report, label: str) -> float:
    from plugins.search.indexer import rebuild

    with app.app_context():
        started = time.perf_counter()
        rebuild(backend)
        report(f"search_{label}_build_s", time.perf_counter() - started, "s",
               f"{N_MATERIALS} materials")
        backend.search(requests[0])  # open the searcher once, as a worker keeps it
        times = []
        for search_request in requests:
            started = time.perf_counter()
            backend.search(search_request)
            times.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(times, n=20)[-1]
    report(f"search_{label}_p50_ms", statistics.median(times), "ms", "with facets")
    report(f"search_{label}_p95_ms", p95, "ms", f"{len(times)} mixed queries")
    return p95


def _fts5(app, requests, report) -> None:
    import sqlalchemy as sa

    from lms.extensions import db
    from lms.models import Material, MaterialVersion
    from plugins.search.analyzer import folded_tokens

    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE doc USING fts5(title, keywords, description, body, "
                "grade UNINDEXED, tokenize='unicode61 remove_diacritics 0')")
    with app.app_context():
        rows = db.session.execute(sa.select(
            Material.id, Material.title, Material.keywords, Material.description,
            Material.grade_level_id, MaterialVersion.extracted_text).join(
            MaterialVersion, MaterialVersion.id == Material.live_version_id)).all()
    con.executemany("INSERT INTO doc(rowid, title, keywords, description, body, grade) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(r[0], *(" ".join(folded_tokens(t or "")) for t in r[1:4]), r[5] and
                      " ".join(folded_tokens(r[5])), r[4]) for r in rows])
    times = []
    for search_request in requests:
        parsed = search_request.query
        terms = [w.folded for w in parsed.words] + [
            '"' + " ".join(w.folded for w in p) + '"' for p in parsed.phrases]
        started = time.perf_counter()
        if terms:
            con.execute("SELECT rowid FROM doc WHERE doc MATCH ? ORDER BY "
                        "bm25(doc, 6.0, 4.0, 2.0, 1.0) LIMIT 20", (" AND ".join(terms),)).fetchall()
            con.execute("SELECT grade, count(*) FROM doc WHERE doc MATCH ? GROUP BY grade",
                        (" AND ".join(terms),)).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    report("search_fts5_p95_ms", statistics.quantiles(times, n=20)[-1], "ms",
           "folded in Python, no permission filter")


def _postgres_url() -> str | None:
    url = os.environ.get("LMS_BENCH_DATABASE_URL")
    if url:
        return url
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1/postgres", connect_timeout=2,
                             autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'lms_bench_search'"
                                  ).fetchone()
            if not exists:
                conn.execute("CREATE DATABASE lms_bench_search")
        return "postgresql://postgres@127.0.0.1/lms_bench_search"
    except psycopg.Error:  # no server here: the PostgreSQL figures are skipped
        return None


def run(report) -> None:
    import sqlalchemy as sa

    from lms import create_app
    from lms.extensions import db
    from lms.models import User
    from plugins.search import SearchPlugin
    from plugins.search.backends import make_backend

    plugins = ("library", "scorm", "xerte", "search")
    with tempfile.TemporaryDirectory(prefix="lms-bench-search-") as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/lms.sqlite3",
                          "LMS_DATA_DIR": tmp, "LMS_PLUGINS": plugins, "SECRET_KEY": "bench"})
        _populate(app)
        with app.app_context():
            demo_ids = dict(db.session.execute(sa.select(User.username, User.id)).all())
        requests = _queries(random.Random(7), demo_ids)
        p95 = {}
        for name in ("whoosh", "tantivy"):
            p95[name] = _measure(app, make_backend(name, Path(tmp) / name), requests, report,
                                 name)
        _fts5(app, requests, report)
        url = _postgres_url()
        if url:
            print(f"  PostgreSQL backend on {url.rsplit('@', 1)[-1]}", flush=True)
            engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            engine.dispose()
            pg_app = create_app({"SQLALCHEMY_DATABASE_URI": url, "LMS_DATA_DIR": tmp,
                                 "LMS_PLUGINS": plugins, "SECRET_KEY": "bench"})
            _populate(pg_app)
            p95["postgresql"] = _measure(pg_app, make_backend("postgresql", Path(tmp) / "pg"),
                                         requests, report, "postgresql")
            with pg_app.app_context():
                db.engine.dispose()
        else:
            print("  PostgreSQL backend skipped: no LMS_BENCH_DATABASE_URL and no local server",
                  flush=True)
        default = SearchPlugin.default_settings["backend"]
        report("search_p95_ms", p95[default], "ms", f"the default backend ({default})")
