"""Mã định danh (12 digits) goes into User.national_id; Mã học sinh stays the external code."""
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import User

from . import files
from .conftest import plan_for, run_import, snapshot, table_counts

HEADER = ["STT", "Mã học sinh", "Mã định danh", "Họ và tên", "Ngày sinh", "Lớp"]
ROWS = [
    [1, "7901000001", "001214000001", "Nguyễn Minh Anh", "05/09/2014", "6A1"],
    [2, "7901000002", "001212000002", "Nguyễn Minh Quân", "17/02/2012", "8A1"],
]


def _xlsx(rows, header=HEADER):
    return files.xlsx([header, *rows])


def _user(code):
    return db.session.scalar(sa.select(User).where(User.external_code == code))


def _reasons(plan):
    return {p.row: p.reasons for p in plan.problems}


def test_national_id_is_read_beside_the_student_code(school):
    _plan, result = run_import(_xlsx(ROWS))
    assert result.counts["students"]["new"] == 2
    anh = _user("7901000001")
    assert anh.national_id == "001214000001"
    assert _user("7901000002").national_id == "001212000002"


@pytest.mark.parametrize("header", ["Mã định danh", "MA DINH DANH HOC SINH", "Mã định danh cá nhân",
                                    "Mã định danh BGD", "Số CCCD", "CCCD"])
def test_every_spelling_of_the_header(school, header):
    run_import(_xlsx(ROWS[:1], [*HEADER[:2], header, *HEADER[3:]]))
    assert _user("7901000001").national_id == "001214000001"


def test_madinhdanh_no_longer_stands_for_the_student_code(school):
    """A file with only Mã định danh lacks Mã học sinh: the admin is told, nothing is read."""
    from lms.people_import import ImportFileError

    header = ["STT", "Mã định danh", "Họ và tên", "Lớp"]
    with pytest.raises(ImportFileError, match="Mã học sinh"):
        plan_for(files.xlsx([header, [1, "001214000001", "Nguyễn Minh Anh", "6A1"]]))


def test_a_number_cell_that_lost_its_leading_zero(school):
    rows = [[1, "7901000001", 1214000001, "Nguyễn Minh Anh", "05/09/2014", "6A1"]]
    run_import(_xlsx(rows))
    assert _user("7901000001").national_id == "001214000001"


@pytest.mark.parametrize("value", ["07921400100", "0012140000011", "07921400100A", "12,5"])
def test_not_twelve_digits_is_an_error_naming_the_row(school, value):
    rows = [list(ROWS[0]), [2, "7901000002", value, "Nguyễn Minh Quân", "17/02/2012", "8A1"]]
    before = table_counts()
    plan = plan_for(_xlsx(rows))
    assert not plan.ok
    reasons = _reasons(plan)
    assert list(reasons) == [8]  # files.xlsx: 5 title rows, the header, then rows 7 and 8
    assert f"Mã định danh \"{value}\" phải gồm đúng 12 chữ số." in reasons[8]
    assert table_counts() == before


def test_duplicate_in_the_file(school):
    rows = [list(ROWS[0]), [2, "7901000002", "001214000001", "Nguyễn Minh Quân", "", "8A1"]]
    plan = plan_for(_xlsx(rows))
    assert _reasons(plan) == {8: ["Mã định danh 001214000001 trùng với dòng 7."]}


def test_id_of_another_account_is_an_error(school):
    taken = db.session.scalar(sa.select(User).where(User.username == "hs.6a1.02"))
    rows = [[1, "7901000001", taken.national_id, "Nguyễn Minh Anh", "", "6A1"]]
    before = snapshot()
    plan = plan_for(_xlsx(rows))
    message = f"Mã định danh {taken.national_id} đã được dùng cho tài khoản khác (hs.6a1.02)."
    assert _reasons(plan) == {7: [message]}
    assert snapshot() == before


def test_reimport_updates_the_id_and_an_empty_cell_keeps_it(school):
    run_import(_xlsx(ROWS))
    changed = [list(ROWS[0]), list(ROWS[1])]
    changed[0][2] = "001214009999"
    changed[1][2] = ""
    _plan, result = run_import(_xlsx(changed))
    assert result.counts["students"] == {"new": 0, "updated": 1, "unchanged": 1}
    assert _user("7901000001").national_id == "001214009999"
    assert _user("7901000002").national_id == "001212000002"


def test_the_same_student_keeps_their_own_id(school):
    """Re-importing the demo class with its own ids is no conflict and changes nothing."""
    students = db.session.scalars(sa.select(User).where(User.username.like("hs.6a1.%"))
                                  .order_by(User.username)).all()
    rows = [[n, s.external_code, s.national_id, s.full_name, "", "6A1"]
            for n, s in enumerate(students, start=1)]
    plan, result = run_import(_xlsx(rows))
    assert result.counts["students"]["updated"] == 0
    assert not plan.changes_anything


def test_teachers_file_reads_the_id_too(school):
    header = ["STT", "Mã giáo viên", "Họ tên", "Tổ chuyên môn", "Email", "Số CCCD"]
    run_import(files.xlsx([header, [1, "GV9001", "Hồ Thị Thu", "TOAN", "thu@example.vn",
                                    "001185000123"]]))
    assert _user("GV9001").national_id == "001185000123"
