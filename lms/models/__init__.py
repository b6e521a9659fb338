"""Core models: the school's structure, its people and the audit log."""
from .audit import AuditLog, audit
from .material import (
    LearningAttempt,
    Material,
    MaterialAuthor,
    MaterialStatus,
    MaterialVersion,
)
from .notification import Notification, notify
from .school import (
    Department,
    GradeLevel,
    School,
    SchoolClass,
    SchoolYear,
    Subject,
    TeachingAssignment,
)
from .user import (
    ROLE_LABELS,
    ClassEnrollment,
    DepartmentMembership,
    ParentLink,
    ParentLinkStatus,
    Role,
    User,
    UserRole,
)

__all__ = [
    "ROLE_LABELS",
    "AuditLog",
    "ClassEnrollment",
    "Department",
    "DepartmentMembership",
    "GradeLevel",
    "LearningAttempt",
    "Material",
    "MaterialAuthor",
    "MaterialStatus",
    "MaterialVersion",
    "Notification",
    "ParentLink",
    "ParentLinkStatus",
    "Role",
    "School",
    "SchoolClass",
    "SchoolYear",
    "Subject",
    "TeachingAssignment",
    "User",
    "UserRole",
    "audit",
    "notify",
]
