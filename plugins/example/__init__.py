"""Ví dụ plugin (example plugin)

The smallest plugin that uses every extension point; docs/plugins.md walks through it and the
tests load it. It is not listed in the default LMS_PLUGINS.
"""
from typing import ClassVar

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from lms import signals
from lms.models import Role
from lms.permissions import roles_required
from lms.plugins import LMSPlugin, NavEntry, registry

bp = Blueprint("example", __name__, url_prefix="/example", template_folder="templates")


def this_plugin() -> "ExamplePlugin":
    return registry().plugins["example"]


@bp.route("/")
@login_required
@roles_required(Role.TEACHER)
def index():
    plugin = this_plugin()
    return render_template("example/index.html", greeting=plugin.settings["greeting"],
                           logins=plugin.logins_seen)


class ExamplePlugin(LMSPlugin):
    """Ví dụ plugin

    Shows a page to teachers, adds a dashboard widget and counts logins through a signal.
    """

    default_settings: ClassVar = {"greeting": "Xin chào", "show_widget": True}

    def init(self, app):
        self.logins_seen: list[str] = []

    def blueprints(self):
        return [bp]

    def navigation(self):
        return [NavEntry("example.index", lambda: str(_l("Ví dụ")),
                         frozenset({Role.TEACHER.value}), order=500)]

    def template_hooks(self):
        if not self.settings["show_widget"]:
            return {}
        return {"dashboard": self._widget}

    def _widget(self, role, **_context):
        from markupsafe import escape

        return f'<section class="card example-widget">{escape(self.settings["greeting"])} ({role})</section>'

    def cli_commands(self):
        import click

        @click.command("example-hello")
        def hello():
            """Print the configured greeting."""
            click.echo(self.settings["greeting"])

        return [hello]

    def connect_signals(self):
        # Connected for this app only, so several apps in one process don't see each other.
        signals.user_logged_in.connect(self._on_login, sender=self.app)

    def _on_login(self, sender, user, **_kwargs):
        self.logins_seen.append(user.username)
