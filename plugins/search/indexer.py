"""The one writer of the index: drains the outbox, rebuilds, verifies.

Only this runs writes (`flask lms search-sync`, `reindex`, `search-verify`); web workers read.
A file lock under LMS_DATA_DIR/search serialises batches and rebuilds across processes, and
dies with its process, so a killed indexer never blocks the next one.
"""
from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select

from lms.extensions import db

from .backends import IndexUnavailable, SearchBackend
from .documents import all_documents, documents_for, indexable_count
from .models import SearchOutbox
from .outbox import queue

log = logging.getLogger(__name__)


@contextmanager
def writer_lock(directory: Path):
    """Wait for, then hold, the indexer's lock."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "indexer.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sync_once(backend: SearchBackend, batch: int = 200) -> int:
    """Apply up to `batch` outbox rows to the index; returns how many rows were drained.

    The rows are deleted only after the index committed: a crash in between replays them,
    which is harmless because applying a document is idempotent.
    """
    rows = db.session.execute(
        select(SearchOutbox.id, SearchOutbox.material_id).order_by(SearchOutbox.id).limit(batch)
    ).all()
    if not rows:
        db.session.rollback()
        return 0
    ids = sorted({row.material_id for row in rows})
    documents, gone = documents_for(ids)
    with writer_lock(backend.directory):
        backend.apply(documents, gone)
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([row.id for row in rows])))
    db.session.commit()
    return len(rows)


def drain(backend: SearchBackend, batch: int = 200) -> int:
    total = 0
    while drained := sync_once(backend, batch):
        total += drained
    return total


def rebuild(backend: SearchBackend, progress: Callable[[int], None] | None = None) -> int:
    """Build the whole index anew from the database and swap it in; returns the count."""
    count = 0

    def counted(step: int) -> None:
        nonlocal count
        count = step
        if progress:
            progress(step)

    with writer_lock(backend.directory):
        backend.rebuild(all_documents(), counted)
    db.session.rollback()
    return count


def ensure_index(backend: SearchBackend) -> bool:
    """Rebuild when the index is missing or unreadable; True when it did."""
    try:
        backend.check()
        return False
    except IndexUnavailable as exc:
        log.warning("search index unavailable (%s): rebuilding", exc)
        rebuild(backend)
        return True


@dataclass
class VerifyReport:
    missing: list[int] = field(default_factory=list)  #: in the database, not in the index
    extra: list[int] = field(default_factory=list)  #: in the index, gone from the database
    stale: list[int] = field(default_factory=list)  #: indexed with other content

    @property
    def differences(self) -> list[int]:
        return sorted({*self.missing, *self.extra, *self.stale})


def verify(backend: SearchBackend) -> VerifyReport:
    """Compare every material with its indexed copy and queue the differences."""
    expected = {doc.id: doc.stamp for doc in all_documents()}
    indexed = backend.stamps()
    report = VerifyReport(
        missing=sorted(set(expected) - set(indexed)),
        extra=sorted(set(indexed) - set(expected)),
        stale=sorted(i for i in set(expected) & set(indexed) if expected[i] != indexed[i]))
    queue(report.differences)
    db.session.commit()
    return report


def run_forever(backend: SearchBackend, interval: float = 1.0, batch: int = 200,
                should_stop: Callable[[], bool] = lambda: False) -> None:
    """The indexer loop: keep the index present, drain the outbox, sleep when idle."""
    while not should_stop():
        try:
            ensure_index(backend)
            if not sync_once(backend, batch):
                time.sleep(interval)
        except Exception:  # a bad batch must not stop indexing for good; it is retried
            db.session.rollback()
            log.exception("search indexer batch failed; retrying")
            time.sleep(interval * 5)


__all__ = ["drain", "ensure_index", "indexable_count", "rebuild", "run_forever", "sync_once",
           "verify", "writer_lock"]
