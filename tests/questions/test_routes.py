"""The questions pages in the role × route matrix: a question of hs.6a1.01 to the Toán
teachers of 6A1 (gv.toan), with a PDF attached.

Besides the demo personas, the matrix runs as gv.tin (teaches Tin học in 6A1: another subject),
hs.6a2.01 (a student of another class) and ph.6a2.01 (another child's parent): each is refused
wherever the question is not theirs.
"""
from dataclasses import dataclass

from lms.models import Role
from tests.route_matrix import (
    BOARD,
    CORE_ROUTES,
    PERSONAS,
    TEACHING,
    Case,
    assert_routes_declared,
    check_route_matrix,
)

MATRIX_PERSONAS = (*PERSONAS, "gv.tin", "hs.6a2.01", "ph.6a2.01")
#: the student, their parent, Toán's teacher of 6A1, the heads of Tổ Toán – Tin, the board
READERS = BOARD | {"hs.6a1.01", "ph.6a1.01", "gv.toan", "tt.toan", "tp.toan"}


def _build_samples() -> dict[str, int]:
    from tests.assignments.conftest import school_class, subject

    from .conftest import ask_question, pdf_upload

    thread = ask_question(uploads=[pdf_upload()])
    return {"thread": thread.id, "attachment": thread.messages[0].attachments[0].id,
            "class_6a1": school_class("6A1").id, "toan": subject("TOAN").id}


@dataclass(frozen=True)
class Shared:
    """A URL value from `_build_samples`, built on first use for this app."""

    key: str

    def resolve(self, app, demo) -> int:
        with app.app_context():
            samples = app.extensions.get("questions_route_samples")
            if samples is None:
                samples = app.extensions["questions_route_samples"] = _build_samples()
            return samples[self.key]


THREAD = {"thread_id": Shared("thread")}

QUESTIONS_ROUTES = {
    "questions.mine": Case({Role.STUDENT}),
    "questions.ask_question": Case({Role.STUDENT}, method="POST",
                                   note="nothing filled in: the form again with errors"),
    "questions.thread": Case(READERS, THREAD,
                             note="gv.tin teaches 6A1 another subject; hs.6a2.01, ph.6a2.01 "
                                  "and Tổ CNTT are refused"),
    "questions.reply": Case({"hs.6a1.01", "gv.toan"}, THREAD, method="POST",
                            data={"body": "Em hỏi thêm / thầy cô trả lời"},
                            note="the student asks more, the class's teacher answers; "
                                 "parents, heads and the board read only"),
    "questions.answered": Case({"gv.toan"}, THREAD, method="POST",
                               note="a second time: a message, nothing changes"),
    "questions.publish": [
        Case({"gv.toan"}, THREAD),
        Case({"gv.toan"}, THREAD, method="POST", note="nothing filled in: errors, nothing "
                                                      "published"),
    ],
    "questions.attachment": Case(READERS, {"attachment_id": Shared("attachment")},
                                 note="whoever reads the thread"),
    "questions.queue": Case(TEACHING),
    "questions.department": Case({"tt.toan", "tp.toan"},
                                 note="heads and deputy heads of a department"),
    "questions.faq": Case(BOARD | {"hs.6a1.01", "gv.toan", "tt.toan", "tp.toan"},
                          {"class_id": Shared("class_6a1"), "subject_id": Shared("toan")},
                          note="the class's students, the subject's teachers and heads"),
    "questions.stats": Case(BOARD),
    "questions.stats_download": Case(BOARD),
}


def test_every_route_is_declared(app):
    assert_routes_declared(app, CORE_ROUTES, QUESTIONS_ROUTES, _other_plugins(app))


def test_routes_for_every_persona(app, demo):
    check_route_matrix(app, demo, QUESTIONS_ROUTES, personas=MATRIX_PERSONAS)


def _other_plugins(app) -> dict:
    """The other loaded plugins' endpoints: their own tests declare them."""
    return {rule.endpoint: None for rule in app.url_map.iter_rules()
            if rule.endpoint not in CORE_ROUTES and not rule.endpoint.startswith("questions.")}
