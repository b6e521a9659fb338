"""The approval flow through the service and the pages, for each role."""
import pytest
import sqlalchemy as sa

from lms import signals
from lms.extensions import db
from lms.models import AuditLog, Material, MaterialAuthor, Notification
from plugins.library import approval
from plugins.library.approval import ApprovalError, next_status
from plugins.library.models import ApprovalStep

from .conftest import PLUGINS, user

pytestmark = pytest.mark.plugins(*PLUGINS)


@pytest.mark.parametrize("current, action, expected", [
    ("draft", "submit", "submitted"), ("returned", "submit", "submitted"),
    ("submitted", "pass", "passed"), ("passed", "approve", "approved"),
    ("submitted", "return", "returned"), ("passed", "return", "returned"),
    ("submitted", "withdraw", "draft"),
])
def test_state_machine_allows(current, action, expected):
    assert next_status(current, action) == expected


@pytest.mark.parametrize("current, action", [
    ("draft", "pass"), ("draft", "approve"), ("submitted", "approve"), ("approved", "submit"),
    ("approved", "return"), ("draft", "return"), ("passed", "pass"), ("draft", "fly"),
])
def test_state_machine_refuses(current, action):
    with pytest.raises(ApprovalError):
        next_status(current, action)


def test_submit_pass_approve_through_the_pages(app, client, login, make_material):
    material_id = make_material("gv.toan")
    received = []

    def on_approved(sender, material, actor, **kwargs):
        received.append((material.id, actor.username))

    signals.material_approved.connect(on_approved, sender=app)
    try:
        login("gv.toan")
        assert client.post(f"/library/materials/{material_id}/submit").status_code == 303
        login("tt.toan")
        assert client.post(f"/library/materials/{material_id}/pass").status_code == 303
        login("hieutruong")
        assert client.post(f"/library/materials/{material_id}/approve").status_code == 303
    finally:
        signals.material_approved.disconnect(on_approved, sender=app)
    assert received == [(material_id, "hieutruong")]
    with app.app_context():
        material = db.session.get(Material, material_id)
        version = material.latest_version
        assert material.status == version.status == "approved"
        assert material.live_version_id == version.id
        assert material.approved_at == version.approved_at is not None
        assert version.submitted_at is not None
        steps = db.session.scalars(sa.select(ApprovalStep).order_by(ApprovalStep.id)).all()
        assert [(s.action, s.actor.username) for s in steps] == [
            ("submit", "gv.toan"), ("pass", "tt.toan"), ("approve", "hieutruong")]
        events = set(db.session.scalars(sa.select(AuditLog.event).where(
            AuditLog.target_id == material_id, AuditLog.target_type == "material")))
        assert {"material.submitted", "material.passed", "material.approved"} <= events


def test_the_vice_principal_approves_too(app, make_material, step):
    material_id = make_material("gv.toan")
    step(material_id, "submit", "gv.toan")
    step(material_id, "pass", "tt.toan")
    assert step(material_id, "approve", "phohieutruong") == "approve"


def test_return_needs_a_reason_the_author_sees_it_and_resubmits(app, client, login,
                                                               make_material, step):
    material_id = make_material("gv.toan", title="Phân số")
    step(material_id, "submit", "gv.toan")
    login("tt.toan")
    response = client.post(f"/library/materials/{material_id}/return", data={"reason": " "},
                           follow_redirects=True)
    assert "Hãy ghi lý do trả lại" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Material, material_id).status == "submitted"
    client.post(f"/library/materials/{material_id}/return",
                data={"reason": "Thiếu phần luyện tập"})
    login("gv.toan")
    page = client.get(f"/materials/{material_id}").get_data(as_text=True)
    assert "Thiếu phần luyện tập" in page and "Bị trả lại" in page
    with app.app_context():
        messages = db.session.scalars(sa.select(Notification.message).where(
            Notification.user_id == user("gv.toan").id)).all()
    assert any("Thiếu phần luyện tập" in m and "bị trả lại" in m for m in messages)
    assert client.post(f"/library/materials/{material_id}/submit").status_code == 303
    step(material_id, "pass", "tt.toan")
    step(material_id, "return", "hieutruong", "Sai chính tả trang 2")  # the board returns too
    step(material_id, "submit", "gv.toan")
    step(material_id, "pass", "tt.toan")
    step(material_id, "approve", "hieutruong")
    with app.app_context():
        assert db.session.get(Material, material_id).status == "approved"


@pytest.mark.parametrize("actor, action", [
    ("gv.toan", "pass"), ("tp.toan", "pass"), ("hieutruong", "pass"),
    ("tt.van", "pass"), ("hs.6a1.01", "pass"), ("gv.tin", "submit"),
])
def test_who_may_not_pass_an_ordinary_material(app, make_material, step, actor, action):
    material_id = make_material("gv.toan")
    step(material_id, "submit", "gv.toan")
    with pytest.raises(ApprovalError) as refused:
        step(material_id, action, actor)
    assert refused.value.forbidden


def test_nobody_approves_or_passes_their_own_material(app, client, login, make_material,
                                                      step):
    material_id = make_material("tp.toan")
    with app.app_context():  # the head co-authors it: the deputy is its author, the head too
        db.session.add(MaterialAuthor(material_id=material_id, user_id=user("hieutruong").id))
        db.session.commit()
    step(material_id, "submit", "tp.toan")
    for username in ("tp.toan", "hieutruong"):
        with pytest.raises(ApprovalError, match="tác giả"):
            step(material_id, "pass", username)
    step(material_id, "pass", "tt.toan")
    login("hieutruong")
    response = client.post(f"/library/materials/{material_id}/approve")
    assert response.status_code == 403
    assert "tác giả" in response.get_data(as_text=True)
    step(material_id, "approve", "phohieutruong")


def test_a_heads_own_material_is_passed_by_the_deputy_or_the_board(app, make_material, step):
    own = make_material("tt.toan")
    step(own, "submit", "tt.toan")
    with pytest.raises(ApprovalError):
        step(own, "pass", "tt.toan")
    with pytest.raises(ApprovalError):
        step(own, "pass", "gv.toan")
    step(own, "pass", "tp.toan")
    step(own, "approve", "hieutruong")
    other = make_material("tt.toan")
    step(other, "submit", "tt.toan")
    step(other, "pass", "phohieutruong")
    with pytest.raises(ApprovalError):  # the vice principal passed it: still may approve? no —
        step(other, "pass", "hieutruong")  # it is already passed
    step(other, "approve", "hieutruong")


def test_withdraw_back_to_draft_by_the_author_only(app, make_material, step):
    material_id = make_material("gv.toan")
    step(material_id, "submit", "gv.toan")
    with pytest.raises(ApprovalError):
        step(material_id, "withdraw", "tt.toan")
    step(material_id, "withdraw", "gv.toan")
    with app.app_context():
        assert db.session.get(Material, material_id).status == "draft"


def test_notifications_go_to_the_next_approver_and_the_authors(app, make_material, step):
    material_id = make_material("gv.toan", title="Hình tam giác")

    def inbox(username):
        with app.app_context():
            return db.session.scalars(sa.select(Notification.kind).where(
                Notification.user_id == user(username).id)).all()

    step(material_id, "submit", "gv.toan")
    assert inbox("tt.toan") == ["material.waiting"]
    assert inbox("hieutruong") == [] and inbox("tp.toan") == []
    step(material_id, "pass", "tt.toan")
    assert inbox("hieutruong") == ["material.waiting"]
    assert inbox("phohieutruong") == ["material.waiting"]
    assert inbox("gv.toan") == ["material.passed"]
    step(material_id, "approve", "phohieutruong")
    assert inbox("gv.toan") == ["material.passed", "material.approved"]
    own = make_material("tt.toan")
    step(own, "submit", "tt.toan")
    assert inbox("tp.toan") == ["material.waiting"]
    assert inbox("hieutruong").count("material.waiting") == 2


def test_the_timeline_shows_every_step_with_who_when_and_comment(app, client, login,
                                                                 make_material, step):
    material_id = make_material("gv.toan")
    step(material_id, "submit", "gv.toan")
    step(material_id, "return", "tt.toan", "Thêm câu hỏi cuối bài")
    step(material_id, "submit", "gv.toan")
    step(material_id, "pass", "tt.toan", "Tốt")
    login("tt.toan")
    page = client.get(f"/materials/{material_id}").get_data(as_text=True)
    timeline = page[page.index("Lịch sử duyệt"):]
    for text in ("Gửi duyệt", "Trả lại", "Thêm câu hỏi cuối bài", "Thông qua", "Tốt",
                 "Lê Minh Tuấn", "Phạm Thu Trang"):
        assert text in timeline
    assert timeline.count('class="timeline-step') == 4
    login("hs.6a1.01")
    assert client.get(f"/materials/{material_id}").status_code == 403


def test_a_deleted_material_cannot_be_acted_on(app, make_material, step, client, login):
    material_id = make_material("gv.toan")
    login("gv.toan")
    assert client.post(f"/library/materials/{material_id}/delete").status_code == 303
    assert client.get(f"/m/{material_id}").status_code == 410
    with app.app_context(), pytest.raises(ApprovalError):
        approval.perform(db.session.get(Material, material_id), "submit", user("gv.toan"))
