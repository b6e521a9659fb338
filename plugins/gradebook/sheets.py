"""One sheet of the gradebook (class × subject × semester): who may read and keep it, loading it
in a fixed number of queries, and saving cells all or nothing with an audit row per change.

The import/export (`exchange.py`), the fill from assignments (`fill.py`), the grid and the demo
seed all write through `save_cells`, so every change is validated and audited the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.exc import StaleDataError

from lms import signals
from lms.extensions import db
from lms.models import ClassEnrollment, Role, SchoolClass, Subject, User
from lms.permissions import teaches
from lms.scores import ScoreError, format_score, parse_score
from lms.vietnamese import fold

from .models import Change, Entry, Semester, Sheet, SubjectRule
from .rules import (
    comment_semester_result,
    comment_year_result,
    semester_average,
    slots_for,
    tx_count,
    year_average,
)

#: how a cell got its value (Entry.source, Change.source)
SOURCES = ("typed", "pasted", "imported", "assignment")
PASSED_TEXT, FAILED_TEXT = "Đ", "CĐ"
_PASSED_WORDS = {"d", "dat"}
_FAILED_WORDS = {"cd", "chua dat", "chuadat"}


class SheetLocked(Exception):
    """The sheet's semester is locked (khóa sổ): nothing changes."""


class CellErrors(Exception):
    """Some cells are wrong; nothing was saved. `errors`: [(student_id, slot, Vietnamese
    message)]."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__("; ".join(message for _, _, message in errors))
        self.errors = errors


class StaleCell(Exception):
    """Someone else changed a cell since it was read; nothing was saved. `cells`:
    [(student_id, slot)]."""

    def __init__(self, cells: list[tuple[int, str]]):
        super().__init__(_("Có ô vừa được người khác sửa; hãy tải lại trang rồi nhập lại."))
        self.cells = cells


@dataclass
class CellChange:
    student_id: int
    slot: str
    #: a score (scored subjects), Đạt True / Chưa đạt False (comment-only), None to empty it
    value: Decimal | bool | None
    #: the Entry.version the editor read (0 for a cell never written); None: don't check
    expected_version: int | None = None


# Cell values as people write them ----------------------------------------------------------------
def format_cell(value: Decimal | bool | None) -> str:
    """As the grid and the history show a value: '8,5', 'Đ', 'CĐ', ''."""
    if value is True:
        return PASSED_TEXT
    if value is False:
        return FAILED_TEXT
    return format_score(value)


def parse_cell(text, comment_only: bool) -> Decimal | bool | None:
    """What a user typed or pasted into a cell: a score ('8', '8,5') for a scored subject, Đ/CĐ
    (or Đạt/Chưa đạt, with or without diacritics) for a comment-only one, '' for empty.
    Raises `ScoreError` with a Vietnamese message."""
    if not comment_only:
        return parse_score(text)
    if isinstance(text, bool) or text is None:
        return text
    words = " ".join(fold(str(text)).replace(".", " ").split())
    if not words:
        return None
    if words in _PASSED_WORDS:
        return True
    if words in _FAILED_WORDS:
        return False
    raise ScoreError(_("“%(text)s” không hợp lệ: môn đánh giá bằng nhận xét nhận Đ (Đạt) hoặc "
                       "CĐ (Chưa đạt).", text=str(text).strip()))


def entry_value(entry: Entry | None) -> Decimal | bool | None:
    if entry is None:
        return None
    return entry.passed if entry.score is None else entry.score


# Rules and sheets --------------------------------------------------------------------------------
def rule_for(subject_id: int, grade_level_id: int) -> SubjectRule | None:
    """How `subject_id` is assessed in the grade; None when the school has not declared it."""
    return db.session.scalar(select(SubjectRule).where(
        SubjectRule.subject_id == subject_id, SubjectRule.grade_level_id == grade_level_id))


def slots_of(rule: SubjectRule | None) -> list[str]:
    return slots_for(tx_count(rule.periods_per_year)) if rule is not None else []


def missing_rule_message(subject: Subject, school_class: SchoolClass) -> str:
    return _("Chưa khai báo số tiết của môn %(subject)s cho khối %(grade)s.",
             subject=subject.name, grade=school_class.grade_level.number)


def get_or_create_sheet(class_id: int, subject_id: int, semester: Semester) -> Sheet:
    """The sheet of the class, subject and semester, created (and flushed) when missing."""
    sheet = db.session.scalar(select(Sheet).where(
        Sheet.class_id == class_id, Sheet.subject_id == subject_id,
        Sheet.semester_id == semester.id))
    if sheet is None:
        sheet = Sheet(class_id=class_id, subject_id=subject_id, semester_id=semester.id)
        db.session.add(sheet)
        db.session.flush()
    return sheet


def class_students(class_id: int) -> list[User]:
    """The students of a class in given-name order (one query)."""
    return list(db.session.scalars(
        select(User).join(ClassEnrollment, ClassEnrollment.student_id == User.id)
        .where(ClassEnrollment.class_id == class_id)
        .options(lazyload(User.roles))
        .order_by(User.sort_key, User.id)))


def subject_result(rule: SubjectRule | None, slots: list[str], values: dict[str, object]):
    """A student's semester result in a subject from their slot values: ĐTBmhk (scored) or
    Đạt/Chưa đạt (comment-only); None while incomplete."""
    if rule is None:
        return None
    if rule.comment_only:
        return comment_semester_result([values.get(slot) for slot in slots])
    return semester_average([values.get(slot) for slot in slots[:-2]], values.get("gk"),
                            values.get("ck"))


def year_result(rule: SubjectRule | None, hk1, hk2):
    """ĐTBmcn (scored) or the year's Đạt/Chưa đạt (comment-only)."""
    if rule is None:
        return None
    return comment_year_result(hk1, hk2) if rule.comment_only else year_average(hk1, hk2)


@dataclass
class SheetView:
    sheet: Sheet
    school_class: SchoolClass
    subject: Subject
    semester: Semester
    rule: SubjectRule | None
    slots: list[str]
    #: in given-name order (User.sort_key)
    students: list[User]
    #: (student_id, slot) -> Entry
    entries: dict[tuple[int, str], Entry]
    #: student_id -> ĐTBmhk (scored), Đạt/Chưa đạt (comment-only), None while incomplete
    averages: dict[int, Decimal | bool | None]
    locked: bool
    #: semester II only: student_id -> ĐTBmcn or the year's Đạt/Chưa đạt
    year_averages: dict[int, Decimal | bool | None] = field(default_factory=dict)

    @property
    def comment_only(self) -> bool:
        return bool(self.rule and self.rule.comment_only)

    def value(self, student_id: int, slot: str) -> Decimal | bool | None:
        return entry_value(self.entries.get((student_id, slot)))

    def version(self, student_id: int, slot: str) -> int:
        entry = self.entries.get((student_id, slot))
        return entry.version if entry is not None else 0


def load_sheet_view(sheet: Sheet) -> SheetView:
    """Everything the grid shows, in a fixed number of queries whatever the class size: the
    sheet with its class, subject and semester, the rule, the students, the entries (and in
    semester II the semester I entries for ĐTBmcn)."""
    sheet = db.session.scalar(
        select(Sheet).where(Sheet.id == sheet.id)
        .options(joinedload(Sheet.school_class).joinedload(SchoolClass.grade_level),
                 joinedload(Sheet.subject), joinedload(Sheet.semester))
        .execution_options(populate_existing=True))
    school_class, semester = sheet.school_class, sheet.semester
    rule = rule_for(sheet.subject_id, school_class.grade_level_id)
    slots = slots_of(rule)
    students = class_students(school_class.id)
    entries = {(e.student_id, e.slot): e for e in db.session.scalars(
        select(Entry).where(Entry.sheet_id == sheet.id))}
    values = _values_by_student(entries.values())
    averages = {s.id: subject_result(rule, slots, values.get(s.id, {})) for s in students}
    view = SheetView(sheet=sheet, school_class=school_class, subject=sheet.subject,
                     semester=semester, rule=rule, slots=slots, students=students,
                     entries=entries, averages=averages, locked=semester.locked_at is not None)
    if semester.number == 2:
        first = db.session.scalars(
            select(Entry).join(Sheet, Sheet.id == Entry.sheet_id)
            .join(Semester, Semester.id == Sheet.semester_id)
            .where(Sheet.class_id == sheet.class_id, Sheet.subject_id == sheet.subject_id,
                   Semester.school_year_id == semester.school_year_id, Semester.number == 1))
        first_values = _values_by_student(first)
        view.year_averages = {
            s.id: year_result(rule, subject_result(rule, slots, first_values.get(s.id, {})),
                              averages[s.id])
            for s in students}
    return view


def _values_by_student(entries) -> dict[int, dict[str, Decimal | bool | None]]:
    values: dict[int, dict[str, Decimal | bool | None]] = {}
    for entry in entries:
        values.setdefault(entry.student_id, {})[entry.slot] = entry_value(entry)
    return values


# Who may read and keep a sheet -------------------------------------------------------------------
def keeps(user, sheet: Sheet) -> bool:
    """The teachers assigned the class and subject (phân công chuyên môn) keep its sheet."""
    return teaches(user, sheet.class_id, sheet.subject_id)


def can_edit(user, sheet: Sheet) -> bool:
    """Keepers of the sheet, while its semester is not locked. Heads, the board and the
    homeroom teacher only read."""
    return sheet.semester.locked_at is None and keeps(user, sheet)


def can_read(user, sheet: Sheet) -> bool:
    """Keepers, the class's homeroom teacher, the head and deputy head of the subject's
    department, the board and Tổ CNTT."""
    return may_read(user, sheet.school_class, sheet.subject)


def may_read(user, school_class: SchoolClass, subject: Subject) -> bool:
    """`can_read` before the sheet exists (a page must not create a sheet for a stranger)."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return False
    if user.is_board or user.has_role(Role.ADMIN):
        return True
    if school_class.homeroom_teacher_id == user.id:
        return True
    if user.heads_department(subject.department_id):
        return True
    return teaches(user, school_class.id, subject.id)


def may_see_history(user, school_class: SchoolClass, subject: Subject) -> bool:
    """Who reads a sheet's history: keepers, the department's head and deputy, the board and
    Tổ CNTT (the homeroom teacher reads the scores, not who changed them)."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return False
    return (user.is_board or user.has_role(Role.ADMIN)
            or user.heads_department(subject.department_id)
            or teaches(user, school_class.id, subject.id))


# Saving ------------------------------------------------------------------------------------------
def save_cells(sheet: Sheet, changes: list[CellChange], actor, source: str,
               source_detail: dict | None = None) -> list[Change]:
    """Write `changes` all or nothing and return the audit rows of the cells that really
    changed (a value equal to the stored one is no change).

    Everything is checked before anything is written: the semester is not locked
    (`SheetLocked`), each slot exists for the subject's rule, each student is in the class,
    each value is of the subject's kind and a valid score, no cell twice (`CellErrors`), and
    each changed cell still has the version the editor read (`StaleCell`). Sends
    `gradebook_changed`. The caller commits, or rolls back on an exception.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown gradebook source {source!r}")
    school_class = sheet.school_class
    if sheet.semester.locked_at is not None:
        raise SheetLocked(_("Học kỳ này đã khóa sổ: không thể sửa điểm."))
    rule = rule_for(sheet.subject_id, school_class.grade_level_id)
    if rule is None:
        message = missing_rule_message(sheet.subject, school_class)
        raise CellErrors([(c.student_id, c.slot, message) for c in changes] or [(0, "", message)])
    slots = slots_of(rule)
    enrolled = set(db.session.scalars(select(ClassEnrollment.student_id).where(
        ClassEnrollment.class_id == school_class.id)))
    entries = {(e.student_id, e.slot): e for e in db.session.scalars(
        select(Entry).where(Entry.sheet_id == sheet.id))}

    errors: list[tuple[int, str, str]] = []
    stale: list[tuple[int, str]] = []
    seen: set[tuple[int, str]] = set()
    to_write: list[tuple[CellChange, Decimal | bool | None]] = []
    for change in changes:
        key = (change.student_id, change.slot)
        if key in seen:
            errors.append((*key, _("Ô này được gửi hai lần.")))
            continue
        seen.add(key)
        if change.slot not in slots:
            errors.append((*key, _("Cột %(slot)s không có trong sổ điểm môn %(subject)s.",
                                   slot=change.slot, subject=sheet.subject.name)))
            continue
        if change.student_id not in enrolled:
            errors.append((*key, _("Học sinh này không thuộc lớp %(name)s.",
                                   name=school_class.name)))
            continue
        try:
            value = _checked_value(change.value, rule.comment_only)
        except ScoreError as error:
            errors.append((*key, str(error)))
            continue
        entry = entries.get(key)
        if format_cell(value) == format_cell(entry_value(entry)):
            continue
        current_version = entry.version if entry is not None else 0
        if change.expected_version is not None and change.expected_version != current_version:
            stale.append(key)
            continue
        to_write.append((change, value))
    if errors:
        raise CellErrors(errors)
    if stale:
        raise StaleCell(stale)

    written = []
    for change, value in to_write:
        entry = entries.get((change.student_id, change.slot))
        old = format_cell(entry_value(entry))
        if entry is None:
            entry = Entry(sheet_id=sheet.id, student_id=change.student_id, slot=change.slot)
            db.session.add(entry)
        entry.score = None if isinstance(value, bool) else value
        entry.passed = value if isinstance(value, bool) else None
        entry.source = source
        entry.source_detail = dict(source_detail or {})
        entry.updated_by_id = actor.id if actor is not None else None
        audit_row = Change(sheet_id=sheet.id, student_id=change.student_id, slot=change.slot,
                           old_value=old, new_value=format_cell(value), source=source,
                           actor_id=actor.id if actor is not None else None)
        db.session.add(audit_row)
        written.append(audit_row)
    try:
        db.session.flush()
    except StaleDataError as error:
        # Another request updated one of these rows between our read and our write.
        raise StaleCell([(c.student_id, c.slot) for c, _v in to_write]) from error
    if written:
        signals.gradebook_changed.send(current_app._get_current_object(), changes=written,
                                       actor=actor)
    return written


def _checked_value(value, comment_only: bool) -> Decimal | bool | None:
    if value is None:
        return None
    if comment_only:
        if not isinstance(value, bool):
            raise ScoreError(_("Môn này đánh giá bằng nhận xét: chỉ nhận Đ (Đạt) hoặc CĐ "
                               "(Chưa đạt)."))
        return value
    if isinstance(value, bool):
        raise ScoreError(_("Môn này đánh giá bằng điểm số: hãy nhập điểm từ 0 đến 10."))
    return parse_score(value)

