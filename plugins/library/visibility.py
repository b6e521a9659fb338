"""Who sees which materials in the library lists, and which versions they may preview.

Students and parents see approved materials only; teachers also their own (uploaded or
co-authored); department heads and deputies also their department's materials under approval;
the board and Tổ CNTT everything. Deleted materials are hidden from everyone.
"""
from __future__ import annotations

from sqlalchemy import and_, or_, true

from lms.models import Material, MaterialStatus, Role

from .approval import _authored_by, author_ids


def visible_condition(user):
    """SQL condition on `Material` for the materials `user` may find in the library."""
    if user.is_board or user.has_role(Role.ADMIN):
        seen = true()
    else:
        parts = [Material.approved_at.is_not(None)]
        if user.is_staff:
            parts.append(_authored_by(user.id))
        membership = user.department_membership
        if membership is not None and membership.position in ("head", "deputy"):
            parts.append(and_(Material.department_id == membership.department_id,
                              Material.status != MaterialStatus.DRAFT.value))
        seen = or_(*parts)
    return and_(Material.deleted_at.is_(None), seen)


def sees_unapproved(user, material: Material) -> bool:
    """Whether `user` may see `material`'s versions that are not (yet) live: its authors, the
    heads of its department, the board and Tổ CNTT."""
    if material.deleted_at is not None or not getattr(user, "is_authenticated", False):
        return False
    return (user.is_board or user.has_role(Role.ADMIN) or user.id in author_ids(material)
            or user.heads_department(material.department_id))


def can_preview(user, material: Material, version) -> bool:
    """Students, parents and other teachers preview the live version; see `sees_unapproved`."""
    if material.deleted_at is not None or version is None or version.material_id != material.id:
        return False
    if sees_unapproved(user, material):
        return True
    return material.approved_at is not None and version.id == material.live_version_id
