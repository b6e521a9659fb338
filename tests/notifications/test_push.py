"""Web push: a browser subscribes, the sender pushes once per user with a payload that carries no
name, title or grade (checked on the encrypted body the push service would receive, decrypted with
the browser's key), gone subscriptions are forgotten, the VAPID key is made once and kept private.
Only the network POST is replaced."""
import base64
import json
import os
import stat

import http_ece
import pytest
import requests
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from lms.extensions import db
from lms.models.base import utcnow
from plugins.notifications.models import Delivery, PushSubscription
from tests.assignments.conftest import publish_task, submission_of

from .conftest import PLUGINS, run_sender, user

pytestmark = pytest.mark.plugins(*PLUGINS)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Browser:
    """A browser's push subscription: its own key pair and auth secret, as the Push API makes."""

    def __init__(self, endpoint: str):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint

    def subscription(self) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "keys": {"p256dh": _b64(public),
                                                    "auth": _b64(self.auth)}}

    def read(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.private_key,
                                           auth_secret=self.auth, version="aes128gcm"))


@pytest.fixture
def push_service(monkeypatch):
    """The push service's side of the network: records each POST, answers `status`."""
    import pywebpush

    calls = []
    answers = {"status": 201}

    def post(url, data=None, headers=None, timeout=None, **_kwargs):
        calls.append({"url": url, "body": data, "headers": headers})
        response = requests.Response()
        response.status_code, response._content = answers["status"], b""
        return response

    monkeypatch.setattr(pywebpush.requests, "post", post)
    return calls, answers


def _returned_grade(app) -> dict:
    from plugins.assignments import grading

    with app.app_context():
        task = publish_task(title="Phương trình bậc nhất")
        work = submission_of(task, "hs.6a1.01")
        grading.save_grade(work, expected_version=work.version, actor=user("gv.toan"),
                           score="7.5", comment="Cần trình bày rõ hơn")
        grading.release([work], user("gv.toan"))
        db.session.commit()
        return {"name": user("hs.6a1.01").full_name, "title": "Phương trình bậc nhất"}


def test_push_carries_no_personal_data(app, demo, client, login, push_service):
    calls, _answers = push_service
    browser = Browser("https://push.example.net/send/abc123")
    login("ph.6a1.01")
    response = client.post("/notifications/push/subscribe", json=browser.subscription())
    assert response.status_code == 200 and response.json["ok"]
    secrets_ = _returned_grade(app)

    with app.app_context():
        from lms.models import Notification
        from plugins.notifications.push import payload_for

        about_grade = db.session.scalar(sa.select(Notification).where(
            Notification.user_id == user("ph.6a1.01").id,
            Notification.kind == "assignment.returned"))
        built = payload_for(about_grade)
    summary = run_sender(app, utcnow())
    assert summary.pushes == 1 and len(calls) == 1  # one push per user and run
    [call] = calls
    assert call["url"] == browser.endpoint
    assert call["headers"]["content-encoding"] == "aes128gcm"
    received = browser.read(call["body"])
    assert received == json.loads(built) == {
        "title": "Có thông báo mới", "body": "Mở ứng dụng để xem.", "url": "/notifications"}
    for text in (built, json.dumps(received, ensure_ascii=False)):
        for secret in (secrets_["name"], secrets_["title"], "7,5", "7.5", "Cần trình bày"):
            assert secret not in text
    run_sender(app, utcnow())
    assert len(calls) == 1  # sent once


def test_gone_subscription_is_forgotten_and_no_device_is_skipped(app, demo, client, login,
                                                                 push_service):
    calls, answers = push_service
    login("ph.6a1.01")
    client.post("/notifications/push/subscribe",
                json=Browser("https://push.example.net/send/gone").subscription())
    answers["status"] = 410
    _returned_grade(app)
    run_sender(app, utcnow())
    assert len(calls) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PushSubscription.id))) == 0
        statuses = set(db.session.scalars(sa.select(Delivery.status).where(
            Delivery.channel == "push")))
    assert statuses == {"skipped"}


def test_subscribe_refuses_bad_input_and_unsubscribe_is_per_user(app, demo, client, login):
    login("ph.6a1.01")
    assert client.post("/notifications/push/subscribe", json={"endpoint": "x"}).status_code == 400
    assert client.post("/notifications/push/subscribe", data="no json").status_code == 400
    browser = Browser("https://push.example.net/send/mine")
    assert client.post("/notifications/push/subscribe",
                       json=browser.subscription()).status_code == 200
    login("gv.toan")
    client.post("/notifications/push/unsubscribe", json={"endpoint": browser.endpoint})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PushSubscription.id))) == 1
    login("ph.6a1.01")
    client.post("/notifications/push/unsubscribe", json={"endpoint": browser.endpoint})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(PushSubscription.id))) == 0


def test_vapid_key_is_generated_once_and_private(app, tmp_path):
    from plugins.notifications import push

    with app.app_context():
        first = push.public_key()
        second = push.public_key()
    key_file = tmp_path / "data" / "vapid_private.pem"
    assert first == second and len(base64.urlsafe_b64decode(first + "==")) == 65
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_manifest_and_service_worker(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.json["name"] == "Học liệu số" and manifest.json["scope"] == "/"
    for icon in manifest.json["icons"]:
        response = client.get(icon["src"])
        response.close()
        assert response.status_code == 200
    worker = client.get("/sw.js")
    assert worker.headers["Service-Worker-Allowed"] == "/"
    assert "showNotification" in worker.get_data(as_text=True)
    worker.close()


def test_every_page_names_the_manifest_so_the_app_installs_anywhere(client):
    page = client.get("/login").get_data(as_text=True)
    assert page.count('<link rel="manifest" href="/manifest.webmanifest">') == 1
