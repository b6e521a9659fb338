"""Notifications about Hỏi thầy cô: a new question to the class's subject teachers, an answer to
the student and their parents.

The questions plugin sends its signals after committing the thread, so these handlers commit the
notifications they add.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from lms.extensions import db
from lms.models import SchoolClass, TeachingAssignment

from . import creating


def thread_link(thread) -> str:
    return f"/questions/{thread.id}"


def announce_asked(thread, actor) -> None:
    teachers = db.session.scalars(select(TeachingAssignment.teacher_id).where(
        TeachingAssignment.class_id == thread.class_id,
        TeachingAssignment.subject_id == thread.subject_id)).all()
    class_name = db.session.scalar(select(SchoolClass.name).where(
        SchoolClass.id == thread.class_id)) or ""
    recipients = [t for t in teachers if actor is None or t != actor.id]
    creating.add(recipients, "question.asked",
                 _("Câu hỏi mới của %(name)s (lớp %(class_name)s): %(title)s",
                   name=thread.student.full_name, class_name=class_name, title=thread.title),
                 thread_link(thread))
    db.session.commit()


def announce_answered(thread, actor) -> None:
    parents = creating.active_parents([thread.student_id])[thread.student_id]
    creating.add([thread.student_id], "question.answered",
                 _("Thầy cô đã trả lời câu hỏi “%(title)s”.", title=thread.title),
                 thread_link(thread), student_id=thread.student_id)
    creating.add(parents, "question.answered",
                 _("Thầy cô đã trả lời câu hỏi “%(title)s” của %(name)s.", title=thread.title,
                   name=thread.student.full_name),
                 thread_link(thread), student_id=thread.student_id)
    db.session.commit()
