"""Chỉ tiêu học liệu

The 30-lesson target per department, dashboards for the board, heads and teachers, the monthly
report of who is behind, and the catalog of digital materials confirmed by the principal.
"""
from __future__ import annotations

from typing import ClassVar

from flask_babel import lazy_gettext as _l

from lms import signals
from lms.models import Role
from lms.plugins import LMSPlugin, NavEntry

BOARD = frozenset({Role.PRINCIPAL.value, Role.VICE_PRINCIPAL.value})
HEADS = frozenset({Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value})


class TargetsPlugin(LMSPlugin):
    """Chỉ tiêu học liệu

    Counts approved e-learning lessons toward each department's target, ranks departments by the
    date they reach it, reports who is behind each month and exports the catalog.
    """

    default_settings: ClassVar = {
        #: approved lessons each department must reach per school year (the plan's Chỉ tiêu 3)
        "target_per_department": 30,
        #: content type ids that count, fixed here so the count never depends on which
        #: content-type plugins are loaded (`file` and any other type do not count)
        "counting_types": ("scorm", "xerte", "video"),
        #: how many departments, first to reach their target, the school rewards
        "rewarded_departments": 2,
    }

    def init(self, app):
        from . import models  # noqa: F401  (the tables, for SQLAlchemy and Alembic)

        self.settings["counting_types"] = tuple(self.settings["counting_types"])

    def blueprints(self):
        from .views import bp

        return [bp]

    def navigation(self):
        return [
            NavEntry("targets.dashboard", lambda: str(_l("Chỉ tiêu học liệu")), BOARD, order=300),
            NavEntry("targets.my_department", lambda: str(_l("Tiến độ của tổ")), HEADS,
                     order=300),
            NavEntry("targets.report", lambda: str(_l("Báo cáo tháng")), BOARD | HEADS,
                     order=310),
            NavEntry("targets.catalog", lambda: str(_l("Danh mục học liệu số")),
                     BOARD | HEADS | {Role.ADMIN.value}, order=320),
        ]

    def template_hooks(self):
        from .widgets import dashboard_widget

        return {"dashboard": dashboard_widget}

    def cli_commands(self):
        from .monthly_report import monthly_report_command

        return [monthly_report_command]

    def connect_signals(self):
        from .reached import on_material_approved

        signals.material_approved.connect(on_material_approved, sender=self.app)
