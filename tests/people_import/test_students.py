from datetime import date

import sqlalchemy as sa

from lms.extensions import db
from lms.models import AuditLog, ParentLink, SchoolClass, SchoolYear, User
from lms.signals import people_imported

from . import files
from .conftest import plan_for, run_import, snapshot, table_counts


def _user(code):
    return db.session.scalar(sa.select(User).where(User.external_code == code))


def test_good_xlsx_creates_students_classes_and_shared_parent(school):
    received = []
    people_imported.connect(lambda sender, **kw: received.append(kw), weak=False)
    try:
        plan, result = run_import(files.students_xlsx())
    finally:
        people_imported.receivers.clear()
    assert plan.kind == "students"
    assert result.counts["students"] == {"new": 4, "updated": 0, "unchanged": 0}
    assert result.counts["parents"]["new"] == 2  # the siblings' parent once, Lê Thị Hoa once
    assert result.counts["classes"]["new"] == 1  # 10A1
    anh = _user("7901000001")
    assert anh.full_name == "Nguyễn Minh Anh" and anh.birth_date == date(2014, 9, 5)
    assert anh.must_change_password and anh.has_role("student")
    assert anh.username == "7901000001"
    assert [c.name for c in anh.classes()] == ["6A1"]
    assert [c.name for c in _user("7901000003").classes()] == ["7A1"]
    quan = _user("7901000002")
    assert quan.birth_date == date(2012, 2, 17)
    parent = db.session.scalar(sa.select(User).where(User.phone == "0912345678"))
    assert parent.has_role("parent") and parent.must_change_password
    assert [c.id for c in parent.children()] == sorted([anh.id, quan.id],
                                                       key=lambda i: db.session.get(User, i).sort_key)
    assert parent.username == "ph.haiNV".lower()
    new_class = db.session.scalar(sa.select(SchoolClass).where(SchoolClass.name == "10A1"))
    assert new_class.grade_level.number == 10
    assert new_class.school_year_id == SchoolYear.current().id
    slips = {s.username: s for s in result.slips}
    assert len(slips) == 6 and all(len(s.password) == 10 for s in slips.values())
    assert slips[parent.username].class_label == "6A1, 8A1"
    assert all(s.password not in (u.password_hash for u in db.session.scalars(sa.select(User)))
               for s in slips.values())
    assert db.session.get(User, anh.id).check_password(slips["7901000001"].password)
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.event == "people.imported"))
    assert entry.details["counts"]["students"]["new"] == 4
    assert received and received[0]["result"] is not None


def test_reimport_changes_nothing(school):
    run_import(files.students_xlsx())
    before_counts, before_rows = table_counts(), snapshot()
    plan, result = run_import(files.students_xlsx())
    assert not plan.changes_anything
    assert result.slips == []
    assert result.counts["students"] == {"new": 0, "updated": 0, "unchanged": 4}
    assert result.counts["parents"] == {"new": 0, "updated": 0, "unchanged": 2}
    assert table_counts() == before_counts
    assert snapshot() == before_rows


def test_reimport_updates_what_changed(school):
    run_import(files.students_xlsx())
    rows = [list(r) for r in files.STUDENTS]
    rows[0][2] = "Nguyễn Minh Ánh"  # corrected name
    rows[0][5] = "6A2"  # moved class
    _plan, result = run_import(files.xlsx([files.STUDENT_HEADER, *rows]))
    assert result.counts["students"] == {"new": 0, "updated": 1, "unchanged": 3}
    student = _user("7901000001")
    assert student.full_name == "Nguyễn Minh Ánh"
    assert [c.name for c in student.classes(SchoolYear.current().id)] == ["6A2"]


def test_csv_utf8_bom_comma(school):
    _plan, result = run_import(files.csv_bytes([files.STUDENT_HEADER, *files.STUDENTS]))
    assert result.counts["students"]["new"] == 4
    assert _user("7901000003").full_name == "Trần Thị Ngọc Ánh"


def test_csv_cp1258_semicolon_with_title_rows(school):
    data = files.cp1258([*files.TITLE_ROWS, files.STUDENT_HEADER, *files.STUDENTS])
    _plan, result = run_import(data)
    assert result.counts["students"]["new"] == 4
    # Decoded and composed: the same text as typed in a UTF-8 file.
    assert _user("7901000003").full_name == "Trần Thị Ngọc Ánh"
    assert _user("7901000001").birth_date == date(2014, 9, 5)


def test_csv_utf16_tab(school):
    data = files.csv_bytes([files.STUDENT_HEADER, *files.STUDENTS], encoding="utf-16",
                           delimiter="\t")
    _plan, result = run_import(data)
    assert result.counts["students"]["new"] == 4


def test_header_variants_without_diacritics(school):
    header = ["ma hs", "HO VA TEN", "ngay sinh", "LOP", "SDT phu huynh", "Ho ten phu huynh"]
    _plan, result = run_import(files.xlsx([header, ["A1", "Vo Van Tai", "01/01/2013", "7A1",
                                                   "+84 901 234 567", "Vo Van Ba"]]))
    assert result.counts["students"]["new"] == 1
    assert db.session.scalar(sa.select(User.phone).where(User.full_name == "Vo Van Ba")) == (
        "0901234567")


def test_bad_rows_are_all_reported_and_nothing_is_written(school):
    before = table_counts()
    rows = [
        files.STUDENTS[0],
        [2, "7901000009", "", "01/01/2014", "Nam", "6A1", "6", "", ""],  # no name
        [3, "7901000010", "Lê Văn Tám", "31/02/2014", "Nam", "6A1", "6", "", ""],  # no such day
        [4, "7901000011", "Lê Văn Chín", "2014-01-01", "Nam", "6A1", "6", "", ""],  # format
        [5, "7901000012", "Lê Văn Mười", "01/01/2014", "Nam", "Sáu A", "6", "", ""],  # class
        [6, "7901000001", "Lê Văn Một", "01/01/2014", "Nam", "6A1", "6", "", ""],  # dup code
        [7, "7901000013", "Lê Văn Hai", "01/01/2014", "Nam", "6A1", "6", "", "09-12"],  # phone
        [8, "7901000014", "Lê Văn Ba", "01/01/2014", "Nam", "6A1", "7", "", ""],  # grade
        [9, "", "Lê Văn Bốn", "01/01/2014", "Nam", "6A1", "6", "", "a@b"],  # no code, email
    ]
    plan = plan_for(files.xlsx([files.STUDENT_HEADER, *rows]))
    assert not plan.ok
    reasons = {p.row: " ".join(p.reasons) for p in plan.problems}
    first = len(files.TITLE_ROWS) + 2  # the spreadsheet row of the first data row
    assert sorted(reasons) == [first + i for i in range(1, 9)]
    assert "Thiếu họ và tên" in reasons[first + 1]
    assert "không có thật" in reasons[first + 2]
    assert "dd/mm/yyyy" in reasons[first + 3]
    assert "6A1" in reasons[first + 4]
    assert f"trùng với dòng {first}" in reasons[first + 5]
    assert "Số điện thoại" in reasons[first + 6]
    assert "Khối" in reasons[first + 7]
    assert "Thiếu mã học sinh" in reasons[first + 8] and "Email" in reasons[first + 8]
    assert table_counts() == before


def test_code_of_another_kind_of_account_is_refused(school):
    teacher = db.session.scalar(sa.select(User).where(User.username == "gv.toan"))
    teacher.external_code = "7901000003"
    db.session.commit()
    plan = plan_for(files.students_xlsx())
    assert [p.row for p in plan.problems] == [len(files.TITLE_ROWS) + 4]
    assert "gv.toan" in plan.problems[0].reasons[0]


def test_existing_parent_is_linked_not_duplicated(school):
    parent = db.session.scalar(sa.select(User).where(User.username == "ph.6a1.01"))
    rows = [[1, "7901000100", "Nguyễn Hoàng Minh", "01/02/2014", "Nam", "6A1", "6", "Ai đó",
             parent.phone]]
    _plan, result = run_import(files.xlsx([files.STUDENT_HEADER, *rows]))
    assert result.counts["parents"] == {"new": 0, "updated": 1, "unchanged": 0}
    assert len(result.slips) == 1
    student = _user("7901000100")
    assert db.session.scalar(sa.select(ParentLink.id).where(
        ParentLink.parent_id == parent.id, ParentLink.student_id == student.id))
