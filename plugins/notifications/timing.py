"""When e-mail may leave: quiet hours, the weekday digest at 18:00 and the weekly one on Friday,
all in school time (the app's BABEL_DEFAULT_TIMEZONE), computed from and returned as naive UTC."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from .models import EmailMode

#: nothing is sent from 21:00 to 06:00 school time; what falls due then waits for 06:00
QUIET_START = time(21, 0)
QUIET_END = time(6, 0)
#: the daily digest leaves Monday to Friday at 18:00, the weekly one on Friday at 18:00
DIGEST_AT = time(18, 0)
FRIDAY = 4


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def to_local(utc: datetime) -> datetime:
    """Naive UTC → naive wall-clock time at the school."""
    return utc.replace(tzinfo=UTC).astimezone(_zone()).replace(tzinfo=None)


def to_utc(local: datetime) -> datetime:
    """Naive wall-clock time at the school → naive UTC."""
    return local.replace(tzinfo=_zone()).astimezone(UTC).replace(tzinfo=None)


def local_date(utc: datetime) -> date:
    return to_local(utc).date()


def in_quiet_hours(utc: datetime) -> bool:
    moment = to_local(utc).time()
    return moment >= QUIET_START or moment < QUIET_END


def after_quiet_hours(utc: datetime) -> datetime:
    """`utc` itself, or the 06:00 that ends the quiet hours it falls in."""
    if not in_quiet_hours(utc):
        return utc
    local = to_local(utc)
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return to_utc(datetime.combine(day, QUIET_END))


def next_daily_digest(utc: datetime) -> datetime:
    """The first Monday–Friday 18:00 at or after `utc`."""
    local = to_local(utc)
    day = local.date()
    if local.time() > DIGEST_AT:
        day += timedelta(days=1)
    while day.weekday() > FRIDAY:
        day += timedelta(days=1)
    return to_utc(datetime.combine(day, DIGEST_AT))


def next_weekly_digest(utc: datetime) -> datetime:
    """The first Friday 18:00 at or after `utc`."""
    local = to_local(utc)
    day = local.date()
    if day.weekday() == FRIDAY and local.time() > DIGEST_AT:
        day += timedelta(days=1)
    day += timedelta(days=(FRIDAY - day.weekday()) % 7)
    return to_utc(datetime.combine(day, DIGEST_AT))


def email_due_at(mode: str, created_at: datetime) -> datetime | None:
    """When an e-mail about something created at `created_at` may leave; None when e-mail is off.
    Quiet hours apply to every mode (the digests are at 18:00, outside them anyway)."""
    if mode == EmailMode.IMMEDIATE.value:
        return after_quiet_hours(created_at)
    if mode == EmailMode.DAILY.value:
        return next_daily_digest(created_at)
    if mode == EmailMode.WEEKLY.value:
        return next_weekly_digest(created_at)
    return None


def push_due_at(created_at: datetime) -> datetime:
    """Push waits for the end of the quiet hours too: a phone should not buzz at night."""
    return after_quiet_hours(created_at)
