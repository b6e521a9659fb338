"""Dashboards: the board's page and home widget, a department's page, a teacher's widget,
editing targets; and who may open each route."""
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Role
from tests.route_matrix import (
    CORE_ROUTES,
    Case,
    assert_routes_declared,
    check_route_matrix,
)

pytestmark = pytest.mark.plugins("scorm", "targets")

BOARD = {Role.PRINCIPAL, Role.VICE_PRINCIPAL}
HEADS = {Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD}

TARGETS_ROUTES = {
    "targets.dashboard": Case(BOARD),
    "targets.edit_targets": [
        Case(BOARD),
        Case(BOARD, method="POST", data={"target-1": "abc"},
             note="a wrong value: refused with a message (400), nothing saved"),
    ],
    "targets.my_department": Case(HEADS),
    "targets.department": [
        Case(BOARD | {"tt.toan", "tp.toan"}, {"code": "TOAN"},
             note="the board, and the head and deputy of that department only"),
        Case(BOARD, {"code": "VAN"}, note="heads of another department are refused"),
    ],
    "targets.report": Case(BOARD | HEADS),
    "targets.report_download": Case(BOARD | HEADS),
    "targets.catalog": Case(BOARD | HEADS | {Role.ADMIN}),
    "targets.catalog_download": Case(BOARD | HEADS | {Role.ADMIN}),
    "targets.confirm": Case({Role.PRINCIPAL}, method="POST",
                            note="the principal signs the catalog off; nobody else"),
}



def test_targets_routes_for_every_persona(app, demo):
    from tests.route_matrix import undeclared_endpoints

    # Routes of the other plugins loaded here are checked by their own tests.
    others = {e: [] for e in undeclared_endpoints(app, CORE_ROUTES, TARGETS_ROUTES)
              if not e.startswith("targets.")}
    assert_routes_declared(app, CORE_ROUTES, TARGETS_ROUTES, others)
    check_route_matrix(app, demo, TARGETS_ROUTES)


def test_board_dashboard(client, login, school):
    for _ in range(3):
        school.material()
    school.material(department="VAN", author="gv.van", status="passed")
    db.session.commit()
    login("phohieutruong")
    page = client.get("/targets/").get_data(as_text=True)
    assert "Tổ Toán – Tin" in page and "3 / 30" in page and "0 / 30" in page
    assert "tối đa 3 điểm" in page
    assert "<svg" in page and "Chỉ tiêu: 120" in page  # four departments × 30
    assert 'aria-valuenow="10"' in page  # 3 of 30
    home = client.get("/").get_data(as_text=True)
    assert "targets-widget" in home and "3</strong> / 120" in home


@pytest.mark.app_config({"LMS_PLUGIN_SETTINGS": {"targets": {"target_per_department": 2}}})
def test_dashboard_shows_date_reached_and_rank(client, login, school):
    school.material(approved_at=school.in_year(3))
    school.material(approved_at=school.in_year(4))
    db.session.commit()
    login("hieutruong")
    page = client.get("/targets/").get_data(as_text=True)
    assert "hạng 1" in page and "được khen thưởng" in page
    assert school.in_year(4).strftime("%d/%m/%Y") in page


def test_department_page_breaks_down_per_teacher(client, login, school):
    school.material(author="gv.tin")
    school.material(author="gv.tin", status="draft")
    db.session.commit()
    login("tp.toan")
    response = client.get("/targets/department")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/targets/department/TOAN")
    page = client.get("/targets/department/TOAN").get_data(as_text=True)
    row = page[page.index("Vũ Đức Anh"):].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split("<td>")[1:]] == ["1", "0", "1", "0"]
    assert client.get("/targets/department/VAN").status_code == 403
    assert client.get("/targets/department/KHONG").status_code == 404


def test_teacher_widget_lists_what_waits_on_them(client, login, school):
    returned = school.material(author="gv.anh", department="ANH", status="returned",
                               title="Bài cần sửa")
    school.material(author="gv.tin", department="ANH", co_authors=("gv.anh",))
    db.session.commit()
    login("gv.anh")
    home = client.get("/").get_data(as_text=True)
    assert "Học liệu của tôi" in home and "Bài cần sửa" in home
    assert f"/materials/{returned.id}" in home
    assert "<strong>1</strong> đã phê duyệt" in home
    login("tt.anh")
    home = client.get("/").get_data(as_text=True)
    assert "Tổ của bạn: 1/30" in home


def test_editing_targets(client, login, school, app):
    from lms.models import AuditLog
    from plugins.targets.models import DepartmentTarget

    login("hieutruong")
    toan, van = school.department("TOAN"), school.department("VAN")
    response = client.post("/targets/settings", data={f"target-{toan.id}": "0"})
    assert response.status_code == 400
    assert "từ 1 đến 1000" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DepartmentTarget)) == 0
    response = client.post("/targets/settings", data={f"target-{toan.id}": "12",
                                                       f"target-{van.id}": ""})
    assert response.status_code == 302
    row = db.session.scalar(sa.select(DepartmentTarget))
    assert (row.department_id, row.target) == (toan.id, 12)
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.event == "targets.changed"))
    assert entry.details["targets"] == {"TOAN": 12}
    page = client.get("/targets/").get_data(as_text=True)
    assert "0 / 12" in page
    client.post("/targets/settings", data={f"target-{toan.id}": ""})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DepartmentTarget)) == 0
