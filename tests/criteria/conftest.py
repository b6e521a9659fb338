"""Helpers for the criteria dashboard's tests: the assignments tests' builders of the demo
school's work, plus question threads and parent links made to order."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from lms.config import DEFAULT_PLUGINS
from lms.extensions import db
from lms.models import ClassEnrollment, ParentLink, User
from tests.assignments.conftest import (  # noqa: F401  (re-exported for the tests here)
    count_queries,
    publish_task,
    school_class,
    students_of,
    subject,
    submission_of,
    user,
)

#: the plugins the dashboard reads, loaded whatever the default list holds at the moment
WITH_PARTS = tuple(dict.fromkeys((*DEFAULT_PLUGINS, "assignments", "questions", "criteria")))


def ask(student: str, subject_code: str, created_at: datetime,
        answered_at: datetime | None = None, answered_by: str | None = None):
    """A question thread of `student` in their class, asked and (maybe) first answered at the
    given UTC times, as the questions plugin stores it."""
    from plugins.questions.models import Thread, ThreadStatus

    asker = user(student)
    class_id = db.session.scalar(sa.select(ClassEnrollment.class_id)
                                 .where(ClassEnrollment.student_id == asker.id))
    thread = Thread(student_id=asker.id, class_id=class_id,
                    subject_id=subject(subject_code).id, title="Em chưa hiểu bài",
                    status=(ThreadStatus.ANSWERED if answered_at else ThreadStatus.OPEN).value,
                    created_at=created_at, first_answer_at=answered_at,
                    answered_by_id=user(answered_by).id if answered_by else None,
                    waiting_since=created_at, last_activity_at=answered_at or created_at)
    db.session.add(thread)
    db.session.flush()
    return thread


def relink(student: User, *links: tuple[User, str]) -> None:
    """Replace `student`'s parent links with (parent, status) pairs."""
    db.session.execute(sa.delete(ParentLink).where(ParentLink.student_id == student.id))
    for parent, status in links:
        db.session.add(ParentLink(parent_id=parent.id, student_id=student.id, status=status,
                                  created_via="school"))
    db.session.flush()
