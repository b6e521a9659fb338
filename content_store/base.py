"""The storage interface every backend implements, and the garbage collection built on it."""
from __future__ import annotations

import io
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

_DIGEST = re.compile(r"[0-9a-f]{64}")
CHUNK_SIZE = 1024 * 1024


class BlobNotFound(KeyError):
    """No blob with that digest is stored."""


class BlobTooLarge(ValueError):
    """`put` read more than `max_size` bytes; nothing was stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"Tệp vượt quá giới hạn {limit} byte.")
        self.limit = limit


@dataclass(frozen=True)
class StoredBlob:
    digest: str  #: sha256, lower-case hex
    size: int  #: bytes
    #: when these bytes were last stored (UTC, aware); storing them again moves it forward
    stored_at: datetime


def is_digest(value: object) -> bool:
    return isinstance(value, str) and _DIGEST.fullmatch(value) is not None


def check_digest(digest: str) -> str:
    """Return `digest` if it is a sha256 hex string, else ValueError (keeps keys out of paths)."""
    if not is_digest(digest):
        raise ValueError(f"not a sha256 hex digest: {digest!r}")
    return digest


@dataclass
class GarbageReport:
    """What `collect_garbage` found: unreferenced blobs removed (or, in a dry run, removable)."""

    removed: list[str] = field(default_factory=list)
    removed_bytes: int = 0
    kept: int = 0  #: past the grace period but still referenced
    too_young: int = 0  #: unreferenced, but stored within the grace period
    abandoned_uploads: int = 0  #: leftovers of interrupted puts, cleaned up


class BlobStore(ABC):
    """A content-addressed store: the key of a blob is the sha256 of its bytes.

    Backends implement the five abstract methods; everything else is built on them.
    """

    @abstractmethod
    def put(self, stream: BinaryIO, *, max_size: int | None = None) -> StoredBlob:
        """Store everything read from `stream`, in chunks, never whole in memory.

        Atomic: after any failure (including `BlobTooLarge` and an exception raised by the
        stream) nothing is left behind. Storing bytes already present is cheap, returns the same
        digest and moves `stored_at` forward, so garbage collection's grace period covers it.
        """

    @abstractmethod
    def open(self, digest: str) -> BinaryIO:
        """A binary file object positioned at the start; raises BlobNotFound."""

    @abstractmethod
    def stat(self, digest: str) -> StoredBlob:
        """Size and storage time; raises BlobNotFound."""

    @abstractmethod
    def delete(self, digest: str) -> bool:
        """Remove a blob; True if it existed."""

    @abstractmethod
    def iter_digests(self) -> Iterator[str]:
        """Every stored digest, for garbage collection and verification."""

    def exists(self, digest: str) -> bool:
        try:
            self.stat(digest)
        except BlobNotFound:
            return False
        return True

    def size(self, digest: str) -> int:
        """Size in bytes; raises BlobNotFound."""
        return self.stat(digest).size

    def put_bytes(self, data: bytes) -> StoredBlob:
        return self.put(io.BytesIO(data))

    def local_path(self, digest: str) -> str | None:
        """A filesystem path for the blob when the backend has one (for X-Sendfile), else None."""
        return None

    def discard_abandoned_uploads(self, older_than: datetime) -> int:
        """Remove what interrupted puts (a killed process) left before `older_than`; a count."""
        return 0

    def collect_garbage(
        self,
        referenced: Callable[[], set[str]],
        *,
        older_than: datetime,
        dry_run: bool = False,
    ) -> GarbageReport:
        """Delete blobs that `referenced()` does not name and that were stored before `older_than`.

        Blobs are listed before `referenced()` runs and each one's age is read again just before
        it is deleted: an import stores (or re-stores) its files first and commits the rows that
        reference them afterwards, so a blob it is using is either named by `referenced()` or
        too young to delete.
        """
        report = GarbageReport()
        candidates = []
        for digest in list(self.iter_digests()):
            try:
                blob = self.stat(digest)
            except BlobNotFound:
                continue
            if blob.stored_at < older_than:
                candidates.append(digest)
            else:
                report.too_young += 1
        in_use = referenced()
        report.kept = sum(1 for digest in candidates if digest in in_use)
        for digest in candidates:
            if digest in in_use:
                continue
            try:
                blob = self.stat(digest)
            except BlobNotFound:
                continue
            if blob.stored_at >= older_than:
                report.too_young += 1
                continue
            if dry_run or self.delete(digest):
                report.removed.append(digest)
                report.removed_bytes += blob.size
        if not dry_run:
            report.abandoned_uploads = self.discard_abandoned_uploads(older_than)
        return report
