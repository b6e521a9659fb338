"""Library work follows the learner's attempts: started, turned in when finished, and the
score of the attempt the policy picks proposed as the grade."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from lms import signals
from lms.extensions import db
from lms.models import LearningAttempt
from lms.models.base import utcnow
from plugins.assignments import grading, tracking
from plugins.assignments.models import SubmissionEvent

from .conftest import count_queries, make_approved_material, publish_task, submission_of, user


@pytest.fixture
def lesson(ctx, tmp_path):
    return make_approved_material(tmp_path)


def _assign(lesson, **options):
    return publish_task(kind="material", material_id=lesson.id, **options)


def _attempt(lesson, username, number=1, *, completion="incomplete", success="unknown",
             score=None, started=None) -> LearningAttempt:
    attempt = LearningAttempt(user_id=user(username).id, material_id=lesson.id,
                              version_id=lesson.live_version_id, number=number,
                              completion=completion, success=success, score_scaled=score,
                              started_at=started or utcnow())
    db.session.add(attempt)
    db.session.commit()
    return attempt


def test_opening_the_lesson_starts_the_work(lesson):
    assignment = _assign(lesson)
    attempt = _attempt(lesson, "hs.6a1.01", score=0.4)
    changed = tracking.track_attempt(attempt)
    db.session.commit()
    submission = submission_of(assignment, "hs.6a1.01")
    assert changed == [submission]
    assert submission.state == "in_progress"
    assert (submission.attempt_id, submission.proposed_score) == (attempt.id, Decimal("4.0"))
    assert submission_of(assignment, "hs.6a1.02").state == "assigned"


def test_finishing_the_lesson_turns_the_work_in_through_the_signal(lesson, app):
    assignment = _assign(lesson)
    attempt = _attempt(lesson, "hs.6a1.01", completion="completed", score=0.875)
    seen = []

    def listener(sender, submission, actor, **_kw):
        seen.append(actor)

    with signals.submission_turned_in.connected_to(listener, sender=app):
        signals.attempt_committed.send(app, attempt=attempt, payload={})
    db.session.expire_all()
    submission = submission_of(assignment, "hs.6a1.01")
    assert submission.state == "turned_in" and submission.turned_in_at is not None
    assert submission.proposed_score == Decimal("8.8")  # 8.75 rounds half up
    assert seen == [None]
    event = db.session.scalar(sa.select(SubmissionEvent).where(
        SubmissionEvent.submission_id == submission.id, SubmissionEvent.action == "turned_in"))
    assert event.actor_id is None and event.details == {"automatic": True}


def test_a_passed_lesson_counts_as_finished(lesson):
    assignment = _assign(lesson)
    tracking.track_attempt(_attempt(lesson, "hs.6a1.02", success="passed", score=1.0))
    assert submission_of(assignment, "hs.6a1.02").state == "turned_in"


def test_nothing_is_turned_in_after_the_cutoff(lesson):
    now = utcnow()
    assignment = _assign(lesson, opens_at=now - timedelta(days=5), due_at=now - timedelta(days=2),
                         cutoff_at=now - timedelta(minutes=1))
    tracking.track_attempt(_attempt(lesson, "hs.6a1.01", completion="completed", score=0.9))
    submission = submission_of(assignment, "hs.6a1.01")
    assert submission.state == "in_progress" and submission.proposed_score == 9


def test_nothing_happens_before_the_assignment_opens(lesson):
    now = utcnow()
    assignment = _assign(lesson, opens_at=now + timedelta(days=1), due_at=now + timedelta(days=2))
    assert tracking.track_attempt(_attempt(lesson, "hs.6a1.01", completion="completed")) == []
    assert submission_of(assignment, "hs.6a1.01").state == "assigned"


def test_returned_work_is_left_alone(lesson):
    assignment = _assign(lesson)
    submission = submission_of(assignment, "hs.6a1.01")
    tracking.track_attempt(_attempt(lesson, "hs.6a1.01", completion="completed", score=0.5))
    grading.save_grade(submission, expected_version=submission.version, actor=user("gv.toan"),
                       score=5)
    grading.release([submission], user("gv.toan"))
    db.session.commit()
    assert tracking.track_attempt(
        _attempt(lesson, "hs.6a1.01", 2, completion="completed", score=1.0)) == []
    assert submission.state == "returned" and submission.proposed_score == 5


@pytest.mark.parametrize(("policy", "expected"), [("best", "9.0"), ("last", "6.0"),
                                                  ("first", "3.0")])
def test_the_policy_picks_the_attempt(lesson, policy, expected):
    assignment = _assign(lesson, attempt_policy=policy)
    start = utcnow() - timedelta(hours=3)
    _attempt(lesson, "hs.6a1.03", 1, completion="completed", score=0.3, started=start)
    _attempt(lesson, "hs.6a1.03", 2, completion="completed", score=0.9,
             started=start + timedelta(hours=1))
    last = _attempt(lesson, "hs.6a1.03", 3, completion="completed", score=0.6,
                    started=start + timedelta(hours=2))
    tracking.track_attempt(last)
    assert submission_of(assignment, "hs.6a1.03").proposed_score == Decimal(expected)


def test_propose_ignores_attempts_without_a_score():
    def attempt(number, score):
        return SimpleNamespace(number=number, score_scaled=score, started_at=number)

    assert tracking.propose("best", []) == (None, None)
    assert tracking.propose("last", [attempt(1, 0.5), attempt(2, None)])[1] == Decimal("5.0")
    chosen, score = tracking.propose("best", [attempt(1, 0.7), attempt(2, 0.7)])
    assert chosen.number == 1 and score == Decimal("7.0")


def test_a_student_without_such_work_costs_one_query(lesson, app):
    _assign(lesson)
    attempt = _attempt(lesson, "hs.6a2.01", completion="completed")
    db.session.refresh(attempt)
    with count_queries(app) as statements:
        tracking.on_attempt_committed(app, attempt=attempt)
    assert len(statements) == 1


def test_work_on_several_assignments_runs_a_fixed_number_of_queries(lesson, app):
    for number in range(4):
        _assign(lesson, title=f"Bài {number}")
    attempt = _attempt(lesson, "hs.6a1.04", completion="completed", score=0.5)
    db.session.expire_all()
    with count_queries(app) as statements:
        changed = tracking.track_attempt(db.session.get(LearningAttempt, attempt.id))
    assert len(changed) == 4
    assert all(s.state == "turned_in" for s in changed)
    # the attempt, the submissions with their assignments, the attempts, overrides, groups
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 5, selects


def test_a_concurrent_commit_of_the_same_lesson_is_tracked_again_not_an_error(lesson, monkeypatch):
    # Two commits of one lesson at once: the other request changed the submission between this
    # one's read and write. The player's data is already saved; tracking starts over.
    assignment = _assign(lesson)
    attempt = _attempt(lesson, "hs.6a1.01", completion="completed", score=0.9)
    real = tracking.track_attempt
    calls = []

    def changed_underneath(attempt_arg, now=None):
        calls.append(attempt_arg.id)
        if len(calls) == 1:
            real(attempt_arg, now)
            raise sa.orm.exc.StaleDataError("assignments_submission changed by another commit")
        return real(attempt_arg, now)

    monkeypatch.setattr(tracking, "track_attempt", changed_underneath)
    tracking.on_attempt_committed(None, attempt=attempt)
    assert calls == [attempt.id, attempt.id]
    submission = submission_of(assignment, "hs.6a1.01")
    assert submission.state == "turned_in"
    assert submission.proposed_score == Decimal("9.0")


def test_tracking_gives_up_quietly_when_the_row_keeps_changing(lesson, monkeypatch, caplog):
    assignment = _assign(lesson)
    attempt = _attempt(lesson, "hs.6a1.01", completion="completed", score=0.9)

    def always_stale(attempt_arg, now=None):
        raise sa.orm.exc.StaleDataError("changed again")

    monkeypatch.setattr(tracking, "track_attempt", always_stale)
    tracking.on_attempt_committed(None, attempt=attempt)  # no exception reaches the player
    assert "not tracked after 3 tries" in caplog.text
    assert submission_of(assignment, "hs.6a1.01").state == "assigned"
