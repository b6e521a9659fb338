"""Administration: accounts (reset, disable, roles), bulk import of people, the audit log."""
from flask import Flask
from flask_babel import lazy_gettext as _l

from ..models import Role
from ..plugins import NavEntry
from .views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.extensions["lms"].navigation.append(
        NavEntry("admin.users", lambda: str(_l("Người dùng")), frozenset({Role.ADMIN.value}), 900)
    )
