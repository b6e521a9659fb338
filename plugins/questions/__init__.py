"""Hỏi thầy cô

Students ask the teachers of their class and subject a question (on an assignment, a lesson or
in general), with photos of the exercise; teachers answer from a queue and publish anonymised
answers to the class's FAQ; heads see their department's queue and the board the answer times.
"""
from __future__ import annotations

from typing import ClassVar

from flask_babel import lazy_gettext as _l

from lms.models import Role
from lms.plugins import LMSPlugin, NavEntry

TEACHING = frozenset({Role.TEACHER.value, Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value})
HEADS = frozenset({Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value})
BOARD = frozenset({Role.PRINCIPAL.value, Role.VICE_PRINCIPAL.value})


def leads_department(user) -> bool:
    """Heads and deputy heads of a department (the role alone is not enough: they need one)."""
    membership = user.department_membership
    return membership is not None and membership.position in ("head", "deputy")


class QuestionsPlugin(LMSPlugin):
    """Hỏi thầy cô

    Question threads between a student and the teachers of their class and subject, the
    teachers' queue with waiting times, the class's FAQ and the board's answer-time statistics.
    """

    default_settings: ClassVar = {}

    def init(self, app):
        from . import models  # noqa: F401  (the tables, for SQLAlchemy and Alembic)

    def blueprints(self):
        from .views import bp

        return [bp]

    def navigation(self):
        return [
            NavEntry("questions.mine", lambda: str(_l("Hỏi thầy cô")),
                     frozenset({Role.STUDENT.value}), order=210),
            NavEntry("questions.queue", lambda: str(_l("Câu hỏi của học sinh")), TEACHING,
                     order=210),
            NavEntry("questions.department", lambda: str(_l("Câu hỏi của tổ")), HEADS,
                     order=335, visible=leads_department),
            NavEntry("questions.stats", lambda: str(_l("Thống kê hỏi đáp")), BOARD, order=340),
        ]

    def template_hooks(self):
        from .widgets import dashboard_widget, material_page_link, parent_child_widget

        return {"dashboard": dashboard_widget, "parent-child": parent_child_widget,
                "material-page": material_page_link}

    def blob_references(self) -> set[str]:
        from .attachments import referenced_digests

        return referenced_digests()
