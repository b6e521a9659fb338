"""Students' and parents' pages: the to-do list, one assignment with its hand-in form, and a
parent's read-only view of a child's work with the released grades only."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.extensions import db
from lms.models import Role, User
from lms.models.base import utcnow
from lms.permissions import roles_required

from .. import handin, schedule, workflow
from ..models import AssignmentKind, SubmissionFile, SubmissionState
from ..status import derive
from . import bp
from .access import assignment_or_404, opened_submission
from .forms import HandinTextForm
from .listing import student_rows, todo_sections

#: the file picker a phone opens with its camera: photos of paper work, or PDFs
ACCEPTED_FILES = "image/*,application/pdf"


@bp.route("/todo")
@roles_required(Role.STUDENT)
def todo():
    sections = todo_sections(student_rows(current_user.id, utcnow()))
    return render_template("assignments/todo.html", sections=sections, student=current_user,
                           parent_view=False)


def _render_assignment(submission, *, form=None, error=None, status=200):
    assignment = submission.assignment
    now = utcnow()
    dates = schedule.dates_for(assignment, submission.student_id)
    info = derive(submission, assignment, dates, now)
    form = form or HandinTextForm(text=submission.text)
    return render_template(
        "assignments/assignment.html", assignment=assignment, submission=submission,
        dates=dates, info=info, form=form, error=error,
        accepting=workflow.accepts_work(submission, now), accepted_files=ACCEPTED_FILES,
        is_task=assignment.kind == AssignmentKind.TASK.value,
        turns_in_by_itself=workflow.turns_in_by_itself(assignment),
        can_turn_in=not workflow.turns_in_by_itself(assignment) and submission.state in (
            SubmissionState.ASSIGNED.value, SubmissionState.IN_PROGRESS.value),
        can_take_back=submission.state == SubmissionState.TURNED_IN.value), status


@bp.route("/<int:assignment_id>/work")
@roles_required(Role.STUDENT)
def student_assignment(assignment_id: int):
    assignment = assignment_or_404(assignment_id)
    return _render_assignment(opened_submission(assignment, current_user.id))


@bp.route("/<int:assignment_id>/work", methods=["POST"])
@roles_required(Role.STUDENT)
def hand_in(assignment_id: int):
    """Save the text and add the files; with "Nộp bài", also turn the work in. All of it or
    nothing: a refused file keeps the text unsaved and shows the form again as typed."""
    assignment = assignment_or_404(assignment_id)
    submission = opened_submission(assignment, current_user.id)
    form = HandinTextForm()
    turning_in = request.form.get("action") == "turn_in"
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    try:
        if not form.validate():
            raise handin.HandinError(next(iter(form.errors.values()))[0])
        if assignment.accepts_text and "text" in request.form \
                and (form.text.data or "") != submission.text:
            handin.save_text(submission, form.text.data or "", current_user)
        for upload in uploads:
            if not assignment.accepts_files:
                raise handin.HandinError(_("Bài này không nhận tệp đính kèm."))
            handin.add_file(submission, upload, current_user)
        if turning_in:
            if workflow.turns_in_by_itself(assignment):
                raise workflow.WorkflowError(_("Bài học này tự được nộp khi em học xong bài."))
            workflow.turn_in(submission, current_user)
    except (handin.HandinError, workflow.WorkflowError) as error:
        db.session.rollback()
        message = str(error)
        if uploads:
            message += " " + _("Các tệp vừa chọn chưa được lưu: hãy chọn lại.")
        return _render_assignment(submission, form=form, error=message, status=400)
    db.session.commit()
    if turning_in:
        flash(_("Đã nộp bài."), "success")
    else:
        flash(_("Đã lưu bài làm (chưa nộp)."), "success")
    return redirect(url_for("assignments.student_assignment", assignment_id=assignment.id))


@bp.route("/<int:assignment_id>/work/take-back", methods=["POST"])
@roles_required(Role.STUDENT)
def take_back(assignment_id: int):
    assignment = assignment_or_404(assignment_id)
    submission = opened_submission(assignment, current_user.id)
    try:
        workflow.take_back(submission, current_user)
    except workflow.WorkflowError as error:
        db.session.rollback()
        return _render_assignment(submission, error=str(error), status=400)
    db.session.commit()
    flash(_("Đã rút bài lại: sửa xong hãy nộp lại trước hạn."), "success")
    return redirect(url_for("assignments.student_assignment", assignment_id=assignment.id))


@bp.route("/<int:assignment_id>/work/files/<int:file_id>/remove", methods=["POST"])
@roles_required(Role.STUDENT)
def remove_file(assignment_id: int, file_id: int):
    assignment = assignment_or_404(assignment_id)
    submission = opened_submission(assignment, current_user.id)
    stored = db.session.get(SubmissionFile, file_id)
    if stored is None or stored.submission_id != submission.id:
        abort(404)
    try:
        handin.remove_file(stored, current_user)
    except (handin.HandinError, workflow.WorkflowError) as error:
        db.session.rollback()
        return _render_assignment(submission, error=str(error), status=400)
    db.session.commit()
    flash(_("Đã bỏ tệp “%(name)s”.", name=stored.filename), "success")
    return redirect(url_for("assignments.student_assignment", assignment_id=assignment.id))


# Parents ---------------------------------------------------------------------------------------
@bp.route("/children")
@roles_required(Role.PARENT)
def children():
    """The parent's children; with one child, straight to their work."""
    kids = current_user.children()
    if len(kids) == 1:
        return redirect(url_for("assignments.child", student_id=kids[0].id))
    return render_template("assignments/children.html", children=kids)


@bp.route("/children/<int:student_id>")
@roles_required(Role.PARENT)
def child(student_id: int):
    """A child's work, read-only, with released grades and comments (never a draft)."""
    if not current_user.is_parent_of(student_id):
        abort(403)
    student = db.session.scalar(select(User).where(User.id == student_id))
    if student is None:
        abort(404)
    sections = todo_sections(student_rows(student_id, utcnow()))
    return render_template("assignments/todo.html", sections=sections, student=student,
                           parent_view=True)
