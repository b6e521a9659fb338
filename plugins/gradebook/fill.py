"""Fill a gradebook column from the released grades of assignments (bài đã trả): one
assignment, the average of several, or each student's latest.

Only released grades count (`Submission.released_score` / `released_passed`): the families have
seen them, the teacher has decided them. Students without a released grade keep their cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import select

from lms.extensions import db
from lms.plugins import registry
from lms.scores import round_half_up

from .models import Change, Semester, Sheet
from .semesters import utc_bounds
from .sheets import (
    CellChange,
    class_students,
    missing_rule_message,
    rule_for,
    save_cells,
    slots_of,
)

#: how several grades become one cell
FILL_RULES = ("one", "average", "latest")


class FillError(ValueError):
    """A fill that cannot be done; the message is Vietnamese and shown as is."""


@dataclass
class ReleasedAssignment:
    assignment: object  #: plugins.assignments.models.Assignment
    #: student_id -> released score (Decimal) or Đạt/Chưa đạt (bool)
    grades: dict[int, Decimal | bool] = field(default_factory=dict)


def assignments_loaded() -> bool:
    return "assignments" in registry().plugins


def released_grades(class_id: int, subject_id: int, semester: Semester) -> list[ReleasedAssignment]:
    """The released grades of the class's assignments in the subject whose due date falls in the
    semester, by due date (two queries whatever the number of assignments)."""
    if not assignments_loaded():
        return []
    from plugins.assignments.models import Assignment, Submission

    start, end = utc_bounds(semester)
    rows = db.session.execute(
        select(Submission.assignment_id, Submission.student_id, Submission.released_score,
               Submission.released_passed)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(Submission.class_id == class_id, Submission.released_at.is_not(None),
               Assignment.subject_id == subject_id, Assignment.deleted_at.is_(None),
               Assignment.due_at >= start, Assignment.due_at < end))
    grades: dict[int, dict[int, Decimal | bool]] = {}
    for assignment_id, student_id, score, passed in rows:
        value = score if score is not None else passed
        if value is not None:
            grades.setdefault(assignment_id, {})[student_id] = value
    if not grades:
        return []
    assignments = db.session.scalars(select(Assignment).where(Assignment.id.in_(grades))
                                     .order_by(Assignment.due_at, Assignment.id))
    return [ReleasedAssignment(a, grades[a.id]) for a in assignments]


def fill_slot(sheet: Sheet, slot: str, assignment_ids: list[int], rule: str, actor) -> list[Change]:
    """Put the released grades of `assignment_ids` into column `slot` for every student who has
    one: `one` assignment as it is, the `average` of several (rounded half up to one decimal),
    or each student's `latest` by due date. Saved through `save_cells` (source "assignment"),
    so it is validated, refused when locked and audited; the caller commits."""
    if not assignments_loaded():
        raise FillError(_("Chức năng Giao bài chưa được bật nên không có điểm bài tập để lấy."))
    if rule not in FILL_RULES:
        raise FillError(_("Hãy chọn cách lấy điểm: một bài, trung bình nhiều bài hoặc bài mới "
                          "nhất."))
    chosen = list(dict.fromkeys(assignment_ids))
    if not chosen:
        raise FillError(_("Hãy chọn ít nhất một bài đã trả."))
    if rule == "one" and len(chosen) != 1:
        raise FillError(_("Cách “một bài” lấy điểm của đúng một bài; hãy chọn một bài."))
    subject_rule = rule_for(sheet.subject_id, sheet.school_class.grade_level_id)
    if subject_rule is None:
        raise FillError(missing_rule_message(sheet.subject, sheet.school_class))
    if slot not in slots_of(subject_rule):
        raise FillError(_("Hãy chọn một cột của sổ điểm để điền."))
    if subject_rule.comment_only and rule == "average":
        raise FillError(_("Môn đánh giá bằng nhận xét không tính trung bình; hãy chọn một bài "
                          "hoặc bài mới nhất."))
    available = {r.assignment.id: r for r in released_grades(sheet.class_id, sheet.subject_id,
                                                             sheet.semester)}
    unknown = [a for a in chosen if a not in available]
    if unknown:
        raise FillError(_("Có bài không thuộc lớp, môn và học kỳ này hoặc chưa trả điểm."))
    ordered = [r for r in available.values() if r.assignment.id in chosen]  # by due date
    comment_only = subject_rule.comment_only
    changes = []
    for student in class_students(sheet.class_id):
        grades = [r.grades[student.id] for r in ordered if student.id in r.grades
                  and isinstance(r.grades[student.id], bool) == comment_only]
        if not grades:
            continue
        if rule == "average":
            value = round_half_up(sum((Fraction(g) for g in grades), Fraction(0)) / len(grades))
        else:
            value = grades[-1]
        changes.append(CellChange(student.id, slot, value))
    return save_cells(sheet, changes, actor, "assignment",
                      source_detail={"assignments": chosen, "rule": rule})
