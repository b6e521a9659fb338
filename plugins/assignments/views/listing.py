"""Submissions with their derived status, loaded for a list in a fixed number of queries.

The status itself comes from `status.derive` over the dates `schedule.load_context` gives; this
module only loads the rows in bulk and groups them for the pages.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from lms.extensions import db
from lms.models import SchoolYear, User

from .. import schedule
from ..models import Assignment, Submission, SubmissionState
from ..status import Status, StatusInfo, derive

#: the to-do list's sections, in the order a student reads them
TO_DO, MISSING, DONE = "todo", "missing", "done"
SECTION_OF = {
    Status.NOT_STARTED: TO_DO, Status.IN_PROGRESS: TO_DO, Status.MISSING: MISSING,
    Status.TURNED_IN: DONE, Status.LATE: DONE, Status.RETURNED: DONE, Status.EXCUSED: DONE,
}
HANDED_IN = (Status.TURNED_IN, Status.LATE, Status.RETURNED)


@dataclass
class Row:
    """One submission as a list shows it."""

    submission: Submission
    dates: schedule.Dates
    info: StatusInfo

    @property
    def assignment(self) -> Assignment:
        return self.submission.assignment

    @property
    def waits_for_grading(self) -> bool:
        return (self.submission.state == SubmissionState.TURNED_IN.value
                and not self.submission.excused)


def rows_for(submissions: list[Submission], now: datetime) -> list[Row]:
    """Derive each submission's status (two queries for the dates, whatever the count)."""
    context = schedule.load_context([s.assignment_id for s in submissions],
                                    [s.student_id for s in submissions])
    rows = []
    for submission in submissions:
        dates = context.dates_for(submission.assignment, submission.student_id)
        rows.append(Row(submission, dates, derive(submission, submission.assignment, dates, now)))
    return rows


def student_rows(student_id: int, now: datetime) -> list[Row]:
    """A student's work of the current school year that has opened for them, not deleted."""
    year = SchoolYear.current()
    if year is None:
        return []
    submissions = list(db.session.scalars(
        select(Submission).join(Submission.assignment)
        .where(Submission.student_id == student_id, Assignment.deleted_at.is_(None),
               Assignment.school_year_id == year.id)
        .options(contains_eager(Submission.assignment).joinedload(Assignment.subject))
        .order_by(Assignment.due_at, Assignment.id)))
    return [row for row in rows_for(submissions, now) if row.dates.opens_at <= now]


def todo_sections(rows: list[Row]) -> dict[str, list[Row]]:
    """Rows by section: to do and missing soonest due first, done latest due first."""
    sections: dict[str, list[Row]] = {TO_DO: [], MISSING: [], DONE: []}
    for row in rows:
        sections[SECTION_OF[row.info.status]].append(row)
    for key in (TO_DO, MISSING):
        sections[key].sort(key=lambda row: (row.dates.due_at, row.assignment.id))
    sections[DONE].sort(key=lambda row: (row.dates.due_at, row.assignment.id), reverse=True)
    return sections


def desk_rows(assignment: Assignment, class_ids: set[int], now: datetime) -> list[Row]:
    """Every submission of `assignment` in `class_ids`, students in given-name order, with their
    files and student loaded (a fixed number of queries)."""
    if not class_ids:
        return []
    submissions = list(db.session.scalars(
        select(Submission).join(User, User.id == Submission.student_id)
        .where(Submission.assignment_id == assignment.id,
               Submission.class_id.in_(sorted(class_ids)))
        .options(contains_eager(Submission.student), selectinload(Submission.files),
                 joinedload(Submission.graded_by))
        .order_by(User.sort_key, User.id)))
    for submission in submissions:
        # the assignment already loaded, without a query per row or a change to flush
        set_committed_value(submission, "assignment", assignment)
    return rows_for(submissions, now)


@dataclass
class Counts:
    """An assignment's submissions by what the teacher acts on."""

    total: int = 0
    handed_in: int = 0
    missing: int = 0
    to_grade: int = 0


def counts_by_assignment(assignments: list[Assignment], now: datetime) -> dict[int, Counts]:
    """Turned in, missing and waiting for grading per assignment (three queries in all)."""
    counts = {a.id: Counts() for a in assignments}
    if not assignments:
        return counts
    by_id = {a.id: a for a in assignments}
    submissions = list(db.session.scalars(
        select(Submission).where(Submission.assignment_id.in_(sorted(by_id)))))
    for submission in submissions:
        set_committed_value(submission, "assignment", by_id[submission.assignment_id])
    for row in rows_for(submissions, now):
        tally = counts[row.assignment.id]
        tally.total += 1
        tally.handed_in += row.info.status in HANDED_IN
        tally.missing += row.info.missing
        tally.to_grade += row.waits_for_grading
    return counts


def status_counts(rows: list[Row]) -> Counter:
    return Counter(row.info.status for row in rows)
