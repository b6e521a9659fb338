"""Uploaded files kept between the preview and the confirmation, owned by the admin who sent them.

Stored as ``LMS_DATA_DIR/people_import/uploads/<token>`` with a ``.json`` note beside it; deleted
after the commit, and `UPLOAD_LIFETIME` after the upload in any case.
"""
from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path
from typing import BinaryIO

from flask import current_app

UPLOAD_LIFETIME = 3600  # seconds
#: An export of a whole school is well under this; a bigger file is not a people list.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _folder() -> Path:
    folder = Path(current_app.config["LMS_DATA_DIR"]) / "people_import" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    if not (token.isalnum() and len(token) == 32):
        return None
    return _folder() / token


def purge_expired() -> None:
    now = time.time()
    for path in _folder().iterdir():
        try:
            if now - path.stat().st_mtime > UPLOAD_LIFETIME:
                path.unlink()
        except FileNotFoundError:
            pass


class UploadTooLarge(Exception):
    pass


def save(stream: BinaryIO, filename: str, actor_id: int, kind: str | None) -> str:
    """Copy the upload to disk in chunks; returns its token."""
    purge_expired()
    token = secrets.token_hex(16)
    path = _path(token)
    written = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(1024 * 1024):
            written += len(chunk)
            if written > MAX_UPLOAD_BYTES:
                out.close()
                path.unlink()
                raise UploadTooLarge
            out.write(chunk)
    path.with_suffix(".json").write_text(json.dumps(
        {"actor_id": actor_id, "filename": filename, "kind": kind}), encoding="utf-8")
    return token


def find(token: str, actor_id: int) -> tuple[Path, dict] | None:
    """(file path, note) for the admin who uploaded it, while it is still kept."""
    path = _path(token)
    if path is None or not path.exists() or not path.with_suffix(".json").exists():
        return None
    note = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    if note["actor_id"] != actor_id:
        return None
    return path, note


def discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)
