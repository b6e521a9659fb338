"""Routes of the library: browse, the approval steps, metadata, versions, files.

The inbox of notifications belongs to the notifications plugin (/notifications).
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms import signals
from lms.errors import render_error
from lms.extensions import db
from lms.materials import UPLOADER_ROLES
from lms.models import (
    Department,
    GradeLevel,
    Material,
    MaterialAuthor,
    MaterialVersion,
    Role,
    SchoolYear,
    Subject,
    User,
    UserRole,
    audit,
)
from lms.models.base import utcnow
from lms.packages import PackageError, SafeArchive
from lms.packages.importer import archive_limits, detect_content_type, import_archive
from lms.packages.upload import (
    find_pending,
    format_size,
    keep_pending,
    max_upload_size,
    save_upload,
    too_large_message,
)
from lms.permissions import (
    authored_by,
    can_view_version,
    material_or_abort,
    material_visibility,
    roles_required,
    sees_pending_work,
    version_to_play,
)
from lms.plugins import registry
from lms.storage import get_store

from . import approval
from .file_type import ACCEPTED, FileContentType, SingleFileArchive, preview_kind
from .forms import BrowseForm, MetadataForm, ReturnForm
from .versions import restore_version

bp = Blueprint("library", __name__, template_folder="templates")

TEACHING_ROLES = (Role.TEACHER.value, Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value)


def _type_names() -> dict[str, str]:
    return {t.id: str(t.name) for t in registry().content_types}


# Browse ----------------------------------------------------------------------------------------
def _browse(department: Department | None):
    form = BrowseForm()
    departments = list(db.session.scalars(select(Department).order_by(Department.name)))
    subjects = list(db.session.scalars(select(Subject).order_by(Subject.name)))
    if department is not None:
        subjects = [s for s in subjects if s.department_id == department.id]
    authors = list(db.session.scalars(
        select(User).where(User.id.in_(select(Material.author_id).where(
            material_visibility(current_user)))).order_by(User.sort_key)))
    form.fill_choices(
        departments=departments, subjects=subjects,
        grades=list(db.session.scalars(select(GradeLevel).order_by(GradeLevel.number))),
        types=list(registry().content_types), statuses=_status_choices(),
        authors=authors,
        years=list(db.session.scalars(select(SchoolYear).order_by(SchoolYear.start_date.desc()))))
    filters = form.active_filters()
    query = (select(Material).where(material_visibility(current_user))
             .options(selectinload(Material.author), selectinload(Material.department),
                      selectinload(Material.subject), selectinload(Material.grade_level))
             .order_by(Material.created_at.desc(), Material.id.desc()))
    if department is not None:
        query = query.where(Material.department_id == department.id)
        filters.pop("department", None)
    elif filters.get("department"):
        query = query.where(Material.department_id == filters["department"])
    if filters.get("subject"):
        query = query.where(Material.subject_id == filters["subject"])
    if filters.get("grade"):
        query = query.where(Material.grade_level_id == filters["grade"])
    if filters.get("type"):
        query = query.where(Material.content_type == filters["type"])
    if filters.get("status"):
        query = query.where(Material.status == filters["status"])
    if filters.get("author"):
        query = query.where(authored_by(filters["author"]))
    if filters.get("year"):
        query = query.where(Material.school_year_id == filters["year"])
    page = db.paginate(query, per_page=current_app.config["LMS_PAGE_SIZE"], error_out=False)
    return render_template(
        "library/browse.html", form=form, page=page, filters=filters, department=department,
        type_names=_type_names(), status_labels=_status_choices(),
        endpoint="library.department" if department else "library.index",
        endpoint_values={"code": department.code} if department else {},
        link_values={**filters, **({"code": department.code} if department else {})},
        departments=departments)


def _status_choices() -> dict[str, str]:
    return {s: approval.status_label(s) for s in (approval.DRAFT, approval.SUBMITTED,
                                                   approval.PASSED, approval.APPROVED,
                                                   approval.RETURNED)}


@bp.route("/library")
@login_required
def index():
    """The school-wide library."""
    return _browse(None)


@bp.route("/library/<code>")
@login_required
def department(code: str):
    """One department's library (kho học liệu của tổ)."""
    found = db.session.scalar(select(Department).where(Department.code == code))
    if found is None:
        abort(404)
    return _browse(found)


@bp.route("/library/waiting")
@roles_required(Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.PRINCIPAL, Role.VICE_PRINCIPAL)
def waiting():
    """“Chờ tôi duyệt”: what waits for this user's step."""
    materials = list(db.session.scalars(
        select(Material).where(approval.waiting_condition(current_user))
        .options(selectinload(Material.author), selectinload(Material.department))
        .order_by(Material.updated_at)))
    return render_template("library/waiting.html", materials=materials,
                           type_names=_type_names(), status_labels=_status_choices())


# Approval steps --------------------------------------------------------------------------------
@bp.route("/library/materials/<int:id>/<any(submit, pass, approve, return, withdraw):action>",
          methods=["POST"])
@login_required
def act(id: int, action: str):
    material = material_or_abort(id)
    comment = request.form.get("comment", "")
    if action == "return":
        form = ReturnForm()
        if not form.validate_on_submit():
            for message in form.reason.errors:
                flash(message, "error")
            return redirect(url_for("materials.detail", id=id))
        comment = form.reason.data
    try:
        approval.perform(material, action, current_user._get_current_object(), comment)
    except approval.ApprovalError as error:
        if error.forbidden:
            return render_error(403, error.message)
        flash(error.message, "error")
        return redirect(url_for("materials.detail", id=id))
    flash(_("Đã %(action)s “%(title)s”.", action=approval.action_label(action).lower(),
            title=material.title), "success")
    return redirect(url_for("materials.detail", id=id), code=303)


@bp.route("/library/materials/<int:id>/delete", methods=["POST"])
@login_required
def delete(id: int):
    """Soft delete: the author while never approved, or the board at any time."""
    material = material_or_abort(id)
    is_author = current_user.id in approval.author_ids(material)
    if not (current_user.is_board or (is_author and material.approved_at is None)):
        abort(403)
    material.deleted_at = utcnow()
    audit("material.deleted", actor=current_user, target=material, title=material.title)
    db.session.commit()
    signals.material_deleted.send(current_app._get_current_object(), material_id=material.id,
                                  actor=current_user._get_current_object())
    flash(_("Đã xóa “%(title)s” khỏi thư viện.", title=material.title), "success")
    return redirect(url_for("library.department", code=material.department.code), code=303)


# Metadata --------------------------------------------------------------------------------------
def _may_edit(material: Material) -> bool:
    return current_user.is_board or current_user.id in approval.author_ids(material)


def _teachers() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.id.in_(
            select(UserRole.user_id).where(UserRole.role.in_(TEACHING_ROLES))))
        .order_by(User.sort_key)))


@bp.route("/library/materials/<int:id>/edit", methods=["GET", "POST"])
@login_required
def edit(id: int):
    material = material_or_abort(id)
    if not _may_edit(material):
        abort(403)
    form = MetadataForm(obj=None if request.method == "POST" else material)
    departments = (list(db.session.scalars(select(Department).order_by(Department.name)))
                   if current_user.is_board else [material.department])
    form.fill_choices(
        teachers=_teachers(), departments=departments,
        subjects=list(db.session.scalars(select(Subject).options(selectinload(
            Subject.department)).order_by(Subject.name))),
        grades=list(db.session.scalars(select(GradeLevel).order_by(GradeLevel.number))),
        years=list(db.session.scalars(select(SchoolYear).order_by(SchoolYear.start_date.desc()))))
    if request.method == "GET":
        form.authors.data = [material.author_id, *(a.user_id for a in material.co_authors)]
        form.department.data = material.department_id
        form.subject.data = material.subject_id or 0
        form.grade_level.data = material.grade_level_id or 0
        form.school_year.data = material.school_year_id or 0
    if form.validate_on_submit():
        _save_metadata(material, form)
        flash(_("Đã lưu thông tin học liệu."), "success")
        return redirect(url_for("materials.detail", id=id), code=303)
    return render_template("library/edit.html", form=form, material=material), (
        400 if request.method == "POST" else 200)


def _save_metadata(material: Material, form: MetadataForm) -> None:
    material.title = form.title.data.strip()
    material.department_id = form.department.data
    material.subject_id = form.subject.data or None
    material.grade_level_id = form.grade_level.data or None
    material.school_year_id = form.school_year.data or None
    for name in ("lesson", "topic", "description", "keywords", "notes"):
        setattr(material, name, (getattr(form, name).data or "").strip())
    chosen = list(dict.fromkeys(form.authors.data))
    if material.author_id in chosen:
        chosen.remove(material.author_id)
    else:
        material.author_id = chosen.pop(0)
    material.co_authors = [MaterialAuthor(user_id=user_id, position=position)
                           for position, user_id in enumerate(chosen)]
    audit("material.metadata_changed", actor=current_user, target=material)
    db.session.commit()
    signals.material_updated.send(current_app._get_current_object(), material=material,
                                  actor=current_user._get_current_object())


# New versions ----------------------------------------------------------------------------------
def _author_only(material: Material) -> None:
    if current_user.id not in approval.author_ids(material):
        abort(403)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _received_file():
    """(source, filename) from a form post or the bare body sent by upload.js."""
    if request.mimetype == "application/octet-stream":
        from urllib.parse import unquote

        return request.stream, unquote(request.headers.get("X-Upload-Filename", "")).strip()
    source = request.files.get("package")
    return source, ((source.filename or "").strip() if source is not None else "")


def _refuse(template: str, error: PackageError, status: int, **context):
    if _wants_json():
        return jsonify(ok=False, code=error.code, message=error.message,
                       details=getattr(error, "details", None)), status
    return render_template(template, error=error, max_size=max_upload_size(),
                           max_size_label=format_size(max_upload_size()), **context), status


@bp.route("/library/materials/<int:id>/new-version", methods=["GET", "POST"])
@login_required
def new_version(id: int):
    """“Cập nhật phiên bản mới”: upload (with the progress bar), then a report to confirm."""
    material = material_or_abort(id)
    _author_only(material)
    context = {"material": material}
    if request.method == "GET":
        return render_template("library/new_version.html", error=None,
                               max_size=max_upload_size(),
                               max_size_label=format_size(max_upload_size()), **context)
    limit = max_upload_size()
    if (request.content_length or 0) > limit + 64 * 1024:
        return render_error(413, too_large_message(limit))
    source, filename = _received_file()
    if source is None or not filename:
        return _refuse("library/new_version.html",
                       PackageError(_("Hãy chọn tệp gói học liệu để tải lên."), "no_file"), 400,
                       **context)
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1][:300]
    try:
        saved = save_upload(source, max_size=limit)
    except PackageError as error:
        return _refuse("library/new_version.html", error, 400, **context)
    try:
        with _open_upload(saved, filename, material) as archive:
            content_type = detect_content_type(archive)
            inspection = content_type.inspect(archive)
    except PackageError as error:
        saved.unlink(missing_ok=True)
        return _refuse("library/new_version.html", error, 422, **context)
    from lms.packages.importer import describe_problem

    report = {"material_id": material.id, "content_type": content_type.id,
              "type_name": str(content_type.name), "title": inspection.title,
              "version": inspection.version, "launch_points": list(inspection.launch_points),
              "ok": inspection.ok and content_type.id == material.content_type,
              "problems": [{"message": p.message, "fatal": p.fatal, "file": p.file,
                            "line": p.line, "text": describe_problem(p)}
                           for p in inspection.problems]}
    if content_type.id != material.content_type:
        message = _("Phiên bản mới phải cùng định dạng với học liệu (%(type)s).",
                    type=_type_names().get(material.content_type, material.content_type))
        report["problems"].append({"message": message, "fatal": True, "file": None,
                                   "line": None, "text": message})
    pending = keep_pending(saved, filename=filename, user_id=current_user.id,
                           department_id=material.department_id, report=report)
    if not report["ok"]:
        pending.path.unlink(missing_ok=True)
    report_url = url_for("library.new_version_report", id=material.id, token=pending.token)
    if _wants_json():
        return jsonify(ok=True, report_url=report_url)
    return redirect(report_url, code=303)


def _open_upload(path, filename: str, material: Material):
    """The uploaded file as its material's content type reads it: one file, or a zip."""
    if material.content_type == FileContentType.id:
        return SingleFileArchive(path, filename)
    return SafeArchive.open(path, archive_limits(), source_name=filename)


def _pending_for(material: Material, token: str):
    pending = find_pending(token, current_user.id)
    if pending is None or pending.report.get("material_id") != material.id:
        abort(404)
    return pending


@bp.route("/library/materials/<int:id>/new-version/<token>", methods=["GET", "POST"])
@login_required
def new_version_report(id: int, token: str):
    material = material_or_abort(id)
    _author_only(material)
    pending = _pending_for(material, token)
    if request.method == "GET":
        return render_template("library/new_version_report.html", material=material,
                               pending=pending, report=pending.report)
    if request.form.get("discard"):
        pending.discard()
        flash(_("Đã hủy tệp tải lên."), "success")
        return redirect(url_for("materials.detail", id=id), code=303)
    if not pending.path.is_file():
        pending.discard()
        flash(_("Gói này có lỗi nên không thể nhập; hãy sửa rồi tải lên lại."), "error")
        return redirect(url_for("library.new_version", id=id))
    note = (request.form.get("change_note") or "").strip()
    if not note:
        flash(_("Hãy ghi chú phiên bản mới thay đổi gì."), "error")
        return render_template("library/new_version_report.html", material=material,
                               pending=pending, report=pending.report), 400
    try:
        with _open_upload(pending.path, pending.filename, material) as archive:
            import_archive(archive, filename=pending.filename, department=material.department,
                           author=current_user._get_current_object(), material=material,
                           change_note=note[:2000])
    except PackageError as error:
        flash(error.message, "error")
        return redirect(url_for("library.new_version", id=id))
    finally:
        pending.discard()
    approval.record_step(material, material.latest_version, "new_version", current_user, note)
    db.session.commit()
    flash(_("Đã thêm phiên bản %(number)s (bản nháp). Hãy gửi duyệt khi sẵn sàng; phiên bản "
            "đang dùng vẫn hiển thị cho học sinh đến khi bản mới được phê duyệt.",
            number=material.latest_version.number), "success")
    return redirect(url_for("materials.detail", id=id), code=303)


@bp.route("/library/materials/<int:id>/versions/<int:version_id>/restore", methods=["POST"])
@login_required
def restore(id: int, version_id: int):
    material = material_or_abort(id)
    _author_only(material)
    old = db.session.get(MaterialVersion, version_id)
    if old is None or old.material_id != material.id:
        abort(404)
    version = restore_version(material, old, current_user._get_current_object())
    flash(_("Đã tạo phiên bản %(number)s từ phiên bản %(old)s (bản nháp, cần duyệt lại).",
            number=version.number, old=old.number), "success")
    return redirect(url_for("materials.detail", id=id), code=303)


@bp.route("/library/materials/<int:id>/versions/<int:version_id>")
@login_required
def preview(id: int, version_id: int):
    """Open one version: the live one through the permanent link, others as a staff preview."""
    material = material_or_abort(id)
    version = db.session.get(MaterialVersion, version_id)
    if version is None or version.material_id != material.id:
        abort(404)
    if version_to_play(current_user, material, version) is None:
        abort(403)
    content_type = registry().content_types.get(version.content_type)
    if version is version_to_play(current_user, material):  # what the permanent link plays
        return content_type.launch(material, current_user)
    try:
        return content_type.launch(material, current_user, version=version)
    except TypeError:  # this content type plays only its live version
        return render_error(404, _("Định dạng này chưa hỗ trợ xem trước phiên bản chưa "
                                   "phê duyệt."))


# Other files -----------------------------------------------------------------------------------
def _upload_departments() -> list[Department]:
    if current_user.is_board:
        return list(db.session.scalars(select(Department).order_by(Department.name)))
    return [current_user.department] if current_user.department is not None else []


@bp.route("/library/files/upload", methods=["GET", "POST"])
@roles_required(*UPLOADER_ROLES)
def upload_file():
    """Put another kind of file (PDF, slides, video, document) into a library; not counted."""
    departments = {d.id: d for d in _upload_departments()}
    context = {"departments": list(departments.values()), "accept": ",".join(ACCEPTED)}
    if request.method == "GET":
        return render_template("library/upload_file.html", error=None,
                               max_size=max_upload_size(),
                               max_size_label=format_size(max_upload_size()), **context)
    limit = max_upload_size()
    if (request.content_length or 0) > limit + 64 * 1024:
        return render_error(413, too_large_message(limit))
    department_id = request.values.get("department_id", type=int)
    if department_id is None and len(departments) == 1:
        department_id = next(iter(departments))
    if department_id not in departments:
        return _refuse("library/upload_file.html",
                       PackageError(_("Hãy chọn tổ bộ môn cho tệp."), "department"), 400,
                       **context)
    source, filename = _received_file()
    if source is None or not filename:
        return _refuse("library/upload_file.html",
                       PackageError(_("Hãy chọn tệp để tải lên."), "no_file"), 400, **context)
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1][:300]
    try:
        saved = save_upload(source, max_size=limit)
    except PackageError as error:
        return _refuse("library/upload_file.html", error, 400, **context)
    try:
        with SingleFileArchive(saved, filename) as archive:
            material = import_archive(archive, filename=filename,
                                      department=departments[department_id],
                                      author=current_user._get_current_object())
    except PackageError as error:
        return _refuse("library/upload_file.html", error, 422, **context)
    finally:
        saved.unlink(missing_ok=True)
    target = url_for("library.edit", id=material.id)
    flash(_("Đã tải “%(name)s” vào thư viện (bản nháp). Hãy bổ sung thông tin rồi gửi duyệt.",
            name=filename), "success")
    if _wants_json():
        return jsonify(ok=True, report_url=target)
    return redirect(target, code=303)


def _file_version(material_id: int, version_id: int) -> tuple[Material, MaterialVersion]:
    material = material_or_abort(material_id)
    version = db.session.get(MaterialVersion, version_id)
    if version is None or version.material_id != material.id or version.content_type != "file":
        abort(404)
    if not can_view_version(current_user, material, version):
        abort(403)
    return material, version


@bp.route("/library/files/<int:id>/<int:version_id>")
@login_required
def file_view(id: int, version_id: int):
    material, version = _file_version(id, version_id)
    return render_template("library/file_view.html", material=material, version=version,
                           kind=preview_kind(version.source_filename or ""))


@bp.route("/library/files/<int:id>/<int:version_id>/raw")
@login_required
def file_raw(id: int, version_id: int):
    from content_store.serving import serve_blob

    _material, version = _file_version(id, version_id)
    name = version.source_filename or "tep"
    download = request.args.get("download") == "1" or preview_kind(name) is None
    response = serve_blob(get_store(), version.source_digest, filename=name, download=download)
    # Uploaded files are untrusted: shown inline, they may not run scripts on our origin.
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; " \
        "media-src 'self'; object-src 'self'; plugin-types application/pdf"
    return response


def material_panel(material: Material) -> str:
    """The material page's library part: metadata, approval buttons, versions and timeline."""
    if not current_user.is_authenticated:
        return ""
    staff_view = sees_pending_work(current_user, material)
    return render_template(
        "library/_material_panel.html", material=material, staff_view=staff_view,
        actions=approval.available_actions(current_user, material),
        action_label=approval.action_label, status_label=approval.status_label,
        steps=approval.timeline(material) if staff_view else [],
        may_edit=_may_edit(material),
        is_author=current_user.id in approval.author_ids(material),
        may_delete=current_user.is_board or (current_user.id in approval.author_ids(material)
                                             and material.approved_at is None),
        return_form=ReturnForm())
