"""The homeroom teacher's view of a class: every subject's ĐTBmhk/ĐTBmcn (or Đ/CĐ) per student
and the result level of semester I, semester II and the year (Điều 9), with the one-level lift
noted. A fixed number of queries whatever the class size or number of subjects."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.extensions import db
from lms.models import SchoolClass, Subject, TeachingAssignment, User

from .models import Entry, Semester, Sheet, SubjectRule
from .rules import LevelResult, result_level
from .semesters import semesters_of
from .sheets import class_students, entry_value, slots_of, subject_result, year_result

#: the columns of the report: semester I, semester II, the year
PERIODS = ("hk1", "hk2", "year")


@dataclass
class StudentResults:
    student: User
    #: (subject_id, period) -> ĐTBmhk/ĐTBmcn (Decimal) or Đạt/Chưa đạt (bool); None if incomplete
    results: dict[tuple[int, str], object] = field(default_factory=dict)
    #: period -> the result level, None until every subject with a rule has its result
    levels: dict[str, LevelResult | None] = field(default_factory=dict)


@dataclass
class ClassReport:
    school_class: SchoolClass
    semesters: list[Semester]
    #: the subjects taught in the class (phân công chuyên môn), by name
    subjects: list[Subject]
    rules: dict[int, SubjectRule]
    rows: list[StudentResults]

    @property
    def subjects_without_rule(self) -> list[Subject]:
        return [s for s in self.subjects if s.id not in self.rules]


def load_class_report(school_class: SchoolClass) -> ClassReport:
    semesters = semesters_of(school_class.school_year)
    subjects = list(db.session.scalars(
        select(Subject).where(Subject.id.in_(
            select(TeachingAssignment.subject_id)
            .where(TeachingAssignment.class_id == school_class.id)))
        .options(joinedload(Subject.department)).order_by(Subject.name)))
    rules = {r.subject_id: r for r in db.session.scalars(select(SubjectRule).where(
        SubjectRule.grade_level_id == school_class.grade_level_id))}
    students = class_students(school_class.id)
    values: dict[tuple[int, int, int], dict[str, object]] = {}  # (student, subject, hk) -> slots
    for entry, subject_id, number in db.session.execute(
            select(Entry, Sheet.subject_id, Semester.number)
            .join(Sheet, Sheet.id == Entry.sheet_id)
            .join(Semester, Semester.id == Sheet.semester_id)
            .where(Sheet.class_id == school_class.id,
                   Semester.school_year_id == school_class.school_year_id)):
        values.setdefault((entry.student_id, subject_id, number), {})[entry.slot] = \
            entry_value(entry)

    rows = []
    for student in students:
        row = StudentResults(student)
        for subject in subjects:
            rule = rules.get(subject.id)
            slots = slots_of(rule)
            hk1 = subject_result(rule, slots, values.get((student.id, subject.id, 1), {}))
            hk2 = subject_result(rule, slots, values.get((student.id, subject.id, 2), {}))
            row.results[(subject.id, "hk1")] = hk1
            row.results[(subject.id, "hk2")] = hk2
            row.results[(subject.id, "year")] = year_result(rule, hk1, hk2)
        for period in PERIODS:
            row.levels[period] = _level(row, subjects, rules, period)
        rows.append(row)
    return ClassReport(school_class, semesters, subjects, rules, rows)


def _level(row: StudentResults, subjects, rules, period: str) -> LevelResult | None:
    scored, passed = {}, {}
    for subject in subjects:
        rule = rules.get(subject.id)
        if rule is None:
            continue  # listed on the page as not declared; it cannot count either way
        result = row.results[(subject.id, period)]
        if result is None:
            return None
        (passed if rule.comment_only else scored)[subject.id] = result
    if not scored and not passed:
        return None
    return result_level(scored, passed)
