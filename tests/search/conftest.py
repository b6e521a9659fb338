"""Search test helpers: materials inserted as the content types leave them, and every backend."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Department, Material, MaterialStatus, MaterialVersion, SchoolYear, User
from lms.models.base import utcnow

PLUGINS = ("library", "scorm", "xerte", "search")
ENGINES = ("whoosh", "tantivy", "postgresql")


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def department(code: str) -> Department:
    return db.session.scalar(sa.select(Department).where(Department.code == code))


def plugin(app):
    return app.extensions["lms"].plugins["search"]


@pytest.fixture(params=ENGINES)
def engine(request, app, demo, db_backend, tmp_path):
    """Each backend in turn, installed on the app with an empty index (PostgreSQL's only when
    the test database is PostgreSQL)."""
    from plugins.search.backends import make_backend
    from plugins.search.indexer import rebuild

    if request.param == "postgresql" and db_backend != "postgresql":
        pytest.skip("the PostgreSQL backend needs the PostgreSQL test database")
    with app.app_context():
        backend = make_backend(request.param, tmp_path / f"search-{request.param}")
        plugin(app).backend = backend
        rebuild(backend)
    return backend


@pytest.fixture
def add(app, demo):
    """add(title, author="gv.toan", dept="TOAN", status="approved", text="", ...) -> id.

    Inserts a material and its version directly, as an import plus approval would leave them.
    """
    def make(title: str, *, author: str = "gv.toan", dept: str = "TOAN", status: str = "approved",
             text: str = "", content_type: str = "scorm", description: str = "",
             keywords: str = "", grade: int | None = None) -> int:
        from lms.models import GradeLevel

        with app.app_context():
            approved = status == MaterialStatus.APPROVED.value
            material = Material(
                title=title, description=description, keywords=keywords,
                content_type=content_type, department=department(dept), author=user(author),
                school_year=SchoolYear.current(), status=status,
                approved_at=utcnow() if approved else None,
                grade_level=db.session.scalar(sa.select(GradeLevel).where(
                    GradeLevel.number == grade)) if grade else None)
            version = MaterialVersion(material=material, number=1, content_type=content_type,
                                      created_by=user(author), status=status,
                                      extracted_text=text)
            db.session.add_all([material, version])
            db.session.flush()
            material.live_version = version
            db.session.commit()
            return material.id

    return make


@pytest.fixture
def sync(app):
    """Drain the outbox into the app's backend, as `flask lms search-sync --once` does."""
    from plugins.search.indexer import drain

    def run() -> int:
        with app.app_context():
            return drain(plugin(app).backend)

    return run


@pytest.fixture
def find(app, demo):
    """find(text, as_user="admin", **request fields) -> [titles in rank order]."""
    from plugins.search.query import Scope, SearchRequest

    def run(text: str, as_user: str = "admin", **fields):
        with app.app_context():
            scope = Scope.for_user(user(as_user))
            page = plugin(app).backend.search(SearchRequest(text=text, scope=scope, **fields))
            titles = {m.id: m.title for m in db.session.scalars(
                sa.select(Material).where(Material.id.in_(page.ids)))}
            return [titles[i] for i in page.ids]

    return run


def now():
    return utcnow()
