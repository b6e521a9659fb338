"""Content store: storing a 200 MB file (streamed, hashed, fsynced) vs `cp` of the same file."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from content_store import LocalBlobStore

SIZE_MB = 200


def run(report) -> None:
    with tempfile.TemporaryDirectory(prefix="lms-bench-store-") as tmp:
        source = Path(tmp) / "source.bin"
        with open(source, "wb") as out:
            out.writelines(os.urandom(1024 * 1024) for _ in range(SIZE_MB))
        store = LocalBlobStore(Path(tmp) / "store")
        started = time.perf_counter()
        with open(source, "rb") as stream:
            store.put(stream)
        put_s = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run(["cp", str(source), str(Path(tmp) / "copy.bin")], check=True)
        subprocess.run(["sync", "-f", str(Path(tmp) / "copy.bin")], check=False)
        cp_s = time.perf_counter() - started
        shutil.rmtree(Path(tmp) / "store")
    report("content_store_put_mb_s", SIZE_MB / put_s, "MB/s", f"{SIZE_MB} MB, sha256 + fsync")
    report("content_store_put_vs_cp", put_s / cp_s, "x", "time of put ÷ time of cp+sync")
