"""Học kỳ I and II of a school year: created on demand, dated, locked when the school closes them.

Semester I runs from the year's first day to 15 January, semester II from 16 January to the
year's last day, until an administrator sets other dates. Locking (khóa sổ) and unlocking are
for Tổ CNTT and the board, and go to the audit log.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import Role, SchoolYear, audit
from lms.models.base import utcnow

from .models import Semester

SCHOOL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
#: the last day of semester I (15 January), unless the school sets another
FIRST_SEMESTER_ENDS = (1, 15)


class SemesterError(ValueError):
    """A change to a semester that is not allowed; the message is Vietnamese and shown as is."""


def today_local() -> date:
    """Today in the school's zone (the server runs in UTC)."""
    return datetime.now(SCHOOL_ZONE).date()


def semesters_of(year: SchoolYear) -> list[Semester]:
    """Both semesters of `year`, created with the default dates when missing (flushed, the
    caller commits)."""
    existing = {s.number: s for s in db.session.scalars(
        select(Semester).where(Semester.school_year_id == year.id))}
    if len(existing) < 2:
        month, day = FIRST_SEMESTER_ENDS
        first_ends = date(year.start_date.year + 1, month, day)
        defaults = {1: (year.start_date, first_ends),
                    2: (first_ends + timedelta(days=1), year.end_date)}
        for number, (starts_on, ends_on) in defaults.items():
            if number not in existing:
                existing[number] = Semester(school_year_id=year.id, number=number,
                                            starts_on=starts_on, ends_on=ends_on)
                db.session.add(existing[number])
        db.session.flush()
    return [existing[1], existing[2]]


def ensure_semesters(year: SchoolYear) -> bool:
    """Create the year's missing semesters; True when any was created (the caller commits).
    Pages call it before loading what they show, so a commit never expires their rows."""
    count = db.session.scalar(select(func.count(Semester.id)).where(
        Semester.school_year_id == year.id))
    if count >= 2:
        return False
    semesters_of(year)
    return True


def semester_of(year: SchoolYear, number: int) -> Semester:
    """Semester `number` (1 or 2) of `year`, created on demand."""
    if number not in (1, 2):
        raise SemesterError(_("Học kỳ chỉ có thể là I hoặc II."))
    return semesters_of(year)[number - 1]


def current_semester(today: date | None = None) -> Semester | None:
    """The semester of the current school year that `today` (local) falls in: semester I before
    semester II starts, semester II from then on (the summer after the year included). None when
    the school has no current year."""
    year = SchoolYear.current()
    if year is None:
        return None
    today = today or today_local()
    first, second = semesters_of(year)
    return second if today >= second.starts_on else first


def utc_bounds(semester: Semester) -> tuple[datetime, datetime]:
    """The semester as naive UTC instants [start, end): from 00:00 of its first day to 00:00
    after its last day, school time, for comparing with the UTC columns."""
    def utc_midnight(day: date) -> datetime:
        local = datetime.combine(day, datetime.min.time(), tzinfo=SCHOOL_ZONE)
        return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    return utc_midnight(semester.starts_on), utc_midnight(semester.ends_on + timedelta(days=1))


def semester_name(semester: Semester) -> str:
    return _("Học kỳ I") if semester.number == 1 else _("Học kỳ II")


def may_lock(user) -> bool:
    """Locking and unlocking a semester: Tổ CNTT and the board."""
    return user.is_board or user.has_role(Role.ADMIN)


def lock(semester: Semester, actor) -> None:
    """Khóa sổ: no score of the semester changes after this (audited; the caller commits)."""
    if semester.locked_at is not None:
        raise SemesterError(_("%(name)s đã được khóa sổ.", name=semester_name(semester)))
    semester.locked_at = utcnow()
    semester.locked_by_id = actor.id
    audit("gradebook.semester_locked", actor=actor, target=semester,
          year=semester.school_year.name, number=semester.number)


def unlock(semester: Semester, actor) -> None:
    """Reopen a locked semester for corrections (audited; the caller commits)."""
    if semester.locked_at is None:
        raise SemesterError(_("%(name)s chưa bị khóa sổ.", name=semester_name(semester)))
    semester.locked_at = None
    semester.locked_by_id = None
    audit("gradebook.semester_unlocked", actor=actor, target=semester,
          year=semester.school_year.name, number=semester.number)


def set_dates(year: SchoolYear, first: tuple[date, date], second: tuple[date, date],
              actor) -> None:
    """Set both semesters' (start, end) dates: inside the school year, each in order, semester I
    ending before semester II starts (audited; the caller commits). Nothing changes on error."""
    for starts_on, ends_on in (first, second):
        if starts_on > ends_on:
            raise SemesterError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        if starts_on < year.start_date or ends_on > year.end_date:
            raise SemesterError(_(
                "Học kỳ phải nằm trong năm học %(year)s (%(start)s – %(end)s).", year=year.name,
                start=year.start_date.strftime("%d/%m/%Y"), end=year.end_date.strftime("%d/%m/%Y")))
    if first[1] >= second[0]:
        raise SemesterError(_("Học kỳ I phải kết thúc trước khi học kỳ II bắt đầu."))
    for semester, (starts_on, ends_on) in zip(semesters_of(year), (first, second), strict=True):
        if (semester.starts_on, semester.ends_on) == (starts_on, ends_on):
            continue
        audit("gradebook.semester_dates_changed", actor=actor, target=semester,
              number=semester.number,
              old=[semester.starts_on.isoformat(), semester.ends_on.isoformat()],
              new=[starts_on.isoformat(), ends_on.isoformat()])
        semester.starts_on, semester.ends_on = starts_on, ends_on
