"""The audit log page: security and approval events, newest first, filtered by event and user."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..models import AuditLog, Role, User
from ..permissions import roles_required
from .forms import AuditFilterForm
from .views import bp

#: Readable names of the core's events; plugins' events show their dotted name.
EVENT_LABELS = {
    "auth.login": _l("Đăng nhập"),
    "auth.login_failed": _l("Đăng nhập thất bại"),
    "auth.login_refused_disabled": _l("Tài khoản bị khóa cố đăng nhập"),
    "auth.logout": _l("Đăng xuất"),
    "auth.password_changed": _l("Đổi mật khẩu"),
    "user.roles_changed": _l("Đổi vai trò"),
    "user.department_changed": _l("Đổi tổ chuyên môn"),
    "user.password_reset": _l("Cấp lại mật khẩu"),
    "user.disabled": _l("Khóa tài khoản"),
    "user.enabled": _l("Mở khóa tài khoản"),
}


def event_label(event: str) -> str:
    label = EVENT_LABELS.get(event)
    return str(label) if label is not None else event


def describe_details(details: dict | None) -> list[str]:
    """'key: value' strings for the details column; lists and nested dicts flattened."""
    parts = []
    for key, value in (details or {}).items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        elif isinstance(value, (list, tuple, set)):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{key}: {value}")
    return parts


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit_log():
    form = AuditFilterForm()
    events = db.session.scalars(select(AuditLog.event).distinct().order_by(AuditLog.event)).all()
    form.event.choices = [SelectChoice("", _l("Tất cả")),
                          *(SelectChoice(e, event_label(e)) for e in events)]
    query = select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    filters = {}
    unknown_user = False
    if form.validate():
        if form.event.data:
            query = query.where(AuditLog.event == form.event.data)
            filters["event"] = form.event.data
        username = (form.user.data or "").strip().lower()
        if username:
            filters["user"] = username
            person = db.session.scalar(select(User).where(func.lower(User.username) == username))
            if person is None:
                unknown_user = True
                query = query.where(AuditLog.id.is_(None))
            else:
                # Events the person did, and events done to them (a reset, a role change).
                query = query.where(or_(
                    AuditLog.actor_id == person.id,
                    (AuditLog.target_type == User.__tablename__) & (AuditLog.target_id == person.id),
                ))
    page = db.paginate(query, per_page=current_app.config["LMS_PAGE_SIZE"], error_out=False)
    targets = _target_users(page.items)
    return render_template("admin/audit_log.html", form=form, page=page, filters=filters,
                           targets=targets, event_label=event_label,
                           describe_details=describe_details, unknown_user=unknown_user)


def _target_users(entries) -> dict[int, User]:
    ids = {e.target_id for e in entries if e.target_type == User.__tablename__ and e.target_id}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
