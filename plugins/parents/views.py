"""The parents plugin's pages: registration and linking for parents, the class's links and
codes for the homeroom teacher, and the student's privacy notice.

One blueprint, `parents`. Every route checks its user on the server: parents act on their own
links only, the class pages belong to the class's homeroom teacher and Tổ CNTT.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from sqlalchemy import func, select

from lms.extensions import db, limiter
from lms.models import ParentLink, Role, School, User, audit
from lms.models.base import utcnow
from lms.permissions import roles_required

from . import code_sheet, codes, homeroom, linking
from .consent import CONSENT_TEXT
from .forms import LinkCodeForm, LinkRequestForm, RegisterForm
from .homeroom import class_roster, managed_class_or_403, student_in_class_or_404

bp = Blueprint("parents", __name__, url_prefix="/parents", template_folder="templates",
               static_folder="static")

PARENT = Role.PARENT.value
MANAGERS = (Role.ADMIN.value, Role.TEACHER.value, Role.DEPARTMENT_HEAD.value,
            Role.DEPUTY_HEAD.value)


def _code_limit() -> str:
    # The same budget as a login: a code is as much a secret as a password.
    return current_app.config["LMS_LOGIN_LIMIT"]


def _code_key() -> str:
    # Per code typed as well as per address: many addresses cannot hammer one code.
    return "parents-code:" + codes.normalise(request.form.get("code"))


def _current_user():
    return current_user._get_current_object()  # audit() and the signals need the model


# Parents: registration and linking ---------------------------------------------------------------
@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_code_limit, methods=["POST"])
@limiter.limit(_code_limit, methods=["POST"], key_func=_code_key)
def register():
    """Đăng ký tài khoản phụ huynh: a parent account and the link to the child, in one go."""
    if current_user.is_authenticated:
        return redirect(url_for("parents.link", code=request.args.get("code", "")))
    form = RegisterForm(data={"code": request.args.get("code", "")} if request.method == "GET"
                        else None)
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        taken = db.session.scalar(select(User.id).where(func.lower(User.username) == username))
        if taken is not None:
            form.username.errors.append(_("Tên đăng nhập này đã có người dùng, hãy chọn tên khác."))
        else:
            contact = form.contact.data.strip()
            parent = User(username=username, full_name=form.full_name.data.strip(),
                          email=contact if "@" in contact else None,
                          phone=None if "@" in contact else contact)
            parent.set_password(form.password.data)
            parent.add_role(Role.PARENT)
            db.session.add(parent)
            db.session.flush()
            try:
                linking.link_with_code(parent, form.code.data, form.relationship_label.data)
            except linking.LinkError as error:
                db.session.rollback()  # no account without its link
                _code_failed(form.code.data)
                form.code.errors.append(str(error))
            else:
                audit("parents.registered", actor=parent, target=parent)
                db.session.commit()
                login_user(parent)
                session.permanent = True
                flash(_("Đã tạo tài khoản và liên kết với con."), "success")
                return redirect(url_for("home.index"))
    return render_template("parents/register.html", form=form, consent_text=CONSENT_TEXT)


def _code_failed(code_text: str) -> None:
    audit("parents.code_failed", actor=current_user._get_current_object()
          if current_user.is_authenticated else None, code_length=len(codes.normalise(code_text)))
    db.session.commit()


def _own_links(parent_id: int) -> list[tuple[ParentLink, User]]:
    return list(db.session.execute(
        select(ParentLink, User).join(User, User.id == ParentLink.student_id)
        .where(ParentLink.parent_id == parent_id, ParentLink.status != linking.REVOKED)
        .order_by(User.sort_key)))


def _link_page(code_form=None, request_form=None):
    code_form = code_form or LinkCodeForm(data={"code": request.args.get("code", "")},
                                          formdata=None)
    request_form = request_form or LinkRequestForm(formdata=None)
    return render_template("parents/link.html", code_form=code_form, request_form=request_form,
                           links=_own_links(current_user.id), consent_text=CONSENT_TEXT)


@bp.route("/link", methods=["GET", "POST"])
@roles_required(PARENT)
@limiter.limit(_code_limit, methods=["POST"])
@limiter.limit(_code_limit, methods=["POST"], key_func=_code_key)
def link():
    """Liên kết với con: enter the code the school printed."""
    if request.method == "GET":
        return _link_page()
    form = LinkCodeForm()
    if form.validate_on_submit():
        try:
            linked = linking.link_with_code(_current_user(), form.code.data,
                                            form.relationship_label.data)
        except linking.LinkError as error:
            db.session.rollback()
            _code_failed(form.code.data)
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            child = db.session.get(User, linked.student_id)
            flash(_("Đã liên kết với %(name)s.", name=child.full_name), "success")
            return redirect(url_for("home.index", child=child.id))
    return _link_page(code_form=form)


@bp.route("/request", methods=["POST"])
@roles_required(PARENT)
@limiter.limit(_code_limit)
def request_link():
    """No code: ask the homeroom teacher, with the child's Mã học sinh and date of birth."""
    form = LinkRequestForm()
    if form.validate_on_submit():
        try:
            linking.request_link(_current_user(), form.student_code.data, form.birth_day,
                                 form.relationship_label.data)
        except linking.LinkError as error:
            db.session.rollback()
            form.student_code.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Đã gửi yêu cầu. Giáo viên chủ nhiệm sẽ duyệt yêu cầu liên kết của bạn."),
                  "success")
            return redirect(url_for("parents.link"))
    return _link_page(request_form=form)


def _own_link_or_403(link_id: int) -> tuple[ParentLink, User]:
    link = db.session.get(ParentLink, link_id)
    if link is None:
        abort(404)
    if link.parent_id != current_user.id:
        abort(403)
    if link.status == linking.REVOKED:
        abort(404)
    return link, db.session.get(User, link.student_id)


@bp.route("/links/<int:link_id>/withdraw", methods=["GET", "POST"])
@roles_required(PARENT)
def withdraw(link_id: int):
    """Rút lại sự đồng ý: the page says what follows, the button does it."""
    link, child = _own_link_or_403(link_id)
    if request.method == "POST":
        linking.withdraw_consent(link, _current_user())
        db.session.commit()
        flash(_("Đã rút lại sự đồng ý và hủy liên kết với %(name)s.", name=child.full_name),
              "success")
        return redirect(url_for("parents.link"))
    return render_template("parents/withdraw.html", link=link, child=child)


# The homeroom teacher: links and codes of a class ------------------------------------------------
@bp.route("/classes")
@roles_required(*MANAGERS)
def classes():
    """Phụ huynh lớp chủ nhiệm: the classes whose parents' links the user manages."""
    managed = homeroom.homeroom_classes(current_user)
    if not managed:
        abort(403)
    if len(managed) == 1 and not current_user.has_role(Role.ADMIN):
        return redirect(url_for("parents.school_class", class_id=managed[0].id))
    return render_template("parents/classes.html", classes=managed)


@bp.route("/classes/<int:class_id>")
@roles_required(*MANAGERS)
def school_class(class_id: int):
    school_class = managed_class_or_403(current_user, class_id)
    roster = class_roster(school_class)
    return render_template("parents/class.html", school_class=school_class, roster=roster,
                           format_code=codes.display)


@bp.route("/classes/<int:class_id>/codes", methods=["POST"])
@roles_required(*MANAGERS)
def issue_codes(class_id: int):
    """Mã cho mọi học sinh chưa có phụ huynh liên kết (students whose code still works keep
    it, so a slip already sent home stays valid)."""
    school_class = managed_class_or_403(current_user, class_id)
    issued = 0
    for row in class_roster(school_class):
        if not row.active and row.code is None:
            linking.issue_code(row.student, _current_user())
            issued += 1
    db.session.commit()
    flash(_("Đã tạo %(n)s mã liên kết mới.", n=issued), "success")
    return redirect(url_for("parents.school_class", class_id=class_id))


@bp.route("/classes/<int:class_id>/students/<int:student_id>/code", methods=["POST"])
@roles_required(*MANAGERS)
def reissue_code(class_id: int, student_id: int):
    """Cấp lại mã: a new code; the student's earlier unused code stops working."""
    school_class = managed_class_or_403(current_user, class_id)
    student = student_in_class_or_404(school_class, student_id)
    link_code = linking.issue_code(student, _current_user())
    db.session.commit()
    flash(_("Đã cấp mã mới cho %(name)s: %(code)s. Mã cũ không còn dùng được.",
            name=student.full_name, code=codes.display(link_code.code)), "success")
    return redirect(url_for("parents.school_class", class_id=class_id))


def _class_link_or_404(school_class, link_id: int) -> ParentLink:
    link = db.session.get(ParentLink, link_id)
    if link is None:
        abort(404)
    student_in_class_or_404(school_class, link.student_id)
    return link


_DECISIONS = {
    "approve": (linking.approve, _l("Đã duyệt liên kết.")),
    "refuse": (linking.revoke, _l("Đã từ chối yêu cầu liên kết.")),
    "revoke": (linking.revoke, _l("Đã thu hồi liên kết.")),
}


@bp.route("/classes/<int:class_id>/links/<int:link_id>/<any(approve, refuse, revoke):decision>",
          methods=["POST"])
@roles_required(*MANAGERS)
def decide(class_id: int, link_id: int, decision: str):
    school_class = managed_class_or_403(current_user, class_id)
    link = _class_link_or_404(school_class, link_id)
    if decision == "refuse" and link.status != linking.PENDING:
        flash(_("Yêu cầu này đã được xử lý."), "error")
        return redirect(url_for("parents.school_class", class_id=class_id))
    operation, message = _DECISIONS[decision]
    try:
        operation(link, _current_user())
    except linking.LinkError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(str(message), "success")
    return redirect(url_for("parents.school_class", class_id=class_id))


def _slips(school_class):
    return code_sheet.slips(class_roster(school_class))


@bp.route("/classes/<int:class_id>/sheet")
@roles_required(*MANAGERS)
def sheet(class_id: int):
    """The printable sheet: one slip per student with a code that still works."""
    school_class = managed_class_or_403(current_user, class_id)
    school = School.current()
    return render_template("parents/sheet.html", school_class=school_class,
                           school_name=school.name if school else "", slips=_slips(school_class))


@bp.route("/classes/<int:class_id>/codes.<any(csv, xlsx):fmt>")
@roles_required(*MANAGERS)
def download(class_id: int, fmt: str):
    school_class = managed_class_or_403(current_user, class_id)
    class_slips = _slips(school_class)
    if fmt == "csv":
        body, mimetype = code_sheet.csv_bytes(school_class, class_slips), "text/csv"
    else:
        school = School.current()
        body = code_sheet.xlsx(school.name if school else "", school_class, class_slips)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = f"ma-lien-ket-{school_class.name}.{fmt}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# The student's privacy notice ----------------------------------------------------------------------
@bp.route("/privacy-notice", methods=["GET", "POST"])
@roles_required(Role.STUDENT.value)
def privacy_notice():
    """What the school keeps about a student and who sees it; "Em đã hiểu" records it."""
    if request.method == "POST":
        user = _current_user()
        if user.privacy_notice_seen_at is None:
            user.privacy_notice_seen_at = utcnow()
            audit("parents.privacy_notice_seen", actor=user, target=user)
            db.session.commit()
        return redirect(url_for("home.index"))
    return render_template("parents/privacy_notice.html")
