"""One run of `send-notifications`: create the scheduled reminders, queue deliveries, send the
e-mail and push that are due. Safe to run twice at once (see claiming.py and the once-keys)."""
from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from lms.extensions import db
from lms.models.base import utcnow
from lms.plugins import registry

from . import claiming, push, queueing
from .digest import build_emails
from .mailer import Mailer, MailerUnavailable
from .models import Channel, Delivery, DeliveryStatus, PushSubscription

log = logging.getLogger(__name__)
#: users whose due rows one claim takes; a run claims again until nothing is due
USERS_PER_CLAIM = 50
NO_ADDRESS = "no e-mail address"
NO_DEVICE = "no device subscribed to push"


@dataclass
class Summary:
    reminders: int = 0
    emails: int = 0
    pushes: int = 0
    #: why e-mail was not attempted ("" when it was)
    email_off_reason: str = ""


def run_once(now=None) -> Summary:
    """Do everything that is due at `now` (naive UTC). Raises MailerUnavailable when the relay
    cannot be reached: what was not sent stays pending for the next run."""
    now = now or utcnow()
    settings = registry().plugins["notifications"].settings
    summary = Summary()
    summary.reminders = create_reminders(now)
    queueing.queue_new(now)
    summary.pushes = send_push(now)
    if settings["smtp_host"]:
        summary.emails = send_email(now, settings)
    else:
        summary.email_off_reason = "smtp_host is empty: e-mail is off"
        log.info("notifications: smtp_host is not set, e-mail stays queued")
    return summary


def create_reminders(now) -> int:
    if "assignments" not in registry().plugins:
        return 0
    from . import assignment_events

    created = (assignment_events.announce_opened(now) + assignment_events.remind_due_tomorrow(now)
               + assignment_events.remind_missing(now))
    db.session.commit()
    return created


def _by_user(deliveries: list[Delivery]) -> dict[int, list[Delivery]]:
    grouped: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        grouped[delivery.user_id].append(delivery)
    return grouped


def send_email(now, settings) -> int:
    sent = 0
    with Mailer(settings) as mailer:
        while claimed := claiming.claim_due(Channel.EMAIL.value, now, USERS_PER_CLAIM):
            grouped = _by_user(claimed)
            emails = build_emails({uid: [d.notification for d in rows]
                                   for uid, rows in grouped.items()},
                                  settings["base_url"], now)
            pending = dict(grouped)
            for user_id, rows in grouped.items():
                email = emails[user_id]
                try:
                    if email is None:
                        claiming.finish(rows, DeliveryStatus.SKIPPED, now, NO_ADDRESS)
                    else:
                        mailer.send(email)
                        claiming.finish(rows, DeliveryStatus.SENT, now)
                        sent += 1
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                        smtplib.SMTPSenderRefused) as problem:
                    claiming.finish(rows, DeliveryStatus.FAILED, now, str(problem)[:500])
                except MailerUnavailable:
                    db.session.commit()
                    claiming.release([d for r in pending.values() for d in r])
                    raise
                del pending[user_id]
                db.session.commit()
    return sent


def send_push(now) -> int:
    sent = 0
    while claimed := claiming.claim_due(Channel.PUSH.value, now, USERS_PER_CLAIM):
        grouped = _by_user(claimed)
        with_devices = set(db.session.scalars(select(PushSubscription.user_id).where(
            PushSubscription.user_id.in_(grouped)).distinct()))
        for user_id, rows in grouped.items():
            if user_id not in with_devices:
                claiming.finish(rows, DeliveryStatus.SKIPPED, now, NO_DEVICE)
            elif push.send_to_user(user_id, push.payload_for(rows[-1].notification)):
                # one push per user and run: it only says there is something new
                claiming.finish(rows, DeliveryStatus.SENT, now)
                sent += 1
            elif push.has_devices(user_id):
                claiming.finish(rows, DeliveryStatus.FAILED, now, "the push service refused")
            else:
                claiming.finish(rows, DeliveryStatus.SKIPPED, now, NO_DEVICE)
            db.session.commit()
    return sent
