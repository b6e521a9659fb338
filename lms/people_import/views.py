"""The admin pages: upload -> preview -> confirm -> result with the password sheet."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..models import Role
from ..permissions import roles_required
from . import password_sheet, uploads
from .columns import KIND_LABELS, KINDS
from .committing import apply_plan
from .example_file import example_xlsx
from .forms import ConfirmForm, UploadForm
from .preview import build_plan
from .reading import ImportFileError

bp = Blueprint("people_import", __name__, url_prefix="/admin/import")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("people_import/upload.html", form=form, kinds=KINDS,
                               kind_labels=KIND_LABELS)
    file = form.file.data
    try:
        token = uploads.save(file.stream, file.filename or "", current_user.id,
                             form.kind.data or None)
    except uploads.UploadTooLarge:
        form.file.errors.append(_("Tệp quá lớn (tối đa 20 MB)."))
        return render_template("people_import/upload.html", form=form, kinds=KINDS,
                               kind_labels=KIND_LABELS)
    return _preview(token, form)


def _preview(token: str, form: UploadForm):
    path, note = uploads.find(token, current_user.id)
    try:
        with path.open("rb") as stream:
            plan = build_plan(stream, note["kind"])
    except ImportFileError as exc:
        uploads.discard(token)
        form.file.errors.append(str(exc))
        return render_template("people_import/upload.html", form=form, kinds=KINDS,
                               kind_labels=KIND_LABELS), 422
    if not plan.ok:
        uploads.discard(token)
    return render_template("people_import/preview.html", plan=plan, filename=note["filename"],
                           kind_label=KIND_LABELS[plan.kind], form=ConfirmForm(token=token))


@bp.route("/confirm", methods=["POST"])
@roles_required(Role.ADMIN)
def confirm():
    form = ConfirmForm()
    found = uploads.find(form.token.data or "", current_user.id) if form.validate() else None
    if found is None:
        flash(_("Tệp đã tải lên không còn nữa (quá hạn hoặc đã nhập): hãy tải lên lại."), "error")
        return redirect(url_for(".upload"))
    path, note = found
    try:
        with path.open("rb") as stream:
            plan = build_plan(stream, note["kind"])
    except ImportFileError as exc:
        uploads.discard(form.token.data)
        flash(str(exc), "error")
        return redirect(url_for(".upload"))
    if not plan.ok:
        # The database changed since the preview: show the new problems instead of writing.
        uploads.discard(form.token.data)
        return render_template("people_import/preview.html", plan=plan,
                               filename=note["filename"], kind_label=KIND_LABELS[plan.kind],
                               form=ConfirmForm()), 409
    result = apply_plan(plan, actor=current_user._get_current_object())
    uploads.discard(form.token.data)
    sheet = password_sheet.save(result.slips, current_user.id, plan.kind) if result.slips else None
    return render_template("people_import/result.html", result=result, sheet_token=sheet,
                           slips=result.slips, kind_label=KIND_LABELS[plan.kind])


@bp.route("/sheet/<token>")
@roles_required(Role.ADMIN)
def sheet(token: str):
    """The printable slips, while the sheet is still kept."""
    slips = password_sheet.load(token, current_user.id)
    if slips is None:
        abort(404)
    return render_template("people_import/slips.html", slips=slips, sheet_token=token)


@bp.route("/sheet/<token>.xlsx")
@roles_required(Role.ADMIN)
def sheet_download(token: str):
    """The password sheet as XLSX: downloadable once, then deleted from the server."""
    slips = password_sheet.load(token, current_user.id)
    if slips is None:
        abort(404)
    content = password_sheet.sheet_xlsx(slips)
    password_sheet.discard(token)
    return Response(content, mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": "attachment; filename=mat-khau-ban-dau.xlsx",
        "Cache-Control": "no-store"})


@bp.route("/mau-<kind>.xlsx")
@roles_required(Role.ADMIN)
def example(kind: str):
    if kind not in KINDS:
        abort(404)
    return Response(example_xlsx(kind), mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f"attachment; filename=mau-{kind}.xlsx"})
