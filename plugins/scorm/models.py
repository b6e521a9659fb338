"""SCORM tables: the imported package, its SCOs and files, and learners' runtime state.

The core `Material`/`MaterialVersion`/`LearningAttempt` hold what every format shares; these
tables keep what only SCORM has. Files live in the content store, shared between versions by
digest; a `ScormFile` row maps a path inside the package to its blob.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import MaterialVersion
from lms.models.base import utcnow


class ScormPackage(db.Model):
    """One imported SCORM zip, belonging to exactly one material version."""

    __tablename__ = "scorm_package"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("material_version.id", ondelete="CASCADE"), unique=True)
    #: "1.2" or "2004"
    scorm_version: Mapped[str] = mapped_column(String(10))
    #: the edition as detected: "1.2", "2004 2nd Edition", ... "2004 4th Edition"
    edition: Mapped[str] = mapped_column(String(30))
    #: `Manifest.to_json()`: the whole parsed manifest, for the player and later sequencing
    manifest: Mapped[dict] = mapped_column(JSON, default=dict)
    default_org: Mapped[str | None] = mapped_column(String(255))
    #: new-attempt policy (grading.NEW_ATTEMPT_POLICIES): never, when_completed, when_passed,
    #: always
    attempt_policy: Mapped[str] = mapped_column(String(20), default="when_completed")
    #: 0 = unlimited
    max_attempts: Mapped[int] = mapped_column(default=0)
    #: how several attempts give the material's grade: highest, average, first, last
    grading_method: Mapped[str] = mapped_column(String(20), default="highest")
    #: how SCOs give the attempt's score: status, highest, average, sum
    sco_grading: Mapped[str] = mapped_column(String(20), default="highest")
    #: how a finished attempt that may not be retried opens: "review" (no credit) or "normal"
    whatmode: Mapped[str] = mapped_column(String(20), default="review")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    version: Mapped[MaterialVersion] = relationship()
    scos: Mapped[list[ScormSco]] = relationship(
        back_populates="package", order_by="ScormSco.position", cascade="all, delete-orphan")
    files: Mapped[list[ScormFile]] = relationship(
        back_populates="package", cascade="all, delete-orphan")


class ScormSco(db.Model):
    """An item of the default organization, flattened in document order (containers too)."""

    __tablename__ = "scorm_sco"
    __table_args__ = (UniqueConstraint("package_id", "identifier"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(
        ForeignKey("scorm_package.id", ondelete="CASCADE"), index=True)
    #: 0-based index in document order
    position: Mapped[int] = mapped_column(default=0)
    identifier: Mapped[str] = mapped_column(String(255))
    #: identifier of the parent item; null for top-level items
    parent_identifier: Mapped[str | None] = mapped_column(String(255))
    #: nesting depth, 0 for top-level items (for indenting the table of contents)
    depth: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(500), default="")
    #: path inside the package, with parameters appended; null for containers
    launch_href: Mapped[str | None] = mapped_column(String(2000))
    is_launchable: Mapped[bool] = mapped_column(Boolean, default=False)
    isvisible: Mapped[bool] = mapped_column(Boolean, default=True)
    #: "sco" (talks to the API) or "asset" (plain page, completed on launch)
    scorm_type: Mapped[str] = mapped_column(String(10), default="sco")
    mastery_score: Mapped[float | None]
    data_from_lms: Mapped[str | None] = mapped_column(Text)
    max_time_allowed: Mapped[str | None] = mapped_column(String(50))
    time_limit_action: Mapped[str | None] = mapped_column(String(50))
    completion_threshold: Mapped[float | None]
    progress_weight: Mapped[float | None]
    #: imsss sequencing of this item plus objectives and adlcp:data maps, for the player
    sequencing: Mapped[dict] = mapped_column(JSON, default=dict)

    package: Mapped[ScormPackage] = relationship(back_populates="scos")


class ScormFile(db.Model):
    """A file of a package: its path inside the zip and the content-store blob holding it."""

    __tablename__ = "scorm_file"
    __table_args__ = (UniqueConstraint("package_id", "path"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(
        ForeignKey("scorm_package.id", ondelete="CASCADE"), index=True)
    #: posix path relative to the package root (NFC, as SafeArchive names it)
    path: Mapped[str] = mapped_column(String(1000))
    #: sha256 of the content, the key into the content store
    digest: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(default=0)

    package: Mapped[ScormPackage] = relationship(back_populates="files")


class ScormScoState(db.Model):
    """The runtime data of one SCO within one learning attempt; one row, updated per commit."""

    __tablename__ = "scorm_sco_state"
    __table_args__ = (UniqueConstraint("attempt_id", "sco_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("learning_attempt.id", ondelete="CASCADE"), index=True)
    sco_id: Mapped[int] = mapped_column(ForeignKey("scorm_sco.id", ondelete="CASCADE"))
    #: `cmi.StoredSco.to_json()`: merged CMI tree, session and sequence bookkeeping, times
    stored: Mapped[dict] = mapped_column(JSON, default=dict)
    # The columns below mirror `stored` so that reports can filter and sort in SQL.
    #: not attempted, incomplete, completed, unknown
    completion: Mapped[str] = mapped_column(String(20), default="not attempted")
    #: unknown, passed, failed
    success: Mapped[str] = mapped_column(String(20), default="unknown")
    score_raw: Mapped[float | None]
    score_min: Mapped[float | None]
    score_max: Mapped[float | None]
    score_scaled: Mapped[float | None]
    progress_measure: Mapped[float | None]
    #: seconds; each session counted once on the server, never the browser's total_time
    total_time_seconds: Mapped[float] = mapped_column(default=0.0)
    #: cmi.exit of the newest applied commit: decides entry=resume on the next launch
    last_exit: Mapped[str] = mapped_column(String(20), default="")
    #: newest launch whose data was applied, and the highest commit sequence applied in it
    session: Mapped[int] = mapped_column(default=0)
    last_sequence: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    sco: Mapped[ScormSco] = relationship()


class ScormCommitLog(db.Model):
    """Every commit as received, for forensics: scores come from the browser and can be forged."""

    __tablename__ = "scorm_commit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("learning_attempt.id", ondelete="CASCADE"), index=True)
    sco_id: Mapped[int] = mapped_column(ForeignKey("scorm_sco.id", ondelete="CASCADE"))
    sequence: Mapped[int | None]
    session: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the raw request body, capped (see runtime.MAX_LOGGED_BODY)
    body: Mapped[str] = mapped_column(Text, default="")
    client_ip: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(100))
    #: applied, duplicate, stale, older_session (logged, not applied) or invalid
    outcome: Mapped[str] = mapped_column(String(20), default="applied")


class ScormInteraction(db.Model):
    """A learner's answer to a question inside a SCO (cmi.interactions.n)."""

    __tablename__ = "scorm_interaction"
    __table_args__ = (UniqueConstraint("attempt_id", "sco_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("learning_attempt.id", ondelete="CASCADE"), index=True)
    sco_id: Mapped[int] = mapped_column(ForeignKey("scorm_sco.id", ondelete="CASCADE"))
    #: n in cmi.interactions.n
    position: Mapped[int] = mapped_column(default=0)
    interaction_id: Mapped[str] = mapped_column(String(4000), default="")
    type: Mapped[str] = mapped_column(String(30), default="")
    #: learner_response (2004) / student_response (1.2)
    response: Mapped[str] = mapped_column(Text, default="")
    #: correct, incorrect, unanticipated, neutral, wrong (1.2) or a number
    result: Mapped[str] = mapped_column(String(30), default="")
    latency_seconds: Mapped[float | None]
    #: as the SCO reported it (ISO 8601 in 2004, HH:MM:SS in 1.2)
    timestamp: Mapped[str] = mapped_column(String(50), default="")
    weighting: Mapped[float | None]
    description: Mapped[str] = mapped_column(Text, default="")
    correct_responses: Mapped[list] = mapped_column(JSON, default=list)
    objectives: Mapped[list] = mapped_column(JSON, default=list)


class ScormObjective(db.Model):
    """An objective's status within a SCO (cmi.objectives.n)."""

    __tablename__ = "scorm_objective"
    __table_args__ = (UniqueConstraint("attempt_id", "sco_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("learning_attempt.id", ondelete="CASCADE"), index=True)
    sco_id: Mapped[int] = mapped_column(ForeignKey("scorm_sco.id", ondelete="CASCADE"))
    #: n in cmi.objectives.n
    position: Mapped[int] = mapped_column(default=0)
    objective_id: Mapped[str] = mapped_column(String(4000))
    completion: Mapped[str] = mapped_column(String(20), default="")
    success: Mapped[str] = mapped_column(String(20), default="")
    score_raw: Mapped[float | None]
    score_min: Mapped[float | None]
    score_max: Mapped[float | None]
    score_scaled: Mapped[float | None]
    progress_measure: Mapped[float | None]
    description: Mapped[str] = mapped_column(Text, default="")
