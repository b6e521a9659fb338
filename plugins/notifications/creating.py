"""Adding in-app notifications together with what they are about (child, submission)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from lms.extensions import db
from lms.models import Notification, ParentLink, ParentLinkStatus
from lms.models.base import utcnow

from .models import NotificationContext


def add(user_ids, kind: str, message: str, link: str | None, *, student_id: int | None = None,
        submission_id: int | None = None, created_at: datetime | None = None) -> None:
    """One notification per user (duplicates dropped) to the current transaction; `created_at`
    is the sender run's moment for the reminders it creates (now by default)."""
    for user_id in dict.fromkeys(user_ids):
        notification = Notification(user_id=user_id, kind=kind, message=message, link=link,
                                    created_at=created_at or utcnow())
        db.session.add(notification)
        if student_id is not None or submission_id is not None:
            db.session.add(NotificationContext(notification=notification, student_id=student_id,
                                               submission_id=submission_id))


def active_parents(student_ids) -> dict[int, list[int]]:
    """Student id → ids of the parents following them through an active link (one query)."""
    student_ids = sorted(set(student_ids))
    parents: dict[int, list[int]] = {sid: [] for sid in student_ids}
    if student_ids:
        for student_id, parent_id in db.session.execute(
                select(ParentLink.student_id, ParentLink.parent_id).where(
                    ParentLink.student_id.in_(student_ids),
                    ParentLink.status == ParentLinkStatus.ACTIVE.value)):
            parents[student_id].append(parent_id)
    return parents
