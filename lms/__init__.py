"""The LMS core: app factory, school structure, accounts, the plugin engine and storage access."""
from __future__ import annotations

from flask import Flask

from . import config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    config.load(app, test_config)

    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    if _plugin_migrations not in migrate.configure_callbacks:
        migrate.configure(_plugin_migrations)

    db.init_app(app)
    from .database import tune_sqlite

    with app.app_context():
        tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from .i18n import select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    from . import auth, cli, errors, home, storage, template_helpers, vendor
    from .plugins import Registry, load_plugins

    app.extensions["lms"] = Registry()
    cli.init_app(app)
    storage.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    template_helpers.init_app(app)
    app.register_blueprint(home.bp)
    vendor.init_app(app)

    from . import admin, bench_routes, people_import

    admin.init_app(app)
    people_import.init_app(app)
    bench_routes.init_app(app)
    from . import materials
    from .packages import cli as packages_cli

    materials.init_app(app)
    packages_cli.init_app(app)
    load_plugins(app, app.extensions["lms"])

    return app


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _plugin_migrations(alembic_config):
    """Each plugin keeps its own Alembic branch; point Alembic at all of them."""
    import os

    from flask import current_app

    dirs = [str(_migrations_dir() / "versions"), *current_app.extensions["lms"].migration_dirs]
    alembic_config.set_main_option("path_separator", "os")
    alembic_config.set_main_option("version_locations", os.pathsep.join(dirs))
    return alembic_config
