"""Records the view tests share: one task of gv.toan to 6A1 with an attachment, hs.6a1.01's
handed-in files, a comment in gv.tin's bank — built once per app and looked up by key, so the
URL values of one route case (an assignment and its submission) belong together."""
from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from lms.extensions import db

from .conftest import publish_task, school_class, submission_of, user

PDF = b"%PDF-1.4\n% bai lam\n%%EOF\n"


def pdf_upload(name: str = "phieu-bai-tap.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(PDF), filename=name, content_type="application/pdf")


def build_samples() -> dict[str, int]:
    """Inside an app context over the demo school; commits."""
    from plugins.assignments import grading, handin

    task = publish_task(title="Bài tập về phân số", instructions="<p>Làm bài 1, 2 trang 12</p>")
    handin.add_attachment(task, pdf_upload(), user("gv.toan"))
    doomed = publish_task(title="Bài sẽ xóa")
    mine = submission_of(task, "hs.6a1.01")
    kept = handin.add_file(mine, pdf_upload("bai-lam.pdf"), user("hs.6a1.01"))
    removable = handin.add_file(mine, pdf_upload("bai-lam-2.pdf"), user("hs.6a1.01"))
    # gv.tin's: the matrix runs as gv.tin after every persona that must be refused
    entry = grading.remember_comment(user("gv.tin"), "Bài làm cẩn thận.")
    db.session.commit()
    return {
        "assignment": task.id, "doomed": doomed.id, "submission": mine.id,
        "attachment": task.attachments[0].id, "file": kept.id, "removable": removable.id,
        "comment": entry.id, "class_6a1": school_class("6A1").id,
        "child": user("hs.6a1.01").id, "other_child": user("hs.6a2.01").id,
    }


@dataclass(frozen=True)
class Shared:
    """A URL value from `build_samples`, built on first use for this app."""

    key: str

    def resolve(self, app, demo) -> int:
        with app.app_context():
            samples = app.extensions.get("assignments_view_samples")
            if samples is None:
                samples = app.extensions["assignments_view_samples"] = build_samples()
            return samples[self.key]


@contextmanager
def count_queries(app):
    """The SQL statements run inside the block: `with count_queries(app) as statements:`."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def enroll_students(class_name: str, count: int, prefix: str = "hs.them") -> list[int]:
    """Add `count` students to a demo class (inside an app context; commits)."""
    from lms.models import ClassEnrollment, Role, User

    target = school_class(class_name)
    ids = []
    for number in range(1, count + 1):
        student = User(username=f"{prefix}.{class_name.lower()}.{number:03d}",
                       full_name=f"Học Sinh Số {number:03d}", password_hash="x")
        student.add_role(Role.STUDENT)
        db.session.add(student)
        db.session.flush()
        db.session.add(ClassEnrollment(student_id=student.id, class_id=target.id))
        ids.append(student.id)
    db.session.commit()
    return ids
