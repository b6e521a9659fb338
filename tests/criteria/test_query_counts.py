"""The dashboard and its XLSX run the same number of queries for the demo school as for a
school with five times the departments, ten times the teachers and many more classes, students,
parents' links, assignments and questions."""
from datetime import datetime

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import (
    ClassEnrollment,
    Department,
    DepartmentMembership,
    GradeLevel,
    ParentLink,
    Role,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingAssignment,
    User,
    UserRole,
)

from .conftest import WITH_PARTS, ask, count_queries, publish_task, user

pytestmark = pytest.mark.plugins(*WITH_PARTS)

MARCH = "?date_from=01/03/2026&date_to=31/03/2026"
PATHS = {"page": ("/criteria/" + MARCH, 18), "xlsx": ("/criteria/criteria.xlsx" + MARCH, 14)}


def _queries(app, client, path) -> int:
    client.get(path)  # warm up: first-request work is not the page's
    with count_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def _grow_school(departments: int, teachers_per_department: int, classes: int,
                 students_per_class: int) -> None:
    """Departments with a subject and teachers each, classes of the current year taught by
    them, students with parents (every other one linked), and a question per class."""
    year = SchoolYear.current()
    grade = db.session.scalar(sa.select(GradeLevel).where(GradeLevel.number == 9))
    hash_ = user("gv.toan").password_hash
    subjects, teachers = [], []
    for d in range(departments):
        department = Department(code=f"T{d:02d}", name=f"Tổ thử {d:02d}")
        subject = Subject(code=f"M{d:02d}", name=f"Môn thử {d:02d}", department=department)
        db.session.add_all([department, subject])
        db.session.flush()
        subjects.append(subject)
        for t in range(teachers_per_department):
            teacher = User(username=f"gv.thu.{d}.{t}", full_name=f"Giáo viên {d} {t}",
                           password_hash=hash_)
            db.session.add(teacher)
            db.session.flush()
            db.session.add_all([UserRole(user_id=teacher.id, role=Role.TEACHER.value),
                                DepartmentMembership(user_id=teacher.id,
                                                     department_id=department.id)])
            teachers.append((teacher, subject))
    for c in range(classes):
        teacher, subject = teachers[c % len(teachers)]
        school_class = SchoolClass(name=f"9T{c:02d}", school_year_id=year.id,
                                   grade_level_id=grade.id, homeroom_teacher_id=teacher.id)
        db.session.add(school_class)
        db.session.flush()
        db.session.add(TeachingAssignment(teacher_id=teacher.id, class_id=school_class.id,
                                          subject_id=subject.id))
        for s in range(students_per_class):
            student = User(username=f"hs.thu.{c}.{s}", full_name=f"Học sinh {c} {s}",
                           password_hash=hash_)
            parent = User(username=f"ph.thu.{c}.{s}", full_name=f"Phụ huynh {c} {s}",
                          password_hash=hash_)
            db.session.add_all([student, parent])
            db.session.flush()
            db.session.add_all([ClassEnrollment(student_id=student.id, class_id=school_class.id),
                                UserRole(user_id=student.id, role=Role.STUDENT.value),
                                UserRole(user_id=parent.id, role=Role.PARENT.value),
                                ParentLink(parent_id=parent.id, student_id=student.id,
                                           status="active" if s % 2 else "pending")])
        db.session.flush()
        ask(f"hs.thu.{c}.0", subject.code, datetime(2026, 3, 10, 2),
            datetime(2026, 3, 10, 3) if c % 3 else None, teacher.username if c % 3 else None)
    db.session.commit()


def test_the_dashboard_runs_a_bounded_number_of_queries(app, demo, client, login):
    from plugins.assignments.schedule import parse_local

    with app.app_context():
        publish_task(opens_at=parse_local("02/03/2026 07:00"),
                     due_at=parse_local("06/03/2026 23:59"))
        ask("hs.6a1.01", "TOAN", datetime(2026, 3, 3, 2), datetime(2026, 3, 3, 3), "gv.toan")
        db.session.commit()
    login("hieutruong")
    small = {name: _queries(app, client, path) for name, (path, _) in PATHS.items()}

    with app.app_context():
        _grow_school(departments=20, teachers_per_department=6, classes=40,
                     students_per_class=8)
        for number in range(5):
            publish_task(title=f"Bài {number}", classes=("6A1", "6A2"),
                         opens_at=parse_local(f"1{number}/03/2026 07:00"),
                         due_at=parse_local(f"2{number}/03/2026 23:59"))
    large = {name: _queries(app, client, path) for name, (path, _) in PATHS.items()}
    for name, (_, ceiling) in PATHS.items():
        assert large[name] == small[name], (name, small[name], large[name])
        assert large[name] <= ceiling, (name, large[name])

    html = client.get("/criteria/" + MARCH).get_data(as_text=True)
    assert "Giáo viên 19 5" in html and "<td>9T39</td>" in html
