"""What the homeroom teacher (or Tổ CNTT) sees of a class's parents: who is linked, pending
requests, and each student's current linking code, in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import select

from lms.extensions import db
from lms.models import ClassEnrollment, ParentLink, Role, SchoolClass, SchoolYear, User
from lms.models.base import utcnow

from .models import LinkCode


def manages_class(user, school_class: SchoolClass) -> bool:
    """The class's homeroom teacher and administrators manage its parents' links."""
    return user.has_role(Role.ADMIN) or school_class.homeroom_teacher_id == user.id


def managed_class_or_403(user, class_id: int) -> SchoolClass:
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None:
        abort(404)
    if not manages_class(user, school_class):
        abort(403)
    return school_class


def student_in_class_or_404(school_class: SchoolClass, student_id: int) -> User:
    student = db.session.scalar(
        select(User).join(ClassEnrollment, ClassEnrollment.student_id == User.id)
        .where(ClassEnrollment.class_id == school_class.id, User.id == student_id))
    if student is None:
        abort(404)
    return student


def homeroom_classes(user) -> list[SchoolClass]:
    """Classes of the current year whose parents' links `user` manages."""
    year = SchoolYear.current()
    if year is None:
        return []
    query = select(SchoolClass).where(SchoolClass.school_year_id == year.id)
    if not user.has_role(Role.ADMIN):
        query = query.where(SchoolClass.homeroom_teacher_id == user.id)
    return list(db.session.scalars(query.order_by(SchoolClass.name)))


def is_homeroom_teacher(user) -> bool:
    """For the navigation: a homeroom teacher of the current year."""
    year = SchoolYear.current()
    return year is not None and db.session.scalar(
        select(SchoolClass.id).where(SchoolClass.school_year_id == year.id,
                                     SchoolClass.homeroom_teacher_id == user.id).limit(1)
    ) is not None


@dataclass
class StudentLinks:
    student: User
    #: (link, parent account) pairs
    active: list[tuple[ParentLink, User]] = field(default_factory=list)
    pending: list[tuple[ParentLink, User]] = field(default_factory=list)
    #: the student's code that still works, if any
    code: LinkCode | None = None


def class_roster(school_class: SchoolClass) -> list[StudentLinks]:
    """Students in given-name order with their links and usable code (three queries)."""
    students = list(db.session.scalars(
        select(User).join(ClassEnrollment, ClassEnrollment.student_id == User.id)
        .where(ClassEnrollment.class_id == school_class.id).order_by(User.sort_key)))
    rows = {s.id: StudentLinks(s) for s in students}
    if not rows:
        return []
    for link, parent in db.session.execute(
            select(ParentLink, User).join(User, User.id == ParentLink.parent_id)
            .where(ParentLink.student_id.in_(rows))
            .order_by(ParentLink.created_at, ParentLink.id)):
        if link.status == "active":
            rows[link.student_id].active.append((link, parent))
        elif link.status == "pending":
            rows[link.student_id].pending.append((link, parent))
    now = utcnow()
    for link_code in db.session.scalars(
            select(LinkCode).where(LinkCode.student_id.in_(rows), LinkCode.used_at.is_(None),
                                   LinkCode.revoked_at.is_(None), LinkCode.expires_at > now)
            .order_by(LinkCode.created_at)):
        rows[link_code.student_id].code = link_code
    return list(rows.values())
