"""The dashboard's figures, per teacher, department and school, for a range of school days.

Each part comes from the plugin that records it — assignments given and online regular
assessments from `plugins.assignments.reports.criteria_report`, questions from
`plugins.questions.stats.question_stats` — imported only when that plugin is loaded, so a school
without one still gets the other parts and a clear note about the missing one. Parent links are
the core's (`parent_links`). A fixed number of queries whatever the size of the school.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, select

from lms.extensions import db
from lms.models import Department, DepartmentMembership, Role, SchoolYear, User, UserRole
from lms.plugins import registry

from . import questions_part
from .parent_links import ClassLinks, class_links, school_total


@dataclass
class Figures:
    """One teacher's, one department's or the school's figures; None where a part is missing."""

    name: str
    department: str = ""
    user_id: int | None = None
    department_id: int | None = None
    #: assignments that opened in the range (giao bài)
    assignments: int | None = None
    #: grades released to students in the range (đánh giá thường xuyên trực tuyến)
    assessments: int | None = None
    #: questions students asked in the range
    asked: int | None = None
    #: of those, answered
    answered: int | None = None
    #: median time from a question to its first answer
    median_wait: timedelta | None = None


@dataclass
class Dashboard:
    date_from: date
    date_to: date
    #: None: the whole school; otherwise only this department's part
    department_id: int | None
    teachers: list[Figures] = field(default_factory=list)
    departments: list[Figures] = field(default_factory=list)
    total: Figures = field(default_factory=lambda: Figures(name=_("Toàn trường")))
    classes: list[ClassLinks] = field(default_factory=list)
    classes_total: ClassLinks | None = None
    school_year: SchoolYear | None = None
    #: part name ("assignments", "questions") -> why it is not shown
    missing: dict[str, str] = field(default_factory=dict)


def _teachers(department_id: int | None) -> list[tuple[int, str, int | None, str]]:
    """(user id, full name, department id, department name) of every active teacher, by
    department and the Vietnamese name order (the same rows as the assignments report)."""
    query = (select(User.id, User.full_name, Department.id, Department.name)
             .join(UserRole, and_(UserRole.user_id == User.id,
                                  UserRole.role == Role.TEACHER.value))
             .outerjoin(DepartmentMembership, DepartmentMembership.user_id == User.id)
             .outerjoin(Department, Department.id == DepartmentMembership.department_id)
             .where(User.active.is_(True))
             .order_by(Department.name, User.sort_key))
    if department_id is not None:
        query = query.where(Department.id == department_id)
    return list(db.session.execute(query))


def _loaded(name: str) -> bool:
    return name in registry().plugins


def build_dashboard(date_from: date, date_to: date,
                    department_id: int | None = None) -> Dashboard:
    """Every part of the dashboard for the school's days `date_from` … `date_to` inclusive,
    limited to one department when `department_id` is given."""
    if date_to < date_from:
        raise ValueError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    board = Dashboard(date_from=date_from, date_to=date_to, department_id=department_id)
    rows: dict[int, Figures] = {}
    departments: dict[int | None, Figures] = {}
    for user_id, name, dept_id, dept_name in _teachers(department_id):
        dept_name = dept_name or _("Chưa thuộc tổ nào")
        rows[user_id] = Figures(name=name, department=dept_name, user_id=user_id,
                                department_id=dept_id)
        if dept_id not in departments:
            departments[dept_id] = Figures(name=dept_name, department_id=dept_id)
    board.teachers = list(rows.values())
    board.departments = sorted(departments.values(), key=lambda row: row.name)
    summed = [*board.departments, board.total]

    if _loaded("assignments"):
        from plugins.assignments.reports import criteria_report

        report = criteria_report(date_from, date_to, department_id)
        for row in summed:
            row.assignments = row.assessments = 0
        for given in report.teachers:
            row = rows.get(given.user_id)
            if row is None:  # a teacher who left between the two reads
                continue
            row.assignments, row.assessments = given.assignments, given.assessments
            for total in (departments[row.department_id], board.total):
                total.assignments += given.assignments
                total.assessments += given.assessments
    else:
        board.missing["assignments"] = _(
            "Chức năng Giao bài chưa được bật nên chưa có số bài đã giao và số lần đánh giá "
            "thường xuyên.")

    if _loaded("questions"):
        questions_part.fill(board, rows, departments, date_from, date_to, department_id)
    else:
        board.missing["questions"] = _(
            "Chức năng Hỏi thầy cô chưa được bật nên chưa có số câu hỏi và thời gian trả lời.")

    board.school_year = SchoolYear.current()
    board.classes = class_links(board.school_year, department_id)
    board.classes_total = school_total(board.classes)
    return board


def format_wait(wait: timedelta | None) -> str:
    """timedelta → '2 ngày 3 giờ', '3 giờ 5 phút', '12 phút'; None → '–'."""
    if wait is None:
        return "–"
    minutes = int(wait.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)s ngày %(hours)s giờ", days=days, hours=hours)
    if hours:
        return _("%(hours)s giờ %(minutes)s phút", hours=hours, minutes=minutes)
    return _("%(minutes)s phút", minutes=minutes)
