"""The VnEdu/SMAS score sheet: the exported layout opened with openpyxl, the round trip back
through the import, and every import error (nothing written when anything is wrong)."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import School, SchoolYear, User
from lms.vietnamese import name_sort_key

from .conftest import count_queries, sheet_for
from .exchange_helpers import (
    COLUMNS,
    FIRST_ROW,
    HEADER_ROW,
    edited,
    export_bytes,
    open_workbook,
    preview_of,
    put_scores,
    row_of,
)

FULL_MARKS = {("hs.6a1.01", "tx1"): "8", ("hs.6a1.01", "tx2"): "7.5", ("hs.6a1.01", "tx3"): "9",
              ("hs.6a1.01", "tx4"): "10", ("hs.6a1.01", "gk"): "6.5", ("hs.6a1.01", "ck"): "8",
              ("hs.6a1.02", "tx1"): "5"}


@pytest.fixture
def toan(app, subject_rules, school):
    """Inside an app context: 6A1 Toán, semester I, with a complete row and a partial one."""
    with app.app_context():
        sheet = sheet_for("6A1", "TOAN")
        db.session.commit()
        put_scores(sheet, FULL_MARKS)
        yield sheet


def _changes_count():
    from plugins.gradebook.models import Change

    return db.session.scalar(sa.select(sa.func.count()).select_from(Change))


def _value(sheet, username, slot):
    from plugins.gradebook.models import Entry

    return db.session.scalar(sa.select(Entry.score).join(User, User.id == Entry.student_id)
                             .where(Entry.sheet_id == sheet.id, User.username == username,
                                    Entry.slot == slot))


# The export --------------------------------------------------------------------------------------
def test_title_rows(toan):
    ws = open_workbook(export_bytes(toan))
    school = School.current().name.upper()
    titles = [ws.cell(row=r, column=1).value for r in range(1, 7)]
    assert titles[0] == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
    assert titles[1].startswith("TRƯỜNG") and school in titles[1]
    year = SchoolYear.current().name
    assert titles[2:] == ["BẢNG ĐIỂM HỌC KỲ I", f"Năm học: {year}", "Lớp: 6A1", "Môn: Toán"]
    assert "A3:L3" in {str(r) for r in ws.merged_cells.ranges}


def test_two_row_header_with_merged_tx_group(toan):
    ws = open_workbook(export_bytes(toan))
    header = [ws.cell(row=HEADER_ROW, column=c).value for c in range(1, 13)]
    assert header == ["STT", "Mã học sinh", "Mã định danh", "Họ và tên", "Ngày sinh", "ĐĐGtx",
                      None, None, None, "ĐĐGgk", "ĐĐGck", "ĐTBmhk"]
    assert [ws.cell(row=HEADER_ROW + 1, column=c).value for c in range(6, 10)] == [1, 2, 3, 4]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "F8:I8" in merged  # ĐĐGtx over its four numbered sub-columns
    for column in "ABCDEJKL":  # the others span both header rows
        assert f"{column}8:{column}9" in merged
    assert ws.freeze_panes == f"A{FIRST_ROW}"
    assert ws.column_dimensions["D"].width > ws.column_dimensions["F"].width


def test_students_in_given_name_order_with_codes_and_text_cells(toan):
    ws = open_workbook(export_bytes(toan))
    students = db.session.scalars(sa.select(User).where(User.username.like("hs.6a1.%"))).all()
    expected = sorted(students, key=lambda u: (name_sort_key(u.full_name), u.id))
    rows = range(FIRST_ROW, FIRST_ROW + len(expected))
    assert [ws[f"D{r}"].value for r in rows] == [u.full_name for u in expected]
    assert [ws[f"A{r}"].value for r in rows] == list(range(1, len(expected) + 1))
    assert ws.max_row == FIRST_ROW + len(expected) - 1
    first = db.session.scalar(sa.select(User).where(User.username == "hs.6a1.01"))
    row = row_of(ws, "hs.6a1.01")
    assert ws[f"C{row}"].value == first.national_id and len(first.national_id) == 12
    assert ws[f"E{row}"].value == first.birth_date.strftime("%d/%m/%Y")
    scores = [ws[f"{COLUMNS[s]}{row}"].value for s in ("tx1", "tx2", "tx3", "tx4", "gk", "ck")]
    assert scores == ["8", "7,5", "9", "10", "6,5", "8"]
    # (8 + 7.5 + 9 + 10 + 2·6.5 + 3·8) / 9 = 71.5 / 9 = 7.94… → 7,9
    assert ws[f"L{row}"].value == "7,9"
    for column in "BCEFGHIJKL":
        cell = ws[f"{column}{row}"]
        assert cell.data_type == "s" and cell.number_format == "@"
    partial = row_of(ws, "hs.6a1.02")
    assert ws[f"F{partial}"].value == "5"
    assert ws[f"G{partial}"].value in (None, "") and ws[f"L{partial}"].value in (None, "")


@pytest.mark.app_config({"LMS_PLUGIN_SETTINGS": {"gradebook": {
    "decimal_comma": False, "department_of_education": "Sở Giáo dục và Đào tạo TP. Hồ Chí Minh"}}})
def test_decimal_point_and_department_are_settings(toan):
    ws = open_workbook(export_bytes(toan))
    assert ws["A1"].value == "SỞ GIÁO DỤC VÀ ĐÀO TẠO TP. HỒ CHÍ MINH"
    row = row_of(ws, "hs.6a1.01")
    assert ws[f"G{row}"].value == "7.5" and ws[f"L{row}"].value == "7.9"


def test_comment_only_subject_writes_d_and_cd(app, subject_rules, school):
    with app.app_context():
        sheet = sheet_for("6A1", "GDTC")
        db.session.commit()
        put_scores(sheet, {("hs.6a1.01", "tx1"): True, ("hs.6a1.01", "tx2"): False,
                           ("hs.6a1.01", "tx3"): True}, actor_username="gv.khtn")
        ws = open_workbook(export_bytes(sheet))
        header = [ws.cell(row=HEADER_ROW, column=c).value for c in range(1, 12)]
        assert header[5:] == ["ĐĐGtx", None, None, "ĐĐGgk", "ĐĐGck", "ĐTBmhk"]  # 70 periods: 3
        row = row_of(ws, "hs.6a1.01")
        assert [ws[f"{c}{row}"].value for c in "FGH"] == ["Đ", "CĐ", "Đ"]


def test_export_runs_a_fixed_number_of_queries(app, toan):
    from .conftest import add_students

    def queries():
        with count_queries(app) as statements:
            export_bytes(toan)
        return len(statements)

    few = queries()
    add_students("6A1", 40)
    db.session.commit()
    assert queries() == few


def test_filename(toan):
    from plugins.gradebook.exchange import exporters
    from plugins.gradebook.sheets import load_sheet_view

    result = exporters()["vnedu_smas_xlsx"].export(load_sheet_view(toan))
    year = SchoolYear.current().name
    assert result.filename == f"bang-diem-6A1-TOAN-HK1-{year}.xlsx"
    assert result.content_type.endswith("spreadsheetml.sheet")


# The round trip ----------------------------------------------------------------------------------
def test_export_imports_back_unchanged(toan):
    data = export_bytes(toan)
    preview = preview_of(toan, data)
    assert preview.ok and preview.changes == []
    assert preview.rows == 5


def test_round_trip_after_editing_in_excel(toan):
    from plugins.gradebook.exchange_import import apply_preview
    from plugins.gradebook.models import Change, Entry

    data = export_bytes(toan)
    ws = open_workbook(data)
    second, third = row_of(ws, "hs.6a1.02"), row_of(ws, "hs.6a1.03")
    # A teacher types 9 as a number, 6.5 with a point, and leaves other cells alone.
    changed = edited(data, {f"G{second}": 9, f"J{third}": "6.5", f"F{third}": "7,0"})
    preview = preview_of(toan, changed)
    assert preview.ok, preview.problems
    assert sorted((c.student.username, c.slot, c.old, c.new) for c in preview.changes) == [
        ("hs.6a1.02", "tx2", "", "9"), ("hs.6a1.03", "gk", "", "6,5"),
        ("hs.6a1.03", "tx1", "", "7")]
    assert preview.students_changed == 2
    before = _changes_count()
    actor = db.session.scalar(sa.select(User).where(User.username == "gv.toan"))
    apply_preview(preview, actor)
    db.session.commit()
    assert _value(toan, "hs.6a1.02", "tx2") == Decimal(9)
    assert _value(toan, "hs.6a1.03", "gk") == Decimal("6.5")
    assert _changes_count() == before + 3
    sources = set(db.session.scalars(sa.select(Entry.source).where(
        Entry.sheet_id == toan.id, Entry.updated_by_id == actor.id, Entry.source != "typed")))
    assert sources == {"imported"}
    assert db.session.scalar(sa.select(Change.source).order_by(Change.id.desc()).limit(1)) == (
        "imported")
    # Imported again: nothing more to change.
    assert preview_of(toan, changed).changes == []


def test_empty_cells_clear_nothing(toan):
    data = export_bytes(toan)
    row = row_of(open_workbook(data), "hs.6a1.01")
    blanked = edited(data, {f"F{row}": None, f"G{row}": "", f"K{row}": "  "})
    preview = preview_of(toan, blanked)
    assert preview.ok and preview.changes == []
    assert _value(toan, "hs.6a1.01", "tx1") == Decimal(8)


def test_students_are_found_by_national_id_when_the_code_is_missing(toan):
    data = export_bytes(toan)
    row = row_of(open_workbook(data), "hs.6a1.04")
    preview = preview_of(toan, edited(data, {f"B{row}": None, f"K{row}": "8"}))
    assert preview.ok, preview.problems
    assert [(c.student.username, c.slot) for c in preview.changes] == [("hs.6a1.04", "ck")]


def test_comment_only_import_accepts_words_with_or_without_diacritics(app, subject_rules, school):
    with app.app_context():
        sheet = sheet_for("6A1", "GDTC")
        db.session.commit()
        data = export_bytes(sheet)
        ws = open_workbook(data)
        row = row_of(ws, "hs.6a1.01")
        preview = preview_of(sheet, edited(data, {f"F{row}": "Đạt", f"G{row}": "chua dat",
                                                  f"H{row}": "cđ", f"I{row}": "d"}))
        assert preview.ok, preview.problems
        assert sorted((c.slot, c.new) for c in preview.changes) == [
            ("gk", "Đ"), ("tx1", "Đ"), ("tx2", "CĐ"), ("tx3", "CĐ")]


# Every error, and nothing written ----------------------------------------------------------------
def _problems(sheet, edits):
    data = export_bytes(sheet)
    ws = open_workbook(data)
    rows = {name: row_of(ws, name) for name in ("hs.6a1.01", "hs.6a1.02", "hs.6a1.03")}
    before = _changes_count()
    # "G:02" is column G on the row of hs.6a1.02
    cells = {f"{key[0]}{rows['hs.6a1.' + key[2:]]}": value for key, value in edits.items()}
    preview = preview_of(sheet, edited(data, cells))
    assert not preview.ok and preview.changes == []
    assert _changes_count() == before
    return [(p.row, p.column, p.reason) for p in preview.problems], rows


def test_bad_scores_are_named_by_row_and_column(toan):
    problems, rows = _problems(toan, {
        "G:02": "tám", "H:02": "11", "I:02": "8,25", "J:02": 7.75, "K:02": "9",
        "H:03": "-1"})
    r2, r3 = rows["hs.6a1.02"], rows["hs.6a1.03"]
    assert problems == [
        (r2, "G", "“tám” không phải là điểm số (0–10, ví dụ 8 hoặc 8,5)."),
        (r2, "H", "Điểm phải từ 0 đến 10."),
        (r2, "I", "Điểm chỉ được có một chữ số thập phân (ví dụ 8,5)."),
        (r2, "J", "Điểm chỉ được có một chữ số thập phân (ví dụ 8,5)."),
        (r3, "H", "“-1” không phải là điểm số (0–10, ví dụ 8 hoặc 8,5)."),
    ]
    assert _value(toan, "hs.6a1.02", "ck") is None  # the good cell K was not written either


def test_unknown_student_code(toan):
    problems, rows = _problems(toan, {"B:02": "HS-KHONG-CO", "F:02": "9"})
    assert problems == [(rows["hs.6a1.02"], "B",
                         "Không có học sinh nào có mã học sinh HS-KHONG-CO.")]


def test_student_not_in_the_class(toan):
    other = db.session.scalar(sa.select(User).where(User.username == "hs.6a2.01"))
    problems, rows = _problems(toan, {"B:02": other.external_code, "C:02": other.national_id})
    assert problems == [(rows["hs.6a1.02"], "B",
                         f"Học sinh {other.full_name} không thuộc lớp 6A1.")]


def test_national_id_of_someone_else(toan):
    other = db.session.scalar(sa.select(User).where(User.username == "hs.6a1.03"))
    problems, rows = _problems(toan, {"C:02": other.national_id, "F:02": "9"})
    assert len(problems) == 1 and problems[0][:2] == (rows["hs.6a1.02"], "C")
    assert "không phải của học sinh" in problems[0][2]


def test_duplicated_student_row(toan):
    first = db.session.scalar(sa.select(User).where(User.username == "hs.6a1.01"))
    problems, rows = _problems(toan, {"B:02": first.external_code, "C:02": first.national_id})
    # The later of the two rows is the duplicate, whichever student's name sorts first.
    earlier, later = sorted((rows["hs.6a1.01"], rows["hs.6a1.02"]))
    assert problems == [(later, "B", f"Học sinh {first.full_name} đã có ở dòng {earlier}.")]


def test_scores_without_any_student_code(toan):
    problems, rows = _problems(toan, {"B:02": None, "C:02": None, "F:02": "9"})
    assert problems == [(rows["hs.6a1.02"], "B",
                         "Thiếu mã học sinh (hoặc mã định danh): không biết điểm của ai.")]


def test_more_tx_columns_than_the_subject_has(app, subject_rules, school):
    with app.app_context():
        sheet = sheet_for("6A1", "TIN")  # 35 periods: two ĐĐGtx (F, G)
        db.session.commit()
        data = export_bytes(sheet)
        row = row_of(open_workbook(data), "hs.6a1.01")
        # An older template with a third numbered ĐĐGtx column where ĐĐGgk was.
        preview = preview_of(sheet, edited(data, {"H9": 3, f"H{row}": "7", f"F{row}": "8"},
                                           unmerge=["H8:H9", "F8:G8"], merge=["F8:H8"]))
        assert [(p.row, p.column, p.reason) for p in preview.problems] == [
            (row, "H", "Môn Tin học chỉ có 2 cột ĐĐGtx: không có cột ĐĐGtx3.")]


def test_locked_semester(app, toan):
    from plugins.gradebook.semesters import lock

    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    lock(toan.semester, admin)
    db.session.commit()
    problems, rows = _problems(toan, {"G:02": "9"})
    assert problems == [(rows["hs.6a1.02"], "G", "Học kỳ I đã khóa sổ: không sửa được điểm "
                         "ĐĐGtx2 của " + db.session.scalar(sa.select(User.full_name).where(
                             User.username == "hs.6a1.02")) + ".")]


def test_every_problem_of_a_file_at_once(toan):
    problems, _rows = _problems(toan, {"B:01": "SAI", "F:02": "abc", "G:03": "12"})
    assert len(problems) == 3


def test_not_a_score_sheet(toan):
    from plugins.gradebook.exchange_import import ImportFileError
    from tests.people_import import files

    with pytest.raises(ImportFileError, match="Không tìm thấy dòng tiêu đề"):
        preview_of(toan, files.students_xlsx())
    with pytest.raises(ImportFileError, match="Tệp trống"):
        preview_of(toan, b"")
