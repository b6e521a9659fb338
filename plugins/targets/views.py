"""Routes: the board's dashboard and targets, a department's page, the monthly report and the
catalog with the principal's sign-off."""
from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.extensions import db
from lms.models import Department, Role, SchoolYear, audit
from lms.permissions import roles_required

from .catalog_export import (
    CATALOG_COLUMNS,
    build_catalog,
    catalog_filename,
    catalog_heading,
    catalog_xlsx,
    confirm_catalog,
    confirmation_lines,
)
from .chart import approval_chart
from .counting import (
    cumulative_approvals,
    school_progress,
    teacher_breakdown,
    today_local,
)
from .models import DepartmentTarget
from .monthly_report import report_filename, report_xlsx
from .reached import record_if_reached
from .schedule import build_report

bp = Blueprint("targets", __name__, url_prefix="/targets", template_folder="templates")

BOARD = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
HEADS = (Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_TARGET = 1000


# Choosing the year, the department, the day ----------------------------------------------------
def _years() -> list[SchoolYear]:
    return list(db.session.scalars(select(SchoolYear).order_by(SchoolYear.start_date.desc())))


def _selected_year() -> SchoolYear | None:
    """The year in ?year=<id>, else the current one; a wrong id is a 404."""
    raw = request.args.get("year", "")
    if raw:
        year = db.session.get(SchoolYear, int(raw)) if raw.isdigit() else None
        if year is None:
            abort(404)
        return year
    return SchoolYear.current()


def _no_year():
    return render_template("targets/no_year.html"), 200


def _own_department_id(user) -> int | None:
    membership = user.department_membership
    if membership is not None and membership.position in ("head", "deputy"):
        return membership.department_id
    return None


def _may_see_department(user, department_id: int) -> bool:
    return user.is_board or _own_department_id(user) == department_id


def _report_scope(user) -> list[int] | None:
    """The board sees every department in the report; a head or deputy only their own."""
    if user.is_board:
        return None
    own = _own_department_id(user)
    if own is None:
        abort(403)
    return [own]


def _selected_day() -> date:
    raw = request.args.get("date", "").strip()
    if not raw:
        return today_local()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        flash(_("Ngày “%(value)s” không hợp lệ; hãy nhập theo dạng năm-tháng-ngày, ví dụ "
                "2026-03-25. Đang hiển thị báo cáo của hôm nay.", value=raw), "error")
        return today_local()


def _xlsx_response(data: bytes, filename: str) -> Response:
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


# The board -------------------------------------------------------------------------------------
@bp.route("/")
@roles_required(*BOARD)
def dashboard():
    year = _selected_year()
    if year is None:
        return _no_year()
    progress = school_progress(year)
    chart = approval_chart(cumulative_approvals(year, progress.as_of), progress.total_target)
    return render_template("targets/dashboard.html", progress=progress, chart=chart,
                           years=_years(), year=year)


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(*BOARD)
def edit_targets():
    """Each department's target for a year (a blank field means the school's default)."""
    from .counting import default_target, targets_for

    year = _selected_year()
    if year is None:
        return _no_year()
    departments = list(db.session.scalars(select(Department).order_by(Department.name)))
    own = {row.department_id: row for row in db.session.scalars(
        select(DepartmentTarget).where(DepartmentTarget.school_year_id == year.id))}
    errors: dict[int, str] = {}
    values = {d.id: (str(own[d.id].target) if d.id in own else "") for d in departments}
    if request.method == "POST":
        wanted: dict[int, int | None] = {}
        for department in departments:
            raw = request.form.get(f"target-{department.id}", "").strip()
            values[department.id] = raw
            if not raw:
                wanted[department.id] = None
            elif raw.isdigit() and 1 <= int(raw) <= MAX_TARGET:
                wanted[department.id] = int(raw)
            else:
                errors[department.id] = _("Chỉ tiêu phải là số nguyên từ 1 đến %(max)s.",
                                          max=MAX_TARGET)
        if not errors:
            changed = _save_targets(year, own, wanted)
            if changed:
                audit("targets.changed", actor=current_user, school_year=year.name,
                      targets={code: target for code, target in changed})
            db.session.commit()
            for department in departments:
                record_if_reached(department.id, year)
            flash(_("Đã lưu chỉ tiêu năm học %(year)s.", year=year.name), "success")
            return redirect(url_for("targets.edit_targets", year=year.id))
    return render_template("targets/edit_targets.html", year=year, years=_years(),
                           departments=departments, values=values, errors=errors,
                           default=default_target(),
                           current=targets_for(year, [d.id for d in departments]),
                           max_target=MAX_TARGET), (400 if errors else 200)


def _save_targets(year, own: dict, wanted: dict[int, int | None]) -> list[tuple[str, int | None]]:
    changed = []
    codes = dict(db.session.execute(select(Department.id, Department.code)).all())
    for department_id, target in wanted.items():
        row = own.get(department_id)
        if target is None and row is not None:
            db.session.delete(row)
            changed.append((codes[department_id], None))
        elif target is not None and row is None:
            db.session.add(DepartmentTarget(department_id=department_id, school_year_id=year.id,
                                            target=target, updated_by_id=current_user.id))
            changed.append((codes[department_id], target))
        elif target is not None and row.target != target:
            row.target, row.updated_by_id = target, current_user.id
            changed.append((codes[department_id], target))
    return changed


# A department ----------------------------------------------------------------------------------
@bp.route("/department")
@roles_required(*HEADS)
def my_department():
    """The navigation's entry for heads and deputies: their own department's page."""
    department = current_user.department
    if department is None or _own_department_id(current_user) is None:
        flash(_("Tài khoản của bạn chưa được xếp làm tổ trưởng hay tổ phó của tổ nào."), "error")
        return redirect(url_for("home.index"))
    return redirect(url_for("targets.department", code=department.code,
                            **request.args.to_dict()))


@bp.route("/department/<code>")
@roles_required(*BOARD, *HEADS)
def department(code: str):
    found = db.session.scalar(select(Department).where(Department.code == code))
    if found is None:
        abort(404)
    if not _may_see_department(current_user, found.id):
        abort(403)
    year = _selected_year()
    if year is None:
        return _no_year()
    progress = school_progress(year, department_ids=[found.id])
    dept = progress.departments[0]
    teachers = teacher_breakdown(found.id, year, progress.as_of)
    chart = approval_chart(cumulative_approvals(year, progress.as_of, [found.id]), dept.target)
    return render_template("targets/department.html", department=found, dept=dept,
                           teachers=teachers, chart=chart, year=year, years=_years())


# The monthly report ----------------------------------------------------------------------------
@bp.route("/report")
@roles_required(*BOARD, *HEADS)
def report():
    scope = _report_scope(current_user)
    day = _selected_day()
    year = _selected_year() if request.args.get("year") else None
    if year is None:
        from .counting import year_of

        year = year_of(day)
    if year is None:
        return _no_year()
    built = build_report(year, day, scope)
    return render_template("targets/report.html", report=built, day=day)


@bp.route("/report.xlsx")
@roles_required(*BOARD, *HEADS)
def report_download():
    from .counting import year_of

    scope = _report_scope(current_user)
    day = _selected_day()
    year = year_of(day)
    if year is None:
        abort(404)
    built = build_report(year, day, scope)
    return _xlsx_response(report_xlsx(built), report_filename(built))


# The catalog -----------------------------------------------------------------------------------
CATALOG_ROLES = (*BOARD, *HEADS, Role.ADMIN)


def _catalog_department() -> Department | None:
    code = request.args.get("department", "").strip()
    if not code:
        return None
    found = db.session.scalar(select(Department).where(Department.code == code))
    if found is None:
        abort(404)
    return found


@bp.route("/catalog")
@roles_required(*CATALOG_ROLES)
def catalog():
    year = _selected_year()
    if year is None:
        return _no_year()
    department = _catalog_department()
    built = build_catalog(year, department)
    departments = list(db.session.scalars(select(Department).order_by(Department.name)))
    return render_template("targets/catalog.html", catalog=built, columns=CATALOG_COLUMNS,
                           heading=catalog_heading(built), closing=confirmation_lines(built),
                           years=_years(), year=year, departments=departments,
                           department=department,
                           may_confirm=current_user.has_role(Role.PRINCIPAL))


@bp.route("/catalog.xlsx")
@roles_required(*CATALOG_ROLES)
def catalog_download():
    year = _selected_year()
    if year is None:
        abort(404)
    built = build_catalog(year, _catalog_department())
    return _xlsx_response(catalog_xlsx(built), catalog_filename(built))


@bp.route("/catalog/confirm", methods=["POST"])
@roles_required(Role.PRINCIPAL)
def confirm():
    """The principal signs the catalog off as it stands (Hiệu trưởng xác nhận)."""
    raw_year = request.form.get("year", "")
    year = db.session.get(SchoolYear, int(raw_year)) if raw_year.isdigit() else None
    if year is None:
        year = SchoolYear.current()
    if year is None:
        return _no_year()
    code = request.form.get("department", "").strip()
    department = None
    if code:
        department = db.session.scalar(select(Department).where(Department.code == code))
        if department is None:
            abort(404)
    confirmation = confirm_catalog(year, department, current_user)
    db.session.commit()
    flash(_("Đã xác nhận danh mục gồm %(count)s học liệu.", count=confirmation.material_count),
          "success")
    return redirect(url_for("targets.catalog", year=year.id,
                            **({"department": department.code} if department else {})))
