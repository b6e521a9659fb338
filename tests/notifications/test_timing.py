"""When e-mail may leave, in school time: quiet hours 21:00–06:00, the weekday digest at 18:00,
the weekly one on Friday at 18:00. 03/12/2026 is a Thursday."""
import pytest

from plugins.notifications import timing

from .conftest import PLUGINS, local

pytestmark = pytest.mark.plugins(*PLUGINS)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.mark.parametrize("created, due", [
    ("03/12/2026 10:15", "03/12/2026 10:15"),  # daytime: at once
    ("03/12/2026 20:59", "03/12/2026 20:59"),
    ("03/12/2026 21:00", "04/12/2026 06:00"),  # quiet hours: queued for 06:00
    ("03/12/2026 23:30", "04/12/2026 06:00"),
    ("04/12/2026 02:00", "04/12/2026 06:00"),
    ("04/12/2026 06:00", "04/12/2026 06:00"),
])
def test_immediate_mail_waits_for_the_end_of_quiet_hours(ctx, created, due):
    assert timing.email_due_at("immediate", local(created)) == local(due)
    assert timing.push_due_at(local(created)) == local(due)


@pytest.mark.parametrize("created, due", [
    ("03/12/2026 07:00", "03/12/2026 18:00"),  # Thursday: the same evening
    ("03/12/2026 18:00", "03/12/2026 18:00"),
    ("03/12/2026 18:01", "04/12/2026 18:00"),  # after 18:00: Friday's digest
    ("04/12/2026 19:00", "07/12/2026 18:00"),  # Friday evening: Monday's
    ("05/12/2026 10:00", "07/12/2026 18:00"),  # Saturday
    ("06/12/2026 23:00", "07/12/2026 18:00"),  # Sunday night
])
def test_daily_digest_leaves_monday_to_friday_at_18(ctx, created, due):
    due_at = timing.email_due_at("daily", local(created))
    assert due_at == local(due)
    assert not timing.in_quiet_hours(due_at)


@pytest.mark.parametrize("created, due", [
    ("30/11/2026 08:00", "04/12/2026 18:00"),  # Monday → Friday
    ("04/12/2026 17:00", "04/12/2026 18:00"),
    ("04/12/2026 18:30", "11/12/2026 18:00"),  # Friday after the digest → next Friday
    ("06/12/2026 12:00", "11/12/2026 18:00"),
])
def test_weekly_digest_leaves_on_friday_at_18(ctx, created, due):
    assert timing.email_due_at("weekly", local(created)) == local(due)


def test_no_mail_when_off(ctx):
    assert timing.email_due_at("off", local("03/12/2026 10:00")) is None


def test_school_time_is_utc_plus_7(ctx):
    # 18:00 in Hà Nội is 11:00 UTC: stored naive UTC, shown in school time
    assert local("03/12/2026 18:00").strftime("%d/%m/%Y %H:%M") == "03/12/2026 11:00"
