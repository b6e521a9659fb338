"""The parent's home: a switcher between their own children and, for the chosen child, what
each plugin contributes to the "parent-child" hook. This plugin's own part is the lessons the
child finished this school year, with the time spent."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template, request
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import LearningAttempt, Material, SchoolYear
from lms.template_helpers import template_hook


def chosen_child(children: list, wanted: str | None):
    """The child named by ?child=<id> if it is one of the parent's own, else the first."""
    for child in children:
        if str(child.id) == (wanted or ""):
            return child
    return children[0] if children else None


def parent_home(role=None, user=None, **_context) -> str:
    """The "dashboard" hook for parents: only their own active children are offered."""
    if role != "parent" or user is None or not getattr(user, "is_authenticated", False):
        return ""
    children = user.children()
    child = chosen_child(children, request.args.get("child"))
    sections = template_hook("parent-child", child=child, parent=user) if child else ""
    return render_template("parents/_home.html", children=children, child=child,
                           sections=sections)


@dataclass
class LessonDone:
    title: str
    completed_at: datetime
    seconds: float

    @property
    def hours_minutes(self) -> tuple[int, int]:
        return divmod(round(self.seconds / 60), 60)


def lessons_done(student_id: int, year: SchoolYear) -> list[LessonDone]:
    """Lessons the student completed this school year, latest first, with the time spent over
    all their attempts of each (one query)."""
    since = datetime.combine(year.start_date, datetime.min.time())
    completed = func.max(LearningAttempt.completed_at)
    rows = db.session.execute(
        select(Material.title, completed, func.sum(LearningAttempt.total_time_seconds))
        .join(Material, Material.id == LearningAttempt.material_id)
        .where(LearningAttempt.user_id == student_id, LearningAttempt.started_at >= since)
        .group_by(Material.id, Material.title)
        .having(completed.is_not(None))
        .order_by(completed.desc()))
    return [LessonDone(title, done_at, seconds or 0.0) for title, done_at, seconds in rows]


def lessons_section(child=None, parent=None, **_context) -> str:
    """The "parent-child" hook: the child's finished lessons (the caller showed the hook only
    for the parent's own child; checked again here)."""
    if child is None or parent is None or not parent.is_parent_of(child.id):
        return ""
    year = SchoolYear.current()
    if year is None:
        return ""
    return render_template("parents/_lessons.html", child=child,
                           lessons=lessons_done(child.id, year))
