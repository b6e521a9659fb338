"""Pages of the score-sheet exchange: download a sheet for VnEdu/SMAS, and upload one back
(upload → preview of every change and every bad cell → confirm, all or nothing).

Export: whoever may read the sheet. Import: the teachers who keep it (phân công chuyên môn);
heads, the board and the homeroom teacher only read. Nothing trusts the browser: the
confirmation reads the file again, checks it again, and applies only the plan the preview
showed.
"""
from __future__ import annotations

import base64
import binascii
import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.routing import BuildError
from wtforms import HiddenField

from lms.extensions import db
from lms.models import Role, SchoolClass, Subject
from lms.permissions import roles_required, teaches

from .exchange import VnEduSmasXlsxExporter, exporters
from .exchange_import import ImportFileError, apply_preview, read_sheet_file
from .models import Sheet
from .semesters import semester_name, semester_of
from .sheets import (
    CellErrors,
    SheetLocked,
    StaleCell,
    get_or_create_sheet,
    load_sheet_view,
    may_read,
    missing_rule_message,
)

bp = Blueprint("gradebook_exchange", __name__, url_prefix="/gradebook/exchange",
               template_folder="templates")

STAFF = (Role.ADMIN, Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD,
         Role.TEACHER)
#: A class's score sheet is a few kilobytes; anything far bigger is not one.
MAX_SHEET_BYTES = 2 * 1024 * 1024
SHEET_URL = "/class/<int:class_id>/subject/<int:subject_id>/hk<int:number>"


class UploadForm(FlaskForm):
    file = FileField(_l("Tệp bảng điểm (.xlsx hoặc .csv)"),
                     validators=[FileRequired(_l("Hãy chọn tệp bảng điểm."))],
                     render_kw={"accept": ".xlsx,.csv"})


class ConfirmForm(FlaskForm):
    #: the uploaded file, read again and checked again at confirmation
    content = HiddenField()
    #: `ImportPreview.fingerprint()` of the preview the teacher saw
    fingerprint = HiddenField()
    filename = HiddenField()


def _sheet(class_id: int, subject_id: int, number: int, *, keeper: bool) -> Sheet:
    """The sheet for the current user: 404 for an unknown class, subject or semester, 403 unless
    they may read it (keep it, with `keeper`); opened only after that check (like the grid
    page does: an empty sheet row, so the pages that follow find the same sheet)."""
    school_class = db.session.get(SchoolClass, class_id)
    subject = db.session.get(Subject, subject_id)
    if school_class is None or subject is None or number not in (1, 2):
        abort(404)
    allowed = (teaches(current_user, class_id, subject_id) if keeper
               else may_read(current_user, school_class, subject))
    if not allowed:
        abort(403)
    sheet = get_or_create_sheet(class_id, subject_id,
                                semester_of(school_class.school_year, number))
    db.session.commit()
    return sheet


def _grid_url(view) -> str | None:
    """The sheet's grid page, when the gradebook's pages are loaded."""
    try:
        return url_for("gradebook.sheet", class_id=view.school_class.id,
                       subject_id=view.subject.id, number=view.semester.number)
    except BuildError:
        return None


def _page(template: str, view, status: int = 200, **context):
    return render_template(template, view=view, semester_label=semester_name(view.semester),
                           grid_url=_grid_url(view),
                           missing_rule=(missing_rule_message(view.subject, view.school_class)
                                         if view.rule is None else None),
                           **context), status


@bp.route(SHEET_URL + "/export")
@roles_required(*STAFF)
def export(class_id: int, subject_id: int, number: int):
    view = load_sheet_view(_sheet(class_id, subject_id, number, keeper=False))
    if view.rule is None:
        flash(missing_rule_message(view.subject, view.school_class), "error")
        return redirect(_grid_url(view) or url_for("gradebook_exchange.upload",
                                                   class_id=class_id, subject_id=subject_id,
                                                   number=number))
    result = exporters()[VnEduSmasXlsxExporter.id].export(view)
    return send_file(io.BytesIO(result.data), mimetype=result.content_type,
                     as_attachment=True, download_name=result.filename, max_age=0)


@bp.route(SHEET_URL + "/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def upload(class_id: int, subject_id: int, number: int):
    view = load_sheet_view(_sheet(class_id, subject_id, number, keeper=True))
    form = UploadForm()
    if not form.validate_on_submit():
        return _page("gradebook/exchange_upload.html", view, 422 if form.errors else 200,
                     form=form)
    data = form.file.data.stream.read(MAX_SHEET_BYTES + 1)
    if len(data) > MAX_SHEET_BYTES:
        form.file.errors.append(_("Tệp quá lớn (tối đa 2 MB): đây không phải bảng điểm một lớp."))
        return _page("gradebook/exchange_upload.html", view, 422, form=form)
    return _preview(view, data, form.file.data.filename or "", form)


def _preview(view, data: bytes, filename: str, upload_form, *, status: int = 200,
             notice: str | None = None):
    try:
        preview = read_sheet_file(io.BytesIO(data), view)
    except ImportFileError as error:
        upload_form.file.errors.append(str(error))
        return _page("gradebook/exchange_upload.html", view, 422, form=upload_form)
    confirm = ConfirmForm(formdata=None, content=base64.b64encode(data).decode("ascii"),
                          fingerprint=preview.fingerprint(), filename=filename)
    return _page("gradebook/exchange_preview.html", view,
                 status if preview.ok else 422, preview=preview, confirm=confirm,
                 filename=filename, notice=notice)


@bp.route(SHEET_URL + "/import/confirm", methods=["POST"])
@roles_required(*STAFF)
def confirm(class_id: int, subject_id: int, number: int):
    sheet = _sheet(class_id, subject_id, number, keeper=True)
    view = load_sheet_view(sheet)
    form = ConfirmForm()
    back = url_for("gradebook_exchange.upload", class_id=class_id, subject_id=subject_id,
                   number=number)
    try:
        data = base64.b64decode(form.content.data or "", validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not form.validate_on_submit() or not data or len(data) > MAX_SHEET_BYTES:
        flash(_("Không có tệp để nhập: hãy tải tệp bảng điểm lên lại."), "error")
        return redirect(back)
    upload_form = UploadForm(formdata=None)
    try:
        preview = read_sheet_file(io.BytesIO(data), view)
    except ImportFileError as error:
        flash(str(error), "error")
        return redirect(back)
    if not preview.ok:
        return _preview(view, data, form.filename.data, upload_form)
    if preview.fingerprint() != form.fingerprint.data:
        # Someone changed the sheet since the preview: show what the import would do now.
        return _preview(view, data, form.filename.data, upload_form, status=409, notice=_(
            "Sổ điểm đã thay đổi từ lúc xem trước: hãy xem lại các thay đổi rồi xác nhận."))
    try:
        apply_preview(preview, current_user)
        db.session.commit()
    except (SheetLocked, StaleCell, CellErrors) as error:
        db.session.rollback()
        return _preview(load_sheet_view(sheet), data, form.filename.data, upload_form, status=409,
                        notice=_("Chưa ghi điểm nào: %(reason)s", reason=str(error)))
    flash(_("Đã nhập %(n)s điểm cho %(m)s học sinh.", n=len(preview.changes),
            m=preview.students_changed), "success")
    return redirect(_grid_url(view) or back)
