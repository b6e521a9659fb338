"""The questions part of the dashboard: asked, answered and the median wait per teacher and
department, from the questions plugin's `question_stats` (imported here, only when the plugin
is loaded). Questions count for the teachers of their class and subject and for the department
of their subject, as the questions plugin defines them."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from lms.extensions import db


def _utc_midnight(day: date) -> datetime:
    """The naive UTC instant at which the school's `day` starts."""
    local = datetime.combine(day, time(), tzinfo=ZoneInfo(current_app.config[
        "BABEL_DEFAULT_TIMEZONE"]))
    return local.astimezone(UTC).replace(tzinfo=None)


def _wait(minutes: float | None) -> timedelta | None:
    return None if minutes is None else timedelta(minutes=minutes)


def _school_median(start: datetime, end: datetime) -> timedelta | None:
    """The median wait over the whole school: not a sum of the departments' medians, so read
    from the period's answered questions (one query)."""
    from plugins.questions.models import Thread

    waits = [(answered - created).total_seconds() for created, answered in db.session.execute(
        select(Thread.created_at, Thread.first_answer_at)
        .where(Thread.created_at >= start, Thread.created_at < end,
               Thread.first_answer_at.is_not(None)))]
    return timedelta(seconds=median(waits)) if waits else None


def fill(board, rows: dict, departments: dict, date_from: date, date_to: date,
         department_id: int | None) -> None:
    """Set asked / answered / median_wait on the teacher rows `rows` (by user id), the
    department rows `departments` (by department id) and the school total of `board`."""
    from plugins.questions.stats import question_stats

    start, end = _utc_midnight(date_from), _utc_midnight(date_to + timedelta(days=1))
    stats = question_stats(start, end)
    for row in [*rows.values(), *departments.values(), board.total]:
        row.asked = row.answered = 0
    for found in stats.teachers:
        row = rows.get(found.id)
        if row is not None:
            row.asked, row.answered = found.asked, found.answered
            row.median_wait = _wait(found.median_minutes)
    for found in stats.departments:
        row = departments.get(found.id)
        if row is not None:
            row.asked, row.answered = found.asked, found.answered
            row.median_wait = _wait(found.median_minutes)
    if department_id is None:
        board.total.asked = sum(found.asked for found in stats.departments)
        board.total.answered = sum(found.answered for found in stats.departments)
        board.total.median_wait = _school_median(start, end)
