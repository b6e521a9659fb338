"""Gradebook: the grid page and the VnEdu/SMAS XLSX export of a full class of 45 students.

One scored subject (Toán, 140 periods a year, so 4 ĐĐGtx) with every cell of both semesters
filled: ĐĐGtx 1–4, ĐĐGgk and ĐĐGck, from which the grid computes ĐTBmhk and ĐTBmcn. Requests go
through Flask's test client (in process, no network: the figures are the app's own work) against
a scratch SQLite database. Baseline: the same teacher's home page, measured the same way in the
same run, so the ratios say how much heavier the gradebook is than an ordinary page.
"""
from __future__ import annotations

import io
import re
import statistics
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

STUDENTS = 45
CLASS_NAME = "6A9"
SUBJECT = "TOAN"
TEACHER = "gv.toan"
PERIODS_PER_YEAR = 140  # more than 70 periods: four ĐĐGtx per semester (Thông tư 22, Art. 7)
#: rounds of one home, one grid and one export request each
ROUNDS = 30
#: the timed rounds stop after this many seconds even on a very slow machine
TIME_BUDGET_S = 40
SLOTS = ("tx1", "tx2", "tx3", "tx4", "gk", "ck")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ")
MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Gia")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Khang", "Linh", "Mai", "Nam", "Oanh", "Phúc",
         "Quân", "Sơn", "Thảo", "Uyên")


def _score(student: int, slot: int, semester: int) -> Decimal:
    """A spread of valid TT22 scores (integers and one decimal, 3.0–10.0), deterministic."""
    tenths = 30 + (student * 37 + slot * 11 + semester * 7) % 71
    return Decimal(tenths) / 10


def _build(app) -> dict:
    """The demo school plus class 6A9 of 45 students, taught Toán by gv.toan, whose two
    semesters are fully scored; returns the ids the requests need."""
    from lms.cli import upgrade_database
    from lms.extensions import db
    from lms.models import (
        ClassEnrollment,
        GradeLevel,
        Role,
        SchoolClass,
        SchoolYear,
        Subject,
        TeachingAssignment,
        User,
    )
    from lms.seed import seed_demo_school
    from plugins.gradebook.models import Entry, Semester, Sheet, SubjectRule

    with app.app_context():
        upgrade_database()
        seed_demo_school()
        year = SchoolYear.current()
        teacher = db.session.scalar(sa.select(User).where(User.username == TEACHER))
        subject = db.session.scalar(sa.select(Subject).where(Subject.code == SUBJECT))
        grade = db.session.scalar(sa.select(GradeLevel).where(GradeLevel.number == 6))
        school_class = SchoolClass(name=CLASS_NAME, school_year_id=year.id, grade_level=grade,
                                   homeroom_teacher=teacher)
        db.session.add(school_class)
        db.session.add(SubjectRule(subject=subject, grade_level=grade,
                                   periods_per_year=PERIODS_PER_YEAR))
        students = []
        for n in range(STUDENTS):
            student = User(username=f"bench.hs.{n:02d}", password_hash="!",
                           full_name=f"{FAMILY[n % len(FAMILY)]} {MIDDLE[n % len(MIDDLE)]} "
                                     f"{GIVEN[n % len(GIVEN)]}")
            student.add_role(Role.STUDENT)
            students.append(student)
        db.session.add_all(students)
        db.session.flush()
        db.session.add(TeachingAssignment(teacher_id=teacher.id, class_id=school_class.id,
                                          subject_id=subject.id))
        db.session.add_all(ClassEnrollment(student_id=s.id, class_id=school_class.id)
                           for s in students)
        # Semester I from the start of the year to mid-January, II to the end of the year.
        middle = date(year.start_date.year + 1, 1, 15)
        semesters = [
            Semester(school_year_id=year.id, number=1, starts_on=year.start_date,
                     ends_on=middle),
            Semester(school_year_id=year.id, number=2, starts_on=middle + timedelta(days=1),
                     ends_on=year.end_date),
        ]
        db.session.add_all(semesters)
        db.session.flush()
        sheets = [Sheet(class_id=school_class.id, subject_id=subject.id, semester_id=s.id)
                  for s in semesters]
        db.session.add_all(sheets)
        db.session.flush()
        db.session.execute(sa.insert(Entry), [
            {"sheet_id": sheet.id, "student_id": student.id, "slot": slot,
             "score": _score(n, k, sheet_number), "passed": None, "source": "typed",
             "source_detail": {}, "updated_by_id": teacher.id, "version": 1}
            for sheet_number, sheet in enumerate(sheets, 1)
            for n, student in enumerate(students)
            for k, slot in enumerate(SLOTS)])
        db.session.commit()
        ids = {"class_id": school_class.id, "subject_id": subject.id,
               "semester_ids": [s.id for s in semesters], "sheet_ids": [s.id for s in sheets]}
        filled = db.session.scalar(sa.select(sa.func.count(Entry.id)).where(
            Entry.sheet_id.in_(ids["sheet_ids"]), Entry.score.is_not(None)))
        assert filled == 2 * STUDENTS * len(SLOTS), filled
        return ids


def _client(app, username: str):
    from lms.seed import DEMO_PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not log in"
    return client


def _get(client, path: str):
    """A GET of `path` that returns the body and fails the bench on anything but a 200."""
    def request() -> bytes:
        response = client.get(path)
        body = response.get_data()
        assert response.status_code == 200, (path, response.status_code)
        return body

    return request


def _timed_ms(request) -> float:
    started = time.perf_counter()
    request()
    return (time.perf_counter() - started) * 1000


def _count_queries(app, request) -> int:
    """SQL statements one request runs (a bounded page runs as many for 5 students as 45)."""
    from lms.extensions import db

    statements = []

    def count(*_args) -> None:
        statements.append(1)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        request()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def _check_grid(body: bytes) -> None:
    # The grid must really hold the scores: a 200 with an empty table would be a fast lie.
    cells = body.count(b'name="c-')
    averages = len(re.findall(rb'class="average">\d', body))
    assert cells == STUDENTS * len(SLOTS), f"the grid shows {cells} cells"
    assert averages == 2 * STUDENTS, f"the grid shows {averages} ĐTBmhk and ĐTBmcn"


def _check_workbook(data: bytes) -> None:
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    students = [row for row in rows if isinstance(row[0], int)]
    assert len(students) == STUDENTS, f"the export holds {len(students)} students"
    # STT, Mã học sinh, Mã định danh, Họ và tên, Ngày sinh, then the six scores and ĐTBmhk
    empty = sum(1 for row in students for value in row[5:5 + len(SLOTS) + 1] if not value)
    assert empty == 0, f"the export leaves {empty} score cells empty"


def run(report) -> None:
    from lms import create_app

    with tempfile.TemporaryDirectory(prefix="lms-bench-gradebook-") as tmp:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'lms.sqlite3'}",
            "LMS_PLUGINS": ("scorm", "assignments", "gradebook"), "LMS_DATA_DIR": tmp,
            "LMS_CONTENT_DIR": str(Path(tmp) / "content"), "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False})
        ids = _build(app)
        teacher = _client(app, TEACHER)
        home = _get(teacher, "/")
        # Semester II: its grid also computes the year's average (ĐTBmcn) from both semesters.
        sheet = f"class/{ids['class_id']}/subject/{ids['subject_id']}/hk2"
        grid = _get(teacher, f"/gradebook/{sheet}")
        export = _get(teacher, f"/gradebook/exchange/{sheet}/export")
        # Warm-up, and the proof that each response is the real thing (checked outside timing).
        home()
        _check_grid(grid())
        _check_workbook(export())
        queries = {name: _count_queries(app, request)
                   for name, request in (("home", home), ("grid", grid), ("export", export))}
        # Interleaved, so a slow moment of the machine weighs on all three alike.
        samples: dict[str, list[float]] = {"home": [], "grid": [], "export": []}
        deadline = time.monotonic() + TIME_BUDGET_S
        for _round in range(ROUNDS):
            for name, request in (("home", home), ("grid", grid), ("export", export)):
                samples[name].append(_timed_ms(request))
            if time.monotonic() > deadline:
                break
        with app.app_context():
            from lms.extensions import db

            db.engine.dispose()
    home_ms, grid_ms, export_ms = (statistics.median(samples[k])
                                   for k in ("home", "grid", "export"))
    n = len(samples["home"])
    size = f"{STUDENTS} students × {len(SLOTS)} scored slots × 2 semesters, test client, SQLite"
    report("gradebook_page_ms", grid_ms, "ms", f"median of {n}, the teacher's HK II grid, {size}")
    report("gradebook_xlsx_ms", export_ms, "ms", f"median of {n}, the VnEdu/SMAS XLSX of HK II")
    report("home_page_ms", home_ms, "ms", f"median of {n}, the same teacher's home page")
    report("gradebook_page_queries", queries["grid"], "SQL", "statements of one grid request")
    report("gradebook_xlsx_queries", queries["export"], "SQL", "statements of one export")
    report("home_page_queries", queries["home"], "SQL", "statements of one home page")
    report("gradebook_page_vs_home", grid_ms / home_ms, "x", "grid time ÷ home page time")
    report("gradebook_xlsx_vs_home", export_ms / home_ms, "x", "export time ÷ home page time")
