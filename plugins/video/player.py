"""Playing an interactive video on the LMS page, and serving its media.

The video, captions, poster and card images are served from the LMS origin by `serve_blob`
(Range/206/416, ETag, MIME) after the same permission check as the lesson page. This is safe
where a SCORM package is not: these are media a `<video>`/`<track>`/`<img>` element reads, never
documents that run scripts; each is served under a MIME type we choose from what we verified
(video/mp4, video/webm, text/vtt, raster images only), with nosniff and a sandboxing CSP. Keeping
them same-origin lets the login cookie authorise every Range request an iPhone makes, which
signed content-origin URLs would have to re-authorise for every byte range.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from content_store.serving import serve_blob
from lms.extensions import db
from lms.models import Material, MaterialVersion
from lms.permissions import can_view_version, material_or_abort, version_to_play
from lms.storage import get_store

from . import lesson_model
from .models import VideoLesson
from .tracking import attempt_token, latest_answers, open_attempt

bp = Blueprint("video", __name__, url_prefix="/video", template_folder="templates",
               static_folder="static")
#: how often the player reports progress while playing, seconds
REPORT_SECONDS = 15
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".webp": "image/webp"}


def visible_material(material_id: int) -> Material:
    material = material_or_abort(material_id)
    if material.content_type != "video":
        abort(404)
    return material


def lesson_of_version(version_id: int) -> VideoLesson | None:
    return db.session.scalar(select(VideoLesson).where(VideoLesson.version_id == version_id))


def _may_preview_latest(material: Material) -> bool:
    from .editor import can_edit

    return can_edit(current_user, material)


@bp.route("/<int:material_id>/play")
@login_required
def play(material_id: int):
    """Play the live version, or with `?version=<id>` a version under approval (a preview for
    those `version_to_play` allows); the attempt is tied to the version it plays."""
    material = visible_material(material_id)
    requested = request.args.get("version", type=int)
    version = None
    if requested is not None:
        version = db.session.get(MaterialVersion, requested)
        if version is None or version.material_id != material.id:
            abort(404)
    version = version_to_play(current_user, material, version)
    if version is None:
        abort(403)
    lesson = lesson_of_version(version.id)
    if lesson is None:
        abort(404)
    if not lesson.playable:
        return render_template("video/waiting.html", material=material, lesson=lesson,
                               can_edit=_may_preview_latest(material))
    attempt, session = open_attempt(material, current_user, lesson)
    answers = latest_answers(attempt)
    seed = f"{attempt.id}"
    token = attempt_token(attempt)
    details = attempt.details or {}
    config = {
        "src": _video_url(material, lesson),
        "mime": lesson.playable_mime,
        "external": lesson.source_kind == "external",
        "youtube": "youtu" in (lesson.external_url or ""),
        "duration": lesson.duration_seconds,
        "settings": dict(lesson_model.DEFAULT_SETTINGS, **(lesson.settings or {})),
        "questions": [
            dict(lesson_model.public_question(q, seed),
                 image_url=url_for("video.media", material_id=material.id, lesson_id=lesson.id,
                                   digest=lesson.assets[q["image"]], kind="image",
                                   name=q["image"].rsplit("/", 1)[-1]) if q.get("image") else None)
            for q in lesson.questions or []],
        "chapters": lesson.chapters or [],
        "answered": {qid: {"correct": a.correct, "points": a.points, "max_points": a.max_points}
                     for qid, a in answers.items()},
        "nextSeq": _max_seq(attempt) + 1,
        "position": details.get("position", 0.0),
        "watched": details.get("watched", []),
        "session": session,
        "attempt": attempt.id,
        "progressUrl": url_for("video_tracking.progress", attempt_id=attempt.id, token=token),
        "answerUrl": url_for("video_tracking.answer", attempt_id=attempt.id, token=token),
        "reportSeconds": REPORT_SECONDS,
        "state": {"completion": attempt.completion, "success": attempt.success,
                  "score_scaled": attempt.score_scaled},
        "messages": _messages(),
    }
    tracks = [{"src": url_for("video.media", material_id=material.id, lesson_id=lesson.id,
                              digest=c["digest"], kind="captions", name=f"{n}.vtt"),
               "label": c["label"], "lang": c["lang"]}
              for n, c in enumerate(lesson.captions or [])]
    poster = (url_for("video.media", material_id=material.id, lesson_id=lesson.id,
                      digest=lesson.poster_digest, kind="poster", name="poster")
              if lesson.poster_digest else None)
    return render_template("video/player.html", material=material, lesson=lesson,
                           config=config, tracks=tracks, poster=poster)


def _max_seq(attempt) -> int:
    from sqlalchemy import func, select

    from .models import VideoAnswer

    return db.session.scalar(select(func.max(VideoAnswer.seq)).where(
        VideoAnswer.attempt_id == attempt.id)) or 0


def _video_url(material: Material, lesson: VideoLesson) -> str:
    if lesson.source_kind == "external":
        return lesson.external_url
    extension = "webm" if lesson.playable_mime == "video/webm" else "mp4"
    return url_for("video.media", material_id=material.id, lesson_id=lesson.id,
                   digest=lesson.playable_digest, kind="video", name=f"video.{extension}")


def _messages() -> dict:
    return {
        "check": _("Trả lời"), "continue": _("Xem tiếp"), "correct": _("Đúng rồi!"),
        "wrong": _("Chưa đúng."), "pending": _("Đã gửi; giáo viên sẽ chấm câu này."),
        "back": _("Hãy xem lại đoạn video trước rồi trả lời lại."),
        "mustAnswer": _("Cần trả lời đúng câu hỏi này để xem tiếp."),
        "noSkip": _("Bài này không cho tua qua đoạn chưa xem."),
        "offline": _("Mất kết nối: câu trả lời được giữ trên máy và sẽ tự gửi lại."),
        "saved": _("Đã lưu."), "completed": _("Đã hoàn thành bài học."),
        "true": _("Đúng"), "false": _("Sai"), "answerPlaceholder": _("Nhập câu trả lời"),
        "score": _("Điểm: %(score)s", score="{score}"),
        "youtube": _("Video nằm trên YouTube: mở liên kết để xem (cần Internet)."),
        "expired": _("Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại trong thẻ khác; câu trả "
                     "lời chưa gửi vẫn được giữ."),
        "chooseOne": _("Hãy chọn một phương án."),
    }


@bp.route("/<int:material_id>/media/<int:lesson_id>/<kind>/<digest>/<name>")
@login_required
def media(material_id: int, lesson_id: int, kind: str, digest: str, name: str):
    """A lesson's video, captions, poster or card image, with Range support for phones."""
    material = visible_material(material_id)
    lesson = db.session.get(VideoLesson, lesson_id)
    if lesson is None or lesson.version.material_id != material.id:
        abort(404)
    if not can_view_version(current_user, material, lesson.version):
        abort(403)  # versions under review are for their authors and reviewers only
    if kind == "video" and digest in (lesson.playable_digest, lesson.original_digest):
        mimetype = lesson.playable_mime if digest == lesson.playable_digest else None
        response = serve_blob(get_store(), digest, filename=lesson.original_filename or name,
                              mimetype=mimetype or "application/octet-stream")
    elif kind == "captions" and digest in {c["digest"] for c in lesson.captions or []}:
        response = serve_blob(get_store(), digest, filename=name, mimetype="text/vtt")
    elif kind == "poster" and digest == lesson.poster_digest:
        response = serve_blob(get_store(), digest, filename=name,
                              mimetype=(lesson.media_info or {}).get("poster_mime", "image/jpeg"))
    elif kind == "image" and digest in (lesson.assets or {}).values():
        mimetype = _IMAGE_TYPES.get("." + name.rsplit(".", 1)[-1].lower())
        if mimetype is None:
            abort(404)
        response = serve_blob(get_store(), digest, filename=name, mimetype=mimetype)
    else:
        abort(404)
    # only for this user: the bytes never change under a digest, but permission may
    if response.status_code in (200, 206, 304):
        response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
