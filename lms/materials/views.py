"""Routes: the permanent link, a material's page, and upload → report → confirm for teachers."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..errors import render_error
from ..extensions import db
from ..models import Department
from ..packages import PackageError
from ..packages.importer import describe_problem, import_package_file, inspect_package_file
from ..packages.upload import (
    PendingUpload,
    find_pending,
    format_size,
    keep_pending,
    max_upload_size,
    save_upload,
    too_large_message,
)
from ..permissions import material_or_abort, roles_required, version_to_play
from ..plugins import registry
from . import UPLOADER_ROLES, permanent_link
from .results import can_see_results

bp = Blueprint("materials", __name__)

#: room for the multipart envelope around the file in a form post
FORM_OVERHEAD = 64 * 1024


def _status_labels() -> dict[str, str]:
    return {
        "draft": _("Bản nháp"), "submitted": _("Chờ tổ thông qua"),
        "passed": _("Tổ đã thông qua"), "approved": _("Đã phê duyệt"),
        "returned": _("Bị trả lại"),
    }


@bp.route("/m/<int:id>")
@login_required
def permalink(id: int):
    """The permanent link: plays the material's live version with its content type."""
    material = material_or_abort(id)
    try:
        content_type = registry().content_types.get(material.content_type)
    except KeyError:
        abort(404)
    return content_type.launch(material, current_user)


@bp.route("/materials/<int:id>")
@login_required
def detail(id: int):
    material = material_or_abort(id)
    version = version_to_play(current_user, material)
    try:
        type_name = registry().content_types.get(material.content_type).name
    except KeyError:
        type_name = material.content_type
    return render_template("materials/detail.html", material=material, version=version,
                           type_name=type_name, status_label=_status_labels().get(material.status,
                                                                                  material.status),
                           link=permanent_link(material),
                           can_see_results=can_see_results(current_user, material))


# Upload -------------------------------------------------------------------------------------
def _departments_for(user) -> list[Department]:
    """Where `user` may put a material: the board anywhere, a teacher their own department."""
    if user.is_board:
        return list(db.session.scalars(select(Department).order_by(Department.name)))
    return [user.department] if user.department is not None else []


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _upload_page(error: PackageError | None = None, status: int = 200):
    departments = _departments_for(current_user)
    if error is not None and _wants_json():
        return jsonify(ok=False, code=error.code, message=error.message, file=error.file,
                       details=error.details), status
    accepted = sorted({ext for t in registry().content_types for ext in t.extensions})
    return render_template(
        "materials/upload.html", departments=departments, error=error,
        accept=",".join(accepted), max_size=max_upload_size(), max_size_label=format_size(
            max_upload_size()), types=list(registry().content_types),
        selected=(current_user.department.id if current_user.department else None),
    ), status


@bp.route("/materials/upload", methods=["GET", "POST"])
@roles_required(*UPLOADER_ROLES)
def upload():
    """Receive a package (a form post, or the raw file from upload.js) and report on it."""
    if request.method == "GET":
        return _upload_page()
    limit = max_upload_size()
    if (request.content_length or 0) > limit + FORM_OVERHEAD:
        return render_error(413, too_large_message(limit))
    departments = {d.id: d for d in _departments_for(current_user)}
    if not departments:
        return _upload_page(PackageError(
            _("Tài khoản của bạn chưa thuộc tổ bộ môn nào; hãy nhờ Tổ CNTT xếp tổ trước khi tải "
              "lên học liệu."), "no_department"), 400)
    department_id = request.values.get("department_id", type=int)
    if department_id is None and len(departments) == 1:
        department_id = next(iter(departments))
    if department_id not in departments:
        return _upload_page(PackageError(_("Hãy chọn tổ bộ môn cho học liệu."), "department"), 400)

    if request.mimetype == "application/octet-stream":  # upload.js sends the bare file
        from urllib.parse import unquote

        filename = unquote(request.headers.get("X-Upload-Filename", "")).strip()
        request.max_content_length = limit + FORM_OVERHEAD
        source = request.stream
    else:
        source = request.files.get("package")
        filename = (source.filename or "").strip() if source is not None else ""
    if source is None or not filename:
        return _upload_page(PackageError(_("Hãy chọn tệp gói học liệu để tải lên."), "no_file"),
                            400)
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1][:300]
    try:
        saved = save_upload(source, max_size=limit)
    except PackageError as error:
        if error.code == "upload_too_large":
            return render_error(413, error.message)
        return _upload_page(error, 400)
    try:
        content_type, inspection = inspect_package_file(saved, filename=filename)
    except PackageError as error:
        saved.unlink(missing_ok=True)
        return _upload_page(error, 422)
    except BaseException:
        saved.unlink(missing_ok=True)
        raise
    pending = keep_pending(saved, filename=filename, user_id=current_user.id,
                           department_id=department_id,
                           report=_report(content_type, inspection))
    if not inspection.ok:  # nothing to confirm: keep the report, drop the file
        pending.path.unlink(missing_ok=True)
    report_url = url_for("materials.upload_report", token=pending.token)
    if _wants_json():
        return jsonify(ok=True, report_url=report_url)
    return redirect(report_url, code=303)


def _report(content_type, inspection) -> dict:
    """What the report page shows, kept as JSON beside the pending upload."""
    return {
        "content_type": content_type.id,
        "type_name": str(content_type.name),
        "title": inspection.title,
        "version": inspection.version,
        "launch_points": list(inspection.launch_points),
        "ok": inspection.ok,
        "problems": [{"message": p.message, "fatal": p.fatal, "file": p.file, "line": p.line,
                      "text": describe_problem(p)} for p in inspection.problems],
        # a content type's own lists (e.g. a Xerte lesson's pages): [{"title", "items"}]
        "report_sections": inspection.details.get("report_sections", []),
    }


def _pending_or_404(token: str) -> PendingUpload:
    pending = find_pending(token, current_user.id)
    if pending is None:
        abort(404)
    return pending


@bp.route("/materials/upload/<token>")
@roles_required(*UPLOADER_ROLES)
def upload_report(token: str):
    pending = _pending_or_404(token)
    department = db.session.get(Department, pending.department_id)
    return render_template("materials/report.html", pending=pending, report=pending.report,
                           department=department)


@bp.route("/materials/upload/<token>", methods=["POST"])
@roles_required(*UPLOADER_ROLES)
def confirm_upload(token: str):
    """“Nhập vào thư viện”: import the reported package as a draft material."""
    pending = _pending_or_404(token)
    department = db.session.get(Department, pending.department_id)
    if department is None or department.id not in {d.id for d in _departments_for(current_user)}:
        abort(403)
    if not pending.path.is_file():
        pending.discard()
        flash(_("Gói này có lỗi nên không thể nhập; hãy sửa rồi tải lên lại."), "error")
        return redirect(url_for("materials.upload"))
    try:
        user = current_user._get_current_object()  # a real User for relationships, not the proxy
        material = import_package_file(pending.path, filename=pending.filename,
                                       department=department, author=user, actor=user)
    except PackageError as error:
        return _upload_page(error, 422)
    finally:
        pending.discard()
    flash(_("Đã nhập “%(title)s” vào thư viện của %(department)s (bản nháp).",
            title=material.title, department=department.name), "success")
    return redirect(url_for("materials.detail", id=material.id), code=303)


@bp.route("/materials/upload/<token>/discard", methods=["POST"])
@roles_required(*UPLOADER_ROLES)
def discard_upload(token: str):
    _pending_or_404(token).discard()
    flash(_("Đã hủy tệp tải lên."), "success")
    return redirect(url_for("materials.upload"))
