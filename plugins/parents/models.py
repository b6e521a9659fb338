"""The parents plugin's tables: one-time linking codes the school prints per student, and the
record of every consent a parent gave or withdrew for a child (Decree 13/2023, art. 20).

The links themselves are the core's `lms.models.ParentLink`; times are naive UTC.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import User
from lms.models.base import utcnow


class LinkCode(db.Model):
    """A one-time code that links a parent to one student; the printed slip is the school's
    authorisation, so redeeming it makes an active link at once."""

    __tablename__ = "parents_link_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the 8 characters, upper case, without the dash shown on paper
    code: Mapped[str] = mapped_column(String(8), unique=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime]
    #: set when a parent redeemed it: a code works once
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: set when a newer code for the student replaced it (reissue)
    revoked_at: Mapped[datetime | None]

    student: Mapped[User] = relationship(foreign_keys=[student_id])

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > now


class ConsentAction(str, enum.Enum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class Consent(db.Model):
    """One consent change of a parent for a child: the evidence Decree 13/2023 asks for."""

    __tablename__ = "parents_consent"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: given or withdrawn
    action: Mapped[str] = mapped_column(String(10))
    #: which wording of the consent text the parent saw (consent.CONSENT_VERSION)
    text_version: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
