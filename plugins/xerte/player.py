"""The launch page of a standalone Xerte lesson: the lesson in a sandboxed frame on the content
origin, and a small script that records pages reached and time spent (static/player.js).

SCORM-wrapped exports never come here: they play in the SCORM plugin's player.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.extensions import db
from lms.models import MaterialVersion
from lms.permissions import material_or_abort, version_to_play

from .content_origin import lesson_grant, shim_url
from .content_type import lesson_for
from .export import SCORM_KINDS
from .runtime import attempt_token, open_attempt

bp = Blueprint("xerte", __name__, url_prefix="/xerte", template_folder="templates",
               static_folder="static")
#: how often the page reports time spent even when the learner stays on one page, seconds
HEARTBEAT_SECONDS = 60


@bp.route("/play/<int:material_id>")
@login_required
def play(material_id: int):
    """Play the live version, or with `?version=<id>` a version under approval (a preview for
    those `version_to_play` allows)."""
    material = material_or_abort(material_id)
    requested = request.args.get("version", type=int)
    version = None
    if requested is not None:
        version = db.session.get(MaterialVersion, requested)
        if version is None or version.material_id != material.id:
            abort(404)
    version = version_to_play(current_user, material, version)
    if version is None:
        abort(403)
    lesson = lesson_for(material, version)
    if lesson is None:
        abort(404)
    if lesson.export_kind in SCORM_KINDS:
        extra = {"version": requested} if requested is not None else {}
        return redirect(url_for("scorm.play", material_id=material.id, **extra))
    grant = lesson_grant(lesson.id, current_user.id)
    config = None
    if grant is not None and lesson.launch_file:
        attempt, session = open_attempt(material, current_user, lesson)
        config = {
            "contentOrigin": grant.content_origin,
            "shim": shim_url(grant, lesson.launch_file),
            "commit": url_for("xerte_runtime.commit", attempt_id=attempt.id,
                              token=attempt_token(attempt)) + f"?session={session}",
            "session": session,
            "pages": lesson.page_count,
            "heartbeatSeconds": HEARTBEAT_SECONDS,
            "messages": {
                "page": _("Trang %(page)s / %(pages)s", page="{page}", pages="{pages}"),
                "completed": _("Đã hoàn thành bài học."),
                "expired": _("Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại trong thẻ khác; "
                             "tiến độ chưa gửi sẽ được gửi lại."),
                "failed": _("Chưa lưu được tiến độ lên máy chủ; hệ thống sẽ thử lại."),
            },
        }
    return render_template("xerte/player.html", material=material, lesson=lesson,
                           grant=grant, config=config)
