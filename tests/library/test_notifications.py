"""The library's notifications reach the inbox (the notifications plugin's): the unread badge in
the top bar, marking read, the library's links opening from it."""
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Notification, notify

from .conftest import PLUGINS

pytestmark = pytest.mark.plugins(*PLUGINS, "notifications")


def test_inbox_badge_and_mark_read(app, client, login, demo):
    with app.app_context():
        notify([demo["gv.toan"]], "material.approved", "“Phân số” đã được phê duyệt.",
               "/materials/1")
        notify([demo["gv.toan"]], "report.monthly", "Báo cáo tháng đã sẵn sàng.")
        notify([demo["gv.tin"]], "report.monthly", "Của người khác.")
        db.session.commit()
        mine = db.session.scalars(sa.select(Notification.id).where(
            Notification.user_id == demo["gv.toan"]).order_by(Notification.id)).all()
        other = db.session.scalar(sa.select(Notification.id).where(
            Notification.user_id == demo["gv.tin"]))
    login("gv.toan")
    home = client.get("/").get_data(as_text=True)
    assert 'class="notifications-link"' in home and ">2</span>" in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "Phân số" in page and "Báo cáo tháng" in page and "Của người khác" not in page
    response = client.post(f"/notifications/{mine[0]}/read", data={"open": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/materials/1"
    assert ">1</span>" in client.get("/notifications").get_data(as_text=True)
    assert client.post(f"/notifications/{other}/read").status_code == 403
    client.post("/notifications/read-all")
    with app.app_context():
        unread = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.read_at.is_(None)))
    assert unread == 1  # only the other user's
    assert 'class="badge badge-warn"' not in client.get("/notifications").get_data(as_text=True)
