"""Reading an uploaded zip package safely: every entry is checked before anything is read.

Uploaded packages are untrusted. `SafeArchive.open` refuses, with a Vietnamese `PackageError`,
anything that could escape the package (zip-slip, links, devices), hide its size (zip bombs,
overlapping entries, members inflating past their declared size), or make two files the same file
on Windows or macOS (names equal after Unicode normalisation or case folding). It repairs names
written in legacy Windows code pages so that manifest links resolve, strips one wrapping folder,
and streams members, so memory does not grow with the package.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import posixpath
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Self
from urllib.parse import unquote

from flask_babel import gettext as _

from .errors import PackageError

MiB = 2**20
GiB = 2**30
READ_CHUNK = MiB

#: Files that operating systems drop into folders; never part of a package.
IGNORED_BASENAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
IGNORED_TOP_FOLDERS = frozenset({"__macosx"})

_SUPPORTED_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                          zipfile.ZIP_LZMA}
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_UNICODE_PATH_EXTRA = 0x7075  # Info-ZIP "up" field: the UTF-8 name beside a legacy one
_LOCAL_HEADER_SIZE = 30


@dataclass(frozen=True)
class ArchiveLimits:
    """How much a package may hold. The defaults fit SCORM packages of several hundred MB.

    Override with ``LMS_ARCHIVE_LIMITS`` (a dict) in the configuration, or per plugin with
    `ArchiveLimits.from_mapping(settings)`.
    """

    max_entries: int = 20_000
    max_total_size: int = 4 * GiB  #: sum of the uncompressed sizes
    max_file_size: int = 2 * GiB  #: one uncompressed member
    #: compression ratio allowed for one member larger than `ratio_threshold`
    max_entry_ratio: float = 200.0
    #: compression ratio allowed for the whole package once it holds more than `ratio_threshold`
    max_total_ratio: float = 50.0
    #: below this uncompressed size ratios are not checked: small text files compress very well
    ratio_threshold: int = 1 * MiB

    @classmethod
    def from_mapping(cls, values: dict | None) -> ArchiveLimits:
        values = dict(values or {})
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown archive limits {sorted(unknown)}; known: {sorted(known)}")
        return cls(**values)


def _mb(size: int) -> str:
    return f"{size / MiB:,.0f}".replace(",", ".")


@dataclass(frozen=True)
class _Entry:
    name: str  #: package-relative name shown to users and content types
    info: zipfile.ZipInfo


class SafeArchive:
    """An opened, fully validated zip package. Use `SafeArchive.open(path)` as a context manager."""

    def __init__(self, path: Path, zip_file: zipfile.ZipFile, entries: dict[str, _Entry],
                 source_name: str, limits: ArchiveLimits, stripped_folder: str | None) -> None:
        self._path = path
        self._zip = zip_file
        self._entries = entries
        self._folded = {name.casefold(): name for name in entries}
        self.source_name = source_name
        self.limits = limits
        #: the single top folder the package was wrapped in, or None
        self.stripped_folder = stripped_folder
        self.new_digests: set[str] = set()
        #: default progress callback of `store_files` (the CLI sets it to drive a progress bar)
        self.progress: Callable[[int, int], None] | None = None

    # Opening ---------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, limits: ArchiveLimits | None = None, *,
             source_name: str | None = None) -> SafeArchive:
        """Open and validate every entry of the zip at `path`; raise `PackageError` if unsafe."""
        limits = limits or ArchiveLimits()
        path = Path(path)
        source_name = source_name or path.name
        if not path.is_file() or path.stat().st_size == 0:
            raise PackageError(_("Tệp tải lên rỗng."), "empty", source_name)
        declared = _declared_entry_count(path)
        if declared is not None and declared > limits.max_entries:
            raise _too_many_entries(declared, limits)
        try:
            zip_file = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            raise PackageError(
                _("Tệp “%(name)s” không phải là tệp nén ZIP hợp lệ (hoặc đã bị hỏng).",
                  name=source_name), "not_zip", source_name) from None
        try:
            entries, stripped = _validate(zip_file, limits)
        except BaseException:
            zip_file.close()
            raise
        return cls(path, zip_file, entries, source_name, limits, stripped)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # Looking up ------------------------------------------------------------------------------
    def names(self) -> list[str]:
        """Every file (not folder), relative to the package root, in the zip's order."""
        return list(self._entries)

    def exists(self, name: str) -> bool:
        return unicodedata.normalize("NFC", name) in self._entries

    def size(self, name: str) -> int:
        return self._entry(name).info.file_size

    def resolve(self, href: str) -> str | None:
        """The package file a link such as a manifest ``href`` points to, or None.

        Drops ``?query`` and ``#fragment``, decodes percent-escapes, resolves ``./`` and ``../``
        inside the package and normalises to NFC; when no file matches exactly, a unique match
        ignoring case is accepted (packages made on Windows often differ only in case).
        """
        if not href:
            return None
        for separator in ("#", "?"):
            href = href.split(separator, 1)[0]
        name = unicodedata.normalize("NFC", unquote(href).replace("\\", "/"))
        if not name or name.startswith("/") or "://" in name:
            return None
        name = posixpath.normpath(name)
        if name == ".." or name.startswith("../"):
            return None
        if name in self._entries:
            return name
        return self._folded.get(name.casefold())

    def _entry(self, name: str) -> _Entry:
        try:
            return self._entries[unicodedata.normalize("NFC", name)]
        except KeyError:
            raise PackageError(_("Gói không có tệp “%(name)s”.", name=name), "missing_file",
                               name) from None

    # Reading ---------------------------------------------------------------------------------
    def open_member(self, name: str) -> BinaryIO:
        """A stream of one member's bytes; it refuses to yield more than the declared size."""
        entry = self._entry(name)
        if entry.info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Closed by the returned stream; each member gets its own handle so that
            # several can be read at once.
            handle = open(self._path, "rb")  # noqa: SIM115
            stream = _MemberStream(_inflate(handle, entry), handle.close)
        else:
            try:
                raw = self._zip.open(entry.info)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
                raise _corrupt(entry.name) from None
            stream = _MemberStream(_zipfile_chunks(raw, entry), raw.close)
        return io.BufferedReader(stream, buffer_size=READ_CHUNK)

    def read(self, name: str, max_bytes: int = 10 * MiB) -> bytes:
        """The whole content of a small member such as ``imsmanifest.xml``."""
        entry = self._entry(name)
        if entry.info.file_size > max_bytes:
            raise PackageError(
                _("Tệp “%(name)s” quá lớn để đọc (%(size)s MB, tối đa %(limit)s MB).",
                  name=entry.name, size=_mb(entry.info.file_size), limit=_mb(max_bytes)),
                "member_too_large", entry.name)
        with self.open_member(name) as stream:
            return stream.read()

    def iter_members(self) -> Iterator[tuple[str, BinaryIO]]:
        for name in self._entries:
            with self.open_member(name) as stream:
                yield name, stream

    def store_files(self, store, progress: Callable[[int, int], None] | None = None) -> dict:
        """Stream every file into `store`; return {name: StoredBlob}.

        Digests the store did not hold before are added to `new_digests`, so a failed import
        can delete exactly what it added. `progress(done_bytes, total_bytes)` is called as
        bytes flow.
        """
        progress = progress or self.progress
        total = sum(entry.info.file_size for entry in self._entries.values())
        done = 0
        stored = {}
        for name, entry in self._entries.items():
            with self.open_member(name) as member:
                reader = _HashingReader(member, store)

                def report(n: int, before: int = done) -> None:
                    if progress is not None:
                        progress(before + n, total)

                reader.on_read = report
                blob = store.put(reader, max_size=entry.info.file_size)
            if not reader.existed_before:
                self.new_digests.add(blob.digest)
            stored[name] = blob
            done += entry.info.file_size
        if progress is not None:
            progress(total, total)
        return stored


class _MemberStream(io.RawIOBase):
    """A file object over an iterator of byte chunks (one member's inflated data)."""

    def __init__(self, chunks: Iterator[bytes], on_close: Callable[[], None]) -> None:
        self._chunks = chunks
        self._pending = b""
        self._on_close = on_close

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        if not self.closed:
            self._on_close()
        super().close()


def _inflate(handle: BinaryIO, entry: _Entry) -> Iterator[bytes]:
    """Yield a stored or deflated member's bytes, enforcing its declared size and CRC.

    zipfile silently truncates a member that inflates past its declared size; reading the
    compressed data ourselves lets a lying size be refused instead.
    """
    info = entry.info
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_HEADER_SIZE)
    if len(header) != _LOCAL_HEADER_SIZE or header[:4] != b"PK\x03\x04":
        raise _corrupt(entry.name)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(name_length + extra_length, io.SEEK_CUR)
    compressed_left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    produced = crc = 0

    def read_compressed() -> bytes:
        nonlocal compressed_left
        data = handle.read(min(64 * 1024, compressed_left))
        if not data:
            raise _corrupt(entry.name)
        compressed_left -= len(data)
        return data

    while True:
        if inflater is None:
            if not compressed_left:
                break
            chunk = read_compressed()
        else:
            if inflater.eof:
                break
            if inflater.unconsumed_tail:
                data = inflater.unconsumed_tail
            else:
                data = read_compressed() if compressed_left else b""
            try:
                chunk = inflater.decompress(data, READ_CHUNK)
            except zlib.error:
                raise _corrupt(entry.name) from None
            if not chunk and not data:
                break
        produced += len(chunk)
        if produced > info.file_size:
            raise _size_mismatch(entry.name)
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if inflater is not None and not inflater.eof:
        raise _corrupt(entry.name)
    if produced != info.file_size:
        raise _size_mismatch(entry.name)
    if crc != info.CRC:
        raise _corrupt(entry.name)


def _zipfile_chunks(raw: BinaryIO, entry: _Entry) -> Iterator[bytes]:
    """bzip2 and LZMA members, through zipfile (which stops at the declared size)."""
    produced = 0
    while True:
        try:
            chunk = raw.read(READ_CHUNK)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            raise _corrupt(entry.name) from None
        if not chunk:
            break
        produced += len(chunk)
        yield chunk
    if produced != entry.info.file_size:
        raise _size_mismatch(entry.name)


class _HashingReader:
    """Passes a stream through to `BlobStore.put`, learning its digest on the way.

    At end of stream — before the store commits the blob — it asks the store whether that digest
    is already there, which is how `store_files` tells new blobs from shared ones.
    """

    def __init__(self, stream: BinaryIO, store) -> None:
        self._stream = stream
        self._store = store
        self._hash = hashlib.sha256()
        self._count = 0
        self.existed_before: bool | None = None
        self.on_read: Callable[[int], None] | None = None

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if data:
            self._hash.update(data)
            self._count += len(data)
            if self.on_read:
                self.on_read(self._count)
        elif self.existed_before is None:
            self.existed_before = self._store.exists(self._hash.hexdigest())
        return data


# Validation -----------------------------------------------------------------------------------
def _validate(zip_file: zipfile.ZipFile, limits: ArchiveLimits) -> tuple[dict[str, _Entry], str | None]:
    infos = zip_file.infolist()
    if len(infos) > limits.max_entries:
        raise _too_many_entries(len(infos), limits)
    _check_overlaps(zip_file, infos)
    seen: dict[str, str] = {}  # case-folded name -> name as written
    folders: set[str] = set()  # case-folded folder paths implied by files
    files: list[tuple[str, zipfile.ZipInfo]] = []
    total_size = total_compressed = 0
    for info in infos:
        name = _checked_name(info)
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise PackageError(
                _("Tệp “%(name)s” trong gói được đặt mật khẩu (mã hóa); hãy nén lại không đặt "
                  "mật khẩu.", name=name), "encrypted", name)
        _check_file_type(info, name)
        if info.is_dir():
            folders.add(name.rstrip("/").casefold())
            continue
        if info.compress_type not in _SUPPORTED_COMPRESSION:
            raise PackageError(
                _("Tệp “%(name)s” dùng kiểu nén không được hỗ trợ; hãy nén lại bằng ZIP "
                  "thông thường (Deflate).", name=name), "unsupported_compression", name)
        _check_sizes(info, name, limits)
        key = name.casefold()
        if key in seen:
            raise PackageError(
                _("Gói có hai tệp trùng tên “%(first)s” và “%(second)s” (không phân biệt chữ "
                  "hoa, chữ thường).", first=seen[key], second=name), "duplicate_name", name)
        seen[key] = name
        parts = key.split("/")
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
        files.append((name, info))
        total_size += info.file_size
        total_compressed += info.compress_size
        if total_size > limits.max_total_size:
            raise PackageError(
                _("Gói khi giải nén vượt quá giới hạn %(limit)s MB.",
                  limit=_mb(limits.max_total_size)), "too_large")
    clash = next((name for name in seen if name in folders), None)
    if clash is not None:
        raise PackageError(
            _("Gói có “%(name)s” vừa là tệp vừa là thư mục.", name=seen[clash]),
            "duplicate_name", seen[clash])
    if (total_size > limits.ratio_threshold
            and total_size > limits.max_total_ratio * max(total_compressed, 1)):
        raise PackageError(
            _("Gói có tỉ lệ nén bất thường (có thể là “bom nén”), không thể nhận."),
            "total_compression_ratio")
    return _package_entries(files)


def _package_entries(files: list[tuple[str, zipfile.ZipInfo]]) -> tuple[dict[str, _Entry], str | None]:
    kept = [(name, info) for name, info in files if not _is_ignored(name)]
    if not kept:
        raise PackageError(_("Gói không chứa tệp nào."), "empty")
    top_folders = {name.split("/", 1)[0] if "/" in name else None for name, _info in kept}
    stripped = None
    if len(top_folders) == 1 and None not in top_folders:
        stripped = top_folders.pop()
        kept = [(name[len(stripped) + 1:], info) for name, info in kept]
    return {name: _Entry(name, info) for name, info in kept}, stripped


def _is_ignored(name: str) -> bool:
    parts = name.casefold().split("/")
    return parts[0] in IGNORED_TOP_FOLDERS or parts[-1] in IGNORED_BASENAMES


def _checked_name(info: zipfile.ZipInfo) -> str:
    """The entry's name decoded, NFC-normalised and checked to stay inside the package."""
    name = decode_entry_name(info)
    if not name or "\x00" in name or any(ord(ch) < 32 for ch in name):
        raise PackageError(_("Gói có một tệp với tên không hợp lệ."), "bad_name", name or None)
    if "\\" in name:
        raise PackageError(
            _("Tên tệp “%(name)s” dùng dấu “\\” để ngăn thư mục; hãy nén lại bằng công cụ nén "
              "chuẩn.", name=name), "backslash_path", name)
    if len(name) >= 2 and name[1] == ":" and name[0].isalpha():
        raise PackageError(
            _("Tên tệp “%(name)s” chứa ổ đĩa (như C:), không được phép.", name=name),
            "drive_letter", name)
    if name.startswith("/"):
        raise PackageError(
            _("Tên tệp “%(name)s” là đường dẫn tuyệt đối, không được phép.", name=name),
            "absolute_path", name)
    segments = name.rstrip("/").split("/")
    if ".." in segments:
        raise PackageError(
            _("Tên tệp “%(name)s” trỏ ra ngoài gói (“..”), không được phép.", name=name),
            "zip_slip", name)
    cleaned = [segment for segment in segments if segment not in ("", ".")]
    if not cleaned:
        raise PackageError(_("Gói có một tệp với tên không hợp lệ."), "bad_name", name)
    return "/".join(cleaned) + ("/" if info.is_dir() else "")


def decode_entry_name(info: zipfile.ZipInfo) -> str:
    """The entry name as the author saw it, NFC-normalised.

    Without the UTF-8 flag, zipfile decodes names as cp437; zips made on Windows really hold the
    author's code page. The raw bytes are tried as UTF-8 (many tools omit the flag), then as
    cp1258 (Vietnamese Windows); an Info-ZIP Unicode Path field wins when present and valid.
    """
    if info.flag_bits & _UTF8_FLAG:
        name = info.orig_filename
    else:
        raw = info.orig_filename.encode("cp437")
        name = _unicode_path_extra(info.extra, raw)
        if name is None:
            for encoding in ("utf-8", "cp1258", "cp437"):
                try:
                    name = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
    return unicodedata.normalize("NFC", name)


def _unicode_path_extra(extra: bytes, raw_name: bytes) -> str | None:
    offset = 0
    while offset + 4 <= len(extra):
        header_id, size = struct.unpack_from("<HH", extra, offset)
        body = extra[offset + 4: offset + 4 + size]
        offset += 4 + size
        if header_id == _UNICODE_PATH_EXTRA and len(body) >= 5 and body[0] == 1:
            (name_crc,) = struct.unpack_from("<I", body, 1)
            if name_crc == zlib.crc32(raw_name):  # stale if the name was changed afterwards
                try:
                    return body[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return None


def _check_file_type(info: zipfile.ZipInfo, name: str) -> None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if not mode or kind in (0, stat.S_IFREG, stat.S_IFDIR):
        return
    if kind == stat.S_IFLNK:
        raise PackageError(
            _("Gói có liên kết tượng trưng (symlink) “%(name)s”, không được phép.", name=name),
            "symlink", name)
    raise PackageError(
        _("Gói có tệp thiết bị hoặc tệp đặc biệt “%(name)s”, không được phép.", name=name),
        "special_file", name)


def _check_sizes(info: zipfile.ZipInfo, name: str, limits: ArchiveLimits) -> None:
    if info.file_size > limits.max_file_size:
        raise PackageError(
            _("Tệp “%(name)s” khi giải nén lớn hơn giới hạn %(limit)s MB.",
              name=name, limit=_mb(limits.max_file_size)), "file_too_large", name)
    if (info.file_size > limits.ratio_threshold
            and info.file_size > limits.max_entry_ratio * max(info.compress_size, 1)):
        raise PackageError(
            _("Tệp “%(name)s” có tỉ lệ nén bất thường (có thể là “bom nén”), không thể nhận.",
              name=name), "compression_ratio", name)


def _check_overlaps(zip_file: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse entries whose data overlap: the trick behind the smallest, largest zip bombs."""
    end = getattr(zip_file, "start_dir", None)
    ordered = sorted(infos, key=lambda info: info.header_offset)
    for current, following in zip(ordered, ordered[1:] + [None]):
        limit = following.header_offset if following is not None else end
        if limit is None:
            continue
        if current.header_offset + _LOCAL_HEADER_SIZE + current.compress_size > limit:
            name = decode_entry_name(current)
            raise PackageError(
                _("Gói có các tệp chồng lên nhau (cấu trúc ZIP bất thường), không thể nhận."),
                "overlapping_entries", name)


def _declared_entry_count(path: Path) -> int | None:
    """The entry count in the end record, read before zipfile builds a ZipInfo per entry.

    A tiny file can declare millions of entries; refusing it early keeps memory flat.
    """
    try:
        with open(path, "rb") as handle:
            record = zipfile._EndRecData(handle)  # private, but stable since Python 2
    except (OSError, AttributeError, struct.error):
        return None
    if not record:
        return None
    return record[zipfile._ECD_ENTRIES_TOTAL]


def _too_many_entries(count: int, limits: ArchiveLimits) -> PackageError:
    return PackageError(
        _("Gói có %(count)s tệp, vượt quá giới hạn %(limit)s tệp.",
          count=count, limit=limits.max_entries), "too_many_entries")


def _corrupt(name: str) -> PackageError:
    return PackageError(
        _("Tệp “%(name)s” trong gói bị hỏng, không đọc được.", name=name), "corrupt", name)


def _size_mismatch(name: str) -> PackageError:
    return PackageError(
        _("Tệp “%(name)s” khi giải nén không đúng kích thước ghi trong gói (có thể là “bom nén”).",
          name=name), "size_mismatch", name)
