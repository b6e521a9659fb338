"""The status a student, parent or teacher sees, derived from the stored state and the dates.

Late, missing, excused and extended are never stored: they follow from the submission's columns,
the dates that apply to the student and the moment of asking, so they cannot go stale.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from .models import SubmissionState
from .schedule import Dates

#: "due soon" on the to-do list: the due date is this close and the work is not turned in
DUE_SOON = timedelta(hours=48)


class Status(str, enum.Enum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    TURNED_IN = "turned_in"
    LATE = "late"
    MISSING = "missing"
    RETURNED = "returned"
    EXCUSED = "excused"


STATUS_LABELS = {
    Status.NOT_STARTED: _l("Chưa làm"),
    Status.IN_PROGRESS: _l("Đang làm"),
    Status.TURNED_IN: _l("Đã nộp"),
    Status.LATE: _l("Nộp muộn"),
    Status.MISSING: _l("Thiếu bài"),
    Status.RETURNED: _l("Đã trả bài"),
    Status.EXCUSED: _l("Được miễn"),
}


@dataclass(frozen=True)
class StatusInfo:
    status: Status
    late: bool
    missing: bool
    extended: bool
    excused: bool
    #: due within DUE_SOON and not turned in yet
    due_soon: bool

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


def derive(submission, assignment, dates: Dates, now: datetime) -> StatusInfo:
    """The status of `submission` at `now` (naive UTC). Pure: no queries."""
    state = submission.state
    handed_in = state in (SubmissionState.TURNED_IN.value, SubmissionState.RETURNED.value)
    past_due = now > dates.due_at
    if handed_in and submission.turned_in_at is not None:
        late = submission.turned_in_at > dates.due_at
    else:
        late = not handed_in and past_due
    excused = bool(submission.excused)
    if excused:
        late = False
    missing = (past_due and not handed_in and not excused and not submission.on_paper
               and not assignment.offline)
    due_soon = not handed_in and not excused and not past_due and dates.due_at - now <= DUE_SOON
    if excused:
        status = Status.EXCUSED
    elif state == SubmissionState.RETURNED.value:
        status = Status.RETURNED
    elif state == SubmissionState.TURNED_IN.value:
        status = Status.LATE if late else Status.TURNED_IN
    elif missing:
        status = Status.MISSING
    elif state == SubmissionState.IN_PROGRESS.value:
        status = Status.IN_PROGRESS
    else:
        status = Status.NOT_STARTED
    return StatusInfo(status=status, late=late, missing=missing, extended=dates.extended,
                      excused=excused, due_soon=due_soon)
