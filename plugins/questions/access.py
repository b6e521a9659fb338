"""Who may read a question thread, answer it, or read a class's FAQ. Built on
`lms.permissions`: a thread is private to its student (and their parents, read-only) and the
teachers of its class and subject; the subject's department heads and the board read only."""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from lms.extensions import db
from lms.models import ClassEnrollment, Role, Subject
from lms.permissions import teaches

from .models import Thread


def _heads_subject(user, subject_id: int) -> bool:
    membership = user.department_membership
    if membership is None or membership.position not in ("head", "deputy"):
        return False
    return db.session.scalar(select(Subject.department_id).where(
        Subject.id == subject_id)) == membership.department_id


def can_answer(user, thread: Thread) -> bool:
    """The teachers of the thread's class and subject (phân công chuyên môn)."""
    return teaches(user, thread.class_id, thread.subject_id)


def can_read(user, thread: Thread) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.id == thread.student_id or user.is_board:
        return True
    if user.has_role(Role.PARENT) and user.is_parent_of(thread.student_id):
        return True
    return can_answer(user, thread) or _heads_subject(user, thread.subject_id)


def thread_or_abort(thread_id: int) -> Thread:
    """The thread for the current user: 404 when it does not exist, 403 when not theirs."""
    thread = db.session.get(Thread, thread_id)
    if thread is None:
        abort(404)
    if not can_read(current_user, thread):
        abort(403)
    return thread


def can_read_faq(user, class_id: int, subject_id: int) -> bool:
    """Students of the class, the teachers of the class and subject, the subject's department
    heads and the board."""
    if user.is_board or teaches(user, class_id, subject_id) or _heads_subject(user, subject_id):
        return True
    if user.has_role(Role.STUDENT):
        return db.session.scalar(select(ClassEnrollment.id).where(
            ClassEnrollment.student_id == user.id, ClassEnrollment.class_id == class_id)
            .limit(1)) is not None
    return False
