"""The target plugin's own tables: per-department targets, targets reached, catalog sign-offs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import Department, SchoolYear, User
from lms.models.base import utcnow


class DepartmentTarget(db.Model):
    """A department's own target for one school year, set by the board (overrides the setting)."""

    __tablename__ = "targets_department_target"
    __table_args__ = (UniqueConstraint("department_id", "school_year_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"),
                                               index=True)
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"),
                                                index=True)
    #: number of approved counting materials the department must reach
    target: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TargetReached(db.Model):
    """A department crossed its target in a school year; the row makes `target_reached` fire
    once, however many approvals follow."""

    __tablename__ = "targets_reached"
    __table_args__ = (UniqueConstraint("department_id", "school_year_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id", ondelete="CASCADE"),
                                               index=True)
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"),
                                                index=True)
    #: approved_at of the material that made the count reach the target
    reached_at: Mapped[datetime]
    #: the target in force at that moment
    target: Mapped[int]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CatalogConfirmation(db.Model):
    """The principal's sign-off of the catalog (Danh mục học liệu số) for a year and filter."""

    __tablename__ = "targets_catalog_confirmation"
    id: Mapped[int] = mapped_column(primary_key=True)
    school_year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id", ondelete="CASCADE"),
                                                index=True)
    #: the department filter of the confirmed catalog; null = the whole school
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), index=True)
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: the principal's name as signed, kept even if the account is renamed or removed
    principal_name: Mapped[str] = mapped_column(String(150))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: how many materials the catalog listed when it was confirmed
    material_count: Mapped[int]

    school_year: Mapped[SchoolYear] = relationship()
    department: Mapped[Department | None] = relationship()
    principal: Mapped[User | None] = relationship()
