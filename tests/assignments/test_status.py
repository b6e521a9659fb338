"""The derived status: late, missing, excused, extended and due soon at the boundary minutes."""
from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from plugins.assignments.schedule import Dates
from plugins.assignments.status import STATUS_LABELS, Status, derive

#: due 10/03/2026 23:59 in Hồ Chí Minh City = 16:59 UTC
DUE = datetime(2026, 3, 10, 16, 59)
DATES = Dates(opens_at=datetime(2026, 3, 1, 1, 0), due_at=DUE,
              cutoff_at=DUE + timedelta(days=2), extended=False)
MINUTE = timedelta(minutes=1)


def _submission(state="assigned", turned_in_at=None, excused=False, on_paper=False):
    return SimpleNamespace(state=state, turned_in_at=turned_in_at, excused=excused,
                           on_paper=on_paper)


def _assignment(offline=False):
    return SimpleNamespace(offline=offline)


def test_turned_in_at_the_due_minute_is_on_time():
    info = derive(_submission("turned_in", DUE), _assignment(), DATES, DUE + timedelta(days=1))
    assert info.status is Status.TURNED_IN and not info.late


def test_turned_in_the_minute_after_due_is_late():
    info = derive(_submission("turned_in", DUE + MINUTE), _assignment(), DATES, DUE + MINUTE)
    assert info.status is Status.LATE and info.late and not info.missing


def test_not_turned_in_becomes_missing_the_minute_after_due():
    at_due = derive(_submission(), _assignment(), DATES, DUE)
    assert at_due.status is Status.NOT_STARTED and not at_due.missing and at_due.due_soon
    after = derive(_submission("in_progress"), _assignment(), DATES, DUE + MINUTE)
    assert after.status is Status.MISSING and after.missing and after.late
    assert not after.due_soon


@pytest.mark.parametrize("kind", ["excused", "on_paper", "offline"])
def test_excused_on_paper_and_offline_are_never_missing(kind):
    submission = _submission(excused=kind == "excused", on_paper=kind == "on_paper")
    info = derive(submission, _assignment(offline=kind == "offline"), DATES,
                  DUE + timedelta(days=30))
    assert not info.missing
    assert info.status is (Status.EXCUSED if kind == "excused" else Status.NOT_STARTED)
    if kind == "excused":
        assert info.excused and not info.late


def test_returned_wins_over_late_but_keeps_the_flag():
    info = derive(_submission("returned", DUE + timedelta(hours=3)), _assignment(), DATES,
                  DUE + timedelta(days=3))
    assert info.status is Status.RETURNED and info.late


def test_due_soon_is_within_48_hours_and_not_turned_in():
    assert derive(_submission(), _assignment(), DATES, DUE - timedelta(hours=48)).due_soon
    assert not derive(_submission(), _assignment(), DATES,
                      DUE - timedelta(hours=48) - MINUTE).due_soon
    assert not derive(_submission("turned_in", DUE - timedelta(hours=1)), _assignment(), DATES,
                      DUE - timedelta(hours=1)).due_soon


def test_an_extension_moves_late_and_missing_and_shows():
    extended = Dates(opens_at=DATES.opens_at, due_at=DUE + timedelta(days=2),
                     cutoff_at=None, extended=True)
    info = derive(_submission("turned_in", DUE + timedelta(days=1)), _assignment(), extended,
                  DUE + timedelta(days=1))
    assert info.status is Status.TURNED_IN and not info.late and info.extended
    assert not derive(_submission(), _assignment(), extended, DUE + timedelta(days=1)).missing


def test_in_progress_before_due():
    info = derive(_submission("in_progress"), _assignment(), DATES, DATES.opens_at)
    assert info.status is Status.IN_PROGRESS and not info.due_soon


def test_every_status_has_a_vietnamese_label(app):
    with app.test_request_context():
        assert {str(STATUS_LABELS[s]) for s in Status} == {
            "Chưa làm", "Đang làm", "Đã nộp", "Nộp muộn", "Thiếu bài", "Đã trả bài", "Được miễn"}
