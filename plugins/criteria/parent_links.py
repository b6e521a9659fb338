"""Share of parents linked per class (001 criterion 1.3, "cha mẹ học sinh tham gia"): students
with at least one ACTIVE parent link out of the students enrolled, for the current school year's
classes. One grouped query whatever the number of classes."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from lms.extensions import db
from lms.models import (
    ClassEnrollment,
    DepartmentMembership,
    GradeLevel,
    ParentLink,
    ParentLinkStatus,
    SchoolClass,
    SchoolYear,
    User,
)
from lms.scores import round_half_up


@dataclass
class ClassLinks:
    """One class: its students and how many of them a parent follows."""

    class_id: int
    name: str
    homeroom_teacher: str
    enrolled: int
    linked: int

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.linked, self.enrolled) if self.enrolled else None


def percent(share: Fraction | None) -> str:
    """Fraction(2, 3) → '66,7%' (half up, one decimal, decimal comma); None → '–'."""
    if share is None:
        return "–"
    return f"{round_half_up(share * 100):f}".replace(".", ",") + "%"


def class_links(school_year: SchoolYear | None,
                department_id: int | None = None) -> list[ClassLinks]:
    """Every class of `school_year` by grade and name, with its active students and those linked
    to an active parent account. With `department_id`: the classes whose homeroom teacher
    belongs to that department (the homeroom teacher is the one who approves parents' links,
    so that is whom a department head follows up)."""
    if school_year is None:
        return []
    student, parent, homeroom = aliased(User), aliased(User), aliased(User)
    linked_students = (select(ParentLink.student_id)
                       .join(parent, parent.id == ParentLink.parent_id)
                       .where(ParentLink.status == ParentLinkStatus.ACTIVE.value,
                              parent.active.is_(True)))
    query = (
        select(SchoolClass.id, SchoolClass.name, homeroom.full_name,
               func.count(student.id),
               func.count(case((student.id.in_(linked_students), student.id))))
        .select_from(SchoolClass)
        .join(GradeLevel, GradeLevel.id == SchoolClass.grade_level_id)
        .outerjoin(homeroom, homeroom.id == SchoolClass.homeroom_teacher_id)
        .outerjoin(ClassEnrollment, ClassEnrollment.class_id == SchoolClass.id)
        .outerjoin(student, and_(student.id == ClassEnrollment.student_id,
                                 student.active.is_(True)))
        .where(SchoolClass.school_year_id == school_year.id)
        .group_by(SchoolClass.id, SchoolClass.name, homeroom.full_name, GradeLevel.number)
        .order_by(GradeLevel.number, SchoolClass.name)
    )
    if department_id is not None:
        query = query.where(SchoolClass.homeroom_teacher_id.in_(
            select(DepartmentMembership.user_id)
            .where(DepartmentMembership.department_id == department_id)))
    return [ClassLinks(class_id, name, teacher or "", enrolled, linked)
            for class_id, name, teacher, enrolled, linked in db.session.execute(query)]


def school_total(classes: list[ClassLinks]) -> ClassLinks:
    """The sum over `classes` (a student is enrolled in one class a year)."""
    return ClassLinks(0, "", "", sum(c.enrolled for c in classes), sum(c.linked for c in classes))
