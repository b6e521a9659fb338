"""The "dashboard" template hook: a summary on the board's home and on each teacher's home."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import exists, or_, select

from lms.extensions import db
from lms.models import Material, MaterialAuthor

from .counting import own_progress, school_progress

BOARD_HOMES = {"principal", "vice_principal"}
TEACHING_HOMES = {"department_head", "deputy_head", "teacher"}
#: how many returned materials the teacher's widget lists (the count shows them all)
RETURNED_SHOWN = 10


def returned_to(user_id: int) -> list[Material]:
    """Materials waiting on their author: returned with a reason, newest first."""
    co_author = exists().where(MaterialAuthor.material_id == Material.id,
                               MaterialAuthor.user_id == user_id)
    return list(db.session.scalars(
        select(Material).where(Material.status == "returned", Material.deleted_at.is_(None),
                               or_(Material.author_id == user_id, co_author))
        .order_by(Material.updated_at.desc(), Material.id.desc()).limit(RETURNED_SHOWN)))


def dashboard_widget(role=None, user=None, year=None, **_context) -> str:
    if year is None or user is None or not getattr(user, "is_authenticated", False):
        return ""
    if role in BOARD_HOMES:
        return render_template("targets/_board_widget.html", progress=school_progress(year))
    if role in TEACHING_HOMES:
        membership = user.department_membership
        department = None
        if membership is not None and membership.position in ("head", "deputy"):
            department = school_progress(year, department_ids=[membership.department_id]) \
                .departments[0]
        return render_template("targets/_teacher_widget.html", mine=own_progress(user.id, year),
                               returned=returned_to(user.id), department=department, year=year)
    return ""
