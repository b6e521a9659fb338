"""Which column holds what: header names as VnEdu, SMAS and hand-made lists write them.

Headers are compared folded (no diacritics, no case, no spaces or punctuation), so "Họ và tên",
"HO VA TEN" and "Họ  tên" all land on `full_name`.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..vietnamese import fold
from .reading import ImportFileError, Row

STUDENTS = "students"
TEACHERS = "teachers"
KINDS = (STUDENTS, TEACHERS)
KIND_LABELS = {STUDENTS: _l("Danh sách học sinh"), TEACHERS: _l("Danh sách giáo viên")}

#: Rows scanned for the header: exports put a school name and a title above it.
HEADER_SEARCH_ROWS = 30

#: field -> folded header spellings
ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("hovaten", "hoten", "hovatenhocsinh", "hotenhocsinh", "hovatengiaovien",
                  "hotengiaovien", "hotencanbo", "hovatencanbo"),
    "birth_date": ("ngaysinh", "ngaythangnamsinh", "sinhngay"),
    "class_name": ("lop", "tenlop", "lophoc"),
    "grade": ("khoi", "khoilop"),
    "student_code": ("mahocsinh", "mahs", "mahocsinhmoet"),
    #: Mã định danh (12 digits, the ministry's personal ID; a citizen's CCCD number)
    "national_id": ("madinhdanh", "madinhdanhhocsinh", "madinhdanhcanhan", "madinhdanhbgd",
                    "socccd", "cccd"),
    "teacher_code": ("magiaovien", "magv", "macanbo", "macb", "macanbogiaovien"),
    "gender": ("gioitinh",),
    "department": ("to", "tochuyenmon", "tobomon", "tocm", "tobm"),
    "position": ("chucvu",),
    "email": ("email", "thudientu", "emailhocsinh", "emailgiaovien"),
    "phone": ("sodienthoai", "sdt", "dienthoai", "didong", "dtdd"),
    "parent_name": ("hotenphuhuynh", "hovatenphuhuynh", "hotenchame", "hovatenchame",
                    "hotenbome", "phuhuynh", "tenphuhuynh"),
    "parent_contact": ("emailsdtphuhuynh", "sdtemailphuhuynh", "lienhephuhuynh",
                       "emailhoacsdtphuhuynh", "sdthoacemailphuhuynh"),
    "parent_phone": ("sdtphuhuynh", "sodienthoaiphuhuynh", "dienthoaiphuhuynh", "sdtchame",
                     "sodienthoaichame"),
    "parent_email": ("emailphuhuynh", "emailchame"),
    "relationship": ("quanhe", "moiquanhe", "quanhevoihocsinh"),
    "homeroom": ("gvcn", "lopchunhiem", "chunhiemlop", "chunhiem"),
}
_FIELD_BY_HEADER = {alias: field for field, aliases in ALIASES.items() for alias in aliases}

#: What each kind of file cannot do without, and the Vietnamese header to ask for.
REQUIRED = {
    STUDENTS: {"full_name": _l("Họ và tên"), "class_name": _l("Lớp"),
               "student_code": _l("Mã học sinh")},
    TEACHERS: {"full_name": _l("Họ và tên")},
}
#: Headers of the example files offered for download ("Tải file mẫu").
EXAMPLE_HEADERS = {
    STUDENTS: ["STT", "Mã học sinh", "Mã định danh", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp", "Khối",
               "Họ tên phụ huynh", "SĐT phụ huynh", "Email phụ huynh"],
    TEACHERS: ["STT", "Mã giáo viên", "Họ và tên", "Ngày sinh", "Giới tính", "Tổ chuyên môn",
               "Chức vụ", "Email", "Số điện thoại", "GVCN"],
}


def header_key(value) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(str(value))) if value is not None else ""


def map_header(values: list) -> dict[str, int]:
    """field -> column index for the headers we know; the first of duplicates wins."""
    columns: dict[str, int] = {}
    for index, value in enumerate(values):
        field = _FIELD_BY_HEADER.get(header_key(value))
        if field and field not in columns:
            columns[field] = index
    return columns


def find_header(rows: Iterator[Row]) -> tuple[int, dict[str, int]]:
    """Consume rows up to the header and return (its row number, the column map)."""
    seen_any = False
    for number, values in rows:
        if any(v not in (None, "") for v in values):
            seen_any = True
        columns = map_header(values)
        if "full_name" in columns and len(columns) >= 2:
            return number, columns
        if number >= HEADER_SEARCH_ROWS:
            break
    if not seen_any:
        raise ImportFileError(_("Tệp trống, không có dữ liệu."))
    raise ImportFileError(
        _("Không tìm thấy dòng tiêu đề: cần một dòng có cột \"Họ và tên\" cùng các cột như "
          "\"Lớp\", \"Mã học sinh\" hoặc \"Tổ chuyên môn\" trong %(n)s dòng đầu.",
          n=HEADER_SEARCH_ROWS))


def detect_kind(columns: dict[str, int]) -> str | None:
    """Students or teachers from the headers; None when the headers do not say."""
    if "student_code" in columns or "parent_name" in columns or "parent_contact" in columns:
        return STUDENTS
    if {"teacher_code", "department", "position", "homeroom"} & columns.keys():
        return TEACHERS
    if "class_name" in columns:
        return STUDENTS
    return None


def check_columns(kind: str, columns: dict[str, int]) -> None:
    missing = [str(label) for field, label in REQUIRED[kind].items() if field not in columns]
    if missing:
        raise ImportFileError(_("Thiếu cột: %(columns)s.", columns=", ".join(missing)))
    if kind == TEACHERS and not {"teacher_code", "email"} & columns.keys():
        raise ImportFileError(
            _("Danh sách giáo viên cần cột \"Mã giáo viên\" hoặc \"Email\" để nhận ra từng "
              "người khi nhập lại."))
