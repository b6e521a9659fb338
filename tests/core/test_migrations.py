"""The schema is built only by Alembic: upgrade from empty and downgrade back, on each backend."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from lms import create_app
from lms.cli import upgrade_database
from lms.extensions import db

from ..conftest import ALL_PLUGINS, PG_URL, _pg_url


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    # A database of its own: the shared test database already holds the migrated schema.
    name = f"lms_mig_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(_pg_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _tables(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_then_downgrade_to_nothing(empty_database, tmp_path):
    from flask_migrate import downgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "LMS_PLUGINS": ALL_PLUGINS,
                      "LMS_CONTENT_DIR": str(tmp_path / "c"), "SECRET_KEY": "x"})
    with app.app_context():
        assert _tables(db.engine) == set()
        upgrade_database()
        created = _tables(db.engine)
        # Every model the app knows about (core and all plugins) has a migrated table.
        assert set(db.metadata.tables) <= created
        downgrade(revision="base")
        assert _tables(db.engine) == set()
        db.engine.dispose()


def test_models_and_migrations_agree(app):
    """Autogenerate against the migrated schema finds nothing: no model change lacks a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    if set(app.config["LMS_PLUGINS"]) != set(ALL_PLUGINS):
        app = create_app({**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY",
                                                        "LMS_CONTENT_DIR")},
                          "LMS_PLUGINS": ALL_PLUGINS})
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == []
