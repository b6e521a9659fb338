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

    def blueprints(self):
        from . import content_origin, player, report, runtime

        return [player.bp, runtime.bp, content_origin.bp, report.bp]

    def content_types(self):
        from .content_type import ScormContentType

        return [ScormContentType()]

    def blob_references(self) -> set[str]:
        from sqlalchemy import select

        from lms.extensions import db

        from .models import ScormFile

        return set(db.session.scalars(select(ScormFile.digest).distinct()))

    def init(self, app):
        from .content_origin import init_content_origin

        init_content_origin(app)

