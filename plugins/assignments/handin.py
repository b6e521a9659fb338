"""What students hand in for a plain task, and the teacher's attachments to the instructions.

Files are recognised by their content, never by their name: JPEG, PNG and HEIC/HEIF photos
(the phone camera's) and PDF. Photos are turned upright, downscaled and re-encoded as JPEG
without their EXIF block, because phone photos carry the place they were taken (GPS) and
Decree 13/2023 asks to keep personal data to the minimum. Functions add to the session; the
caller commits.
"""
from __future__ import annotations

import io
import mimetypes
import warnings
from pathlib import PurePath

import nh3
import pillow_heif
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from lms.extensions import db
from lms.storage import get_store

from .models import (
    AssignmentAttachment,
    AssignmentKind,
    SubmissionFile,
    SubmissionState,
)
from .workflow import accepts_work, start

pillow_heif.register_heif_opener()

MAX_FILES_PER_SUBMISSION = 10
MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
IMAGE_MAX_SIDE = 2000
JPEG_QUALITY = 85
#: refuse pictures larger than this before decoding them (a 200-megapixel "photo" is an attack)
MAX_IMAGE_PIXELS = 80_000_000
MAX_TEXT_CHARS = 50_000
FILENAME_MAX = 300

#: what Pillow calls the formats students may hand in
_PHOTO_FORMATS = {"JPEG", "PNG", "HEIF"}
_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".jpe"}
#: the teacher's attachments: common documents and pictures, recognised by name
_ATTACHMENT_SUFFIXES = {
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp",
    ".txt", ".rtf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".mp3", ".mp4", ".zip",
}


class HandinError(Exception):
    """Work that cannot be handed in; the message is shown as it is."""


def _require_student_can_hand_in(submission, actor, *, what: str) -> None:
    if actor is None or actor.id != submission.student_id:
        raise HandinError(_("Chỉ học sinh được giao bài mới nộp được bài này."))
    assignment = submission.assignment
    if assignment.kind != AssignmentKind.TASK.value:
        raise HandinError(_("Bài này làm trực tiếp trên học liệu, không nộp tệp hay bài viết."))
    if what == "text" and not assignment.accepts_text:
        raise HandinError(_("Bài này không nhận bài viết."))
    if what == "file" and not assignment.accepts_files:
        raise HandinError(_("Bài này không nhận tệp đính kèm."))
    if submission.state == SubmissionState.TURNED_IN.value:
        raise HandinError(_("Bài đã nộp: hãy rút bài lại trước khi sửa."))
    if submission.state == SubmissionState.RETURNED.value:
        raise HandinError(_("Bài đã được trả: chỉ giáo viên mới mở lại được để sửa."))
    if not accepts_work(submission):
        raise HandinError(_("Bài tập chưa mở hoặc đã quá hạn chót: không nhận bài."))


def save_text(submission, text: str, actor) -> None:
    """Save the student's written answer (sanitised HTML) as a draft."""
    _require_student_can_hand_in(submission, actor, what="text")
    cleaned = nh3.clean(text or "").strip()
    if len(cleaned) > MAX_TEXT_CHARS:
        raise HandinError(_("Bài viết dài quá %(n)s ký tự.", n=MAX_TEXT_CHARS))
    submission.text = cleaned
    start(submission, actor)


def _read_limited(upload, limit: int) -> bytes:
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise HandinError(_("Tệp “%(name)s” lớn quá %(mb)s MB.", name=_display_name(upload),
                            mb=limit // (1024 * 1024)))
    return data


def _display_name(upload) -> str:
    name = PurePath((upload.filename or "").replace("\\", "/")).name.strip()
    return name[:FILENAME_MAX] or _("tệp không tên")


def _stored_name(upload, suffix: str) -> str:
    """The file's own name (Vietnamese kept, path dropped) with the suffix of what is stored."""
    stem = PurePath(_display_name(upload)).stem.strip() or "bai-lam"
    return stem[:FILENAME_MAX - len(suffix)] + suffix


def photo_to_jpeg(data: bytes, name: str) -> tuple[bytes, int, int]:
    """Decode a JPEG/PNG/HEIC photo, turn it upright, downscale it to IMAGE_MAX_SIDE and
    re-encode it as JPEG without EXIF. Returns (bytes, width, height)."""
    unreadable = HandinError(_("Không đọc được ảnh “%(name)s”: tệp bị hỏng hoặc không phải "
                               "ảnh JPEG, PNG, HEIC.", name=name))
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its pixel limit; here an oversized picture is refused
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise HandinError(_("Ảnh “%(name)s” quá lớn.", name=name)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise unreadable from None
    try:
        with image:
            if image.format not in _PHOTO_FORMATS:
                raise unreadable
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise HandinError(_("Ảnh “%(name)s” quá lớn (%(w)s×%(h)s điểm ảnh).",
                                    name=name, w=width, h=height))
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE), Image.Resampling.LANCZOS)
            rgb = _on_white(upright)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise unreadable from None
    out = io.BytesIO()
    # no exif=, no icc_profile=: nothing of the camera's metadata is written
    rgb.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), rgb.width, rgb.height


def _on_white(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent parts of a PNG become white, not black."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _kind_of(data: bytes) -> str | None:
    """'pdf', 'image' or None, from the first bytes."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if (data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or data[4:8] == b"ftyp"):
        return "image"
    return None


def add_file(submission, upload, actor) -> SubmissionFile:
    """Hand in one file: a photo (JPEG/PNG/HEIC, downscaled, EXIF removed) or a PDF."""
    _require_student_can_hand_in(submission, actor, what="file")
    if len(submission.files) >= MAX_FILES_PER_SUBMISSION:
        raise HandinError(_("Mỗi bài nộp tối đa %(n)s tệp.", n=MAX_FILES_PER_SUBMISSION))
    name = _display_name(upload)
    data = _read_limited(upload, max(MAX_IMAGE_BYTES, MAX_PDF_BYTES))
    kind = _kind_of(data)
    if kind is None and PurePath(name).suffix.lower() in _IMAGE_SUFFIXES:
        raise HandinError(_("Không đọc được ảnh “%(name)s”: tệp bị hỏng hoặc không phải "
                            "ảnh JPEG, PNG, HEIC.", name=name))
    if kind is None:
        raise HandinError(_("Tệp “%(name)s” không được nhận: chỉ nhận ảnh (JPEG, PNG, HEIC) "
                            "hoặc tệp PDF.", name=name))
    limit = MAX_PDF_BYTES if kind == "pdf" else MAX_IMAGE_BYTES
    if len(data) > limit:
        raise HandinError(_("Tệp “%(name)s” lớn quá %(mb)s MB.", name=name,
                            mb=limit // (1024 * 1024)))
    width = height = None
    if kind == "pdf":
        stored, content_type, filename = data, "application/pdf", _stored_name(upload, ".pdf")
    else:
        stored, width, height = photo_to_jpeg(data, name)
        content_type, filename = "image/jpeg", _stored_name(upload, ".jpg")
    blob = get_store().put_bytes(stored)
    file = SubmissionFile(digest=blob.digest, filename=filename, content_type=content_type,
                          size=blob.size, width=width, height=height)
    submission.files.append(file)
    start(submission, actor)
    db.session.flush()
    return file


def remove_file(file: SubmissionFile, actor) -> None:
    """Take one file out of a draft (the blob stays until garbage collection finds it unused)."""
    from .models import Submission

    submission = db.session.get(Submission, file.submission_id)
    _require_student_can_hand_in(submission, actor, what="file")
    submission.files.remove(file)
    db.session.delete(file)


def add_attachment(assignment, upload, actor) -> AssignmentAttachment:
    """Attach a document or picture to the assignment's instructions (≤ 20 MB)."""
    from .publishing import manages

    if not manages(actor, assignment):
        raise HandinError(_("Bạn không quản lý bài tập này."))
    name = _display_name(upload)
    suffix = PurePath(name).suffix.lower()
    if suffix not in _ATTACHMENT_SUFFIXES:
        raise HandinError(_("Tệp “%(name)s” không được nhận: hãy đính kèm tài liệu (PDF, Word, "
                            "Excel, PowerPoint), ảnh, âm thanh, video hoặc tệp nén.", name=name))
    data = _read_limited(upload, MAX_ATTACHMENT_BYTES)
    if not data:
        raise HandinError(_("Tệp “%(name)s” trống.", name=name))
    blob = get_store().put_bytes(data)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    attachment = AssignmentAttachment(digest=blob.digest, filename=name,
                                      content_type=content_type, size=blob.size)
    assignment.attachments.append(attachment)
    db.session.flush()
    return attachment


def referenced_digests() -> set[str]:
    """Every blob the plugin's rows still use (for the content store's garbage collection)."""
    files = db.session.scalars(select(SubmissionFile.digest))
    attachments = db.session.scalars(select(AssignmentAttachment.digest))
    return set(files) | set(attachments)
