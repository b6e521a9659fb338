"""`flask lms gradebook-export` and `gradebook-import`: the stable commands of the exchange.
Every error exits non-zero with a Vietnamese message and writes nothing."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import User

from .conftest import sheet_for
from .exchange_helpers import edited, open_workbook, put_scores, row_of

SHEET = ["--class", "6A1", "--subject", "TOAN", "--semester", "1"]


@pytest.fixture
def toan(app, subject_rules, school):
    with app.app_context():
        sheet = sheet_for("6A1", "TOAN")
        db.session.commit()
        put_scores(sheet, {("hs.6a1.01", "tx1"): "8.5", ("hs.6a1.01", "gk"): "7"})
        return sheet.id


def _audit_rows(app) -> int:
    from plugins.gradebook.models import Change

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Change))


def _score(app, username, slot):
    from plugins.gradebook.models import Entry

    with app.app_context():
        return db.session.scalar(sa.select(Entry.score).join(User, User.id == Entry.student_id)
                                 .where(User.username == username, Entry.slot == slot))


def _export(runner, tmp_path, *args):
    folder = tmp_path / "out"
    folder.mkdir(exist_ok=True)
    out = folder / "bang-diem.xlsx"
    result = runner.invoke(args=["lms", "gradebook-export", *args, "--out", str(out)])
    return result, out


def test_export_writes_the_sheet(app, runner, toan, tmp_path):
    result, out = _export(runner, tmp_path, *SHEET)
    assert result.exit_code == 0, result.output
    assert "Đã xuất bảng điểm lớp 6A1 môn Toán học kỳ I" in result.output
    assert "5 học sinh" in result.output
    ws = open_workbook(out.read_bytes())
    assert ws["A3"].value == "BẢNG ĐIỂM HỌC KỲ I"
    with app.app_context():
        assert ws[f"F{row_of(ws, 'hs.6a1.01')}"].value == "8,5"
    assert [p.name for p in out.parent.iterdir()] == ["bang-diem.xlsx"]  # no temporary left


def test_export_accepts_lower_case_names(runner, toan, tmp_path):
    result, out = _export(runner, tmp_path, "--class", "6a1", "--subject", "toan",
                          "--semester", "2")
    assert result.exit_code == 0, result.output
    assert open_workbook(out.read_bytes())["A3"].value == "BẢNG ĐIỂM HỌC KỲ II"


@pytest.mark.parametrize(("args", "message"), [
    (["--class", "9Z9", "--subject", "TOAN", "--semester", "1"], "Không có lớp 9Z9"),
    (["--class", "6A1", "--subject", "XYZ", "--semester", "1"], "Không có môn có mã XYZ"),
    (["--class", "6A1", "--subject", "TOAN", "--semester", "3"], "Học kỳ phải là 1 hoặc 2"),
])
def test_export_errors_leave_no_file(runner, toan, tmp_path, args, message):
    result, out = _export(runner, tmp_path, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert not out.exists() and list(out.parent.iterdir()) == []


def test_subject_without_a_rule(app, runner, school, tmp_path):
    from plugins.gradebook.models import SubjectRule

    with app.app_context():  # whatever the demo declared, Toán 6 has no rule here
        db.session.execute(sa.delete(SubjectRule))
        db.session.commit()
    result, out = _export(runner, tmp_path, *SHEET)
    assert result.exit_code != 0
    assert "Chưa khai báo số tiết của môn Toán cho khối 6" in result.output
    assert not out.exists()


def test_export_then_import_round_trip(app, runner, toan, tmp_path):
    _result, out = _export(runner, tmp_path, *SHEET)
    unchanged = runner.invoke(args=["lms", "gradebook-import", str(out), *SHEET])
    assert unchanged.exit_code == 0, unchanged.output
    assert "Đã nhập 0 điểm cho 0 học sinh" in unchanged.output
    data = out.read_bytes()
    with app.app_context():
        ws = open_workbook(data)
        first, second = row_of(ws, "hs.6a1.01"), row_of(ws, "hs.6a1.02")
    out.write_bytes(edited(data, {f"K{first}": "9,5", f"F{second}": "6", f"G{second}": "7.5"}))
    before = _audit_rows(app)
    result = runner.invoke(args=["lms", "gradebook-import", str(out), *SHEET])
    assert result.exit_code == 0, result.output
    assert "Đã nhập 3 điểm cho 2 học sinh" in result.output
    assert _audit_rows(app) == before + 3
    assert _score(app, "hs.6a1.01", "ck") == Decimal("9.5")
    assert _score(app, "hs.6a1.02", "tx2") == Decimal("7.5")


def test_import_with_errors_lists_them_and_writes_nothing(app, runner, toan, tmp_path):
    _result, out = _export(runner, tmp_path, *SHEET)
    data = out.read_bytes()
    with app.app_context():
        ws = open_workbook(data)
        first, second = row_of(ws, "hs.6a1.01"), row_of(ws, "hs.6a1.02")
    out.write_bytes(edited(data, {f"G{first}": "9", f"H{second}": "10,5", f"B{second}": "SAI"}))
    before = _audit_rows(app)
    result = runner.invoke(args=["lms", "gradebook-import", str(out), *SHEET])
    assert result.exit_code != 0
    assert "Tệp có 2 lỗi, chưa ghi điểm nào" in result.output
    assert f"1. Dòng {min(first, second)}, cột" in result.output
    assert f"Dòng {second}, cột B: Không có học sinh nào có mã học sinh SAI." in result.output
    assert f"Dòng {second}, cột H: Điểm phải từ 0 đến 10." in result.output
    assert _audit_rows(app) == before
    assert _score(app, "hs.6a1.01", "tx2") is None  # the good cell G was not written


def test_import_into_a_locked_semester(app, runner, toan, tmp_path):
    from plugins.gradebook.models import Sheet
    from plugins.gradebook.semesters import lock

    _result, out = _export(runner, tmp_path, *SHEET)
    with app.app_context():
        sheet = db.session.get(Sheet, toan)
        lock(sheet.semester, db.session.scalar(sa.select(User).where(User.username == "admin")))
        db.session.commit()
    before = _audit_rows(app)
    result = runner.invoke(args=["lms", "gradebook-import", str(out), *SHEET])
    assert result.exit_code != 0
    assert "Học kỳ I đã khóa sổ" in result.output
    assert _audit_rows(app) == before


def test_import_of_a_file_that_is_no_score_sheet(runner, toan, tmp_path):
    bad = tmp_path / "khong-phai.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(args=["lms", "gradebook-import", str(bad), *SHEET])
    assert result.exit_code != 0
    assert "Không đọc được tệp Excel" in result.output or "không phải bảng tính" in result.output
