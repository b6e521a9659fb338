"""Tiêu chí chuyển đổi số

The page a principal shows the education department at an inspection (001 criterion 1.3): per
department and per teacher, for a range of days, the assignments given, the online regular
assessments recorded, the questions asked and answered with the median wait, and per class the
share of students whose parents follow them on the system; downloadable as XLSX.

It only reads what the assignments, questions and core parent links record: it has no tables.
The assignments and questions plugins are imported lazily, so the page still opens (saying
which part is missing) when one of them is not loaded.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lms.models import Role
from lms.plugins import LMSPlugin, NavEntry

#: who opens the dashboard: the board and Tổ CNTT the whole school, heads their own department
READERS = frozenset({Role.PRINCIPAL.value, Role.VICE_PRINCIPAL.value, Role.ADMIN.value,
                     Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value})


def opens_dashboard(user) -> bool:
    """The board and Tổ CNTT; a head or deputy head only with a department to lead."""
    if user.is_board or user.has_role(Role.ADMIN):
        return True
    membership = user.department_membership
    return membership is not None and membership.position in ("head", "deputy")


class CriteriaPlugin(LMSPlugin):
    """Tiêu chí chuyển đổi số

    One read-only page of the figures the education department scores (giao bài, đánh giá
    thường xuyên, hỏi đáp, phụ huynh tham gia), per department, teacher and class, with XLSX.
    """

    def blueprints(self):
        from .views import bp

        return [bp]

    def navigation(self):
        return [NavEntry("criteria.dashboard", lambda: str(_l("Tiêu chí chuyển đổi số")),
                         READERS, order=330, visible=opens_dashboard)]
