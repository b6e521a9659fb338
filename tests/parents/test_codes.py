"""Linking codes: the alphabet, expiry, single use, reissue, throttling, and the consent and
audit records a link leaves."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms import signals
from lms.extensions import db
from lms.models import AuditLog, ParentLink
from plugins.parents import codes
from plugins.parents.models import Consent, LinkCode

from .conftest import account, unlink

CONFUSABLE = "0O1IL"


def test_codes_avoid_confusable_characters_and_ignore_case_and_dashes():
    assert not set(CONFUSABLE) & set(codes.ALPHABET)
    assert codes.normalise(" abcd-efgh ") == "ABCDEFGH"
    assert codes.display("ABCDEFGH") == "ABCD-EFGH"


def _links(app, parent):
    with app.app_context():
        return list(db.session.execute(sa.select(ParentLink.student_id, ParentLink.status,
                                                 ParentLink.created_via, ParentLink.consent_at)
                                       .where(ParentLink.parent_id == account(parent).id)))


def _link(client, code, consent="y"):
    return client.post("/parents/link", data={"code": code, "relationship_label": "Mẹ",
                                              "consent": consent})


def test_a_code_links_the_parent_with_consent_recorded_and_audited(app, client, demo, login,
                                                                   code_for):
    unlink(app, "ph.6a1.01")
    code = code_for("hs.6a1.01")
    seen = []

    def on_change(sender, link, actor, action, **_kw):
        seen.append((link.student_id, actor.id, action))

    signals.parent_link_changed.connect(on_change, sender=app)
    try:
        login("ph.6a1.01")
        # typed in lower case with a space instead of the dash: still the same code
        response = _link(client, code.lower().replace("-", " "))
    finally:
        signals.parent_link_changed.disconnect(on_change, sender=app)
    assert response.status_code == 302
    [(student_id, status, via, consent_at)] = _links(app, "ph.6a1.01")
    assert (student_id, status, via) == (demo["hs.6a1.01"], "active", "code")
    assert consent_at is not None
    assert seen == [(demo["hs.6a1.01"], demo["ph.6a1.01"], "linked")]
    with app.app_context():
        consent = db.session.scalar(sa.select(Consent))
        assert (consent.parent_id, consent.student_id, consent.action) == (
            demo["ph.6a1.01"], demo["hs.6a1.01"], "given")
        assert consent.text_version and consent.ip == "127.0.0.1"
        events = set(db.session.scalars(sa.select(AuditLog.event)))
        assert {"parents.code_issued", "parents.linked", "parents.consent_given"} <= events
    home = client.get("/").get_data(as_text=True)
    assert "Nguyễn Hoàng Nam" in home


def test_consent_is_required(app, client, demo, login, code_for):
    unlink(app, "ph.6a1.01")
    code = code_for("hs.6a1.01")
    login("ph.6a1.01")
    page = _link(client, code, consent="").get_data(as_text=True)
    assert "Cần đánh dấu đồng ý" in page
    assert _links(app, "ph.6a1.01") == []


def test_a_code_works_once(app, client, demo, login, code_for):
    unlink(app, "ph.6a1.01")
    unlink(app, "ph.6a1.02")
    code = code_for("hs.6a1.01")
    login("ph.6a1.02")
    assert _link(client, code).status_code == 302
    login("ph.6a1.01")
    page = _link(client, code).get_data(as_text=True)
    assert "đã được sử dụng" in page
    assert "Nguyễn Hoàng Nam" not in page.split('id="link-code"')[1]  # nothing about whose code
    assert _links(app, "ph.6a1.01") == []


def test_an_expired_code_is_refused(app, client, demo, login, code_for):
    unlink(app, "ph.6a1.01")
    code = code_for("hs.6a1.01")
    with app.app_context():
        link_code = db.session.scalar(sa.select(LinkCode))
        link_code.expires_at = link_code.created_at - timedelta(seconds=1)
        db.session.commit()
    login("ph.6a1.01")
    assert "đã hết hạn" in _link(client, code).get_data(as_text=True)
    assert _links(app, "ph.6a1.01") == []


def test_reissuing_kills_the_old_code(app, client, demo, login, code_for):
    unlink(app, "ph.6a1.01")
    old = code_for("hs.6a1.01")
    login("gv.toan")
    with app.app_context():
        class_id = db.session.scalar(sa.text(
            "SELECT class_id FROM class_enrollment WHERE student_id = :s"),
            {"s": demo["hs.6a1.01"]})
    page = client.post(f"/parents/classes/{class_id}/students/{demo['hs.6a1.01']}/code",
                       follow_redirects=True).get_data(as_text=True)
    assert "Mã cũ không còn dùng được" in page
    with app.app_context():
        new = codes.display(db.session.scalar(
            sa.select(LinkCode.code).where(LinkCode.revoked_at.is_(None))))
    assert new != old
    login("ph.6a1.01")
    assert "không đúng" in _link(client, old).get_data(as_text=True)
    assert _link(client, new).status_code == 302
    assert len(_links(app, "ph.6a1.01")) == 1


@pytest.mark.app_config({"LMS_LOGIN_LIMIT": "3 per minute"})
def test_wrong_codes_are_throttled_like_logins(app, client, demo, login):
    login("ph.6a1.01")
    for attempt in range(3):
        assert _link(client, f"ABCD-EFG{attempt + 2}").status_code == 200
    response = _link(client, "ABCD-EFG9")
    assert response.status_code == 429
    assert "quá nhiều lần" in response.get_data(as_text=True)


@pytest.mark.app_config({"LMS_LOGIN_LIMIT": "3 per minute"})
def test_one_code_is_throttled_across_addresses(app, demo):
    code = "ABCD-EFGH"
    statuses = []
    for number in range(4):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{number + 1}"
        statuses.append(client.post("/parents/register", data={"code": code}).status_code)
    assert statuses == [200, 200, 200, 429]


def test_registration_creates_the_account_and_the_link_in_one_go(app, client, demo, code_for):
    code = code_for("hs.6a1.02")
    form = {"code": code, "full_name": "Trần Thị Lan", "contact": "0912 345 678",
            "username": "me.lan", "password": "hoctap2026", "confirm": "hoctap2026",
            "relationship_label": "Mẹ", "consent": "y"}
    assert client.get(f"/parents/register?code={code}").status_code == 200
    bad = client.post("/parents/register", data={**form, "code": "ZZZZ-ZZZZ"})
    assert "Mã liên kết không đúng" in bad.get_data(as_text=True)
    with app.app_context():
        assert account("me.lan") is None  # nothing half-written
    response = client.post("/parents/register", data=form)
    assert response.status_code == 302
    with app.app_context():
        parent = account("me.lan")
        assert parent.has_role("parent") and parent.phone == "0912 345 678"
        assert parent.check_password("hoctap2026")
        assert [c.id for c in parent.children()] == [demo["hs.6a1.02"]]
    assert "Trần Thị Lan" in client.get("/").get_data(as_text=True)


def test_one_parent_follows_several_children_and_a_child_has_several_guardians(
        app, client, demo, login, code_for):
    first, second = code_for("hs.6a1.02"), code_for("hs.6a1.03")
    login("ph.6a1.01")
    assert _link(client, first).status_code == 302
    assert _link(client, second).status_code == 302
    with app.app_context():
        children = {c.id for c in account("ph.6a1.01").children()}
        assert children == {demo["hs.6a1.01"], demo["hs.6a1.02"], demo["hs.6a1.03"]}
        guardians = db.session.scalar(sa.select(sa.func.count()).select_from(ParentLink).where(
            ParentLink.student_id == demo["hs.6a1.02"], ParentLink.status == "active"))
        assert guardians == 2
