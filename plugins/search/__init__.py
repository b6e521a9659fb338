"""Tìm kiếm

Search across the department libraries and inside the lessons, with or without Vietnamese
diacritics; an outbox keeps the index in step with the database (the truth).
"""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from lms.plugins import LMSPlugin, PluginError

from .backends import BACKENDS, SearchBackend, make_backend


class SearchPlugin(LMSPlugin):
    """Tìm kiếm

    The /search page, the search box in the top bar, the indexer commands.

    The default engine is tantivy, not Whoosh (the design's first choice), from `make bench`
    (20,000 materials, 200 mixed queries with facets and permission scope, 2 cores shared with
    other work, load ~4): tantivy p95 23 ms, PostgreSQL 88 ms, Whoosh 1,016 ms even after its
    fixes (unscored matching, cached scope sets and facet columns, pair terms). Whoosh scores in
    pure Python, so common syllables ("bài", "tập") cost hundreds of milliseconds a query; it
    remains a choice (``backend = "whoosh"``) where tantivy's wheels cannot be installed.
    """

    default_settings: ClassVar = {
        "backend": "tantivy",  #: tantivy, whoosh or postgresql (see the docstring)
        "page_size": 20,
        "instant_results": 6,  #: how many results the top-bar box shows while typing
        "sync_interval": 1.0,  #: seconds the indexer sleeps when the outbox is empty
    }

    def init(self, app):
        from .outbox import listen

        if self.settings["backend"] not in BACKENDS:
            raise PluginError(f"plugin 'search': backend must be one of {BACKENDS}, "
                              f"not {self.settings['backend']!r}")
        if (self.settings["backend"] == "postgresql"
                and not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")):
            raise PluginError("plugin 'search': the postgresql backend needs a PostgreSQL database")
        self.backend: SearchBackend = make_backend(
            self.settings["backend"], Path(app.config["LMS_DATA_DIR"]) / "search")
        listen()

    def blueprints(self):
        from .views import bp

        return [bp]

    def template_hooks(self):
        return {"topbar": self._topbar}

    def _topbar(self, **_context):
        from flask import render_template
        from flask_login import current_user

        if not current_user.is_authenticated:
            return ""
        return render_template("search/_topbar.html")

    def cli_commands(self):
        from .cli import commands

        return commands(self)
