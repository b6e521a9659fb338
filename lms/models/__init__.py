"""Core models: the school's structure, its people and the audit log."""
from .audit import AuditLog, audit
from .material import LearningAttempt, Material, MaterialStatus, MaterialVersion
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
    "AuditLog", "audit", "LearningAttempt", "Material", "MaterialStatus", "MaterialVersion", "Department", "GradeLevel", "School", "SchoolClass", "SchoolYear",
    "Subject", "ROLE_LABELS", "ClassEnrollment", "DepartmentMembership", "ParentLink", "Role",
    "User", "UserRole",
]
