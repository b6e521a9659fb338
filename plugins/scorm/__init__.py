"""SCORM

SCORM 1.2 and 2004 packages: safe import, a player on phones and lab PCs with the scorm-again
runtime, every commit kept on the server, content served from a separate origin, and a report
of each student's progress for the teacher.
"""
from __future__ import annotations

from lms.plugins import LMSPlugin


class ScormPlugin(LMSPlugin):
    """SCORM

    Imports SCORM packages into department libraries and plays them with full tracking.
    """

    default_settings = {  # noqa: RUF012 (the base class declares it this way)
        #: where package files are served, e.g. "https://content.school.edu.vn"; empty means
        #: "the LMS host swapped between 127.0.0.1 and localhost" (see content_origin.py)
        "content_origin": "",
        #: lifetime of a signed content URL, seconds (a lesson page stays open a class period)
        "content_token_seconds": 4 * 3600,
        #: the player commits at least this often even when the SCO never calls Commit
        "autocommit_seconds": 60,
        #: keepalive ping period of the player, seconds
        "keepalive_seconds": 300,
    }
    #: the demo lessons exist before the assignments that give them (see lms.plugins)
    seed_order = 10

    def blueprints(self):
        from . import attempt_settings, content_origin, player, report, runtime

        return [player.bp, runtime.bp, content_origin.bp, report.bp, attempt_settings.bp]

    def template_hooks(self):
        return {"material-page": self._material_page}

    def _material_page(self, material, **_context):
        """Links to the students' report and the attempt settings, for those who may use them."""
        from flask import render_template
        from flask_login import current_user

        from .attempt_settings import can_change_settings
        from .report import can_see_report

        if material.content_type != "scorm" or not current_user.is_authenticated:
            return ""
        can_report = can_see_report(current_user, material)
        can_settings = can_change_settings(current_user, material)
        if not (can_report or can_settings):
            return ""
        return render_template("scorm/_material_links.html", material=material,
                               can_report=can_report, can_settings=can_settings)

    def content_types(self):
        from .content_type import ScormContentType

        return [ScormContentType()]

    def blob_references(self) -> set[str]:
        from sqlalchemy import select

        from lms.extensions import db

        from .models import ScormFile

        return set(db.session.scalars(select(ScormFile.digest).distinct()))

    def seed_demo(self, demo):
        """Two approved Toán 6 lessons, SCORM 1.2 and 2004, built in code (demo_lessons.py)."""
        from .demo_lessons import seed_demo_lessons

        seed_demo_lessons(demo)

    def init(self, app):
        from .content_origin import init_content_origin

        init_content_origin(app)

