"""How fast teachers answer students' questions (evidence for criterion 1.3.3): per teacher and
per department, for the questions asked in a period.

A question counts for every teacher of its class and subject (co-teachers share the queue) and
for the department of its subject. The answer time is first_answer_at − created_at; medians
are computed in Python from one query of the period's questions.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import select

from lms.extensions import db
from lms.models import Department, Subject, TeachingAssignment, User

from .models import Thread


@dataclass(frozen=True)
class StatsRow:
    """One teacher's or one department's questions of the period."""

    id: int
    name: str
    #: the teacher's department ("" for a department's own row)
    department: str
    asked: int
    answered: int
    unanswered: int
    #: median minutes to the first answer; None when nothing was answered
    median_minutes: float | None


@dataclass(frozen=True)
class QuestionStats:
    date_from: datetime
    date_to: datetime
    teachers: list[StatsRow]
    departments: list[StatsRow]


def _row(row_id: int, name: str, department: str, threads: list) -> StatsRow:
    times = [(answered - created).total_seconds() / 60
             for created, answered in threads if answered is not None]
    return StatsRow(row_id, name, department, len(threads), len(times),
                    len(threads) - len(times), round(median(times), 1) if times else None)


def question_stats(date_from: datetime, date_to: datetime) -> QuestionStats:
    """Questions created in [date_from, date_to) (naive UTC), per teacher (everyone who
    teaches a class and subject asked in the period) and per department (all departments,
    zero included). Three queries whatever the number of questions."""
    threads = db.session.execute(
        select(Thread.class_id, Thread.subject_id, Thread.created_at, Thread.first_answer_at,
               Subject.department_id)
        .join(Subject, Subject.id == Thread.subject_id)
        .where(Thread.created_at >= date_from, Thread.created_at < date_to)).all()
    by_pair: dict[tuple[int, int], list] = defaultdict(list)
    by_department: dict[int, list] = defaultdict(list)
    for class_id, subject_id, created, answered, department_id in threads:
        by_pair[(class_id, subject_id)].append((created, answered))
        by_department[department_id].append((created, answered))

    departments = db.session.execute(select(Department.id, Department.name)
                                     .order_by(Department.name)).all()
    department_names = dict(departments)
    teaching = db.session.execute(
        select(TeachingAssignment.teacher_id, TeachingAssignment.class_id,
               TeachingAssignment.subject_id, User.full_name, User.sort_key,
               Subject.department_id)
        .join(User, User.id == TeachingAssignment.teacher_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)).all()
    per_teacher: dict[int, list] = defaultdict(list)
    teacher_info: dict[int, tuple[str, str, str]] = {}
    for teacher_id, class_id, subject_id, name, sort_key, department_id in teaching:
        pair_threads = by_pair.get((class_id, subject_id))
        if pair_threads:
            per_teacher[teacher_id].extend(pair_threads)
            # the department of the subject taught (a teacher of two departments' subjects
            # shows the first seen; their own department is in the people pages)
            teacher_info.setdefault(teacher_id, (name, sort_key or name,
                                                 department_names.get(department_id, "")))
    teachers = sorted(
        (_row(teacher_id, teacher_info[teacher_id][0], teacher_info[teacher_id][2], rows)
         for teacher_id, rows in per_teacher.items()),
        key=lambda row: (row.department, teacher_info[row.id][1]))
    return QuestionStats(
        date_from, date_to, teachers,
        [_row(department_id, name, "", by_department.get(department_id, []))
         for department_id, name in departments])
