"""The one way to check who may do what. Every route uses these; nothing trusts the browser."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .models import Role


def roles_required(*roles: Role | str):
    """Allow the route to users holding any of `roles` (403 for the others, login for guests)."""
    wanted = {r.value if isinstance(r, Role) else r for r in roles}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.role_names & wanted:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_see_student(user, student_id: int) -> bool:
    """Parents see their own children; students themselves; staff per their role.

    Teachers see students of the classes they teach or lead; the board and admins see all.
    """
    if user.id == student_id:
        return True
    if user.has_role(Role.ADMIN, Role.PRINCIPAL, Role.VICE_PRINCIPAL):
        return True
    if user.has_role(Role.PARENT) and user.is_parent_of(student_id):
        return True
    if user.has_role(Role.TEACHER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD):
        from sqlalchemy import select

        from .extensions import db
        from .models import ClassEnrollment, SchoolClass

        return db.session.scalar(
            select(ClassEnrollment.id)
            .join(SchoolClass, SchoolClass.id == ClassEnrollment.class_id)
            .where(ClassEnrollment.student_id == student_id,
                   SchoolClass.homeroom_teacher_id == user.id)
            .limit(1)
        ) is not None
    return False


def require_student_access(student_id: int) -> None:
    if not can_see_student(current_user, student_id):
        abort(403)


def can_see_class(user, class_id: int) -> bool:
    """Students see only their own classes; homeroom teachers theirs; the board all."""
    from sqlalchemy import select

    from .extensions import db
    from .models import ClassEnrollment, SchoolClass

    if user.has_role(Role.ADMIN, Role.PRINCIPAL, Role.VICE_PRINCIPAL):
        return True
    if user.has_role(Role.STUDENT):
        return db.session.scalar(
            select(ClassEnrollment.id).where(ClassEnrollment.student_id == user.id,
                                             ClassEnrollment.class_id == class_id)
        ) is not None
    if user.is_staff:
        school_class = db.session.get(SchoolClass, class_id)
        return school_class is not None and (
            school_class.homeroom_teacher_id == user.id or user.has_role(Role.TEACHER)
        )
    return False


def can_view_material(user, material) -> bool:
    """Its author, its department, the board and admins see a material in any status;
    everyone else (other teachers, students, parents) only once it is approved."""
    if material.deleted_at is not None or not getattr(user, "is_authenticated", False):
        return False
    if user.id == material.author_id or user.is_board or user.has_role(Role.ADMIN):
        return True
    membership = user.department_membership
    if membership is not None and membership.department_id == material.department_id:
        return True
    # A revision under approval keeps the approved version live: approved_at stays set.
    return material.approved_at is not None or material.status == "approved"
