"""Turn new in-app notifications into e-mail and push deliveries, by each user's preference.

A scan, run by `send-notifications`: notifications of the last LOOKBACK without an e-mail
delivery row get one (pending, or skipped when e-mail is off) and, with push on, a push row. Rows
are inserted with ON CONFLICT DO NOTHING on (notification_id, channel), so two runs at once queue
each notification once. Older notifications (from before the plugin was enabled) are never mailed.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db
from lms.models import Notification

from . import timing
from .models import Channel, Delivery, DeliveryStatus
from .preferences import choices_for

#: covers a weekend: a run on Monday still queues what came on Friday evening
LOOKBACK = timedelta(days=4)
BATCH = 500
#: why a delivery was skipped, for the administrator reading the table (not shown to users)
EMAIL_OFF = "e-mail off in the user's preferences"


def _insert_ignoring_duplicates(rows: list[dict]) -> None:
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(Delivery).on_conflict_do_nothing(
        index_elements=["notification_id", "channel"]), rows)


def queue_new(now: datetime) -> int:
    """Queue deliveries for notifications that have none yet; returns how many were examined.
    Commits once per batch."""
    examined = 0
    while True:
        batch = db.session.execute(
            select(Notification.id, Notification.user_id, Notification.created_at)
            .where(Notification.created_at >= now - LOOKBACK,
                   ~exists().where(Delivery.notification_id == Notification.id,
                                   Delivery.channel == Channel.EMAIL.value))
            .order_by(Notification.id).limit(BATCH)).all()
        if not batch:
            return examined
        choices = choices_for(row.user_id for row in batch)
        rows = []
        for notification_id, user_id, created_at in batch:
            choice = choices[user_id]
            email_at = timing.email_due_at(choice.email_mode, created_at)
            rows.append(_row(notification_id, user_id, Channel.EMAIL, email_at or now, now,
                             skipped=EMAIL_OFF if email_at is None else ""))
            if choice.push_enabled:
                rows.append(_row(notification_id, user_id, Channel.PUSH,
                                 timing.push_due_at(created_at), now))
        _insert_ignoring_duplicates(rows)
        db.session.commit()
        examined += len(batch)


def _row(notification_id: int, user_id: int, channel: Channel, due_at: datetime, now: datetime,
         skipped: str = "") -> dict:
    return {"notification_id": notification_id, "user_id": user_id, "channel": channel.value,
            "status": DeliveryStatus.SKIPPED.value if skipped else DeliveryStatus.PENDING.value,
            "due_at": due_at, "error": skipped, "attempts": 0, "created_at": now}
