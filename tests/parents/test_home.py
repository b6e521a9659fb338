"""The parent's home: only their own active children, released grades only, the lessons the
child finished, and a bounded number of queries however much work the child has."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from lms.extensions import db
from lms.models import (
    Department,
    LearningAttempt,
    ParentLink,
    SchoolClass,
    Subject,
    TeachingAssignment,
)
from lms.models.base import utcnow
from plugins.assignments import grading, publishing, workflow
from tests.assignments.conftest import count_queries, make_approved_material, submission_of

from .conftest import account

SUBJECTS = 12


def _class_id(name="6A1") -> int:
    return db.session.scalar(sa.select(SchoolClass.id).where(SchoolClass.name == name))


def _give_work(per_subject: int, start: int = 0) -> None:
    """`per_subject` tasks in each of 12 subjects for 6A1, from gv.toan who teaches them all:
    some missing, some due soon, one returned with a grade per subject."""
    teacher, student = account("gv.toan"), account("hs.6a1.01")
    class_id = _class_id()
    department_id = db.session.scalar(sa.select(Department.id).limit(1))
    now = utcnow()
    for number in range(SUBJECTS):
        code = f"BENCH{number:02d}"
        subject = db.session.scalar(sa.select(Subject).where(Subject.code == code))
        if subject is None:
            subject = Subject(code=code, name=f"Môn {number:02d}", department_id=department_id)
            db.session.add(subject)
            db.session.flush()
            db.session.add(TeachingAssignment(teacher_id=teacher.id, class_id=class_id,
                                              subject_id=subject.id))
            db.session.flush()
        for index in range(start, start + per_subject):
            past = index % 2 == 0
            assignment = publishing.publish(
                teacher=teacher, title=f"Bài {number}-{index}", instructions="Làm bài.",
                kind="task", subject_id=subject.id,
                recipients=[publishing.RecipientSpec(class_id=class_id)],
                opens_at=now - timedelta(days=30),
                due_at=now - timedelta(days=1 + index) if past else now + timedelta(hours=index))
            if index == start:
                submission = submission_of(assignment, "hs.6a1.01")
                workflow.turn_in(submission, student)
                db.session.flush()
                grading.save_grade(submission, expected_version=submission.version,
                                   actor=teacher, score="7", comment=f"Nhận xét {number}")
                grading.release([submission], teacher)
    db.session.commit()


def test_the_parent_home_runs_a_fixed_number_of_queries(app, client, demo, login):
    with app.app_context():
        _give_work(10)
    login("ph.6a1.01")
    client.get("/")
    with count_queries(app) as first:
        page = client.get("/").get_data(as_text=True)
    assert "Thiếu bài" in page and "Bài đã trả" in page and "Nhận xét 11" in page
    with app.app_context():
        _give_work(10, start=10)  # twice the work
    with count_queries(app) as second:
        assert client.get("/").status_code == 200
    assert len(second) == len(first), (len(first), len(second))
    assert len(first) <= 30, len(first)  # 22 today, for the whole page


def test_unreleased_grades_and_other_families_stay_hidden(app, client, demo, login, task):
    returned, drafted = task(title="Bài đã trả điểm"), task(title="Bài đang chấm dở")
    with app.app_context():
        from plugins.assignments.models import Assignment

        teacher, student = account("gv.toan"), account("hs.6a1.01")
        for assignment_id, release in ((returned, True), (drafted, False)):
            assignment = db.session.get(Assignment, assignment_id)
            submission = submission_of(assignment, "hs.6a1.01")
            workflow.turn_in(submission, student)
            db.session.flush()
            grading.save_grade(submission, expected_version=submission.version, actor=teacher,
                               score="9,5" if release else "2,5",
                               comment="Đã trả" if release else "Nháp bí mật")
            if release:
                grading.release([submission], teacher)
        db.session.commit()
    login("ph.6a1.01")
    page = client.get("/").get_data(as_text=True)
    assert "9,5" in page and "Đã trả" in page
    assert "2,5" not in page and "Nháp bí mật" not in page
    login("ph.6a2.01")  # another family: none of it, whatever child id they send
    other = client.get(f"/?child={demo['hs.6a1.01']}").get_data(as_text=True)
    assert "Bài đã trả điểm" not in other and "Nguyễn Hoàng Nam" not in other
    assert client.get(f"/students/{demo['hs.6a1.01']}").status_code == 403


def test_a_revoked_or_pending_link_shows_nothing(app, client, demo, login, task):
    task(title="Bài của lớp 6A1")
    with app.app_context():
        link = db.session.scalar(sa.select(ParentLink).where(
            ParentLink.parent_id == demo["ph.6a1.01"]))
        link.status = "pending"
        db.session.commit()
    login("ph.6a1.01")
    page = client.get("/").get_data(as_text=True)
    assert "Bài của lớp 6A1" not in page and "child-switcher" not in page


def test_lessons_done_show_with_the_time_spent(app, client, demo, login, tmp_path):
    with app.app_context():
        material = make_approved_material(tmp_path)
        now = utcnow()
        for number, seconds, completed in ((1, 600.0, None), (2, 1500.0, now)):
            db.session.add(LearningAttempt(
                user_id=demo["hs.6a1.01"], material_id=material.id, number=number,
                version_id=material.live_version_id, completion="completed"
                if completed else "incomplete", total_time_seconds=seconds,
                completed_at=completed))
        db.session.add(LearningAttempt(
            user_id=demo["hs.6a1.02"], material_id=material.id,
            version_id=material.live_version_id, completion="completed",
            total_time_seconds=60.0, completed_at=now))
        db.session.commit()
        title = material.title
    login("ph.6a1.01")
    page = client.get("/").get_data(as_text=True)
    section = page[page.index(f'id="child-{demo["hs.6a1.01"]}-lessons"'):]
    assert title in section and "35 phút" in section
