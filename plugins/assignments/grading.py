"""Grading: draft grades that nobody overwrites silently, returning work (Trả bài) and the
teacher's comment bank.

A grade is a draft until `release` copies it to the `released_*` columns, which are all that
students and parents read, so a later draft never leaks. Functions add to the session; the
caller commits.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from lms import signals
from lms.extensions import db
from lms.models.base import utcnow
from lms.scores import ScoreError, format_score, parse_score

from .models import CommentBankEntry, GradingScale, SubmissionEvent, SubmissionState
from .schedule import format_local
from .workflow import log_event, may_teach

COMMENT_MAX = 2000
BANK_ENTRY_MAX = 500


class StaleGrade(Exception):
    """Someone else saved this grade since the form was loaded; nothing was overwritten."""


class GradeError(Exception):
    """A grade that cannot be saved or released; the message is shown as it is."""


def is_graded(submission) -> bool:
    """Whether the draft holds a grade on the assignment's scale."""
    if submission.assignment.grading_scale == GradingScale.PASS_FAIL.value:
        return submission.passed is not None
    return submission.score is not None


def grade_text(score: Decimal | None, passed: bool | None) -> str:
    """'8,5', 'Đạt', 'Chưa đạt' or '' — how a grade is written in histories and messages."""
    if passed is not None:
        return _("Đạt") if passed else _("Chưa đạt")
    return format_score(score)


def _stale(submission) -> StaleGrade:
    """The refusal, naming who saved last and when."""
    last = db.session.scalar(
        select(SubmissionEvent).where(SubmissionEvent.submission_id == submission.id,
                                      SubmissionEvent.action == "graded")
        .order_by(SubmissionEvent.at.desc(), SubmissionEvent.id.desc()).limit(1))
    if last is not None and last.actor is not None:
        who = _("%(name)s lúc %(when)s", name=last.actor.full_name, when=format_local(last.at))
    else:
        who = _("bởi người khác")
    return StaleGrade(_("Điểm của học sinh này vừa được người khác lưu (%(who)s). Tải lại trang "
                        "để xem điểm mới trước khi sửa.", who=who))


def _graded_since(submission, expected_version: int) -> bool:
    """Whether a grade was saved after the teacher read version `expected_version`.

    Every change of the row moves its version (the student turning in, a lesson's proposed
    score), but only another grade may refuse this one: each "graded" event records the version
    its author had read."""
    events = db.session.scalars(select(SubmissionEvent.details).where(
        SubmissionEvent.submission_id == submission.id, SubmissionEvent.action == "graded"))
    return any(int((details or {}).get("read_version", 0)) >= expected_version
               for details in events)


def _checked_grade(submission, score, passed) -> tuple[Decimal | None, bool | None]:
    if submission.assignment.grading_scale == GradingScale.PASS_FAIL.value:
        if score not in (None, ""):
            raise GradeError(_("Bài này chấm Đạt/Chưa đạt, không chấm bằng điểm số."))
        if passed is not None and not isinstance(passed, bool):
            raise GradeError(_("Hãy chọn Đạt hoặc Chưa đạt."))
        return None, passed
    if passed is not None:
        raise GradeError(_("Bài này chấm bằng điểm số (0–10), không chấm Đạt/Chưa đạt."))
    try:
        return parse_score(score), None
    except ScoreError as exc:
        raise GradeError(str(exc)) from None


def save_grade(submission, *, expected_version: int, actor, score: Decimal | str | None = None,
               passed: bool | None = None, comment: str = ""):
    """Save the draft grade and comment. `expected_version` is the submission's version the
    teacher's form was loaded with: when someone else graded since, `StaleGrade` is raised and
    nothing is written."""
    if not may_teach(actor, submission):
        raise GradeError(_("Bạn không dạy môn này ở lớp của học sinh nên không chấm được bài."))
    new_score, new_passed = _checked_grade(submission, score, passed)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise GradeError(_("Nhận xét dài quá %(n)s ký tự.", n=COMMENT_MAX))
    if expected_version != submission.version and _graded_since(submission, expected_version):
        raise _stale(submission)
    old_score, old_passed, old_comment = submission.score, submission.passed, submission.comment
    if (old_score, old_passed, old_comment) == (new_score, new_passed, comment):
        return submission
    read_version = submission.version
    submission.score, submission.passed, submission.comment = new_score, new_passed, comment
    submission.graded_by_id = actor.id
    submission.graded_at = utcnow()
    log_event(submission, "graded", actor, submission.graded_at,
              old=grade_text(old_score, old_passed), new=grade_text(new_score, new_passed),
              comment_changed=old_comment != comment, read_version=read_version)
    try:
        # the UPDATE names the version it read: a concurrent save makes it match no row
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise _stale(submission) from None
    return submission


def release(submissions, actor, now: datetime | None = None) -> int:
    """Trả bài: release the draft grade and comment of each graded (or excused) submission to
    the student and parents and mark it returned. Ungraded ones are skipped; returns how many
    were returned."""
    now = now or utcnow()
    submissions = list(submissions)
    # one check per class and subject, not per student
    pairs = {(s.class_id, s.assignment.subject_id): s for s in submissions}
    if not all(may_teach(actor, s) for s in pairs.values()):
        raise GradeError(_("Bạn không dạy môn này ở lớp của học sinh nên không trả bài được."))
    returned = []
    for submission in submissions:
        if not (is_graded(submission) or submission.excused):
            continue
        if submission.assignment.deleted_at is not None:
            continue
        submission.released_score = submission.score
        submission.released_passed = submission.passed
        submission.released_comment = submission.comment
        submission.released_at = now
        previous = submission.state
        submission.state = SubmissionState.RETURNED.value
        submission.returned_at = now
        log_event(submission, "returned", actor, now, previous=previous,
                  grade=grade_text(submission.score, submission.passed))
        returned.append(submission)
    if returned:
        db.session.flush()
        signals.submissions_returned.send(current_app._get_current_object(),
                                          submissions=returned, actor=actor)
    return len(returned)


# The comment bank --------------------------------------------------------------------------------
def comment_bank(teacher) -> list[CommentBankEntry]:
    """The teacher's saved comments, the most used first."""
    return list(db.session.scalars(
        select(CommentBankEntry).where(CommentBankEntry.teacher_id == teacher.id)
        .order_by(CommentBankEntry.uses.desc(), CommentBankEntry.text)))


def remember_comment(teacher, text: str) -> CommentBankEntry | None:
    """Add `text` to the teacher's bank, or count one more use of it; None for empty text."""
    text = " ".join((text or "").split())
    if not text:
        return None
    if len(text) > BANK_ENTRY_MAX:
        raise GradeError(_("Nhận xét mẫu dài quá %(n)s ký tự.", n=BANK_ENTRY_MAX))
    entry = db.session.scalar(select(CommentBankEntry).where(
        CommentBankEntry.teacher_id == teacher.id, CommentBankEntry.text == text))
    if entry is None:
        entry = CommentBankEntry(teacher_id=teacher.id, text=text, uses=0)
        db.session.add(entry)
    entry.uses = (entry.uses or 0) + 1
    return entry


def forget_comment(entry: CommentBankEntry, actor) -> None:
    """Remove one comment from its owner's bank."""
    if actor is None or entry.teacher_id != actor.id:
        raise GradeError(_("Đây không phải nhận xét mẫu của bạn."))
    db.session.delete(entry)
