"""Core models: the school's structure, its people and the audit log."""
from .audit import AuditLog, audit
from .school import Department, GradeLevel, School, SchoolClass, SchoolYear, Subject
from .user import (
    ROLE_LABELS,
    ClassEnrollment,
    DepartmentMembership,
    ParentLink,
    Role,
    User,
    UserRole,
)

__all__ = [
    "AuditLog", "audit", "Department", "GradeLevel", "School", "SchoolClass", "SchoolYear",
    "Subject", "ROLE_LABELS", "ClassEnrollment", "DepartmentMembership", "ParentLink", "Role",
    "User", "UserRole",
]
