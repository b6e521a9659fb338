"""Sending e-mail through the school's SMTP relay, configured in the plugin's settings."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Self

from .digest import Email

#: seconds to wait for the relay before the run gives up and leaves the mail queued
TIMEOUT = 30


class MailerUnavailable(RuntimeError):
    """The relay cannot be reached or refuses us: nothing was sent, deliveries stay pending."""


class Mailer:
    """One SMTP connection for a run; use as a context manager."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> Self:
        settings = self.settings
        host, port = settings["smtp_host"], settings["smtp_port"]
        try:
            if settings["smtp_ssl"]:
                connection = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT,
                                              context=ssl.create_default_context())
            else:
                connection = smtplib.SMTP(host, port, timeout=TIMEOUT)
                if settings["smtp_starttls"]:
                    connection.starttls(context=ssl.create_default_context())
            if settings["smtp_username"]:
                connection.login(settings["smtp_username"], settings["smtp_password"])
        except (OSError, smtplib.SMTPException) as problem:
            raise MailerUnavailable(f"{host}:{port}: {problem}") from problem
        self.connection = connection
        return self

    def __exit__(self, *_exc) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()

    def send(self, email: Email) -> None:
        """Send one message. A refused recipient raises smtplib.SMTPRecipientsRefused (that
        message fails, the others go on); a lost connection raises MailerUnavailable."""
        message = EmailMessage()
        message["From"] = self.settings["mail_from"]
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Message-ID"] = make_msgid(domain="lms")
        message.set_content(email.text)
        message.add_alternative(email.html, subtype="html")
        try:
            self.connection.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                smtplib.SMTPSenderRefused):
            raise
        except (OSError, smtplib.SMTPException) as problem:
            raise MailerUnavailable(str(problem)) from problem
