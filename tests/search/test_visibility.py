"""Contract: search finds exactly what `lms.permissions.material_visibility` lets each user see
(and the text of a version under revision only for those `can_view_version` lets see it), on
every backend."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Material, MaterialVersion
from lms.models.base import utcnow
from lms.permissions import can_view_version, material_visibility
from plugins.search.query import Scope, SearchRequest

from .conftest import PLUGINS, plugin, user

pytestmark = pytest.mark.plugins(*PLUGINS)

PERSONAS = ("admin", "hieutruong", "tt.toan", "tp.toan", "gv.toan", "gv.tin", "gv.van",
            "hs.6a1.01", "ph.6a1.01")


@pytest.fixture
def materials(app, add):
    """One material in each state, all holding the word "chung"; the revised one's pending
    version also holds "moimoi"."""
    made = {
        "draft by gv.tin": add("Nháp", author="gv.tin", status="draft", text="chung"),
        "submitted by gv.tin": add("Chờ duyệt", author="gv.tin", status="submitted",
                                   text="chung"),
        "passed": add("Đã thông qua", status="passed", text="chung"),
        "approved": add("Đã duyệt", text="chung"),
        "returned": add("Trả lại", status="returned", text="chung"),
        "other draft": add("Nháp Văn", author="gv.van", dept="VAN", status="draft",
                           text="chung"),
        "other submitted": add("Chờ duyệt Văn", author="gv.van", dept="VAN",
                               status="submitted", text="chung"),
        "other approved": add("Đã duyệt Văn", author="gv.van", dept="VAN", text="chung"),
        "deleted": add("Đã xóa", text="chung"),
        "revised": add("Đang sửa", author="gv.tin", text="chung"),
    }
    with app.app_context():
        db.session.get(Material, made["deleted"]).deleted_at = utcnow()
        revised = db.session.get(Material, made["revised"])
        # a new version under review; the approved one stays live
        db.session.add(MaterialVersion(material=revised, number=2,
                                       content_type=revised.content_type,
                                       created_by=revised.author, status="submitted",
                                       extracted_text="chung moimoi"))
        revised.status = "submitted"
        db.session.commit()
    return made


def found(app, username: str, text: str) -> set[int]:
    with app.app_context():
        scope = Scope.for_user(user(username))
        page = plugin(app).backend.search(SearchRequest(text=text, scope=scope, per_page=100))
        assert page.total == len(page.hits)  # counts never include hidden materials
        return set(page.ids)


def test_search_scope_is_material_visibility(app, engine, materials, sync):
    sync()
    for username in PERSONAS:
        with app.app_context():
            visible = set(db.session.scalars(sa.select(Material.id).where(
                Material.id.in_(materials.values()), material_visibility(user(username)))))
        assert found(app, username, "chung") == visible, username
        assert found(app, username, "") == visible, username


def test_pending_version_text_follows_can_view_version(app, engine, materials, sync):
    sync()
    revised_id = materials["revised"]
    seen_by = set()
    for username in PERSONAS:
        with app.app_context():
            revised = db.session.get(Material, revised_id)
            if can_view_version(user(username), revised, revised.latest_version):
                seen_by.add(username)
        assert (revised_id in found(app, username, "moimoi")) == (username in seen_by), username
        assert (revised_id in found(app, username, '"chung moimoi"')) == (username in seen_by)
        # the live version's text stays findable by everyone who sees the material
        assert revised_id in found(app, username, "chung"), username
    # not vacuous: the pending text is hidden from some and shown to others
    assert {"admin", "gv.tin", "tt.toan"} <= seen_by and "hs.6a1.01" not in seen_by
