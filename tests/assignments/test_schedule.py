"""Dates in the school's zone: parsing, formatting, boundaries and the dates of one student."""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from plugins.assignments.schedule import (
    DateError,
    due_end_of_day,
    effective_dates,
    format_local,
    format_local_date,
    parse_local,
)

pytestmark = pytest.mark.plugins("assignments")


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield


def _assignment(opens=datetime(2026, 3, 1, 0, 0), due=datetime(2026, 3, 10, 16, 59),
                cutoff=datetime(2026, 3, 12, 16, 59), id=1):
    return SimpleNamespace(id=id, opens_at=opens, due_at=due, cutoff_at=cutoff)


def _override(*, student_id=None, group_id=None, opens=None, due=None, cutoff=None,
              assignment_id=1):
    return SimpleNamespace(assignment_id=assignment_id, student_id=student_id,
                           group_id=group_id, opens_at=opens, due_at=due, cutoff_at=cutoff)


def test_due_end_of_day_is_1659_utc(app_ctx):
    assert due_end_of_day(date(2026, 3, 10)) == datetime(2026, 3, 10, 16, 59)


def test_local_midnight_is_the_previous_day_in_utc(app_ctx):
    assert parse_local("01/03/2026 00:00") == datetime(2026, 2, 28, 17, 0)
    assert parse_local("01/03/2026") == datetime(2026, 2, 28, 17, 0)
    assert parse_local("01/03/2026", end_of_day=True) == datetime(2026, 3, 1, 16, 59)


def test_short_forms_are_tolerated(app_ctx):
    assert parse_local("1/3/2026 7:05") == datetime(2026, 3, 1, 0, 5)
    assert parse_local("  05/09/2025   23:59 ") == datetime(2025, 9, 5, 16, 59)


@pytest.mark.parametrize("text", ["", "2026-03-01", "31/02/2026", "01/03/26", "01/03/2026 24:00",
                                  "01/03/2026 7h30", "hôm nay"])
def test_bad_text_is_refused_in_vietnamese(app_ctx, text):
    with pytest.raises(DateError, match="không đúng dạng dd/mm/yyyy HH:mm"):
        parse_local(text)


def test_format_and_parse_round_trip_never_shifts(app_ctx):
    stored = datetime(2026, 3, 10, 16, 59)
    assert format_local(stored) == "10/03/2026 23:59"
    assert format_local_date(stored) == "10/03/2026"
    value = stored
    for _save in range(5):  # a form saved again and again keeps its date
        value = parse_local(format_local(value))
    assert value == stored
    assert format_local(None) == "" and format_local_date(None) == ""
    # the minute around midnight local belongs to the right day
    assert format_local(datetime(2026, 2, 28, 16, 59)) == "28/02/2026 23:59"
    assert format_local(datetime(2026, 2, 28, 17, 0)) == "01/03/2026 00:00"


def test_no_override_keeps_the_assignment_dates():
    dates = effective_dates(_assignment(), 7, [], set())
    assert dates.due_at == datetime(2026, 3, 10, 16, 59)
    assert dates.cutoff_at == datetime(2026, 3, 12, 16, 59)
    assert not dates.extended


def test_student_override_beats_group_override():
    overrides = [_override(group_id=3, due=datetime(2026, 3, 15, 16, 59),
                           cutoff=datetime(2026, 3, 16, 16, 59)),
                 _override(student_id=7, due=datetime(2026, 3, 11, 16, 59))]
    dates = effective_dates(_assignment(), 7, overrides, {3})
    assert dates.due_at == datetime(2026, 3, 11, 16, 59)
    # the student's null cut-off keeps the value below it: the group's
    assert dates.cutoff_at == datetime(2026, 3, 16, 16, 59)
    assert dates.extended
    # another student of the group gets the group's dates; one outside it the assignment's
    assert effective_dates(_assignment(), 8, overrides, {3}).due_at == datetime(
        2026, 3, 15, 16, 59)
    assert effective_dates(_assignment(), 9, overrides, set()).due_at == datetime(
        2026, 3, 10, 16, 59)


def test_several_groups_take_the_latest_due_and_cutoff():
    overrides = [_override(group_id=3, due=datetime(2026, 3, 15, 16, 59)),
                 _override(group_id=4, due=datetime(2026, 3, 13, 16, 59),
                           cutoff=datetime(2026, 3, 20, 16, 59)),
                 _override(group_id=5, due=datetime(2026, 4, 1, 16, 59), assignment_id=2)]
    dates = effective_dates(_assignment(), 7, overrides, {3, 4, 5})
    assert dates.due_at == datetime(2026, 3, 15, 16, 59)
    assert dates.cutoff_at == datetime(2026, 3, 20, 16, 59)


def test_a_later_due_date_carries_the_cutoff_with_it():
    overrides = [_override(student_id=7, due=datetime(2026, 3, 20, 16, 59))]
    dates = effective_dates(_assignment(), 7, overrides, set())
    assert dates.cutoff_at == dates.due_at == datetime(2026, 3, 20, 16, 59)
    assert dates.extended


def test_an_earlier_override_is_not_an_extension():
    overrides = [_override(student_id=7, opens=datetime(2026, 3, 2, 0, 0))]
    assert not effective_dates(_assignment(), 7, overrides, set()).extended
