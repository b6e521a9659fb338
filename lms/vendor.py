"""Browser libraries served from node_modules (installed by `npm ci`; never copied into the repo).

Only the folders in `ALLOWED` are reachable: ``/vendor/htmx.org/dist/htmx.min.js`` serves
``node_modules/htmx.org/dist/htmx.min.js``. Templates link with ``vendor_url(package, filename)``,
which adds the installed version so a year of browser caching never serves an old release.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory, url_for

from content_store.serving import guess_type

#: package -> the sub-folders of it that browsers may fetch
ALLOWED: dict[str, tuple[str, ...]] = {
    "htmx.org": ("dist",),
    "scorm-again": ("dist",),
}
ONE_YEAR = 365 * 24 * 3600

bp = Blueprint("vendor", __name__)


def node_modules() -> Path:
    configured = current_app.config.get("LMS_NODE_MODULES")
    return Path(configured) if configured else Path(current_app.root_path).parent / "node_modules"


@bp.route("/vendor/<package>/<path:filename>")
def asset(package: str, filename: str):
    folder, _, rest = filename.partition("/")
    if folder not in ALLOWED.get(package, ()) or not rest:
        abort(404)
    # send_from_directory refuses "..", absolute paths and anything outside the folder (404).
    response = send_from_directory(node_modules() / package / folder, rest, max_age=ONE_YEAR)
    response.headers["Content-Type"] = guess_type(rest)  # the one MIME table, charset included
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@cache
def _installed_version(package_json: Path) -> str:
    try:
        return json.loads(package_json.read_text(encoding="utf-8")).get("version", "")
    except (OSError, ValueError):
        return ""


def vendor_url(package: str, filename: str) -> str:
    """URL of a vendored file, versioned by the installed package's version."""
    version = _installed_version(node_modules() / package / "package.json")
    return url_for("vendor.asset", package=package, filename=filename, v=version or None)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["vendor_url"] = vendor_url
