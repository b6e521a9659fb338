"""The app's content store, built from configuration; callers use `get_store()`.

Settings: ``LMS_STORAGE_BACKEND`` (``"local"``), ``LMS_CONTENT_DIR`` (the local root),
``LMS_X_SENDFILE`` (None, ``"nginx"`` or ``"apache"``; see `content_store.serving`) and
``LMS_BLOB_GC_GRACE_HOURS``: how old an unreferenced blob must be before `flask lms gc-blobs`
deletes it, because an import in progress stores its files before it commits the rows that
reference them.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import select

from content_store import BlobStore, GarbageReport, LocalBlobStore

DEFAULT_GC_GRACE_HOURS = 24
_X_SENDFILE_MODES = (None, "nginx", "apache")


def init_app(app: Flask) -> None:
    backend = app.config.get("LMS_STORAGE_BACKEND", "local")
    if backend != "local":
        raise RuntimeError(f"unknown LMS_STORAGE_BACKEND {backend!r} (available: local)")
    if app.config.get("LMS_X_SENDFILE") not in _X_SENDFILE_MODES:
        raise RuntimeError(f"LMS_X_SENDFILE must be one of {_X_SENDFILE_MODES}, "
                           f"not {app.config['LMS_X_SENDFILE']!r}")
    app.config.setdefault("LMS_BLOB_GC_GRACE_HOURS", DEFAULT_GC_GRACE_HOURS)
    app.extensions["lms_store"] = LocalBlobStore(app.config["LMS_CONTENT_DIR"])


def get_store() -> BlobStore:
    return current_app.extensions["lms_store"]


def referenced_digests() -> set[str]:
    """Every digest the core or a plugin still uses: what garbage collection must keep."""
    from .extensions import db
    from .models import MaterialVersion

    referenced = set(db.session.scalars(
        select(MaterialVersion.source_digest).where(MaterialVersion.source_digest.is_not(None))))
    for provider in current_app.extensions["lms"].blob_references:
        referenced |= provider()
    return referenced


def collect_garbage(*, dry_run: bool = False, now: datetime | None = None) -> GarbageReport:
    """Remove unreferenced blobs older than the grace period (``LMS_BLOB_GC_GRACE_HOURS``)."""
    grace = timedelta(hours=current_app.config["LMS_BLOB_GC_GRACE_HOURS"])
    older_than = (now or datetime.now(UTC)) - grace
    return get_store().collect_garbage(referenced_digests, older_than=older_than, dry_run=dry_run)
