"""Interactive-video tables: the lesson of a material version, its background jobs, and answers.

The questions, chapters and settings are small structured documents edited as a whole in the
editor, so they live as JSON on the lesson (validated by `lesson_model.py`); answers are rows,
because the teacher marks them one by one and the report counts them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import LearningAttempt, MaterialVersion, User
from lms.models.base import utcnow


class VideoLesson(db.Model):
    """One interactive video, belonging to exactly one material version."""

    __tablename__ = "video_lesson"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("material_version.id", ondelete="CASCADE"), unique=True)
    #: "file" (a video in the content store) or "external" (a URL kept from an H5P import)
    source_kind: Mapped[str] = mapped_column(String(20), default="file")
    #: the uploaded video as the teacher sent it (kept even when a playable copy is made)
    original_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    original_filename: Mapped[str] = mapped_column(String(300), default="")
    #: the file browsers play: the original when it already plays, else a job's output
    playable_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    #: MIME type of the playable file (video/mp4 or video/webm)
    playable_mime: Mapped[str] = mapped_column(String(50), default="video/mp4")
    #: a video referenced by URL (needs internet), for source_kind "external"
    external_url: Mapped[str] = mapped_column(String(1000), default="")
    #: seconds, from ffprobe; null until known (external videos report it from the player)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    #: what ffprobe found: {"container", "video", "audio", "width", "height", "faststart"}
    media_info: Mapped[dict] = mapped_column(JSON, default=dict)
    #: [{"digest", "label", "lang"}]: WebVTT files, UTF-8
    captions: Mapped[list] = mapped_column(JSON, default=list)
    poster_digest: Mapped[str | None] = mapped_column(String(64))
    #: {"prevent_skipping", "pass_percentage", "complete_percentage"}; see lesson_model.py
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the timeline's questions and information cards; see lesson_model.py
    questions: Mapped[list] = mapped_column(JSON, default=list)
    #: [{"time", "title"}] chapters/bookmarks, sorted by time
    chapters: Mapped[list] = mapped_column(JSON, default=list)
    #: images of information cards imported from H5P: {package path: digest}
    assets: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    version: Mapped[MaterialVersion] = relationship()
    jobs: Mapped[list[VideoJob]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", order_by="VideoJob.id")

    @property
    def playable(self) -> bool:
        return bool(self.playable_digest) or bool(self.external_url)

    def digests(self) -> set[str]:
        found = {self.original_digest, self.playable_digest, self.poster_digest}
        found |= {c["digest"] for c in self.captions or []}
        found |= set((self.assets or {}).values())
        return {d for d in found if d}


class VideoJob(db.Model):
    """Background work on a lesson's video (faststart remux or transcode), run by the worker."""

    __tablename__ = "video_job"
    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("video_lesson.id", ondelete="CASCADE"),
                                           index=True)
    #: "faststart" (copy streams into an MP4 with moov first) or "transcode" (H.264/AAC MP4)
    kind: Mapped[str] = mapped_column(String(20))
    #: queued, running, done, failed
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    #: 0..1, parsed from ffmpeg's -progress output
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    #: why it failed, in Vietnamese, for the teacher
    error: Mapped[str] = mapped_column(Text, default="")
    #: how many times a worker claimed it
    attempts: Mapped[int] = mapped_column(default=0)
    input_digest: Mapped[str] = mapped_column(String(64))
    output_digest: Mapped[str | None] = mapped_column(String(64))
    #: who runs it: "host:pid" of the worker that claimed it
    worker: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    #: last sign of life of the worker running it (a stale one is requeued)
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    lesson: Mapped[VideoLesson] = relationship(back_populates="jobs")


class VideoAnswer(db.Model):
    """One answer a student sent to one question during an attempt.

    `seq` is the player's sequence number for the attempt: a resent answer (after a network
    drop) has the same number and is recognised instead of counted twice.
    """

    __tablename__ = "video_answer"
    __table_args__ = (UniqueConstraint("attempt_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("learning_attempt.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    question_id: Mapped[str] = mapped_column(String(40))
    #: what the student chose or typed, as sent (validated against the question)
    response: Mapped[dict] = mapped_column(JSON, default=dict)
    #: True/False once scored; None while a short-text answer waits for the teacher
    correct: Mapped[bool | None]
    points: Mapped[float] = mapped_column(Float, default=0.0)
    max_points: Mapped[float] = mapped_column(Float, default=0.0)
    #: the teacher's comment on a marked short-text answer
    teacher_feedback: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime | None]
    #: position in the video when answered, seconds
    position: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempt: Mapped[LearningAttempt] = relationship()
    marked_by: Mapped[User | None] = relationship()
