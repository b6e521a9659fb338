"""The grading desk: every student of one assignment (per class), their work and status, the
grade with its comment, and the per-student and bulk actions (Trả bài, extend, excuse, on
paper, reopen, remind). Heads of the department and the board read it without any form."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from lms.extensions import db
from lms.materials.results import duration, percent, status_labels
from lms.models import LearningAttempt, Role, SchoolClass, notify
from lms.models.base import utcnow
from lms.permissions import roles_required
from lms.plugins import registry

from .. import grading, publishing, schedule, workflow
from ..models import Assignment, CommentBankEntry, GradingScale, Submission
from ..status import Status
from . import bp
from .access import DeskAccess, assignment_or_404, desk_access, recipient_class_ids
from .forms import ExtendForm, GradeForm
from .listing import HANDED_IN, desk_rows, rows_for, status_counts

DESK_ROLES = (Role.TEACHER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.PRINCIPAL,
              Role.VICE_PRINCIPAL)
MANAGE_ROLES = (Role.TEACHER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD)
#: what the bulk form may ask, each with the workflow call it makes per submission
WORKFLOW_ACTIONS = {
    "excuse": lambda s, actor: workflow.excuse(s, actor, excused=True),
    "unexcuse": lambda s, actor: workflow.excuse(s, actor, excused=False),
    "on_paper": lambda s, actor: workflow.mark_on_paper(s, actor, on_paper=True),
    "not_on_paper": lambda s, actor: workflow.mark_on_paper(s, actor, on_paper=False),
    "reopen": lambda s, actor: workflow.reopen(s, actor),
}
BULK_ACTIONS = ("release", "extend", "remind", *WORKFLOW_ACTIONS)


def _filters() -> dict:
    """The class and status the desk is filtered by, from the query string or the form."""
    values = request.values
    class_id = values.get("class_id", "")
    status = values.get("status", "")
    return {"class_id": int(class_id) if class_id.isdigit() else None,
            "status": status if status in {s.value for s in Status} else None}


def _desk_url(assignment: Assignment, filters: dict, anchor: str | None = None) -> str:
    return url_for("assignments.desk", assignment_id=assignment.id, _anchor=anchor,
                   **{k: v for k, v in filters.items() if v})


def _attempt_details(assignment: Assignment, rows) -> tuple[dict, object]:
    """The attempts whose score is proposed (one query) and the content type's drill-down."""
    attempt_ids = sorted({r.submission.attempt_id for r in rows if r.submission.attempt_id})
    attempts = {a.id: a for a in db.session.scalars(
        select(LearningAttempt).where(LearningAttempt.id.in_(attempt_ids)))} if attempt_ids \
        else {}
    detail_url = None
    if assignment.material is not None:
        try:
            detail_url = registry().content_types.get(
                assignment.material.content_type).attempt_detail_url
        except KeyError:  # the format's plugin is not loaded here: no drill-down
            detail_url = None
    return attempts, detail_url


def render_desk(assignment: Assignment, access: DeskAccess, *, errors=None, typed=None,
                extend_form=None, status: int = 200):
    filters = _filters()
    class_ids = recipient_class_ids(assignment)
    classes = list(db.session.scalars(select(SchoolClass).where(
        SchoolClass.id.in_(sorted(class_ids))).order_by(SchoolClass.name))) if class_ids else []
    shown = {filters["class_id"]} & class_ids if filters["class_id"] else class_ids
    rows = desk_rows(assignment, shown, utcnow())
    counts = status_counts(rows)
    if filters["status"]:
        rows = [r for r in rows if r.info.status.value == filters["status"]]
    attempts, detail_url = _attempt_details(assignment, rows)
    manage = access is DeskAccess.MANAGE
    return render_template(
        "assignments/desk.html", assignment=assignment, manage=manage, rows=rows,
        classes=classes, class_names={c.id: c.name for c in classes}, filters=filters, counts=counts, statuses=list(Status),
        attempts=attempts, detail_url=detail_url or (lambda _attempt: None),
        attempt_labels=status_labels(), duration=duration, percent=percent,
        bank=grading.comment_bank(current_user) if manage else [],
        errors=errors or {}, typed=typed or {}, extend_form=extend_form or ExtendForm(),
        grade_form=GradeForm, pass_fail=assignment.grading_scale == GradingScale.PASS_FAIL.value,
        handed_in=HANDED_IN, bulk_actions=BULK_ACTIONS), status


@bp.route("/<int:assignment_id>/desk")
@roles_required(*DESK_ROLES)
def desk(assignment_id: int):
    assignment = assignment_or_404(assignment_id)
    return render_desk(assignment, desk_access(current_user, assignment))


def _managed_assignment(assignment_id: int) -> Assignment:
    """The assignment for a change made at the desk: 403 for those who only read it."""
    assignment = assignment_or_404(assignment_id)
    if desk_access(current_user, assignment) is not DeskAccess.MANAGE:
        abort(403)
    return assignment


def _submission_of(assignment: Assignment, submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.assignment_id != assignment.id:
        abort(404)
    return submission


# One student's grade ---------------------------------------------------------------------------
@bp.route("/<int:assignment_id>/desk/<int:submission_id>/grade", methods=["POST"])
@roles_required(*MANAGE_ROLES)
def grade(assignment_id: int, submission_id: int):
    assignment = _managed_assignment(assignment_id)
    submission = _submission_of(assignment, submission_id)
    form = GradeForm()
    typed = {"score": form.score.data or "", "passed": form.passed.data or "",
             "comment": form.comment.data or "", "remember": form.remember.data}
    status = 400
    try:
        if not form.validate():
            raise grading.GradeError(next(iter(form.errors.values()))[0])
        version = int(form.version.data) if (form.version.data or "").isdigit() else -1
        values = {"comment": typed["comment"]}
        if assignment.grading_scale == GradingScale.PASS_FAIL.value:
            values["passed"] = {"1": True, "0": False}.get(typed["passed"])
        else:
            values["score"] = typed["score"]  # grading reads it with lms.scores.parse_score
        grading.save_grade(submission, expected_version=version, actor=current_user, **values)
        if typed["remember"] and typed["comment"].strip():
            grading.remember_comment(current_user, typed["comment"])
    except grading.StaleGrade as error:
        message, status = str(error), 409
    except (grading.GradeError, workflow.WorkflowError) as error:
        message = str(error)
    else:
        db.session.commit()
        flash(_("Đã lưu điểm của %(name)s.", name=submission.student.full_name), "success")
        return redirect(_desk_url(assignment, _filters(), anchor=f"s{submission.id}"))
    db.session.rollback()
    return render_desk(assignment, DeskAccess.MANAGE, errors={submission.id: message},
                       typed={submission.id: typed}, status=status)


@bp.route("/comments/<int:entry_id>/forget", methods=["POST"])
@roles_required(*MANAGE_ROLES)
def forget_comment(entry_id: int):
    """Remove one comment from the teacher's own bank."""
    entry = db.session.get(CommentBankEntry, entry_id)
    if entry is not None:
        if entry.teacher_id != current_user.id:
            abort(403)
        grading.forget_comment(entry, current_user)
        db.session.commit()
    # already gone (a second click, another tab): the teacher wanted exactly this
    flash(_("Đã xóa nhận xét khỏi ngân hàng nhận xét."), "success")
    back = request.form.get("assignment_id", "")
    if back.isdigit():
        return redirect(url_for("assignments.desk", assignment_id=int(back)))
    return redirect(url_for("assignments.teacher_list"))


# Actions on several students -------------------------------------------------------------------
def _selected(assignment: Assignment) -> list[Submission]:
    ids = sorted({int(v) for v in request.form.getlist("submission_ids") if v.isdigit()})
    if not ids:
        return []
    submissions = list(db.session.scalars(select(Submission).where(
        Submission.assignment_id == assignment.id, Submission.id.in_(ids))
        .order_by(Submission.id)))
    if len(submissions) != len(ids):
        abort(404)
    return submissions


def _release(assignment, submissions) -> str:
    released = grading.release(submissions, current_user)
    skipped = len(submissions) - released
    message = ngettext("Đã trả bài cho %(num)d học sinh.", "Đã trả bài cho %(num)d học sinh.",
                       released)
    if skipped:
        message += " " + ngettext(
            "Bỏ qua %(num)d bài chưa chấm.", "Bỏ qua %(num)d bài chưa chấm.", skipped)
    return message


def _extend(assignment, submissions, form: ExtendForm) -> str:
    if not form.validate():
        raise publishing.PublishError({name: str(errors[0])
                                       for name, errors in form.errors.items()})
    try:
        due_at = schedule.parse_local(form.due_at.data, end_of_day=True)
        cutoff_text = (form.cutoff_at.data or "").strip()
        cutoff_at = schedule.parse_local(cutoff_text, end_of_day=True) if cutoff_text else None
    except schedule.DateError as error:
        raise publishing.PublishError({"due_at": str(error)}) from None
    publishing.extend(submissions, current_user, due_at=due_at, cutoff_at=cutoff_at,
                      reason=form.reason.data or "")
    return ngettext("Đã gia hạn cho %(num)d học sinh đến %(when)s.",
                    "Đã gia hạn cho %(num)d học sinh đến %(when)s.", len(submissions),
                    when=schedule.format_local(due_at))


def _remind(assignment, submissions) -> str:
    """Notify each selected student who has not handed the work in (nor been excused)."""
    rows = rows_for(submissions, utcnow())
    waiting = [r for r in rows if r.info.status not in HANDED_IN and not r.info.excused]
    for row in waiting:
        notify([row.submission.student_id], "assignment.reminder",
               _("Nhắc nộp bài “%(title)s”: hạn nộp %(when)s.", title=assignment.title,
                 when=schedule.format_local(row.dates.due_at)),
               link=url_for("assignments.student_assignment", assignment_id=assignment.id))
    message = ngettext("Đã nhắc %(num)d học sinh chưa nộp bài.",
                       "Đã nhắc %(num)d học sinh chưa nộp bài.", len(waiting))
    skipped = len(rows) - len(waiting)
    if skipped:
        message += " " + ngettext("Bỏ qua %(num)d học sinh đã nộp hoặc được miễn.",
                                  "Bỏ qua %(num)d học sinh đã nộp hoặc được miễn.", skipped)
    return message


def _workflow(action: str, submissions) -> str:
    """All or nothing: the first refusal names the student and nothing is kept."""
    for submission in submissions:
        try:
            WORKFLOW_ACTIONS[action](submission, current_user)
        except workflow.WorkflowError as error:
            raise workflow.WorkflowError(f"{submission.student.full_name}: {error}") from None
    return ngettext("Đã cập nhật %(num)d học sinh.", "Đã cập nhật %(num)d học sinh.",
                    len(submissions))


@bp.route("/<int:assignment_id>/desk/actions", methods=["POST"])
@roles_required(*MANAGE_ROLES)
def bulk(assignment_id: int):
    assignment = _managed_assignment(assignment_id)
    action = request.form.get("action", "")
    if action not in BULK_ACTIONS:
        flash(_("Hãy chọn một việc cần làm."), "error")
        return redirect(_desk_url(assignment, _filters()))
    submissions = _selected(assignment)
    if not submissions:
        flash(_("Hãy chọn ít nhất một học sinh."), "error")
        return redirect(_desk_url(assignment, _filters()))
    extend_form = ExtendForm()
    try:
        if action == "release":
            message = _release(assignment, submissions)
        elif action == "extend":
            message = _extend(assignment, submissions, extend_form)
        elif action == "remind":
            message = _remind(assignment, submissions)
        else:
            message = _workflow(action, submissions)
    except publishing.PublishError as error:
        db.session.rollback()
        for name, text in error.errors.items():
            target = getattr(extend_form, name, None)
            if target is not None and hasattr(target, "errors"):
                target.errors = [text]
            else:
                flash(text, "error")
        return render_desk(assignment, DeskAccess.MANAGE, extend_form=extend_form, status=400)
    except (workflow.WorkflowError, grading.GradeError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(_desk_url(assignment, _filters()))
    db.session.commit()
    flash(message, "success")
    return redirect(_desk_url(assignment, _filters()))
