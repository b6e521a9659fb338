"""Helpers for the gradebook tests: the demo school's subject rules (số tiết per subject and
grade), ids by name, sheets of the current year, extra students, and a query counter."""
from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from lms.extensions import db

#: subject code -> (periods per year, comment only), the lower-secondary curriculum (CT GDPT
#: 2018): Toán/Văn/KHTN 140 periods (4 ĐĐGtx), Anh 105 (4), Công nghệ 52 (3), Tin/GDCD 35 (2),
#: GDTC 70 periods assessed by comment (Đạt/Chưa đạt)
DEMO_RULES = {
    "TOAN": (140, False), "VAN": (140, False), "ANH": (105, False), "KHTN": (140, False),
    "CN": (52, False), "TIN": (35, False), "GDCD": (35, False), "GDTC": (70, True),
}


@pytest.fixture
def subject_rules(app, demo):
    """SubjectRule rows for every demo subject in grades 6–9."""
    from lms.models import GradeLevel, Subject
    from plugins.gradebook.models import SubjectRule

    with app.app_context():
        subjects = {s.code: s.id for s in db.session.scalars(sa.select(Subject))}
        for grade_id in db.session.scalars(sa.select(GradeLevel.id)):
            for code, (periods, comment_only) in DEMO_RULES.items():
                db.session.add(SubjectRule(subject_id=subjects[code], grade_level_id=grade_id,
                                           periods_per_year=periods, comment_only=comment_only))
        db.session.commit()
    return DEMO_RULES


@pytest.fixture
def school(app, demo):
    """Ids of the demo school: `school.classes["6A1"]`, `school.subjects["TOAN"]`,
    `school.users["gv.toan"]`."""
    from lms.models import SchoolClass, SchoolYear, Subject

    with app.app_context():
        year = SchoolYear.current()
        classes = {c.name: c.id for c in db.session.scalars(
            sa.select(SchoolClass).where(SchoolClass.school_year_id == year.id))}
        subjects = {s.code: s.id for s in db.session.scalars(sa.select(Subject))}
    return SimpleNamespace(classes=classes, subjects=subjects, users=demo)


def sheet_for(class_name: str, subject_code: str, number: int = 1):
    """The sheet of a demo class and subject in semester `number` of the current year (inside an
    app context; created on demand)."""
    from lms.models import SchoolClass, SchoolYear, Subject
    from plugins.gradebook.semesters import semester_of
    from plugins.gradebook.sheets import get_or_create_sheet

    year = SchoolYear.current()
    class_id = db.session.scalar(sa.select(SchoolClass.id).where(
        SchoolClass.name == class_name, SchoolClass.school_year_id == year.id))
    subject_id = db.session.scalar(sa.select(Subject.id).where(Subject.code == subject_code))
    return get_or_create_sheet(class_id, subject_id, semester_of(year, number))


def add_students(class_name: str, count: int, prefix: str = "hs.extra") -> list[int]:
    """Enrol `count` new students in a demo class (inside an app context); their ids."""
    from lms.models import ClassEnrollment, Role, SchoolClass, SchoolYear, User

    year = SchoolYear.current()
    school_class = db.session.scalar(sa.select(SchoolClass).where(
        SchoolClass.name == class_name, SchoolClass.school_year_id == year.id))
    given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khoa", "Linh", "Minh"]
    students = []
    for number in range(count):
        student = User(username=f"{prefix}.{number:03d}", password_hash="x",
                       full_name=f"Nguyễn Văn {given[number % len(given)]} {number:03d}")
        student.add_role(Role.STUDENT)
        db.session.add(student)
        students.append(student)
    db.session.flush()
    for student in students:
        db.session.add(ClassEnrollment(student_id=student.id, class_id=school_class.id))
    db.session.flush()
    return [s.id for s in students]


@contextmanager
def count_queries(app):
    """Count the SQL statements run inside the block: `with count_queries(app) as queries:`."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
