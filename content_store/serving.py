"""HTTP delivery of blobs: ETag/Last-Modified, conditional requests, Range (206/416)."""
from __future__ import annotations

import mimetypes

from flask import Response, current_app, send_file

from .base import BlobStore

# Types browsers and SCORM content need and Python's table lacks or gets wrong on some systems.
_EXTRA_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
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
    ".swf": "application/x-shockwave-flash",
}


def guess_type(name: str) -> str:
    lower = name.lower()
    dot = lower.rfind(".")
    if dot != -1 and lower[dot:] in _EXTRA_TYPES:
        return _EXTRA_TYPES[lower[dot:]]
    return mimetypes.guess_type(lower)[0] or "application/octet-stream"


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

    The digest is the ETag: content never changes under a digest, so `immutable` files are
    cacheable for a year. With ``LMS_X_SENDFILE`` (``"nginx"`` or ``"apache"``) and a local
    backend, the body is left to the front server.
    """
    mimetype = mimetype or guess_type(filename)
    if mimetype.startswith("text/") or mimetype in ("application/json", "application/xml"):
        mimetype += "; charset=utf-8" if "charset" not in mimetype else ""
    mode = current_app.config.get("LMS_X_SENDFILE")
    path = store.local_path(digest)
    if mode == "nginx" and path:
        response = Response(mimetype=mimetype)
        prefix = current_app.config.get("LMS_X_ACCEL_PREFIX", "/_blobs")
        response.headers["X-Accel-Redirect"] = f"{prefix}/{digest[:2]}/{digest[2:4]}/{digest}"
    else:
        response = send_file(
            store.open(digest),
            mimetype=mimetype,
            as_attachment=download,
            download_name=filename if download else None,
            conditional=True,
            etag=digest,
            last_modified=None,
            max_age=31536000 if immutable else 0,
        )
        if mode == "apache" and path:
            response.headers["X-Sendfile"] = path
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Accept-Ranges"] = "bytes"
    if immutable:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
