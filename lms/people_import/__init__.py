"""Bulk import of classes, students, parents and teachers from VnEdu/SMAS-style XLSX or CSV.

read (`reading`) -> map headers (`columns`) -> check rows (`validation`) -> compare with the
database (`planning`, `existing`) -> preview -> write all or nothing (`committing`) -> hand over
the initial passwords once (`password_sheet`). The admin pages are in `views`, the CLI in `cli`.
"""
from flask import Flask
from flask_babel import lazy_gettext as _l

from ..models import Role
from ..plugins import NavEntry
from .committing import ImportResult, apply_plan
from .planning import ImportPlan
from .preview import build_plan
from .reading import ImportFileError

__all__ = ["ImportFileError", "ImportPlan", "ImportResult", "apply_plan", "build_plan",
           "init_app"]


def init_app(app: Flask) -> None:
    from .cli import import_people
    from .views import bp

    app.register_blueprint(bp)
    app.extensions["lms"].navigation.append(NavEntry(
        "people_import.upload", lambda: str(_l("Nhập danh sách")), frozenset({Role.ADMIN.value}),
        910))
    app.extensions["lms_cli"].add_command(import_people)
