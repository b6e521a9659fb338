"""Figures for the plans' criteria (001 criterion 1.3 and 1.5) per teacher and department over a
date range: assignments given (giao bài), the share of work turned in, the share graded within
N days, and the online regular assessments recorded (kiểm tra đánh giá thường xuyên: grades
released to students). Shown to department heads and the board; downloadable as XLSX.

Four queries whatever the size of the school; the arithmetic is done here, exactly.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from lms.extensions import db
from lms.models import Department, DepartmentMembership, Role, User, UserRole
from lms.scores import round_half_up

from .models import Assignment, Submission, SubmissionEvent, SubmissionState
from .schedule import to_utc

DEFAULT_GRADED_WITHIN_DAYS = 7
_HANDED_IN = (SubmissionState.TURNED_IN.value, SubmissionState.RETURNED.value)


@dataclass
class ReportRow:
    """One teacher's or one department's figures."""

    name: str
    department: str = ""
    #: the teacher's user id (None for a department or the school), to join other figures on
    user_id: int | None = None
    #: assignments that opened in the range
    assignments: int = 0
    #: their students' work, excused students left out
    expected: int = 0
    #: of which turned in (online or on paper)
    turned_in: int = 0
    #: of the work turned in, graded within the N days after it was handed in (or due, on paper)
    graded_in_time: int = 0
    #: grades released to students and parents in the range (online regular assessments)
    assessments: int = 0

    @property
    def turned_in_share(self) -> Fraction | None:
        return Fraction(self.turned_in, self.expected) if self.expected else None

    @property
    def graded_share(self) -> Fraction | None:
        return Fraction(self.graded_in_time, self.turned_in) if self.turned_in else None

    def add(self, other: ReportRow) -> None:
        self.assignments += other.assignments
        self.expected += other.expected
        self.turned_in += other.turned_in
        self.graded_in_time += other.graded_in_time
        self.assessments += other.assessments


@dataclass
class CriteriaReport:
    date_from: date
    date_to: date
    graded_within_days: int
    teachers: list[ReportRow] = field(default_factory=list)
    departments: list[ReportRow] = field(default_factory=list)
    total: ReportRow = field(default_factory=lambda: ReportRow(name=_("Toàn trường")))


def percent(share: Fraction | None) -> str:
    """Fraction(2, 3) → '66,7%' (half up, one decimal); None → '–'."""
    if share is None:
        return "–"
    return f"{round_half_up(share * 100):f}".replace(".", ",") + "%"


def _utc_range(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The school's days date_from … date_to (inclusive) as a half-open UTC range."""
    return (to_utc(datetime.combine(date_from, time())),
            to_utc(datetime.combine(date_to + timedelta(days=1), time())))


def _teachers(department_id: int | None) -> list[tuple[int, str, str, int | None]]:
    """(user id, full name, department name, department id) of every teacher, by department and
    the Vietnamese name order."""
    query = (select(User.id, User.full_name, Department.name, Department.id)
             .join(UserRole, and_(UserRole.user_id == User.id,
                                  UserRole.role == Role.TEACHER.value))
             .outerjoin(DepartmentMembership, DepartmentMembership.user_id == User.id)
             .outerjoin(Department, Department.id == DepartmentMembership.department_id)
             .where(User.active.is_(True))
             .order_by(Department.name, User.sort_key))
    if department_id is not None:
        query = query.where(Department.id == department_id)
    return [(row[0], row[1], row[2] or "", row[3]) for row in db.session.execute(query)]


def criteria_report(date_from: date, date_to: date, department_id: int | None = None,
                    graded_within_days: int = DEFAULT_GRADED_WITHIN_DAYS) -> CriteriaReport:
    """Rows per teacher (every teacher, with zeros too: the head chases those behind), per
    department and for the school, for assignments opened between the school's days
    `date_from` and `date_to` inclusive, and grades released in those days."""
    if date_to < date_from:
        raise ValueError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    start, end = _utc_range(date_from, date_to)
    window = timedelta(days=graded_within_days)
    teachers = _teachers(department_id)
    rows = {teacher_id: ReportRow(name=name, department=department, user_id=teacher_id)
            for teacher_id, name, department, _dept in teachers}
    given = (select(Assignment.id).where(
        Assignment.deleted_at.is_(None), Assignment.opens_at >= start, Assignment.opens_at < end,
        Assignment.created_by_id.in_(list(rows))))
    for teacher_id, count in db.session.execute(
            select(Assignment.created_by_id, func.count(Assignment.id))
            .where(Assignment.id.in_(given)).group_by(Assignment.created_by_id)):
        rows[teacher_id].assignments = count
    first_graded = (select(SubmissionEvent.submission_id, func.min(SubmissionEvent.at).label("at"))
                    .where(SubmissionEvent.action == "graded")
                    .group_by(SubmissionEvent.submission_id).subquery())
    work = db.session.execute(
        select(Assignment.created_by_id, Submission.state, Submission.on_paper,
               Submission.turned_in_at, Assignment.due_at, first_graded.c.at)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .outerjoin(first_graded, first_graded.c.submission_id == Submission.id)
        .where(Submission.assignment_id.in_(given), Submission.excused.is_(False)))
    for teacher_id, state, on_paper, turned_in_at, due_at, graded_at in work:
        row = rows[teacher_id]
        row.expected += 1
        if state in _HANDED_IN or on_paper:
            row.turned_in += 1
            handed_at = turned_in_at or due_at
            if graded_at is not None and graded_at <= handed_at + window:
                row.graded_in_time += 1
    for teacher_id, count in db.session.execute(
            select(Assignment.created_by_id, func.count(Submission.id))
            .join(Assignment, Assignment.id == Submission.assignment_id)
            .where(Assignment.deleted_at.is_(None), Assignment.created_by_id.in_(list(rows)),
                   Submission.released_at >= start, Submission.released_at < end,
                   or_(Submission.released_score.is_not(None),
                       Submission.released_passed.is_not(None)))
            .group_by(Assignment.created_by_id)):
        rows[teacher_id].assessments = count
    report = CriteriaReport(date_from=date_from, date_to=date_to,
                            graded_within_days=graded_within_days)
    by_department: dict[str, ReportRow] = defaultdict(lambda: ReportRow(name=""))
    for teacher_id, _name, department, _dept in teachers:
        row = rows[teacher_id]
        report.teachers.append(row)
        department_row = by_department[department]
        department_row.name = department or _("Chưa thuộc tổ nào")
        department_row.add(row)
        report.total.add(row)
    report.departments = sorted(by_department.values(), key=lambda r: r.name)
    return report


def _table_rows(rows: list[ReportRow], with_department: bool) -> list[list]:
    lines = []
    for number, row in enumerate(rows, start=1):
        line = [number, row.name]
        if with_department:
            line.append(row.department)
        line += [row.assignments, row.expected, row.turned_in, percent(row.turned_in_share),
                 row.graded_in_time, percent(row.graded_share), row.assessments]
        lines.append(line)
    return lines


def report_xlsx(date_from: date, date_to: date, department_id: int | None = None,
                graded_within_days: int = DEFAULT_GRADED_WITHIN_DAYS) -> bytes:
    """The report as an XLSX workbook: one sheet per teacher, one per department."""
    return workbook_for(criteria_report(date_from, date_to, department_id, graded_within_days))


def workbook_for(report: CriteriaReport) -> bytes:
    # the project's one XLSX writer (the targets plugin's), so every export looks the same
    from plugins.targets.spreadsheet import Table, xlsx_bytes

    days = report.graded_within_days
    figures = [_("Số bài đã giao"), _("Số bài phải nộp"), _("Số bài đã nộp"), _("Tỉ lệ nộp bài"),
               _("Chấm trong %(n)s ngày", n=days), _("Tỉ lệ chấm trong %(n)s ngày", n=days),
               _("Số lần đánh giá thường xuyên trực tuyến")]
    heading = [[_("Giao bài và đánh giá thường xuyên trên hệ thống")],
               [_("Từ ngày %(start)s đến ngày %(end)s",
                  start=report.date_from.strftime("%d/%m/%Y"),
                  end=report.date_to.strftime("%d/%m/%Y"))], []]
    total = report.total
    closing = [[], ["", total.name, total.assignments, total.expected, total.turned_in,
                    percent(total.turned_in_share), total.graded_in_time,
                    percent(total.graded_share), total.assessments]]
    teachers = Table(title=_("Theo giáo viên"),
                     header=[_("STT"), _("Giáo viên"), _("Tổ"), *figures],
                     rows=_table_rows(report.teachers, with_department=True), heading=heading,
                     widths=(6, 28, 22, 12, 12, 12, 12, 14, 14, 18))
    departments = Table(title=_("Theo tổ"), header=[_("STT"), _("Tổ"), *figures],
                        rows=_table_rows(report.departments, with_department=False),
                        heading=heading, closing=closing,
                        widths=(6, 28, 12, 12, 12, 12, 14, 14, 18))
    return xlsx_bytes([teachers, departments])
