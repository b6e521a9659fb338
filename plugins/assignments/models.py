"""The assignments plugin's tables: assignments, who they go to, date overrides, each student's
submission (its state, grade and files), groups inside a class, the comment bank and the history.

Dates are naive UTC like every other column of the project; `schedule.py` converts them to and
from the school's zone. Late, missing, excused and extended are derived from these columns
(`status.py`), never stored as states.
"""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import Material, SchoolClass, SchoolYear, Subject, User
from lms.models.base import utcnow


class AssignmentKind(str, enum.Enum):
    #: a material of the library (SCORM, Xerte, video, file; later a quiz): tracked from
    #: `LearningAttempt`
    MATERIAL = "material"
    #: a plain task: instructions and attachments; the student hands in text and files
    TASK = "task"


class GradingScale(str, enum.Enum):
    #: 0–10 with at most one decimal (Thông tư 22)
    SCORE = "score"
    #: Đạt / Chưa đạt (subjects assessed by comment)
    PASS_FAIL = "pass_fail"


class AttemptPolicy(str, enum.Enum):
    """Which attempt's score becomes the proposed grade."""

    BEST = "best"
    LAST = "last"
    FIRST = "first"


class SubmissionState(str, enum.Enum):
    """The stored states of one student's work. Late, missing, excused, extended are derived."""

    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"  #: a draft, or a lesson started and not finished
    TURNED_IN = "turned_in"
    RETURNED = "returned"


class Assignment(db.Model):
    __tablename__ = "assignments_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    #: sanitised HTML (nh3) written by the teacher
    instructions: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default=AssignmentKind.TASK.value)
    #: the library material to do, for kind "material"
    material_id: Mapped[int | None] = mapped_column(
        ForeignKey("material.id", ondelete="RESTRICT"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    #: nothing shows to students before this moment (UTC)
    opens_at: Mapped[datetime] = mapped_column(index=True)
    #: turned in after this is late (UTC)
    due_at: Mapped[datetime] = mapped_column(index=True)
    #: nothing is accepted after this (UTC); null = accepted late without end
    cutoff_at: Mapped[datetime | None]
    grading_scale: Mapped[str] = mapped_column(String(20), default=GradingScale.SCORE.value)
    attempt_policy: Mapped[str] = mapped_column(String(10), default=AttemptPolicy.BEST.value)
    #: done on paper or in class: handing in online is optional, never reported missing
    offline: Mapped[bool] = mapped_column(default=False)
    #: plain tasks: what the student may hand in
    accepts_text: Mapped[bool] = mapped_column(default=True)
    accepts_files: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]

    material: Mapped[Material | None] = relationship()
    subject: Mapped[Subject] = relationship()
    school_year: Mapped[SchoolYear] = relationship()
    created_by: Mapped[User] = relationship()
    recipients: Mapped[list[AssignmentRecipient]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan")
    attachments: Mapped[list[AssignmentAttachment]] = relationship(
        cascade="all, delete-orphan", order_by="AssignmentAttachment.id")


class AssignmentRecipient(db.Model):
    """Who an assignment goes to: a whole class, a group inside a class, or one student of it.

    Every recipient names its class, so one assignment can go to several classes and the
    grading desk and gradebook stay per class.
    """

    __tablename__ = "assignments_recipient"
    __table_args__ = (
        CheckConstraint("group_id IS NULL OR student_id IS NULL", name="one_of_group_student"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments_assignment.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments_group.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True)

    assignment: Mapped[Assignment] = relationship(back_populates="recipients")
    school_class: Mapped[SchoolClass] = relationship()
    group: Mapped[StudentGroup | None] = relationship()
    student: Mapped[User | None] = relationship()


class AssignmentAttachment(db.Model):
    """A file the teacher attached to the instructions (a worksheet, a picture)."""

    __tablename__ = "assignments_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments_assignment.id", ondelete="CASCADE"), index=True)
    #: sha256 in the content store
    digest: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]


class StudentGroup(db.Model):
    """A group inside a class (Nhóm 1, tổ 2, the students who need more practice)."""

    __tablename__ = "assignments_group"
    __table_args__ = (UniqueConstraint("class_id", "name", "created_by_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school_class: Mapped[SchoolClass] = relationship()
    members: Mapped[list[StudentGroupMember]] = relationship(cascade="all, delete-orphan")


class StudentGroupMember(db.Model):
    __tablename__ = "assignments_group_member"
    __table_args__ = (UniqueConstraint("group_id", "student_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("assignments_group.id", ondelete="CASCADE"),
                                          index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                            index=True)
    student: Mapped[User] = relationship()


class DateOverride(db.Model):
    """Other dates for one student or one group (an extension, a make-up). A null column keeps
    the assignment's date; a student's override wins over their group's."""

    __tablename__ = "assignments_override"
    __table_args__ = (
        CheckConstraint("(group_id IS NULL) <> (student_id IS NULL)", name="group_xor_student"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments_assignment.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                                   index=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments_group.id", ondelete="CASCADE"), index=True)
    opens_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    cutoff_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Submission(db.Model):
    """One student's work on one assignment: its state, what they handed in, and the grade.

    Created for every recipient student when the assignment is published, so the grading desk
    and the to-do list are one query each. The grade is a draft until `released_at` is set;
    students and parents read only released grades.
    """

    __tablename__ = "assignments_submission"
    __table_args__ = (
        UniqueConstraint("assignment_id", "student_id"),
        Index("ix_assignments_submission_student_state", "student_id", "state"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 10)", name="score_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments_assignment.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                            index=True)
    #: the class the student was given the work in (a student may change class mid-year)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=SubmissionState.ASSIGNED.value)
    started_at: Mapped[datetime | None]
    turned_in_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    #: excused by the teacher (ill, exempt): never late or missing, not graded
    excused: Mapped[bool] = mapped_column(default=False)
    #: the teacher marked it handed in on paper: never reported missing
    on_paper: Mapped[bool] = mapped_column(default=False)
    #: the student's text answer (sanitised HTML)
    text: Mapped[str] = mapped_column(Text, default="")
    #: library work: the attempt whose score is proposed, chosen by the assignment's policy
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_attempt.id", ondelete="SET NULL"))
    #: 0–10 proposed from the attempt's score (score_scaled × 10), before the teacher decides
    proposed_score: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    #: the grade: 0–10, one decimal (GradingScale.SCORE)
    score: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    #: the grade: Đạt (True) / Chưa đạt (False) (GradingScale.PASS_FAIL)
    passed: Mapped[bool | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None]
    #: when the grade and comment were last released to the student and parents (Trả bài)
    released_at: Mapped[datetime | None] = mapped_column(index=True)
    #: the released grade as the student and parents see it, frozen at release, so a teacher's
    #: later draft never leaks before the next release
    released_score: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    released_passed: Mapped[bool | None]
    released_comment: Mapped[str] = mapped_column(Text, default="")
    #: optimistic lock: a save names the version it read; a stale one is refused
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assignment: Mapped[Assignment] = relationship()
    student: Mapped[User] = relationship(foreign_keys=[student_id])
    school_class: Mapped[SchoolClass] = relationship()
    graded_by: Mapped[User | None] = relationship(foreign_keys=[graded_by_id])
    files: Mapped[list[SubmissionFile]] = relationship(
        cascade="all, delete-orphan", order_by="SubmissionFile.id")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)


class SubmissionFile(db.Model):
    """A file the student handed in: a photo of paper work (downscaled on the server), a PDF."""

    __tablename__ = "assignments_submission_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("assignments_submission.id", ondelete="CASCADE"), index=True)
    #: sha256 of the stored file in the content store (the downscaled JPEG for photos)
    digest: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SubmissionEvent(db.Model):
    """The history of one submission: every state change, grade and release, by whom and when.

    Reports (share turned in, graded within N days) read it; the grading desk shows it."""

    __tablename__ = "assignments_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("assignments_submission.id", ondelete="CASCADE"), index=True)
    #: null for automatic events (a finished lesson turned the work in)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: started, turned_in, taken_back, returned, reopened, graded, excused, extended, on_paper...
    action: Mapped[str] = mapped_column(String(30), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    actor: Mapped[User | None] = relationship()


class CommentBankEntry(db.Model):
    """A teacher's reusable comment ("Bài làm cẩn thận, trình bày rõ ràng")."""

    __tablename__ = "assignments_comment_bank"
    __table_args__ = (UniqueConstraint("teacher_id", "text"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                            index=True)
    text: Mapped[str] = mapped_column(String(500))
    uses: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
