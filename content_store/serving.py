"""HTTP delivery of blobs: ETag/Last-Modified, conditional requests, HEAD and Range (206/416).

Built only on `BlobStore.open` and `stat`, so it works the same for every backend. Werkzeug's
`make_conditional` does the RFC 9110 work; this module decides what it does not: several ranges
a malformed Range header or another unit than bytes get the whole file (a server may ignore Range), and an unsatisfiable
range gets a 416 that carries ``Content-Range: bytes */size`` itself rather than going through
the app's HTML error pages.
"""
from __future__ import annotations

import mimetypes
import unicodedata
from urllib.parse import quote

from flask import Response, abort, current_app, request
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import parse_range_header
from werkzeug.wsgi import wrap_file

from .base import BlobNotFound, BlobStore, is_digest

#: One year: the bytes under a digest never change.
IMMUTABLE_MAX_AGE = 31536000

# Types browsers and SCORM content need and Python's table lacks or gets wrong on some systems.
_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
    ".vtt": "text/vtt",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".wasm": "application/wasm",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".htm": "text/html",
    ".html": "text/html",
    ".css": "text/css",
    ".txt": "text/plain",
    ".swf": "application/x-shockwave-flash",
}
_TEXT_TYPES = ("application/json", "application/xml", "image/svg+xml")


def guess_type(name: str) -> str:
    """The MIME type for a file name, with ``charset=utf-8`` on textual types."""
    lower = name.lower()
    dot = lower.rfind(".")
    mimetype = _TYPES.get(lower[dot:]) if dot != -1 else None
    return _with_charset(mimetype or mimetypes.guess_type(lower)[0] or "application/octet-stream")


def _with_charset(mimetype: str) -> str:
    textual = mimetype.startswith("text/") or mimetype in _TEXT_TYPES
    return f"{mimetype}; charset=utf-8" if textual and "charset" not in mimetype else mimetype


def serve_blob(
    store: BlobStore,
    digest: str,
    *,
    filename: str,
    mimetype: str | None = None,
    immutable: bool = True,
    download: bool = False,
) -> Response:
    """Serve a blob with the caching and Range behaviour media players and browsers expect.

    The digest is the ETag and the storage time the Last-Modified. `immutable` responses (the
    usual case: the URL names the digest or a versioned package) are cacheable for a year.
    With ``LMS_X_SENDFILE`` set to ``"nginx"`` (X-Accel-Redirect to ``LMS_X_ACCEL_PREFIX``) or
    ``"apache"`` (X-Sendfile) and a backend with local files, the body is left to the front
    server, which then also answers Range requests. An unknown or invalid digest is a 404.
    """
    if not is_digest(digest):
        abort(404)
    try:
        blob = store.stat(digest)
    except BlobNotFound:
        abort(404)
    content_type = _with_charset(mimetype) if mimetype else guess_type(filename)
    response = Response(content_type=content_type)
    response.set_etag(digest)
    response.last_modified = blob.stored_at.replace(microsecond=0)
    if immutable:
        response.headers["Cache-Control"] = f"public, max-age={IMMUTABLE_MAX_AGE}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if download:
        response.headers["Content-Disposition"] = _attachment(filename)

    front_server_header = _front_server_header(store, digest)
    if front_server_header:
        response.make_conditional(request.environ)  # answer 304s here; the rest to the server
        if response.status_code == 200:
            response.headers.pop("Content-Length", None)
            response.headers[front_server_header[0]] = front_server_header[1]
        return response

    environ = request.environ
    ranges = parse_range_header(environ.get("HTTP_RANGE"))
    if environ.get("HTTP_RANGE") and (
        ranges is None or ranges.units != "bytes" or len(ranges.ranges) != 1
    ):
        environ = {key: value for key, value in environ.items() if key != "HTTP_RANGE"}
    body = store.open(digest)
    response.response = wrap_file(environ, body)
    response.direct_passthrough = True
    response.content_length = blob.size
    try:
        return response.make_conditional(environ, accept_ranges=True, complete_length=blob.size)
    except RequestedRangeNotSatisfiable:
        body.close()
        return _range_not_satisfiable(response, blob.size)


def _front_server_header(store: BlobStore, digest: str) -> tuple[str, str] | None:
    mode = current_app.config.get("LMS_X_SENDFILE")
    path = store.local_path(digest) if mode else None
    if not path:
        return None
    if mode == "nginx":
        prefix = current_app.config.get("LMS_X_ACCEL_PREFIX", "/_blobs").rstrip("/")
        return "X-Accel-Redirect", f"{prefix}/{digest[:2]}/{digest[2:4]}/{digest}"
    return "X-Sendfile", path


def _attachment(filename: str) -> str:
    """RFC 6266: an ASCII fallback plus the UTF-8 name (Vietnamese file names)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.replace("\\", "_").replace('"', "_") or "download"
    return f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(filename, safe="")}'


def _range_not_satisfiable(response: Response, size: int) -> Response:
    response.direct_passthrough = False
    response.set_data(b"")
    response.status_code = 416
    response.headers["Content-Range"] = f"bytes */{size}"
    response.headers["Accept-Ranges"] = "bytes"
    return response
