"""The search outbox: materials whose index entry must be brought up to date."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models.base import utcnow


class SearchOutbox(db.Model):
    """One row per change, written in the same transaction as the change itself; the indexer
    deletes it only after the index has committed, so a crash replays instead of losing it."""

    __tablename__ = "search_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: no foreign key: a deleted material's row must outlive it, to remove it from the index
    material_id: Mapped[int] = mapped_column(index=True)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
