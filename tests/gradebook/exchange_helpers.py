"""Helpers of the exchange tests: scores put through `save_cells`, the exported workbook, and
sheets edited the way a teacher edits them in Excel."""
from __future__ import annotations

import io
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import load_workbook

from lms.extensions import db
from lms.models import User

#: the exported layout: six title rows, an empty row, the two header rows, then the students
HEADER_ROW = 8
FIRST_ROW = 10
#: columns of the exported sheet of a subject with four ĐĐGtx
COLUMNS = {"stt": "A", "code": "B", "national_id": "C", "name": "D", "birth": "E", "tx1": "F",
           "tx2": "G", "tx3": "H", "tx4": "I", "gk": "J", "ck": "K", "average": "L"}


def put_scores(sheet, scores: dict[tuple[str, str], object], actor_username="gv.toan"):
    """Save {(username, slot): value} into `sheet` like the grid would, and commit."""
    from plugins.gradebook.sheets import CellChange, save_cells

    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    changes = [CellChange(users[name].id, slot,
                          value if isinstance(value, bool) or value is None else Decimal(value))
               for (name, slot), value in scores.items()]
    save_cells(sheet, changes, users[actor_username], source="typed")
    db.session.commit()


def export_bytes(sheet) -> bytes:
    from plugins.gradebook.exchange import exporters
    from plugins.gradebook.sheets import load_sheet_view

    return exporters()["vnedu_smas_xlsx"].export(load_sheet_view(sheet)).data


def open_workbook(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def row_of(worksheet, username: str) -> int:
    """The row of a student in an exported sheet, by their Mã học sinh."""
    code = db.session.scalar(sa.select(User.external_code).where(User.username == username))
    for row in range(FIRST_ROW, worksheet.max_row + 1):
        if worksheet[f"B{row}"].value == code:
            return row
    raise AssertionError(f"{username} is not in the sheet")


def edited(data: bytes, edits: dict[str, object], unmerge=(), merge=()) -> bytes:
    """The workbook with cells ("F10": "9") replaced, saved again as Excel would; `unmerge`
    and `merge` change the header's merged ranges first ("H8:H9")."""
    workbook = load_workbook(io.BytesIO(data))
    for cell_range in unmerge:
        workbook.active.unmerge_cells(cell_range)
    for cell_range in merge:
        workbook.active.merge_cells(cell_range)
    for address, value in edits.items():
        workbook.active[address] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def preview_of(sheet, data: bytes):
    from plugins.gradebook.exchange_import import read_sheet_file
    from plugins.gradebook.sheets import load_sheet_view

    return read_sheet_file(io.BytesIO(data), load_sheet_view(sheet))
