"""Files behind an access check: a teacher's attachments and a student's handed-in files.

Both are served from the content store with `no-cache`, so a browser asks again (and is
checked again) rather than keeping a copy a shared computer could show to someone else.
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from content_store.serving import serve_blob
from lms.extensions import db
from lms.models import ParentLink, ParentLinkStatus, Role
from lms.storage import get_store

from ..models import AssignmentAttachment, Submission, SubmissionFile
from . import bp
from .access import assignment_or_404, desk_access, opened_submission


def _staff_or_403(assignment) -> None:
    if not current_user.is_staff:
        abort(403)
    desk_access(current_user, assignment)  # 403 for staff who may not open its desk


@bp.route("/files/<int:file_id>")
@login_required
def submission_file(file_id: int):
    """A handed-in file: for its student, their parents, and those who open the desk."""
    stored = db.session.get(SubmissionFile, file_id)
    if stored is None:
        abort(404)
    submission = db.session.get(Submission, stored.submission_id)
    assignment = assignment_or_404(submission.assignment_id)
    own_or_child = current_user.id == submission.student_id or (
        current_user.has_role(Role.PARENT) and current_user.is_parent_of(submission.student_id))
    if not own_or_child:
        _staff_or_403(assignment)
    return serve_blob(get_store(), stored.digest, filename=stored.filename,
                      mimetype=stored.content_type, immutable=False)


@bp.route("/<int:assignment_id>/attachments/<int:attachment_id>")
@login_required
def attachment(assignment_id: int, attachment_id: int):
    """A teacher's attachment: for the students given the work (once it opened), their
    parents, and those who open the desk."""
    assignment = assignment_or_404(assignment_id)
    stored = db.session.get(AssignmentAttachment, attachment_id)
    if stored is None or stored.assignment_id != assignment.id:
        abort(404)
    if current_user.has_role(Role.STUDENT):
        opened_submission(assignment, current_user.id)
    elif current_user.has_role(Role.PARENT) and not current_user.is_staff:
        child_given = db.session.scalar(
            select(Submission.id).join(ParentLink, ParentLink.student_id == Submission.student_id)
            .where(Submission.assignment_id == assignment.id,
                   ParentLink.parent_id == current_user.id,
                   ParentLink.status == ParentLinkStatus.ACTIVE.value).limit(1))
        if child_given is None:
            abort(403)
    else:
        _staff_or_403(assignment)
    return serve_blob(get_store(), stored.digest, filename=stored.filename,
                      mimetype=stored.content_type, immutable=False)
