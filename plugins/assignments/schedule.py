"""Dates in the school's zone (Asia/Ho_Chi_Minh) and the dates that apply to one student.

Columns hold naive UTC; people type and read "dd/mm/yyyy HH:mm" in the school's zone. Both
conversions happen here, on the server only, so a due date never shifts by seven hours when a
form is saved again.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select

from lms.extensions import db

from .models import DateOverride, StudentGroupMember

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"
#: d/m/yyyy with an optional H:mm; day and month may have one digit, the year four
_LOCAL_TEXT = re.compile(
    r"^(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})"
    r"(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2}))?$")
END_OF_DAY = time(23, 59)


class DateError(ValueError):
    """A date or time that cannot be read; the message is shown as it is."""


def school_zone() -> ZoneInfo:
    """The zone the school lives in (the app's BABEL_DEFAULT_TIMEZONE; outside an app, the
    default: Asia/Ho_Chi_Minh)."""
    configured = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(configured or DEFAULT_ZONE)


def to_utc(local: datetime) -> datetime:
    """A naive wall-clock time in the school's zone → naive UTC."""
    return local.replace(tzinfo=school_zone()).astimezone(UTC).replace(tzinfo=None)


def to_local(utc: datetime) -> datetime:
    """Naive UTC → an aware datetime in the school's zone."""
    return utc.replace(tzinfo=UTC).astimezone(school_zone())


def parse_local(text: str, *, end_of_day: bool = False) -> datetime:
    """'01/03/2026 07:30' (school time) → naive UTC. A date alone means 00:00, or 23:59 with
    `end_of_day` (the default time of a due date)."""
    cleaned = " ".join((text or "").split())
    match = _LOCAL_TEXT.match(cleaned)
    problem = DateError(_("Ngày giờ “%(text)s” không đúng dạng dd/mm/yyyy HH:mm.",
                          text=cleaned))
    if match is None:
        raise problem
    parts = {key: int(value) for key, value in match.groupdict().items() if value is not None}
    if "hour" in parts:
        moment = (parts["hour"], parts["minute"])
    else:
        moment = (END_OF_DAY.hour, END_OF_DAY.minute) if end_of_day else (0, 0)
    try:
        local = datetime(parts["year"], parts["month"], parts["day"], *moment)
    except ValueError:
        raise problem from None
    return to_utc(local)


def format_local(utc: datetime | None) -> str:
    """Naive UTC → 'dd/mm/yyyy HH:mm' in the school's zone; '' for None."""
    return "" if utc is None else to_local(utc).strftime("%d/%m/%Y %H:%M")


def format_local_date(utc: datetime | None) -> str:
    """Naive UTC → 'dd/mm/yyyy' of the school's day; '' for None."""
    return "" if utc is None else to_local(utc).strftime("%d/%m/%Y")


def local_today(now: datetime) -> date:
    """The school's calendar day at the naive UTC moment `now`."""
    return to_local(now).date()


def due_end_of_day(day: date) -> datetime:
    """23:59 of `day` in the school's zone, as naive UTC (a due date's default time)."""
    return to_utc(datetime.combine(day, END_OF_DAY))


@dataclass(frozen=True)
class Dates:
    """The dates that apply to one student (UTC). `cutoff_at` None: accepted late without end."""

    opens_at: datetime
    due_at: datetime
    cutoff_at: datetime | None
    #: an override moved the due date or the cut-off later than the assignment's
    extended: bool = False


def _later(current: datetime | None, other: datetime | None) -> datetime | None:
    if current is None or other is None:
        return current if other is None else other
    return max(current, other)


def effective_dates(assignment, student_id: int, overrides: list[DateOverride],
                    group_ids: set[int]) -> Dates:
    """The student's dates: their own override beats their groups', which beat the
    assignment's. A null override column keeps the value below it; with several group
    overrides the latest due date and cut-off win (an extension is never taken back by
    another group)."""
    opens_at, due_at, cutoff_at = assignment.opens_at, assignment.due_at, assignment.cutoff_at
    mine = [o for o in overrides if o.assignment_id == assignment.id]
    groups = [o for o in mine if o.group_id is not None and o.group_id in group_ids]
    if groups:
        group_opens = [o.opens_at for o in groups if o.opens_at is not None]
        group_due = [o.due_at for o in groups if o.due_at is not None]
        group_cutoff = [o.cutoff_at for o in groups if o.cutoff_at is not None]
        opens_at = min(group_opens) if group_opens else opens_at
        due_at = max(group_due) if group_due else due_at
        cutoff_at = max(group_cutoff) if group_cutoff else cutoff_at
    own = next((o for o in mine if o.student_id == student_id), None)
    if own is not None:
        opens_at = own.opens_at or opens_at
        due_at = own.due_at or due_at
        cutoff_at = own.cutoff_at or cutoff_at
    if cutoff_at is not None and cutoff_at < due_at:
        # an extension of the due date alone carries the cut-off with it: nobody is given
        # a due date they cannot hand in by
        cutoff_at = due_at
    extended = due_at > assignment.due_at or (
        assignment.cutoff_at is not None
        and (cutoff_at is None or cutoff_at > assignment.cutoff_at))
    return Dates(opens_at=opens_at, due_at=due_at, cutoff_at=cutoff_at, extended=extended)


@dataclass
class ScheduleContext:
    """Overrides and group memberships loaded once for a list of submissions."""

    overrides: dict[int, list[DateOverride]] = field(default_factory=dict)
    groups_of: dict[int, set[int]] = field(default_factory=dict)

    def dates_for(self, assignment, student_id: int) -> Dates:
        return effective_dates(assignment, student_id, self.overrides.get(assignment.id, []),
                               self.groups_of.get(student_id, set()))


def load_context(assignment_ids: list[int], student_ids: list[int]) -> ScheduleContext:
    """Two queries: the overrides of `assignment_ids` and the groups of `student_ids`."""
    context = ScheduleContext()
    assignment_ids = sorted(set(assignment_ids))
    student_ids = sorted(set(student_ids))
    if not assignment_ids or not student_ids:
        return context
    by_assignment: dict[int, list[DateOverride]] = defaultdict(list)
    for override in db.session.scalars(
            select(DateOverride).where(DateOverride.assignment_id.in_(assignment_ids))):
        by_assignment[override.assignment_id].append(override)
    groups: dict[int, set[int]] = defaultdict(set)
    for student_id, group_id in db.session.execute(
            select(StudentGroupMember.student_id, StudentGroupMember.group_id)
            .where(StudentGroupMember.student_id.in_(student_ids))):
        groups[student_id].add(group_id)
    context.overrides = dict(by_assignment)
    context.groups_of = dict(groups)
    return context


def dates_for(assignment, student_id: int) -> Dates:
    """One student's dates, loaded on their own (two queries): for a single submission."""
    return load_context([assignment.id], [student_id]).dates_for(assignment, student_id)
