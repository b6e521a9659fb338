"""The gradebook plugin's tables (Sổ điểm, Thông tư 22/2021/TT-BGDĐT).

A sheet is one class × subject × semester; an entry is one student's score in one slot of it
(ĐĐGtx 1…4, ĐĐGgk, ĐĐGck). Averages and result levels are computed (`rules.py`), never stored,
so they cannot disagree with the scores.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import GradeLevel, SchoolClass, SchoolYear, Subject, User
from lms.models.base import utcnow


class SubjectRule(db.Model):
    """How a subject is assessed in a grade: its periods a year fix the number of ĐĐGtx
    (2 up to 35, 3 up to 70, 4 above); comment-only subjects take Đạt/Chưa đạt."""

    __tablename__ = "gradebook_subject_rule"
    __table_args__ = (UniqueConstraint("subject_id", "grade_level_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"),
                                            index=True)
    grade_level_id: Mapped[int] = mapped_column(ForeignKey("grade_level.id", ondelete="CASCADE"),
                                                index=True)
    #: số tiết/năm học of the curriculum
    periods_per_year: Mapped[int]
    #: đánh giá bằng nhận xét (GDTC, Nghệ thuật, HĐTN-HN, NDGD địa phương)
    comment_only: Mapped[bool] = mapped_column(default=False)

    subject: Mapped[Subject] = relationship()
    grade_level: Mapped[GradeLevel] = relationship()


class Semester(db.Model):
    """Học kỳ I or II of a school year; locked when the school closes it."""

    __tablename__ = "gradebook_semester"
    __table_args__ = (UniqueConstraint("school_year_id", "number"),
                      CheckConstraint("number IN (1, 2)", name="number_1_or_2"))
    id: Mapped[int] = mapped_column(primary_key=True)
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"),
                                                index=True)
    number: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: khóa sổ: no score of the semester changes after this
    locked_at: Mapped[datetime | None]
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    school_year: Mapped[SchoolYear] = relationship()
    locked_by: Mapped[User | None] = relationship()


class Sheet(db.Model):
    """Sổ điểm of one class, subject and semester."""

    __tablename__ = "gradebook_sheet"
    __table_args__ = (UniqueConstraint("class_id", "subject_id", "semester_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"),
                                          index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"),
                                            index=True)
    semester_id: Mapped[int] = mapped_column(ForeignKey("gradebook_semester.id",
                                                        ondelete="CASCADE"), index=True)
    #: when the teacher published the averages to students and parents (null = not yet)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school_class: Mapped[SchoolClass] = relationship()
    subject: Mapped[Subject] = relationship()
    semester: Mapped[Semester] = relationship()


class Entry(db.Model):
    """One student's score (or Đạt/Chưa đạt) in one slot of a sheet."""

    __tablename__ = "gradebook_entry"
    __table_args__ = (
        UniqueConstraint("sheet_id", "student_id", "slot"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 10)", name="score_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("gradebook_sheet.id", ondelete="CASCADE"),
                                          index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                            index=True)
    #: tx1 … tx4, gk, ck
    slot: Mapped[str] = mapped_column(String(8))
    #: 0–10, integer or one decimal (scored subjects)
    score: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    #: Đạt (True) / Chưa đạt (False) (comment-only subjects)
    passed: Mapped[bool | None]
    #: typed, pasted, imported, assignment
    source: Mapped[str] = mapped_column(String(20), default="typed")
    #: for source "assignment": {"assignments": [ids], "rule": "one|average|latest"}
    source_detail: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: optimistic lock, like the grading desk's: a stale save is refused, never overwrites
    version: Mapped[int] = mapped_column(default=1)

    student: Mapped[User] = relationship(foreign_keys=[student_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)


class Change(db.Model):
    """Every change of a gradebook cell: who, when, old → new, and how (audited, shown to the
    department head and the board)."""

    __tablename__ = "gradebook_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("gradebook_sheet.id", ondelete="CASCADE"),
                                          index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                            index=True)
    slot: Mapped[str] = mapped_column(String(8))
    #: the value as shown ("8,5", "Đ", "CĐ", "" for empty)
    old_value: Mapped[str] = mapped_column(String(10), default="")
    new_value: Mapped[str] = mapped_column(String(10), default="")
    source: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    student: Mapped[User] = relationship(foreign_keys=[student_id])
