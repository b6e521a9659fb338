"""Building test zips, including the malicious ones, without holding big members in memory."""
from __future__ import annotations

import json
import stat
import struct
import unicodedata
import warnings
import zipfile
from pathlib import Path

MiB = 2**20
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


class CraftedInfo(zipfile.ZipInfo):
    """A ZipInfo whose name bytes and general-purpose flags we choose ourselves."""

    def __init__(self, filename: str, *, raw_name: bytes | None = None, extra_flags: int = 0):
        super().__init__(filename)
        self.raw_name = raw_name
        self.extra_flags = extra_flags

    def _encodeFilenameFlags(self):  # zipfile asks its ZipInfo for the name bytes here
        if self.raw_name is not None:
            return self.raw_name, self.flag_bits | self.extra_flags
        name, flags = super()._encodeFilenameFlags()
        return name, flags | self.extra_flags


def cp1258(name: str) -> bytes:
    """Encode like Vietnamese Windows: base letters precomposed, tone marks as combining bytes."""
    out = b""
    for char in unicodedata.normalize("NFC", name):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in marks if c not in _TONES))
            out += (base + "".join(c for c in marks if c in _TONES)).encode("cp1258")
    return out


def entry(name: str, *, mode: int | None = None, raw_name: bytes | None = None,
          extra_flags: int = 0, compress: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    info = CraftedInfo(name, raw_name=raw_name, extra_flags=extra_flags)
    info.compress_type = compress
    if mode is not None:
        info.external_attr = mode << 16
    return info


def build_zip(path: Path, members, *, compresslevel: int | None = None) -> Path:
    """`members`: (name or ZipInfo, bytes or an iterable of byte chunks) pairs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are what some tests want
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
            for name, data in members:
                info = name if isinstance(name, zipfile.ZipInfo) else entry(name)
                with zf.open(info, "w", force_zip64=False) as target:
                    for chunk in ([data] if isinstance(data, bytes) else data):
                        target.write(chunk)
    return path


def zeros(total: int, chunk: int = MiB):
    """A highly compressible stream, produced chunk by chunk."""
    block = bytes(chunk)
    while total > 0:
        yield block[: min(chunk, total)]
        total -= chunk


def random_chunks(total: int, seed: int = 1, chunk: int = MiB):
    """Incompressible bytes, chunk by chunk (a fixed seed keeps runs reproducible)."""
    import random

    rng = random.Random(seed)
    while total > 0:
        size = min(chunk, total)
        yield rng.randbytes(size)
        total -= size


def lesson(path: Path, *, title: str = "Bài giảng phân số", launch: str = "index.html",
           files: dict | None = None, wrap: str | None = None, extra=()) -> Path:
    """A package of the test content type (see testtype.py): lesson.json + its files."""
    prefix = f"{wrap}/" if wrap else ""
    members = [(prefix + "lesson.json", json.dumps({"title": title, "launch": launch}).encode())]
    for name, data in (files if files is not None else {"index.html": b"<h1>Phan so</h1>"}).items():
        members.append((prefix + name, data))
    return build_zip(path, [*members, *extra])


def patch_central_size(path: Path, member: str, new_size: int) -> None:
    """Make the central directory (and local header) declare `new_size` for `member`."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    central = data.find(b"PK\x01\x02")  # first central record
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46: central + 46 + name_length]) == member.encode():
            struct.pack_into("<I", data, central + 24, new_size)
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, info.header_offset + 22, new_size)
    path.write_bytes(bytes(data))


def point_second_entry_at_first(path: Path) -> None:
    """Overlap: the second central record reuses the first member's data."""
    data = bytearray(path.read_bytes())
    records = []
    position = data.find(b"PK\x01\x02")
    while position != -1:
        records.append(position)
        position = data.find(b"PK\x01\x02", position + 4)
    first_offset = struct.unpack_from("<I", data, records[0] + 42)[0]
    struct.pack_into("<I", data, records[1] + 42, first_offset)
    path.write_bytes(bytes(data))


SYMLINK = stat.S_IFLNK | 0o777
CHAR_DEVICE = stat.S_IFCHR | 0o600
FIFO = stat.S_IFIFO | 0o600
