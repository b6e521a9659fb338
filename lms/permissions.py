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


# Materials ---------------------------------------------------------------------------------------
#: a colleague's material the department's members see: the department reviews it before the
#: head passes it (tổ chuyên môn thông qua); drafts and returned work stay with their authors
DEPARTMENT_REVIEW_STATUSES = ("submitted", "passed")


def authored_by(user_id):
    """SQL: the material is written (uploaded or co-authored) by `user_id` (a value or column)."""
    from sqlalchemy import exists, or_

    from .models import Material, MaterialAuthor

    return or_(Material.author_id == user_id,
               exists().where(MaterialAuthor.material_id == Material.id,
                              MaterialAuthor.user_id == user_id))


def material_visibility(user):
    """SQL condition on `Material`: THE rule of who sees which material, for lists and pages.

    Deleted materials: nobody. The board and Tổ CNTT: all. Authors (uploader, co-authors):
    their own in any status. The head and deputy head of the department: all of the
    department's, drafts included. Other staff of the department: also those submitted or
    passed, to review them. Everyone (other teachers, students, parents): approved ones; a
    revision under approval keeps `approved_at` set, so its approved version stays visible.
    """
    from sqlalchemy import and_, false, or_

    from .models import Material

    if not getattr(user, "is_authenticated", False):
        return false()
    if user.is_board or user.has_role(Role.ADMIN):
        return Material.deleted_at.is_(None)
    seen = [Material.approved_at.is_not(None)]
    if user.is_staff:
        seen.append(authored_by(user.id))
        membership = user.department_membership
        if membership is not None:
            same_department = Material.department_id == membership.department_id
            if membership.position in ("head", "deputy"):
                seen.append(same_department)
            else:
                seen.append(and_(same_department,
                                 Material.status.in_(DEPARTMENT_REVIEW_STATUSES)))
    return and_(Material.deleted_at.is_(None), or_(*seen))


def can_view_material(user, material) -> bool:
    """Whether `user` may open `material`: `material_visibility` asked about this one row, so a
    page never disagrees with the lists."""
    from sqlalchemy import select

    from .extensions import db
    from .models import Material

    if material is None or material.id is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(Material.id).where(
        Material.id == material.id, material_visibility(user))) is not None


def sees_pending_work(user, material) -> bool:
    """Whether `user` may see every version of `material`, not only the live one: its authors,
    the head and deputy head of its department, the board and Tổ CNTT."""
    if material.deleted_at is not None or not getattr(user, "is_authenticated", False):
        return False
    return (user.is_board or user.has_role(Role.ADMIN)
            or user.id in {material.author_id, *(a.user_id for a in material.co_authors)}
            or user.heads_department(material.department_id))


def can_view_version(user, material, version) -> bool:
    """The live version for whoever sees the material; any version for `sees_pending_work`;
    the newest version while it is under review for the department's staff."""
    if version is None or version.material_id != material.id:
        return False
    if not can_view_material(user, material):
        return False
    if material.approved_at is not None and version.id == material.live_version_id:
        return True
    if sees_pending_work(user, material):
        return True
    membership = user.department_membership
    return (user.is_staff and membership is not None
            and membership.department_id == material.department_id
            and version is material.latest_version
            and version.status in DEPARTMENT_REVIEW_STATUSES)


def version_to_play(user, material, version=None):
    """The version a player opens for `user`, or None when they may not open it.

    Without `version`: the live (approved) version, or for a material never approved its newest
    version (which only those who work on or review it can see). With `version` (a preview
    from the list of versions): that version, when `can_view_version` allows it.
    """
    if version is None:
        live = material.live_version if material.approved_at is not None else None
        version = live or material.latest_version
    return version if can_view_version(user, material, version) else None


def material_or_abort(material_id: int):
    """The material `material_id` for the current user: 410 with a clear page when it was
    deleted, 404 when it never existed, 403 when the user may not see it."""
    from flask import make_response
    from flask_babel import gettext as _

    from .errors import render_error
    from .extensions import db
    from .models import Material

    material = db.session.get(Material, material_id)
    if material is None:
        abort(404)
    if material.deleted_at is not None:
        abort(make_response(render_error(410, _("Học liệu này đã bị xóa."))))
    if not can_view_material(current_user, material):
        abort(403)
    return material


# Teaching ----------------------------------------------------------------------------------------
def teaching_scope(user):
    """SQL: the (class_id, subject_id) pairs `user` teaches (phân công chuyên môn), as a select
    of `TeachingAssignment` rows to filter or join on."""
    from sqlalchemy import select

    from .models import TeachingAssignment

    return select(TeachingAssignment.class_id, TeachingAssignment.subject_id).where(
        TeachingAssignment.teacher_id == user.id)


def teaches(user, class_id: int, subject_id: int | None = None) -> bool:
    """Whether `user` teaches `subject_id` (any subject when None) in class `class_id`."""
    from sqlalchemy import select

    from .extensions import db
    from .models import TeachingAssignment

    if not getattr(user, "is_authenticated", False):
        return False
    query = select(TeachingAssignment.id).where(TeachingAssignment.teacher_id == user.id,
                                                TeachingAssignment.class_id == class_id)
    if subject_id is not None:
        query = query.where(TeachingAssignment.subject_id == subject_id)
    return db.session.scalar(query.limit(1)) is not None
