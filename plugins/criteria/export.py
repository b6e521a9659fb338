"""The dashboard as an XLSX workbook, one sheet per table, through the project's one XLSX writer
(the targets plugin's `spreadsheet`), so every export looks the same."""
from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from flask_babel import gettext as _

from lms.scores import round_half_up

from .dashboard import Dashboard, Figures
from .parent_links import percent


def _hours(wait: timedelta | None):
    """The median wait in hours with one decimal (a number Excel can sort and average), or ''."""
    if wait is None:
        return ""
    return float(round_half_up(Fraction(int(wait.total_seconds()), 3600)))


def _blank(value):
    return "" if value is None else value


def _figures(row: Figures) -> list:
    return [_blank(row.assignments), _blank(row.assessments), _blank(row.asked),
            _blank(row.answered), _hours(row.median_wait)]


def filename(board: Dashboard) -> str:
    return _("tieu-chi-chuyen-doi-so_%(start)s_%(end)s.xlsx",
             start=board.date_from.strftime("%d-%m-%Y"), end=board.date_to.strftime("%d-%m-%Y"))


def dashboard_xlsx(board: Dashboard) -> bytes:
    from plugins.targets.spreadsheet import Table, xlsx_bytes

    heading = [[_("Tiêu chí chuyển đổi số")],
               [_("Từ ngày %(start)s đến ngày %(end)s",
                  start=board.date_from.strftime("%d/%m/%Y"),
                  end=board.date_to.strftime("%d/%m/%Y"))],
               *([message] for message in board.missing.values()), []]
    figures = [_("Số bài đã giao"), _("Số lần đánh giá thường xuyên trực tuyến"),
               _("Số câu hỏi của học sinh"), _("Số câu hỏi đã trả lời"),
               _("Thời gian chờ trả lời (trung vị, giờ)")]
    departments = Table(
        title=_("Theo tổ"), header=[_("STT"), _("Tổ"), *figures],
        rows=[[n, row.name, *_figures(row)] for n, row in enumerate(board.departments, 1)],
        heading=heading,
        closing=[] if board.department_id else [[], ["", board.total.name,
                                                     *_figures(board.total)]],
        widths=(6, 28, 12, 16, 14, 14, 18))
    teachers = Table(
        title=_("Theo giáo viên"), header=[_("STT"), _("Giáo viên"), _("Tổ"), *figures],
        rows=[[n, row.name, row.department, *_figures(row)]
              for n, row in enumerate(board.teachers, 1)],
        heading=heading, widths=(6, 28, 22, 12, 16, 14, 14, 18))
    year = board.school_year.name if board.school_year else ""
    total = board.classes_total
    classes = Table(
        title=_("Phụ huynh theo lớp"),
        header=[_("STT"), _("Lớp"), _("Giáo viên chủ nhiệm"), _("Số học sinh"),
                _("Học sinh có phụ huynh liên kết"), _("Tỉ lệ")],
        rows=[[n, c.name, c.homeroom_teacher, c.enrolled, c.linked, percent(c.share)]
              for n, c in enumerate(board.classes, 1)],
        heading=[[_("Phụ huynh tham gia theo dõi việc học của con")],
                 [_("Năm học %(year)s, tính đến ngày xuất tệp", year=year)], []],
        closing=[[], ["", _("Tổng"), "", total.enrolled, total.linked, percent(total.share)]]
        if total else [],
        widths=(6, 10, 28, 12, 18, 10))
    return xlsx_bytes([departments, teachers, classes])
