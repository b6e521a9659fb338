"""Helpers for the notifications tests: a local SMTP server that keeps what it receives, the
demo school's people by username, and running the sender at a chosen moment."""
from __future__ import annotations

import email
import email.policy
import socket
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import User

SCHOOL_ZONE = "Asia/Ho_Chi_Minh"
PLUGINS = ("library", "assignments", "questions", "parents", "notifications")


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """What the local SMTP server received: parsed messages, newest last."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp(smtp_port):
    """A real SMTP server on 127.0.0.1; the app of tests marked with `smtp_settings` sends to it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def mail(app, smtp, smtp_port):
    """The app sends its e-mail to the local SMTP server; returns its inbox."""
    from lms.plugins import registry

    registry(app).plugins["notifications"].settings.update({
        "smtp_host": "127.0.0.1", "smtp_port": smtp_port,
        "mail_from": "THCS Nguyễn Du <lms@truong.vn>", "base_url": "https://lms.truong.vn"})
    return smtp


def run_sender(app, now: datetime):
    from plugins.notifications.sender import run_once

    with app.app_context():
        return run_once(now)


def local(text: str) -> datetime:
    """'dd/mm/yyyy HH:mm' school time (the demo school's Asia/Ho_Chi_Minh) → naive UTC."""
    moment = datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=ZoneInfo(SCHOOL_ZONE))
    return moment.astimezone(UTC).replace(tzinfo=None)
