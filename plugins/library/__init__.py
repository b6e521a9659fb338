"""Thư viện học liệu

Department libraries: browse and filters, the two-stage approval flow (thông qua, phê duyệt)
with its timeline, versions behind a permanent link, other files, and in-app notifications.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from lms.models import Role
from lms.plugins import LMSPlugin, NavEntry

EVERYONE = frozenset(r.value for r in Role)
APPROVERS = frozenset({Role.DEPARTMENT_HEAD.value, Role.DEPUTY_HEAD.value,
                       Role.PRINCIPAL.value, Role.VICE_PRINCIPAL.value})


def _waiting_label() -> str:
    from flask_login import current_user

    from .approval import waiting_count

    count = waiting_count(current_user)
    return str(_l("Chờ tôi duyệt (%(n)s)", n=count)) if count else str(_l("Chờ tôi duyệt"))


class LibraryPlugin(LMSPlugin):
    """Thư viện học liệu

    Per-department libraries of materials, their approval, versions and notifications.
    """

    def blueprints(self):
        from .views import bp

        return [bp]

    def content_types(self):
        from .file_type import FileContentType

        return [FileContentType()]

    def navigation(self):
        return [
            NavEntry("library.index", lambda: str(_l("Thư viện")), EVERYONE, order=150),
            NavEntry("library.waiting", _waiting_label, APPROVERS, order=160),
        ]

    def template_hooks(self):
        return {"material-page": self._material_page}

    def _material_page(self, material, **_context):
        from .views import material_panel

        return material_panel(material)

