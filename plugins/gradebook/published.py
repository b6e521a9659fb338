"""What a student and their parents see of the gradebook: the sheets their teachers published
(Sheet.published_at), with the student's own scores and averages only."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.extensions import db
from lms.models import ClassEnrollment, SchoolClass, SchoolYear

from .models import Entry, Semester, Sheet, SubjectRule
from .sheets import entry_value, slots_of, subject_result


@dataclass
class PublishedSheet:
    sheet: Sheet
    slots: list[str]
    #: slot -> the student's score or Đạt/Chưa đạt
    values: dict[str, object]
    #: ĐTBmhk or the semester's Đạt/Chưa đạt; None while incomplete
    average: object


def published_results(student_id: int) -> list[PublishedSheet]:
    """The student's published sheets of the current school year, by semester then subject
    (three queries)."""
    year = SchoolYear.current()
    if year is None:
        return []
    sheets = list(db.session.scalars(
        select(Sheet)
        .join(ClassEnrollment, ClassEnrollment.class_id == Sheet.class_id)
        .join(Semester, Semester.id == Sheet.semester_id)
        .where(ClassEnrollment.student_id == student_id, Sheet.published_at.is_not(None),
               Semester.school_year_id == year.id)
        .options(joinedload(Sheet.subject), joinedload(Sheet.semester),
                 joinedload(Sheet.school_class).joinedload(SchoolClass.grade_level))))
    if not sheets:
        return []
    rules = {(r.subject_id, r.grade_level_id): r for r in db.session.scalars(
        select(SubjectRule).where(SubjectRule.subject_id.in_({s.subject_id for s in sheets})))}
    values: dict[int, dict[str, object]] = {}
    for entry in db.session.scalars(select(Entry).where(
            Entry.student_id == student_id, Entry.sheet_id.in_([s.id for s in sheets]))):
        values.setdefault(entry.sheet_id, {})[entry.slot] = entry_value(entry)
    results = []
    for sheet in sorted(sheets, key=lambda s: (s.semester.number, s.subject.name)):
        rule = rules.get((sheet.subject_id, sheet.school_class.grade_level_id))
        slots = slots_of(rule)
        own = values.get(sheet.id, {})
        results.append(PublishedSheet(sheet, slots, own, subject_result(rule, slots, own)))
    return results
