"""What students hand in for a plain task, and the teacher's attachments to the instructions.

Photos and PDFs go through `lms.photos` (recognised by content; photos turned upright,
downscaled and stripped of EXIF, GPS included). Functions add to the session; the caller
commits.
"""
from __future__ import annotations

import mimetypes
from pathlib import PurePath

import nh3
from flask_babel import gettext as _
from sqlalchemy import select

from lms.extensions import db
from lms.photos import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_PDF_BYTES,
    PhotoError,
    display_name,
    normalise_upload,
    read_limited,
)
from lms.storage import get_store

from .models import (
    AssignmentAttachment,
    AssignmentKind,
    SubmissionFile,
    SubmissionState,
)
from .workflow import accepts_work, start

MAX_FILES_PER_SUBMISSION = 10
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_TEXT_CHARS = 50_000

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


def add_file(submission, upload, actor) -> SubmissionFile:
    """Hand in one file: a photo (JPEG/PNG/HEIC, downscaled, EXIF removed) or a PDF."""
    _require_student_can_hand_in(submission, actor, what="file")
    if len(submission.files) >= MAX_FILES_PER_SUBMISSION:
        raise HandinError(_("Mỗi bài nộp tối đa %(n)s tệp.", n=MAX_FILES_PER_SUBMISSION))
    try:
        # this module's limits, read at each call, so they can be tuned here
        normalised = normalise_upload(upload, max_image_bytes=MAX_IMAGE_BYTES,
                                      max_pdf_bytes=MAX_PDF_BYTES, max_pixels=MAX_IMAGE_PIXELS,
                                      fallback_stem="bai-lam")
    except PhotoError as problem:
        raise HandinError(str(problem)) from None
    blob = get_store().put_bytes(normalised.data)
    file = SubmissionFile(digest=blob.digest, filename=normalised.filename,
                          content_type=normalised.content_type, size=blob.size,
                          width=normalised.width, height=normalised.height)
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
    name = display_name(upload.filename)
    suffix = PurePath(name).suffix.lower()
    if suffix not in _ATTACHMENT_SUFFIXES:
        raise HandinError(_("Tệp “%(name)s” không được nhận: hãy đính kèm tài liệu (PDF, Word, "
                            "Excel, PowerPoint), ảnh, âm thanh, video hoặc tệp nén.", name=name))
    try:
        data = read_limited(upload, MAX_ATTACHMENT_BYTES)
    except PhotoError as problem:
        raise HandinError(str(problem)) from None
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
