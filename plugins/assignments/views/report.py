"""Báo cáo giao bài (criteria 1.3 and 1.5): department heads see their department, the board the
whole school (or one department), for a range of school days; the same figures as XLSX."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.extensions import db
from lms.models import Department, Role, SchoolYear
from lms.models.base import utcnow
from lms.permissions import roles_required

from .. import reports, schedule
from . import bp
from .forms import ReportForm

READERS = (Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.PRINCIPAL, Role.VICE_PRINCIPAL)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _department_id() -> int | None:
    """The board: the whole school or ?department=<id>; a head or deputy head: their own
    department only, whatever the query says."""
    if current_user.is_board:
        raw = request.args.get("department", "")
        if not raw:
            return None
        department = db.session.get(Department, int(raw)) if raw.isdigit() else None
        if department is None:
            abort(404)
        return department.id
    membership = current_user.department_membership
    if membership is None or membership.position not in ("head", "deputy"):
        abort(403)
    return membership.department_id


def _school_day(text: str) -> date:
    """'dd/mm/yyyy' (school time) → the date, read by the one date parser."""
    return schedule.local_today(schedule.parse_local(text))


def _range(form: ReportForm) -> tuple[date | None, date | None]:
    """The days asked for; by default from the start of the school year to today. Unreadable
    dates go to the form's errors."""
    today = schedule.local_today(utcnow())
    year = SchoolYear.current()
    defaults = {"date_from": year.start_date if year and year.start_date <= today else today,
                "date_to": today}
    days = {}
    for name in ("date_from", "date_to"):
        field = getattr(form, name)
        text = (field.data or "").strip()
        if not text:
            days[name] = defaults[name]
            field.data = days[name].strftime("%d/%m/%Y")
            continue
        try:
            days[name] = _school_day(text)
        except schedule.DateError as error:
            field.errors = [str(error)]
            days[name] = None
    return days["date_from"], days["date_to"]


def _report_or_errors():
    form = ReportForm(request.args)
    department_id = _department_id()
    date_from, date_to = _range(form)
    report = None
    if date_from is not None and date_to is not None:
        try:
            report = reports.criteria_report(date_from, date_to, department_id)
        except ValueError as error:
            form.date_to.errors = [str(error)]
    return form, department_id, report


@bp.route("/report")
@roles_required(*READERS)
def report():
    form, department_id, result = _report_or_errors()
    departments = list(db.session.scalars(select(Department).order_by(Department.name))) \
        if current_user.is_board else []
    return render_template("assignments/report.html", form=form, report=result,
                           department_id=department_id, departments=departments,
                           percent=reports.percent), 200 if result is not None else 400


@bp.route("/report.xlsx")
@roles_required(*READERS)
def report_download():
    form, _department_id, result = _report_or_errors()
    if result is None:
        abort(400, description=" ".join(str(e) for errors in form.errors.values()
                                        for e in errors))
    filename = _("bao-cao-giao-bai_%(start)s_%(end)s.xlsx",
                 start=result.date_from.strftime("%d-%m-%Y"),
                 end=result.date_to.strftime("%d-%m-%Y"))
    return Response(reports.workbook_for(result), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
