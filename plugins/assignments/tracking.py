"""Work on library content follows the attempts the players already record (`LearningAttempt`):
opening the lesson starts the work, finishing it turns the work in, and the score of the attempt
the teacher's policy picks (best, last, first) becomes the proposed grade.

The players send `attempt_committed` after their own commit, so the handler commits what it
changed. It runs inside the player's commit request: one query when the student has no such
assignment, a fixed handful otherwise.
"""
from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError

from lms.extensions import db
from lms.models import LearningAttempt
from lms.models.base import utcnow
from lms.scores import round_half_up

from .models import Assignment, AssignmentKind, AttemptPolicy, Submission, SubmissionState
from .schedule import load_context
from .workflow import WorkflowError, start, turn_in

log = logging.getLogger(__name__)


def is_finished(attempt) -> bool:
    """A lesson is finished when it says so, or when it was passed."""
    return attempt.completion == "completed" or attempt.success == "passed"


def score_of(attempt) -> Decimal | None:
    """score_scaled (0..1) as a 0–10 score, rounded half up to one decimal."""
    if attempt.score_scaled is None:
        return None
    scaled = min(max(Decimal(str(attempt.score_scaled)), Decimal(0)), Decimal(1))
    return round_half_up(scaled * 10)


def propose(policy: str, attempts) -> tuple[LearningAttempt | None, Decimal | None]:
    """The attempt whose score becomes the proposed grade, and that score, among the attempts
    that reported a score: the best, the last (latest started, then highest number) or the
    first (lowest number)."""
    scored = [a for a in attempts if a.score_scaled is not None]
    if not scored:
        return None, None
    if policy == AttemptPolicy.LAST.value:
        chosen = max(scored, key=lambda a: (a.started_at, a.number))
    elif policy == AttemptPolicy.FIRST.value:
        chosen = min(scored, key=lambda a: (a.number, a.started_at))
    else:
        # the best score; among equal scores the earliest attempt
        chosen = min(scored, key=lambda a: (-a.score_scaled, a.number))
    return chosen, score_of(chosen)


def track_attempt(attempt, now: datetime | None = None) -> list[Submission]:
    """Bring the student's open submissions on the attempt's material in step with their
    attempts; returns the submissions changed (added to the session, not committed)."""
    now = now or utcnow()
    submissions = list(db.session.scalars(
        select(Submission)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .options(contains_eager(Submission.assignment))
        .where(Submission.student_id == attempt.user_id,
               Assignment.material_id == attempt.material_id,
               Assignment.kind == AssignmentKind.MATERIAL.value,
               Assignment.deleted_at.is_(None),
               Assignment.opens_at <= now,
               Submission.state != SubmissionState.RETURNED.value)
        # Two commits of one lesson can arrive together: the second waits here (PostgreSQL)
        # instead of finding the row changed under it.
        .with_for_update(of=Submission)))
    if not submissions:
        return []
    attempts = list(db.session.scalars(select(LearningAttempt).where(
        LearningAttempt.user_id == attempt.user_id,
        LearningAttempt.material_id == attempt.material_id)))
    schedule = load_context([s.assignment_id for s in submissions], [attempt.user_id])
    changed = []
    for submission in submissions:
        assignment = submission.assignment
        dates = schedule.dates_for(assignment, submission.student_id)
        if now < dates.opens_at:
            continue  # a student's own later opening date
        before = (submission.state, submission.attempt_id, submission.proposed_score)
        start(submission, now=now)
        chosen, score = propose(assignment.attempt_policy, attempts)
        if chosen is not None and (submission.attempt_id, submission.proposed_score) != (
                chosen.id, score):
            submission.attempt_id, submission.proposed_score = chosen.id, score
        accepting = dates.cutoff_at is None or now <= dates.cutoff_at
        if (is_finished(attempt) and accepting
                and submission.state == SubmissionState.IN_PROGRESS.value):
            try:
                turn_in(submission, now=now, automatic=True, dates=dates)
            except WorkflowError as exc:  # the dates moved between the check and here
                log.info("submission %s not turned in automatically: %s", submission.id, exc)
        if (submission.state, submission.attempt_id, submission.proposed_score) != before:
            changed.append(submission)
    return changed


#: how often the handler starts over when a concurrent commit changed the submission first
TRACKING_TRIES = 3


def on_attempt_committed(sender, attempt, **kwargs) -> None:
    """`lms.signals.attempt_committed` handler (connected by the plugin for its app).

    The player's own data is already committed when this runs, so a failure here must never
    turn the player's commit into an error: when another request changed the same submission
    between our read and our write (SQLite has no row locks; the optimistic version column
    notices), roll back and track again from what is stored now."""
    attempt_id = attempt.id
    for _try in range(TRACKING_TRIES):
        try:
            if track_attempt(attempt):
                db.session.commit()
            return
        except StaleDataError:
            db.session.rollback()
            attempt = db.session.get(LearningAttempt, attempt_id)
            if attempt is None:
                return
    log.warning("attempt %s: submissions not tracked after %d tries (concurrent commits)",
                attempt_id, TRACKING_TRIES)
