"""The search outbox: materials whose index entry must be brought up to date."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.dialects import postgresql
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


class SearchPgDocument(db.Model):
    """The PostgreSQL backend's index: one row per indexed material (see
    `backends.postgres_backend`). Declared on every database so models and migrations agree;
    only PostgreSQL fills it (on SQLite the vector is plain text and the table stays empty)."""

    __tablename__ = "search_pg_document"
    __table_args__ = (
        Index("ix_search_pg_document_document", "document", postgresql_using="gin"),
    )
    material_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: digest of the indexed document, compared by search-verify
    stamp: Mapped[str] = mapped_column(String(32))
    department: Mapped[str] = mapped_column(String(20), server_default="")
    subject: Mapped[str] = mapped_column(String(20), server_default="")
    grade: Mapped[str] = mapped_column(String(20), server_default="")
    type: Mapped[str] = mapped_column(String(30), server_default="")
    year: Mapped[str] = mapped_column(String(20), server_default="")
    status: Mapped[str] = mapped_column(String(20))
    approved: Mapped[bool] = mapped_column(Boolean)
    #: uploader and co-authors, who find the material in any status
    author_ids: Mapped[list[int]] = mapped_column(
        JSON().with_variant(postgresql.ARRAY(Integer()), "postgresql"))
    #: creation time, seconds since the epoch
    created: Mapped[int] = mapped_column(BigInteger)
    #: weighted tsvector (title/keywords A, description B, metadata C, inner text D)
    document: Mapped[str] = mapped_column(Text().with_variant(postgresql.TSVECTOR(), "postgresql"))
    #: an approved material's newer version under revision: its status and its text's vector
    #: (weight D), searched only for users the scope lets see that version
    pending_status: Mapped[str] = mapped_column(String(20), server_default="")
    pending_document: Mapped[str] = mapped_column(
        Text().with_variant(postgresql.TSVECTOR(), "postgresql"), server_default="")
