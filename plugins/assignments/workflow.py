"""The one state machine of a student's work: assigned → in progress → turned in → returned.

The student may take work back until the cut-off (not once it is returned); the teacher may
reopen it. Every change writes a `SubmissionEvent`; a change that is not allowed raises
`WorkflowError` with a Vietnamese message. Functions add to the session; the caller commits.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from lms import signals
from lms.extensions import db
from lms.models.base import utcnow
from lms.permissions import teaches

from .models import AssignmentKind, DateOverride, SubmissionEvent, SubmissionState
from .schedule import Dates, dates_for, due_end_of_day, format_local, local_today

ASSIGNED = SubmissionState.ASSIGNED.value
IN_PROGRESS = SubmissionState.IN_PROGRESS.value
TURNED_IN = SubmissionState.TURNED_IN.value
RETURNED = SubmissionState.RETURNED.value


class WorkflowError(Exception):
    """A change of state that is not allowed now; the message is shown as it is."""


def log_event(submission, action: str, actor=None, at: datetime | None = None,
              **details) -> SubmissionEvent:
    """Add one line to the submission's history (`actor` None: done automatically)."""
    event = SubmissionEvent(submission_id=submission.id, action=action,
                            actor_id=getattr(actor, "id", None), at=at or utcnow(),
                            details=details)
    db.session.add(event)
    return event


def may_teach(actor, submission) -> bool:
    """Whether `actor` teaches the assignment's subject in the class the work was given in."""
    return actor is not None and teaches(actor, submission.class_id,
                                         submission.assignment.subject_id)


def _require_teacher(actor, submission) -> None:
    if not may_teach(actor, submission):
        raise WorkflowError(_("Chỉ giáo viên dạy môn này ở lớp của học sinh mới được làm "
                              "việc này."))


def _require_student(actor, submission) -> None:
    if actor is None or actor.id != submission.student_id:
        raise WorkflowError(_("Chỉ học sinh được giao bài mới được làm việc này."))


def accepts_work(submission, now: datetime | None = None) -> bool:
    """Whether work can be handed in now: the assignment is open and the student's cut-off
    (with their extensions) has not passed."""
    now = now or utcnow()
    if submission.assignment.deleted_at is not None:
        return False
    dates = dates_for(submission.assignment, submission.student_id)
    return dates.opens_at <= now and (dates.cutoff_at is None or now <= dates.cutoff_at)


def _refuse_unless_accepting(submission, now: datetime, dates: Dates | None = None) -> None:
    if submission.assignment.deleted_at is not None:
        raise WorkflowError(_("Bài tập này đã bị xóa."))
    dates = dates or dates_for(submission.assignment, submission.student_id)
    if now < dates.opens_at:
        raise WorkflowError(_("Bài tập chưa mở: bắt đầu nhận bài lúc %(when)s.",
                              when=format_local(dates.opens_at)))
    if dates.cutoff_at is not None and now > dates.cutoff_at:
        raise WorkflowError(_("Đã quá hạn chót nộp bài (%(when)s): không nhận thêm bài nữa.",
                              when=format_local(dates.cutoff_at)))


def start(submission, actor=None, now: datetime | None = None) -> bool:
    """assigned → in progress (a lesson opened, a draft saved). Nothing to do when already in
    progress or handed in. Returns whether the state changed."""
    if submission.state != ASSIGNED:
        return False
    now = now or utcnow()
    submission.state = IN_PROGRESS
    submission.started_at = submission.started_at or now
    log_event(submission, "started", actor, now)
    return True


def turn_in(submission, actor=None, now: datetime | None = None, automatic: bool = False,
            dates: Dates | None = None) -> None:
    """Hand the work in (the student, or automatically when the lesson was finished).
    `dates`: the student's dates when the caller loaded them already (lists, tracking)."""
    now = now or utcnow()
    if not automatic:
        _require_student(actor, submission)
    if submission.state == TURNED_IN:
        raise WorkflowError(_("Bài đã được nộp rồi."))
    if submission.state == RETURNED:
        raise WorkflowError(_("Bài đã được trả; chỉ giáo viên mới mở lại được để nộp lại."))
    _refuse_unless_accepting(submission, now, dates)
    if submission.state == ASSIGNED:
        submission.started_at = submission.started_at or now
    submission.state = TURNED_IN
    submission.turned_in_at = now
    log_event(submission, "turned_in", None if automatic else actor, now, automatic=automatic)
    signals.submission_turned_in.send(current_app._get_current_object(), submission=submission,
                                      actor=None if automatic else actor)


def take_back(submission, actor, now: datetime | None = None) -> None:
    """The student takes turned-in work back to change it (until the cut-off)."""
    now = now or utcnow()
    _require_student(actor, submission)
    if submission.state == RETURNED:
        raise WorkflowError(_("Bài đã được trả nên không thể rút lại."))
    if submission.state != TURNED_IN:
        raise WorkflowError(_("Bài chưa được nộp nên không có gì để rút lại."))
    dates = dates_for(submission.assignment, submission.student_id)
    if dates.cutoff_at is not None and now > dates.cutoff_at:
        raise WorkflowError(_("Đã quá hạn chót nộp bài (%(when)s): không thể rút bài lại.",
                              when=format_local(dates.cutoff_at)))
    submission.state = IN_PROGRESS
    submission.turned_in_at = None
    log_event(submission, "taken_back", actor, now)


def reopen(submission, actor, now: datetime | None = None,
           until: datetime | None = None) -> DateOverride | None:
    """The teacher gives turned-in or returned work back so the student can hand it in again.

    When the student's cut-off has passed, reopening also grants them a new one: `until`, or
    23:59 of today in the school's zone; it is recorded as the student's date override, which is
    returned (None when no new cut-off was needed)."""
    now = now or utcnow()
    _require_teacher(actor, submission)
    if submission.state not in (TURNED_IN, RETURNED):
        raise WorkflowError(_("Chỉ mở lại được bài đã nộp hoặc đã trả."))
    if until is not None and until <= now:
        raise WorkflowError(_("Hạn nộp lại phải sau thời điểm hiện tại."))
    dates = dates_for(submission.assignment, submission.student_id)
    override = None
    if until is not None or (dates.cutoff_at is not None and now > dates.cutoff_at):
        new_cutoff = until or due_end_of_day(local_today(now))
        override = _student_override(submission, actor)
        override.cutoff_at = new_cutoff
        override.reason = override.reason or _("Giáo viên mở lại bài")
        log_event(submission, "extended", actor, now, cutoff_at=format_local(new_cutoff))
    previous = submission.state
    submission.state = IN_PROGRESS
    submission.turned_in_at = None
    log_event(submission, "reopened", actor, now, previous=previous)
    return override


def _student_override(submission, actor) -> DateOverride:
    override = db.session.scalar(select(DateOverride).where(
        DateOverride.assignment_id == submission.assignment_id,
        DateOverride.student_id == submission.student_id))
    if override is None:
        override = DateOverride(assignment_id=submission.assignment_id,
                                student_id=submission.student_id, created_by_id=actor.id,
                                reason="")
        db.session.add(override)
    return override


def excuse(submission, actor, excused: bool = True) -> None:
    """Excuse the student from this work (ill, exempt), or take the excuse back."""
    _require_teacher(actor, submission)
    if submission.excused == excused:
        return
    submission.excused = excused
    log_event(submission, "excused" if excused else "unexcused", actor)


def mark_on_paper(submission, actor, on_paper: bool = True) -> None:
    """Record that the student handed the work in on paper (never reported missing)."""
    _require_teacher(actor, submission)
    if submission.on_paper == on_paper:
        return
    submission.on_paper = on_paper
    log_event(submission, "on_paper" if on_paper else "not_on_paper", actor)


def turns_in_by_itself(assignment) -> bool:
    """Work on a library lesson whose player reports completion is turned in when the lesson
    is finished (`tracking`); the student turns in plain tasks and untracked files (a PDF)."""
    if assignment.kind != AssignmentKind.MATERIAL.value or assignment.material is None:
        return False
    types = current_app.extensions["lms"].content_types
    try:
        return types.get(assignment.material.content_type).reports_completion
    except KeyError:  # the content type's plugin is not loaded: let the student say it
        return False
