"""The editor: questions on the timeline, chapters, settings, captions and poster.

Who: the author, co-authors and the heads of the material's department. The browser sends the
whole document as JSON; `lesson_model.validate_document` checks every field and answers with
Vietnamese messages per field. A version under approval or approved is never changed in place:
the editor first makes a new draft version (the approved one stays live until the new one is
approved, like any upload).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.extensions import db
from lms.models import Material, MaterialAuthor, MaterialStatus, MaterialVersion, audit
from lms.storage import get_store

from . import captions, jobs, lesson_model
from .content_type import job_label, lesson_for, lesson_text, type_labels
from .models import VideoJob, VideoLesson

bp = Blueprint("video_editor", __name__, url_prefix="/video")

EDITABLE_STATUSES = (MaterialStatus.DRAFT.value, MaterialStatus.RETURNED.value)
MAX_POSTER_BYTES = 5 * 2**20
_POSTER_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def can_edit(user, material: Material) -> bool:
    if not getattr(user, "is_authenticated", False) or material.deleted_at is not None:
        return False
    if user.id == material.author_id or user.heads_department(material.department_id):
        return True
    return db.session.scalar(select(MaterialAuthor.id).where(
        MaterialAuthor.material_id == material.id, MaterialAuthor.user_id == user.id)) is not None


def _editable_material(material_id: int) -> tuple[Material, VideoLesson]:
    material = db.session.get(Material, material_id)
    if material is None or material.deleted_at is not None or material.content_type != "video":
        abort(404)
    if not can_edit(current_user, material):
        abort(403)
    lesson = lesson_for(material, latest=True)
    if lesson is None:
        abort(404)
    return material, lesson


def _draft_lesson(material: Material, lesson: VideoLesson) -> VideoLesson:
    """The lesson to change: this one while its version is a draft, else a new draft version."""
    if lesson.version.status in EDITABLE_STATUSES:
        return lesson
    number = max(v.number for v in material.versions) + 1
    old = lesson.version
    version = MaterialVersion(
        material=material, number=number, content_type=old.content_type,
        source_filename=old.source_filename, source_digest=old.source_digest,
        inspection=dict(old.inspection or {}), extracted_text=old.extracted_text,
        created_by_id=current_user.id, status=MaterialStatus.DRAFT.value,
        change_note=_("Sửa câu hỏi của video tương tác"))
    copy = VideoLesson(version=version, **{
        key: getattr(lesson, key) for key in (
            "source_kind", "original_digest", "original_filename", "playable_digest",
            "playable_mime", "external_url", "duration_seconds", "media_info", "captions",
            "poster_digest", "settings", "questions", "chapters", "assets")})
    db.session.add_all([version, copy])
    material.status = version.status  # a material's status follows its newest version
    db.session.flush()
    return copy


def _document(lesson: VideoLesson) -> dict:
    return {"settings": dict(lesson_model.DEFAULT_SETTINGS, **(lesson.settings or {})),
            "questions": lesson.questions or [], "chapters": lesson.chapters or []}


@bp.route("/<int:material_id>/edit")
@login_required
def edit(material_id: int):
    material, lesson = _editable_material(material_id)
    from .player import _video_url

    return render_template(
        "video/editor.html", material=material, lesson=lesson, document=_document(lesson),
        video_url=_video_url(material, lesson) if lesson.playable else None,
        types=type_labels(), editable=lesson.version.status in EDITABLE_STATUSES,
        assets=sorted((lesson.assets or {}).keys()),
        job_label=job_label)


@bp.route("/<int:material_id>/edit", methods=["POST"])
@login_required
def save(material_id: int):
    """Save the editor's document (JSON); 422 with every error found."""
    material, lesson = _editable_material(material_id)
    data = request.get_json(silent=True)
    try:
        document = lesson_model.validate_document(data, lesson.duration_seconds, lesson.assets)
    except lesson_model.LessonInvalid as invalid:
        return jsonify(ok=False, errors=invalid.errors,
                       message=_("Chưa lưu: có %(n)s lỗi cần sửa.", n=len(invalid.errors))), 422
    lesson = _draft_lesson(material, lesson)
    lesson.settings = document["settings"]
    lesson.questions = document["questions"]
    lesson.chapters = document["chapters"]
    lesson.version.extracted_text = lesson_text(lesson)
    audit("video.edited", actor=current_user._get_current_object(), target=material,
          questions=len(document["questions"]), version=lesson.version.number)
    db.session.commit()
    return jsonify(ok=True, message=_("Đã lưu."), document=_document(lesson),
                   version=lesson.version.number)


@bp.route("/<int:material_id>/captions", methods=["POST"])
@login_required
def add_captions(material_id: int):
    material, lesson = _editable_material(material_id)
    upload = request.files.get("captions")
    label = lesson_model.plain_text(request.form.get("label"))[:80] or _("Tiếng Việt")
    lang = lesson_model.plain_text(request.form.get("lang"))[:10] or "vi"
    if upload is None or not (upload.filename or "").lower().endswith((".vtt", ".srt")):
        flash(_("Hãy chọn tệp phụ đề .vtt hoặc .srt."), "error")
        return redirect(url_for(".edit", material_id=material.id))
    try:
        vtt = captions.to_webvtt(upload.stream.read(captions.MAX_CAPTION_BYTES + 1))
    except captions.CaptionError as error:
        flash(error.message, "error")
        return redirect(url_for(".edit", material_id=material.id))
    lesson = _draft_lesson(material, lesson)
    digest = get_store().put_bytes(vtt).digest
    lesson.captions = [*(c for c in lesson.captions or [] if c["lang"] != lang),
                       {"digest": digest, "label": label, "lang": lang}]
    db.session.commit()
    flash(_("Đã thêm phụ đề “%(label)s”.", label=label), "success")
    return redirect(url_for(".edit", material_id=material.id))


@bp.route("/<int:material_id>/captions/<lang>/delete", methods=["POST"])
@login_required
def delete_captions(material_id: int, lang: str):
    material, lesson = _editable_material(material_id)
    lesson = _draft_lesson(material, lesson)
    lesson.captions = [c for c in lesson.captions or [] if c["lang"] != lang]
    db.session.commit()
    flash(_("Đã xoá phụ đề."), "success")
    return redirect(url_for(".edit", material_id=material.id))


@bp.route("/<int:material_id>/poster", methods=["POST"])
@login_required
def set_poster(material_id: int):
    material, lesson = _editable_material(material_id)
    upload = request.files.get("poster")
    data = upload.stream.read(MAX_POSTER_BYTES + 1) if upload is not None else b""
    mime = next((m for magic, m in _POSTER_MAGIC.items() if data.startswith(magic)), None)
    if mime is None or len(data) > MAX_POSTER_BYTES:
        flash(_("Ảnh bìa phải là tệp JPEG hoặc PNG, tối đa 5 MB."), "error")
        return redirect(url_for(".edit", material_id=material.id))
    lesson = _draft_lesson(material, lesson)
    lesson.poster_digest = get_store().put_bytes(data).digest
    lesson.media_info = dict(lesson.media_info or {}, poster_mime=mime)
    db.session.commit()
    flash(_("Đã đặt ảnh bìa."), "success")
    return redirect(url_for(".edit", material_id=material.id))


@bp.route("/<int:material_id>/jobs")
@login_required
def job_status(material_id: int):
    """The processing state (polled by htmx while a job is queued or running)."""
    material, lesson = _editable_material(material_id)
    return render_template("video/_jobs.html", material=material, lesson=lesson,
                           job_label=job_label)


@bp.route("/<int:material_id>/jobs/<int:job_id>/retry", methods=["POST"])
@login_required
def retry_job(material_id: int, job_id: int):
    material, lesson = _editable_material(material_id)
    job = db.session.get(VideoJob, job_id)
    if job is None or job.lesson_id != lesson.id:
        abort(404)
    jobs.retry(job)
    flash(_("Đã xếp lại việc xử lý video."), "success")
    return redirect(url_for(".edit", material_id=material.id))
