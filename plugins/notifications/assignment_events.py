"""Notifications about assignments: new work (when it opens), due tomorrow, missing, returned.

New work, due tomorrow and missing are created once per submission: a key in `notifications_once`
is inserted in the same transaction as the notifications (ON CONFLICT DO NOTHING … RETURNING),
so neither a second run nor a concurrent one creates them again. Needs the assignments plugin.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.models import User
from plugins.assignments.models import Assignment, DateOverride, Submission, SubmissionState
from plugins.assignments.schedule import format_local, load_context
from plugins.assignments.status import derive

from . import creating, timing
from .models import Once

#: work that opened, or became missing, longer ago than this is not announced any more (e.g. when
#: the plugin is first enabled on a school already running)
LOOKBACK = timedelta(days=2)
NOT_HANDED_IN = (SubmissionState.ASSIGNED.value, SubmissionState.IN_PROGRESS.value)
#: rows per INSERT of once-keys, well under SQLite's limit of bound parameters
KEY_BATCH = 400


def student_link(assignment_id: int) -> str:
    return f"/assignments/{assignment_id}/work"


def parent_link(student_id: int) -> str:
    return f"/assignments/children/{student_id}"


def claim_keys(keys: list[str], now: datetime) -> set[str]:
    """Insert the once-keys; returns those inserted now (the others were done before)."""
    claimed: set[str] = set()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for start in range(0, len(keys), KEY_BATCH):
        chunk = keys[start:start + KEY_BATCH]
        claimed.update(db.session.scalars(
            insert(Once).values([{"key": key, "created_at": now} for key in chunk])
            .on_conflict_do_nothing(index_elements=["key"]).returning(Once.key)))
    return claimed


def _candidates(window_from: datetime, window_to: datetime, *, field: str,
                assignment_ids: list[int] | None = None):
    """Submissions of live assignments whose `field` (opens_at or due_at), for the assignment or
    an override, falls in the window; with the schedule context to get each student's dates."""
    column = getattr(Assignment, field)
    override_column = getattr(DateOverride, field)
    query = (select(Submission).join(Assignment, Assignment.id == Submission.assignment_id)
             .where(Assignment.deleted_at.is_(None))
             .options(selectinload(Submission.assignment)))
    if assignment_ids is not None:
        query = query.where(Assignment.id.in_(assignment_ids))
    else:
        query = query.where(or_(
            column.between(window_from, window_to),
            exists().where(DateOverride.assignment_id == Assignment.id,
                           override_column.between(window_from, window_to))))
    submissions = list(db.session.scalars(query.order_by(Submission.id)))
    context = load_context([s.assignment_id for s in submissions],
                           [s.student_id for s in submissions])
    return [(s, context.dates_for(s.assignment, s.student_id)) for s in submissions]


def _names(student_ids) -> dict[int, str]:
    ids = sorted(set(student_ids))
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def _announce(found, kind: str, key_of, student_text, parent_text, now: datetime) -> int:
    """Create the notifications of `found` [(submission, dates)] whose key is new; returns how
    many submissions were announced."""
    keyed = {key_of(s, d): (s, d) for s, d in found}
    fresh = claim_keys(sorted(keyed), now) if keyed else set()
    chosen = [keyed[key] for key in sorted(fresh)]
    parents = creating.active_parents(s.student_id for s, _d in chosen)
    names = _names(s.student_id for s, _d in chosen)
    for submission, dates in chosen:
        assignment = submission.assignment
        creating.add([submission.student_id], kind, student_text(assignment, dates),
                     student_link(assignment.id), student_id=submission.student_id,
                     submission_id=submission.id, created_at=now)
        creating.add(parents[submission.student_id], kind,
                     parent_text(assignment, dates, names.get(submission.student_id, "")),
                     parent_link(submission.student_id), student_id=submission.student_id,
                     submission_id=submission.id, created_at=now)
    return len(chosen)


def announce_opened(now: datetime, assignment_ids: list[int] | None = None) -> int:
    """"Bài tập mới" for work that is open to the student (at publishing, or when a later
    opening date or a student added later comes). The caller commits."""
    found = [(s, d) for s, d in _candidates(now - LOOKBACK, now, field="opens_at",
                                            assignment_ids=assignment_ids)
             if d.opens_at <= now and (assignment_ids is not None
                                       or d.opens_at >= now - LOOKBACK)]
    return _announce(
        found, "assignment.published", lambda s, _d: f"published:{s.id}",
        lambda a, d: _("Bài tập mới: %(title)s (hạn %(due)s)", title=a.title,
                       due=format_local(d.due_at)),
        lambda a, d, name: _("%(name)s có bài tập mới: %(title)s (hạn %(due)s)", name=name,
                             title=a.title, due=format_local(d.due_at)),
        now)


def remind_due_tomorrow(now: datetime) -> int:
    """"Sắp đến hạn ngày mai" for work due tomorrow (school time), open, not turned in, not
    excused, not on paper, not offline. The caller commits."""
    tomorrow = timing.local_date(now) + timedelta(days=1)
    start = timing.to_utc(datetime.combine(tomorrow, time.min))
    end = timing.to_utc(datetime.combine(tomorrow + timedelta(days=1), time.min))
    found = []
    for submission, dates in _candidates(start, end, field="due_at"):
        info = derive(submission, submission.assignment, dates, now)
        if (start <= dates.due_at < end and dates.opens_at <= now
                and submission.state in NOT_HANDED_IN and not info.excused
                and not submission.on_paper and not submission.assignment.offline):
            found.append((submission, dates))
    return _announce(
        found, "assignment.due_tomorrow",
        lambda s, d: f"due:{s.id}:{d.due_at.isoformat()}",
        lambda a, d: _("Sắp đến hạn ngày mai: %(title)s (hạn %(due)s)", title=a.title,
                       due=format_local(d.due_at)),
        lambda a, d, name: _("%(name)s sắp đến hạn ngày mai: %(title)s (hạn %(due)s)",
                             name=name, title=a.title, due=format_local(d.due_at)),
        now)


def remind_missing(now: datetime) -> int:
    """"Thiếu bài" once per submission that became missing in the last LOOKBACK. The caller
    commits."""
    found = []
    for submission, dates in _candidates(now - LOOKBACK, now, field="due_at"):
        if dates.due_at >= now - LOOKBACK and \
                derive(submission, submission.assignment, dates, now).missing:
            found.append((submission, dates))
    return _announce(
        found, "assignment.missing", lambda s, _d: f"missing:{s.id}",
        lambda a, d: _("Thiếu bài: %(title)s (hạn %(due)s đã qua)", title=a.title,
                       due=format_local(d.due_at)),
        lambda a, d, name: _("%(name)s thiếu bài: %(title)s (hạn %(due)s đã qua)", name=name,
                             title=a.title, due=format_local(d.due_at)),
        now)


def announce_returned(submissions) -> None:
    """"Bài … đã được trả" to the student and their parents; the grade stays out of the text
    (the page and the e-mail digest show it). The caller commits."""
    submissions = list(submissions)
    parents = creating.active_parents(s.student_id for s in submissions)
    names = _names(s.student_id for s in submissions)
    for submission in submissions:
        title = submission.assignment.title
        creating.add([submission.student_id], "assignment.returned",
                     _("Bài “%(title)s” đã được trả.", title=title),
                     student_link(submission.assignment_id), student_id=submission.student_id,
                     submission_id=submission.id)
        creating.add(parents[submission.student_id], "assignment.returned",
                     _("Bài “%(title)s” của %(name)s đã được trả.", title=title,
                       name=names.get(submission.student_id, "")),
                     parent_link(submission.student_id), student_id=submission.student_id,
                     submission_id=submission.id)
