"""The parents pages in the role × route matrix.

Besides the demo personas the matrix runs as gv.tin (teaches 6A1 but is not its homeroom
teacher), gv.van (homeroom teacher of 6A2) and ph.6a2.01 (another family's parent): each is
refused on 6A1's link pages, downloads and on another parent's links.
"""
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import ParentLink, Role
from tests.route_matrix import (
    CORE_ROUTES,
    PERSONAS,
    PUBLIC,
    Case,
    Sample,
    assert_routes_declared,
    check_route_matrix,
    school_class,
    user,
)

MATRIX_PERSONAS = (*PERSONAS, "gv.tin", "gv.van", "ph.6a2.01")
HOMEROOM_6A1 = {Role.ADMIN, "gv.toan"}
CLASS = {"class_id": school_class("6A1")}


def _pending_link(demo, student="hs.6a1.03") -> int:
    """A request of ph.6a1.01 to follow a classmate of their child, waiting for approval."""
    link = db.session.scalar(sa.select(ParentLink).where(
        ParentLink.parent_id == demo["ph.6a1.01"], ParentLink.student_id == demo[student]))
    if link is None:
        link = ParentLink(parent_id=demo["ph.6a1.01"], student_id=demo[student])
        db.session.add(link)
    link.status = "pending"
    db.session.flush()
    return link.id


def _own_link(demo) -> int:
    return db.session.scalar(sa.select(ParentLink.id).where(
        ParentLink.parent_id == demo["ph.6a1.01"], ParentLink.student_id == demo["hs.6a1.01"]))


def _link_case(decision: str, student: str) -> Case:
    return Case(HOMEROOM_6A1, {**CLASS, "decision": decision,
                               "link_id": Sample(lambda demo: _pending_link(demo, student))},
                method="POST", note="6A1's homeroom teacher and Tổ CNTT only")


PARENTS_ROUTES = {
    "parents.static": Case(PUBLIC, {"filename": "parents/parents.css"}),
    "parents.register": [
        Case(PUBLIC, note="anonymous registration; a logged-in user is sent to Liên kết với con"),
        Case(PUBLIC, method="POST", note="nothing filled in: the form again with errors"),
    ],
    "parents.link": [
        Case({Role.PARENT}),
        Case({Role.PARENT}, method="POST", note="no code: the form again with an error"),
    ],
    "parents.request_link": Case({Role.PARENT}, method="POST",
                                 note="nothing filled in: the form again with errors"),
    "parents.withdraw": [
        Case({"ph.6a1.01"}, {"link_id": Sample(_own_link)},
             note="their own link only: another family's parent is refused"),
        Case({"ph.6a1.01"}, {"link_id": Sample(lambda demo: _pending_link(demo, "hs.6a1.05"))},
             method="POST"),
    ],
    "parents.classes": Case(HOMEROOM_6A1 | {"gv.van"},
                            note="homeroom teachers of this year and Tổ CNTT"),
    "parents.school_class": Case(HOMEROOM_6A1, CLASS,
                                 note="not gv.tin, who teaches the class without leading it"),
    "parents.sheet": Case(HOMEROOM_6A1, CLASS),
    "parents.download": [Case(HOMEROOM_6A1, {**CLASS, "fmt": "csv"}),
                         Case(HOMEROOM_6A1, {**CLASS, "fmt": "xlsx"})],
    "parents.issue_codes": Case(HOMEROOM_6A1, CLASS, method="POST"),
    "parents.reissue_code": Case(HOMEROOM_6A1, {**CLASS, "student_id": user("hs.6a1.02")},
                                 method="POST"),
    "parents.decide": [_link_case("approve", "hs.6a1.02"), _link_case("refuse", "hs.6a1.03"),
                       _link_case("revoke", "hs.6a1.04")],
    "parents.privacy_notice": [Case({Role.STUDENT}), Case({Role.STUDENT}, method="POST")],
}


def test_every_route_is_declared(app):
    others = {rule.endpoint: None for rule in app.url_map.iter_rules()
              if rule.endpoint not in CORE_ROUTES and not rule.endpoint.startswith("parents.")}
    assert_routes_declared(app, CORE_ROUTES, PARENTS_ROUTES, others)


def test_routes_for_every_persona(app, demo):
    check_route_matrix(app, demo, PARENTS_ROUTES, personas=MATRIX_PERSONAS)


@pytest.mark.parametrize("path", ["/parents/classes/{c}", "/parents/classes/{c}/sheet",
                                  "/parents/classes/{c}/codes.csv",
                                  "/parents/classes/{c}/codes.xlsx"])
def test_another_classs_homeroom_teacher_is_refused(app, client, demo, login, path):
    from lms.models import SchoolClass

    with app.app_context():
        class_id = db.session.scalar(sa.select(SchoolClass.id).where(SchoolClass.name == "6A1"))
    login("gv.van")
    assert client.get(path.format(c=class_id)).status_code == 403
