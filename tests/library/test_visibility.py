"""One rule for who sees which material, in the library lists and on every page.

Drafts (and returned work) stay with their authors and the department's head and deputy head;
work submitted to or passed by the department is seen by its staff, who review it before the
head passes it (tổ chuyên môn thông qua); approved work by everyone; all of it by the board
and Tổ CNTT. Versions: the live one for whoever sees the material, pending ones for those who
work on it, and the version under review for the department.
"""
import json
import re

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import LearningAttempt, Material, MaterialVersion
from lms.permissions import can_view_material, material_visibility
from plugins.library import approval
from plugins.library.versions import restore_version

from .conftest import PLUGINS, make_file_material, user
from .scorm_zip import scorm_zip

pytestmark = pytest.mark.plugins(*PLUGINS)

APPROVE = (("pass", "tt.toan"), ("approve", "hieutruong"))
#: title -> the approval steps after gv.tin's (or gv.van's) upload
STATES = {
    "HL Nháp": [],
    "HL Chờ tổ": [("submit", "gv.tin")],
    "HL Tổ đã thông qua": [("submit", "gv.tin"), ("pass", "tt.toan")],
    "HL Bị trả lại": [("submit", "gv.tin"), ("return", "tt.toan")],
    "HL Đã duyệt": [("submit", "gv.tin"), *APPROVE],
}
ALL_TOAN = {*STATES, "HL Đang sửa bản mới"}
EVERYONE = {"HL Đã duyệt", "HL Đang sửa bản mới"}
EXPECTED = {
    "hieutruong": ALL_TOAN | {"HL Văn chờ tổ"},
    "admin": ALL_TOAN | {"HL Văn chờ tổ"},
    "tt.toan": ALL_TOAN,
    "tp.toan": ALL_TOAN,
    "gv.tin": ALL_TOAN,  # the author
    "gv.toan": EVERYONE | {"HL Chờ tổ", "HL Tổ đã thông qua"},  # a colleague reviews
    "gv.van": EVERYONE | {"HL Văn chờ tổ"},
    "tt.van": EVERYONE | {"HL Văn chờ tổ"},
    "hs.6a1.01": EVERYONE,
    "ph.6a1.01": EVERYONE,
}


@pytest.fixture
def materials(app, demo, tmp_path):
    """{title: id}: gv.tin's materials of Tổ Toán – Tin in every state, an approved one with a
    draft revision, and gv.van's submitted material of Tổ Ngữ văn."""
    ids = {}
    with app.app_context():
        for title, steps in STATES.items():
            material = make_file_material(tmp_path, author="gv.tin", title=title)
            for action, actor in steps:
                approval.perform(material, action, user(actor), "Sửa lại")
            ids[title] = material.id
        revised = make_file_material(tmp_path, author="gv.tin", title="HL Đang sửa bản mới")
        for action, actor in [("submit", "gv.tin"), *APPROVE]:
            approval.perform(revised, action, user(actor))
        restore_version(revised, revised.latest_version, user("gv.tin"))
        ids["HL Đang sửa bản mới"] = revised.id
        van = make_file_material(tmp_path, author="gv.van", dept="VAN", title="HL Văn chờ tổ")
        approval.perform(van, "submit", user("gv.van"))
        ids["HL Văn chờ tổ"] = van.id
    return ids


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_lists_and_pages_follow_one_rule(app, client, login, materials, username):
    login(username)
    listed = {t for t in materials if f">{t}<" in client.get("/library").get_data(as_text=True)}
    opened = {t for t, i in materials.items() if client.get(f"/materials/{i}").status_code == 200}
    refused = {t for t, i in materials.items() if client.get(f"/m/{i}").status_code == 403}
    assert listed == EXPECTED[username]
    assert opened == EXPECTED[username]
    assert refused == set(materials) - EXPECTED[username]
    with app.app_context():  # the Python check is the SQL condition asked about one row
        someone = user(username)
        in_sql = set(db.session.scalars(sa.select(Material.title).where(
            material_visibility(someone))))
        assert in_sql == EXPECTED[username]
        assert {m.title for m in db.session.scalars(sa.select(Material))
                if can_view_material(someone, m)} == in_sql


def test_a_deleted_material_is_seen_by_nobody_and_says_so(app, client, login, materials):
    with app.app_context():
        material = db.session.get(Material, materials["HL Đã duyệt"])
        material.deleted_at = material.created_at
        db.session.commit()
    for username in ("hieutruong", "gv.tin", "hs.6a1.01"):
        login(username)
        assert "HL Đã duyệt" not in {t for t in materials
                                  if f">{t}<" in client.get("/library").get_data(as_text=True)}
        for url in (f"/m/{materials['HL Đã duyệt']}", f"/materials/{materials['HL Đã duyệt']}",
                    f"/library/materials/{materials['HL Đã duyệt']}/edit"):
            response = client.get(url)
            assert response.status_code == 410, (username, url)
            assert "Học liệu này đã bị xóa." in response.get_data(as_text=True)


def _preview(client, material_id, version_id):
    return client.get(f"/library/materials/{material_id}/versions/{version_id}")


def test_versions_a_colleague_may_preview(app, client, login, materials):
    """The department's staff open the version under review, never another draft."""
    with app.app_context():
        submitted = db.session.get(Material, materials["HL Chờ tổ"]).latest_version.id
        revised = db.session.get(Material, materials["HL Đang sửa bản mới"])
        live, draft = revised.live_version_id, revised.latest_version.id
    login("gv.toan")
    assert _preview(client, materials["HL Chờ tổ"], submitted).status_code == 302
    assert _preview(client, materials["HL Đang sửa bản mới"], live).status_code == 302
    assert _preview(client, materials["HL Đang sửa bản mới"], draft).status_code == 403
    assert client.get(f"/library/files/{materials['HL Đang sửa bản mới']}/{draft}").status_code \
        == 403
    login("tt.toan")
    assert _preview(client, materials["HL Đang sửa bản mới"], draft).status_code == 302
    login("hs.6a1.01")
    assert _preview(client, materials["HL Đang sửa bản mới"], draft).status_code == 403
    assert _preview(client, materials["HL Chờ tổ"], submitted).status_code == 403


# SCORM: the import leaves live_version empty; players choose the version explicitly ------------
@pytest.fixture
def scorm_material(app, demo, tmp_path):
    """gv.toan's SCORM lesson: version 1 approved, version 2 submitted; returns ids."""
    from lms.packages.importer import import_package_file

    with app.app_context():
        author = user("gv.toan")
        material = import_package_file(scorm_zip(tmp_path / "v1.zip", "Phân số (bản 1)"),
                                       filename="v1.zip", department=author.department,
                                       author=author)
        material = db.session.get(Material, material.id)
        assert material.live_version_id is None and material.approved_at is None
        for action, actor in [("submit", "gv.toan"), *APPROVE]:
            approval.perform(material, action, user(actor))
        first = material.latest_version.id
        assert material.live_version_id == first
        import_package_file(scorm_zip(tmp_path / "v2.zip", "Phân số (bản 2)"),
                            filename="v2.zip", department=author.department, author=author,
                            material=material, change_note="Sửa ví dụ")
        material = db.session.get(Material, material.id)
        approval.perform(material, "submit", author)
        assert material.live_version_id == first  # the revision is not live before approval
        return {"id": material.id, "v1": first, "v2": material.latest_version.id}


def _played_version(app, client, url, username):
    """The version of the attempt the player page opened for `url`."""
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, (url, response.status_code)
    found = re.search(r'<script type="application/json" id="scorm-config">(.*?)</script>',
                      response.get_data(as_text=True), re.DOTALL)
    with app.app_context():
        attempt = db.session.get(LearningAttempt, json.loads(found.group(1))["attempt"])
        assert attempt.user_id == user(username).id
        return attempt.version_id


@pytest.mark.plugins("library", "scorm")
def test_scorm_plays_the_live_version_and_previews_a_pending_one(app, client, login,
                                                                  scorm_material):
    ids = scorm_material
    preview = f"/library/materials/{ids['id']}/versions/{ids['v2']}"
    for approver in ("tt.toan", "hieutruong"):
        login(approver)
        assert _played_version(app, client, preview, approver) == ids["v2"]
        # the permanent link keeps playing the approved version, even after a preview
        assert _played_version(app, client, f"/m/{ids['id']}", approver) == ids["v1"]
        assert _played_version(app, client, preview, approver) == ids["v2"]
    login("hs.6a1.01")
    assert _played_version(app, client, f"/m/{ids['id']}", "hs.6a1.01") == ids["v1"]
    assert client.get(preview).status_code == 403
    assert client.get(f"/scorm/play/{ids['id']}?version={ids['v2']}").status_code == 403
    assert client.get(f"/scorm/play/{ids['id']}?version=999999").status_code == 404
    with app.app_context():  # every attempt is tied to the version it played
        attempts = db.session.scalars(sa.select(LearningAttempt)).all()
        assert {a.version_id for a in attempts} == {ids["v1"], ids["v2"]}
        assert all(db.session.get(MaterialVersion, a.version_id).material_id == ids["id"]
                   for a in attempts)


@pytest.mark.plugins("library", "scorm", "xerte")
@pytest.mark.parametrize("kind, player", [("web", "/xerte/play/"), ("scorm12", "/scorm/play/")])
def test_xerte_import_waits_for_approval_and_previews_a_pending_version(
        app, demo, client, login, tmp_path, kind, player):
    from lms.packages.importer import import_package_file
    from tests.xerte.conftest import xerte_zip

    with app.app_context():
        author = user("gv.toan")
        material = import_package_file(xerte_zip(tmp_path / "v1.zip", kind), filename="v1.zip",
                                       department=author.department, author=author)
        material = db.session.get(Material, material.id)
        assert material.live_version_id is None
        for action, actor in [("submit", "gv.toan"), *APPROVE]:
            approval.perform(material, action, user(actor))
        import_package_file(xerte_zip(tmp_path / "v2.zip", kind), filename="v2.zip",
                            department=author.department, author=author, material=material,
                            change_note="Thêm trang")
        material = db.session.get(Material, material.id)
        ids = {"id": material.id, "v1": material.live_version_id,
               "v2": material.latest_version.id}
    login("tt.toan")
    preview = client.get(f"/library/materials/{ids['id']}/versions/{ids['v2']}")
    assert preview.status_code == 302
    assert preview.location.endswith(f"{player}{ids['id']}?version={ids['v2']}")
    assert client.get(preview.location).status_code == 200
    assert client.get(f"/m/{ids['id']}", follow_redirects=True).status_code == 200
    with app.app_context():
        played = set(db.session.scalars(sa.select(LearningAttempt.version_id).where(
            LearningAttempt.user_id == user("tt.toan").id)))
        assert played == {ids["v1"], ids["v2"]}
    login("hs.6a1.01")
    assert client.get(f"{player}{ids['id']}?version={ids['v2']}").status_code == 403
