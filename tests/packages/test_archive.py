"""SafeArchive: every zip attack gets its own error code; legitimate oddities are repaired."""
import unicodedata
import zipfile

import pytest

from content_store import LocalBlobStore
from lms.packages import ArchiveLimits, PackageError, SafeArchive

from .zips import (
    CHAR_DEVICE,
    FIFO,
    SYMLINK,
    MiB,
    build_zip,
    cp1258,
    entry,
    patch_central_size,
    point_second_entry_at_first,
    random_chunks,
    zeros,
)


def refused(path, limits=None) -> PackageError:
    with pytest.raises(PackageError) as caught, SafeArchive.open(path, limits):
        pass
    assert caught.value.message  # always a sentence for the teacher
    return caught.value


@pytest.mark.parametrize("name, code", [
    ("../evil.html", "zip_slip"),
    ("lesson/../../evil.html", "zip_slip"),
    ("/etc/cron.d/evil", "absolute_path"),
    ("C:/Windows/evil.dll", "drive_letter"),
    ("c:evil.dll", "drive_letter"),
    ("lesson\\..\\evil.html", "backslash_path"),
])
def test_names_escaping_the_package_are_refused(tmp_path, name, code):
    path = build_zip(tmp_path / "p.zip", [("index.html", b"ok"), (name, b"x")])
    error = refused(path)
    assert error.code == code
    assert error.file == name


@pytest.mark.parametrize("mode, code", [
    (SYMLINK, "symlink"), (CHAR_DEVICE, "special_file"), (FIFO, "special_file"),
])
def test_links_and_devices_are_refused(tmp_path, mode, code):
    path = build_zip(tmp_path / "p.zip", [("index.html", b"ok"),
                                          (entry("link", mode=mode), b"/etc/passwd")])
    assert refused(path).code == code


def test_encrypted_entries_are_refused(tmp_path):
    path = build_zip(tmp_path / "p.zip", [(entry("secret.html", extra_flags=0x1), b"x" * 50)])
    error = refused(path)
    assert (error.code, error.file) == ("encrypted", "secret.html")


def test_too_many_entries(tmp_path):
    path = build_zip(tmp_path / "p.zip", [(f"f{i}.txt", b"x") for i in range(11)])
    assert refused(path, ArchiveLimits(max_entries=10)).code == "too_many_entries"
    with SafeArchive.open(path, ArchiveLimits(max_entries=11)) as archive:
        assert len(archive.names()) == 11


def test_too_large_in_total_and_per_file(tmp_path):
    path = build_zip(tmp_path / "p.zip", [("a.bin", b"".join(random_chunks(3000))),
                                          ("b.bin", b"".join(random_chunks(3000, seed=2)))])
    assert refused(path, ArchiveLimits(max_total_size=5000)).code == "too_large"
    assert refused(path, ArchiveLimits(max_file_size=2000)).code == "file_too_large"


def test_a_zip_bomb_member_is_refused_by_its_ratio(tmp_path):
    path = build_zip(tmp_path / "bomb.zip", [("index.html", b"ok"),
                                             ("video.mp4", zeros(50 * MiB))])
    assert path.stat().st_size < MiB
    error = refused(path)
    assert (error.code, error.file) == ("compression_ratio", "video.mp4")


def test_many_small_bombs_are_refused_by_the_overall_ratio(tmp_path):
    path = build_zip(tmp_path / "bombs.zip", [(f"part{i}.bin", zeros(MiB - 1)) for i in range(40)])
    assert refused(path).code == "total_compression_ratio"


def test_a_member_inflating_past_its_declared_size_is_refused_while_streaming(tmp_path):
    path = build_zip(tmp_path / "p.zip", [("index.html", b"ok"),
                                          ("big.txt", b"A" * 200_000)])
    patch_central_size(path, "big.txt", 1000)
    with SafeArchive.open(path) as archive:
        assert archive.size("big.txt") == 1000
        with pytest.raises(PackageError) as caught:
            archive.read("big.txt")
    assert (caught.value.code, caught.value.file) == ("size_mismatch", "big.txt")


def test_a_member_shorter_than_declared_is_refused(tmp_path):
    path = build_zip(tmp_path / "p.zip", [("short.txt", b"B" * 5000)])
    patch_central_size(path, "short.txt", 9000)
    with SafeArchive.open(path) as archive, pytest.raises(PackageError) as caught:
        archive.read("short.txt")
    assert caught.value.code == "size_mismatch"


def test_overlapping_entries_are_refused(tmp_path):
    path = build_zip(tmp_path / "p.zip", [("a.txt", b"a" * 1000), ("b.txt", b"b" * 1000)])
    point_second_entry_at_first(path)
    assert refused(path).code == "overlapping_entries"


def test_corrupt_data_is_reported_not_crashed_on(tmp_path):
    path = build_zip(tmp_path / "p.zip", [("a.txt", b"".join(random_chunks(20_000)))])
    data = bytearray(path.read_bytes())
    data[200:260] = bytes(60)
    path.write_bytes(bytes(data))
    with SafeArchive.open(path) as archive, pytest.raises(PackageError) as caught:
        archive.read("a.txt")
    assert caught.value.code == "corrupt"


@pytest.mark.parametrize("names", [
    ("Index.html", "index.html"),
    (unicodedata.normalize("NFC", "bài 1.html"), unicodedata.normalize("NFD", "bài 1.html")),
    ("a.txt", "a.txt"),
    ("lesson", "lesson/index.html"),
])
def test_names_that_collide_on_windows_or_macos_are_refused(tmp_path, names):
    path = build_zip(tmp_path / "p.zip", [(name, b"x") for name in names])
    assert refused(path).code == "duplicate_name"


def test_not_a_zip_empty_file_and_empty_zip(tmp_path):
    text = tmp_path / "notes.zip"
    text.write_text("không phải tệp nén")
    assert refused(text).code == "not_zip"
    empty_file = tmp_path / "empty.zip"
    empty_file.write_bytes(b"")
    assert refused(empty_file).code == "empty"
    assert refused(build_zip(tmp_path / "nothing.zip", [])).code == "empty"
    only_junk = build_zip(tmp_path / "junk.zip", [("__MACOSX/._index.html", b"x"),
                                                  ("Thumbs.db", b"x"), ("folder/", b"")])
    assert refused(only_junk).code == "empty"


def test_one_wrapping_folder_is_stripped_and_os_junk_ignored(tmp_path):
    path = build_zip(tmp_path / "p.zip", [
        ("Bai giang/", b""), ("Bai giang/imsmanifest.xml", b"<manifest/>"),
        ("Bai giang/res/a.js", b"1"), ("Bai giang/.DS_Store", b"x"),
        ("__MACOSX/Bai giang/._imsmanifest.xml", b"x"), ("Bai giang/res/Thumbs.db", b"x"),
    ])
    with SafeArchive.open(path) as archive:
        assert archive.names() == ["imsmanifest.xml", "res/a.js"]
        assert archive.stripped_folder == "Bai giang"
        assert archive.read("imsmanifest.xml") == b"<manifest/>"


def test_two_top_folders_are_kept_as_they_are(tmp_path):
    path = build_zip(tmp_path / "p.zip", [("a/x.html", b"1"), ("b/y.html", b"2")])
    with SafeArchive.open(path) as archive:
        assert archive.names() == ["a/x.html", "b/y.html"]
        assert archive.stripped_folder is None


def test_vietnamese_names_written_by_windows_in_cp1258_resolve(tmp_path):
    name = "Bài giảng/Phân số – Đề ôn tập.html"
    raw = cp1258(name)
    assert raw.decode("cp1258") != name  # tone marks are separate combining characters
    path = build_zip(tmp_path / "p.zip", [
        ("index.html", b"ok"), (entry("legacy", raw_name=raw), b"<h1>Phan so</h1>")])
    with zipfile.ZipFile(path) as plain:
        assert not plain.infolist()[1].flag_bits & 0x800
    with SafeArchive.open(path) as archive:
        assert name in archive.names()
        href = "B%C3%A0i%20gi%E1%BA%A3ng/Ph%C3%A2n%20s%E1%BB%91%20%E2%80%93%20%C4%90%E1%BB%81%20%C3%B4n%20t%E1%BA%ADp.html"
        assert archive.resolve(href) == name
        assert archive.resolve(unicodedata.normalize("NFD", name) + "?lang=vi#p1") == name
        assert archive.read(archive.resolve(href)) == b"<h1>Phan so</h1>"


def test_utf8_names_without_the_flag_and_cp437_names_decode(tmp_path):
    path = build_zip(tmp_path / "p.zip", [
        (entry("a", raw_name="Tiếng Việt.html".encode()), b"1"),
        (entry("b", raw_name="Übung.html".encode("cp437")), b"2"),
    ])
    with SafeArchive.open(path) as archive:
        assert archive.names() == ["Tiếng Việt.html", "Übung.html"]


def test_resolve_is_forgiving_about_case_and_strict_about_escaping(tmp_path):
    path = build_zip(tmp_path / "p.zip", [("Content/Index.HTML", b"1"), ("a.js", b"2")])
    with SafeArchive.open(path) as archive:
        assert archive.resolve("content/index.html") == "Content/Index.HTML"
        assert archive.resolve("./Content/../a.js") == "a.js"
        assert archive.resolve("../a.js") is None
        assert archive.resolve("http://example.com/a.js") is None
        assert archive.resolve("missing.js") is None
        assert archive.exists("Content/Index.HTML") and not archive.exists("content/index.html")


def test_read_has_a_cap_and_stores_stream_into_the_content_store(tmp_path):
    path = build_zip(tmp_path / "p.zip", [("big.bin", random_chunks(3 * MiB)),
                                          ("small.txt", b"hello")])
    store = LocalBlobStore(tmp_path / "store")
    existing = store.put_bytes(b"hello")
    seen = []
    with SafeArchive.open(path) as archive:
        with pytest.raises(PackageError) as caught:
            archive.read("big.bin", max_bytes=MiB)
        assert caught.value.code == "member_too_large"
        stored = archive.store_files(store, progress=lambda done, total: seen.append((done, total)))
        assert stored["small.txt"].digest == existing.digest
        assert archive.new_digests == {stored["big.bin"].digest}
        assert store.size(stored["big.bin"].digest) == 3 * MiB
    assert seen[-1] == (3 * MiB + 5, 3 * MiB + 5)
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)


def test_limits_come_from_settings_and_reject_unknown_keys():
    assert ArchiveLimits.from_mapping({"max_entries": 5}).max_entries == 5
    assert ArchiveLimits.from_mapping(None) == ArchiveLimits()
    with pytest.raises(ValueError, match="max_entrys"):
        ArchiveLimits.from_mapping({"max_entrys": 5})
