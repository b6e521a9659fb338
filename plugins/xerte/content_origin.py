"""Standalone Xerte lessons served from the content origin, isolated like SCORM packages.

The SCORM plugin's content origin does the hard part (the paired/configured host, grants for
the current LMS origin, cookieless sessions, framing headers); this module adds Xerte's own
file table and a token of its own (its own salt, so a SCORM grant never opens a Xerte lesson
with the same id, nor the other way round).
"""
from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from content_store.serving import serve_blob
from lms.extensions import db
from lms.storage import get_store
from plugins.scorm.content_origin import (
    ContentGrant,
    _framing_headers,
    grant_for,
    lms_origin,
)

from .models import XerteFile

PREFIX = "/xerte/c"
bp = Blueprint("xerte_content", __name__, url_prefix=PREFIX, static_folder="static",
               static_url_path="/static")
TOKEN_SALT = "xerte-content"


@bp.errorhandler(403)
@bp.errorhandler(404)
def plain_error(error):
    """Errors on the content origin are plain text: the LMS's error page shows the account and
    its forms, which have no business on this origin."""
    return current_app.response_class(f"{error.code} {error.name}\n", status=error.code,
                                      mimetype="text/plain")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def make_token(grant: ContentGrant) -> str:
    return _serializer().dumps([grant.package_id, grant.user_id, grant.lms_origin,
                                grant.content_origin])


def read_token(token: str) -> ContentGrant | None:
    max_age = current_app.extensions["lms"].plugins["scorm"].settings["content_token_seconds"]
    try:
        lesson_id, user_id, lms, content = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature, ValueError, TypeError):
        return None
    return ContentGrant(int(lesson_id), int(user_id), str(lms), str(content))


def lesson_grant(lesson_id: int, user_id: int) -> ContentGrant | None:
    """A grant (its `package_id` is the lesson id) for this request's LMS origin, or None."""
    return grant_for(lesson_id, user_id)


def shim_url(grant: ContentGrant, launch_file: str) -> str:
    """The page on the content origin that opens the lesson and watches its page changes."""
    return f"{grant.content_origin}{PREFIX}/shim/{make_token(grant)}?" + urlencode(
        {"launch": launch_file})


def _checked_grant(token: str) -> ContentGrant:
    grant = read_token(token)
    if grant is None:
        abort(403)
    # never on the LMS origin, where the learner's session cookie would come along
    if lms_origin() != grant.content_origin or lms_origin() == grant.lms_origin:
        abort(403)
    return grant


@bp.route("/shim/<token>")
def shim(token: str):
    """Frames the lesson (same origin as it) and tells the LMS page which page is showing."""
    grant = _checked_grant(token)
    launch = request.args.get("launch", "")
    if not launch or launch.startswith("/") or "://" in launch or ".." in launch.split("/"):
        abort(404)
    response = current_app.make_response(render_template(
        "xerte/shim.html", lms_origin=grant.lms_origin,
        lesson_url=f"{PREFIX}/files/{token}/{quote(launch)}",
        shim_script=url_for("xerte_content.static", filename="shim.js")))
    response.headers["Cache-Control"] = "no-store"
    return _framing_headers(response, grant)


@bp.route("/files/<token>/<path:path>")
def lesson_file(token: str, path: str):
    """A file of the lesson, with ETag, Range and long caching (the digest never changes)."""
    grant = _checked_grant(token)
    row = db.session.execute(
        select(XerteFile.digest, XerteFile.path)
        .where(XerteFile.lesson_id == grant.package_id, XerteFile.path == path)).first()
    if row is None:  # exports made on Windows differ in case from their links
        rows = db.session.execute(
            select(XerteFile.digest, XerteFile.path)
            .where(XerteFile.lesson_id == grant.package_id,
                   func.lower(XerteFile.path) == path.lower()).limit(2)).all()
        row = rows[0] if len(rows) == 1 else None
    if row is None:
        abort(404)
    response = serve_blob(get_store(), row.digest, filename=row.path)
    # the token is in the URL, so shared caches must not keep a copy for someone else
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    # shown in the shim's frame (this origin), which the LMS page frames: both are ancestors
    return _framing_headers(response, grant, inside_shim=True)
