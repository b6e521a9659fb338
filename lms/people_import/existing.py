"""What the database already holds, loaded in a few bulk queries (never one query per row)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    ClassEnrollment,
    Department,
    DepartmentMembership,
    GradeLevel,
    ParentLink,
    Role,
    SchoolClass,
    User,
    UserRole,
)
from ..vietnamese import fold

#: Values per IN (...) list: far below SQLite's and PostgreSQL's parameter limits.
CHUNK = 500


def chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    batch: list = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class Person:
    """The columns of an existing account that an import compares, plus its roles."""

    id: int
    username: str
    full_name: str
    birth_date: date | None
    email: str | None
    phone: str | None
    external_code: str | None
    national_id: str | None
    roles: set[str] = field(default_factory=set)


_PERSON_COLUMNS = (User.id, User.username, User.full_name, User.birth_date, User.email, User.phone,
                   User.external_code, User.national_id)


def _people(condition_for_chunk, values: Iterable) -> dict[int, Person]:
    people: dict[int, Person] = {}
    for batch in chunks(sorted(set(values))):
        for row in db.session.execute(select(*_PERSON_COLUMNS).where(condition_for_chunk(batch))):
            people[row.id] = Person(*row)
    for batch in chunks(people):
        for user_id, role in db.session.execute(
                select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(batch))):
            people[user_id].roles.add(role)
    return people


def people_by_code(codes: Iterable[str]) -> dict[str, Person]:
    found = _people(lambda batch: User.external_code.in_(batch), codes)
    return {person.external_code: person for person in found.values()}


def people_by_national_id(national_ids: Iterable[str]) -> dict[str, Person]:
    found = _people(lambda batch: User.national_id.in_(batch), national_ids)
    return {person.national_id: person for person in found.values()}


def people_by_email(emails: Iterable[str]) -> dict[str, list[Person]]:
    found = _people(lambda batch: func.lower(User.email).in_(batch), emails)
    by_email: dict[str, list[Person]] = {}
    for person in sorted(found.values(), key=lambda p: p.id):
        by_email.setdefault(person.email.lower(), []).append(person)
    return by_email


def people_by_phone(phones: Iterable[str]) -> dict[str, list[Person]]:
    found = _people(lambda batch: User.phone.in_(batch), phones)
    by_phone: dict[str, list[Person]] = {}
    for person in sorted(found.values(), key=lambda p: p.id):
        by_phone.setdefault(person.phone, []).append(person)
    return by_phone


def all_usernames() -> set[str]:
    return set(db.session.scalars(select(User.username)))


def grade_levels() -> dict[int, int]:
    """grade number -> id"""
    return {number: id_ for id_, number in db.session.execute(
        select(GradeLevel.id, GradeLevel.number))}


@dataclass
class ClassInfo:
    id: int
    homeroom_teacher_id: int | None


def classes_of_year(school_year_id: int) -> dict[str, ClassInfo]:
    rows = db.session.execute(
        select(SchoolClass.name, SchoolClass.id, SchoolClass.homeroom_teacher_id)
        .where(SchoolClass.school_year_id == school_year_id))
    return {name.upper(): ClassInfo(id_, teacher) for name, id_, teacher in rows}


def enrollments_in_year(student_ids: Iterable[int], school_year_id: int) -> dict[int, tuple]:
    """student id -> (enrollment id, class id) in the given school year."""
    found: dict[int, tuple] = {}
    for batch in chunks(student_ids):
        for enrollment_id, student_id, class_id in db.session.execute(
            select(ClassEnrollment.id, ClassEnrollment.student_id, ClassEnrollment.class_id)
            .join(SchoolClass, SchoolClass.id == ClassEnrollment.class_id)
            .where(ClassEnrollment.student_id.in_(batch),
                   SchoolClass.school_year_id == school_year_id)
            .order_by(ClassEnrollment.id)
        ):
            found.setdefault(student_id, (enrollment_id, class_id))
    return found


def parent_links(student_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(parent id, student id) pairs already linked."""
    links: set[tuple[int, int]] = set()
    for batch in chunks(student_ids):
        links.update((parent_id, student_id) for parent_id, student_id in db.session.execute(
            select(ParentLink.parent_id, ParentLink.student_id)
            .where(ParentLink.student_id.in_(batch))))
    return links


def memberships(user_ids: Iterable[int]) -> dict[int, tuple]:
    """user id -> (membership id, department id, position)."""
    found: dict[int, tuple] = {}
    for batch in chunks(user_ids):
        for row in db.session.execute(
            select(DepartmentMembership.user_id, DepartmentMembership.id,
                   DepartmentMembership.department_id, DepartmentMembership.position)
            .where(DepartmentMembership.user_id.in_(batch))
        ):
            found[row[0]] = tuple(row[1:])
    return found


def department_key(written: str) -> str:
    """'Tổ Toán – Tin', 'toán-tin' and 'TỔ CHUYÊN MÔN TOÁN TIN' all give 'toantin'."""
    folded = re.sub(r"^to\s+(chuyen\s+mon\s+|bo\s+mon\s+)?", "", fold(written).strip())
    return re.sub(r"[^a-z0-9]", "", folded)


def departments() -> dict[str, int]:
    """Lookup key (code upper-cased, or folded name) -> department id."""
    lookup: dict[str, int] = {}
    for id_, code, name in db.session.execute(
            select(Department.id, Department.code, Department.name)):
        lookup[code.upper()] = id_
        lookup[department_key(name)] = id_
    return lookup


PARENT = Role.PARENT.value
STUDENT = Role.STUDENT.value
