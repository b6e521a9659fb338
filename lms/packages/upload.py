"""Uploaded package files on disk: saved in chunks under ``LMS_DATA_DIR/uploads``, never in memory.

An upload waits there, under an unguessable token and owned by the user who sent it, while the
teacher reads the upload report; it is removed when imported, discarded or expired.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from .errors import PackageError

CHUNK_SIZE = 1024 * 1024
DEFAULT_MAX_UPLOAD_SIZE = 1024**3
DEFAULT_PENDING_SECONDS = 6 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def upload_dir() -> Path:
    path = Path(current_app.config["LMS_DATA_DIR"]) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_upload_size() -> int:
    """Largest package accepted, in bytes (config ``LMS_UPLOAD_MAX_SIZE``, default 1 GiB)."""
    return int(current_app.config.get("LMS_UPLOAD_MAX_SIZE") or DEFAULT_MAX_UPLOAD_SIZE)


def format_size(size: int) -> str:
    """``1.024 MB``, ``512 KB``: sizes the way the messages show them."""
    if size >= 2**20:
        return f"{size / 2**20:,.0f} MB".replace(",", ".")
    return f"{max(size // 1024, 1)} KB"


def too_large_message(limit: int | None = None) -> str:
    limit = limit if limit is not None else max_upload_size()
    return _("Tệp tải lên vượt quá giới hạn %(limit)s. Hãy giảm dung lượng gói (nén lại video, "
             "bỏ tệp không dùng) hoặc nhờ Tổ CNTT nâng giới hạn.", limit=format_size(limit))


def save_upload(source, *, max_size: int | None = None) -> Path:
    """Copy an upload (a Werkzeug FileStorage or any binary stream) to a temp file; return it.

    Raises PackageError ``upload_too_large`` past `max_size` and ``empty`` for no bytes; the
    partial file is removed then. The caller removes the returned file when done with it.
    """
    limit = max_upload_size() if max_size is None else max_size
    stream: BinaryIO = getattr(source, "stream", source)
    fd, name = tempfile.mkstemp(dir=upload_dir(), prefix="upload-", suffix=".part")
    size = 0
    try:
        with os.fdopen(fd, "wb") as target:
            while chunk := stream.read(CHUNK_SIZE):
                size += len(chunk)
                if size > limit:
                    raise PackageError(too_large_message(limit), "upload_too_large")
                target.write(chunk)
        if size == 0:
            raise PackageError(_("Tệp tải lên rỗng."), "empty")
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


@dataclass
class PendingUpload:
    """An uploaded package waiting for the teacher to confirm the import."""

    token: str
    filename: str
    user_id: int
    department_id: int | None
    created_at: float
    #: what the upload report shows (content type, version, launch files, problems)
    report: dict = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return upload_dir() / f"{self.token}.zip"

    @property
    def meta_path(self) -> Path:
        return upload_dir() / f"{self.token}.json"

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)
        self.meta_path.unlink(missing_ok=True)


def keep_pending(saved: Path, *, filename: str, user_id: int, department_id: int | None,
                 report: dict | None = None) -> PendingUpload:
    """Keep a saved upload for the report-then-confirm flow; return its handle."""
    remove_expired()
    pending = PendingUpload(secrets.token_urlsafe(32), filename, user_id, department_id,
                            time.time(), report or {})
    os.replace(saved, pending.path)
    pending.meta_path.write_text(json.dumps(asdict(pending)), encoding="utf-8")
    return pending


def find_pending(token: str, user_id: int) -> PendingUpload | None:
    """The user's pending upload for `token`, or None (unknown, someone else's, or expired).

    Its file may be gone already when the report found fatal problems (nothing to import).
    """
    if not _TOKEN.match(token or ""):
        return None
    meta = upload_dir() / f"{token}.json"
    try:
        pending = PendingUpload(**json.loads(meta.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if pending.token != token or pending.user_id != user_id:
        return None
    if _expired(pending):
        pending.discard()
        return None
    return pending


def remove_expired() -> int:
    """Delete pending uploads older than ``LMS_UPLOAD_PENDING_SECONDS`` and stale partial files."""
    removed = 0
    for meta in upload_dir().glob("*.json"):
        try:
            pending = PendingUpload(**json.loads(meta.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            meta.unlink(missing_ok=True)
            continue
        if _expired(pending):
            pending.discard()
            removed += 1
    cutoff = time.time() - _pending_seconds()
    for part in upload_dir().glob("upload-*.part"):
        if part.stat().st_mtime < cutoff:  # a crashed request's leftovers
            part.unlink(missing_ok=True)
    return removed


def _pending_seconds() -> int:
    return int(current_app.config.get("LMS_UPLOAD_PENDING_SECONDS") or DEFAULT_PENDING_SECONDS)


def _expired(pending: PendingUpload) -> bool:
    return time.time() - pending.created_at > _pending_seconds()
