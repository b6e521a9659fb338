"""Noticing the moment a department reaches its target, once per department and school year."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.extensions import db
from lms.models import Department, Role, SchoolYear, User, UserRole, audit, notify
from lms.models.base import utcnow

from .counting import counting_types, reached_dates, targets_for, year_of
from .models import TargetReached


def board_member_ids() -> list[int]:
    return list(db.session.scalars(
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_((Role.PRINCIPAL.value, Role.VICE_PRINCIPAL.value)),
               User.active.is_(True)).distinct()))


def record_if_reached(department_id: int, year: SchoolYear) -> TargetReached | None:
    """If the department has reached its target in `year` and that was not recorded yet,
    record it, notify the board, send `target_reached`, and commit. Returns the new row."""
    already = db.session.scalar(select(TargetReached.id).where(
        TargetReached.department_id == department_id, TargetReached.school_year_id == year.id))
    if already is not None:
        return None
    target = targets_for(year, [department_id])[department_id]
    reached_at = reached_dates(year, utcnow(), {department_id: target}).get(department_id)
    if reached_at is None:
        return None
    department = db.session.get(Department, department_id)
    row = TargetReached(department_id=department_id, school_year_id=year.id,
                        reached_at=reached_at, target=target)
    try:
        # A savepoint: if a concurrent approval recorded it first, the unique constraint refuses
        # this row without spoiling the rest of the session.
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    audit("target.reached", target=department, school_year=year.name, target_count=target)
    notify(board_member_ids(), "target.reached",
           _("%(department)s đã đạt chỉ tiêu %(target)s học liệu năm học %(year)s.",
             department=department.name, target=target, year=year.name), "/targets/")
    db.session.commit()
    signals.target_reached.send(current_app._get_current_object(), department=department,
                                school_year=year, reached_on=reached_at)
    return row


def on_material_approved(sender, material, **_kwargs) -> None:
    """`material_approved` handler. The approval flow sends the signal after committing, so the
    count already includes this material and this handler commits its own row."""
    if material.approved_at is None or material.content_type not in counting_types():
        return
    year = (db.session.get(SchoolYear, material.school_year_id) if material.school_year_id
            else year_of(material.created_at.date()))
    if year is not None:
        record_if_reached(material.department_id, year)
