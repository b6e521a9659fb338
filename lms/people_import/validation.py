"""Turning one spreadsheet row into a checked record, or into reasons why it is bad.

Every check here needs only the file; checks against the database live in `planning`.
Reasons are Vietnamese sentences shown to the administrator next to the row number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from ..vietnamese import fold, nfc

CLASS_NAME = re.compile(r"^(\d{1,2})[A-Z][A-Z0-9]{0,5}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"),)
NATIONAL_ID = re.compile(r"^\d{12}$")

#: folded "Chức vụ" -> position; "member" is an ordinary teacher
POSITIONS = {
    "": "member", "giaovien": "member", "gv": "member", "giaovienbomon": "member",
    "gvbm": "member", "totruong": "head", "totruongchuyenmon": "head", "topho": "deputy",
    "tophochuyenmon": "deputy", "hieutruong": "principal", "phohieutruong": "vice_principal",
}


class BadValue(ValueError):
    """A cell that cannot be used; the message is the Vietnamese reason."""


@dataclass
class RowProblem:
    row: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class ParentInfo:
    name: str | None
    phone: str | None
    email: str | None
    relationship: str | None


@dataclass
class StudentRecord:
    row: int
    full_name: str
    code: str
    class_name: str
    grade: int
    birth_date: date | None
    email: str | None
    phone: str | None
    parent: ParentInfo | None
    national_id: str | None = None


@dataclass
class TeacherRecord:
    row: int
    full_name: str
    code: str | None
    email: str | None
    phone: str | None
    birth_date: date | None
    department: str | None  #: as written: a code (TOAN) or a name (Tổ Toán – Tin)
    position: str | None  #: None when the file has no "Chức vụ" column
    homeroom: str | None
    homeroom_grade: int | None
    national_id: str | None = None


def text(value) -> str:
    """A cell as clean text: numbers without '.0', whitespace collapsed, NFC."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(nfc(str(value)).split())


def parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, (int, float)) and 1 <= value < 100000:
        day = _EXCEL_EPOCH + timedelta(days=int(value))  # a date cell formatted as a number
    else:
        raw = text(value)
        match = next((m for p in _DATE_PATTERNS if (m := p.match(raw))), None)
        if not match:
            raise BadValue(_("Ngày sinh \"%(value)s\" không đúng dạng dd/mm/yyyy.", value=raw))
        try:
            day = date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError as exc:
            raise BadValue(_("Ngày sinh \"%(value)s\" không có thật.", value=raw)) from exc
    if not (1900 <= day.year and day <= date.today()):
        raise BadValue(_("Ngày sinh %(value)s không hợp lệ.", value=day.strftime("%d/%m/%Y")))
    return day


def normalize_phone(value) -> str | None:
    """Vietnamese numbers as 0xxxxxxxxx; Excel often drops the leading 0 of a number cell."""
    raw = text(value)
    if not raw:
        return None
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif digits.isdigit() and len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits
    if not re.fullmatch(r"0\d{9,10}", digits):
        raise BadValue(_("Số điện thoại \"%(value)s\" không hợp lệ.", value=raw))
    return digits


def normalize_national_id(value) -> str | None:
    """Mã định danh: exactly 12 digits, kept as text (it starts with a province code like 079)."""
    if isinstance(value, bool):
        raise BadValue(_("Mã định danh phải gồm đúng 12 chữ số."))
    if isinstance(value, int | float) and float(value).is_integer():
        # Excel turns a typed 079212001001 into the number 79212001001. Ids start with a
        # province code 001–096, so a number cell lost at most two zeros: give them back.
        digits = str(int(value))
        value = digits.zfill(12) if len(digits) in (10, 11) else digits
    raw = text(value)
    if not raw:
        return None
    digits = re.sub(r"[\s.\-]", "", raw)
    if not NATIONAL_ID.match(digits):
        raise BadValue(_("Mã định danh \"%(value)s\" phải gồm đúng 12 chữ số.", value=raw))
    return digits


def normalize_email(value) -> str | None:
    raw = text(value)
    if not raw:
        return None
    if not EMAIL.match(raw):
        raise BadValue(_("Email \"%(value)s\" không hợp lệ.", value=raw))
    return raw.lower()


def normalize_class_name(value) -> tuple[str, int]:
    raw = text(value)
    name = raw.replace(" ", "").upper()
    match = CLASS_NAME.match(name)
    if not raw:
        raise BadValue(_("Thiếu tên lớp."))
    if not match or not 1 <= int(match[1]) <= 12:
        raise BadValue(_("Tên lớp \"%(value)s\" không đúng dạng như 6A1, 10C3.", value=raw))
    return name, int(match[1])


def split_contact(value) -> tuple[str | None, str | None]:
    """'0912 345 678 / me@x.vn' -> (phone, email); either part may be absent."""
    raw = text(value)
    phone = email = None
    for piece in re.split(r"[/;,|]|\s-\s", raw):
        piece = piece.strip()
        if not piece:
            continue
        if "@" in piece:
            email = normalize_email(piece)
        else:
            phone = normalize_phone(piece)
    return phone, email


class RowReader:
    """Reads named fields of one row, collecting a reason for every bad cell."""

    def __init__(self, number: int, values: list, columns: dict[str, int]):
        self.number = number
        self.values = values
        self.columns = columns
        self.reasons: list[str] = []

    def has(self, name: str) -> bool:
        return name in self.columns

    def raw(self, name: str):
        index = self.columns.get(name)
        if index is None or index >= len(self.values):
            return None
        return self.values[index]

    def get(self, name: str, parse=text):
        try:
            return parse(self.raw(name))
        except BadValue as exc:
            self.reasons.append(str(exc))
            return None

    def is_blank(self) -> bool:
        return all(text(v) == "" for v in self.values)


def read_student(reader: RowReader) -> StudentRecord | None:
    full_name = reader.get("full_name")
    if not full_name:
        reader.reasons.append(_("Thiếu họ và tên."))
    code = reader.get("student_code")
    if not code:
        reader.reasons.append(_("Thiếu mã học sinh."))
    elif len(code) > 40:
        reader.reasons.append(_("Mã học sinh dài quá 40 ký tự."))
    class_info = reader.get("class_name", normalize_class_name)
    grade_text = reader.get("grade")
    if class_info and grade_text:
        grade_digits = re.sub(r"\D", "", grade_text)
        if not grade_digits or int(grade_digits) != class_info[1]:
            reader.reasons.append(_("Khối \"%(grade)s\" không khớp với lớp %(name)s.",
                                    grade=grade_text, name=class_info[0]))
    birth_date = reader.get("birth_date", parse_date)
    email = reader.get("email", normalize_email)
    phone = reader.get("phone", normalize_phone)
    national_id = reader.get("national_id", normalize_national_id)
    parent = _read_parent(reader)
    if reader.reasons:
        return None
    return StudentRecord(reader.number, full_name, code, class_info[0], class_info[1], birth_date,
                         email, phone, parent, national_id=national_id)


def _read_parent(reader: RowReader) -> ParentInfo | None:
    phone, email = reader.get("parent_contact", split_contact) or (None, None)
    phone = reader.get("parent_phone", normalize_phone) or phone
    email = reader.get("parent_email", normalize_email) or email
    name = reader.get("parent_name") or None
    if not (phone or email):
        return None
    return ParentInfo(name, phone, email, reader.get("relationship") or None)


def read_teacher(reader: RowReader) -> TeacherRecord | None:
    full_name = reader.get("full_name")
    if not full_name:
        reader.reasons.append(_("Thiếu họ và tên."))
    code = reader.get("teacher_code") or None
    email = reader.get("email", normalize_email)
    if not (code or email):
        reader.reasons.append(_("Cần mã giáo viên hoặc email."))
    phone = reader.get("phone", normalize_phone)
    birth_date = reader.get("birth_date", parse_date)
    national_id = reader.get("national_id", normalize_national_id)
    department = reader.get("department") or None
    position = None
    if reader.has("position"):
        written = reader.get("position")
        position = POSITIONS.get(re.sub(r"[^a-z]", "", fold(written)))
        if position is None:
            reader.reasons.append(_("Chức vụ \"%(value)s\" không hợp lệ (Giáo viên, Tổ trưởng, "
                                    "Tổ phó, Hiệu trưởng, Phó hiệu trưởng).", value=written))
        elif position in ("head", "deputy") and not department:
            reader.reasons.append(_("Tổ trưởng, tổ phó cần có tổ chuyên môn."))
    homeroom = homeroom_grade = None
    if text(reader.raw("homeroom")):
        homeroom, homeroom_grade = reader.get("homeroom", normalize_class_name) or (None, None)
    if reader.reasons:
        return None
    return TeacherRecord(reader.number, full_name, code, email, phone, birth_date, department,
                         position, homeroom, homeroom_grade, national_id=national_id)


@dataclass
class RowKeys:
    """What identifies a row, taken even from bad rows so every duplicate gets reported."""

    row: int
    student_code: str
    teacher_code: str
    email: str
    homeroom: str
    #: as written, digits only, so "079 212 001 001" and "079212001001" are one duplicate
    national_id: str = ""

    @classmethod
    def of(cls, reader: RowReader) -> RowKeys:
        def cell(name):
            return text(reader.raw(name))

        try:
            national_id = normalize_national_id(reader.raw("national_id")) or ""
        except BadValue:
            national_id = ""  # the row's own check reports it; it cannot duplicate anything
        return cls(reader.number, cell("student_code").upper(), cell("teacher_code").upper(),
                   cell("email").lower(), cell("homeroom").replace(" ", "").upper(), national_id)


def find_duplicates(keys: list[RowKeys], attribute: str, message) -> list[RowProblem]:
    """A problem for each row whose `attribute` already appeared on an earlier row."""
    first_row: dict = {}
    problems = []
    for row_keys in keys:
        value = getattr(row_keys, attribute)
        if not value:
            continue
        if value in first_row:
            problems.append(RowProblem(row_keys.row, [message(value, first_row[value])]))
        else:
            first_row[value] = row_keys.row
    return problems
