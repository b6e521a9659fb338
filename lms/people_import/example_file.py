"""The example file behind "Tải file mẫu": the headers we expect and two sample rows."""
from __future__ import annotations

import io

from .columns import EXAMPLE_HEADERS, STUDENTS

_SAMPLE_ROWS = {
    STUDENTS: [
        # Mã định danh as text: a number cell would drop its leading zero (001… is Hà Nội).
        [1, "HS0001", "079214000101", "Nguyễn Văn An", "05/09/2014", "Nam", "6A1", "6", "Nguyễn Văn Bình",
         "0912345678", ""],
        [2, "HS0002", "079313000102", "Nguyễn Thị Bích", "12/03/2013", "Nữ", "7A2", "7", "Nguyễn Văn Bình",
         "0912345678", ""],
    ],
    "teachers": [
        [1, "GV001", "Trần Thị Mai", "20/11/1985", "Nữ", "TOAN", "Tổ trưởng",
         "mai.tt@truong.edu.vn", "0987654321", "6A1"],
        [2, "GV002", "Lê Văn Hùng", "02/02/1990", "Nam", "Tổ Ngữ văn", "Giáo viên",
         "hung.lv@truong.edu.vn", "0977123456", ""],
    ],
}


def example_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    sheet.append(EXAMPLE_HEADERS[kind])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _SAMPLE_ROWS[kind]:
        sheet.append(row)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
