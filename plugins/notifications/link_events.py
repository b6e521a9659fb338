"""A parent asked to be linked to a child: the homeroom teacher of the child's class this year
decides, so they are told. Joins the caller's transaction (the parents plugin commits)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from lms.extensions import db
from lms.models import ClassEnrollment, SchoolClass, SchoolYear, User

from . import creating


def announce_requested(link) -> None:
    year = SchoolYear.current()
    if year is None:
        return
    found = db.session.execute(
        select(SchoolClass.id, SchoolClass.name, SchoolClass.homeroom_teacher_id)
        .join(ClassEnrollment, ClassEnrollment.class_id == SchoolClass.id)
        .where(ClassEnrollment.student_id == link.student_id,
               SchoolClass.school_year_id == year.id)).first()
    if found is None or found.homeroom_teacher_id is None:
        return
    names = dict(db.session.execute(select(User.id, User.full_name).where(
        User.id.in_([link.parent_id, link.student_id]))).all())
    creating.add([found.homeroom_teacher_id], "parent_link.requested",
                 _("Phụ huynh %(parent)s xin liên kết với học sinh %(student)s (lớp %(class_name)s).",
                   parent=names.get(link.parent_id, ""), student=names.get(link.student_id, ""),
                   class_name=found.name),
                 f"/parents/classes/{found.id}")
