"""Accounts: hashing, throttling, cookies, forced password change, disabled accounts, audit."""
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import AuditLog, User
from lms.seed import DEMO_PASSWORD

WAIT_MESSAGE = "Bạn đã thử quá nhiều lần. Vui lòng đợi một lát rồi thử lại."


def _update_user(app, username, **changes):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        for key, value in changes.items():
            setattr(user, key, value)
        db.session.commit()


def _events(app, event):
    with app.app_context():
        return db.session.scalars(sa.select(AuditLog).where(AuditLog.event == event)
                                  .order_by(AuditLog.id)).all()


def test_passwords_are_hashed_with_scrypt(app, demo):
    with app.app_context():
        user = db.session.get(User, demo["gv.toan"])
        user.set_password("mat-khau-moi-2026")
        assert user.password_hash.startswith("scrypt:")
        assert "mat-khau-moi-2026" not in user.password_hash
        assert user.check_password("mat-khau-moi-2026")
        assert not user.check_password("mat-khau-moi-2025")


@pytest.mark.app_config({"LMS_LOGIN_LIMIT": "3 per minute"})
def test_login_is_throttled_per_address(client, demo):
    for username in ("gv.toan", "gv.van", "gv.anh"):
        response = client.post("/login", data={"username": username, "password": "sai"})
        assert response.status_code == 200
    # A fourth try from the same address is refused, even for another account, even if right.
    blocked = client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD})
    assert blocked.status_code == 429
    assert WAIT_MESSAGE in blocked.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # only attempts count, not the page


@pytest.mark.app_config({"LMS_LOGIN_LIMIT": "3 per minute"})
def test_login_is_throttled_per_username_across_addresses(app, demo):
    def attempt(address, username, password="sai"):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client.post("/login", data={"username": username, "password": password})

    for number in range(3):
        assert attempt(f"10.0.0.{number}", "GV.Toan").status_code == 200
    assert attempt("10.0.0.9", "gv.toan", DEMO_PASSWORD).status_code == 429
    assert attempt("10.0.0.9", "gv.van", DEMO_PASSWORD).status_code == 302


def _cookie_headers(response, name):
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]


def test_session_and_remember_cookies_are_httponly_and_lax(client, demo):
    response = client.post("/login", data={"username": "gv.toan", "password": DEMO_PASSWORD,
                                           "remember": "y"})
    for name in ("session", "remember_token"):
        [header] = _cookie_headers(response, name)
        assert "HttpOnly" in header
        assert "SameSite=Lax" in header
        assert "Secure" not in header  # plain http in development


@pytest.fixture
def https(monkeypatch):
    """Requested before `app`, so the app is built with LMS_HTTPS=1."""
    monkeypatch.setenv("LMS_HTTPS", "1")


def test_cookies_are_secure_behind_https(https, app, demo):
    client = app.test_client()
    response = client.post("/login", base_url="https://localhost",
                           data={"username": "gv.toan", "password": DEMO_PASSWORD, "remember": "y"})
    for name in ("session", "remember_token"):
        [header] = _cookie_headers(response, name)
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header


def test_first_login_forces_a_password_change(app, client, demo, login):
    _update_user(app, "hs.6a1.02", must_change_password=True)
    response = login("hs.6a1.02")
    assert response.status_code == 302
    for path in ("/", f"/students/{demo['hs.6a1.02']}", "/admin/users"):
        redirected = client.get(path)
        assert redirected.status_code == 302
        assert redirected.headers["Location"] == "/account/password"
    page = client.get("/account/password").get_data(as_text=True)
    assert "Đây là lần đăng nhập đầu tiên" in page

    same = client.post("/account/password", data={
        "current_password": DEMO_PASSWORD, "new_password": DEMO_PASSWORD,
        "confirm": DEMO_PASSWORD})
    assert "Mật khẩu mới phải khác mật khẩu hiện tại." in same.get_data(as_text=True)
    changed = client.post("/account/password", data={
        "current_password": DEMO_PASSWORD, "new_password": "Hoa-sen-2026",
        "confirm": "Hoa-sen-2026"})
    assert changed.status_code == 302
    assert client.get("/").status_code == 200
    [entry] = _events(app, "auth.password_changed")
    assert entry.actor_id == demo["hs.6a1.02"]
    assert login("hs.6a1.02", "Hoa-sen-2026").status_code == 302


def test_disabled_account_is_refused(app, client, demo, login):
    _update_user(app, "gv.van", active=False)
    response = login("gv.van", follow=True)
    assert "Tài khoản này đã bị khóa" in response.get_data(as_text=True)
    assert client.get("/").headers["Location"].endswith("/login")
    [entry] = _events(app, "auth.login_refused_disabled")
    assert entry.actor_id == demo["gv.van"]
    assert _events(app, "auth.login") == []


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example",
    "/\t/evil.example", "javascript:alert(1)", "evil.example",
])
def test_login_refuses_an_open_redirect(client, demo, target):
    response = client.post("/login", query_string={"next": target},
                           data={"username": "gv.toan", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_local_next(client, demo):
    response = client.post("/login", query_string={"next": "/classes/1?tab=hs"},
                           data={"username": "gv.toan", "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "/classes/1?tab=hs"


def test_logins_and_failed_logins_are_audited(app, client, demo, login):
    client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    login("gv.toan", "sai-mat-khau")
    login("ai.do", "sai-mat-khau")
    login("gv.toan")
    failed = _events(app, "auth.login_failed")
    assert [(e.actor_id, e.details["username"], e.ip) for e in failed] == [
        (demo["gv.toan"], "gv.toan", "192.0.2.7"), (None, "ai.do", "192.0.2.7")]
    [success] = _events(app, "auth.login")
    assert (success.actor_id, success.ip) == (demo["gv.toan"], "192.0.2.7")
    assert "sai-mat-khau" not in str([e.details for e in failed])
