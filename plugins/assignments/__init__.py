"""Giao bài

Teachers give library lessons or plain tasks to classes, groups or students with dates and
extensions; students see a to-do list and hand in work (photos of paper work too); teachers
grade at the grading desk and return the work (Trả bài).
"""
from __future__ import annotations

from typing import ClassVar

from flask_babel import lazy_gettext as _l

from lms.models import Role
from lms.plugins import LMSPlugin, NavEntry

TEACHING = frozenset({Role.TEACHER.value, Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value})
REPORT_READERS = frozenset({Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value,
                            Role.PRINCIPAL.value, Role.VICE_PRINCIPAL.value})


def reads_reports(user) -> bool:
    """The board, and heads and deputy heads who lead a department."""
    membership = user.department_membership
    return user.is_board or (membership is not None and membership.position in ("head", "deputy"))


class AssignmentsPlugin(LMSPlugin):
    """Giao bài

    Assignments of library materials or plain tasks, the student's to-do list and hand-in, and
    the teacher's grading desk with released grades.
    """

    default_settings: ClassVar = {}
    seed_order: ClassVar[int] = 50

    def seed_demo(self, demo):
        """gv.toan's work for 6A1 and 6A2 in every state (demo.py)."""
        from .demo import seed_demo_assignments

        seed_demo_assignments(demo)

    def init(self, app):
        from . import models  # noqa: F401  (the tables, for SQLAlchemy and Alembic)

    def blueprints(self):
        from .views import bp

        return [bp]

    def navigation(self):
        return [
            NavEntry("assignments.teacher_list", lambda: str(_l("Giao bài")), TEACHING,
                     order=200),
            NavEntry("assignments.todo", lambda: str(_l("Bài tập")),
                     frozenset({Role.STUDENT.value}), order=200),
            NavEntry("assignments.children", lambda: str(_l("Bài tập của con")),
                     frozenset({Role.PARENT.value}), order=200),
            NavEntry("assignments.report", lambda: str(_l("Báo cáo giao bài")), REPORT_READERS,
                     order=330, visible=reads_reports),
        ]

    def template_hooks(self):
        from .views.widgets import dashboard_widget, parent_child_widget

        return {"dashboard": dashboard_widget, "parent-child": parent_child_widget}

    def connect_signals(self):
        from lms import signals

        from .tracking import on_attempt_committed

        # connected for this app only, so several apps in one process don't see each other
        signals.attempt_committed.connect(on_attempt_committed, sender=self.app)

    def blob_references(self) -> set[str]:
        from .handin import referenced_digests

        return referenced_digests()
