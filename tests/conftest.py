"""Fixtures in the flaskr style: `app` (parametrized over SQLite and, when configured,
PostgreSQL), `client`, `runner`, plus `demo` (the seeded demo school) and `login`.

Every DB test runs once per backend. The schema is built by the real Alembic migrations once per
backend and session; each test then gets a copy (SQLite) or a truncated database (PostgreSQL).
Mark a test `@pytest.mark.plugins("example", ...)` to choose the plugins its app loads.
"""
from __future__ import annotations

import gc
import os
import shutil
import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms import create_app
from lms.config import DEFAULT_PLUGINS
from lms.extensions import db
from lms.plugins import discover

PG_URL = os.environ.get("LMS_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
ALL_PLUGINS = tuple(sorted(discover()))
SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


_worker_urls: dict[str, str] = {}


def _pg_url() -> str:
    """The PostgreSQL URL for this test process.

    Under pytest-xdist each worker gets a database of its own (`<name>_gw0`, ...), created on
    first use, because tests truncate tables between them.
    """
    url = PG_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    if worker not in _worker_urls:
        base = sa.make_url(url)
        name = f"{base.database}_{worker}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": name}).scalar()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        _worker_urls[worker] = base.set(database=name).render_as_string(hide_password=False)
    return _worker_urls[worker]


def _migrate(uri: str, data_dir: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "LMS_PLUGINS": ALL_PLUGINS,
                      "LMS_DATA_DIR": str(data_dir), "LMS_CONTENT_DIR": str(data_dir / "c"),
                      "SECRET_KEY": "migrate"})
    from lms.cli import upgrade_database

    with app.app_context():
        upgrade_database()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory):
    """Backend name -> a database already at every migration head."""
    base = tmp_path_factory.mktemp("schema")
    templates = {}
    sqlite_file = base / "template.sqlite3"
    _migrate(f"sqlite:///{sqlite_file}", base)
    templates["sqlite"] = sqlite_file
    if PG_URL:
        engine = sa.create_engine(_pg_url())
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        _migrate(_pg_url(), base)
        templates["postgresql"] = _pg_url()
    return templates


def _truncate_postgres(uri: str) -> None:
    engine = sa.create_engine(uri)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"))]
        if tables:
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                 + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_backend(request):
    return request.param


@pytest.fixture
def app(request, db_backend, migrated_databases, tmp_path, monkeypatch):
    marker = request.node.get_closest_marker("plugins")
    plugins = tuple(marker.args) if marker else DEFAULT_PLUGINS
    monkeypatch.setenv("LMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    if db_backend == "sqlite":
        db_file = tmp_path / "lms.sqlite3"
        shutil.copyfile(migrated_databases["sqlite"], db_file)
        uri = f"sqlite:///{db_file}"
    else:
        uri = migrated_databases["postgresql"]
        _truncate_postgres(uri)
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": uri,
        "LMS_PLUGINS": plugins,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "LMS_CONTENT_DIR": str(tmp_path / "data" / "content"),
    }
    extra = request.node.get_closest_marker("app_config")
    if extra:
        config.update(extra.args[0])
    app = create_app(config)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    # Connections still held by threads that served this app (a live server's keep-alive
    # handlers, a worker thread) become garbage only now; finalise them here, before the next
    # test, so psycopg's "deleted while still open" warning cannot land on an unrelated test.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=ResourceWarning,
                                message=r".*psycopg\.Connection.*deleted while still open")
        gc.collect()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The seeded demo school; returns {username: user id}."""
    from lms.models import User
    from lms.seed import seed_demo_school

    with app.app_context():
        seed_demo_school()
        return {u.username: u.id for u in db.session.scalars(sa.select(User))}


@pytest.fixture
def login(client):
    from lms.seed import DEMO_PASSWORD

    def do_login(username: str, password: str = DEMO_PASSWORD, follow: bool = False):
        client.post("/logout")
        return client.post("/login", data={"username": username, "password": password},
                           follow_redirects=follow)

    return do_login


@pytest.fixture
def shared_fixtures():
    """../shared/fixtures, or a skip when this clone has no shared folder beside it."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip("../shared/fixtures is absent (a user's clone): real-package tests skipped")
    return SHARED_FIXTURES
