"""The two-stage approval flow: submit → thông qua (the department) → phê duyệt (the board).

`next_status` is the pure state machine; `may` says who may take a step; `perform` takes it:
it moves the newest version and the material, records the step, writes the audit log, notifies
and sends the signal. The newest version is always the one under approval; the live version
(what students see) changes only when a version is approved.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, exists, false, or_, select

from lms import signals
from lms.extensions import db
from lms.models import (
    DepartmentMembership,
    Material,
    MaterialAuthor,
    MaterialStatus,
    Role,
    User,
    audit,
    notify,
)
from lms.models.base import utcnow
from lms.permissions import authored_by

from .models import ApprovalStep

DRAFT = MaterialStatus.DRAFT.value
SUBMITTED = MaterialStatus.SUBMITTED.value
PASSED = MaterialStatus.PASSED.value
APPROVED = MaterialStatus.APPROVED.value
RETURNED = MaterialStatus.RETURNED.value

#: action -> (statuses it starts from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({DRAFT, RETURNED}), SUBMITTED),
    "pass": (frozenset({SUBMITTED}), PASSED),
    "approve": (frozenset({PASSED}), APPROVED),
    "return": (frozenset({SUBMITTED, PASSED}), RETURNED),
    "withdraw": (frozenset({SUBMITTED, PASSED, RETURNED}), DRAFT),
}


class ApprovalError(Exception):
    """A step that cannot be taken; `message` is plain Vietnamese for the user."""

    def __init__(self, message: str, *, forbidden: bool = False) -> None:
        super().__init__(message)
        self.message = message
        #: the user may not take this step at all (403), rather than not now (400)
        self.forbidden = forbidden


def next_status(current: str, action: str) -> str:
    """The status after `action` from `current`; ApprovalError when the flow does not allow it."""
    if action not in TRANSITIONS:
        raise ApprovalError(_("Thao tác không hợp lệ."))
    sources, target = TRANSITIONS[action]
    if current not in sources:
        raise ApprovalError(_("Không thể thực hiện thao tác này khi học liệu đang ở trạng thái "
                              "“%(status)s”.", status=status_label(current)))
    return target


def status_label(status: str) -> str:
    return {
        DRAFT: _("Bản nháp"), SUBMITTED: _("Chờ tổ thông qua"), PASSED: _("Tổ đã thông qua"),
        APPROVED: _("Đã phê duyệt"), RETURNED: _("Bị trả lại"),
    }.get(status, status)


def action_label(action: str) -> str:
    return {
        "submit": _("Gửi duyệt"), "pass": _("Thông qua"), "approve": _("Phê duyệt"),
        "return": _("Trả lại"), "withdraw": _("Rút về bản nháp"),
        "new_version": _("Tải lên phiên bản mới"), "restore": _("Khôi phục phiên bản cũ"),
    }.get(action, action)


# Who -------------------------------------------------------------------------------------------
def author_ids(material: Material) -> set[int]:
    """The uploader and every co-author: none of them may pass or approve the material."""
    return {material.author_id, *(a.user_id for a in material.co_authors)}


def department_heads(department_id: int, position: str = "head") -> list[User]:
    return list(db.session.scalars(
        select(User).join(DepartmentMembership, DepartmentMembership.user_id == User.id)
        .where(DepartmentMembership.department_id == department_id,
               DepartmentMembership.position == position, User.active.is_(True))))


def board_members() -> list[User]:
    from lms.models import UserRole

    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_([Role.PRINCIPAL.value, Role.VICE_PRINCIPAL.value]),
               User.active.is_(True)).distinct()))


def head_is_author(material: Material) -> bool:
    """The department head wrote it: the deputy head or the board passes it instead."""
    return bool({u.id for u in department_heads(material.department_id)} & author_ids(material))


def _position(user, material: Material) -> str | None:
    membership = user.department_membership
    if membership is None or membership.department_id != material.department_id:
        return None
    return membership.position


def can_pass(user, material: Material) -> bool:
    if user.id in author_ids(material):
        return False
    if head_is_author(material):
        return user.is_board or _position(user, material) == "deputy"
    return _position(user, material) == "head"


def can_approve(user, material: Material) -> bool:
    return user.is_board and user.id not in author_ids(material)


def may(user, material: Material, action: str) -> bool:
    """Whether `user` may take `action` on `material` (whatever its current status)."""
    if material.deleted_at is not None or not getattr(user, "is_authenticated", False):
        return False
    if action in ("submit", "withdraw"):
        return user.id in author_ids(material)
    if action == "pass":
        return can_pass(user, material)
    if action == "approve":
        return can_approve(user, material)
    if action == "return":
        return (can_pass(user, material) if material.status == SUBMITTED
                else can_approve(user, material))
    return False


def available_actions(user, material: Material) -> list[str]:
    """The steps `user` may take now, in the order the page shows them."""
    current = material.status
    return [action for action, (sources, _target) in TRANSITIONS.items()
            if current in sources and may(user, material, action)]


# The queue ("Chờ tôi duyệt") -------------------------------------------------------------------
def _head_authored() -> object:
    head = select(DepartmentMembership.user_id).where(
        DepartmentMembership.department_id == Material.department_id,
        DepartmentMembership.position == "head")
    return or_(Material.author_id.in_(head),
               exists().where(MaterialAuthor.material_id == Material.id,
                              MaterialAuthor.user_id.in_(head)))


def waiting_condition(user):
    """SQL condition on `Material`: what waits for `user`'s step, matching `can_pass` and
    `can_approve` (so the queue never lists what the user may not act on)."""
    parts = []
    membership = user.department_membership
    if membership is not None and membership.position == "head":
        parts.append(and_(Material.status == SUBMITTED,
                          Material.department_id == membership.department_id,
                          ~_head_authored()))
    if membership is not None and membership.position == "deputy":
        parts.append(and_(Material.status == SUBMITTED,
                          Material.department_id == membership.department_id, _head_authored()))
    if user.is_board:
        parts.append(or_(Material.status == PASSED,
                         and_(Material.status == SUBMITTED, _head_authored())))
    if not parts:
        return false()
    return and_(Material.deleted_at.is_(None), or_(*parts), ~authored_by(user.id))


def waiting_count(user) -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count(Material.id)).where(waiting_condition(user)))


# Taking a step ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Effect:
    event: str
    signal: object


def _effects() -> dict[str, _Effect]:
    return {
        "submit": _Effect("material.submitted", signals.material_submitted),
        "pass": _Effect("material.passed", signals.material_passed),
        "approve": _Effect("material.approved", signals.material_approved),
        "return": _Effect("material.returned", signals.material_returned),
        "withdraw": _Effect("material.withdrawn", None),
    }


def perform(material: Material, action: str, actor, comment: str = "") -> ApprovalStep:
    """Take `action` on the newest version of `material` as `actor`, and commit."""
    comment = (comment or "").strip()
    if material.deleted_at is not None:
        raise ApprovalError(_("Học liệu này đã bị xóa."))
    version = material.latest_version
    if version is None:
        raise ApprovalError(_("Học liệu chưa có phiên bản nào."))
    if not may(actor, material, action):  # before the status: strangers learn nothing
        raise ApprovalError(_self_refusal(actor, material, action), forbidden=True)
    target = next_status(version.status, action)
    if action == "return" and not comment:
        raise ApprovalError(_("Hãy ghi lý do trả lại để tác giả biết cần sửa gì."))
    now = utcnow()
    version.status = material.status = target
    if action == "submit":
        version.submitted_at = now
    elif action == "approve":
        version.approved_at = now
        material.live_version = version
        if material.approved_at is None:  # counts toward the target from the first approval
            material.approved_at = now
    step = ApprovalStep(material=material, version=version, action=action, actor_id=actor.id,
                        comment=comment, at=now)
    db.session.add(step)
    effect = _effects()[action]
    audit(effect.event, actor=actor, target=material, version=version.number, comment=comment)
    _notify(material, action, actor, comment)
    db.session.commit()
    if effect.signal is not None:
        extra = {"reason": comment} if action == "return" else {}
        effect.signal.send(current_app._get_current_object(), material=material, actor=actor,
                           **extra)
    return step


def _self_refusal(actor, material: Material, action: str) -> str:
    if action in ("pass", "approve", "return") and actor.id in author_ids(material):
        return _("Bạn là tác giả của học liệu này nên không thể tự thông qua, phê duyệt hay trả "
                 "lại nó.")
    return _("Bạn không có quyền thực hiện thao tác này với học liệu này.")


def _notify(material: Material, action: str, actor, comment: str) -> None:
    link = f"/materials/{material.id}"  # a path, so it works outside a request too
    authors = author_ids(material) - {actor.id}
    title = material.title
    if action == "submit":
        if head_is_author(material):
            approvers = [u.id for u in department_heads(material.department_id, "deputy")]
            approvers += [u.id for u in board_members()]
        else:
            approvers = [u.id for u in department_heads(material.department_id)]
        notify(set(approvers) - author_ids(material), "material.waiting",
               _("“%(title)s” đang chờ bạn thông qua.", title=title), link)
    elif action == "pass":
        notify({u.id for u in board_members()} - author_ids(material), "material.waiting",
               _("“%(title)s” đã được tổ thông qua, đang chờ bạn phê duyệt.", title=title), link)
        notify(authors, "material.passed",
               _("“%(title)s” đã được tổ thông qua (%(who)s).", title=title,
                 who=actor.full_name), link)
    elif action == "approve":
        notify(authors, "material.approved",
               _("“%(title)s” đã được phê duyệt (%(who)s).", title=title, who=actor.full_name),
               link)
    elif action == "return":
        notify(authors, "material.returned",
               _("“%(title)s” bị trả lại (%(who)s): %(reason)s", title=title,
                 who=actor.full_name, reason=comment), link)


def record_step(material: Material, version, action: str, actor, comment: str = "") -> None:
    """Add a timeline step that is not an approval action (a new version, a restore)."""
    db.session.add(ApprovalStep(material=material, version=version, action=action,
                                actor_id=actor.id, comment=comment or ""))


def timeline(material: Material) -> list[ApprovalStep]:
    from sqlalchemy.orm import selectinload

    return list(db.session.scalars(
        select(ApprovalStep).where(ApprovalStep.material_id == material.id)
        .options(selectinload(ApprovalStep.actor), selectinload(ApprovalStep.version))
        .order_by(ApprovalStep.at, ApprovalStep.id)))
