"""The school's subject rules (số tiết/năm, đánh giá bằng nhận xét) per subject and grade, edited
by Tổ CNTT: all checked before anything is written, and never in a way that would hide scores
already entered (fewer ĐĐGtx columns than used, or the other kind of assessment)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select

from lms.extensions import db
from lms.models import SchoolClass, audit

from .models import Entry, Sheet, SubjectRule
from .rules import tx_count

MAX_PERIODS = 500


@dataclass
class RuleInput:
    subject_id: int
    grade_level_id: int
    #: as typed; empty removes the rule
    periods: str
    comment_only: bool


def _used_columns() -> dict[tuple[int, int], tuple[int, set[bool]]]:
    """(subject, grade) -> (highest ĐĐGtx number holding a value, kinds of values held:
    True for Đạt/Chưa đạt, False for scores)."""
    used: dict[tuple[int, int], tuple[int, set[bool]]] = {}
    rows = db.session.execute(
        select(Sheet.subject_id, SchoolClass.grade_level_id, Entry.slot,
               Entry.passed.is_not(None)).distinct()
        .join(Sheet, Sheet.id == Entry.sheet_id)
        .join(SchoolClass, SchoolClass.id == Sheet.class_id)
        .where(or_(Entry.score.is_not(None), Entry.passed.is_not(None))))
    for subject_id, grade_id, slot, is_passed in rows:
        highest, kinds = used.get((subject_id, grade_id), (0, set()))
        number = int(slot[2:]) if slot.startswith("tx") else 0
        used[(subject_id, grade_id)] = (max(highest, number), kinds | {bool(is_passed)})
    return used


def apply_rules(inputs: list[RuleInput], actor) -> dict[tuple[int, int], str]:
    """Save every rule or none: returns {(subject_id, grade_level_id): Vietnamese error}; empty
    when saved (the caller commits)."""
    existing = {(r.subject_id, r.grade_level_id): r for r in db.session.scalars(
        select(SubjectRule))}
    used = _used_columns()
    errors: dict[tuple[int, int], str] = {}
    plan: list[tuple[tuple[int, int], int | None, bool]] = []
    for item in inputs:
        key = (item.subject_id, item.grade_level_id)
        text = item.periods.strip()
        highest, kinds = used.get(key, (0, set()))
        if not text:
            if key in existing:
                if kinds:
                    errors[key] = _("Đã có điểm của môn này ở khối này; không thể xóa khai báo.")
                else:
                    plan.append((key, None, False))
            continue
        if not text.isdigit() or not 1 <= int(text) <= MAX_PERIODS:
            errors[key] = _("Số tiết phải là số nguyên từ 1 đến %(max)s.", max=MAX_PERIODS)
            continue
        periods = int(text)
        if tx_count(periods) < highest:
            errors[key] = _("Đã có điểm ở cột ĐĐGtx%(n)s; số tiết này chỉ cho %(tx)s cột ĐĐGtx.",
                            n=highest, tx=tx_count(periods))
            continue
        if kinds - {item.comment_only}:
            errors[key] = _("Đã có điểm theo cách đánh giá cũ; không thể đổi giữa điểm số và "
                            "nhận xét.")
            continue
        rule = existing.get(key)
        if rule is None or (rule.periods_per_year, rule.comment_only) != (periods,
                                                                         item.comment_only):
            plan.append((key, periods, item.comment_only))
    if errors:
        return errors
    changed = []
    for (subject_id, grade_id), periods, comment_only in plan:
        rule = existing.get((subject_id, grade_id))
        if periods is None:
            db.session.delete(rule)
        elif rule is None:
            db.session.add(SubjectRule(subject_id=subject_id, grade_level_id=grade_id,
                                       periods_per_year=periods, comment_only=comment_only))
        else:
            rule.periods_per_year, rule.comment_only = periods, comment_only
        changed.append({"subject_id": subject_id, "grade_level_id": grade_id,
                        "periods": periods, "comment_only": comment_only})
    if changed:
        audit("gradebook.rules_changed", actor=actor, changes=changed)
    return {}
