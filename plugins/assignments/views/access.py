"""Who may open which assignment page: the one place the views ask, built on lms.permissions.

Teachers manage (grade, return) the work they gave and work of their subject in their classes
(`publishing.manages`); only the author edits or deletes it. The head and deputy head of the
subject's department and the board open the grading desk read-only. Students see their own work once it has opened;
parents their own children's.
"""
from __future__ import annotations

from enum import Enum

from flask import abort
from sqlalchemy import select

from lms.extensions import db
from lms.models import Role, Subject
from lms.models.base import utcnow

from .. import publishing, schedule
from ..models import Assignment, AssignmentRecipient, Submission


class DeskAccess(str, Enum):
    MANAGE = "manage"
    READ = "read"


def assignment_or_404(assignment_id: int) -> Assignment:
    """The assignment, unless it never existed or was deleted (404 for both)."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.deleted_at is not None:
        abort(404)
    return assignment


def recipient_class_ids(assignment: Assignment) -> set[int]:
    return set(db.session.scalars(select(AssignmentRecipient.class_id).where(
        AssignmentRecipient.assignment_id == assignment.id)))


def is_author(user, assignment: Assignment) -> bool:
    return user.has_role(Role.TEACHER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD) \
        and user.id == assignment.created_by_id


def reads_department_work(user, assignment: Assignment) -> bool:
    """The board, and the head or deputy head of the department the subject belongs to."""
    if user.is_board:
        return True
    department_id = db.session.scalar(
        select(Subject.department_id).where(Subject.id == assignment.subject_id))
    return department_id is not None and user.heads_department(department_id)


def desk_access(user, assignment: Assignment) -> DeskAccess:
    """Manage (grade, return, extend…) or read the grading desk; 403 for anyone else. Whether
    one student's work may be changed is still the workflow's to decide."""
    if user.has_role(Role.TEACHER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD) \
            and publishing.manages(user, assignment):
        return DeskAccess.MANAGE
    if reads_department_work(user, assignment):
        return DeskAccess.READ
    abort(403)


def require_author(user, assignment: Assignment) -> None:
    """Editing and deleting an assignment: its author only."""
    if not is_author(user, assignment):
        abort(403)


def opened_submission(assignment: Assignment, student_id: int) -> Submission:
    """The student's submission on an assignment that has opened for them: 403 when the work
    was not given to them, 404 while it has not opened (nobody learns about it early)."""
    submission = db.session.scalar(select(Submission).where(
        Submission.assignment_id == assignment.id, Submission.student_id == student_id))
    if submission is None:
        abort(403)
    dates = schedule.dates_for(assignment, student_id)
    if dates.opens_at > utcnow():
        abort(404)
    return submission
