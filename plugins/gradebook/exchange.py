"""Score sheets for the school management systems (VnEdu, SMAS): the exporter interface, its
registry on the app, and the XLSX shaped like the sheets those systems import.

The layout (title rows, then a two-row header STT | Mã học sinh | Mã định danh | Họ và tên |
Ngày sinh | ĐĐGtx 1…n | ĐĐGgk | ĐĐGck | ĐTBmhk) is described once here; `exchange_import` reads
the same layout back. An automatic connection to a management system is another
`GradebookExporter` registered beside the XLSX one.
"""
from __future__ import annotations

import io
import re
import unicodedata
from abc import ABC, abstractmethod
from typing import ClassVar, NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l

from lms.models import School
from lms.scores import format_score
from lms.vietnamese import fold

from .sheets import FAILED_TEXT, PASSED_TEXT, entry_value

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROMAN = {1: "I", 2: "II"}

#: Header cells of the fixed columns, left to right, before the ĐĐGtx group
LEAD_HEADERS = ("STT", "Mã học sinh", "Mã định danh", "Họ và tên", "Ngày sinh")
TX_HEADER = "ĐĐGtx"
#: Header cells after the ĐĐGtx group, with the slot each one holds (None: computed)
TAIL_HEADERS = (("ĐĐGgk", "gk"), ("ĐĐGck", "ck"), ("ĐTBmhk", None))
COLUMN_WIDTHS = {"STT": 5, "Mã học sinh": 16, "Mã định danh": 15, "Họ và tên": 28,
                 "Ngày sinh": 11}
SCORE_WIDTH = 7


class ExportResult(NamedTuple):
    filename: str
    content_type: str
    data: bytes


class GradebookExporter(ABC):
    """One way of handing a sheet to a management system: a file to download today, an
    automatic connection later. `export` gets a `sheets.SheetView`."""

    #: stable id, used in URLs and settings
    id: ClassVar[str]
    #: Vietnamese name shown to teachers
    name: ClassVar

    @abstractmethod
    def export(self, sheet_view) -> ExportResult:
        """The sheet as the management system takes it."""


def value_text(value, decimal_comma: bool) -> str:
    """A score (Decimal), Đạt/Chưa đạt (bool) or nothing, as the sheet writes it: "8,5" (or
    "8.5" without the decimal comma), "Đ", "CĐ", ""."""
    if value is True:
        return PASSED_TEXT
    if value is False:
        return FAILED_TEXT
    return format_score(value, decimal_comma)


def school_title(name: str | None) -> str:
    """'THCS Nguyễn Du' → 'TRƯỜNG THCS NGUYỄN DU'; a name already saying Trường keeps it once."""
    name = (name or "").strip()
    if fold(name).startswith("truong "):
        return name.upper()
    return f"TRƯỜNG {name}".upper().strip()


def export_filename(sheet_view) -> str:
    """bang-diem-6A1-TOAN-HK1-2025-2026.xlsx (ASCII: every browser and mail client keeps it)."""
    parts = [sheet_view.school_class.name, sheet_view.subject.code,
             f"HK{sheet_view.semester.number}", sheet_view.semester.school_year.name]
    safe = "-".join(re.sub(r"[^A-Za-z0-9]+", "-", _ascii(part)).strip("-") for part in parts)
    return f"bang-diem-{safe}.xlsx"


def _ascii(text: str) -> str:
    """Diacritics off, case kept: 'Toán' → 'Toan'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class VnEduSmasXlsxExporter(GradebookExporter):
    """The XLSX sheet VnEdu and SMAS import ("Nhập điểm từ Excel")."""

    id = "vnedu_smas_xlsx"
    name = _l("Bảng điểm Excel cho VnEdu/SMAS")

    def __init__(self, department_of_education: str, decimal_comma: bool):
        self.department_of_education = department_of_education
        self.decimal_comma = decimal_comma

    def export(self, sheet_view) -> ExportResult:
        workbook = build_workbook(sheet_view, self.department_of_education, self.decimal_comma)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return ExportResult(export_filename(sheet_view), XLSX_CONTENT_TYPE, buffer.getvalue())


def build_workbook(view, department_of_education: str, decimal_comma: bool):
    """The openpyxl workbook of one sheet (normal mode: write-only cannot merge cells)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    tx_slots = [slot for slot in view.slots if slot.startswith("tx")]
    headers = [*LEAD_HEADERS, *([TX_HEADER] * len(tx_slots)), *(h for h, _s in TAIL_HEADERS)]
    width = len(headers)
    tx_first = len(LEAD_HEADERS) + 1  # 1-based column of ĐĐGtx 1

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{view.school_class.name} - {view.subject.code}"[:31]
    bold, centered = Font(bold=True), Alignment(horizontal="center", vertical="center",
                                                wrap_text=True)
    semester = ROMAN[view.semester.number]
    titles = [department_of_education.upper(), school_title(_school_name()),
              f"BẢNG ĐIỂM HỌC KỲ {semester}", f"Năm học: {view.semester.school_year.name}",
              f"Lớp: {view.school_class.name}", f"Môn: {view.subject.name}"]
    for row, title in enumerate(titles, start=1):
        cell = sheet.cell(row=row, column=1, value=title)
        cell.font, cell.alignment = bold, Alignment(horizontal="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    top = len(titles) + 2  # one empty row, then the two header rows
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    for column in range(1, width + 1):
        for row in (top, top + 1):
            cell = sheet.cell(row=row, column=column)
            cell.font, cell.alignment, cell.border = bold, centered, border
    for column, header in enumerate(headers, start=1):
        if header == TX_HEADER:
            sheet.cell(row=top + 1, column=column, value=column - tx_first + 1)
        else:
            sheet.cell(row=top, column=column, value=header)
            sheet.merge_cells(start_row=top, start_column=column, end_row=top + 1,
                              end_column=column)
    if tx_slots:
        sheet.cell(row=top, column=tx_first, value=TX_HEADER)
        sheet.merge_cells(start_row=top, start_column=tx_first, end_row=top,
                          end_column=tx_first + len(tx_slots) - 1)

    slots_in_order = [*tx_slots, "gk", "ck"]
    for number, student in enumerate(view.students, start=1):
        birth = student.birth_date.strftime("%d/%m/%Y") if student.birth_date else ""
        scores = [value_text(entry_value(view.entries.get((student.id, slot))), decimal_comma)
                  for slot in slots_in_order]
        average = value_text(view.averages.get(student.id), decimal_comma)
        values = [number, student.external_code or "", student.national_id or "",
                  student.full_name, birth, *scores, average]
        row = top + 1 + number
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border = border
            if column != 1:
                # Text, never a number: codes keep their leading zeros, dates and scores stay
                # exactly as written ("8,5"), whatever the locale of the Excel opening them.
                cell.number_format = "@"
            if column > len(LEAD_HEADERS) or column == 1:
                cell.alignment = Alignment(horizontal="center")

    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = COLUMN_WIDTHS.get(
            header, SCORE_WIDTH)
    sheet.freeze_panes = sheet.cell(row=top + 2, column=1)
    return workbook


def _school_name() -> str | None:
    school = School.current()
    return school.name if school is not None else None


# The registry ------------------------------------------------------------------------------------
_EXTENSION = "gradebook_exporters"


def install_exporters(app, settings: dict) -> None:
    """Start the app's registry with the VnEdu/SMAS XLSX exporter (the plugin's `init`)."""
    app.extensions[_EXTENSION] = {}
    register_exporter(app, VnEduSmasXlsxExporter(settings["department_of_education"],
                                                 settings["decimal_comma"]))


def exporters(app=None) -> dict[str, GradebookExporter]:
    """id → exporter, kept on the app (two apps in one process never share it)."""
    return (app or current_app).extensions[_EXTENSION]


def register_exporter(app, exporter: GradebookExporter) -> None:
    registry = app.extensions[_EXTENSION]
    if exporter.id in registry:
        raise ValueError(f"gradebook exporter {exporter.id!r} is already registered")
    registry[exporter.id] = exporter


def decimal_comma(app=None) -> bool:
    """The plugin setting: scores written 8,5 (True, the default) or 8.5."""
    return exporters(app)[VnEduSmasXlsxExporter.id].decimal_comma
