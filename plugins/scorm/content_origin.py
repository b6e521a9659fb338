"""Package files served from a separate origin, so package JavaScript never acts as the user.

A SCORM package is arbitrary HTML and JavaScript written by whoever exported it. Served from the
LMS's own origin it could read LMS pages and post forms with the learner's session (Moodle flags
SCORM upload as an XSS risk for this reason). Here the files are served from the *content
origin*, a different host, so:

* the browser never sends the LMS session cookie with content requests (cookies are per host,
  not per port: a second port on the same host would NOT isolate them);
* content responses never set a cookie and ignore any session the request carries;
* access is by a short-lived signed token in the path (package, user, both origins, expiry);
  path-based so that relative URLs inside the package keep working;
* content may only be framed by the LMS origin (``frame-ancestors``), and LMS pages refuse to
  be framed by anyone else (``frame-ancestors 'self'`` on the LMS side).

Configuration: the plugin setting ``content_origin`` (e.g. ``https://noidung.truong.edu.vn``,
a host name pointing at the same server). When empty, the demo pairing applies: an LMS reached
at ``http://127.0.0.1:PORT`` serves content at ``http://localhost:PORT`` and vice versa. Any
other host without the setting cannot play packages (the player says so).
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, request, url_for
from flask.sessions import SessionInterface
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from content_store.serving import serve_blob
from lms.extensions import csrf, db
from lms.storage import get_store

from .models import ScormFile

bp = Blueprint("scorm_content", __name__, url_prefix="/scorm")

#: the demo pairing of hosts used when ``content_origin`` is not configured
PAIRED_HOSTS = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}
TOKEN_SALT = "scorm-content"
#: what the content host may serve besides package files: the scorm-again bridge script
CONTENT_HOST_BLUEPRINTS = ("scorm_content", "vendor")
#: requests under these paths never read nor write the session cookie
COOKIELESS_PATHS = ("/scorm/content/", "/scorm/shim/", "/scorm/static/", "/vendor/")


@dataclass(frozen=True)
class ContentGrant:
    """What a content token allows: `user_id` may read files of `package_id`."""

    package_id: int
    user_id: int
    lms_origin: str
    content_origin: str


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def lms_origin() -> str:
    """The origin this request reached the LMS at."""
    return origin_of(request.host_url)


def _plugin():
    return current_app.extensions["lms"].plugins["scorm"]


def content_origin_for(lms: str) -> str | None:
    """The content origin paired with the LMS origin `lms`, or None when none can be used."""
    configured = _plugin().settings["content_origin"].strip()
    if configured:
        configured = origin_of(configured)
        return None if configured == lms else configured
    parts = urlsplit(lms)
    other = PAIRED_HOSTS.get(parts.hostname or "")
    if other is None:
        return None
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{other}{port}"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def make_token(grant: ContentGrant) -> str:
    return _serializer().dumps([grant.package_id, grant.user_id, grant.lms_origin,
                                grant.content_origin])


def read_token(token: str) -> ContentGrant | None:
    max_age = _plugin().settings["content_token_seconds"]
    try:
        package_id, user_id, lms, content = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature, ValueError, TypeError):
        return None
    return ContentGrant(int(package_id), int(user_id), str(lms), str(content))


def grant_for(package_id: int, user_id: int) -> ContentGrant | None:
    """A grant for the current request's LMS origin, or None when no content origin fits."""
    lms = lms_origin()
    content = content_origin_for(lms)
    if content is None:
        return None
    return ContentGrant(package_id, user_id, lms, content)


def content_url(grant: ContentGrant, path: str) -> str:
    """Absolute URL of a package file (or of the shim) on the content origin."""
    from urllib.parse import quote

    return f"{grant.content_origin}/scorm/content/{make_token(grant)}/{quote(path)}"


def shim_url(grant: ContentGrant, launch_path: str) -> str:
    """The page on the content origin that installs the API bridge and then opens the SCO."""
    from urllib.parse import urlencode

    return (f"{grant.content_origin}/scorm/shim/{make_token(grant)}?"
            + urlencode({"launch": launch_path}))


def _checked_grant(token: str) -> ContentGrant:
    grant = read_token(token)
    if grant is None:
        abort(403)
    # Only on the origin the token was minted for: never on the LMS origin itself, where the
    # learner's session cookie would come along.
    if lms_origin() != grant.content_origin or lms_origin() == grant.lms_origin:
        abort(403)
    return grant


def _framing_headers(response, grant: ContentGrant, *, inside_shim: bool = False):
    """Only the LMS page may frame content. A browser checks frame-ancestors against EVERY
    ancestor, and a package file sits in the shim (this origin) inside the LMS page, so files
    shown in the shim's frame must allow 'self' too, or the browser refuses to show them."""
    ancestors = f"'self' {grant.lms_origin}" if inside_shim else grant.lms_origin
    response.headers["Content-Security-Policy"] = f"frame-ancestors {ancestors}"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers.pop("X-Frame-Options", None)
    return response


@bp.route("/shim/<token>")
def shim(token: str):
    """Installs `window.API` / `window.API_1484_11` as scorm-again `CrossFrameAPI` objects
    talking to the LMS page, then loads the SCO in a child frame, where the SCORM API discovery
    (parent chain) finds them. Same origin as the SCO, different from the LMS."""
    from flask import render_template

    from lms.vendor import vendor_url

    grant = _checked_grant(token)
    launch = request.args.get("launch", "")
    if not launch or launch.startswith("/") or "://" in launch or ".." in launch.split("/"):
        abort(404)
    response = current_app.make_response(render_template(
        "scorm/shim.html", lms_origin=grant.lms_origin,
        sco_url=f"/scorm/content/{token}/{launch}",
        api_script=vendor_url("scorm-again", "dist/cross-frame-api.min.js"),
        shim_script=url_for("scorm.static", filename="shim.js")))
    response.headers["Cache-Control"] = "no-store"
    return _framing_headers(response, grant)


@bp.route("/content/<token>/<path:path>")
@csrf.exempt
def package_file(token: str, path: str):
    """A file of the package, with ETag, Range and long caching (the digest never changes)."""
    grant = _checked_grant(token)
    row = db.session.execute(
        select(ScormFile.digest, ScormFile.path)
        .where(ScormFile.package_id == grant.package_id, ScormFile.path == path)
    ).first()
    if row is None:
        # packages made on Windows link "Images/A.PNG" to "images/a.png"
        rows = db.session.execute(
            select(ScormFile.digest, ScormFile.path)
            .where(ScormFile.package_id == grant.package_id,
                   func.lower(ScormFile.path) == path.lower()).limit(2)
        ).all()
        row = rows[0] if len(rows) == 1 else None
    if row is None:
        abort(404)
    response = serve_blob(get_store(), row.digest, filename=row.path)
    # The token is in the URL, so shared caches must not keep a copy for someone else.
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return _framing_headers(response, grant, inside_shim=True)


def serve_from_content_host(app, blueprint: str, path_prefix: str) -> None:
    """Let another plugin's blueprint (Xerte's standalone lessons) serve package files the way
    this one does: cookieless, allowed on the configured content host, framed by its own CSP."""
    routes = app.extensions.setdefault("content_host_routes",
                                       {"blueprints": set(), "paths": set()})
    routes["blueprints"].add(blueprint)
    routes["paths"].add(path_prefix)


def _extra_content_routes(app, kind: str) -> tuple[str, ...]:
    return tuple(app.extensions.get("content_host_routes", {}).get(kind, ()))


@bp.errorhandler(403)
@bp.errorhandler(404)
def plain_error(error):
    """Errors on the content origin are plain text: the LMS's error page shows the account and
    its forms, which have no business on this origin."""
    return current_app.response_class(f"{error.code} {error.name}\n", status=error.code,
                                      mimetype="text/plain")


class CookielessContentSessions(SessionInterface):
    """Wraps the app's session interface: requests on content routes neither read nor save a
    session, so a content response can never carry a Set-Cookie."""

    def __init__(self, inner: SessionInterface):
        self.inner = inner

    @staticmethod
    def _is_content() -> bool:
        # by path: Flask opens the session before it matches the URL to an endpoint
        return request.path.startswith(
            COOKIELESS_PATHS + _extra_content_routes(current_app, "paths"))

    def open_session(self, app, request_):
        if self._is_content():
            # an empty session, not read from any cookie; whatever is written to it is dropped
            return getattr(self.inner, "session_class", dict)()
        return self.inner.open_session(app, request_)

    def save_session(self, app, session, response):
        if self._is_content():
            response.headers.remove("Set-Cookie")
            return None
        return self.inner.save_session(app, session, response)

    def make_null_session(self, app):
        return self.inner.make_null_session(app)

    def is_null_session(self, obj) -> bool:
        return self.inner.is_null_session(obj)


def _lms_pages_not_frameable(response):
    """LMS pages may frame content, but nothing (least of all the content origin) frames them."""
    if request.blueprint not in (bp.name, *_extra_content_routes(current_app, "blueprints")):
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if "frame-ancestors" not in response.headers.get("Content-Security-Policy", ""):
            policy = response.headers.get("Content-Security-Policy")
            response.headers["Content-Security-Policy"] = (
                f"{policy}; frame-ancestors 'self'" if policy else "frame-ancestors 'self'")
    return response


def _only_content_on_content_host():
    """With a configured content origin, that host serves content files and nothing else."""
    configured = _plugin().settings["content_origin"].strip()
    if (configured and lms_origin() == origin_of(configured)
            and request.blueprint not in CONTENT_HOST_BLUEPRINTS
            + _extra_content_routes(current_app, "blueprints")
            and request.endpoint != "scorm.static"):
        abort(404)


def init_content_origin(app) -> None:
    if not isinstance(app.session_interface, CookielessContentSessions):
        app.session_interface = CookielessContentSessions(app.session_interface)
    app.after_request(_lms_pages_not_frameable)
    app.before_request(_only_content_on_content_host)
