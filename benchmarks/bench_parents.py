"""Parent's home: a parent whose child's class has 12 subjects × 20 assignments.

The child has work missing, work due soon and work returned with released grades and comments in
every subject, and every subject's gradebook of semester I is filled and published. Requests go
through Flask's test client (in process, no network: the figures are the app's own work) against
a scratch SQLite database with the default plugins. Baseline: a teacher's home page (the one who
teaches the class Toán), measured the same way, interleaved, in the same run.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

CLASS_NAME = "6A9"
STUDENTS = 35
ASSIGNMENTS_PER_SUBJECT = 20
#: of each subject's assignments, the child's first ones are graded and returned
RETURNED_PER_SUBJECT = 8
TEACHER = "gv.toan"
PARENT = "bench.ph"
COMMENT = "Bài làm cẩn thận, trình bày rõ ràng"
#: the demo's eight subjects and four more, each with the teacher who gives its work
EXTRA_SUBJECTS = (("LSDL", "Lịch sử và Địa lý", "VAN"), ("HDTN", "Hoạt động trải nghiệm", "KHTN"),
                  ("NT", "Nghệ thuật", "ANH"), ("GDDP", "Giáo dục địa phương", "VAN"))
TEACHERS = {"TOAN": "gv.toan", "TIN": "gv.tin", "VAN": "gv.van", "GDCD": "tt.van",
            "ANH": "gv.anh", "KHTN": "gv.khtn", "CN": "tt.khtn", "GDTC": "tp.toan",
            "LSDL": "tt.van", "HDTN": "tt.khtn", "NT": "tt.anh", "GDDP": "gv.van"}
#: comment-only subjects (Đạt/Chưa đạt, Thông tư 22); the others are scored
COMMENT_ONLY = frozenset({"GDTC", "NT", "HDTN", "GDDP"})
#: rounds of one parent and one teacher home request each
ROUNDS = 40
#: the timed rounds stop after this many seconds even on a very slow machine (the whole bench,
#: building included, stays under a minute)
TIME_BUDGET_S = 30


def _build(app) -> dict:
    """The demo school plus class 6A9 and its year of work; returns what the checks need."""
    from lms.cli import upgrade_database
    from lms.extensions import db
    from lms.models import (
        ClassEnrollment,
        Department,
        GradeLevel,
        ParentLink,
        Role,
        SchoolClass,
        SchoolYear,
        Subject,
        TeachingAssignment,
        User,
    )
    from lms.models.base import utcnow
    from lms.seed import DEMO_PASSWORD, seed_demo_school
    from plugins.assignments import grading, publishing
    from plugins.gradebook.models import Entry, Sheet, SubjectRule
    from plugins.gradebook.semesters import ensure_semesters, semester_of
    from plugins.gradebook.sheets import slots_of

    with app.app_context():
        upgrade_database()
        seed_demo_school()
        year = SchoolYear.current()
        now = utcnow()
        people = {u.username: u for u in db.session.scalars(
            sa.select(User).where(User.username.in_(set(TEACHERS.values()))))}
        for code, name, department_code in EXTRA_SUBJECTS:
            department = db.session.scalar(sa.select(Department).where(
                Department.code == department_code))
            db.session.add(Subject(code=code, name=name, department=department))
        db.session.flush()
        subjects = {s.code: s for s in db.session.scalars(
            sa.select(Subject).where(Subject.code.in_(set(TEACHERS))))}
        assert len(subjects) == 12, sorted(subjects)
        grade = db.session.scalar(sa.select(GradeLevel).where(GradeLevel.number == 6))
        school_class = SchoolClass(name=CLASS_NAME, school_year_id=year.id, grade_level=grade,
                                   homeroom_teacher=people[TEACHER])
        db.session.add(school_class)
        students = []
        for n in range(STUDENTS):
            student = User(username=f"bench.hs.{n:02d}", password_hash="!",
                           full_name=f"Nguyễn Văn Học Sinh {n:02d}")
            student.add_role(Role.STUDENT)
            students.append(student)
        parent = User(username=PARENT, full_name="Trần Thị Phụ Huynh",
                      privacy_notice_seen_at=now)
        parent.set_password(DEMO_PASSWORD)
        parent.add_role(Role.PARENT)
        db.session.add_all([*students, parent])
        db.session.flush()
        child = students[0]
        db.session.add(ParentLink(parent_id=parent.id, student_id=child.id, status="active",
                                  created_via="school", relationship_label="Mẹ",
                                  consent_at=now))
        db.session.add_all(ClassEnrollment(student_id=s.id, class_id=school_class.id)
                           for s in students)
        db.session.add_all(TeachingAssignment(teacher_id=people[TEACHERS[code]].id,
                                              class_id=school_class.id, subject_id=s.id)
                           for code, s in subjects.items())
        db.session.flush()
        returned = 0
        for code, subject in sorted(subjects.items()):
            teacher = people[TEACHERS[code]]
            given = []
            # spread over the last six weeks and the next two: past due ones the child left
            # undone are missing, the latest are due soon
            for number in range(ASSIGNMENTS_PER_SUBJECT):
                opens_at = now - timedelta(days=42 - 2 * number)
                given.append(publishing.publish(
                    teacher=teacher, title=f"{subject.name}: bài {number + 1}",
                    instructions="Làm bài vào vở và chụp ảnh nộp.", kind="task",
                    subject_id=subject.id,
                    recipients=[publishing.RecipientSpec(class_id=school_class.id)],
                    opens_at=opens_at, due_at=opens_at + timedelta(days=4)))
            work = [_submission(db, assignment, child.id)
                    for assignment in given[:RETURNED_PER_SUBJECT]]
            for number, submission in enumerate(work):
                grading.save_grade(submission, expected_version=submission.version,
                                   actor=teacher, score=Decimal(6 + number % 5), comment=COMMENT)
            db.session.flush()
            returned += grading.release(work, teacher)
        ensure_semesters(year)
        semester = semester_of(year, 1)
        for code, subject in subjects.items():
            # 140 periods a year: four ĐĐGtx, a mid-term and an end-of-term score per student
            rule = SubjectRule(subject_id=subject.id, grade_level_id=grade.id,
                               periods_per_year=140, comment_only=code in COMMENT_ONLY)
            sheet = Sheet(class_id=school_class.id, subject_id=subject.id,
                          semester_id=semester.id, published_at=now,
                          published_by_id=people[TEACHERS[code]].id)
            db.session.add_all([rule, sheet])
            db.session.flush()
            db.session.execute(sa.insert(Entry), [
                {"sheet_id": sheet.id, "student_id": s.id, "slot": slot,
                 "score": None if rule.comment_only else Decimal(5 + (n + k) % 6),
                 "passed": True if rule.comment_only else None, "source": "typed",
                 "source_detail": {}, "updated_by_id": sheet.published_by_id, "version": 1}
                for n, s in enumerate(students) for k, slot in enumerate(slots_of(rule))])
        db.session.commit()
        assert returned == 12 * RETURNED_PER_SUBJECT, returned
        return {"child": child.full_name}


def _submission(db, assignment, student_id):
    from plugins.assignments.models import Submission

    return db.session.scalar(sa.select(Submission).where(
        Submission.assignment_id == assignment.id, Submission.student_id == student_id))


def _client(app, username: str):
    from lms.seed import DEMO_PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not log in"
    return client


def _get(client, path: str):
    """A GET of `path` that returns the body and fails the bench on anything but a 200."""
    def request() -> str:
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, (path, response.status_code)
        return body

    return request


def _timed_ms(request) -> float:
    started = time.perf_counter()
    request()
    return (time.perf_counter() - started) * 1000


def _check_parent_home(body: str, child: str) -> None:
    # The page must really show the child's work: a 200 without it would be a fast lie.
    assert child in body, "the parent's home does not name the child"
    assert COMMENT in body, "the parent's home shows no returned grade and comment"
    assert "Thiếu bài" in body, "the parent's home shows no missing work"
    averages = body.split('class="card gradebook-parent"', 1)[-1].split("</table>", 1)[0]
    assert averages.count("<tr>") == 1 + 12, "the parent's home lacks published averages"


def run(report) -> None:
    from lms import create_app
    from lms.config import DEFAULT_PLUGINS

    with tempfile.TemporaryDirectory(prefix="lms-bench-parents-") as tmp:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'lms.sqlite3'}",
            "LMS_PLUGINS": DEFAULT_PLUGINS, "LMS_DATA_DIR": tmp,
            "LMS_CONTENT_DIR": str(Path(tmp) / "content"), "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False})
        built = _build(app)
        parent_home = _get(_client(app, PARENT), "/")
        teacher_home = _get(_client(app, TEACHER), "/")
        # Warm-up, and the proof that the parent's page is the real thing (outside timing).
        _check_parent_home(parent_home(), built["child"])
        teacher_home()
        # Interleaved, so a slow moment of the machine weighs on both alike.
        samples: dict[str, list[float]] = {"parent": [], "teacher": []}
        deadline = time.monotonic() + TIME_BUDGET_S
        for _round in range(ROUNDS):
            samples["parent"].append(_timed_ms(parent_home))
            samples["teacher"].append(_timed_ms(teacher_home))
            if time.monotonic() > deadline:
                break
        with app.app_context():
            from lms.extensions import db

            db.engine.dispose()
    parent_ms, teacher_ms = (statistics.median(samples[k]) for k in ("parent", "teacher"))
    n = len(samples["parent"])
    size = (f"{len(TEACHERS)} subjects × {ASSIGNMENTS_PER_SUBJECT} assignments, "
            f"{RETURNED_PER_SUBJECT} returned each, gradebook published; test client, SQLite")
    report("parent_home_ms", parent_ms, "ms", f"median of {n}, the parent's home, {size}")
    # named apart from bench_gradebook's home_page_ms: both print in the same `make bench` run
    report("parents_baseline_home_ms", teacher_ms, "ms",
           f"median of {n}, {TEACHER}'s home page, the same run")
    report("parent_home_vs_home", parent_ms / teacher_ms, "x",
           "parent's home time ÷ teacher's home time")


