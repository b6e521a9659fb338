"""Links without a code (request → the homeroom teacher approves or refuses), revoking,
withdrawing consent, the class's codes and downloads, and the students' privacy notice."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from openpyxl import load_workbook

from lms.extensions import db
from lms.models import AuditLog, ParentLink, SchoolClass
from plugins.parents.models import Consent, LinkCode

from .conftest import account, unlink

HTML = {"Accept": "text/html,application/xhtml+xml"}


def _class_id(name="6A1") -> int:
    return db.session.scalar(sa.select(SchoolClass.id).where(SchoolClass.name == name))


def _link_of(parent_id, student_id) -> ParentLink | None:
    return db.session.scalar(sa.select(ParentLink).where(ParentLink.parent_id == parent_id,
                                                         ParentLink.student_id == student_id))


def _events() -> list[str]:
    return list(db.session.scalars(sa.select(AuditLog.event).order_by(AuditLog.id)))


def _birth_text(app, username) -> str:
    with app.app_context():
        return account(username).birth_date.strftime("%d/%m/%Y")


def test_a_request_waits_for_the_homeroom_teacher_who_approves_it(app, client, demo, login):
    unlink(app, "ph.6a1.01")
    with app.app_context():
        student_code = account("hs.6a1.01").external_code
    login("ph.6a1.01")
    wrong = client.post("/parents/request", data={
        "student_code": student_code, "birth_date": "01/01/2001", "consent": "y"})
    assert "Không tìm thấy học sinh" in wrong.get_data(as_text=True)
    bad_date = client.post("/parents/request", data={
        "student_code": student_code, "birth_date": "31/02/2014", "consent": "y"})
    assert "Ngày sinh không hợp lệ" in bad_date.get_data(as_text=True)
    response = client.post("/parents/request", data={
        "student_code": student_code.lower(), "birth_date": _birth_text(app, "hs.6a1.01"),
        "relationship_label": "Bố", "consent": "y"})
    assert response.status_code == 302
    with app.app_context():
        link = _link_of(demo["ph.6a1.01"], demo["hs.6a1.01"])
        assert (link.status, link.created_via) == ("pending", "request")
        assert account("ph.6a1.01").children() == []  # nothing shown before approval
        link_id, class_id = link.id, _class_id()
    assert "Việc học của" not in client.get("/").get_data(as_text=True)
    login("gv.toan")
    page = client.get(f"/parents/classes/{class_id}").get_data(as_text=True)
    assert f'data-link="{link_id}"' in page and "Duyệt" in page
    client.post(f"/parents/classes/{class_id}/links/{link_id}/approve")
    with app.app_context():
        link = db.session.get(ParentLink, link_id)
        assert link.status == "active" and link.decided_by_id == demo["gv.toan"]
        assert "parents.link_requested" in _events() and "parents.link_approved" in _events()


def test_the_homeroom_teacher_refuses_a_request_and_revokes_a_link(app, client, demo, login):
    with app.app_context():
        pending = ParentLink(parent_id=demo["ph.6a2.01"], student_id=demo["hs.6a1.02"],
                             status="pending")
        db.session.add(pending)
        db.session.commit()
        pending_id, class_id = pending.id, _class_id()
        active_id = _link_of(demo["ph.6a1.01"], demo["hs.6a1.01"]).id
    login("gv.toan")
    client.post(f"/parents/classes/{class_id}/links/{pending_id}/refuse")
    client.post(f"/parents/classes/{class_id}/links/{active_id}/revoke")
    with app.app_context():
        assert db.session.get(ParentLink, pending_id).status == "revoked"
        assert db.session.get(ParentLink, active_id).status == "revoked"
        assert _events().count("parents.link_revoked") == 2
        assert not account("ph.6a1.01").is_parent_of(demo["hs.6a1.01"])
    login("ph.6a1.01")
    assert client.get(f"/students/{demo['hs.6a1.01']}").status_code == 403


def test_a_teacher_cannot_decide_on_another_classs_links(app, client, demo, login):
    with app.app_context():
        link_id = _link_of(demo["ph.6a2.01"], demo["hs.6a2.01"]).id
        class_6a1 = _class_id("6A1")
    login("gv.toan")  # homeroom of 6A1, not 6A2: the link is not in their class
    assert client.post(f"/parents/classes/{class_6a1}/links/{link_id}/revoke").status_code == 404
    with app.app_context():
        assert db.session.get(ParentLink, link_id).status == "active"


def test_withdrawing_consent_ends_the_link_and_is_recorded(app, client, demo, login):
    with app.app_context():
        link_id = _link_of(demo["ph.6a1.01"], demo["hs.6a1.01"]).id
    login("ph.6a1.01")
    page = client.get(f"/parents/links/{link_id}/withdraw").get_data(as_text=True)
    assert "không còn xem được" in page
    client.post(f"/parents/links/{link_id}/withdraw")
    with app.app_context():
        link = db.session.get(ParentLink, link_id)
        assert link.status == "revoked" and link.consent_at is None
        [consent] = db.session.scalars(sa.select(Consent)).all()
        assert (consent.action, consent.parent_id) == ("withdrawn", demo["ph.6a1.01"])
        assert {"parents.consent_withdrawn", "parents.link_revoked"} <= set(_events())
    assert client.get(f"/parents/links/{link_id}/withdraw").status_code == 404


def test_codes_for_everyone_without_a_parent_and_the_sheet_and_downloads(app, client, demo,
                                                                         login):
    unlink(app, "ph.6a1.02")
    unlink(app, "ph.6a1.03")
    with app.app_context():
        class_id = _class_id()
    login("gv.toan")
    page = client.post(f"/parents/classes/{class_id}/codes",
                       follow_redirects=True).get_data(as_text=True)
    assert "Đã tạo 2 mã liên kết mới" in page
    # again: the codes still work, so nobody gets a second one
    client.post(f"/parents/classes/{class_id}/codes")
    with app.app_context():
        issued = {c.student_id: c.code for c in db.session.scalars(sa.select(LinkCode))}
        assert set(issued) == {demo["hs.6a1.02"], demo["hs.6a1.03"]}
    sheet = client.get(f"/parents/classes/{class_id}/sheet").get_data(as_text=True)
    code = issued[demo["hs.6a1.02"]]
    assert f"{code[:4]}-{code[4:]}" in sheet and "<svg" in sheet
    assert f"/parents/register?code={code[:4]}-{code[4:]}" in sheet
    raw = client.get(f"/parents/classes/{class_id}/codes.csv").data
    assert raw.startswith("\ufeff".encode())  # Excel reads the BOM as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][1] == "Họ và tên học sinh" and len(rows) == 3
    assert {row[4] for row in rows[1:]} == {f"{c[:4]}-{c[4:]}" for c in issued.values()}
    workbook = load_workbook(io.BytesIO(client.get(
        f"/parents/classes/{class_id}/codes.xlsx").data))
    values = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert f"{code[:4]}-{code[4:]}" in values


def test_a_student_sees_the_privacy_notice_once(app, client, demo, login):
    with app.app_context():
        account("hs.6a1.01").privacy_notice_seen_at = None
        db.session.commit()
    login("hs.6a1.01")
    response = client.get("/", headers=HTML)
    assert response.status_code == 302 and response.location.endswith("/parents/privacy-notice")
    page = client.get("/parents/privacy-notice", headers=HTML).get_data(as_text=True)
    assert "Em đã hiểu" in page
    # requests that are not page loads (a lesson runtime's fetches) are never redirected
    assert client.get("/", headers={"Accept": "application/json"}).status_code == 200
    client.post("/parents/privacy-notice")
    assert client.get("/", headers=HTML).status_code == 200
    with app.app_context():
        assert account("hs.6a1.01").privacy_notice_seen_at is not None
        assert "parents.privacy_notice_seen" in _events()


def test_a_student_under_seven_is_not_sent_to_the_notice(app, client, demo, login):
    from datetime import date

    with app.app_context():
        student = account("hs.6a1.01")
        student.privacy_notice_seen_at = None
        student.birth_date = date(date.today().year - 6, 1, 1)
        db.session.commit()
    login("hs.6a1.01")
    assert client.get("/", headers=HTML).status_code == 200
