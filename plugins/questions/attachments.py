"""Photos and PDFs attached to questions and answers, normalised by `lms.photos` (photos
upright, ≤ 2000 px, EXIF and GPS removed) and kept in the content store."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from lms.extensions import db
from lms.photos import NormalisedFile, PhotoError, normalise_upload
from lms.storage import get_store

from .models import Attachment

MAX_FILES_PER_MESSAGE = 5


class QuestionError(Exception):
    """A question or answer that cannot be saved; the message is shown as it is."""


def read_uploads(uploads) -> list[NormalisedFile]:
    """Every chosen file normalised, or a QuestionError before anything is stored."""
    chosen = [upload for upload in uploads or [] if upload and upload.filename]
    if len(chosen) > MAX_FILES_PER_MESSAGE:
        raise QuestionError(_("Mỗi lần gửi tối đa %(n)s tệp.", n=MAX_FILES_PER_MESSAGE))
    files = []
    for upload in chosen:
        try:
            files.append(normalise_upload(upload, fallback_stem="cau-hoi"))
        except PhotoError as problem:
            raise QuestionError(str(problem)) from None
    return files


def store(files: list[NormalisedFile]) -> list[Attachment]:
    """Put the files in the content store and return their rows (added by the caller)."""
    store = get_store()
    rows = []
    for file in files:
        blob = store.put_bytes(file.data)
        rows.append(Attachment(digest=blob.digest, filename=file.filename,
                               content_type=file.content_type, size=blob.size,
                               width=file.width, height=file.height))
    return rows


def referenced_digests() -> set[str]:
    """Every blob the plugin's rows still use (for the content store's garbage collection)."""
    return set(db.session.scalars(select(Attachment.digest).distinct()))
