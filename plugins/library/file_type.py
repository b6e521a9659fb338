"""The `file` content type: other files kept in a library (PDF, slides, plain video, documents).

They live beside the e-learning lessons but never count toward the target. A file is one blob
(`MaterialVersion.source_digest`, which the core's blob GC already keeps); a browser shows PDFs,
images and mp4/webm video inline, anything else is downloaded.
"""
from __future__ import annotations

import hashlib
import posixpath
from pathlib import Path
from typing import BinaryIO

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.content_types import ContentType, Inspection, Problem
from lms.extensions import db
from lms.models import Material, MaterialStatus, MaterialVersion, SchoolYear
from lms.models.base import utcnow
from lms.storage import get_store

#: file endings accepted into a library, and how a browser can show them
PREVIEW_KINDS = {
    ".pdf": "pdf",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image", ".webp": "image",
    ".mp4": "video", ".webm": "video",
    ".mp3": "audio", ".ogg": "audio", ".wav": "audio",
}
DOWNLOAD_ONLY = (".ppt", ".pptx", ".pps", ".ppsx", ".doc", ".docx", ".xls", ".xlsx", ".odt",
                 ".odp", ".ods", ".txt", ".rtf", ".zip")
ACCEPTED = tuple(PREVIEW_KINDS) + DOWNLOAD_ONLY


def suffix_of(name: str) -> str:
    return posixpath.splitext(name.lower())[1]


def preview_kind(name: str) -> str | None:
    """pdf, image, video or audio when a browser can show the file inline, else None."""
    return PREVIEW_KINDS.get(suffix_of(name))


class SingleFileArchive:
    """One uploaded file seen through the archive interface that content types read."""

    def __init__(self, path: str | Path, source_name: str) -> None:
        self.path = Path(path)
        self.source_name = source_name
        self.new_digests: set[str] = set()
        self.progress = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def names(self) -> list[str]:
        return [self.source_name]

    def exists(self, name: str) -> bool:
        return name == self.source_name

    def resolve(self, href: str) -> str | None:
        return href if self.exists(href) else None

    def size(self, name: str) -> int:
        return self.path.stat().st_size

    def open_member(self, name: str) -> BinaryIO:
        return self.path.open("rb")

    def read(self, name: str, max_bytes: int = 10 * 2**20) -> bytes:
        with self.open_member(name) as stream:
            return stream.read(max_bytes)

    def store_files(self, store, progress=None) -> dict:
        digest = _sha256(self.path)
        existed = store.exists(digest)
        with self.path.open("rb") as stream:
            blob = store.put(stream)
        if not existed:
            self.new_digests.add(blob.digest)
        if progress or self.progress:
            (progress or self.progress)(blob.size, blob.size)
        return {self.source_name: blob}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(2**20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FileContentType(ContentType):
    id = "file"
    name = _l("Tệp khác (PDF, trình chiếu, video, tài liệu)")
    counts_toward_target = False
    #: a file has no player that could tell when the reading is done
    reports_completion = False
    #: empty: the zip upload page does not offer these; the library's file upload does
    extensions = ()

    def detect(self, archive) -> bool:
        return isinstance(archive, SingleFileArchive)

    def inspect(self, archive) -> Inspection:
        name = archive.source_name
        inspection = Inspection(content_type=self.id,
                                title=posixpath.splitext(posixpath.basename(name))[0])
        if suffix_of(name) not in ACCEPTED:
            inspection.problems.append(Problem(
                _("Không nhận loại tệp “%(name)s”. Các loại được nhận: %(types)s.", name=name,
                  types=", ".join(ACCEPTED)), file=name))
        elif archive.size(name) == 0:
            inspection.problems.append(Problem(_("Tệp “%(name)s” rỗng.", name=name), file=name))
        inspection.details = {"filename": name, "size": archive.size(name),
                              "preview": preview_kind(name)}
        return inspection

    def import_package(self, archive, *, department, author, inspection: Inspection):
        blob = archive.store_files(get_store())[archive.source_name]
        material = Material(
            title=(inspection.title or archive.source_name)[:300], content_type=self.id,
            department=department, author=author, school_year=SchoolYear.current(),
            status=MaterialStatus.DRAFT.value, description="")
        version = MaterialVersion(
            material=material, number=1, content_type=self.id,
            source_filename=archive.source_name[:300], source_digest=blob.digest,
            created_by=author, inspection={"problems": [], **inspection.details})
        db.session.add_all([material, version])
        return material

    def launch(self, material, user, version=None):
        version = version or material.live_version or material.latest_version
        return redirect(url_for("library.file_view", id=material.id, version_id=version.id))

    def record(self, attempt, payload: dict) -> None:
        """Opening a file is all there is to it: the attempt is complete."""
        now = utcnow()
        attempt.completion = "completed"
        attempt.progress = 1.0
        attempt.last_access_at = now
        attempt.completed_at = attempt.completed_at or now

    def extract_text(self, material) -> str:
        version = material.live_version or material.latest_version
        return version.extracted_text if version else ""
