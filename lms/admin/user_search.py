"""Finding accounts for the administrators' list: filters, and a search that ignores diacritics."""
from __future__ import annotations

from sqlalchemy import Select, select

from ..extensions import db
from ..models import ClassEnrollment, DepartmentMembership, User, UserRole
from ..vietnamese import fold, nfc


def filtered_users(filters: dict) -> Select:
    """SELECT of the users matching `filters` (keys as `UserFilterForm.active_filters`)."""
    query = select(User)
    if filters.get("role"):
        query = query.where(User.id.in_(select(UserRole.user_id)
                                        .where(UserRole.role == filters["role"])))
    if filters.get("department"):
        query = query.where(User.id.in_(
            select(DepartmentMembership.user_id)
            .where(DepartmentMembership.department_id == filters["department"])))
    if filters.get("school_class"):
        query = query.where(User.id.in_(
            select(ClassEnrollment.student_id)
            .where(ClassEnrollment.class_id == filters["school_class"])))
    if filters.get("active"):
        query = query.where(User.active.is_(filters["active"] == "1"))
    if filters.get("q"):
        query = query.where(User.id.in_(_ids_matching(query, filters["q"])))
    return query.order_by(User.sort_key, User.id)


def _ids_matching(query: Select, text: str) -> list[int]:
    # Neither SQLite nor PostgreSQL folds Vietnamese marks out of the box (PostgreSQL's unaccent
    # is an optional extension), so names are folded here. Only id, name and username of the
    # already-filtered accounts are read: a few thousand short rows even for a large school.
    words = fold(nfc(text)).split()
    candidates = db.session.execute(
        query.with_only_columns(User.id, User.full_name, User.username)
    )
    # Every word typed must appear, in any order: "nam nguyen" finds "Nguyễn Hoàng Nam".
    return [
        user_id for user_id, full_name, username in candidates
        if all(word in f"{fold(nfc(full_name))} {fold(username)}" for word in words)
    ]
