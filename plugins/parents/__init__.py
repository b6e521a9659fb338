"""Phụ huynh

Parents link to their children with a one-time code the school prints (or a request the
homeroom teacher approves), give or withdraw consent (Decree 13/2023), and follow each child's
work on a phone-first home. Students are told how their data is used at first login.
"""
from __future__ import annotations

from typing import ClassVar

from flask_babel import lazy_gettext as _l

from lms.models import Role
from lms.plugins import LMSPlugin, NavEntry


class ParentsPlugin(LMSPlugin):
    """Phụ huynh

    Linking codes and requests, consent records, the homeroom teacher's class links, the
    parent's home per child and the students' privacy notice.
    """

    default_settings: ClassVar = {}

    def init(self, app):
        from . import models  # noqa: F401  (the tables, for SQLAlchemy and Alembic)
        from .privacy_notice import redirect_to_notice

        app.before_request(redirect_to_notice)

    def blueprints(self):
        from .views import bp

        return [bp]

    def navigation(self):
        from .homeroom import is_homeroom_teacher

        return [
            NavEntry("parents.link", lambda: str(_l("Liên kết với con")),
                     frozenset({Role.PARENT.value}), order=150),
            NavEntry("parents.classes", lambda: str(_l("Phụ huynh lớp chủ nhiệm")),
                     frozenset({Role.TEACHER.value, Role.DEPARTMENT_HEAD.value,
                                Role.DEPUTY_HEAD.value}), order=260,
                     visible=lambda user: not user.has_role(Role.ADMIN)
                     and is_homeroom_teacher(user)),
            NavEntry("parents.classes", lambda: str(_l("Phụ huynh các lớp")),
                     frozenset({Role.ADMIN.value}), order=260),
        ]

    def template_hooks(self):
        from .home import lessons_section, parent_home

        return {"dashboard": parent_home, "parent-child": lessons_section}
