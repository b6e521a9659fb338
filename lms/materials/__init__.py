"""Materials in the core: the permanent link, a material's page and the teachers' upload flow."""
from __future__ import annotations

from flask import Flask, current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l

from ..models import Role
from ..plugins import NavEntry

DEFAULT_BASE_URL = "http://127.0.0.1:5000"
UPLOADER_ROLES = frozenset({Role.TEACHER.value, Role.DEPARTMENT_HEAD.value,
                            Role.DEPUTY_HEAD.value, Role.PRINCIPAL.value,
                            Role.VICE_PRINCIPAL.value})


def init_app(app: Flask) -> None:
    from .results import bp as results_bp
    from .views import bp

    app.register_blueprint(bp)
    app.register_blueprint(results_bp)
    app.extensions["lms"].navigation.append(NavEntry(
        "materials.upload", lambda: str(_l("Tải lên học liệu")),
        frozenset({Role.TEACHER.value, Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value}), 200))


def permanent_link(material) -> str:
    """The absolute link that stays valid across versions (the catalog's “Link liên kết”).

    Built on ``LMS_BASE_URL`` so that links printed by the CLI or exported in the catalog do
    not depend on which address a request happened to use.
    """
    base = current_app.config.get("LMS_BASE_URL")
    if base or not has_request_context():
        return (base or DEFAULT_BASE_URL).rstrip("/") + f"/m/{material.id}"
    return url_for("materials.permalink", id=material.id, _external=True)
