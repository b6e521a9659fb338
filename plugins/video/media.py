"""What a video file is and whether browsers can play it as it is.

Two checks: the MP4/MOV top-level atoms (cheap, pure Python: phones need `moov` before `mdat`
to start playing before the whole file arrives) and ffprobe's codecs (Debian's ffmpeg package).
`plan` turns them into the background job a lesson needs, if any.
"""
from __future__ import annotations

import json
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

VIDEO_EXTENSIONS = (".mp4", ".m4v", ".mov", ".webm", ".mkv")
#: codecs browsers (including Safari on iPhones) play in an MP4
MP4_VIDEO = {"h264"}
MP4_AUDIO = {"aac", "mp3"}
WEBM_VIDEO = {"vp8", "vp9", "av1"}
WEBM_AUDIO = {"vorbis", "opus"}
PROBE_TIMEOUT = 60


def ffmpeg_available() -> bool:
    return bool(shutil.which("ffmpeg") and shutil.which("ffprobe"))


def sniff_container(path: Path) -> str | None:
    """"mp4" (ISO BMFF/QuickTime: an ftyp, moov, mdat, wide or free atom first), "matroska"
    (WebM/MKV: the EBML magic) or None."""
    with open(path, "rb") as stream:
        head = stream.read(12)
    if len(head) >= 8 and head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "matroska"
    return None


def top_level_atoms(path: Path, limit: int = 1000) -> list[str]:
    """The types of the top-level atoms of an MP4/MOV file, in file order (headers only)."""
    atoms = []
    size_of_file = path.stat().st_size
    with open(path, "rb") as stream:
        offset = 0
        while offset + 8 <= size_of_file and len(atoms) < limit:
            stream.seek(offset)
            header = stream.read(8)
            size, kind = struct.unpack(">I4s", header)
            if size == 1:  # 64-bit size follows the type
                size = struct.unpack(">Q", stream.read(8))[0]
            elif size == 0:  # runs to the end of the file
                size = size_of_file - offset
            atoms.append(kind.decode("latin-1"))
            if size < 8:
                break  # corrupt: stop rather than loop
            offset += size
    return atoms


def needs_faststart(path: Path) -> bool:
    """True when `mdat` comes before `moov`: a player must fetch the end of the file first."""
    atoms = top_level_atoms(path)
    if "moov" not in atoms or "mdat" not in atoms:
        return False
    return atoms.index("mdat") < atoms.index("moov")


@dataclass
class Probe:
    container: str = ""  #: ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    video: str = ""  #: codec of the first video stream
    audio: str = ""  #: codec of the first audio stream ("" when silent)
    width: int = 0
    height: int = 0
    duration: float | None = None
    streams: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {"container": self.container, "video": self.video, "audio": self.audio,
                "width": self.width, "height": self.height}


class ProbeFailed(Exception):
    """ffprobe could not read the file as a video."""


def probe(path: Path) -> Probe:
    """Ask ffprobe about the file's container and first video/audio streams."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
         str(path)], capture_output=True, timeout=PROBE_TIMEOUT, check=False)
    if result.returncode != 0:
        raise ProbeFailed(result.stderr.decode("utf-8", "replace")[-500:])
    data = json.loads(result.stdout or b"{}")
    found = Probe(container=(data.get("format") or {}).get("format_name", ""))
    duration = (data.get("format") or {}).get("duration")
    try:
        found.duration = float(duration) if duration is not None else None
    except ValueError:
        found.duration = None
    for stream in data.get("streams") or []:
        codec, kind = stream.get("codec_name", ""), stream.get("codec_type")
        # an attached cover picture is a "video" stream too; it is not the film
        if kind == "video" and not found.video and not (stream.get("disposition") or {}).get(
                "attached_pic"):
            found.video = codec
            found.width, found.height = stream.get("width", 0), stream.get("height", 0)
        elif kind == "audio" and not found.audio:
            found.audio = codec
    if not found.video:
        raise ProbeFailed("no video stream")
    return found


def plan(container: str, found: Probe | None, moov_late: bool) -> tuple[str | None, str]:
    """(job kind or None, MIME type of the playable file) for a file as uploaded.

    `container` is what `sniff_container` saw. Without ffprobe (`found` None) an MP4 is trusted
    to hold H.264/AAC and only its atoms are checked.
    """
    if container == "mp4":
        is_mp4 = found is None or "mp4" in found.container or "mov" in found.container
        codecs_ok = found is None or (found.video in MP4_VIDEO
                                      and found.audio in MP4_AUDIO | {""})
        if is_mp4 and codecs_ok:
            return ("faststart" if moov_late else None), "video/mp4"
        return "transcode", "video/mp4"
    if container == "matroska" and found is not None:
        if "webm" in found.container and found.video in WEBM_VIDEO and found.audio in (
                WEBM_AUDIO | {""}):
            return None, "video/webm"
        if found.video in MP4_VIDEO and found.audio in MP4_AUDIO | {""}:
            return "faststart", "video/mp4"  # an MKV of H.264/AAC: copied into an MP4
        return "transcode", "video/mp4"
    return "transcode", "video/mp4"
