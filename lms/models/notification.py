"""In-app notifications: what the author, the approvers and the board see in their inbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class Notification(db.Model):
    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]
    #: dotted kind, e.g. material.returned, report.monthly
    kind: Mapped[str] = mapped_column(String(60))
    #: the message in the language of the school (Vietnamese), ready to show
    message: Mapped[str] = mapped_column(Text)
    #: a path inside the LMS to open, e.g. /materials/12
    link: Mapped[str | None] = mapped_column(String(500))


def notify(user_ids, kind: str, message: str, link: str | None = None) -> None:
    """Add a notification for each user to the current transaction (the caller commits)."""
    for user_id in dict.fromkeys(user_ids):
        db.session.add(Notification(user_id=user_id, kind=kind, message=message, link=link))
