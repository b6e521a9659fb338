"""The state machine of one student's work: start, turn in, take back, reopen, excuse, on paper,
with the cut-off and overrides at their boundary minutes."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from lms import signals
from lms.extensions import db
from plugins.assignments import grading, publishing, workflow
from plugins.assignments.models import DateOverride, SubmissionEvent
from plugins.assignments.schedule import due_end_of_day, parse_local
from plugins.assignments.workflow import WorkflowError

from .conftest import publish_task, school_class, students_of, submission_of, user

MINUTE = timedelta(minutes=1)
#: opens 02/03/2026 07:00, due 10/03/2026 23:59, cut-off 12/03/2026 23:59 (school time)
OPENS = datetime(2026, 3, 2, 0, 0)
DUE = datetime(2026, 3, 10, 16, 59)
CUTOFF = datetime(2026, 3, 12, 16, 59)


@pytest.fixture
def work(ctx):
    """The submission of hs.6a1.01 on a task with fixed dates."""
    assignment = publish_task(opens_at=OPENS, due_at=DUE, cutoff_at=CUTOFF)
    return submission_of(assignment, "hs.6a1.01")


def _actions(submission) -> list[str]:
    return list(db.session.scalars(sa.select(SubmissionEvent.action).where(
        SubmissionEvent.submission_id == submission.id).order_by(SubmissionEvent.id)))


def test_the_dates_are_2359_local(work):
    assert DUE == due_end_of_day(date(2026, 3, 10)) == parse_local("10/03/2026 23:59")
    assert CUTOFF == parse_local("12/03/2026 23:59")


def test_start_is_idempotent_and_does_nothing_after_turn_in(work):
    student = user("hs.6a1.01")
    assert workflow.start(work, student, now=OPENS + MINUTE)
    assert not workflow.start(work, student, now=OPENS + 2 * MINUTE)
    assert work.state == "in_progress" and work.started_at == OPENS + MINUTE
    workflow.turn_in(work, student, now=OPENS + 3 * MINUTE)
    assert not workflow.start(work, student)
    assert work.state == "turned_in"
    assert _actions(work) == ["started", "turned_in"]


def test_turn_in_is_refused_before_opening(work):
    with pytest.raises(WorkflowError, match="chưa mở"):
        workflow.turn_in(work, user("hs.6a1.01"), now=OPENS - MINUTE)
    workflow.turn_in(work, user("hs.6a1.01"), now=OPENS)
    assert work.state == "turned_in" and work.turned_in_at == OPENS


def test_turn_in_at_the_cutoff_minute_and_not_after(work):
    student = user("hs.6a1.01")
    assert workflow.accepts_work(work, now=CUTOFF)
    assert not workflow.accepts_work(work, now=CUTOFF + MINUTE)
    with pytest.raises(WorkflowError, match="Đã quá hạn chót nộp bài"):
        workflow.turn_in(work, student, now=CUTOFF + MINUTE)
    assert work.state == "assigned"
    workflow.turn_in(work, student, now=CUTOFF)
    assert work.turned_in_at == CUTOFF


def test_only_the_student_turns_in_and_the_signal_names_them(work, app):
    seen = []

    def listener(sender, submission, actor, **_kw):
        seen.append((submission.id, actor.username if actor else None))

    with pytest.raises(WorkflowError):
        workflow.turn_in(work, user("hs.6a1.02"), now=DUE)
    with signals.submission_turned_in.connected_to(listener, sender=app):
        workflow.turn_in(work, user("hs.6a1.01"), now=DUE)
    assert seen == [(work.id, "hs.6a1.01")]
    with pytest.raises(WorkflowError, match="đã được nộp"):
        workflow.turn_in(work, user("hs.6a1.01"), now=DUE)


def test_take_back_until_the_cutoff(work):
    student = user("hs.6a1.01")
    workflow.turn_in(work, student, now=DUE)
    workflow.take_back(work, student, now=CUTOFF)
    assert work.state == "in_progress" and work.turned_in_at is None
    workflow.turn_in(work, student, now=CUTOFF)
    with pytest.raises(WorkflowError, match="không thể rút bài"):
        workflow.take_back(work, student, now=CUTOFF + MINUTE)
    assert work.state == "turned_in"
    assert _actions(work) == ["turned_in", "taken_back", "turned_in"]


def test_take_back_is_for_the_student_only_and_not_before_turn_in(work):
    with pytest.raises(WorkflowError, match="chưa được nộp"):
        workflow.take_back(work, user("hs.6a1.01"), now=DUE)
    workflow.turn_in(work, user("hs.6a1.01"), now=DUE)
    with pytest.raises(WorkflowError):
        workflow.take_back(work, user("gv.toan"), now=DUE)


def test_no_take_back_once_returned_but_the_teacher_reopens(work):
    student, teacher = user("hs.6a1.01"), user("gv.toan")
    workflow.turn_in(work, student, now=DUE - MINUTE)
    grading.save_grade(work, expected_version=work.version, actor=teacher, score="7")
    assert grading.release([work], teacher, now=DUE) == 1
    with pytest.raises(WorkflowError, match="đã được trả"):
        workflow.take_back(work, student, now=DUE + MINUTE)
    with pytest.raises(WorkflowError):
        workflow.turn_in(work, student, now=DUE + MINUTE)
    with pytest.raises(WorkflowError, match="Chỉ giáo viên"):
        workflow.reopen(work, student, now=DUE + MINUTE)
    override = workflow.reopen(work, teacher, now=DUE + MINUTE)
    assert override is None  # the cut-off has not passed: no new date needed
    assert work.state == "in_progress" and work.released_score == 7
    workflow.turn_in(work, student, now=DUE + 2 * MINUTE)
    assert work.state == "turned_in"
    assert "reopened" in _actions(work)


def test_reopen_after_the_cutoff_grants_until_2359_today(work):
    student, teacher = user("hs.6a1.01"), user("gv.toan")
    workflow.turn_in(work, student, now=DUE)
    # 13/03/2026 08:00 school time, the day after the cut-off
    now = parse_local("13/03/2026 08:00")
    override = workflow.reopen(work, teacher, now=now)
    db.session.flush()
    assert override.student_id == work.student_id
    assert override.cutoff_at == parse_local("13/03/2026 23:59")
    assert workflow.accepts_work(work, now=parse_local("13/03/2026 23:59"))
    assert not workflow.accepts_work(work, now=parse_local("14/03/2026 00:00"))
    workflow.turn_in(work, student, now=parse_local("13/03/2026 20:00"))
    assert work.state == "turned_in"


def test_reopen_with_a_new_date_from_the_teacher(work):
    teacher = user("gv.toan")
    workflow.turn_in(work, user("hs.6a1.01"), now=DUE)
    until = parse_local("20/03/2026 17:00")
    override = workflow.reopen(work, teacher, now=CUTOFF + MINUTE, until=until)
    assert override.cutoff_at == until
    with pytest.raises(WorkflowError):
        workflow.reopen(work, teacher, now=CUTOFF)  # only turned-in or returned work


def test_reopen_is_for_turned_in_or_returned_work(work):
    with pytest.raises(WorkflowError):
        workflow.reopen(work, user("gv.toan"), now=DUE)


def test_a_student_override_lets_them_hand_in_after_the_cutoff(work):
    student = user("hs.6a1.01")
    publishing.set_override(work.assignment, user("gv.toan"), student_id=student.id,
                            due_at=parse_local("15/03/2026 23:59"),
                            cutoff_at=parse_local("16/03/2026 23:59"))
    late_evening = parse_local("16/03/2026 23:59")
    assert workflow.accepts_work(work, now=late_evening)
    assert not workflow.accepts_work(work, now=late_evening + MINUTE)
    other = submission_of(work.assignment, "hs.6a1.02")
    assert not workflow.accepts_work(other, now=CUTOFF + MINUTE)
    workflow.turn_in(work, student, now=late_evening)


def test_the_student_override_beats_the_group_override(work):
    teacher = user("gv.toan")
    members = students_of("6A1")[:2]
    group = publishing.create_group(teacher, school_class("6A1").id, "Nhóm chậm",
                                    [s.id for s in members])
    publishing.set_override(work.assignment, teacher, group_id=group.id,
                            cutoff_at=parse_local("20/03/2026 23:59"))
    publishing.set_override(work.assignment, teacher, student_id=members[0].id,
                            cutoff_at=parse_local("14/03/2026 23:59"))
    mate = submission_of(work.assignment, members[1].username)
    after_student_cutoff = parse_local("15/03/2026 10:00")
    assert not workflow.accepts_work(work, now=after_student_cutoff)
    assert workflow.accepts_work(mate, now=after_student_cutoff)
    outsider = submission_of(work.assignment, students_of("6A1")[2].username)
    assert not workflow.accepts_work(outsider, now=after_student_cutoff)


def test_excuse_and_on_paper_are_the_teachers_and_logged(work):
    teacher = user("gv.toan")
    with pytest.raises(WorkflowError):
        workflow.excuse(work, user("gv.van"))
    with pytest.raises(WorkflowError):
        workflow.mark_on_paper(work, user("hs.6a1.01"))
    workflow.excuse(work, teacher)
    workflow.excuse(work, teacher)  # no second event
    workflow.excuse(work, teacher, excused=False)
    workflow.mark_on_paper(work, teacher)
    assert not work.excused and work.on_paper
    assert _actions(work) == ["excused", "unexcused", "on_paper"]


def test_a_deleted_assignment_accepts_nothing(work):
    publishing.delete(work.assignment, user("gv.toan"))
    assert not workflow.accepts_work(work, now=DUE)
    with pytest.raises(WorkflowError, match="đã bị xóa"):
        workflow.turn_in(work, user("hs.6a1.01"), now=DUE)


def test_no_cutoff_accepts_late_work_without_end(ctx):
    assignment = publish_task(opens_at=OPENS, due_at=DUE, cutoff_at=None)
    submission = submission_of(assignment, "hs.6a1.03")
    later = DUE + timedelta(days=100)
    assert workflow.accepts_work(submission, now=later)
    workflow.turn_in(submission, user("hs.6a1.03"), now=later)
    assert db.session.scalars(sa.select(DateOverride)).all() == []
