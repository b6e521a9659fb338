"""The questions plugin's tables: a student's question thread to the teachers of one class and
subject, its messages and attached photos, and the class's FAQ of anonymised answers.

Times are naive UTC. `first_answer_at` is the evidence for criterion 1.3.3 (teachers answer
students' questions): the median of first_answer_at − created_at per teacher and department.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import Material, SchoolClass, Subject, User
from lms.models.base import utcnow


class ThreadStatus(str, enum.Enum):
    #: waiting for a teacher: in the queue
    OPEN = "open"
    #: a teacher answered or marked it answered; a new question from the student reopens it
    ANSWERED = "answered"


class Thread(db.Model):
    """One question of a student, private to them (their parents read it) and the teachers of
    the class and subject."""

    __tablename__ = "questions_thread"
    __table_args__ = (
        Index("ix_questions_thread_queue", "class_id", "subject_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                            index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True)
    #: the assignment the question is about (one the student was given), if any
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments_assignment.id", ondelete="SET NULL"), index=True)
    #: the lesson (an approved material) the question is about, if any
    material_id: Mapped[int | None] = mapped_column(
        ForeignKey("material.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=ThreadStatus.OPEN.value, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: the first time a teacher answered or marked it answered (never moves afterwards)
    first_answer_at: Mapped[datetime | None]
    #: the teacher who answered first
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: since when the student waits, for the queue: the last question they added
    waiting_since: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    student: Mapped[User] = relationship(foreign_keys=[student_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    school_class: Mapped[SchoolClass] = relationship()
    subject: Mapped[Subject] = relationship()
    material: Mapped[Material | None] = relationship()
    messages: Mapped[list[Message]] = relationship(
        back_populates="thread", cascade="all, delete-orphan", order_by="Message.id")


class Message(db.Model):
    __tablename__ = "questions_message"
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("questions_thread.id", ondelete="CASCADE"),
                                           index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: sanitised HTML (nh3)
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    thread: Mapped[Thread] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        cascade="all, delete-orphan", order_by="Attachment.id")


class Attachment(db.Model):
    """A photo of the exercise (downscaled JPEG without EXIF) or a PDF."""

    __tablename__ = "questions_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("questions_message.id", ondelete="CASCADE"), index=True)
    #: sha256 in the content store
    digest: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]


class FaqEntry(db.Model):
    """An answer a teacher published to the class's FAQ, the question rewritten so that no
    student is named."""

    __tablename__ = "questions_faq_entry"
    __table_args__ = (Index("ix_questions_faq_class_subject", "class_id", "subject_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    material_id: Mapped[int | None] = mapped_column(
        ForeignKey("material.id", ondelete="SET NULL"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments_assignment.id", ondelete="SET NULL"), index=True)
    #: the question as the teacher anonymised it (plain text)
    question: Mapped[str] = mapped_column(Text)
    #: the answer (sanitised HTML)
    answer: Mapped[str] = mapped_column(Text)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    source_thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions_thread.id", ondelete="SET NULL"), index=True)

    material: Mapped[Material | None] = relationship()
    published_by: Mapped[User] = relationship()
