"""The launch page: table of contents, previous/next, and the sandboxed content frame.

The LMS page runs the real scorm-again API (`Scorm12API` / `Scorm2004API`) with a
`CrossFrameLMS` that accepts messages only from the content origin; the frame shows the shim
page of `content_origin`, whose `CrossFrameAPI` objects the SCO finds as `API` /
`API_1484_11`. The page script is `static/player.js`.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.extensions import db
from lms.models import MaterialVersion
from lms.permissions import material_or_abort, version_to_play

from .content_origin import grant_for, shim_url
from .models import ScormPackage, ScormScoState
from .runtime import open_attempt, package_of_version, runtime_urls

bp = Blueprint("scorm", __name__, url_prefix="/scorm", template_folder="templates",
               static_folder="static")


def control_mode(package: ScormPackage) -> dict[str, bool]:
    """The default organization's sequencing control mode: choice (a clickable table of
    contents) and flow (previous/next). SCORM 1.2 has no sequencing: both allowed."""
    if package.scorm_version == "1.2":
        return {"choice": True, "flow": True}
    manifest = package.manifest or {}
    org = next((o for o in manifest.get("organizations", [])
                if o.get("identifier") == package.default_org), None)
    mode = ((org or {}).get("sequencing") or {}).get("control_mode") or {}
    return {"choice": bool(mode.get("choice", True)), "flow": bool(mode.get("flow", False))}


@bp.route("/play/<int:material_id>")
@login_required
def play(material_id: int):
    """Play the live version, or with `?version=<id>` a version under approval (a preview for
    those `version_to_play` allows); the attempt stays tied to the version it plays."""
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
    package = package_of_version(version.id)
    if package is None:
        abort(404)
    launch = open_attempt(material, current_user, package, pinned=requested is not None)
    attempt = launch.attempt
    if (attempt.details or {}).get("mode") != launch.mode:
        attempt.details = {**(attempt.details or {}), "mode": launch.mode}
        db.session.commit()
    grant = grant_for(launch.package.id, current_user.id)
    items = []
    for sco in launch.package.scos:
        entry = {"id": sco.id, "title": sco.title or sco.identifier, "depth": sco.depth,
                 "launchable": sco.is_launchable and sco.isvisible}
        if entry["launchable"] and grant is not None:
            entry.update(shim=shim_url(grant, sco.launch_href), **runtime_urls(attempt, sco))
        items.append(entry)
    modes = control_mode(launch.package)
    launchable = [item for item in items if item["launchable"]]
    plugin_settings = _settings()
    config = {
        "version": launch.package.scorm_version,
        "contentOrigin": grant.content_origin if grant else None,
        "items": items,
        "choice": modes["choice"],
        "flow": modes["flow"] or modes["choice"],
        "autocommitSeconds": plugin_settings["autocommit_seconds"],
        "keepaliveSeconds": plugin_settings["keepalive_seconds"],
        "keepaliveUrl": url_for("scorm_runtime.keepalive"),
        "attempt": attempt.id,
        "start": start_index(attempt, [item["id"] for item in launchable]),
        "messages": {
            "offline": _("Mất kết nối mạng. Tiến độ được giữ trên máy và sẽ gửi lại khi có mạng."),
            "expired": _("Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại trong thẻ khác rồi "
                         "quay lại; tiến độ chưa gửi vẫn được giữ."),
            "failed": _("Chưa lưu được tiến độ lên máy chủ; hệ thống sẽ thử lại."),
            "saved": _("Đã lưu tiến độ."),
        },
    }
    return render_template("scorm/player.html", material=material, attempt=attempt,
                           mode=launch.mode, items=items, config=config, grant=grant,
                           scorm_version=launch.package.scorm_version)


def start_index(attempt, sco_ids: list[int]) -> int:
    """Where a returning learner picks up: the SCO used last, unless it is completed, in which
    case the first SCO not yet completed."""
    states = {row.sco_id: row for row in db.session.scalars(
        select(ScormScoState).where(ScormScoState.attempt_id == attempt.id))}
    if not states or not sco_ids:
        return 0
    latest = max(states.values(), key=lambda row: row.updated_at)
    if latest.sco_id in sco_ids and latest.completion != "completed":
        return sco_ids.index(latest.sco_id)
    for index, sco_id in enumerate(sco_ids):
        if sco_id not in states or states[sco_id].completion != "completed":
            return index
    return 0


def _settings() -> dict:
    from lms.plugins import registry

    return registry().plugins["scorm"].settings
