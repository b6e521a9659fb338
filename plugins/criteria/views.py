"""The dashboard page and its XLSX. Read-only: the board and Tổ CNTT see the whole school (or one
department), a department head or deputy head their own department, whatever the query says."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import to_user_timezone
from flask_login import current_user
from sqlalchemy import select

from lms.extensions import db
from lms.models import Department, Role
from lms.models.base import utcnow
from lms.permissions import roles_required

from . import opens_dashboard
from .dashboard import build_dashboard, format_wait
from .export import dashboard_xlsx, filename
from .parent_links import percent
from .period import read_period

bp = Blueprint("criteria", __name__, url_prefix="/criteria", template_folder="templates")

READERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMIN, Role.DEPARTMENT_HEAD,
           Role.DEPUTY_HEAD)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sees_whole_school(user) -> bool:
    return user.is_board or user.has_role(Role.ADMIN)


def _department_id() -> int | None:
    """The board and admins: the school, or ?department=<id>; a head or deputy head: their own
    department only (403 for one without a department to lead)."""
    if _sees_whole_school(current_user):
        raw = request.args.get("department", "")
        if not raw:
            return None
        department = db.session.get(Department, int(raw)) if raw.isdigit() else None
        if department is None:
            abort(404)
        return department.id
    if not opens_dashboard(current_user):
        abort(403)
    return current_user.department_membership.department_id


def _school_today():
    # naive UTC now → the school's calendar day (BABEL_DEFAULT_TIMEZONE, Asia/Ho_Chi_Minh)
    return to_user_timezone(utcnow()).date()


def _board_or_errors():
    department_id = _department_id()
    period = read_period(request.args, _school_today())
    board = build_dashboard(period.date_from, period.date_to, department_id) \
        if period.valid else None
    return period, department_id, board


@bp.route("/")
@roles_required(*READERS)
def dashboard():
    period, department_id, board = _board_or_errors()
    departments = list(db.session.scalars(select(Department).order_by(Department.name))) \
        if _sees_whole_school(current_user) else []
    return render_template("criteria/dashboard.html", period=period, board=board,
                           department_id=department_id, departments=departments,
                           percent=percent, format_wait=format_wait), \
        200 if board is not None else 400


@bp.route("/criteria.xlsx")
@roles_required(*READERS)
def download():
    period, _department_id, board = _board_or_errors()
    if board is None:
        abort(400, description=" ".join(period.errors.values()))
    return Response(dashboard_xlsx(board), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename(board)}"'})
