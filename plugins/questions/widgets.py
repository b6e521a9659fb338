"""What the plugin adds to other pages: the teacher's queue on their home, a parent's child's
questions, and the "ask about this lesson" link on a material's page for students."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.models import Role
from lms.models.base import utcnow

from . import TEACHING
from .models import Message, Thread
from .queue import teacher_queue, teacher_queue_size

#: how many waiting questions the home shows before "see all"
WIDGET_QUEUE = 5
#: how many of a child's questions the parent's home shows
CHILD_THREADS = 5


def dashboard_widget(role=None, user=None, **_context) -> str:
    if role not in TEACHING or user is None:
        return ""
    threads = teacher_queue(user, limit=WIDGET_QUEUE)
    total = teacher_queue_size(user)
    return render_template("questions/_queue_widget.html", threads=threads, total=total,
                           now=utcnow())


def parent_child_widget(child=None, parent=None, **_context) -> str:
    """The child's latest questions with the teachers' answers, read-only (active links only:
    the hook is shown to parents of their own children, and checked again here)."""
    if child is None or parent is None or not parent.is_parent_of(child.id):
        return ""
    threads = db.session.scalars(
        select(Thread).options(selectinload(Thread.subject),
                               selectinload(Thread.messages).selectinload(Message.author))
        .where(Thread.student_id == child.id)
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc()).limit(CHILD_THREADS)).all()
    if not threads:
        return ""
    return render_template("questions/_parent_child.html", child=child, threads=threads)


def material_page_link(material=None, **_context) -> str:
    if material is None or not current_user.is_authenticated:
        return ""
    if not current_user.has_role(Role.STUDENT) or material.approved_at is None:
        return ""
    return render_template("questions/_material_link.html", material=material)
