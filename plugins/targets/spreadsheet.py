"""Writing the plugin's XLSX files (catalog, monthly report): one table per sheet, streamed.

openpyxl's write-only mode keeps memory flat for a catalog of tens of thousands of rows.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


@dataclass
class Table:
    """A sheet: a few lines of heading, a bold header row, the rows, then a few closing lines."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    heading: list[Sequence] = field(default_factory=list)
    closing: list[Sequence] = field(default_factory=list)
    #: 0-based columns whose values are URLs, written as hyperlink cells
    link_columns: frozenset[int] = frozenset()
    #: column widths in characters
    widths: Sequence[int] = ()


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, tables)
    return buffer.getvalue()


def write_xlsx(out, tables: Sequence[Table]) -> None:
    """Write `tables` as sheets of one workbook to `out` (a path or a binary file)."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    link_font = Font(color="0563C1", underline="single")
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])  # Excel's limit on sheet names
        for number, width in enumerate(table.widths, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = width
        for line in table.heading:
            sheet.append(_bold_row(sheet, line, bold))
        sheet.append(_bold_row(sheet, table.header, bold))
        for row in table.rows:
            cells = list(row)
            for column in table.link_columns:
                if column < len(cells) and cells[column]:
                    cell = WriteOnlyCell(sheet, value=cells[column])
                    cell.hyperlink = cells[column]
                    cell.font = link_font
                    cells[column] = cell
            sheet.append(cells)
        for line in table.closing:
            sheet.append(list(line))
    workbook.save(out)


def _bold_row(sheet, values: Sequence, font: Font) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = font
        cells.append(cell)
    return cells
