"""What every `BlobStore` backend promises. Add a backend to `store`'s params to check it."""
import hashlib
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from content_store import BlobNotFound, BlobTooLarge, LocalBlobStore

DATA = b"Bai giang so 1\n" * 1000
DIGEST = hashlib.sha256(DATA).hexdigest()


@pytest.fixture(params=["local"])
def store(request, tmp_path):
    return {"local": lambda: LocalBlobStore(tmp_path / "blobs")}[request.param]()


class ChunkedStream(io.RawIOBase):
    """A stream that hands out small chunks and can fail after some of them."""

    def __init__(self, chunks, fail_after=None):
        self.chunks = list(chunks)
        self.fail_after = fail_after
        self.reads = 0

    def read(self, size=-1):
        if self.fail_after is not None and self.reads >= self.fail_after:
            raise OSError("connection reset")
        self.reads += 1
        return self.chunks.pop(0) if self.chunks else b""


def test_put_returns_the_sha256_and_the_bytes_read_back(store):
    blob = store.put(io.BytesIO(DATA))
    assert (blob.digest, blob.size) == (DIGEST, len(DATA))
    with store.open(DIGEST) as f:
        assert f.read() == DATA
    assert store.exists(DIGEST) and store.size(DIGEST) == len(DATA)
    assert list(store.iter_digests()) == [DIGEST]


def test_put_reads_in_chunks(store):
    stream = ChunkedStream([b"a" * 10, b"b" * 10, b"c"])
    blob = store.put(stream)
    assert blob.digest == hashlib.sha256(b"a" * 10 + b"b" * 10 + b"c").hexdigest()
    assert stream.reads == 4


def test_same_bytes_are_stored_once(store):
    first = store.put_bytes(DATA)
    second = store.put_bytes(DATA)
    assert first.digest == second.digest == DIGEST
    assert list(store.iter_digests()) == [DIGEST]


def test_missing_blob(store):
    missing = "0" * 64
    assert not store.exists(missing)
    assert store.delete(missing) is False
    for call in (store.open, store.size, store.stat):
        with pytest.raises(BlobNotFound):
            call(missing)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "a" * 63, "A" * 64, "a" * 64 + "\n",
                                 "a" * 64 + "/..", "", None])
def test_a_digest_that_is_not_sha256_hex_is_refused(store, bad):
    for call in (store.open, store.exists, store.delete, store.stat):
        with pytest.raises(ValueError):
            call(bad)


def test_delete(store):
    store.put_bytes(DATA)
    assert store.delete(DIGEST) is True
    assert not store.exists(DIGEST)
    assert list(store.iter_digests()) == []


def test_exceeding_max_size_stores_nothing(store):
    with pytest.raises(BlobTooLarge) as error:
        store.put(io.BytesIO(DATA), max_size=100)
    assert error.value.limit == 100
    assert list(store.iter_digests()) == []
    assert store.put(io.BytesIO(DATA), max_size=len(DATA)).digest == DIGEST


def test_a_stream_failing_midway_stores_nothing(store):
    with pytest.raises(OSError, match="connection reset"):
        store.put(ChunkedStream([b"x" * 100] * 5, fail_after=3))
    assert list(store.iter_digests()) == []


def test_concurrent_puts_of_the_same_bytes_both_succeed(store):
    barrier = threading.Barrier(2)

    class SlowStream(ChunkedStream):
        def read(self, size=-1):
            if self.reads == 1:
                barrier.wait(timeout=10)  # both threads are mid-way before either finishes
            return super().read(size)

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(store.put, SlowStream([DATA[:500], DATA[500:]])) for _ in "ab"]
        assert [future.result().digest for future in futures] == [DIGEST, DIGEST]
    with store.open(DIGEST) as f:
        assert f.read() == DATA


def test_collect_garbage_keeps_referenced_and_young_blobs(store):
    old = store.put_bytes(b"old and unused")
    used = store.put_bytes(b"old and used")
    cutoff = datetime.now(UTC) + timedelta(seconds=5)  # everything so far counts as old
    report = store.collect_garbage(lambda: {used.digest}, older_than=cutoff, dry_run=True)
    assert report.removed == [old.digest] and store.exists(old.digest)

    report = store.collect_garbage(lambda: {used.digest}, older_than=cutoff)
    assert report.removed == [old.digest]
    assert report.removed_bytes == old.size and report.kept == 1
    assert not store.exists(old.digest) and store.exists(used.digest)

    young = store.put_bytes(b"young")
    report = store.collect_garbage(set, older_than=cutoff - timedelta(hours=1))
    assert report.removed == [] and report.too_young == 2
    assert store.exists(young.digest)

