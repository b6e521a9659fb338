"""The board's period (dd/mm/yyyy, school time) and the statistics as an XLSX workbook
(written by the project's one XLSX writer, plugins/targets/spreadsheet.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from lms.models.base import utcnow
from plugins.assignments.schedule import DateError, format_local_date, local_today, parse_local
from plugins.targets.spreadsheet import Table, xlsx_bytes

from .stats import QuestionStats, StatsRow

#: the period shown when none is chosen: the last 30 days, today included
DEFAULT_DAYS = 30


def period_from_form(form) -> tuple[tuple[datetime, datetime], list[str]]:
    """((from, to) naive UTC, errors): from 00:00 of the first day to 00:00 after the last.
    Empty fields mean the last 30 days; a bad one is reported and the default used."""
    today = local_today(utcnow())
    errors: list[str] = []
    default_to = today.strftime("%d/%m/%Y")
    default_from = (today - timedelta(days=DEFAULT_DAYS - 1)).strftime("%d/%m/%Y")
    form.date_from.data = (form.date_from.data or "").strip() or default_from
    form.date_to.data = (form.date_to.data or "").strip() or default_to
    try:
        start = parse_local(form.date_from.data)
    except DateError:
        errors.append(_("Từ ngày “%(text)s” không đúng dạng dd/mm/yyyy.",
                        text=form.date_from.data))
        start = parse_local(default_from)
    try:
        end = parse_local(form.date_to.data) + timedelta(days=1)
    except DateError:
        errors.append(_("Đến ngày “%(text)s” không đúng dạng dd/mm/yyyy.", text=form.date_to.data))
        end = parse_local(default_to) + timedelta(days=1)
    if end <= start:
        errors.append(_("Đến ngày phải sau hoặc bằng từ ngày."))
        start, end = parse_local(default_from), parse_local(default_to) + timedelta(days=1)
    return (start, end), errors


def format_minutes(minutes: float | None) -> str:
    """'1 giờ 5 phút', '2 ngày 3 giờ', '—' when nothing was answered."""
    if minutes is None:
        return "—"
    whole = round(minutes)
    days, rest = divmod(whole, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s ngày %(h)s giờ", d=days, h=hours)
    if hours:
        return _("%(h)s giờ %(m)s phút", h=hours, m=mins)
    return _("%(m)s phút", m=mins)


def _cells(row: StatsRow, with_department: bool) -> list:
    cells = [row.name] + ([row.department] if with_department else [])
    hours = None if row.median_minutes is None else round(row.median_minutes / 60, 2)
    return [*cells, row.asked, row.answered, row.unanswered, hours]


def stats_tables(stats: QuestionStats) -> bytes:
    period = _("Từ %(start)s đến %(end)s", start=format_local_date(stats.date_from),
               end=format_local_date(stats.date_to - timedelta(days=1)))
    counts = [_("Câu hỏi"), _("Đã trả lời"), _("Chưa trả lời"),
              _("Thời gian trả lời (trung vị, giờ)")]
    return xlsx_bytes([
        Table(_("Theo giáo viên"), [_("Giáo viên"), _("Tổ"), *counts],
              [_cells(row, True) for row in stats.teachers],
              heading=[[_("Thống kê hỏi đáp theo giáo viên")], [period]],
              widths=(30, 24, 12, 12, 14, 20)),
        Table(_("Theo tổ"), [_("Tổ"), *counts],
              [_cells(row, False) for row in stats.departments],
              heading=[[_("Thống kê hỏi đáp theo tổ")], [period]], widths=(30, 12, 12, 14, 20)),
    ])
