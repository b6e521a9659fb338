"""Shared helpers for the assignments tests: the demo school's people, classes and subjects by
their names, an approved library material the students may see, and a published assignment.

Helpers taking names work inside an app context; fixtures return ids so a test can reopen its
rows in a fresh context (a test client request ends the one it ran in).
"""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Department, Material, SchoolClass, Subject, User
from lms.models.base import utcnow

_counter = itertools.count(1)


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def school_class(name: str) -> SchoolClass:
    return db.session.scalar(sa.select(SchoolClass).where(SchoolClass.name == name))


def subject(code: str) -> Subject:
    return db.session.scalar(sa.select(Subject).where(Subject.code == code))


def students_of(class_name: str) -> list[User]:
    """hs.6a1.01, hs.6a1.02, … of the demo class, by username."""
    prefix = f"hs.{class_name.lower()}."
    return list(db.session.scalars(
        sa.select(User).where(User.username.startswith(prefix)).order_by(User.username)))


def approve_material(material: Material, *, when: datetime | None = None) -> Material:
    """Mark a material approved with its newest version live, as the approval workflow ends."""
    version = material.latest_version
    when = when or utcnow()
    version.status = "approved"
    version.approved_at = when
    material.status = "approved"
    material.approved_at = when
    material.live_version_id = version.id
    return material


def make_approved_material(tmp_path, *, author: str = "gv.toan", dept: str = "TOAN",
                           subject_code: str | None = "TOAN", title: str | None = None,
                           approved: bool = True) -> Material:
    """A small PDF material of the `file` content type, imported as a teacher does, then
    approved (unless `approved=False`). Commits."""
    from lms.packages.importer import import_archive
    from plugins.library.file_type import SingleFileArchive

    number = next(_counter)
    path = tmp_path / f"assignment-material-{number}.pdf"
    path.write_bytes(b"%PDF-1.4\n% bai giang " + str(number).encode() + b"\n%%EOF\n")
    department = db.session.scalar(sa.select(Department).where(Department.code == dept))
    with SingleFileArchive(path, f"bai-{number}.pdf") as archive:
        material = import_archive(archive, filename=f"bai-{number}.pdf", department=department,
                                  author=user(author))
    material.title = title or f"Bài giảng số {number}"
    if subject_code:
        material.subject_id = subject(subject_code).id
    if approved:
        approve_material(material)
    db.session.commit()
    return material


def publish_task(*, teacher: str = "gv.toan", subject_code: str = "TOAN",
                 classes: tuple[str, ...] = ("6A1",), title: str = "Bài tập về nhà",
                 opens_at: datetime | None = None, due_at: datetime | None = None,
                 cutoff_at: datetime | None = None, **fields):
    """Publish a plain task (or, with kind="material" and material_id, a material) to whole
    classes through `publishing.publish`; commits and returns the assignment."""
    from plugins.assignments import publishing

    now = utcnow()
    opens_at = opens_at or now - timedelta(days=1)
    due_at = due_at or now + timedelta(days=3)
    recipients = [publishing.RecipientSpec(class_id=school_class(name).id) for name in classes]
    assignment = publishing.publish(
        teacher=user(teacher), title=title, instructions=fields.pop("instructions", ""),
        kind=fields.pop("kind", "task"), subject_id=subject(subject_code).id,
        recipients=recipients, opens_at=opens_at, due_at=due_at, cutoff_at=cutoff_at, **fields)
    db.session.commit()
    return assignment


def submission_of(assignment, username: str):
    from plugins.assignments.models import Submission

    return db.session.scalar(sa.select(Submission).where(
        Submission.assignment_id == assignment.id, Submission.student_id == user(username).id))


@contextmanager
def count_queries(app):
    """Count the SQL statements run inside the block: `with count_queries(app) as queries:`."""
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


@pytest.fixture
def ctx(app, demo):
    """An app context over the seeded demo school, for service-level tests."""
    with app.app_context():
        yield


@pytest.fixture
def approved_material(app, demo, tmp_path):
    """approved_material(author="gv.toan", dept="TOAN", subject_code="TOAN") -> material id."""
    def make(**options) -> int:
        with app.app_context():
            return make_approved_material(tmp_path, **options).id

    return make


@pytest.fixture
def task(app, demo):
    """task(**publish_task options) -> assignment id of a published plain task (gv.toan, TOAN,
    6A1, opened yesterday, due in three days by default)."""
    def make(**options) -> int:
        with app.app_context():
            return publish_task(**options).id

    return make
