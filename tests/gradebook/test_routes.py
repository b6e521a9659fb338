"""The role × route matrix of the gradebook's pages: teachers keep only the sheets of the classes
and subjects they teach; the homeroom teacher, the department's heads and the board read."""
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from tests.route_matrix import (
    BOARD_AND_ADMIN,
    CORE_ROUTES,
    PUBLIC,
    TEACHING,
    Case,
    Sample,
    check_route_matrix,
    school_class,
    undeclared_endpoints,
)

pytestmark = pytest.mark.plugins("assignments", "gradebook")

BOARD = frozenset({"principal", "vice_principal"})


@dataclass(frozen=True)
class SubjectRef:
    code: str

    def resolve(self, app, demo) -> int:
        from lms.extensions import db
        from lms.models import Subject

        with app.app_context():
            return db.session.scalar(sa.select(Subject.id).where(Subject.code == self.code))


def sheet(class_name, subject_code, number=1):
    return {"class_id": school_class(class_name), "subject_id": SubjectRef(subject_code),
            "number": number}


def _second_semester(demo):
    from lms.models import SchoolYear
    from plugins.gradebook.semesters import semester_of

    return semester_of(SchoolYear.current(), 2).id


HK2 = Sample(_second_semester)

GRADEBOOK_ROUTES = {
    "gradebook.static": Case(PUBLIC, {"filename": "gradebook/grid.js"}),
    "gradebook.index": Case(TEACHING | BOARD_AND_ADMIN),
    "gradebook.sheet": [
        Case(BOARD_AND_ADMIN | {"gv.toan", "tt.toan", "tp.toan"}, sheet("6A1", "TOAN"),
             note="the teacher who keeps it; the head and deputy head of Tổ Toán – Tin read"),
        Case(BOARD_AND_ADMIN | {"gv.toan"}, sheet("6A1", "VAN", 2),
             note="gv.toan is 6A1's homeroom teacher: reads every subject of the class"),
        Case(BOARD_AND_ADMIN | {"tt.toan", "tp.toan"}, sheet("8A1", "TOAN"),
             note="tp.toan keeps it; gv.toan teaches Toán elsewhere, not here"),
        Case(BOARD_AND_ADMIN, sheet("6A2", "VAN"),
             note="another department's subject in a class gv.toan does not lead"),
    ],
    "gradebook.save": [
        Case({"gv.toan"}, sheet("6A1", "TOAN"), method="POST",
             note="no cells sent: nothing changes; heads and the board only read"),
        Case({"tp.toan"}, sheet("8A1", "TOAN"), method="POST"),
        Case(set(), sheet("6A1", "VAN"), method="POST",
             note="the homeroom teacher reads other subjects, never edits them"),
    ],
    "gradebook.fill": Case({"gv.toan"}, sheet("6A1", "TOAN"), method="POST",
                           note="nothing chosen: refused with a message"),
    "gradebook.publish": Case({"gv.toan"}, sheet("6A1", "TOAN"), method="POST"),
    "gradebook.history": [
        Case(BOARD_AND_ADMIN | {"gv.toan", "tt.toan", "tp.toan"}, sheet("6A1", "TOAN")),
        Case(BOARD_AND_ADMIN, sheet("6A1", "VAN"),
             note="the homeroom teacher reads scores, not who changed them"),
    ],
    "gradebook.class_view": [
        Case(BOARD_AND_ADMIN | {"gv.toan"}, {"class_id": school_class("6A1")}),
        Case(BOARD_AND_ADMIN, {"class_id": school_class("6A2")}),
    ],
    "gradebook.settings": [
        Case({"admin"}),
        Case({"admin"}, method="POST", note="no cells sent: every rule is kept"),
    ],
    "gradebook.semesters": Case(BOARD_AND_ADMIN),
    "gradebook.semester_dates": Case({"admin"}, method="POST",
                                     note="no dates sent: refused with a message"),
    "gradebook.lock_semester": Case(BOARD_AND_ADMIN, {"semester_id": HK2}, method="POST"),
    "gradebook.unlock_semester": Case(BOARD_AND_ADMIN, {"semester_id": HK2}, method="POST"),
}


def test_every_gradebook_route_is_declared(app):
    missing = {e for e in undeclared_endpoints(app, CORE_ROUTES, GRADEBOOK_ROUTES)
               if e.startswith("gradebook.")}
    assert not missing, missing
    existing = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(GRADEBOOK_ROUTES) <= existing


def test_gradebook_routes_for_every_persona(app, demo, subject_rules):
    check_route_matrix(app, demo, GRADEBOOK_ROUTES)
