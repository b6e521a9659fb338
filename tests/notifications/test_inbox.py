"""The inbox of every role: unread first then newest, the badge in the top bar, marking one or
all read, opening only links inside the LMS; the settings page."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Notification
from lms.models.base import utcnow
from plugins.notifications import creating
from plugins.notifications.models import Preference
from tests.assignments.conftest import count_queries

from .conftest import user

pytestmark = pytest.mark.plugins("notifications")


def _ids(app, username):
    with app.app_context():
        return db.session.scalars(sa.select(Notification.id).where(
            Notification.user_id == user(username).id).order_by(Notification.id)).all()


@pytest.mark.parametrize("username", ["ph.6a1.01", "hs.6a1.01", "gv.toan", "hieutruong"])
def test_inbox_unread_first_then_newest(app, client, login, demo, username):
    with app.app_context():
        uid = user(username).id
        creating.add([uid], "x", "Cũ đã đọc", "/", created_at=utcnow() - timedelta(days=3))
        creating.add([uid], "x", "Mới nhất đã đọc", "/", created_at=utcnow() - timedelta(hours=1))
        creating.add([uid], "x", "Chưa đọc cũ", "/", created_at=utcnow() - timedelta(days=2))
        creating.add([uid], "x", "Chưa đọc mới", "/", created_at=utcnow() - timedelta(days=1))
        creating.add([user("gv.tin").id], "x", "Của người khác", "/")
        db.session.execute(sa.update(Notification).where(
            Notification.message.in_(["Cũ đã đọc", "Mới nhất đã đọc"])).values(read_at=utcnow()))
        db.session.commit()
    login(username)
    page = client.get("/notifications").get_data(as_text=True)
    order = [page.index(text) for text in
             ("Chưa đọc mới", "Chưa đọc cũ", "Mới nhất đã đọc", "Cũ đã đọc")]
    assert order == sorted(order)
    assert "Của người khác" not in page
    assert 'class="notifications-link"' in page and ">2</span>" in page


def test_mark_read_open_and_read_all(app, client, login, demo):
    with app.app_context():
        creating.add([demo["gv.toan"]], "material.approved", "Đã duyệt", "/materials/1")
        creating.add([demo["gv.toan"]], "x", "Liên kết lạ", "//evil.example/")
        creating.add([demo["gv.tin"]], "x", "Của người khác", None)
        db.session.commit()
    mine, odd = _ids(app, "gv.toan")
    [other] = _ids(app, "gv.tin")
    login("gv.toan")
    response = client.post(f"/notifications/{mine}/read", data={"open": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/materials/1"
    response = client.post(f"/notifications/{odd}/read", data={"open": "1"})
    assert response.headers["Location"] == "/notifications"  # never to another site
    assert client.post(f"/notifications/{other}/read").status_code == 403
    assert client.post("/notifications/999999/read").status_code == 404
    with app.app_context():
        creating.add([demo["gv.toan"]], "x", "Thêm một", None)
        db.session.commit()
    client.post("/notifications/read-all")
    with app.app_context():
        unread = db.session.scalars(sa.select(Notification.user_id).where(
            Notification.read_at.is_(None))).all()
    assert unread == [demo["gv.tin"]]


def test_inbox_runs_the_same_queries_for_3_or_30_notifications(app, client, login, demo):
    def fill(count):
        with app.app_context():
            for number in range(count):
                creating.add([demo["ph.6a1.01"]], "x", f"Thông báo {number}", "/")
            db.session.commit()

    login("ph.6a1.01")
    fill(3)
    client.get("/notifications")
    with count_queries(app) as few:
        client.get("/notifications")
    fill(27)
    with count_queries(app) as many:
        client.get("/notifications")
    assert len(many) == len(few) <= 12, (len(few), len(many))


def test_settings_page_saves_choice_and_address_and_explains_push(app, client, login, demo):
    login("ph.6a1.01")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Cài đặt thông báo" in page and "Thêm vào Màn hình chính" in page
    assert "Android" in page and "Bật thông báo trên máy này" in page
    assert 'selected value="daily"' in page  # parents' default: the evening digest
    bad = client.post("/notifications/settings", data={"email_mode": "daily",
                                                       "email": "khong-phai-email"})
    assert bad.status_code == 400 and "Địa chỉ email không hợp lệ." in bad.get_data(as_text=True)
    wrong = client.post("/notifications/settings", data={"email_mode": "hourly"})
    assert wrong.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(Preference)) is None  # nothing half-written
        assert user("ph.6a1.01").email is None
    ok = client.post("/notifications/settings", data={"email_mode": "weekly",
                                                      "email": " me@example.vn ",
                                                      "push_enabled": "y"})
    assert ok.status_code == 303
    with app.app_context():
        preference = db.session.scalar(sa.select(Preference))
        assert (preference.email_mode, preference.push_enabled) == ("weekly", True)
        assert user("ph.6a1.01").email == "me@example.vn"
    login("gv.toan")
    assert 'selected value="immediate"' in client.get("/notifications/settings").get_data(
        as_text=True)  # staff default: at once (outside quiet hours)
