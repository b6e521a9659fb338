"""Every change of a parent's link to a child: by a code, by a request the homeroom teacher
approves or refuses, revoked by the school, or ended by the parent withdrawing consent.

Each operation adds its rows, audit entries and consent records to the current transaction and
sends `parent_link_changed` (handlers join the transaction); the caller commits once.
"""
from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from lms import signals
from lms.extensions import db
from lms.models import ParentLink, ParentLinkStatus, Role, User, audit
from lms.models.base import utcnow

from . import codes
from .consent import record as record_consent
from .models import ConsentAction, LinkCode

ACTIVE = ParentLinkStatus.ACTIVE.value
PENDING = ParentLinkStatus.PENDING.value
REVOKED = ParentLinkStatus.REVOKED.value


class LinkError(ValueError):
    """A link that cannot be made or changed; the message is Vietnamese and safe to show."""


def _announce(link: ParentLink, actor, action: str) -> None:
    db.session.flush()
    signals.parent_link_changed.send(current_app._get_current_object(), link=link, actor=actor,
                                     action=action)


def _existing(parent_id: int, student_id: int) -> ParentLink | None:
    return db.session.scalar(select(ParentLink).where(ParentLink.parent_id == parent_id,
                                                      ParentLink.student_id == student_id))


def link_with_code(parent: User, code_text: str, relationship_label: str | None) -> ParentLink:
    """Redeem a linking code: an active link with the parent's consent, at once."""
    link_code = codes.find_usable(code_text)
    if link_code is None:
        # Never say whose code it is: a guessed code must reveal nothing.
        raise LinkError(_("Mã liên kết không đúng, đã hết hạn hoặc đã được sử dụng. "
                          "Hãy kiểm tra lại hoặc xin giáo viên chủ nhiệm mã mới."))
    link = _existing(parent.id, link_code.student_id)
    if link is not None and link.status == ACTIVE:
        raise LinkError(_("Tài khoản của bạn đã được liên kết với học sinh này."))
    now = utcnow()
    if link is None:
        link = ParentLink(parent_id=parent.id, student_id=link_code.student_id)
        db.session.add(link)
    link.status = ACTIVE
    link.created_via = "code"
    link.created_at = now
    link.consent_at = now
    link.relationship_label = relationship_label or None
    link.decided_by_id = link_code.created_by_id
    link.decided_at = now
    link_code.used_at = now
    link_code.used_by_id = parent.id
    db.session.flush()
    record_consent(parent, link.student_id, ConsentAction.GIVEN)
    audit("parents.linked", actor=parent, target=link, student_id=link.student_id,
          code_id=link_code.id)
    _announce(link, parent, "linked")
    return link


def find_student(student_code: str, birth_date: date) -> User | None:
    """The student with this Mã học sinh and date of birth, both required to match."""
    code = (student_code or "").strip().lower()
    if not code:
        return None
    student = db.session.scalar(select(User).where(func.lower(User.external_code) == code,
                                                   User.birth_date == birth_date))
    if student is None or not student.has_role(Role.STUDENT):
        return None
    return student


def request_link(parent: User, student_code: str, birth_date: date,
                 relationship_label: str | None) -> ParentLink:
    """A parent without a code asks to follow a child: a pending link the homeroom teacher
    approves or refuses. The parent consents now; they see nothing until it is approved."""
    student = find_student(student_code, birth_date)
    if student is None:
        raise LinkError(_("Không tìm thấy học sinh có mã học sinh và ngày sinh này. "
                          "Hãy kiểm tra lại hoặc liên hệ giáo viên chủ nhiệm."))
    link = _existing(parent.id, student.id)
    if link is not None and link.status == ACTIVE:
        raise LinkError(_("Tài khoản của bạn đã được liên kết với học sinh này."))
    if link is not None and link.status == PENDING:
        raise LinkError(_("Yêu cầu liên kết của bạn đang chờ giáo viên chủ nhiệm duyệt."))
    now = utcnow()
    if link is None:
        link = ParentLink(parent_id=parent.id, student_id=student.id)
        db.session.add(link)
    link.status = PENDING
    link.created_via = "request"
    link.created_at = now
    link.consent_at = now
    link.relationship_label = relationship_label or None
    link.decided_by_id = None
    link.decided_at = None
    db.session.flush()
    record_consent(parent, student.id, ConsentAction.GIVEN)
    audit("parents.link_requested", actor=parent, target=link, student_id=student.id)
    _announce(link, parent, "requested")
    return link


def approve(link: ParentLink, actor: User) -> None:
    if link.status != PENDING:
        raise LinkError(_("Yêu cầu này đã được xử lý."))
    link.status = ACTIVE
    link.decided_by_id = actor.id
    link.decided_at = utcnow()
    audit("parents.link_approved", actor=actor, target=link, student_id=link.student_id,
          parent_id=link.parent_id)
    _announce(link, actor, "approved")


def revoke(link: ParentLink, actor: User, reason: str = "revoked") -> None:
    """End a link (the homeroom teacher revokes it, or refuses a request)."""
    if link.status == REVOKED:
        raise LinkError(_("Liên kết này đã bị thu hồi."))
    refused = link.status == PENDING
    link.status = REVOKED
    link.decided_by_id = actor.id
    link.decided_at = utcnow()
    audit("parents.link_revoked", actor=actor, target=link, student_id=link.student_id,
          parent_id=link.parent_id, reason="refused" if refused else reason)
    _announce(link, actor, "refused" if refused else "revoked")


def withdraw_consent(link: ParentLink, parent: User) -> None:
    """The parent withdraws consent for a child: the link ends with it (the school may no
    longer show them the child's data)."""
    if link.parent_id != parent.id or link.status == REVOKED:
        raise LinkError(_("Liên kết này không còn hiệu lực."))
    link.consent_at = None
    record_consent(parent, link.student_id, ConsentAction.WITHDRAWN)
    revoke(link, parent, reason="consent_withdrawn")


def issue_code(student: User, actor: User) -> LinkCode:
    link_code = codes.issue(student.id, actor)
    db.session.flush()
    audit("parents.code_issued", actor=actor, target=student, code_id=link_code.id)
    return link_code
