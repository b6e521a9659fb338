"""Revisions: a new version goes through approval while the approved one stays live; the
permanent link never changes; earlier versions are listed and restorable."""
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Material, MaterialVersion

from .conftest import PLUGINS

pytestmark = pytest.mark.plugins(*PLUGINS)


def approve(step, material_id, author="gv.toan"):
    step(material_id, "submit", author)
    step(material_id, "pass", "tt.toan")
    step(material_id, "approve", "hieutruong")


def upload_new_version(client, material_id, data=b"%PDF-1.4 v2\n%%EOF\n", note="Sửa trang 3"):
    response = client.post(f"/library/materials/{material_id}/new-version",
                           data=data, content_type="application/octet-stream",
                           headers={"X-Upload-Filename": "bai-v2.pdf",
                                    "Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    report_url = response.get_json()["report_url"]
    assert "bai-v2.pdf" in client.get(report_url).get_data(as_text=True)
    return client.post(report_url, data={"change_note": note})


def live_file(client, material_id):
    """Follow the permanent link to the file page and return the shown version number."""
    response = client.get(f"/m/{material_id}")
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_revision_stays_pending_while_the_approved_version_is_live(app, client, login,
                                                                     make_material, step):
    material_id = make_material("gv.toan")
    approve(step, material_id)
    with app.app_context():
        material = db.session.get(Material, material_id)
        first_version, first_approved_at = material.live_version_id, material.approved_at
    login("gv.toan")
    response = upload_new_version(client, material_id)
    assert response.status_code == 303
    with app.app_context():
        material = db.session.get(Material, material_id)
        assert [v.number for v in material.versions] == [1, 2]
        assert material.latest_version.change_note == "Sửa trang 3"
        assert material.status == "draft" and material.live_version_id == first_version
    login("hs.6a1.01")
    assert live_file(client, material_id).endswith(f"/{first_version}")
    step(material_id, "submit", "gv.toan")
    step(material_id, "pass", "tt.toan")
    login("hs.6a1.01")  # still the approved version while the revision waits
    assert client.get(f"/materials/{material_id}").status_code == 200
    assert live_file(client, material_id).endswith(f"/{first_version}")
    step(material_id, "approve", "phohieutruong")
    with app.app_context():
        material = db.session.get(Material, material_id)
        second = material.latest_version.id
        assert material.live_version_id == second
        assert material.approved_at == first_approved_at  # counted from the first approval
    assert live_file(client, material_id).endswith(f"/{second}")
    assert client.get(f"/library/files/{material_id}/{first_version}").status_code == 403


def test_a_student_cannot_preview_a_pending_version(app, client, login, make_material, step):
    material_id = make_material("gv.toan")
    approve(step, material_id)
    login("gv.toan")
    upload_new_version(client, material_id)
    with app.app_context():
        pending = db.session.get(Material, material_id).latest_version.id
    assert client.get(f"/library/files/{material_id}/{pending}").status_code == 200
    login("tt.toan")
    assert client.get(f"/library/materials/{material_id}/versions/{pending}").status_code == 302
    login("hs.6a1.01")
    assert client.get(f"/library/files/{material_id}/{pending}").status_code == 403
    assert client.get(f"/library/materials/{material_id}/versions/{pending}").status_code == 403
    assert client.get(f"/library/files/{material_id}/{pending}/raw").status_code == 403


def test_a_new_version_needs_a_note_and_the_same_format(app, client, login, make_material):
    material_id = make_material("gv.toan")
    login("gv.toan")
    response = upload_new_version(client, material_id, note="  ")
    assert response.status_code == 400
    assert "thay đổi gì" in response.get_data(as_text=True)
    login("gv.tin")  # not an author
    assert client.get(f"/library/materials/{material_id}/new-version").status_code == 403


def test_restoring_makes_a_new_version_sharing_the_files(app, client, login, make_material,
                                                         step):
    material_id = make_material("gv.toan")
    approve(step, material_id)
    login("gv.toan")
    upload_new_version(client, material_id)
    with app.app_context():
        first = db.session.get(Material, material_id).versions[0]
        first_id, first_digest = first.id, first.source_digest
    response = client.post(f"/library/materials/{material_id}/versions/{first_id}/restore")
    assert response.status_code == 303
    with app.app_context():
        material = db.session.get(Material, material_id)
        restored = material.latest_version
        assert restored.number == 3 and restored.status == "draft"
        assert restored.source_digest == first_digest
        assert material.live_version_id == first_id
    page = client.get(f"/materials/{material_id}").get_data(as_text=True)
    assert "Khôi phục phiên bản cũ" in page and "Khôi phục từ phiên bản 1" in page


@pytest.mark.plugins("library", "scorm")
def test_restoring_a_scorm_version_copies_its_package_rows(app, demo, tmp_path):
    from lms.packages.importer import import_package_file
    from plugins.library.versions import restore_version
    from plugins.scorm.models import ScormPackage
    from tests.library.conftest import department, user
    from tests.library.scorm_zip import scorm_zip

    with app.app_context():
        path = scorm_zip(tmp_path / "lesson.zip")
        material = import_package_file(path, filename="lesson.zip",
                                       department=department("TOAN"),
                                       author=user("gv.toan"))
        material = import_package_file(scorm_zip(tmp_path / "v2.zip", title="Bản 2"),
                                       filename="v2.zip", department=department("TOAN"),
                                       author=user("gv.toan"), material=material,
                                       change_note="Bản 2")
        assert [v.number for v in material.versions] == [1, 2]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Material)) == 1
        restored = restore_version(material, material.versions[0], user("gv.toan"))
        old = db.session.scalar(sa.select(ScormPackage).where(
            ScormPackage.version_id == material.versions[0].id))
        new = db.session.scalar(sa.select(ScormPackage).where(
            ScormPackage.version_id == restored.id))
        assert new.id != old.id
        assert [s.identifier for s in new.scos] == [s.identifier for s in old.scos]
        assert sorted((f.path, f.digest) for f in new.files) == \
            sorted((f.path, f.digest) for f in old.files)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MaterialVersion)) == 3
