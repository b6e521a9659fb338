"""Accounts for administrators: find users, change roles and department, reset, disable."""
from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from .. import signals
from ..auth.passwords import generate_initial_password
from ..extensions import db
from ..models import (
    AuditLog,
    Department,
    DepartmentMembership,
    Role,
    SchoolClass,
    SchoolYear,
    User,
    audit,
)
from ..permissions import roles_required
from .forms import ActionForm, DepartmentForm, RolesForm, UserFilterForm
from .user_search import filtered_users
from .views import bp


def _departments():
    return db.session.scalars(select(Department).order_by(Department.name)).all()


def _current_classes():
    year = SchoolYear.current()
    if year is None:
        return []
    return db.session.scalars(select(SchoolClass).where(SchoolClass.school_year_id == year.id)
                              .order_by(SchoolClass.name)).all()


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    form = UserFilterForm()
    form.fill_choices(_departments(), _current_classes())
    filters = form.active_filters() if form.validate() else {}
    page = db.paginate(filtered_users(filters), per_page=current_app.config["LMS_PAGE_SIZE"],
                       error_out=False)
    return render_template("admin/users.html", form=form, page=page, filters=filters)


def _user_page(user: User, roles_form=None, department_form=None, status=200):
    if roles_form is None:
        roles_form = RolesForm(data={"roles": sorted(user.role_names)})
    if department_form is None:
        membership = user.department_membership
        department_form = DepartmentForm(data={
            "department": membership.department_id if membership else 0,
            "position": membership.position if membership else "member",
        })
    department_form.fill_choices(_departments())
    recent = db.session.scalars(
        select(AuditLog)
        .where(or_(AuditLog.actor_id == user.id,
                   (AuditLog.target_type == User.__tablename__) & (AuditLog.target_id == user.id)))
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc()).limit(10)
    ).all()
    return render_template("admin/user.html", user=user, roles_form=roles_form,
                           department_form=department_form, action_form=ActionForm(),
                           recent=recent), status


@bp.route("/users/<int:user_id>")
@roles_required(Role.ADMIN)
def user(user_id: int):
    return _user_page(_user_or_404(user_id))


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@roles_required(Role.ADMIN)
def change_roles(user_id: int):
    user = _user_or_404(user_id)
    form = RolesForm()
    if not form.validate_on_submit():
        return _user_page(user, roles_form=form, status=400)
    wanted = set(form.roles.data or ())
    if user.id == current_user.id and Role.ADMIN.value not in wanted:
        form.roles.errors.append(_("Bạn không thể tự bỏ vai trò quản trị của chính mình."))
        return _user_page(user, roles_form=form, status=400)
    if not wanted:
        form.roles.errors.append(_("Tài khoản cần ít nhất một vai trò."))
        return _user_page(user, roles_form=form, status=400)
    added = wanted - user.role_names
    removed = user.role_names - wanted
    if not added and not removed:
        flash(_("Vai trò không thay đổi."), "info")
        return redirect(url_for("admin.user", user_id=user.id))
    for role in added:
        user.add_role(Role(role))
    for role in removed:
        user.remove_role(Role(role))
    audit("user.roles_changed", actor=current_user, target=user,
          added=sorted(added), removed=sorted(removed))
    db.session.commit()
    signals.roles_changed.send(current_app._get_current_object(), user=user,
                               actor=current_user._get_current_object(), added=added,
                               removed=removed)
    flash(_("Đã cập nhật vai trò của %(name)s.", name=user.full_name), "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/department", methods=["POST"])
@roles_required(Role.ADMIN)
def change_department(user_id: int):
    user = _user_or_404(user_id)
    form = DepartmentForm()
    form.fill_choices(_departments())
    if not form.validate_on_submit():
        return _user_page(user, department_form=form, status=400)
    membership = user.department_membership
    before = {"department_id": membership.department_id if membership else None,
              "position": membership.position if membership else None}
    if not form.department.data:
        user.department_membership = None  # delete-orphan removes the old membership
        after = {"department_id": None, "position": None}
    else:
        if not user.is_staff:
            form.department.errors.append(_("Chỉ cán bộ, giáo viên mới thuộc tổ chuyên môn."))
            return _user_page(user, department_form=form, status=400)
        head = _other_head(form.department.data, user.id) if form.position.data == "head" else None
        if head is not None:
            form.position.errors.append(_(
                "Tổ này đã có tổ trưởng là %(name)s. Hãy chuyển người đó về thành viên trước.",
                name=head.full_name))
            return _user_page(user, department_form=form, status=400)
        if membership is None:
            membership = user.department_membership = DepartmentMembership()
        membership.department_id = form.department.data
        membership.position = form.position.data
        after = {"department_id": form.department.data, "position": form.position.data}
    if after == before:
        flash(_("Tổ chuyên môn không thay đổi."), "info")
        return redirect(url_for("admin.user", user_id=user.id))
    audit("user.department_changed", actor=current_user, target=user, before=before, after=after)
    db.session.commit()
    flash(_("Đã cập nhật tổ chuyên môn của %(name)s.", name=user.full_name), "success")
    return redirect(url_for("admin.user", user_id=user.id))


def _other_head(department_id: int, user_id: int) -> User | None:
    return db.session.scalar(
        select(User).join(DepartmentMembership, DepartmentMembership.user_id == User.id)
        .where(DepartmentMembership.department_id == department_id,
               DepartmentMembership.position == "head", User.id != user_id)
    )


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = generate_initial_password()
    user.set_password(password)
    user.must_change_password = True
    audit("user.password_reset", actor=current_user, target=user)
    db.session.commit()
    # The password exists only in this response: it is never stored nor shown again.
    response = make_response(render_template("admin/password_sheet.html", user=user,
                                             password=password,
                                             login_url=url_for("auth.login", _external=True)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@roles_required(Role.ADMIN)
def disable(user_id: int):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("Bạn không thể tự khóa tài khoản của chính mình."), "error")
        return redirect(url_for("admin.user", user_id=user.id))
    if user.active:
        user.active = False
        audit("user.disabled", actor=current_user, target=user)
        db.session.commit()
    flash(_("Đã khóa tài khoản %(username)s. Người này bị đăng xuất ngay ở lần truy cập tiếp theo.",
            username=user.username), "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/enable", methods=["POST"])
@roles_required(Role.ADMIN)
def enable(user_id: int):
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not user.active:
        user.active = True
        audit("user.enabled", actor=current_user, target=user)
        db.session.commit()
    flash(_("Đã mở khóa tài khoản %(username)s.", username=user.username), "success")
    return redirect(url_for("admin.user", user_id=user.id))
