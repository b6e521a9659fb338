"""The library's own table: every approval step of every material version, for the timeline."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import Material, MaterialVersion, User
from lms.models.base import utcnow


class ApprovalStep(db.Model):
    """One step of the approval flow: who did what to which version, when, and why."""

    __tablename__ = "library_approval_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"),
                                             index=True)
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("material_version.id", ondelete="SET NULL"))
    #: submit, pass, approve, return, withdraw, new_version, restore
    action: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: the reason of a return, or a remark of the approver
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    material: Mapped[Material] = relationship()
    version: Mapped[MaterialVersion | None] = relationship()
    actor: Mapped[User | None] = relationship()
