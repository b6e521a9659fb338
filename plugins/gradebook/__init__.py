"""Sổ điểm

The Thông tư 22 gradebook per class, subject and semester, filled from released assignment
grades or typed, with averages and result levels, and the score sheets VnEdu/SMAS import.
"""
from __future__ import annotations

from typing import ClassVar

from flask_babel import lazy_gettext as _l

from lms.models import Role
from lms.plugins import LMSPlugin, NavEntry

#: who opens the gradebook: teachers keep their sheets, heads and the board read them
GRADEBOOK_READERS = frozenset({
    Role.TEACHER.value, Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value,
    Role.PRINCIPAL.value, Role.VICE_PRINCIPAL.value, Role.ADMIN.value})


class GradebookPlugin(LMSPlugin):
    """Sổ điểm

    The gradebook of Thông tư 22: ĐĐGtx, ĐĐGgk, ĐĐGck, ĐTBmhk and ĐTBmcn, result levels, the
    homeroom teacher's class view, locking, history, and XLSX exchange with VnEdu/SMAS.
    """

    default_settings: ClassVar = {
        #: first title row of exported score sheets ("SỞ GIÁO DỤC VÀ ĐÀO TẠO …" for upper
        #: secondary schools)
        "department_of_education": "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        #: scores written "8,5" (True) or "8.5" in exported sheets
        "decimal_comma": True,
    }
    seed_order: ClassVar[int] = 60

    def seed_demo(self, demo):
        """Subject rules for grades 6–9 and a partly filled 6A1 gradebook (demo.py)."""
        from .demo import seed_demo_gradebook

        seed_demo_gradebook(demo)

    def blueprints(self):
        from .exchange_views import bp as exchange_bp
        from .views import bp

        return [bp, exchange_bp]

    def navigation(self):
        return [NavEntry("gradebook.index", lambda: str(_l("Sổ điểm")), GRADEBOOK_READERS,
                         order=250)]

    def template_hooks(self):
        from .widgets import parent_child_averages, student_results

        return {"student-overview": student_results, "parent-child": parent_child_averages}

    def init(self, app):
        from . import models  # noqa: F401  (the tables, for SQLAlchemy and Alembic)
        from .exchange import install_exporters

        install_exporters(app, self.settings)

    def cli_commands(self):
        from .cli import COMMANDS

        return list(COMMANDS)
