"""The storage interface every backend implements."""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import BinaryIO, Iterator

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
CHUNK_SIZE = 1024 * 1024


class BlobNotFound(KeyError):
    """No blob with that digest is stored."""


@dataclass(frozen=True)
class StoredBlob:
    digest: str  #: sha256, lower-case hex
    size: int  #: bytes


def check_digest(digest: str) -> str:
    if not isinstance(digest, str) or not _DIGEST.match(digest):
        raise ValueError(f"not a sha256 hex digest: {digest!r}")
    return digest


class BlobStore(ABC):
    """A content-addressed store: the key of a blob is the sha256 of its bytes."""

    @abstractmethod
    def put(self, stream: BinaryIO, *, max_size: int | None = None) -> StoredBlob:
        """Store everything read from `stream`, in chunks, never whole in memory.

        Atomic: a failure (including exceeding `max_size`, which raises ValueError) leaves
        nothing behind. Storing bytes already present is cheap and returns the same digest.
        """

    @abstractmethod
    def open(self, digest: str) -> BinaryIO:
        """A binary file object positioned at the start; raises BlobNotFound."""

    @abstractmethod
    def exists(self, digest: str) -> bool: ...

    @abstractmethod
    def size(self, digest: str) -> int:
        """Size in bytes; raises BlobNotFound."""

    @abstractmethod
    def delete(self, digest: str) -> bool:
        """Remove a blob; True if it existed."""

    @abstractmethod
    def iter_digests(self) -> Iterator[str]:
        """Every stored digest, for garbage collection and verification."""

    def put_bytes(self, data: bytes) -> StoredBlob:
        import io

        return self.put(io.BytesIO(data))

    def local_path(self, digest: str) -> str | None:
        """A filesystem path for the blob when the backend has one (for X-Sendfile), else None."""
        return None

    def collect_garbage(self, referenced: set[str]) -> list[str]:
        """Delete every blob whose digest is not in `referenced`; return what was deleted."""
        removed = []
        for digest in list(self.iter_digests()):
            if digest not in referenced and self.delete(digest):
                removed.append(digest)
        return removed
