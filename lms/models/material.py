"""Materials in the department libraries, their versions, and learners' attempts at them.

The core keeps what every content type shares: a material (one lesson, with a permanent link),
its versions (each holding one imported package of a content type), and a learner's attempt
with the rolled-up completion, success, score and time that dashboards and gradebooks read.
A content type keeps its own detail (SCOs, pages, questions) in its plugin's tables.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .school import Department, GradeLevel, SchoolYear, Subject
from .user import User


class MaterialStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PASSED = "passed"  #: thông qua: passed by the department
    APPROVED = "approved"  #: phê duyệt: approved by the principal
    RETURNED = "returned"


class Material(db.Model):
    __tablename__ = "material"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    #: content type id of the current version (scorm, xerte, video, file)
    content_type: Mapped[str] = mapped_column(String(30), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    school_year_id: Mapped[int | None] = mapped_column(ForeignKey("school_year.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=MaterialStatus.DRAFT.value, index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"), index=True)
    grade_level_id: Mapped[int | None] = mapped_column(ForeignKey("grade_level.id"), index=True)
    #: Bài: the lesson of the textbook this material teaches, as the catalog names it
    lesson: Mapped[str] = mapped_column(String(300), default="", server_default="")
    topic: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: comma-separated, as teachers type them
    keywords: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Ghi chú: the catalog's notes column
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: when a version was first approved: from then on the material counts toward the target
    approved_at: Mapped[datetime | None] = mapped_column(index=True)
    #: the version students see; null until a version is approved (or for drafts, the latest)
    live_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("material_version.id", use_alter=True, ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]

    department: Mapped[Department] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    subject: Mapped[Subject | None] = relationship()
    grade_level: Mapped[GradeLevel | None] = relationship()
    co_authors: Mapped[list[MaterialAuthor]] = relationship(
        cascade="all, delete-orphan", order_by="MaterialAuthor.position")
    school_year: Mapped[SchoolYear | None] = relationship()
    versions: Mapped[list[MaterialVersion]] = relationship(
        back_populates="material", foreign_keys="MaterialVersion.material_id",
        order_by="MaterialVersion.number")
    live_version: Mapped[MaterialVersion | None] = relationship(foreign_keys=[live_version_id],
                                                               post_update=True)

    @property
    def latest_version(self) -> MaterialVersion | None:
        return self.versions[-1] if self.versions else None


class MaterialVersion(db.Model):
    """One uploaded package of a material. Files live in the content store, shared by digest."""

    __tablename__ = "material_version"
    __table_args__ = (UniqueConstraint("material_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"),
                                             index=True)
    number: Mapped[int] = mapped_column(default=1)
    content_type: Mapped[str] = mapped_column(String(30))
    #: the name of the uploaded file, as the teacher chose it
    source_filename: Mapped[str | None] = mapped_column(String(300))
    #: sha256 of the uploaded file itself (kept so a version can be downloaded as uploaded)
    source_digest: Mapped[str | None] = mapped_column(String(64))
    #: what `ContentType.inspect` reported: version, launch points, warnings
    inspection: Mapped[dict] = mapped_column(JSON, default=dict)
    #: visible text inside the package for search, capped (see extract_text)
    extracted_text: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the approval state of this version; a material's status follows its newest version
    status: Mapped[str] = mapped_column(String(20), default=MaterialStatus.DRAFT.value,
                                        server_default=MaterialStatus.DRAFT.value)
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    #: the version's own note on what changed ("Sửa lỗi chính tả trang 3")
    change_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    material: Mapped[Material] = relationship(back_populates="versions",
                                              foreign_keys=[material_id])
    created_by: Mapped[User] = relationship()


class MaterialAuthor(db.Model):
    """Further authors of a material, besides `Material.author` who uploaded it."""

    __tablename__ = "material_author"
    __table_args__ = (UniqueConstraint("material_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"),
                                             index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    user: Mapped[User] = relationship()


class LearningAttempt(db.Model):
    """A learner's attempt at a material version, rolled up the same way for every format.

    Content types update these columns from their own detail; teachers' views, assignments and
    gradebooks read only this table.
    """

    __tablename__ = "learning_attempt"
    __table_args__ = (UniqueConstraint("user_id", "material_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id", ondelete="CASCADE"),
                                             index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("material_version.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(default=1)
    #: not attempted, incomplete, completed (SCORM's completion vocabulary)
    completion: Mapped[str] = mapped_column(String(20), default="not attempted")
    #: unknown, passed, failed
    success: Mapped[str] = mapped_column(String(20), default="unknown")
    #: 0..1, null when the content reported no score
    score_scaled: Mapped[float | None]
    score_raw: Mapped[float | None]
    score_max: Mapped[float | None]
    #: seconds, summed on the server from each session's reported time
    total_time_seconds: Mapped[float] = mapped_column(default=0.0)
    #: 0..1 when the content reports progress (progress_measure, pages seen, video watched)
    progress: Mapped[float | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_access_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    completed_at: Mapped[datetime | None]
    #: content-type-specific summary (e.g. per-SCO states); detail stays in plugin tables
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User] = relationship()
    material: Mapped[Material] = relationship()
    version: Mapped[MaterialVersion] = relationship()
