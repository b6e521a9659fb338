"""The app's content store, built from configuration; callers use `get_store()`."""
from __future__ import annotations

from flask import Flask, current_app

from content_store import BlobStore, LocalBlobStore


def init_app(app: Flask) -> None:
    backend = app.config.get("LMS_STORAGE_BACKEND", "local")
    if backend != "local":
        raise RuntimeError(f"unknown LMS_STORAGE_BACKEND {backend!r} (available: local)")
    app.extensions["lms_store"] = LocalBlobStore(app.config["LMS_CONTENT_DIR"])


def get_store() -> BlobStore:
    return current_app.extensions["lms_store"]


def referenced_digests() -> set[str]:
    """Every digest some plugin still uses: what garbage collection must keep."""
    referenced: set[str] = set()
    for provider in current_app.extensions["lms"].blob_references:
        referenced |= provider()
    return referenced
