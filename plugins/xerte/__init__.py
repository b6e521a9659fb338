"""Xerte

Lessons exported from Xerte Online Toolkits (SCORM 1.2/2004, offline, deployment and archive
exports): read from their template.xml, played in isolation on the content origin, tracked.
"""
from __future__ import annotations

from lms.plugins import LMSPlugin, PluginError


class XertePlugin(LMSPlugin):
    """Xerte

    Imports Xerte Online Toolkits exports into department libraries and plays them with tracking.
    """

    def blueprints(self):
        from . import content_origin, player, runtime

        return [player.bp, runtime.bp, content_origin.bp]

    def content_types(self):
        from .content_type import XerteContentType

        return [XerteContentType()]

    def blob_references(self) -> set[str]:
        from sqlalchemy import select

        from lms.extensions import db

        from .models import XerteFile

        return set(db.session.scalars(select(XerteFile.digest).distinct()))

    def init(self, app):
        # SCORM-wrapped exports play in the SCORM player, and standalone ones use its content
        # origin: without the SCORM plugin no Xerte lesson could play.
        if "scorm" not in app.config["LMS_PLUGINS"]:
            raise PluginError("plugin 'xerte' needs the 'scorm' plugin in LMS_PLUGINS")
        from plugins.scorm.content_origin import serve_from_content_host

        from .content_origin import PREFIX, bp

        serve_from_content_host(app, bp.name, PREFIX + "/")
