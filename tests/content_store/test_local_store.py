"""The local-disk backend: layout, temp files, permissions, ages."""
import hashlib
import io
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest

from content_store import BlobTooLarge, LocalBlobStore

DATA = b"noi dung" * 100
DIGEST = hashlib.sha256(DATA).hexdigest()


@pytest.fixture
def store(tmp_path):
    return LocalBlobStore(tmp_path / "blobs")


def age(store, digest, hours):
    """Pretend `digest` was stored `hours` ago."""
    when = (datetime.now(UTC) - timedelta(hours=hours)).timestamp()
    os.utime(store.local_path(digest), (when, when))


def test_layout_and_permissions(store, tmp_path):
    store.put_bytes(DATA)
    path = tmp_path / "blobs" / DIGEST[:2] / DIGEST[2:4] / DIGEST
    assert store.local_path(DIGEST) == str(path)
    assert path.read_bytes() == DATA
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # a front server can read it
    assert list((tmp_path / "blobs" / "tmp").iterdir()) == []


class Exploding(io.RawIOBase):
    def __init__(self):
        self.calls = 0

    def read(self, size=-1):
        self.calls += 1
        if self.calls > 2:
            raise RuntimeError("stream broke")
        return b"x" * 1000


@pytest.mark.parametrize("make_stream, max_size, error", [
    (lambda: io.BytesIO(DATA), 10, BlobTooLarge),
    (Exploding, None, RuntimeError),
    (lambda: io.StringIO("text, not bytes"), None, TypeError),
])
def test_no_temp_file_is_left_after_a_failure(store, tmp_path, make_stream, max_size, error):
    with pytest.raises(error):
        store.put(make_stream(), max_size=max_size)
    assert list((tmp_path / "blobs" / "tmp").iterdir()) == []
    assert list(store.iter_digests()) == []


def test_storing_again_refreshes_the_age(store):
    store.put_bytes(DATA)
    age(store, DIGEST, 48)
    store.put_bytes(DATA)
    assert store.stat(DIGEST).stored_at > datetime.now(UTC) - timedelta(hours=1)


def test_iter_digests_ignores_stray_files(store, tmp_path):
    store.put_bytes(DATA)
    (tmp_path / "blobs" / "README").write_text("not a blob")
    (tmp_path / "blobs" / DIGEST[:2] / DIGEST[2:4] / "notes.txt").write_text("x")
    (tmp_path / "blobs" / "tmp" / "put-123").write_text("partial")
    assert list(store.iter_digests()) == [DIGEST]


def test_garbage_collection_rechecks_age_after_asking_for_references(store):
    """An import re-storing an old blob while GC runs must not lose it."""
    store.put_bytes(DATA)
    age(store, DIGEST, 48)
    cutoff = datetime.now(UTC) - timedelta(hours=24)

    def referenced():
        store.put_bytes(DATA)  # the import stores it again; its rows are not committed yet
        return set()

    report = store.collect_garbage(referenced, older_than=cutoff)
    assert report.removed == [] and report.too_young == 1
    assert store.exists(DIGEST)


def test_garbage_collection_discards_abandoned_uploads(store, tmp_path):
    tmp_dir = tmp_path / "blobs" / "tmp"
    stale, fresh = tmp_dir / "put-stale", tmp_dir / "put-fresh"
    stale.write_bytes(b"killed mid-way")
    fresh.write_bytes(b"still uploading")
    old = (datetime.now(UTC) - timedelta(hours=48)).timestamp()
    os.utime(stale, (old, old))
    cutoff = datetime.now(UTC) - timedelta(hours=24)
    assert store.collect_garbage(set, older_than=cutoff, dry_run=True).abandoned_uploads == 0
    assert stale.exists()
    assert store.collect_garbage(set, older_than=cutoff).abandoned_uploads == 1
    assert not stale.exists() and fresh.exists()
