"""Claim due deliveries for one sender run, so two runs at once never send the same one.

PostgreSQL: the due rows are locked with SELECT … FOR UPDATE SKIP LOCKED and marked claimed in a
short transaction; a concurrent run skips them. SQLite serialises writers: one UPDATE … WHERE
claimed_by IS NULL marks them and the run reads back the rows holding its own token. A claim older
than CLAIM_TIMEOUT without sent_at belongs to a run that crashed and may be claimed again.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import selectinload

from lms.extensions import db

from .models import Delivery, DeliveryStatus

CLAIM_TIMEOUT = timedelta(minutes=15)


def new_token() -> str:
    return uuid.uuid4().hex


def _claimable(channel: str, now: datetime):
    return and_(Delivery.channel == channel, Delivery.status == DeliveryStatus.PENDING.value,
                Delivery.due_at <= now, Delivery.sent_at.is_(None),
                or_(Delivery.claimed_by.is_(None), Delivery.claimed_at < now - CLAIM_TIMEOUT))


def claim_due(channel: str, now: datetime, limit: int, token: str | None = None) -> list[Delivery]:
    """Claim the due deliveries of `channel` for up to `limit` users (all of each user's due rows,
    so a digest is one e-mail) and return them with their notifications; commits the claim."""
    token = token or new_token()
    users = (select(Delivery.user_id).where(_claimable(channel, now))
             .group_by(Delivery.user_id).order_by(Delivery.user_id).limit(limit))
    candidates = select(Delivery.id).where(_claimable(channel, now), Delivery.user_id.in_(users))
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(candidates.with_for_update(skip_locked=True)).all()
        if ids:
            db.session.execute(update(Delivery).where(Delivery.id.in_(ids))
                               .values(claimed_by=token, claimed_at=now))
    else:
        # The condition is repeated in the UPDATE itself: SQLite runs it as one write, so a row
        # another run claimed first no longer matches.
        db.session.execute(update(Delivery).where(Delivery.id.in_(candidates.scalar_subquery()),
                                                  _claimable(channel, now))
                           .values(claimed_by=token, claimed_at=now)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return list(db.session.scalars(
        select(Delivery).where(Delivery.claimed_by == token, Delivery.claimed_at == now,
                               Delivery.status == DeliveryStatus.PENDING.value)
        .options(selectinload(Delivery.notification)).order_by(Delivery.user_id, Delivery.id)))


def release(deliveries: list[Delivery]) -> None:
    """Give claimed rows back (the mail server was unreachable): the next run sends them."""
    ids = [d.id for d in deliveries]
    if ids:
        db.session.execute(update(Delivery).where(Delivery.id.in_(ids))
                           .values(claimed_by=None, claimed_at=None)
                           .execution_options(synchronize_session=False))
        db.session.commit()


def finish(deliveries: list[Delivery], status: DeliveryStatus, now: datetime,
           error: str = "") -> None:
    """Record the outcome of claimed rows (the caller commits)."""
    for delivery in deliveries:
        delivery.status = status.value
        delivery.attempts += 1
        delivery.error = error
        if status == DeliveryStatus.SENT:
            delivery.sent_at = now
