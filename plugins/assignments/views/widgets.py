"""The "dashboard" template hook: "Bài chờ chấm" on a teacher's home and the to-do list on a
student's; the "parent-child" hook: one child's missing, due-soon and returned work on their
parent's home."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template
from sqlalchemy import func, select

from lms.extensions import db
from lms.models.base import utcnow

from .. import schedule
from ..models import Assignment, Submission, SubmissionState
from . import presentation
from .listing import student_rows, todo_sections

TEACHING_HOMES = {"department_head", "deputy_head", "teacher"}


def waiting_for_grading(teacher_id: int, year_id: int) -> list[tuple[Assignment, int]]:
    """The teacher's assignments with turned-in work not yet returned, and how many (one
    query), soonest due first."""
    waiting = func.count(Submission.id)
    return [(assignment, count) for assignment, count in db.session.execute(
        select(Assignment, waiting).join(Submission, Submission.assignment_id == Assignment.id)
        .where(Assignment.created_by_id == teacher_id, Assignment.school_year_id == year_id,
               Assignment.deleted_at.is_(None),
               Submission.state == SubmissionState.TURNED_IN.value,
               Submission.excused.is_(False))
        .group_by(Assignment.id).order_by(Assignment.due_at, Assignment.id))]


def dashboard_widget(role=None, user=None, year=None, **_context) -> str:
    if year is None or user is None or not getattr(user, "is_authenticated", False):
        return ""
    helpers = presentation()  # the home page is not the blueprint's: pass its helpers
    if role in TEACHING_HOMES:
        return render_template("assignments/_teacher_widget.html",
                               waiting=waiting_for_grading(user.id, year.id), **helpers)
    if role == "student":
        sections = todo_sections(student_rows(user.id, utcnow()))
        return render_template("assignments/_todo_widget.html", sections=sections, **helpers)
    return ""


#: how many returned pieces of work a parent's home lists
RETURNED_SHOWN = 5


def due_soon(rows: list, now) -> dict[str, list]:
    """Work still to do, by the school's day it is due: today, tomorrow, later this week
    (to Sunday). Later work is on the child's full list."""
    today = schedule.local_today(now)
    end_of_week = today + timedelta(days=6 - today.weekday())
    groups: dict[str, list] = {"today": [], "tomorrow": [], "week": []}
    for row in rows:
        day = schedule.local_today(row.dates.due_at)
        if day <= today:
            groups["today"].append(row)
        elif day == today + timedelta(days=1):
            groups["tomorrow"].append(row)
        elif day <= end_of_week:
            groups["week"].append(row)
    return groups


def child_summary(child_id: int, now) -> dict[str, list]:
    """One child's missing work, work due soon and returned work (released grades only: a
    draft grade is never in a returned row). A fixed number of queries."""
    sections = todo_sections(student_rows(child_id, now))
    returned = [row for row in sections["done"] if row.submission.released_at is not None]
    return {"missing": sections["missing"], "soon": due_soon(sections["todo"], now),
            "returned": returned[:RETURNED_SHOWN]}


def parent_child_widget(child=None, parent=None, **_context) -> str:
    """The "parent-child" hook: shown for the parent's own child, checked again here."""
    if child is None or parent is None or not parent.is_parent_of(child.id):
        return ""
    return render_template("assignments/_parent_widget.html", child=child,
                           sections=child_summary(child.id, utcnow()), **presentation())
