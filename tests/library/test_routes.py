"""The library's routes in the role × route matrix."""
import tempfile
from pathlib import Path

import pytest

from lms.extensions import db
from lms.models import Material, Role
from plugins.library import approval
from tests.route_matrix import (
    AUTHENTICATED,
    BOARD,
    BOARD_AND_ADMIN,
    CORE_ROUTES,
    TEACHING,
    Case,
    Sample,
    assert_routes_declared,
    check_route_matrix,
)

from .conftest import PLUGINS, make_file_material, user

pytestmark = pytest.mark.plugins(*PLUGINS)

APPROVERS = {Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.PRINCIPAL, Role.VICE_PRINCIPAL}
#: who sees a draft of gv.toan: the author, the heads of Tổ Toán – Tin, the board and Tổ CNTT
DRAFT_READERS = BOARD_AND_ADMIN | {"gv.toan", "tt.toan", "tp.toan"}
#: who sees a draft of gv.tin (not a persona): gv.toan, a colleague, does not
COLLEAGUES_DRAFT_READERS = BOARD_AND_ADMIN | {"tt.toan", "tp.toan"}
#: who sees gv.tin's work once submitted: the department's staff review it (thông qua)
UNDER_REVIEW_READERS = COLLEAGUES_DRAFT_READERS | {"gv.toan"}
SUBMITTED_BY_COLLEAGUE = (("submit", "gv.tin"),)


def _material(author: str, *steps: tuple[str, str]) -> Sample:
    def build(_demo):
        with tempfile.TemporaryDirectory() as folder:
            material = make_file_material(Path(folder), author=author)
        for action, actor in steps:
            approval.perform(material, action, user(actor))
        return material.id

    return Sample(build)


def _version_pair(author: str, *steps) -> dict:
    """URL values {id, version_id} of a new material's newest version."""
    def build(_demo):
        with tempfile.TemporaryDirectory() as folder:
            material = make_file_material(Path(folder), author=author)
        for action, actor in steps:
            approval.perform(material, action, user(actor))
        return material

    cache = {}  # the material id, made first, for the version id resolved after it

    def material_id(demo):
        cache["id"] = build(demo).id
        return cache["id"]

    def version_id(_demo):
        return db.session.get(Material, cache["id"]).latest_version.id

    return {"id": Sample(material_id), "version_id": Sample(version_id)}


APPROVED = (("submit", "gv.toan"), ("pass", "tt.toan"), ("approve", "hieutruong"))


LIBRARY_ROUTES = {
    "library.index": Case(AUTHENTICATED),
    "library.department": Case(AUTHENTICATED, {"code": "TOAN"}),
    "library.waiting": Case(APPROVERS),
    "library.act": [
        Case({"gv.toan"}, {"id": _material("gv.toan"), "action": "submit"}, method="POST"),
        Case({"tt.toan"}, {"id": _material("gv.toan", ("submit", "gv.toan")), "action": "pass"},
             method="POST", note="the head passes; the deputy only the head's own materials"),
        Case(BOARD, {"id": _material("gv.toan", ("submit", "gv.toan"), ("pass", "tt.toan")),
                     "action": "approve"}, method="POST",
             note="the second board member finds it approved: a message, not a refusal"),
        Case({"tt.toan"}, {"id": _material("gv.toan", ("submit", "gv.toan")),
                           "action": "return"}, method="POST", data={"reason": "Sửa lại"}),
        Case({"gv.toan"}, {"id": _material("gv.toan", ("submit", "gv.toan")),
                           "action": "withdraw"}, method="POST"),
    ],
    # Deleting changes what the next persona finds: checked per persona in test_delete_rights.
    "library.delete": [],
    "library.edit": Case(BOARD | {"gv.toan"}, {"id": _material("gv.toan")}),
    "library.new_version": Case({"gv.toan"}, {"id": _material("gv.toan")}),
    "library.new_version_report": Case({"gv.toan"}, {"id": _material("gv.toan"),
                                                     "token": "khong-co"}, absent_ok=True),
    "library.restore": Case({"gv.toan"}, _version_pair("gv.toan"), method="POST"),
    "library.preview": [
        Case(AUTHENTICATED, _version_pair("gv.toan", *APPROVED), note="the live version"),
        Case(DRAFT_READERS, _version_pair("gv.toan")),
        Case(COLLEAGUES_DRAFT_READERS, _version_pair("gv.tin")),
        Case(UNDER_REVIEW_READERS, _version_pair("gv.tin", *SUBMITTED_BY_COLLEAGUE)),
    ],
    "library.upload_file": [
        Case(TEACHING | BOARD),
        Case(TEACHING | BOARD, method="POST", note="no file: a message, nothing stored"),
    ],
    "library.file_view": [
        Case(AUTHENTICATED, _version_pair("gv.toan", *APPROVED)),
        Case(DRAFT_READERS, _version_pair("gv.toan")),
        Case(COLLEAGUES_DRAFT_READERS, _version_pair("gv.tin")),
        Case(UNDER_REVIEW_READERS, _version_pair("gv.tin", *SUBMITTED_BY_COLLEAGUE)),
    ],
    "library.file_raw": [
        Case(AUTHENTICATED, _version_pair("gv.toan", *APPROVED)),
        Case(DRAFT_READERS, _version_pair("gv.toan")),
        Case(COLLEAGUES_DRAFT_READERS, _version_pair("gv.tin")),
        Case(UNDER_REVIEW_READERS, _version_pair("gv.tin", *SUBMITTED_BY_COLLEAGUE)),
    ],
}


def test_every_library_route_is_declared(app):
    assert_routes_declared(app, CORE_ROUTES, LIBRARY_ROUTES)


def test_library_routes_for_every_persona(app, demo):
    check_route_matrix(app, demo, LIBRARY_ROUTES)


@pytest.mark.parametrize("username, allowed", [
    ("gv.toan", True), ("hieutruong", True), ("phohieutruong", True), ("tt.toan", False),
    ("gv.tin", False), ("admin", False), ("hs.6a1.01", False),
])
def test_delete_rights(app, client, login, make_material, step, username, allowed):
    draft = make_material("gv.toan")
    login(username)
    status = client.post(f"/library/materials/{draft}/delete").status_code
    assert (status == 303) is allowed, status
    approved = make_material("gv.toan")
    for action, actor in APPROVED:
        step(approved, action, actor)
    status = client.post(f"/library/materials/{approved}/delete").status_code
    assert (status == 303) is (allowed and username != "gv.toan"), status
