"""Browse: per-role visibility, filters, pagination, the queue, and bounded queries."""
import pytest
import sqlalchemy as sa
from sqlalchemy import event

from lms.extensions import db
from lms.models import Material, Subject

from .conftest import PLUGINS

pytestmark = pytest.mark.plugins(*PLUGINS)


@pytest.fixture
def library(app, make_material, step):
    """One material in each state, named after it."""
    ids = {
        "nhap-gvtoan": make_material("gv.toan", title="Nháp của cô Trang"),
        "nhap-gvtin": make_material("gv.tin", title="Nháp của thầy Anh"),
        "cho-to": make_material("gv.tin", title="Bài đang chờ"),
        "da-duyet": make_material("gv.tin", title="Đã duyệt Toán"),
        "van-duyet": make_material("gv.van", dept="VAN", title="Đã duyệt Văn"),
    }
    step(ids["cho-to"], "submit", "gv.tin")
    for key, author in (("da-duyet", "gv.tin"), ("van-duyet", "gv.van")):
        head = "tt.toan" if key == "da-duyet" else "tt.van"
        step(ids[key], "submit", author)
        step(ids[key], "pass", head)
        step(ids[key], "approve", "hieutruong")
    return ids


def titles(client, url):
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return {t for t in ("Nháp của cô Trang", "Nháp của thầy Anh", "Bài đang chờ",
                        "Đã duyệt Toán", "Đã duyệt Văn") if t in html}


@pytest.mark.parametrize("username, expected", [
    ("hs.6a1.01", {"Đã duyệt Toán", "Đã duyệt Văn"}),
    ("ph.6a1.01", {"Đã duyệt Toán", "Đã duyệt Văn"}),
    # own drafts, and colleagues' work submitted to the department for review
    ("gv.toan", {"Đã duyệt Toán", "Đã duyệt Văn", "Nháp của cô Trang", "Bài đang chờ"}),
    ("gv.tin", {"Đã duyệt Toán", "Đã duyệt Văn", "Nháp của thầy Anh", "Bài đang chờ"}),
    # the head sees every material of the department, drafts included
    ("tt.toan", {"Đã duyệt Toán", "Đã duyệt Văn", "Bài đang chờ", "Nháp của cô Trang",
                 "Nháp của thầy Anh"}),
    ("tp.toan", {"Đã duyệt Toán", "Đã duyệt Văn", "Bài đang chờ", "Nháp của cô Trang",
                 "Nháp của thầy Anh"}),
    ("gv.van", {"Đã duyệt Toán", "Đã duyệt Văn"}),
    ("tt.van", {"Đã duyệt Toán", "Đã duyệt Văn"}),
    ("hieutruong", {"Nháp của cô Trang", "Nháp của thầy Anh", "Bài đang chờ",
                    "Đã duyệt Toán", "Đã duyệt Văn"}),
])
def test_who_sees_what_in_the_library(client, login, library, username, expected):
    login(username)
    assert titles(client, "/library") == expected


def test_a_student_cannot_open_a_draft(client, login, library):
    login("hs.6a1.01")
    assert client.get(f"/materials/{library['nhap-gvtoan']}").status_code == 403
    assert client.get(f"/m/{library['nhap-gvtoan']}").status_code == 403
    assert client.get(f"/m/{library['da-duyet']}").status_code == 302


def test_department_library_and_filters(app, client, login, library, demo):
    login("hieutruong")
    assert titles(client, "/library/VAN") == {"Đã duyệt Văn"}
    assert client.get("/library/KHONGCO").status_code == 404
    assert titles(client, "/library?status=approved") == {"Đã duyệt Toán", "Đã duyệt Văn"}
    assert titles(client, "/library/TOAN?status=submitted") == {"Bài đang chờ"}
    assert titles(client, f"/library?author={demo['gv.toan']}") == {"Nháp của cô Trang"}
    assert titles(client, "/library?type=file&status=draft") == {"Nháp của cô Trang",
                                                                 "Nháp của thầy Anh"}
    assert len(titles(client, "/library?type=scorm")) == 5  # not a loaded type: ignored
    with app.app_context():
        subject = db.session.scalar(sa.select(Subject).where(Subject.code == "TIN"))
        material = db.session.get(Material, library["da-duyet"])
        material.subject_id = subject.id
        grade_level_id = db.session.scalar(sa.text("SELECT id FROM grade_level WHERE number = 7"))
        material.grade_level_id = grade_level_id
        db.session.commit()
        year_id, subject_id, department_id = (material.school_year_id, subject.id,
                                              material.department_id)
    assert titles(client, f"/library?subject={subject_id}") == {"Đã duyệt Toán"}
    assert titles(client, f"/library?grade={grade_level_id}") == {"Đã duyệt Toán"}
    assert len(titles(client, f"/library?year={year_id}")) == 5
    assert titles(client, f"/library?department={department_id}&status=approved") == {
        "Đã duyệt Toán"}


@pytest.mark.app_config({"LMS_PAGE_SIZE": 2})
def test_pagination_keeps_the_filters(client, login, library):
    login("hieutruong")
    first = client.get("/library?status=draft").get_data(as_text=True)
    assert first.count('class="material-row"') == 2 or "Trang 1 / " in first
    html = client.get("/library").get_data(as_text=True)
    assert html.count('class="material-row"') == 2 and "Trang 1 / 3" in html
    assert "Trang 3 / 3" in client.get("/library?page=3").get_data(as_text=True)


def test_the_waiting_queue_and_its_count_in_the_nav(app, client, login, library, step,
                                                    make_material):
    login("tt.toan")
    html = client.get("/library/waiting").get_data(as_text=True)
    assert "Bài đang chờ" in html and "Chờ tôi duyệt (1)" in html
    login("hieutruong")
    assert "Bài đang chờ" not in client.get("/library/waiting").get_data(as_text=True)
    step(library["cho-to"], "pass", "tt.toan")
    html = client.get("/library/waiting").get_data(as_text=True)
    assert "Bài đang chờ" in html and "Chờ tôi duyệt (1)" in html
    own = make_material("tt.toan", title="Bài của tổ trưởng")
    step(own, "submit", "tt.toan")
    assert "Bài của tổ trưởng" in client.get("/library/waiting").get_data(as_text=True)
    login("tp.toan")
    assert "Bài của tổ trưởng" in client.get("/library/waiting").get_data(as_text=True)
    login("tt.toan")
    assert "Bài của tổ trưởng" not in client.get("/library/waiting").get_data(as_text=True)
    login("gv.toan")
    assert client.get("/library/waiting").status_code == 403


def count_queries(app, client, url):
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_list_pages_run_a_bounded_number_of_queries(app, client, login, make_material, step):
    login("hieutruong")
    first = make_material("gv.toan")
    step(first, "submit", "gv.toan")
    step(first, "pass", "tt.toan")
    few = count_queries(app, client, "/library")
    waiting_few = count_queries(app, client, "/library/waiting")
    for n in range(12):
        material_id = make_material("gv.tin" if n % 2 else "gv.van", dept="TOAN" if n % 2
                                    else "VAN")
        step(material_id, "submit", "gv.tin" if n % 2 else "gv.van")
        step(material_id, "pass", "tt.toan" if n % 2 else "tt.van")
    assert count_queries(app, client, "/library") == few
    assert count_queries(app, client, "/library/waiting") == waiting_few
