"""Administration: accounts (roles, department, reset, disable), who teaches what, the audit log."""
from flask import Flask
from flask_babel import lazy_gettext as _l

from ..models import Role
from ..plugins import NavEntry
from . import accounts, audit_log, teaching  # noqa: F401  (they add their routes to the blueprint)
from .views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    admins = frozenset({Role.ADMIN.value})
    app.extensions["lms"].navigation.extend([
        NavEntry("admin.users", lambda: str(_l("Người dùng")), admins, 900),
        NavEntry("admin.teaching", lambda: str(_l("Phân công chuyên môn")), admins, 905),
        NavEntry("admin.audit_log", lambda: str(_l("Nhật ký bảo mật")), admins, 910),
    ])
