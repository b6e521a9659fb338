"""The assignments pages in the role × route matrix: a task of gv.toan to 6A1 (Toán).

Besides the demo personas, the matrix runs as gv.tin (teaches Tin học in 6A1: another subject),
hs.6a2.01 (a student of another class) and ph.6a2.01 (another child's parent): each must be
refused wherever the work is not theirs.
"""

from lms.models import Role
from tests.route_matrix import (
    BOARD,
    CORE_ROUTES,
    PERSONAS,
    PUBLIC,
    TEACHING,
    Case,
    assert_routes_declared,
    check_route_matrix,
)

from .view_samples import Shared

MATRIX_PERSONAS = (*PERSONAS, "gv.tin", "hs.6a2.01", "ph.6a2.01")
#: who opens gv.toan's desk: gv.toan manages it; the heads of Tổ Toán – Tin and the board read
DESK_READERS = BOARD | {"gv.toan", "tt.toan", "tp.toan"}
STUDENT = {"hs.6a1.01"}
PARENT = {"ph.6a1.01"}
ASSIGNMENT = {"assignment_id": Shared("assignment")}

ASSIGNMENTS_ROUTES = {
    "assignments.static": Case(PUBLIC, {"filename": "assignments/assignments.css"},
                               note="the stylesheet and scripts, like the core's"),
    "assignments.teacher_list": Case(TEACHING),
    "assignments.new": [
        Case(TEACHING),
        Case(TEACHING, method="POST", note="nothing filled in: the form again with errors"),
    ],
    "assignments.edit": [
        Case({"gv.toan"}, ASSIGNMENT, note="its author only"),
        Case({"gv.toan"}, ASSIGNMENT, method="POST", note="nothing filled in: errors, no change"),
    ],
    "assignments.delete": Case({"gv.toan"}, {"assignment_id": Shared("doomed")}, method="POST",
                               note="its author only; a second delete says it is done"),
    "assignments.groups": [
        Case({"gv.toan", "gv.tin"}, {"class_id": Shared("class_6a1")},
             note="teachers of the class, whatever subject"),
        Case({"gv.toan", "gv.tin"}, {"class_id": Shared("class_6a1")}, method="POST",
             note="no name: the form again with errors"),
    ],
    "assignments.desk": Case(DESK_READERS, ASSIGNMENT,
                             note="heads of the subject's department and the board read only; "
                                  "another subject's teacher (gv.tin) is refused"),
    "assignments.grade": Case(
        {"gv.toan"}, {**ASSIGNMENT, "submission_id": Shared("submission")}, method="POST",
        data={"score": "8,5", "comment": "Tốt", "version": "1"},
        note="heads and the board read the desk but never grade"),
    "assignments.bulk": Case({"gv.toan"}, ASSIGNMENT, method="POST", data={"action": "remind"},
                             note="nobody chosen: a message, nothing done"),
    "assignments.forget_comment": Case({"gv.tin"}, {"entry_id": Shared("comment")},
                                       method="POST",
                                       note="a comment of gv.tin's bank: other teachers are "
                                            "refused; once gone, removing it again just says so"),
    "assignments.submission_file": Case(DESK_READERS | STUDENT | PARENT,
                                        {"file_id": Shared("file")},
                                        note="the student, their parents, the desk's readers"),
    "assignments.attachment": Case(DESK_READERS | STUDENT | PARENT,
                                   {**ASSIGNMENT, "attachment_id": Shared("attachment")},
                                   note="students given the work, their parents, the desk"),
    "assignments.todo": Case({Role.STUDENT}),
    "assignments.student_assignment": Case(STUDENT, ASSIGNMENT,
                                           note="hs.6a2.01 was not given it: 403"),
    "assignments.hand_in": Case(STUDENT, ASSIGNMENT, method="POST",
                                data={"action": "save", "text": "Bài làm của em"}),
    "assignments.take_back": Case(STUDENT, ASSIGNMENT, method="POST",
                                  note="not turned in: refused with a message, no change"),
    "assignments.remove_file": Case(STUDENT, {**ASSIGNMENT, "file_id": Shared("removable")},
                                    method="POST"),
    "assignments.report": Case(BOARD | {"tt.toan", "tp.toan"},
                               note="heads and deputy heads (their department), the board"),
    "assignments.report_download": Case(BOARD | {"tt.toan", "tp.toan"}),
    "assignments.children": Case({Role.PARENT}),
    "assignments.child": [
        Case(PARENT, {"student_id": Shared("child")}, note="one's own child"),
        Case({"ph.6a2.01"}, {"student_id": Shared("other_child")},
             note="ph.6a1.01 may not open another family's child"),
    ],
}


def test_every_route_is_declared(app):
    assert_routes_declared(app, CORE_ROUTES, ASSIGNMENTS_ROUTES, _other_plugins(app))


def test_routes_for_every_persona(app, demo):
    check_route_matrix(app, demo, ASSIGNMENTS_ROUTES, personas=MATRIX_PERSONAS)


def _other_plugins(app) -> dict:
    """The other loaded plugins' endpoints: their own tests declare them."""
    return {rule.endpoint: None for rule in app.url_map.iter_rules()
            if rule.endpoint not in CORE_ROUTES and not rule.endpoint.startswith("assignments.")}
