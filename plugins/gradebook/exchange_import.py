"""Reading a score sheet in the VnEdu/SMAS layout back into a gradebook sheet: a preview of
every change and every problem, then all or nothing through `sheets.save_cells`.

Teachers who keep paper-test scores in Excel fill the exported sheet (or one shaped like it) and
upload it. Every bad cell is named by row and column letter with the reason. An empty cell
changes nothing: a partly filled sheet never erases scores typed in the grid.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import or_, select

from lms.extensions import db
from lms.models import User
from lms.people_import.columns import ALIASES, header_key
from lms.people_import.reading import ImportFileError, iter_rows
from lms.people_import.validation import BadValue, normalize_national_id, text
from lms.scores import ScoreError

from .exchange import ROMAN
from .rules import slot_label
from .sheets import CellChange, SheetView, format_cell, missing_rule_message, parse_cell, save_cells

__all__ = ["CellProblem", "ImportFileError", "ImportPreview", "PlannedChange", "apply_preview",
           "read_sheet_file"]

#: Rows scanned for the header: the export puts six title rows and an empty one above it.
HEADER_SEARCH_ROWS = 30
_CODE_KEYS = set(ALIASES["student_code"])
_NATIONAL_ID_KEYS = set(ALIASES["national_id"])
_TX_GROUP_KEYS = {"ddgtx", "diemdanhgiathuongxuyen", "thuongxuyen", "tx"}
#: "ĐĐGtx1", "TX 2", "ĐĐG tx3" in one-row headers of hand-made sheets
_TX_NUMBERED = re.compile(r"^(?:ddg)?tx(\d{1,2})$")
_SLOT_KEYS = {"gk": {"ddggk", "gk", "giuaky", "diemgiuaky", "ddggiuaky"},
              "ck": {"ddgck", "ck", "cuoiky", "diemcuoiky", "ddgcuoiky"}}


@dataclass(frozen=True)
class CellProblem:
    """One bad cell: the row number and column letter Excel shows, and the reason."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("Dòng %(row)s, cột %(column)s: %(reason)s", row=self.row, column=self.column,
                 reason=self.reason)


@dataclass
class PlannedChange:
    student: User
    slot: str
    old: str
    new: str
    value: Decimal | bool
    #: the Entry.version read for the preview (0: never written): a change made meanwhile is
    #: refused by `save_cells` instead of being overwritten
    expected_version: int

    @property
    def slot_label(self) -> str:
        return slot_label(self.slot)


@dataclass
class ImportPreview:
    view: SheetView
    changes: list[PlannedChange] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    #: students the file names (rows read)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def students_changed(self) -> int:
        return len({change.student.id for change in self.changes})

    def fingerprint(self) -> str:
        """What the preview promised: the confirmation applies only an identical plan."""
        cells = sorted((c.student.id, c.slot, c.old, c.new, c.expected_version)
                       for c in self.changes)
        return hashlib.sha256(json.dumps(cells).encode()).hexdigest()[:32]


@dataclass
class _Layout:
    header_row: int
    first_data_row: int
    code: int | None
    national_id: int | None
    #: column index -> slot ("tx1"…, "gk", "ck")
    slots: dict[int, str]


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _tx_number(value) -> int | None:
    raw = text(value)
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100 else None


def _find_layout(rows: list[tuple[int, list]], problems: list[CellProblem]) -> _Layout:
    for position, (number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [header_key(value) for value in values]
        has_student = bool((_CODE_KEYS | _NATIONAL_ID_KEYS) & set(keys))
        has_scores = any(k in _TX_GROUP_KEYS or _TX_NUMBERED.match(k)
                         or any(k in aliases for aliases in _SLOT_KEYS.values()) for k in keys)
        if has_student and has_scores:
            below = rows[position + 1][1] if position + 1 < len(rows) else []
            return _map_columns(number, keys, below, problems)
    raise ImportFileError(_(
        "Không tìm thấy dòng tiêu đề của bảng điểm: cần một dòng có cột \"Mã học sinh\" (hoặc "
        "\"Mã định danh\") và các cột điểm \"ĐĐGtx\", \"ĐĐGgk\", \"ĐĐGck\" trong %(n)s dòng "
        "đầu.", n=HEADER_SEARCH_ROWS))


def _map_columns(number: int, keys: list[str], below: list,
                 problems: list[CellProblem]) -> _Layout:
    code = next((i for i, k in enumerate(keys) if k in _CODE_KEYS), None)
    national_id = next((i for i, k in enumerate(keys) if k in _NATIONAL_ID_KEYS), None)
    slots: dict[int, str] = {}
    two_rows = False
    for index, key in enumerate(keys):
        numbered = _TX_NUMBERED.match(key)
        if numbered:
            slots[index] = f"tx{int(numbered[1])}"
        elif key in _TX_GROUP_KEYS:
            # A merged "ĐĐGtx" over its numbered sub-columns (1 … n) on the row below.
            two_rows = True
            column = index
            while column < len(below) and (column == index or not keys[column]):
                tx = _tx_number(below[column])
                if tx is None:
                    if text(below[column]):
                        problems.append(CellProblem(number + 1, _column_letter(column), _(
                            "Tiêu đề cột ĐĐGtx phải là số thứ tự 1, 2, 3…")))
                    break
                slots[column] = f"tx{tx}"
                column += 1
        else:
            slot = next((s for s, aliases in _SLOT_KEYS.items() if key in aliases), None)
            if slot is not None:
                slots[index] = slot
    first_column: dict[str, int] = {}
    for index, slot in sorted(slots.items()):
        if slot in first_column:
            problems.append(CellProblem(number, _column_letter(index), _(
                "Cột %(label)s có hai lần (cột %(first)s và cột %(this)s).",
                label=slot_label(slot), first=_column_letter(first_column[slot]),
                this=_column_letter(index))))
        else:
            first_column[slot] = index
    return _Layout(number, number + (2 if two_rows else 1), code, national_id, slots)


def _raw(values: list, index: int | None):
    return values[index] if index is not None and index < len(values) else None


def _blank(value) -> bool:
    return text(value) == ""


def read_sheet_file(stream: BinaryIO, view: SheetView) -> ImportPreview:
    """Read an uploaded sheet (XLSX or CSV) against `view`: what would change, and every
    problem. Only reads the database. Raises `ImportFileError` when the file as a whole is
    unusable (not a spreadsheet, no header, no Mã học sinh column, no rule for the subject)."""
    if view.rule is None:
        raise ImportFileError(missing_rule_message(view.subject, view.school_class))
    rows_iter = iter_rows(stream)
    try:
        rows = list(rows_iter)
    finally:
        rows_iter.close()
    preview = ImportPreview(view)
    problems = preview.problems
    layout = _find_layout(rows, problems)
    if layout.code is None and layout.national_id is None:
        raise ImportFileError(_("Thiếu cột \"Mã học sinh\" hoặc \"Mã định danh\"."))
    data = [(n, v) for n, v in rows if n >= layout.first_data_row and not all(map(_blank, v))]
    codes = {text(_raw(v, layout.code)).upper() for _n, v in data} - {""}
    national_ids = {text(_raw(v, layout.national_id)) for _n, v in data} - {""}
    by_code, by_national_id = _students_by_code(codes, national_ids)
    in_class = {student.id for student in view.students}
    seen_rows: dict[int, int] = {}
    for number, values in data:
        names_someone = not (_blank(_raw(values, layout.code))
                             and _blank(_raw(values, layout.national_id)))
        if not names_someone and not _has_scores(values, layout):
            continue  # a note or a signature line under the table
        preview.rows += 1
        student = _match_student(number, values, layout, by_code, by_national_id, problems)
        if student is not None and student.id not in in_class:
            problems.append(CellProblem(number, _student_column(layout), _(
                "Học sinh %(name)s không thuộc lớp %(class_name)s.", name=student.full_name,
                class_name=view.school_class.name)))
            student = None
        elif student is not None and student.id in seen_rows:
            problems.append(CellProblem(number, _student_column(layout), _(
                "Học sinh %(name)s đã có ở dòng %(row)s.", name=student.full_name,
                row=seen_rows[student.id])))
            student = None
        elif student is not None:
            seen_rows[student.id] = number
        # Cells are checked even when the row's student is not: every bad cell is reported.
        for index, slot in sorted(layout.slots.items()):
            _read_cell(preview, number, index, slot, values, student)
    problems.sort(key=lambda p: (p.row, len(p.column), p.column))
    if not preview.ok:
        preview.changes.clear()
    return preview


def _has_scores(values: list, layout: _Layout) -> bool:
    return any(not _blank(_raw(values, index)) for index in layout.slots)


def _student_column(layout: _Layout) -> str:
    return _column_letter(layout.code if layout.code is not None else layout.national_id)


def _students_by_code(codes: set[str], national_ids: set[str]):
    """Accounts named by the file, in one query: by Mã học sinh (upper-cased) and Mã định danh."""
    conditions = []
    if codes:
        conditions.append(User.external_code.in_(sorted(codes)))
    if national_ids:
        conditions.append(User.national_id.in_(sorted(national_ids)))
    if not conditions:
        return {}, {}
    found = list(db.session.scalars(select(User).where(or_(*conditions))))
    by_code = {u.external_code.upper(): u for u in found if u.external_code}
    by_national_id = {u.national_id: u for u in found if u.national_id}
    return by_code, by_national_id


def _match_student(number: int, values: list, layout: _Layout, by_code, by_national_id,
                   problems: list[CellProblem]) -> User | None:
    """The student a row names by Mã học sinh, else by Mã định danh; a problem when neither
    names a known student or when the two disagree."""
    code = text(_raw(values, layout.code)).upper()
    raw_id = _raw(values, layout.national_id)
    national_id = None
    id_problem = None
    try:
        national_id = normalize_national_id(raw_id)
    except BadValue as error:
        id_problem = CellProblem(number, _column_letter(layout.national_id), str(error))
    if code:
        student = by_code.get(code)
        if student is None:
            problems.append(CellProblem(number, _column_letter(layout.code), _(
                "Không có học sinh nào có mã học sinh %(code)s.", code=code)))
            return None
        if national_id and student.national_id and student.national_id != national_id:
            problems.append(CellProblem(number, _column_letter(layout.national_id), _(
                "Mã định danh %(value)s không phải của học sinh %(name)s (mã %(code)s).",
                value=national_id, name=student.full_name, code=code)))
            return None
        return student
    if id_problem is not None:
        problems.append(id_problem)
        return None
    if national_id:
        student = by_national_id.get(national_id)
        if student is None:
            problems.append(CellProblem(number, _column_letter(layout.national_id), _(
                "Không có học sinh nào có mã định danh %(value)s.", value=national_id)))
        return student
    if _has_scores(values, layout):
        problems.append(CellProblem(number, _student_column(layout), _(
            "Thiếu mã học sinh (hoặc mã định danh): không biết điểm của ai.")))
    return None


def _read_cell(preview: ImportPreview, number: int, index: int, slot: str, values: list,
               student: User | None) -> None:
    raw = _raw(values, index)
    if _blank(raw):
        return  # an empty cell clears nothing
    view = preview.view
    column = _column_letter(index)
    if slot not in view.slots:
        tx_total = sum(1 for s in view.slots if s.startswith("tx"))
        preview.problems.append(CellProblem(number, column, _(
            "Môn %(subject)s chỉ có %(n)s cột ĐĐGtx: không có cột %(label)s.",
            subject=view.subject.name, n=tx_total, label=slot_label(slot))))
        return
    try:
        value = parse_cell(raw if isinstance(raw, int | float) else text(raw), view.comment_only)
    except ScoreError as error:
        preview.problems.append(CellProblem(number, column, str(error)))
        return
    if student is None or value is None:
        return
    old = format_cell(view.value(student.id, slot))
    new = format_cell(value)
    if old == new:
        return
    if view.locked:
        preview.problems.append(CellProblem(number, column, _(
            "Học kỳ %(semester)s đã khóa sổ: không sửa được điểm %(label)s của %(name)s.",
            semester=ROMAN[view.semester.number], label=slot_label(slot),
            name=student.full_name)))
        return
    preview.changes.append(PlannedChange(student, slot, old, new, value,
                                         view.version(student.id, slot)))


def apply_preview(preview: ImportPreview, actor) -> list:
    """Write a clean preview through `save_cells` (all or nothing, audited, source "imported");
    returns its `Change` rows. Raises what `save_cells` raises; the caller commits."""
    if not preview.ok:
        raise ValueError("a preview with problems cannot be applied")
    changes = [CellChange(c.student.id, c.slot, c.value, c.expected_version)
               for c in preview.changes]
    if not changes:
        return []
    return save_cells(preview.view.sheet, changes, actor, source="imported")
