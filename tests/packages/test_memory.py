"""Peak memory of an import does not grow with the package: members are streamed, never held."""
import tracemalloc

import pytest

from lms.packages.importer import import_package_file

from .testtype import WITH_TEST_TYPE
from .zips import MiB, lesson, random_chunks

pytestmark = [pytest.mark.plugins("testlesson"), pytest.mark.app_config(WITH_TEST_TYPE),
              pytest.mark.slow]


def peak_import_memory(app, people, path) -> int:
    with app.app_context():
        department, author = people.department("TOAN"), people.user("gv.toan")
        tracemalloc.start()
        try:
            import_package_file(path, filename=path.name, department=department, author=author)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def package(tmp_path, name, file_size):
    files = {"index.html": b"<h1>1</h1>"}
    files.update({f"media/video{i}.mp4": random_chunks(file_size, seed=i) for i in range(6)})
    return lesson(tmp_path / name, files=files)


def test_peak_memory_of_a_60_mb_package_is_that_of_a_6_mb_one(app, people, tmp_path):
    small = package(tmp_path, "small.zip", MiB)
    large = package(tmp_path, "large.zip", 10 * MiB)
    assert large.stat().st_size > 60 * MiB
    peak_import_memory(app, people, small)  # warm up imports and caches
    small_peak = peak_import_memory(app, people, small)
    large_peak = peak_import_memory(app, people, large)
    # Streaming keeps a few 1 MiB buffers alive at once, whatever the package size; holding
    # a member whole would add 10 MiB, the whole package 60 MiB.
    assert large_peak < small_peak + 4 * MiB, (small_peak, large_peak)
    assert large_peak < 12 * MiB
