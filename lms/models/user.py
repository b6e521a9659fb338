"""People: accounts, roles and who belongs to what."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..vietnamese import name_sort_key, split_name
from .base import utcnow
from .school import Department, SchoolClass


class Role(str, enum.Enum):
    ADMIN = "admin"
    PRINCIPAL = "principal"
    VICE_PRINCIPAL = "vice_principal"
    DEPARTMENT_HEAD = "department_head"
    DEPUTY_HEAD = "deputy_head"
    TEACHER = "teacher"
    STUDENT = "student"
    PARENT = "parent"


ROLE_LABELS = {
    Role.ADMIN: _l("Quản trị (Tổ CNTT)"),
    Role.PRINCIPAL: _l("Hiệu trưởng"),
    Role.VICE_PRINCIPAL: _l("Phó hiệu trưởng"),
    Role.DEPARTMENT_HEAD: _l("Tổ trưởng chuyên môn"),
    Role.DEPUTY_HEAD: _l("Tổ phó chuyên môn"),
    Role.TEACHER: _l("Giáo viên"),
    Role.STUDENT: _l("Học sinh"),
    Role.PARENT: _l("Phụ huynh"),
}

BOARD_ROLES = frozenset({Role.PRINCIPAL.value, Role.VICE_PRINCIPAL.value})
STAFF_ROLES = frozenset(
    {Role.ADMIN.value, Role.PRINCIPAL.value, Role.VICE_PRINCIPAL.value,
     Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value, Role.TEACHER.value}
)


class User(UserMixin, db.Model):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(150))
    #: given name first, then the rest: ORDER BY this to sort the Vietnamese way
    sort_key: Mapped[str] = mapped_column(String(600), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    birth_date: Mapped[date | None]
    #: Mã học sinh / mã giáo viên from VnEdu or SMAS; re-imports match on it
    external_code: Mapped[str | None] = mapped_column(String(40), unique=True)
    #: Mã định danh: the 12-digit personal identification number the ministry's database and the
    #: score sheets of VnEdu/SMAS carry (a citizen ID for those who have one)
    national_id: Mapped[str | None] = mapped_column(String(12), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    #: imported and reset accounts must choose their own password at first login
    must_change_password: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: when a student was shown how the school uses their data (Decree 13/2023: students from
    #: 7 years old are told at first login); null until then
    privacy_notice_seen_at: Mapped[datetime | None]

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    department_membership: Mapped[DepartmentMembership | None] = relationship(
        back_populates="user", uselist=False, cascade="all, delete-orphan",
        foreign_keys="DepartmentMembership.user_id",
    )

    @validates("full_name")
    def _keep_sort_key(self, _key, value):
        self.sort_key = name_sort_key(value)
        return value

    @property
    def given_name(self) -> str:
        return split_name(self.full_name)[1]

    # Flask-Login uses this to refuse disabled accounts.
    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)

    def has_role(self, *roles: Role | str) -> bool:
        wanted = {r.value if isinstance(r, Role) else r for r in roles}
        return bool(self.role_names & wanted)

    def add_role(self, role: Role) -> bool:
        if role.value in self.role_names:
            return False
        self.roles.append(UserRole(role=role.value))
        return True

    def remove_role(self, role: Role) -> bool:
        for user_role in list(self.roles):
            if user_role.role == role.value:
                self.roles.remove(user_role)
                return True
        return False

    @property
    def is_board(self) -> bool:
        return bool(self.role_names & BOARD_ROLES)

    @property
    def is_staff(self) -> bool:
        return bool(self.role_names & STAFF_ROLES)

    @property
    def department(self) -> Department | None:
        membership = self.department_membership
        return membership.department if membership else None

    def heads_department(self, department_id: int) -> bool:
        membership = self.department_membership
        return bool(
            membership
            and membership.department_id == department_id
            and membership.position in ("head", "deputy")
        )

    def children(self) -> list[User]:
        """The students this parent follows through an active link."""
        return list(
            db.session.scalars(
                select(User)
                .join(ParentLink, ParentLink.student_id == User.id)
                .where(ParentLink.parent_id == self.id,
                       ParentLink.status == ParentLinkStatus.ACTIVE.value)
                .order_by(User.sort_key)
            )
        )

    def is_parent_of(self, student_id: int) -> bool:
        return db.session.scalar(
            select(ParentLink.id).where(
                ParentLink.parent_id == self.id, ParentLink.student_id == student_id,
                ParentLink.status == ParentLinkStatus.ACTIVE.value,
            )
        ) is not None

    def classes(self, school_year_id: int | None = None) -> list[SchoolClass]:
        query = (
            select(SchoolClass)
            .join(ClassEnrollment, ClassEnrollment.class_id == SchoolClass.id)
            .where(ClassEnrollment.student_id == self.id)
            .order_by(SchoolClass.name)
        )
        if school_year_id is not None:
            query = query.where(SchoolClass.school_year_id == school_year_id)
        return list(db.session.scalars(query))

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    user: Mapped[User] = relationship(back_populates="roles")


class DepartmentMembership(db.Model):
    """A teacher belongs to one department; `position` marks its head and deputy head."""

    __tablename__ = "department_membership"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), unique=True
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    #: member, head (tổ trưởng) or deputy (tổ phó)
    position: Mapped[str] = mapped_column(String(10), default="member")
    user: Mapped[User] = relationship(back_populates="department_membership",
                                      foreign_keys=[user_id])
    department: Mapped[Department] = relationship(back_populates="memberships")


class ClassEnrollment(db.Model):
    """A student in a class; the class fixes the school year."""

    __tablename__ = "class_enrollment"
    __table_args__ = (UniqueConstraint("student_id", "class_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    student: Mapped[User] = relationship()
    school_class: Mapped[SchoolClass] = relationship(back_populates="enrollments")


class ParentLinkStatus(str, enum.Enum):
    #: a parent entered a linking code; the homeroom teacher has not approved it yet
    PENDING = "pending"
    #: the parent follows the child (created by an import or the school, or approved)
    ACTIVE = "active"
    #: revoked by the homeroom teacher or the school: the parent sees nothing of the child
    REVOKED = "revoked"


class ParentLink(db.Model):
    """A parent (guardian) who follows a student. Only ACTIVE links let the parent see the
    child: `User.children` and `User.is_parent_of` read those alone."""

    __tablename__ = "parent_link"
    __table_args__ = (UniqueConstraint("parent_id", "student_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: bố, mẹ, người giám hộ...
    relationship_label: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default=ParentLinkStatus.ACTIVE.value,
                                        server_default=ParentLinkStatus.ACTIVE.value, index=True)
    #: how the link was made: import, code (the parent entered a linking code), school
    created_via: Mapped[str] = mapped_column(String(10), default="school",
                                             server_default="school")
    created_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    #: when the parent consented to the school processing the child's data (Decree 13/2023,
    #: art. 20); null until they do
    consent_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
