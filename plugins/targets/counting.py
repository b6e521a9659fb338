"""Counting approved lessons toward each department's target, and the school's criterion 1.4 band.

What counts toward a department's target for a school year (the plan's Chỉ tiêu 3):

* the material was first approved (`Material.approved_at` is set, at or before the moment we
  count "as of"); a later revision waiting for approval does not uncount it, and it is counted
  once however many versions it has;
* it is not deleted;
* its content type is one of the plugin setting ``counting_types`` (default SCORM, Xerte,
  interactive video). The set is a setting, not read from the loaded content-type plugins, so the
  count never changes because a plugin happens to be switched off;
* it was newly created in that school year: `created_at` falls between the year's start and end
  dates (local time, end date inclusive) and `school_year_id` is that year (or unset).

Every function here answers for all departments in a fixed number of queries (GROUP BY and a
window function), never one query per department or teacher.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal_column, or_, select, union

from lms.extensions import db
from lms.models import Department, DepartmentMembership, Material, MaterialAuthor, SchoolYear, User
from lms.models.base import utcnow
from lms.plugins import registry

from .models import DepartmentTarget

PENDING_STATUSES = ("submitted", "passed")


def plugin_settings() -> dict:
    return registry().plugins["targets"].settings


def counting_types() -> tuple[str, ...]:
    return tuple(plugin_settings()["counting_types"])


def default_target() -> int:
    return plugin_settings()["target_per_department"]


# Time: the school's dates are local, the database keeps naive UTC -----------------------------
def school_timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_midnight_utc(day: date) -> datetime:
    """The naive UTC instant at which `day` starts in the school's time zone."""
    local = datetime.combine(day, time.min, tzinfo=school_timezone())
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def end_of_day_utc(day: date) -> datetime:
    """The first instant after `day` (exclusive bound), in naive UTC."""
    return local_midnight_utc(day + timedelta(days=1))


def today_local() -> date:
    return datetime.now(school_timezone()).date()


def year_of(day: date) -> SchoolYear | None:
    """The school year whose dates contain `day`, else the current one."""
    found = db.session.scalar(select(SchoolYear).where(
        SchoolYear.start_date <= day, SchoolYear.end_date >= day).order_by(SchoolYear.id).limit(1))
    return found or SchoolYear.current()


# The conditions ---------------------------------------------------------------------------------
def created_in_year(year: SchoolYear):
    """`Material` rows newly created in `year` (see the module docstring)."""
    return and_(
        Material.created_at >= local_midnight_utc(year.start_date),
        Material.created_at < end_of_day_utc(year.end_date),
        or_(Material.school_year_id == year.id, Material.school_year_id.is_(None)),
    )


def eligible(year: SchoolYear):
    """Materials that could count in `year`: not deleted, a counting type, created in the year."""
    return and_(Material.deleted_at.is_(None), Material.content_type.in_(counting_types()),
                created_in_year(year))


def approved_by(as_of: datetime):
    return and_(Material.approved_at.is_not(None), Material.approved_at <= as_of)


def counted(year: SchoolYear, as_of: datetime | None = None):
    """The full condition for a material counted toward `year`'s targets as of `as_of`."""
    return and_(eligible(year), approved_by(as_of or utcnow()))


def pending():
    """Waiting for the department or the board, and never approved before: these raise the count
    when approved (a revision of an approved material is already counted)."""
    return and_(Material.status.in_(PENDING_STATUSES), Material.approved_at.is_(None))


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# Criterion 1.4 --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScoreBand:
    max_points: int
    #: the smallest total that reaches the next band; None in the top band
    next_at: int | None

    @property
    def label(self) -> str:
        return str(_l("tối đa %(points)s điểm", points=self.max_points))


def score_band(total: int) -> ScoreBand:
    """The education department's band for criterion 1.4 from the school's total.

    Exact boundaries: total < 20 → at most 3 points; 20 ≤ total < 40 → at most 6; total ≥ 40 →
    at most 10. The plan's wording is "fewer than 20 / fewer than 40 / more than 40", which says
    nothing about exactly 40; since 40 is not "fewer than 40", it takes the top band so that
    every total has one.
    """
    if total < 20:
        return ScoreBand(3, 20)
    if total < 40:
        return ScoreBand(6, 40)
    return ScoreBand(10, None)


# Per department ---------------------------------------------------------------------------------
@dataclass
class DepartmentProgress:
    department_id: int
    code: str
    name: str
    target: int
    approved: int = 0
    pending: int = 0
    #: approved_at of the target-th counted material, None until reached
    reached_at: datetime | None = None
    #: 1 for the first department to reach its target, 2 for the second...; ties share a rank
    rank: int | None = None
    rewarded: bool = False

    @property
    def percent(self) -> int:
        return math.floor(100 * self.approved / self.target) if self.target else 100

    @property
    def bar_percent(self) -> int:
        return min(self.percent, 100)


@dataclass
class SchoolProgress:
    year: SchoolYear
    as_of: datetime
    departments: list[DepartmentProgress] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(d.approved for d in self.departments)

    @property
    def total_target(self) -> int:
        return sum(d.target for d in self.departments)

    @property
    def total_pending(self) -> int:
        return sum(d.pending for d in self.departments)

    @property
    def band(self) -> ScoreBand:
        return score_band(self.total)

    @property
    def reached_count(self) -> int:
        return sum(1 for d in self.departments if d.reached_at is not None)


def targets_for(year: SchoolYear, department_ids) -> dict[int, int]:
    """Each department's target in `year`: its own row if the board set one, else the setting."""
    ids = list(department_ids)
    targets = dict.fromkeys(ids, default_target())
    if ids:
        targets.update(db.session.execute(
            select(DepartmentTarget.department_id, DepartmentTarget.target).where(
                DepartmentTarget.school_year_id == year.id,
                DepartmentTarget.department_id.in_(ids))).all())
    return targets


def department_counts(year: SchoolYear, as_of: datetime,
                      department_ids=None) -> dict[int, tuple[int, int]]:
    """{department id: (approved, pending)} in one GROUP BY."""
    query = (select(Material.department_id, _count(approved_by(as_of)), _count(pending()))
             .where(eligible(year)).group_by(Material.department_id))
    if department_ids is not None:
        query = query.where(Material.department_id.in_(list(department_ids)))
    return {dept: (int(approved), int(waiting))
            for dept, approved, waiting in db.session.execute(query)}


def reached_dates(year: SchoolYear, as_of: datetime,
                  targets: dict[int, int]) -> dict[int, datetime]:
    """{department id: approved_at of its target-th counted material}, for those that reached it.

    One query: number each department's counted materials by approval time (id breaks ties) and
    keep the rows whose number is some department's target.
    """
    if not targets:
        return {}
    number = func.row_number().over(partition_by=Material.department_id,
                                    order_by=(Material.approved_at, Material.id))
    ranked = (select(Material.department_id, Material.approved_at, number.label("n"))
              .where(counted(year, as_of), Material.department_id.in_(list(targets)))
              .subquery())
    rows = db.session.execute(select(ranked.c.department_id, ranked.c.n, ranked.c.approved_at)
                              .where(ranked.c.n.in_(sorted(set(targets.values())))))
    return {dept: at for dept, n, at in rows if targets.get(dept) == n}


def rank_by_date(reached: dict[int, datetime]) -> dict[int, int]:
    """Competition ranking by the date a target was reached: equal instants share a rank and the
    next rank is skipped (1, 1, 3)."""
    ranks: dict[int, int] = {}
    ordered = sorted(reached.items(), key=lambda item: item[1])
    for position, (dept, at) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        ranks[dept] = ranks[previous[0]] if previous and previous[1] == at else position
    return ranks


def school_progress(year: SchoolYear, as_of: datetime | None = None,
                    department_ids=None) -> SchoolProgress:
    """Every department's progress in `year` (or those in `department_ids`): four queries."""
    as_of = as_of or utcnow()
    query = select(Department.id, Department.code, Department.name).order_by(Department.name)
    if department_ids is not None:
        query = query.where(Department.id.in_(list(department_ids)))
    departments = db.session.execute(query).all()
    ids = [d.id for d in departments]
    targets = targets_for(year, ids)
    counts = department_counts(year, as_of, ids)
    reached = reached_dates(year, as_of, targets)
    # The ranking is school-wide even when only some departments are shown.
    if department_ids is not None:
        all_targets = targets_for(year, db.session.scalars(select(Department.id)))
        all_reached = reached_dates(year, as_of, all_targets)
    else:
        all_reached = reached
    ranks = rank_by_date(all_reached)
    rewarded_places = plugin_settings()["rewarded_departments"]
    progress = SchoolProgress(year=year, as_of=as_of)
    for dept in departments:
        approved, waiting = counts.get(dept.id, (0, 0))
        rank = ranks.get(dept.id)
        progress.departments.append(DepartmentProgress(
            department_id=dept.id, code=dept.code, name=dept.name, target=targets[dept.id],
            approved=approved, pending=waiting, reached_at=reached.get(dept.id), rank=rank,
            rewarded=rank is not None and rank <= rewarded_places))
    return progress


# Per teacher --------------------------------------------------------------------------------------
@dataclass
class TeacherProgress:
    user_id: int
    full_name: str
    approved: int = 0
    pending: int = 0
    drafts: int = 0
    returned: int = 0


def _contributions(year: SchoolYear, *conditions):
    """(user_id, material_id, status, approved_at) for every author and co-author of the
    eligible materials matching `conditions`; a co-authored material counts for each author."""
    columns = (Material.id.label("material_id"), Material.department_id.label("department_id"),
               Material.status.label("status"), Material.approved_at.label("approved_at"))
    authors = select(Material.author_id.label("user_id"), *columns).where(
        eligible(year), *conditions)
    co_authors = (select(MaterialAuthor.user_id.label("user_id"), *columns)
                  .join(Material, Material.id == MaterialAuthor.material_id)
                  .where(eligible(year), *conditions))
    return union(authors, co_authors).subquery()


def _teacher_counts(contributions, as_of: datetime):
    c = contributions.c
    never_approved = c.approved_at.is_(None)
    return (
        _count(and_(c.approved_at.is_not(None), c.approved_at <= as_of)),
        _count(and_(c.status.in_(PENDING_STATUSES), never_approved)),
        _count(and_(c.status == "draft", never_approved)),
        _count(and_(c.status == "returned", never_approved)),
    )


def teacher_breakdown(department_id: int, year: SchoolYear,
                      as_of: datetime | None = None) -> list[TeacherProgress]:
    """Each active member of the department with their counts on its library (two queries)."""
    as_of = as_of or utcnow()
    members = db.session.execute(
        select(User.id, User.full_name)
        .join(DepartmentMembership, DepartmentMembership.user_id == User.id)
        .where(DepartmentMembership.department_id == department_id, User.active.is_(True))
        .order_by(User.sort_key)).all()
    contributions = _contributions(year, Material.department_id == department_id)
    counts = {row[0]: row[1:] for row in db.session.execute(
        select(contributions.c.user_id, *_teacher_counts(contributions, as_of))
        .group_by(contributions.c.user_id))}
    return [TeacherProgress(user_id, name, *map(int, counts.get(user_id, (0, 0, 0, 0))))
            for user_id, name in members]


def breakdowns_by_department(year: SchoolYear, as_of: datetime,
                             department_ids=None) -> dict[int, list[TeacherProgress]]:
    """`teacher_breakdown` for many departments at once (two queries), for the monthly report."""
    query = (select(DepartmentMembership.department_id, User.id, User.full_name)
             .join(User, User.id == DepartmentMembership.user_id)
             .where(User.active.is_(True)).order_by(User.sort_key))
    conditions = []
    if department_ids is not None:
        query = query.where(DepartmentMembership.department_id.in_(list(department_ids)))
        conditions.append(Material.department_id.in_(list(department_ids)))
    members = db.session.execute(query).all()
    contributions = _contributions(year, *conditions)
    # Contributions count in the author's own department's library.
    dept_of = {user_id: dept for dept, user_id, _ in members}
    counts = {}
    c = contributions.c
    for row in db.session.execute(
            select(c.user_id, c.department_id, *_teacher_counts(contributions, as_of))
            .group_by(c.user_id, c.department_id)):
        if dept_of.get(row[0]) == row[1]:
            counts[row[0]] = row[2:]
    result: dict[int, list[TeacherProgress]] = {}
    for dept, user_id, name in members:
        result.setdefault(dept, []).append(
            TeacherProgress(user_id, name, *map(int, counts.get(user_id, (0, 0, 0, 0)))))
    return result


# Over time ---------------------------------------------------------------------------------------
def _local_month(column):
    """'YYYY-MM' of a naive UTC column in the school's time zone, for SQLite and PostgreSQL.

    The offset is the zone's current one: exact for Vietnam (no daylight saving time)."""
    offset = datetime.now(school_timezone()).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if db.session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", column, f"{minutes:+d} minutes")
    return func.to_char(column + literal_column(f"INTERVAL '{minutes} minutes'"), "YYYY-MM")


def months_of(year: SchoolYear, until: date) -> list[date]:
    """First days of the months from the year's start to `until` (capped at the year's end)."""
    last = min(until, year.end_date)
    months = []
    current = year.start_date.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months or [year.start_date.replace(day=1)]


def cumulative_approvals(year: SchoolYear, as_of: datetime | None = None,
                         department_ids=None) -> list[tuple[date, int]]:
    """[(first day of month, materials counted by the end of that month)], one GROUP BY.

    Approvals before the year's first month (a material created in August, approved then)
    are folded into the first month.
    """
    as_of = as_of or utcnow()
    month = _local_month(Material.approved_at)
    query = (select(month, func.count()).where(counted(year, as_of))
             .group_by(month))
    if department_ids is not None:
        query = query.where(Material.department_id.in_(list(department_ids)))
    per_month = dict(db.session.execute(query).all())
    as_of_local = as_of.replace(tzinfo=ZoneInfo("UTC")).astimezone(school_timezone()).date()
    months = months_of(year, as_of_local)
    first_key = months[0].strftime("%Y-%m")
    running = sum(n for key, n in per_month.items() if key < first_key)
    result = []
    for first_day in months:
        running += per_month.get(first_day.strftime("%Y-%m"), 0)
        result.append((first_day, running))
    # Approvals after the last shown month (the year ended) still belong to the total.
    last_key = months[-1].strftime("%Y-%m")
    late = sum(n for key, n in per_month.items() if key > last_key)
    if late:
        result[-1] = (result[-1][0], result[-1][1] + late)
    return result


def own_progress(user_id: int, year: SchoolYear, as_of: datetime | None = None) -> TeacherProgress:
    """One teacher's counts over every library they authored or co-authored in (one query)."""
    as_of = as_of or utcnow()
    co_authored = select(MaterialAuthor.material_id).where(MaterialAuthor.user_id == user_id)
    contributions = _contributions(
        year, or_(Material.author_id == user_id, Material.id.in_(co_authored)))
    row = db.session.execute(select(*_teacher_counts(contributions, as_of))
                             .where(contributions.c.user_id == user_id)).one()
    return TeacherProgress(user_id, "", *map(int, row))
