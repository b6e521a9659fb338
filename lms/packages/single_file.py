"""An upload that is not a zip, taken as it is (a video file), behind the archive interface.

Content types that declare it (`ContentType.detect_file`) receive this instead of a
`SafeArchive`: one member named after the uploaded file, read and stored the same way, so the
importer's all-or-nothing rules (`new_digests` deleted on failure) hold for it too.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Self

from flask_babel import gettext as _

from .errors import PackageError

READ_CHUNK = 2**20


class SingleFileArchive:
    """One uploaded file, already recognised by `content_type` (see `ContentType.detect_file`)."""

    def __init__(self, path: str | Path, source_name: str, content_type) -> None:
        self.path = Path(path)
        self.source_name = source_name
        #: the content type that claimed the file; the importer skips zip detection for it
        self.detected_type = content_type
        self.new_digests: set[str] = set()
        self.progress: Callable[[int, int], None] | None = None
        name = unicodedata.normalize("NFC", source_name.replace("\\", "/").rsplit("/", 1)[-1])
        self.name = name or "video"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Nothing stays open between calls."""

    def names(self) -> list[str]:
        return [self.name]

    def exists(self, name: str) -> bool:
        return unicodedata.normalize("NFC", name) == self.name

    def resolve(self, href: str) -> str | None:
        return self.name if href and self.exists(href) else None

    def _check(self, name: str) -> None:
        if not self.exists(name):
            raise PackageError(_("Gói không có tệp “%(name)s”.", name=name), "missing_file", name)

    def size(self, name: str) -> int:
        self._check(name)
        return self.path.stat().st_size

    def open_member(self, name: str) -> BinaryIO:
        self._check(name)
        return open(self.path, "rb")

    def read(self, name: str, max_bytes: int = 10 * 2**20) -> bytes:
        if self.size(name) > max_bytes:
            raise PackageError(_("Tệp “%(name)s” quá lớn để đọc.", name=name),
                               "member_too_large", name)
        return self.path.read_bytes()

    def store_files(self, store, progress: Callable[[int, int], None] | None = None) -> dict:
        """Store the file; return {name: StoredBlob} like `SafeArchive.store_files`."""
        progress = progress or self.progress
        total = self.path.stat().st_size
        with open(self.path, "rb") as source:
            reader = _CountingReader(source, total, progress)
            existed = _existing_digest(store, self.path)
            blob = store.put(reader, max_size=total)
        if not existed:
            self.new_digests.add(blob.digest)
        if progress is not None:
            progress(total, total)
        return {self.name: blob}


class _CountingReader:
    def __init__(self, stream: BinaryIO, total: int, progress) -> None:
        self.stream, self.total, self.progress, self.done = stream, total, progress, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(READ_CHUNK if size is None or size < 0 else size)
        self.done += len(chunk)
        if self.progress is not None and chunk:
            self.progress(self.done, self.total)
        return chunk


def _existing_digest(store, path: Path) -> bool:
    """Whether the store already holds these bytes (then a failed import must not delete them)."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(READ_CHUNK):
            digest.update(chunk)
    return store.exists(digest.hexdigest())
