"""Two senders at once (two threads, each with its own session and connection) send every
message exactly once; a claim left by a crashed run is taken again after 15 minutes."""
import threading
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import User
from plugins.notifications import claiming, creating, queueing
from plugins.notifications.models import Delivery, Preference

from .conftest import PLUGINS, local, run_sender

pytestmark = pytest.mark.plugins(*PLUGINS)
NOW = "03/12/2026 10:00"


def _many_users_with_mail(app, count: int = 12) -> list[str]:
    """Staff and students of the demo school with an address, e-mail at once, 3 notifications
    each, created at 09:00 and queued."""
    with app.app_context():
        people = db.session.scalars(sa.select(User).order_by(User.id).limit(count)).all()
        for person in people:
            person.email = f"{person.username}@example.vn"
            db.session.add(Preference(user_id=person.id, email_mode="immediate"))
            for number in range(3):
                creating.add([person.id], "report.monthly", f"Thông báo số {number}", None,
                             created_at=local("03/12/2026 09:00"))
        db.session.commit()
        queueing.queue_new(local(NOW))
        return [p.email for p in people]


def _together(app, work, runs: int = 2) -> list:
    """Run `work()` in `runs` threads at once, each in its own app context; their results."""
    barrier = threading.Barrier(runs)
    results, errors = [None] * runs, []

    def run(index):
        try:
            with app.app_context():
                barrier.wait()
                results[index] = work()
                db.session.remove()
        except Exception as problem:  # noqa: BLE001  (any failure in a thread fails the test)
            errors.append(problem)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def test_two_claims_at_once_never_share_a_row(app, demo):
    _many_users_with_mail(app)

    def claim_all():
        mine = []
        while rows := claiming.claim_due("email", local(NOW), 2):
            mine.extend(r.id for r in rows)
            for row in rows:
                row.sent_at = local(NOW)
                row.status = "sent"
            db.session.commit()
        return mine

    first, second = _together(app, claim_all)
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count(Delivery.id)).where(
            Delivery.channel == "email"))
    assert not set(first) & set(second)
    assert len(first) + len(second) == total == 36


def test_two_senders_at_once_send_each_message_exactly_once(app, demo, mail):
    addresses = _many_users_with_mail(app)
    summaries = _together(app, lambda: run_sender(app, local(NOW)))
    received = Counter(m["To"] for m in mail.messages)
    assert received == Counter(addresses)  # one e-mail per user, none twice
    assert sum(s.emails for s in summaries) == len(addresses)
    run_sender(app, local(NOW))
    assert len(mail.messages) == len(addresses)


def test_a_crashed_runs_claim_is_taken_again_after_15_minutes(app, demo, mail):
    addresses = _many_users_with_mail(app, count=2)
    with app.app_context():
        crashed = claiming.claim_due("email", local(NOW), 10, token="crashed-run")
        assert len(crashed) == 6
    run_sender(app, local(NOW) + timedelta(minutes=14))
    assert mail.messages == []
    run_sender(app, local(NOW) + timedelta(minutes=16))
    assert sorted(m["To"] for m in mail.messages) == sorted(addresses)
