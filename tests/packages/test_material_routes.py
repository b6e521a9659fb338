"""Who may open a material: the permanent link and the material page, per persona and status."""
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Material, Role
from lms.packages.importer import import_package_file
from tests.route_matrix import AUTHENTICATED, BOARD_AND_ADMIN, Case, check_route_matrix

from .testtype import WITH_TEST_TYPE
from .zips import lesson

pytestmark = [pytest.mark.plugins("testlesson"), pytest.mark.app_config(WITH_TEST_TYPE)]

#: Tổ Toán – Tin's members in the personas; gv.toan is the author.
TOAN = {"tt.toan", "tp.toan", "gv.toan"}


@pytest.fixture
def material_id(app, people, tmp_path):
    with app.app_context():
        material = import_package_file(lesson(tmp_path / "a.zip"), filename="a.zip",
                                       department=people.department("TOAN"),
                                       author=people.user("gv.toan"))
        return material.id


def set_status(app, material_id, status):
    with app.app_context():
        material = db.session.get(Material, material_id)
        material.status = status
        if status == "approved":  # what the library's approval does, without its steps
            material.approved_at = material.created_at
            material.live_version = material.latest_version
        db.session.commit()


def routes(material_id, allowed):
    return {
        "materials.permalink": Case(allowed, {"id": material_id}),
        "materials.detail": Case(allowed, {"id": material_id}),
    }


def test_a_draft_is_seen_by_its_author_department_board_and_admins(app, demo, material_id):
    check_route_matrix(app, demo, routes(material_id, BOARD_AND_ADMIN | TOAN))


def test_an_approved_material_is_seen_by_every_user(app, demo, material_id):
    set_status(app, material_id, "approved")
    check_route_matrix(app, demo, routes(material_id, AUTHENTICATED))


def test_another_departments_teacher_sees_only_approved(app, client, demo, login, material_id):
    login("gv.van")
    assert client.get(f"/m/{material_id}").status_code == 403
    set_status(app, material_id, "approved")
    assert client.get(f"/m/{material_id}").get_data(as_text=True) == "LAUNCH Bài giảng phân số for gv.van"


def test_a_missing_material_is_404_and_a_deleted_one_410_with_a_clear_page(
        app, client, demo, login, material_id):
    login("hieutruong")
    assert client.get("/m/999999").status_code == 404
    with app.app_context():
        material = db.session.get(Material, material_id)
        material.deleted_at = material.created_at
        db.session.commit()
    for url in (f"/m/{material_id}", f"/materials/{material_id}"):
        response = client.get(url)
        assert response.status_code == 410, url
        page = response.get_data(as_text=True)
        assert "Học liệu này đã bị xóa." in page and "Nội dung đã bị xóa" in page
    login("hs.6a1.01")  # a student who never saw it gets the same answer, nothing more
    assert client.get(f"/m/{material_id}").status_code == 410


def test_upload_is_for_teachers_and_the_board(app, demo):
    teaching = {Role.TEACHER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD}
    check_route_matrix(app, demo, {
        "materials.upload": Case(teaching | {Role.PRINCIPAL, Role.VICE_PRINCIPAL})})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Material)) == 0
