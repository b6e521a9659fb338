"""The school's structure: years, departments (tổ) and subjects, grade levels and classes."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class School(db.Model):
    __tablename__ = "school"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Mã trường, as used by the education department
    code: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))

    @classmethod
    def current(cls) -> School | None:
        return db.session.scalar(select(cls).order_by(cls.id).limit(1))


class SchoolYear(db.Model):
    """Năm học, e.g. 2025-2026 from September to May. Exactly one is current."""

    __tablename__ = "school_year"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    is_current: Mapped[bool] = mapped_column(default=False)

    @classmethod
    def current(cls) -> SchoolYear | None:
        return db.session.scalar(select(cls).where(cls.is_current.is_(True)).limit(1))

    def make_current(self) -> None:
        for year in db.session.scalars(select(SchoolYear).where(SchoolYear.is_current.is_(True))):
            year.is_current = False
        self.is_current = True

    @staticmethod
    def name_for(day: date) -> str:
        """'2025-2026' for any day from 1 August 2025 to 31 July 2026."""
        first = day.year if day.month >= 8 else day.year - 1
        return f"{first}-{first + 1}"


class Department(db.Model):
    """Tổ bộ môn: a group of teachers covering one or more subjects."""

    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: short stable code used by CLI commands and imports (TOAN, VAN, ANH)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    subjects: Mapped[list[Subject]] = relationship(
        back_populates="department", order_by="Subject.name"
    )
    memberships: Mapped[list[DepartmentMembership]] = relationship(  # noqa: F821
        back_populates="department"
    )


class Subject(db.Model):
    __tablename__ = "subject"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    department: Mapped[Department] = relationship(back_populates="subjects")


class GradeLevel(db.Model):
    """Khối: 1–5 primary, 6–9 lower secondary, 10–12 upper secondary."""

    __tablename__ = "grade_level"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)

    @property
    def name(self) -> str:
        from flask_babel import gettext

        return gettext("Khối %(number)s", number=self.number)


class SchoolClass(db.Model):
    """Lớp, e.g. 6A1, within one school year."""

    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("school_year_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"), index=True)
    grade_level_id: Mapped[int] = mapped_column(ForeignKey("grade_level.id"), index=True)
    #: giáo viên chủ nhiệm
    homeroom_teacher_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    school_year: Mapped[SchoolYear] = relationship()
    grade_level: Mapped[GradeLevel] = relationship()
    homeroom_teacher: Mapped[User | None] = relationship()  # noqa: F821
    enrollments: Mapped[list[ClassEnrollment]] = relationship(  # noqa: F821
        back_populates="school_class"
    )


class TeachingAssignment(db.Model):
    """Phân công chuyên môn: a teacher teaches a subject in a class this school year.

    It decides whose classes a teacher may give work to and whose gradebook columns they keep;
    a subject may have several teachers in one class (a co-teacher, a substitute).
    """

    __tablename__ = "teaching_assignment"
    __table_args__ = (UniqueConstraint("teacher_id", "class_id", "subject_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id", ondelete="CASCADE"),
                                          index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"),
                                            index=True)

    teacher: Mapped[User] = relationship()  # noqa: F821
    school_class: Mapped[SchoolClass] = relationship()
    subject: Mapped[Subject] = relationship()
