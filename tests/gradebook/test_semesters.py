"""Semesters: default dates, which one is current, locking and moving dates (audited)."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import AuditLog, SchoolYear, User
from plugins.gradebook.models import Semester
from plugins.gradebook.semesters import (
    SemesterError,
    current_semester,
    lock,
    semester_of,
    set_dates,
    unlock,
    utc_bounds,
)


def user(username):
    return db.session.scalar(sa.select(User).where(User.username == username))


def test_current_semester_follows_the_dates(app, demo):
    with app.app_context():
        year = SchoolYear.current()
        january = date(year.start_date.year + 1, 1, 1)
        assert current_semester(year.start_date - timedelta(days=3)).number == 1
        assert current_semester(january.replace(day=15)).number == 1
        assert current_semester(january.replace(day=16)).number == 2
        assert current_semester(year.end_date + timedelta(days=30)).number == 2
        # Both semesters exist once, however often they are asked for.
        current_semester(year.start_date)
        assert db.session.scalar(sa.select(sa.func.count(Semester.id))) == 2


def test_semester_bounds_are_school_days_in_utc(app, demo):
    with app.app_context():
        first = semester_of(SchoolYear.current(), 1)
        start, end = utc_bounds(first)
        # 00:00 in Hà Nội is 17:00 UTC the day before
        assert (start.hour, start.date()) == (17, first.starts_on - timedelta(days=1))
        assert (end.hour, end.date()) == (17, first.ends_on)


def test_lock_and_unlock_are_audited(app, demo):
    with app.app_context():
        semester = semester_of(SchoolYear.current(), 1)
        lock(semester, user("hieutruong"))
        assert semester.locked_at is not None and semester.locked_by.username == "hieutruong"
        with pytest.raises(SemesterError, match="đã được khóa sổ"):
            lock(semester, user("admin"))
        unlock(semester, user("admin"))
        assert semester.locked_at is None
        with pytest.raises(SemesterError, match="chưa bị khóa sổ"):
            unlock(semester, user("admin"))
        db.session.commit()
        events = db.session.execute(sa.select(AuditLog.event, User.username).join(
            User, User.id == AuditLog.actor_id).order_by(AuditLog.id)).all()
        assert [tuple(e) for e in events] == [("gradebook.semester_locked", "hieutruong"),
                                               ("gradebook.semester_unlocked", "admin")]


def test_set_dates_checks_before_changing(app, demo):
    with app.app_context():
        year = SchoolYear.current()
        admin = user("admin")
        mid = date(year.start_date.year + 1, 1, 20)
        bad = [
            ((year.start_date, mid), (mid, year.end_date), "kết thúc trước khi học kỳ II"),
            ((year.start_date - timedelta(days=1), mid), (mid + timedelta(days=1),
                                                          year.end_date), "nằm trong năm học"),
            ((mid, year.start_date), (mid + timedelta(days=1), year.end_date), "trước ngày kết"),
        ]
        for first, second, message in bad:
            with pytest.raises(SemesterError, match=message):
                set_dates(year, first, second, admin)
        assert semester_of(year, 1).ends_on == date(year.start_date.year + 1, 1, 15)
        set_dates(year, (year.start_date, mid), (mid + timedelta(days=1), year.end_date), admin)
        assert semester_of(year, 1).ends_on == mid
        assert semester_of(year, 2).starts_on == mid + timedelta(days=1)
