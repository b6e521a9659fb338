"""Shared helpers for the questions tests: the demo school's people, classes and subjects by name
(from the assignments tests' helpers), a question of hs.6a1.01 to the Toán teachers of 6A1, and
photo/PDF uploads."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from lms.extensions import db
from tests.assignments.conftest import (  # noqa: F401  (re-exported for the tests)
    count_queries,
    make_approved_material,
    publish_task,
    school_class,
    subject,
    user,
)

PDF = b"%PDF-1.4\n% bai tap\n%%EOF\n"


def pdf_upload(name: str = "bai-tap.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(PDF), filename=name, content_type="application/pdf")


def photo_upload(name: str = "IMG_0001.jpg", size=(3000, 1500)) -> FileStorage:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="JPEG")
    buffer.seek(0)
    return FileStorage(buffer, filename=name, content_type="image/jpeg")


def subject_key(class_name: str = "6A1", subject_code: str = "TOAN") -> str:
    return f"{school_class(class_name).id}-{subject(subject_code).id}"


def ask_question(student: str = "hs.6a1.01", class_name: str = "6A1",
                 subject_code: str = "TOAN", title: str = "Bài 3 trang 12 làm thế nào ạ?",
                 body: str = "<p>Em không hiểu cách quy đồng.</p>", **options):
    """A committed question through `threads.ask`."""
    from plugins.questions.threads import ask

    thread = ask(user(student), subject_key=subject_key(class_name, subject_code), title=title,
                 body=body, **options)
    db.session.commit()
    return thread


@pytest.fixture
def ctx(app, demo):
    """An app context over the seeded demo school, for service-level tests."""
    with app.app_context():
        yield


@pytest.fixture
def question(app, demo):
    """The id of hs.6a1.01's open question to the Toán teachers of 6A1 (gv.toan)."""
    with app.app_context():
        return ask_question().id
