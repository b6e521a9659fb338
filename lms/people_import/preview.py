"""Reading a whole file into an `ImportPlan`: the preview, and the first step of every import."""
from __future__ import annotations

from typing import BinaryIO

from flask_babel import gettext as _

from .columns import STUDENTS, TEACHERS, check_columns, detect_kind, find_header
from .planning import ImportPlan, current_year, plan_students, plan_teachers
from .reading import ImportFileError, iter_rows
from .validation import RowKeys, RowProblem, RowReader, read_student, read_teacher


def build_plan(stream: BinaryIO, kind: str | None = None) -> ImportPlan:
    """Read, check and plan an import. Raises `ImportFileError` when the file as a whole is unusable;
    bad rows end up in `plan.problems` (then nothing may be written).
    """
    year = current_year()
    if year is None:
        raise ImportFileError(_("Chưa có năm học hiện tại: hãy tạo năm học trước khi nhập danh sách."))
    rows = iter_rows(stream)
    try:
        _header_row, columns = find_header(rows)
        kind = kind or detect_kind(columns)
        if kind is None:
            raise ImportFileError(_("Không nhận ra đây là danh sách học sinh hay giáo viên: hãy "
                                    "chọn loại danh sách."))
        check_columns(kind, columns)
        read = read_student if kind == STUDENTS else read_teacher
        records, problems, keys = [], [], []
        for number, values in rows:
            reader = RowReader(number, values, columns)
            if reader.is_blank():
                continue
            keys.append(RowKeys.of(reader))
            record = read(reader)
            if record is None:
                problems.append(RowProblem(number, reader.reasons))
            else:
                records.append(record)
    finally:
        rows.close()
    if not records and not problems:
        raise ImportFileError(_("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."))
    plan = ImportPlan(kind=kind, school_year_id=year.id, problems=problems,
                      rows=len(records) + len(problems))
    if kind == TEACHERS:
        return plan_teachers(records, keys, plan, has_position_column="position" in columns)
    return plan_students(records, keys, plan)
