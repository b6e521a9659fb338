"""Core models: the school's structure, its people and the audit log."""
from .audit import AuditLog, audit
from .material import (
    LearningAttempt, Material, MaterialAuthor, MaterialStatus, MaterialVersion,
)
from .notification import Notification, notify
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
    "AuditLog", "audit", "LearningAttempt", "Material", "MaterialStatus", "MaterialVersion", "MaterialAuthor", "Notification", "notify", "Department", "GradeLevel", "School", "SchoolClass", "SchoolYear",
    "Subject", "ROLE_LABELS", "ClassEnrollment", "DepartmentMembership", "ParentLink", "Role",
    "User", "UserRole",
]
