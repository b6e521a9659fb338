"""Who is behind schedule on a given day, pro-rata to the school year (the report of the 25th).

The rules, written down because the plan only says "not finished yet":

* Elapsed fraction on day D = (D − start date) ÷ (end date − start date) of the school year, in
  days, clamped to [0, 1]: 0 on the first day, 1 on the last day and after it.
* Expected by D = target × elapsed fraction, rounded UP (a department that needs 30 lessons by
  May is expected to have 1 as soon as any part of the year has gone by).
* A department is behind when its approved count by the end of D is below what is expected.
* A teacher's fair share = expected ÷ number of active members of the department, rounded UP.
  A teacher is behind when the approved materials they authored or co-authored in the
  department's library number fewer than that share. Once the department has reached its whole
  target nobody in it is behind: the goal the plan sets is the department's.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from lms.models import SchoolYear

from .counting import (
    DepartmentProgress,
    TeacherProgress,
    breakdowns_by_department,
    end_of_day_utc,
    school_progress,
)


def elapsed_fraction(year: SchoolYear, on: date) -> Fraction:
    total = (year.end_date - year.start_date).days
    if total <= 0:
        return Fraction(1)
    elapsed = (on - year.start_date).days
    return min(Fraction(1), max(Fraction(0), Fraction(elapsed, total)))


def expected_by(target: int, year: SchoolYear, on: date) -> int:
    return math.ceil(target * elapsed_fraction(year, on))


def fair_share(expected: int, teachers: int) -> int:
    return math.ceil(Fraction(expected, teachers)) if teachers else 0


@dataclass
class TeacherStanding:
    teacher: TeacherProgress
    fair_share: int
    behind: bool

    @property
    def missing(self) -> int:
        return max(self.fair_share - self.teacher.approved, 0)


@dataclass
class DepartmentStanding:
    progress: DepartmentProgress
    expected: int
    fair_share: int
    teachers: list[TeacherStanding] = field(default_factory=list)

    @property
    def behind(self) -> bool:
        return self.progress.approved < self.expected

    @property
    def missing(self) -> int:
        return max(self.expected - self.progress.approved, 0)

    @property
    def behind_teachers(self) -> list[TeacherStanding]:
        return [t for t in self.teachers if t.behind]


@dataclass
class MonthlyReport:
    year: SchoolYear
    on: date
    fraction: Fraction
    departments: list[DepartmentStanding] = field(default_factory=list)

    @property
    def percent_elapsed(self) -> int:
        return math.floor(100 * self.fraction)

    @property
    def behind_departments(self) -> list[DepartmentStanding]:
        return [d for d in self.departments if d.behind]

    @property
    def behind_teachers(self) -> list[tuple[DepartmentStanding, TeacherStanding]]:
        return [(d, t) for d in self.departments for t in d.behind_teachers]


def build_report(year: SchoolYear, on: date, department_ids=None) -> MonthlyReport:
    """The standing of every department (or those in `department_ids`) and its teachers at the
    end of day `on`, in a fixed number of queries."""
    as_of = end_of_day_utc(on) - timedelta(microseconds=1)  # the last instant of `on`
    progress = school_progress(year, as_of, department_ids)
    teachers = breakdowns_by_department(year, as_of, department_ids)
    report = MonthlyReport(year=year, on=on, fraction=elapsed_fraction(year, on))
    for dept in progress.departments:
        expected = expected_by(dept.target, year, on)
        members = teachers.get(dept.department_id, [])
        share = fair_share(expected, len(members))
        finished = dept.approved >= dept.target
        report.departments.append(DepartmentStanding(
            progress=dept, expected=expected, fair_share=share,
            teachers=[TeacherStanding(t, share, not finished and t.approved < share)
                      for t in members]))
    return report
