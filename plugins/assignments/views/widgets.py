"""The "dashboard" template hook: "Bài chờ chấm" on a teacher's home, the to-do list on a
student's, and each child's missing, due-soon and returned work on a parent's."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from lms.extensions import db
from lms.models.base import utcnow

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
    if role == "parent":
        return render_template("assignments/_parent_widget.html",
                               children=children_summary(user, utcnow()), **helpers)
    return ""


#: how many returned pieces of work a parent's home lists per child
RETURNED_SHOWN = 3


def children_summary(parent, now) -> list[tuple]:
    """(child, sections) for each of the parent's own children. A few queries per child: a
    family has one to three children at school."""
    summary = []
    for child in parent.children():
        sections = todo_sections(student_rows(child.id, now))
        returned = [row for row in sections["done"] if row.submission.released_at is not None]
        summary.append((child, {"todo": sections["todo"], "missing": sections["missing"],
                                "returned": returned[:RETURNED_SHOWN]}))
    return summary
