"""Local-disk backend: blobs under <root>/<aa>/<bb>/<sha256>.

A put streams into a temporary file in <root>/tmp (same filesystem, so the final rename is
atomic), fsyncs it, renames it into place and fsyncs the directory, so a crash leaves either the
whole blob or none of it. Readers never see a partial file.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from .base import (
    CHUNK_SIZE,
    BlobNotFound,
    BlobStore,
    BlobTooLarge,
    StoredBlob,
    check_digest,
    is_digest,
)

_TEMP_PREFIX = "put-"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalBlobStore(BlobStore):
    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self.tmp_dir = self.root / "tmp"
        self.tmp_dir.mkdir(parents=True, exist_ok=True)

    def _path(self, digest: str) -> Path:
        check_digest(digest)
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, stream: BinaryIO, *, max_size: int | None = None) -> StoredBlob:
        hasher = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix=_TEMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as tmp:
                while chunk := stream.read(CHUNK_SIZE):
                    size += len(chunk)
                    if max_size is not None and size > max_size:
                        raise BlobTooLarge(max_size)
                    hasher.update(chunk)
                    tmp.write(chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            digest = hasher.hexdigest()
            self._move_into_place(tmp_name, self._path(digest))
        except BaseException:
            try:
                os.unlink(tmp_name)
            except FileNotFoundError:
                pass
            raise
        return StoredBlob(digest, size, datetime.now(UTC))

    def _move_into_place(self, tmp_name: str, final: Path) -> None:
        try:
            # Already stored: refresh its age so garbage collection's grace period covers this put.
            os.utime(final)
        except FileNotFoundError:
            self._make_parents(final.parent)
            os.chmod(tmp_name, 0o644)  # readable by a front server (X-Accel-Redirect)
            # Concurrent puts of the same bytes each rename their own temp file; the last wins and
            # the content is identical, so both succeed.
            os.replace(tmp_name, final)
            _fsync_dir(final.parent)
        else:
            os.unlink(tmp_name)

    def _make_parents(self, directory: Path) -> None:
        created = []
        for path in (directory.parent, directory):
            try:
                path.mkdir()
                created.append(path)
            except FileExistsError:
                pass
        for path in created:  # a new directory's entry lives in its parent
            _fsync_dir(path.parent)

    def open(self, digest: str) -> BinaryIO:
        try:
            return open(self._path(digest), "rb")
        except FileNotFoundError:
            raise BlobNotFound(digest) from None

    def stat(self, digest: str) -> StoredBlob:
        try:
            info = self._path(digest).stat()
        except FileNotFoundError:
            raise BlobNotFound(digest) from None
        return StoredBlob(digest, info.st_size, datetime.fromtimestamp(info.st_mtime, UTC))

    def exists(self, digest: str) -> bool:
        return self._path(digest).is_file()

    def delete(self, digest: str) -> bool:
        try:
            self._path(digest).unlink()
        except FileNotFoundError:
            return False
        return True

    def iter_digests(self) -> Iterator[str]:
        for first in sorted(self.root.iterdir()):
            if len(first.name) != 2 or not first.is_dir():
                continue
            for second in sorted(first.iterdir()):
                if not second.is_dir():
                    continue
                for blob in sorted(second.iterdir()):
                    name = blob.name
                    if is_digest(name) and name[:2] == first.name and name[2:4] == second.name:
                        yield name

    def local_path(self, digest: str) -> str | None:
        path = self._path(digest)
        return str(path) if path.is_file() else None

    def discard_abandoned_uploads(self, older_than: datetime) -> int:
        cutoff = older_than.timestamp()
        removed = 0
        for path in self.tmp_dir.glob(_TEMP_PREFIX + "*"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                pass
        return removed
