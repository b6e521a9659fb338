"""Captions: a teacher's .vtt or .srt file, in UTF-8, UTF-16 or Windows-1258, made UTF-8 WebVTT.

Vietnamese subtitle files made on Windows are often cp1258, which writes tone marks as
combining characters: the text is normalised to NFC so it displays and searches like typed text.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from flask_babel import gettext as _

MAX_CAPTION_BYTES = 2 * 2**20
_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})(.*)$")


class CaptionError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decode(data: bytes) -> str:
    """Text of a caption file: BOM first, then UTF-16 without BOM, UTF-8, finally cp1258."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if len(data) >= 4 and data[1:4:2] == b"\0\0" and data[0:4:2] != b"\0\0":
        return data.decode("utf-16-le", errors="replace")
    if len(data) >= 4 and data[0:4:2] == b"\0\0" and data[1:4:2] != b"\0\0":
        return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError:
        raise CaptionError(_("Không đọc được bảng mã của tệp phụ đề; hãy lưu lại dưới dạng "
                             "UTF-8.")) from None


def _timestamp(value: str) -> str:
    value = value.replace(",", ".")
    parts = value.split(":")
    if len(parts) == 2:
        parts.insert(0, "00")
    seconds, _dot, millis = parts[-1].partition(".")
    return f"{int(parts[0]):02d}:{int(parts[1]):02d}:{int(seconds):02d}.{millis.ljust(3, '0')}"


def to_webvtt(data: bytes) -> bytes:
    """UTF-8 WebVTT for an uploaded .vtt or .srt file. Raises `CaptionError`."""
    if len(data) > MAX_CAPTION_BYTES:
        raise CaptionError(_("Tệp phụ đề quá lớn (tối đa 2 MB)."))
    text = unicodedata.normalize("NFC", decode(data)).replace("\r\n", "\n").replace("\r", "\n")
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    out, cues = ["WEBVTT", ""], 0
    start = 0
    if lines and lines[0].startswith("WEBVTT"):
        # keep a VTT's header blocks (NOTE, STYLE, REGION) as they are, up to the first cue
        first = next((i for i, line in enumerate(lines) if _TIMING.match(line)), len(lines))
        start = first - 1 if first > 1 and lines[first - 1].strip() else first
        header = [line.rstrip() for line in lines[1:start]]
        while header and not header[-1].strip():
            header.pop()
        while header and not header[0].strip():
            header.pop(0)
        out = ["WEBVTT", *([""] + header if header else []), ""]
    block: list[str] = []
    for line in [*lines[start:], ""]:
        if line.strip():
            block.append(line.rstrip())
            continue
        if block:
            cue = _cue(block)
            if cue:
                out.extend([*cue, ""])
                cues += 1
            block = []
    if not cues:
        raise CaptionError(_("Tệp phụ đề không có câu thoại nào có mốc thời gian hợp lệ "
                             "(dạng 00:00:01,000 --> 00:00:04,000)."))
    return "\n".join(out).encode("utf-8")


def _cue(block: list[str]) -> list[str] | None:
    """One cue: optional identifier, timing line (commas become dots), text."""
    for index, line in enumerate(block[:2]):
        match = _TIMING.match(line)
        if match:
            timing = f"{_timestamp(match.group(1))} --> {_timestamp(match.group(2))}"
            settings = match.group(3).strip()
            identifier = block[:index]
            text = [t for t in block[index + 1:] if "-->" not in t]
            return [*identifier, f"{timing} {settings}".rstrip(), *text]
    return None
