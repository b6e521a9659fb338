"""Applying a checked plan in one transaction: everything is written, or nothing is.

Rows go in with multi-row INSERT ... RETURNING and executemany UPDATEs, so the number of
statements grows with the number of tables and batches, not with the number of people.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, insert, select, update

from ..extensions import db
from ..models import (
    ROLE_LABELS,
    ClassEnrollment,
    DepartmentMembership,
    GradeLevel,
    ParentLink,
    Role,
    SchoolClass,
    User,
    UserRole,
    audit,
)
from ..models.base import utcnow
from ..signals import people_imported
from ..vietnamese import name_sort_key
from .existing import chunks, grade_levels
from .password_sheet import Slip, hash_passwords, new_password
from .planning import ImportPlan


@dataclass
class ImportResult:
    """What a committed import did: counts per group and the slips of the accounts it created."""

    kind: str
    counts: dict[str, dict[str, int]]
    #: plain initial passwords, in memory only: hand them over, then drop this object
    slips: list[Slip] = field(default_factory=list, repr=False)

def _insert_and_fetch_ids(model, rows: list[dict], key: str, where=None) -> dict:
    """Insert rows, then read back {row[key]: id} in chunks.

    Not INSERT ... RETURNING: to keep RETURNING in parameter order SQLAlchemy falls back to one
    statement per row on SQLite, and that is what this module exists to avoid.
    """
    _insert(model, rows)
    column = getattr(model, key)
    ids: dict = {}
    for batch in chunks(row[key] for row in rows):
        query = select(column, model.id).where(column.in_(batch))
        if where is not None:
            query = query.where(where)
        ids.update((value, id_) for value, id_ in db.session.execute(query))
    return ids


def apply_plan(plan: ImportPlan, actor=None,
               progress: Callable[[int], None] | None = None) -> ImportResult:
    """Write the plan and commit. `plan.ok` must be true. Sends `people_imported`."""
    if not plan.ok:
        raise ValueError("a plan with bad rows cannot be applied")
    try:
        result = _write(plan, actor, progress)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    people_imported.send(current_app._get_current_object(), result=result, actor=actor)
    return result


def _write(plan: ImportPlan, actor, progress) -> ImportResult:
    _insert(GradeLevel, [{"number": n} for n in plan.new_grades])
    grade_ids = grade_levels() if plan.new_classes else {}
    class_names = list(plan.new_classes)
    class_ids = _insert_and_fetch_ids(SchoolClass, [
        {"name": name, "school_year_id": plan.school_year_id,
         "grade_level_id": grade_ids[plan.new_classes[name]]} for name in class_names],
        "name", SchoolClass.school_year_id == plan.school_year_id)

    passwords = [new_password() for _ in plan.new_accounts]
    hashes = hash_passwords(passwords, progress)
    ids_by_username = _insert_and_fetch_ids(User, [
        {"username": a.username, "full_name": a.full_name, "sort_key": name_sort_key(a.full_name),
         "email": a.email, "phone": a.phone, "birth_date": a.birth_date,
         "external_code": a.external_code, "national_id": a.national_id,
         "password_hash": hashed, "active": True,
         "must_change_password": True, "created_at": utcnow()}
        for a, hashed in zip(plan.new_accounts, hashes)], "username")
    user_ids = {a.key: ids_by_username[a.username] for a in plan.new_accounts}

    def user(ref):
        return user_ids[ref] if isinstance(ref, str) else ref

    def school_class(ref):
        return class_ids[ref] if isinstance(ref, str) else ref

    roles = [{"user_id": user_ids[a.key], "role": role} for a in plan.new_accounts
             for role in [a.role, *a.extra_roles]]
    roles += [{"user_id": user(ref), "role": role} for ref, role in plan.roles_added]
    _insert(UserRole, roles)
    for user_id, role in plan.roles_removed:
        db.session.execute(delete(UserRole).where(UserRole.user_id == user_id,
                                                  UserRole.role == role))
    updates = [dict(u, sort_key=name_sort_key(u["full_name"])) if "full_name" in u else u
               for u in plan.user_updates]
    _update(User, updates)
    _insert(ClassEnrollment, [{"student_id": user(s), "class_id": school_class(c)}
                              for s, c in plan.enrollments_added])
    _update(ClassEnrollment, [{"id": e, "class_id": school_class(c)}
                              for e, c in plan.enrollments_moved])
    _insert(ParentLink, [{"parent_id": user(p), "student_id": user(s), "relationship_label": label,
                          "created_via": "import"}
                         for p, s, label in plan.links_added])
    _insert(DepartmentMembership, [{"user_id": user(u), "department_id": d, "position": pos}
                                   for u, d, pos in plan.memberships_added])
    _update(DepartmentMembership, plan.memberships_changed)
    _update(SchoolClass, [{"id": school_class(c), "homeroom_teacher_id": user(u)}
                          for c, u in plan.homerooms])

    counts = {group: {k: counter[k] for k in ("new", "updated", "unchanged")}
              for group, counter in plan.counts.items()}
    audit("people.imported", actor=actor, kind=plan.kind, rows=plan.rows, counts=counts)
    slips = [Slip(a.full_name, str(ROLE_LABELS[Role(a.role)]), a.class_label, a.username, p)
             for a, p in zip(plan.new_accounts, passwords)]
    return ImportResult(plan.kind, counts, slips)


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(model.__table__), rows)


def _update(model, rows: list[dict]) -> None:
    """Bulk UPDATE by primary key (one executemany per model)."""
    if rows:
        db.session.execute(update(model), rows)
