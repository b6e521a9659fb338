"""Spreadsheets built in the tests, shaped like VnEdu/SMAS exports (nothing binary is committed)."""
from __future__ import annotations

import csv
import io
import unicodedata
from datetime import datetime

from openpyxl import Workbook

TITLE_ROWS = [["SỞ GIÁO DỤC VÀ ĐÀO TẠO TP. HỒ CHÍ MINH"], ["TRƯỜNG THCS NGUYỄN DU"], [],
              ["DANH SÁCH HỌC SINH NĂM HỌC 2025-2026"], []]

STUDENT_HEADER = ["STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp", "Khối",
                  "Họ tên cha/mẹ", "Email/SĐT phụ huynh"]

#: Two siblings share one parent (same phone); 10A1 is a class the demo school lacks.
STUDENTS = [
    [1, "7901000001", "Nguyễn Minh Anh", datetime(2014, 9, 5), "Nữ", "6A1", "6",
     "Nguyễn Văn Hải", "0912 345 678"],
    [2, "7901000002", "Nguyễn Minh Quân", "17/02/2012", "Nam", "8A1", "8", "Nguyễn Văn Hải",
     "0912345678"],
    [3, "7901000003", "Trần Thị Ngọc Ánh", "01/12/2013", "Nữ", "7a1", "7", "Lê Thị Hoa",
     "hoa.le@example.vn"],
    [4, "7901000004", "Phạm Gia Bảo", "03/03/2010", "Nam", "10A1", "10", "", ""],
]

TEACHER_HEADER = ["STT", "Mã giáo viên", "Họ tên", "Tổ chuyên môn", "Chức vụ", "Email", "SĐT",
                  "GVCN"]
TEACHERS = [
    [1, "GV9001", "Hồ Thị Thu", "Tổ Toán – Tin", "Giáo viên", "thu.ht@example.vn",
     "0987000001", "9A1"],
    [2, "GV9002", "Lương Văn Kiên", "VAN", "Tổ phó", "kien.lv@example.vn", "0987000002", ""],
    [3, "GV9003", "Mạc Thị Hạnh", "ngoại ngữ", "giáo viên", "hanh.mt@example.vn", "", ""],
]


def xlsx(rows, title_rows=TITLE_ROWS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [*title_rows, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8-sig", delimiter=",") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    for row in rows:
        writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, datetime) else v for v in row])
    return text.getvalue().encode(encoding)


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258_char(char: str) -> str:
    # cp1258 has â, ơ, ư... precomposed but writes the five tone marks as combining characters.
    decomposed = unicodedata.normalize("NFD", char)
    tones = "".join(c for c in decomposed if c in _TONES)
    letter = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return letter + tones


def cp1258(rows, delimiter=";") -> bytes:
    """Windows-1258 as Excel writes it, with the delimiter Excel uses in Vietnamese locales."""
    text = csv_bytes(rows, encoding="utf-8", delimiter=delimiter).decode("utf-8")
    return "".join(_cp1258_char(c) for c in text).encode("cp1258")


def students_xlsx() -> bytes:
    return xlsx([STUDENT_HEADER, *STUDENTS])


def teachers_xlsx() -> bytes:
    return xlsx([TEACHER_HEADER, *TEACHERS], title_rows=[["DANH SÁCH GIÁO VIÊN"]])
