"""Account administration: finding users, roles, department, password reset, disabling, audit."""
import re

import pytest
import sqlalchemy as sa

from lms import signals
from lms.extensions import db
from lms.models import AuditLog, Department, DepartmentMembership, SchoolClass, User
from lms.seed import DEMO_PASSWORD


@pytest.fixture
def as_admin(client, demo, login):
    login("admin")
    return client


def _usernames(page_html: str) -> set[str]:
    return set(re.findall(r'<td><a href="/admin/users/\d+">[^<]*</a></td><td>([^<]+)</td>',
                          page_html))


def _events(audit_page: str) -> list[str]:
    """Event names in the audit log table, top to bottom."""
    return re.findall(r'<code class="muted">([^<]+)</code>', audit_page)


def _audit(app, event):
    with app.app_context():
        return db.session.scalars(sa.select(AuditLog).where(AuditLog.event == event)
                                  .order_by(AuditLog.id)).all()


def _user(app, username) -> User:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        db.session.expunge_all()
        return user


@pytest.mark.parametrize("query", ["Hoàng Nam", "hoang nam", "NAM NGUYEN", "hs.6a1.01"])
def test_search_finds_names_with_or_without_diacritics(as_admin, query):
    found = _usernames(as_admin.get("/admin/users", query_string={"q": query}).get_data(as_text=True))
    assert found == {"hs.6a1.01"}


def test_search_folds_d_with_stroke(as_admin):
    found = _usernames(as_admin.get("/admin/users?q=dang+quoc").get_data(as_text=True))
    assert found == {"hs.6a2.01"}  # Đặng Quốc Bảo


def test_filters_by_role_department_class_and_state(app, as_admin, demo):
    with app.app_context():
        class_6a2 = db.session.scalar(sa.select(SchoolClass.id).where(SchoolClass.name == "6A2"))
        toan = db.session.scalar(sa.select(Department.id).where(Department.code == "TOAN"))
    page = as_admin.get(f"/admin/users?school_class={class_6a2}").get_data(as_text=True)
    assert _usernames(page) == {f"hs.6a2.0{i}" for i in range(1, 5)}
    page = as_admin.get(f"/admin/users?department={toan}").get_data(as_text=True)
    assert _usernames(page) == {"tt.toan", "tp.toan", "gv.toan", "gv.tin"}
    page = as_admin.get("/admin/users?role=principal").get_data(as_text=True)
    assert _usernames(page) == {"hieutruong"}
    as_admin.post(f"/admin/users/{demo['gv.tin']}/disable")
    assert _usernames(as_admin.get("/admin/users?active=0").get_data(as_text=True)) == {"gv.tin"}
    page = as_admin.get(f"/admin/users?department={toan}&active=1&q=tuan").get_data(as_text=True)
    assert _usernames(page) == {"tt.toan"}


@pytest.mark.app_config({"LMS_PAGE_SIZE": 10})
def test_users_list_is_paginated_and_keeps_the_filters(as_admin):
    first = as_admin.get("/admin/users?role=student").get_data(as_text=True)
    assert len(_usernames(first)) == 10
    assert "Trang 1 / 2" in first
    assert 'href="/admin/users?page=2&amp;role=student"' in first
    second = as_admin.get("/admin/users?role=student&page=2").get_data(as_text=True)
    assert len(_usernames(second)) == 7
    assert not _usernames(first) & _usernames(second)


def test_role_change_is_audited_and_signalled(app, as_admin, demo):
    received = []

    def on_change(sender, **kwargs):
        received.append(kwargs)

    signals.roles_changed.connect(on_change, sender=app)
    try:
        response = as_admin.post(f"/admin/users/{demo['gv.tin']}/roles",
                                 data={"roles": ["teacher", "deputy_head"]})
    finally:
        signals.roles_changed.disconnect(on_change, sender=app)
    assert response.status_code == 302
    assert _user(app, "gv.tin").role_names == {"teacher", "deputy_head"}
    [entry] = _audit(app, "user.roles_changed")
    assert entry.details == {"added": ["deputy_head"], "removed": []}
    assert (entry.actor_id, entry.target_id) == (demo["admin"], demo["gv.tin"])
    [call] = received
    assert call["added"] == {"deputy_head"} and call["removed"] == set()
    assert call["user"].id == demo["gv.tin"] and call["actor"].id == demo["admin"]


def test_role_change_refuses_no_role_an_unknown_role_and_dropping_own_admin(app, as_admin, demo):
    none = as_admin.post(f"/admin/users/{demo['gv.tin']}/roles", data={})
    assert none.status_code == 400
    assert "Tài khoản cần ít nhất một vai trò." in none.get_data(as_text=True)
    unknown = as_admin.post(f"/admin/users/{demo['gv.tin']}/roles", data={"roles": ["superuser"]})
    assert unknown.status_code == 400
    own = as_admin.post(f"/admin/users/{demo['admin']}/roles", data={"roles": ["teacher"]})
    assert own.status_code == 400
    assert "Bạn không thể tự bỏ vai trò quản trị" in own.get_data(as_text=True)
    assert _user(app, "admin").role_names == {"admin"}
    assert _user(app, "gv.tin").role_names == {"teacher"}
    assert _audit(app, "user.roles_changed") == []


def test_department_membership_and_position(app, as_admin, demo):
    with app.app_context():
        van = db.session.scalar(sa.select(Department.id).where(Department.code == "VAN"))
    response = as_admin.post(f"/admin/users/{demo['gv.tin']}/department",
                             data={"department": van, "position": "deputy"})
    assert response.status_code == 302
    with app.app_context():
        membership = db.session.scalar(sa.select(DepartmentMembership)
                                       .where(DepartmentMembership.user_id == demo["gv.tin"]))
        assert (membership.department_id, membership.position) == (van, "deputy")
    [entry] = _audit(app, "user.department_changed")
    assert entry.details["after"] == {"department_id": van, "position": "deputy"}

    # A department has one head: tt.van heads VAN already.
    second_head = as_admin.post(f"/admin/users/{demo['gv.tin']}/department",
                                data={"department": van, "position": "head"})
    assert second_head.status_code == 400
    assert "Tổ này đã có tổ trưởng là Hoàng Thị Lan" in second_head.get_data(as_text=True)

    # Students belong to classes, not departments.
    student = as_admin.post(f"/admin/users/{demo['hs.6a1.01']}/department",
                            data={"department": van, "position": "member"})
    assert student.status_code == 400

    leave = as_admin.post(f"/admin/users/{demo['gv.tin']}/department",
                          data={"department": 0, "position": "member"})
    assert leave.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(DepartmentMembership)
                                 .where(DepartmentMembership.user_id == demo["gv.tin"])) is None


def test_password_reset_shows_the_password_once_and_forces_a_change(app, client, as_admin, demo,
                                                                    login):
    response = as_admin.post(f"/admin/users/{demo['hs.6a1.03']}/reset-password")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    password = re.search(r'<dt>Mật khẩu tạm thời</dt><dd class="secret">([^<]+)</dd>', page)[1]
    assert len(password) >= 10 and not password.isdigit()
    # The user page never shows it again.
    assert password not in as_admin.get(f"/admin/users/{demo['hs.6a1.03']}").get_data(as_text=True)
    [entry] = _audit(app, "user.password_reset")
    assert (entry.actor_id, entry.target_id) == (demo["admin"], demo["hs.6a1.03"])
    assert password not in str(entry.details)

    old = login("hs.6a1.03", DEMO_PASSWORD)  # the old password is gone
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in old.get_data(as_text=True)
    assert login("hs.6a1.03", password).status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"] == "/account/password"


def test_disabled_user_is_logged_out_on_next_request_and_re_enabled(app, demo, login, client):
    teacher = app.test_client()
    teacher.post("/login", data={"username": "gv.tin", "password": DEMO_PASSWORD})
    assert teacher.get("/").status_code == 200

    login("admin")
    assert client.post(f"/admin/users/{demo['gv.tin']}/disable").status_code == 302
    assert _user(app, "gv.tin").active is False
    kicked = teacher.get("/")
    assert kicked.status_code == 302 and kicked.headers["Location"].startswith("/login")
    assert [e.target_id for e in _audit(app, "user.disabled")] == [demo["gv.tin"]]

    client.post(f"/admin/users/{demo['gv.tin']}/enable")
    assert _user(app, "gv.tin").active is True
    assert [e.target_id for e in _audit(app, "user.enabled")] == [demo["gv.tin"]]
    teacher.post("/login", data={"username": "gv.tin", "password": DEMO_PASSWORD})
    assert teacher.get("/").status_code == 200


def test_admin_cannot_disable_themselves(app, as_admin, demo):
    page = as_admin.post(f"/admin/users/{demo['admin']}/disable", follow_redirects=True)
    assert "Bạn không thể tự khóa tài khoản của chính mình." in page.get_data(as_text=True)
    assert _user(app, "admin").active is True
    assert _audit(app, "user.disabled") == []


def test_audit_log_filters_by_event_and_user(app, client, demo, login):
    login("gv.toan", "sai-mat-khau")
    login("hs.6a1.01")
    login("admin")
    client.post(f"/admin/users/{demo['gv.tin']}/disable")

    failed = client.get("/admin/audit?event=auth.login_failed").get_data(as_text=True)
    assert _events(failed) == ["auth.login_failed"]
    assert "username: gv.toan" in failed

    about_tin = client.get("/admin/audit?user=GV.TIN").get_data(as_text=True)
    assert _events(about_tin) == ["user.disabled"]
    by_student = client.get("/admin/audit?user=hs.6a1.01").get_data(as_text=True)
    assert _events(by_student) == ["auth.logout", "auth.login"]

    unknown = client.get("/admin/audit?user=khong.co").get_data(as_text=True)
    assert "Không có tài khoản nào tên khong.co." in unknown


@pytest.mark.app_config({"LMS_PAGE_SIZE": 5})
def test_audit_log_is_paginated_newest_first(app, client, demo, login):
    for _ in range(6):
        login("hs.6a1.01", "sai-mat-khau")
    login("admin")
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "Trang 1 / 2" in first
    assert _events(first) == ["auth.login"] + ["auth.login_failed"] * 4
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert _events(second) == ["auth.login_failed"] * 2


def test_admin_forms_need_a_csrf_token(app, demo):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)[1]
    client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD, "csrf_token": token})
    refused = client.post(f"/admin/users/{demo['gv.tin']}/disable")
    assert refused.status_code == 400
    assert _user(app, "gv.tin").active is True
    page = client.get(f"/admin/users/{demo['gv.tin']}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    assert client.post(f"/admin/users/{demo['gv.tin']}/disable",
                       data={"csrf_token": token}).status_code == 302
    assert _user(app, "gv.tin").active is False


def test_form_fields_without_errors_carry_no_error_reference(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'aria-describedby="None"' not in page
    assert 'aria-invalid="false"' in page
