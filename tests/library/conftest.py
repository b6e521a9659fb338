"""Helpers for the library tests: materials of the `file` content type, made as teachers do."""
from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Department, Material, User

PLUGINS = ("library",)
_counter = itertools.count(1)


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def department(code: str) -> Department:
    return db.session.scalar(sa.select(Department).where(Department.code == code))


def make_file_material(tmp_path, *, author: str, dept: str = "TOAN", title: str | None = None,
                       name: str = "bai.pdf", data: bytes | None = None) -> Material:
    """Import a small PDF through the `file` content type, as the file upload does."""
    from lms.packages.importer import import_archive
    from plugins.library.file_type import SingleFileArchive

    number = next(_counter)
    path = tmp_path / f"upload-{number}"
    path.write_bytes(data or b"%PDF-1.4\n% bai giang " + str(number).encode() + b"\n%%EOF\n")
    with SingleFileArchive(path, name) as archive:
        material = import_archive(archive, filename=name, department=department(dept),
                                  author=user(author))
    if title:
        material.title = title
        db.session.commit()
    return material


@pytest.fixture
def make_material(app, demo, tmp_path):
    """make_material(author, dept="TOAN", title=None) -> material id (a draft file material)."""
    def make(author: str, dept: str = "TOAN", title: str | None = None, **extra) -> int:
        with app.app_context():
            return make_file_material(tmp_path, author=author, dept=dept, title=title,
                                      **extra).id

    return make


@pytest.fixture
def step(app):
    """step(material_id, action, username, comment="") takes an approval step in the service."""
    from plugins.library import approval

    def take(material_id: int, action: str, username: str, comment: str = ""):
        with app.app_context():
            material = db.session.get(Material, material_id)
            return approval.perform(material, action, user(username), comment).action

    return take
