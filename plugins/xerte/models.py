"""Xerte tables: the imported lesson (pages, export kind) and, for standalone exports, its files.

A SCORM-wrapped Xerte export also gets the SCORM plugin's `ScormPackage` (found by the same
version id), whose files and runtime serve it; a standalone export keeps its files here.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import MaterialVersion
from lms.models.base import utcnow


class XerteLesson(db.Model):
    """One imported Xerte export, belonging to exactly one material version."""

    __tablename__ = "xerte_lesson"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("material_version.id", ondelete="CASCADE"), unique=True)
    #: scorm2004, scorm12, offline or web (deployment/archive); see export.py
    export_kind: Mapped[str] = mapped_column(String(20))
    #: package path of the page that starts the lesson
    launch_file: Mapped[str | None] = mapped_column(String(1000))
    #: the lesson's `language` attribute, e.g. "en-GB"
    language: Mapped[str] = mapped_column(String(35), default="")
    page_count: Mapped[int] = mapped_column(default=0)
    #: [{"type", "title", "link_id", "chapter"}] in the order Xerte plays them
    pages: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    version: Mapped[MaterialVersion] = relationship()
    files: Mapped[list[XerteFile]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan")


class XerteFile(db.Model):
    """A file of a standalone export: its path inside the zip and the content-store blob."""

    __tablename__ = "xerte_file"
    __table_args__ = (UniqueConstraint("lesson_id", "path"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("xerte_lesson.id", ondelete="CASCADE"), index=True)
    #: posix path relative to the package root (NFC, as SafeArchive names it)
    path: Mapped[str] = mapped_column(String(1000))
    #: sha256 of the content, the key into the content store
    digest: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(default=0)

    lesson: Mapped[XerteLesson] = relationship(back_populates="files")
