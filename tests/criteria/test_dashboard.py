"""The criteria dashboard: assignments and online assessments from the assignments report,
questions from the questions plugin's statistics, parents linked per class; who sees which
part; dates typed dd/mm/yyyy; the XLSX; a clear note for a part whose plugin is not loaded."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from lms.extensions import db
from lms.models import Department, ParentLinkStatus, Role, User
from lms.seed import DEMO_PASSWORD
from plugins.criteria.dashboard import build_dashboard, format_wait
from plugins.criteria.parent_links import class_links

from .conftest import (
    WITH_PARTS,
    ask,
    publish_task,
    relink,
    school_class,
    students_of,
    submission_of,
    user,
)

pytestmark = pytest.mark.plugins(*WITH_PARTS)
MARCH = {"date_from": "01/03/2026", "date_to": "31/03/2026"}


@pytest.fixture
def march(app, demo):
    """In March 2026: gv.toan gives 6A1 one task and returns one grade; 6A1 asks three Toán
    questions (answered after 90 and 150 minutes, one waiting) and one Ngữ văn question
    (answered after 30 minutes). A Toán question in April is outside the range."""
    from plugins.assignments import grading
    from plugins.assignments.schedule import parse_local

    with app.app_context():
        teacher = user("gv.toan")
        task = publish_task(opens_at=parse_local("02/03/2026 07:00"),
                            due_at=parse_local("06/03/2026 23:59"))
        work = submission_of(task, "hs.6a1.01")
        grading.save_grade(work, expected_version=work.version, actor=teacher, score=8)
        db.session.flush()
        grading.release([work], teacher, now=parse_local("09/03/2026 10:00"))
        ask("hs.6a1.01", "TOAN", datetime(2026, 3, 3, 2), datetime(2026, 3, 3, 3, 30), "gv.toan")
        ask("hs.6a1.02", "TOAN", datetime(2026, 3, 4, 1), datetime(2026, 3, 4, 3, 30), "gv.toan")
        ask("hs.6a1.03", "TOAN", datetime(2026, 3, 5, 1))
        ask("hs.6a1.04", "VAN", datetime(2026, 3, 5, 1), datetime(2026, 3, 5, 1, 30), "gv.van")
        ask("hs.6a1.05", "TOAN", datetime(2026, 4, 2, 1), datetime(2026, 4, 2, 2), "gv.toan")
        db.session.commit()


def _row(rows, name):
    return next(row for row in rows if row.name == name)


def test_figures_per_teacher_department_and_school(app, march):
    with app.test_request_context():
        board = build_dashboard(date(2026, 3, 1), date(2026, 3, 31))
        toan = _row(board.teachers, "Phạm Thu Trang")
        assert (toan.assignments, toan.assessments, toan.asked, toan.answered) == (1, 1, 3, 2)
        assert format_wait(toan.median_wait) == "2 giờ 0 phút"  # median of 90 and 150 minutes
        van = _row(board.teachers, "Bùi Ngọc Ánh")
        assert (van.assignments, van.assessments, van.asked, van.answered) == (0, 0, 1, 1)
        assert format_wait(van.median_wait) == "30 phút"
        khtn = _row(board.teachers, "Lý Thị Thu Hà")
        assert (khtn.assignments, khtn.asked, khtn.median_wait) == (0, 0, None)
        department = _row(board.departments, toan.department)
        assert (department.assignments, department.assessments, department.asked,
                department.answered) == (1, 1, 3, 2)
        total = board.total
        assert (total.assignments, total.assessments, total.asked, total.answered) == (1, 1, 4, 3)
        assert format_wait(total.median_wait) == "1 giờ 30 phút"  # of 30, 90 and 150 minutes
        assert board.missing == {}


def test_the_page_shows_the_figures(client, login, march):
    login("hieutruong")
    page = client.get("/criteria/", query_string=MARCH)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tiêu chí chuyển đổi số" in html
    assert ("<tr><td>Phạm Thu Trang</td><td>Tổ Toán – Tin</td><td>1</td><td>1</td><td>3</td>"
            "<td>2</td><td>2 giờ 0 phút</td></tr>") in html
    # the navigation offers the page to the board
    assert 'href="/criteria/"' in html


def test_parents_linked_per_class_count_active_links_only(app, demo, client, login):
    with app.app_context():
        pupils = students_of("6A1")
        first, second, third, fourth = pupils[:4]
        mother, father = user("ph.6a1.01"), user("ph.6a1.02")
        gone = user("ph.6a1.04")
        gone.active = False
        relink(first, (mother, ParentLinkStatus.ACTIVE.value), (father, "active"))  # counts once
        relink(second, (father, ParentLinkStatus.PENDING.value))
        relink(third, (user("ph.6a1.03"), ParentLinkStatus.REVOKED.value))
        relink(fourth, (gone, ParentLinkStatus.ACTIVE.value))  # a disabled parent account
        for pupil in pupils[4:]:
            relink(pupil)
        db.session.commit()
        rows = {row.name: row for row in class_links(school_class("6A1").school_year)}
        assert (rows["6A1"].enrolled, rows["6A1"].linked) == (len(pupils), 1)
        assert (rows["6A2"].enrolled, rows["6A2"].linked) == (4, 4)  # the demo links them all
        assert list(rows) == ["6A1", "6A2", "7A1", "8A1"]
    login("phohieutruong")
    html = client.get("/criteria/").get_data(as_text=True)
    assert (f"<tr><td>6A1</td><td>Phạm Thu Trang</td><td>{len(pupils)}</td><td>1</td>"
            f"<td>20,0%</td></tr>") in html


def test_the_default_range_is_the_school_year_so_far(app, demo, client, login):
    from flask_babel import to_user_timezone

    from lms.models import SchoolYear
    from lms.models.base import utcnow

    login("hieutruong")
    html = client.get("/criteria/").get_data(as_text=True)
    with app.test_request_context():
        year = SchoolYear.current()
        today = to_user_timezone(utcnow()).date()
    start = min(year.start_date, today)
    assert f'name="date_from" value="{start:%d/%m/%Y}"' in html
    assert f'name="date_to" value="{today:%d/%m/%Y}"' in html


@pytest.mark.parametrize(("query", "message"), [
    ({"date_from": "31/02/2026"}, "Ngày “31/02/2026” không đúng dạng dd/mm/yyyy."),
    ({"date_from": "2026-03-01"}, "Ngày “2026-03-01” không đúng dạng dd/mm/yyyy."),
    ({"date_from": "10/03/2026", "date_to": "09/03/2026"}, "Ngày kết thúc phải sau ngày bắt đầu."),
])
def test_bad_dates_get_a_clear_message(demo, client, login, query, message):
    login("hieutruong")
    page = client.get("/criteria/", query_string=query)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert message in html and 'id="criteria-teachers"' not in html
    assert client.get("/criteria/criteria.xlsx", query_string=query).status_code == 400


def test_a_head_sees_only_their_department(app, march, client, login):
    with app.app_context():
        van = db.session.scalar(sa.select(Department).where(Department.code == "VAN"))
        toan = db.session.scalar(sa.select(Department).where(Department.code == "TOAN"))
    login("tt.toan")
    # the query's department is ignored: a head reads their own
    html = client.get("/criteria/", query_string={**MARCH, "department": van.id}).get_data(
        as_text=True)
    assert "Phạm Thu Trang" in html and "Bùi Ngọc Ánh" not in html
    assert 'name="department"' not in html
    # classes whose homeroom teacher is in Tổ Toán – Tin: 6A1 (gv.toan) only
    assert "<td>6A1</td>" in html and "<td>6A2</td>" not in html
    login("hieutruong")
    html = client.get("/criteria/", query_string={**MARCH, "department": toan.id}).get_data(
        as_text=True)
    assert "Phạm Thu Trang" in html and "Bùi Ngọc Ánh" not in html
    assert client.get("/criteria/", query_string={"department": "999"}).status_code == 404


def test_a_teacher_holding_the_head_role_without_a_department_is_refused(app, demo, client):
    with app.app_context():
        teacher = User(username="tt.moi", full_name="Nguyễn Văn Mới")
        teacher.set_password(DEMO_PASSWORD)
        db.session.add(teacher)
        db.session.flush()
        teacher.add_role(Role.DEPARTMENT_HEAD)
        db.session.commit()
    client.post("/login", data={"username": "tt.moi", "password": DEMO_PASSWORD})
    assert client.get("/criteria/").status_code == 403
    assert 'href="/criteria/"' not in client.get("/").get_data(as_text=True)


def test_xlsx_has_one_sheet_per_table(march, client, login):
    login("hieutruong")
    response = client.get("/criteria/criteria.xlsx", query_string=MARCH)
    assert response.status_code == 200
    assert "tieu-chi-chuyen-doi-so_01-03-2026_31-03-2026.xlsx" in \
        response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    assert workbook.sheetnames == ["Theo tổ", "Theo giáo viên", "Phụ huynh theo lớp"]
    teachers = list(workbook["Theo giáo viên"].iter_rows(values_only=True))
    assert teachers[1] == ("Từ ngày 01/03/2026 đến ngày 31/03/2026",)
    trang = next(row for row in teachers if len(row) > 1 and row[1] == "Phạm Thu Trang")
    assert trang[2:] == ("Tổ Toán – Tin", 1, 1, 3, 2, 2.0)
    departments = list(workbook["Theo tổ"].iter_rows(values_only=True))
    assert departments[-1][1:] == ("Toàn trường", 1, 1, 4, 3, 1.5)
    classes = list(workbook["Phụ huynh theo lớp"].iter_rows(values_only=True))
    assert ("6A2", "Bùi Ngọc Ánh", 4, 4, "100,0%") in [row[1:] for row in classes if row]


@pytest.mark.plugins("criteria")
def test_a_part_whose_plugin_is_not_loaded_says_so(demo, client, login):
    login("hieutruong")
    page = client.get("/criteria/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Chức năng Giao bài chưa được bật" in html
    assert "Chức năng Hỏi thầy cô chưa được bật" in html
    # the parents' part is the core's and always there
    assert "<td>6A2</td><td>Bùi Ngọc Ánh</td><td>4</td><td>4</td><td>100,0%</td>" in html
    workbook = load_workbook(io.BytesIO(client.get("/criteria/criteria.xlsx").data),
                             read_only=True)
    lines = [row[0] for row in workbook["Theo tổ"].iter_rows(values_only=True) if row]
    assert any(line and "Chức năng Giao bài chưa được bật" in line for line in lines)
