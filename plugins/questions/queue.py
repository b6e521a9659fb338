"""The queues of unanswered questions: a teacher's (their classes and subjects) and a
department's (every subject of it). Oldest first, with the waiting time worded on the server.
Each queue is one query whatever its length (the student, class and subject come joined)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import joinedload

from lms.extensions import db
from lms.models import Subject
from lms.models.base import utcnow
from lms.permissions import teaching_scope

from .models import Thread, ThreadStatus

_EAGER = (joinedload(Thread.student), joinedload(Thread.school_class),
          joinedload(Thread.subject))


def _open():
    return Thread.status == ThreadStatus.OPEN.value


def _in_scope(user):
    return tuple_(Thread.class_id, Thread.subject_id).in_(teaching_scope(user))


def teacher_queue(user, limit: int | None = None) -> list[Thread]:
    """Unanswered threads of the classes and subjects `user` teaches, longest waiting first."""
    query = (select(Thread).options(*_EAGER).where(_open(), _in_scope(user))
             .order_by(Thread.waiting_since, Thread.id))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def teacher_queue_size(user) -> int:
    return db.session.scalar(select(func.count(Thread.id)).where(_open(), _in_scope(user))) or 0


def department_queue(department_id: int) -> list[Thread]:
    """Unanswered threads whose subject belongs to the department, longest waiting first."""
    return list(db.session.scalars(
        select(Thread).options(*_EAGER).join(Subject, Subject.id == Thread.subject_id)
        .where(_open(), Subject.department_id == department_id)
        .order_by(Thread.waiting_since, Thread.id)))


def waiting_text(since: datetime, now: datetime | None = None) -> str:
    """'chờ 2 giờ 15 phút', 'chờ 3 ngày 4 giờ', 'chờ 5 phút' (never negative)."""
    minutes = max(0, int(((now or utcnow()) - since).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("chờ %(d)s ngày %(h)s giờ", d=days, h=hours)
    if hours:
        return _("chờ %(h)s giờ %(m)s phút", h=hours, m=minutes)
    return _("chờ %(m)s phút", m=minutes)
