"""The plugin's tables: preferences, deliveries by e-mail and push, once-keys and push endpoints.

`lms.models.Notification` stays the one table of in-app notifications; these rows only say how
and when each notification leaves the app.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models import Notification
from lms.models.base import utcnow


class EmailMode(str, enum.Enum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


class Channel(str, enum.Enum):
    EMAIL = "email"
    PUSH = "push"


class DeliveryStatus(str, enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    #: nothing to send it to (no e-mail address, e-mail off, no device): kept so it is not queued
    #: again
    SKIPPED = "skipped"
    FAILED = "failed"


class Preference(db.Model):
    """How one user wants to hear about notifications outside the app. No row: the defaults of
    `preferences.defaults_for` (daily digest for parents and students, immediate for staff)."""

    __tablename__ = "notifications_preference"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    email_mode: Mapped[str] = mapped_column(String(10), default=EmailMode.DAILY.value)
    push_enabled: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Delivery(db.Model):
    """One notification to send by one channel, at `due_at` or later."""

    __tablename__ = "notifications_delivery"
    __table_args__ = (UniqueConstraint("notification_id", "channel"),
                      Index("ix_notifications_delivery_due", "channel", "status", "due_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"))
    #: the recipient, copied from the notification so a digest groups without a join
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.PENDING.value)
    #: naive UTC; a digest's rows share the digest's moment, quiet hours already applied
    due_at: Mapped[datetime]
    #: the sender run that holds the row (a random token); a claim older than CLAIM_TIMEOUT
    #: without sent_at belongs to a crashed run and may be claimed again
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    #: why it was skipped or failed, for the administrator
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    notification: Mapped[Notification] = relationship()


class NotificationContext(db.Model):
    """Who and what a notification is about, for digests grouped per child and showing the
    released grade. `submission_id` names an `assignments_submission` row without a foreign key
    so the plugin does not need the assignments plugin; a missing row is simply not shown."""

    __tablename__ = "notifications_context"
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notification.id", ondelete="CASCADE"), primary_key=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    submission_id: Mapped[int | None]

    notification: Mapped[Notification] = relationship()


class Once(db.Model):
    """A reminder already created (due tomorrow, missing): inserted in the same transaction as its
    notifications, so a second run, even a concurrent one, never creates it again."""

    __tablename__ = "notifications_once"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. due:<submission id>:<due date>, missing:<submission id>
    key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushSubscription(db.Model):
    """A browser (phone, computer) that receives web push for a user."""

    __tablename__ = "notifications_push_subscription"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    #: the browser's public key and auth secret (base64url), needed to encrypt the payload
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
