import sqlalchemy as sa

from lms.extensions import db
from lms.models import SchoolClass, SchoolYear, User

from . import files
from .conftest import plan_for, run_import, snapshot, table_counts


def _by_code(code):
    return db.session.scalar(sa.select(User).where(User.external_code == code))


def test_teachers_file_sets_departments_positions_and_homeroom(school):
    plan, result = run_import(files.teachers_xlsx())
    assert plan.kind == "teachers"
    assert result.counts["teachers"] == {"new": 3, "updated": 0, "unchanged": 0}
    thu = _by_code("GV9001")
    assert thu.department.code == "TOAN" and thu.has_role("teacher")
    assert thu.username == "thuht"
    kien = _by_code("GV9002")
    assert kien.department.code == "VAN" and kien.department_membership.position == "deputy"
    assert kien.has_role("deputy_head")
    assert _by_code("GV9003").department.code == "ANH"  # "ngoại ngữ" by name, no diacritics
    homeroom = db.session.scalar(sa.select(SchoolClass).where(
        SchoolClass.name == "9A1", SchoolClass.school_year_id == SchoolYear.current().id))
    assert homeroom.homeroom_teacher_id == thu.id and homeroom.grade_level.number == 9
    assert {s.username for s in result.slips} == {"thuht", "kienlv", "hanhmt"}


def test_teachers_reimport_changes_nothing_then_follows_position(school):
    run_import(files.teachers_xlsx())
    before = table_counts(), snapshot()
    plan, result = run_import(files.teachers_xlsx())
    assert not plan.changes_anything and result.slips == []
    assert (table_counts(), snapshot()) == before
    rows = [list(r) for r in files.TEACHERS]
    rows[1][4] = "Giáo viên"  # no longer deputy head
    plan, result = run_import(files.xlsx([files.TEACHER_HEADER, *rows]))
    assert result.counts["teachers"] == {"new": 0, "updated": 1, "unchanged": 2}
    kien = _by_code("GV9002")
    assert not kien.has_role("deputy_head")
    assert kien.department_membership.position == "member"


def test_existing_teacher_matched_by_email_gets_code(school):
    teacher = db.session.scalar(sa.select(User).where(User.username == "gv.toan"))
    teacher.email = "trang.pt@example.vn"
    db.session.commit()
    rows = [[1, "GV0100", "Phạm Thu Trang", "TOAN", "Tổ trưởng", "Trang.PT@example.vn", "", ""]]
    _plan, result = run_import(files.xlsx([files.TEACHER_HEADER, *rows]))
    assert result.counts["teachers"] == {"new": 0, "updated": 1, "unchanged": 0}
    db.session.refresh(teacher)
    assert teacher.external_code == "GV0100" and teacher.has_role("department_head")


def test_teacher_bad_rows(school):
    teacher = db.session.scalar(sa.select(User).where(User.username == "gv.van"))
    teacher.external_code = "GV0200"
    db.session.commit()
    rows = [
        [1, "GV0300", "Đinh Văn Lộc", "Tổ Thể dục", "Giáo viên", "loc@example.vn", "", ""],
        [2, "GV0301", "Đinh Văn Phúc", "TOAN", "Bảo vệ", "phuc@example.vn", "", ""],
        [3, "", "Đinh Văn Thọ", "TOAN", "Giáo viên", "", "", ""],
        [4, "GV0302", "Đinh Văn An", "", "Tổ trưởng", "an@example.vn", "", ""],
        [5, "GV0303", "Đinh Văn Bình", "TOAN", "", "phuc@example.vn", "", "6A"],
        [6, "GV0304", "Đinh Văn Chung", "TOAN", "", "chung@example.vn", "", "6A"],
        [7, "GV0200", "Đinh Văn Dũng", "TOAN", "", "loc@example.vn", "", ""],
    ]
    before = table_counts()
    plan = plan_for(files.xlsx([files.TEACHER_HEADER, *rows], title_rows=[]))
    reasons = {p.row: " ".join(p.reasons) for p in plan.problems}
    assert "Thể dục" in reasons[2]
    assert "Chức vụ" in reasons[3]
    assert "mã giáo viên hoặc email" in reasons[4]
    assert "Tổ trưởng" in reasons[5]
    assert "Email phuc@example.vn trùng với dòng 3" in reasons[6]
    assert "GVCN ở dòng 6" in reasons[7]
    assert "trùng với dòng 2" in reasons[8]  # email used on row 2
    assert table_counts() == before


def test_code_of_another_teacher_with_other_email_is_refused(school):
    db.session.scalar(sa.select(User).where(User.username == "gv.van")).external_code = "GV0200"
    db.session.scalar(sa.select(User).where(User.username == "gv.anh")).email = "x@example.vn"
    db.session.commit()
    rows = [[1, "GV0200", "Bùi Ngọc Ánh", "VAN", "", "x@example.vn", "", ""]]
    plan = plan_for(files.xlsx([files.TEACHER_HEADER, *rows]))
    assert not plan.ok
    assert "gv.van" in plan.problems[0].reasons[0] and "gv.anh" in plan.problems[0].reasons[0]
