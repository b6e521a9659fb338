"""Thông báo

The inbox of every user (unread first), e-mail through the school's SMTP relay (immediately, as
a weekday digest at 18:00 or a weekly one, never in the quiet hours 21:00–06:00) and optional web
push to phones, for new work, due tomorrow, missing, returned work, questions and link requests.
"""
from __future__ import annotations

import time
from typing import ClassVar

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from lms import signals
from lms.plugins import LMSPlugin


class NotificationsPlugin(LMSPlugin):
    """Thông báo

    In-app inbox for every role, e-mail (immediate or digests) and web push, and the
    send-notifications command that sends what is due.
    """

    default_settings: ClassVar = {
        #: the school's SMTP relay; empty means e-mail is off (deliveries wait, the run says so)
        "smtp_host": "",
        "smtp_port": 25,
        "smtp_username": "",
        "smtp_password": "",
        "smtp_starttls": False,
        "smtp_ssl": False,
        "mail_from": "Trường học <no-reply@localhost>",
        #: the address of the LMS as families reach it, for links in e-mail
        "base_url": "http://127.0.0.1:5000",
        #: a VAPID private key (PEM); empty: one is generated into LMS_DATA_DIR on first use
        "vapid_private_key": "",
        #: the contact push services may write to about this sender
        "vapid_subject": "mailto:no-reply@localhost",
    }

    def init(self, app):
        from . import models  # noqa: F401  (the tables, for SQLAlchemy and Alembic)

    def blueprints(self):
        from .views import bp

        return [bp]

    def template_hooks(self):
        from .views import manifest_link, topbar_link

        return {"topbar": topbar_link, "head": manifest_link}

    def connect_signals(self):
        signals.assignment_published.connect(self._on_published, sender=self.app)
        signals.submissions_returned.connect(self._on_returned, sender=self.app)
        signals.question_asked.connect(self._on_asked, sender=self.app)
        signals.question_answered.connect(self._on_answered, sender=self.app)
        signals.parent_link_changed.connect(self._on_link_changed, sender=self.app)

    def _on_published(self, _sender, assignment, **_kwargs):
        from lms.models.base import utcnow

        from .assignment_events import announce_opened

        announce_opened(utcnow(), assignment_ids=[assignment.id])

    def _on_returned(self, _sender, submissions, **_kwargs):
        from .assignment_events import announce_returned

        announce_returned(submissions)

    def _on_asked(self, _sender, thread, actor=None, **_kwargs):
        from .question_events import announce_asked

        announce_asked(thread, actor)

    def _on_answered(self, _sender, thread, actor=None, **_kwargs):
        from .question_events import announce_answered

        announce_answered(thread, actor)

    def _on_link_changed(self, _sender, link, action, **_kwargs):
        if action == "requested":
            from .link_events import announce_requested

            announce_requested(link)

    def cli_commands(self):
        @click.command("send-notifications")
        @click.option("--loop", is_flag=True,
                      help="Keep running, once every --interval seconds (the embedded worker).")
        @click.option("--interval", default=60, show_default=True, type=click.IntRange(min=1),
                      help="Seconds between runs with --loop.")
        @with_appcontext
        def send_notifications(loop: bool, interval: int):
            """Send what is due: reminders, e-mail (immediate and digests) and web push.
            Safe to run twice at once: nothing is sent twice."""
            from .mailer import MailerUnavailable
            from .sender import run_once

            while True:
                try:
                    summary = run_once()
                except MailerUnavailable as problem:
                    from lms.extensions import db

                    db.session.rollback()
                    message = _("Không kết nối được máy chủ thư (SMTP) %(problem)s. Thư chưa "
                                "gửi được giữ lại cho lần chạy sau.", problem=str(problem))
                    if not loop:
                        raise click.ClickException(message) from problem
                    click.echo(message, err=True)
                except SQLAlchemyError as problem:
                    # the embedded worker outlives a database hiccup; a single run reports it
                    if not loop:
                        raise
                    from lms.extensions import db

                    db.session.rollback()
                    click.echo(str(problem), err=True)
                else:
                    click.echo(_("Đã gửi %(emails)s email, %(pushes)s thông báo đẩy",
                                 emails=summary.emails, pushes=summary.pushes))
                    if summary.email_off_reason:
                        click.echo(_("Chưa cấu hình máy chủ thư (smtp_host): email chưa được "
                                     "gửi."))
                if not loop:
                    return
                time.sleep(interval)

        return [send_notifications]
