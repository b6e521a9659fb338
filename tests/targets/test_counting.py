"""What counts toward a department's target, the criterion 1.4 band, and the ranking."""
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from lms import signals
from lms.extensions import db

pytestmark = pytest.mark.plugins("scorm", "targets")


def _progress(school, code="TOAN", as_of=None):
    from plugins.targets.counting import school_progress

    progress = school_progress(school.year, as_of)
    return next(d for d in progress.departments if d.code == code)


def test_only_counting_types_count_whatever_plugins_are_loaded(school):
    # Only the SCORM plugin is loaded, yet Xerte and video count: the set is a setting.
    for content_type in ("scorm", "xerte", "video", "file", "testlesson"):
        school.material(content_type=content_type)
    assert _progress(school).approved == 3


@pytest.mark.app_config({"LMS_PLUGIN_SETTINGS": {"targets": {"counting_types": ("scorm",)}}})
def test_the_counting_types_are_a_setting(school):
    school.material(content_type="scorm")
    school.material(content_type="video")
    assert _progress(school).approved == 1


def test_unapproved_and_deleted_materials_do_not_count(school):
    for status in ("draft", "submitted", "passed", "returned"):
        school.material(status=status)
    school.material(deleted=True)
    school.material(status="submitted", deleted=True)
    school.material()
    progress = _progress(school)
    assert progress.approved == 1
    assert progress.pending == 2  # submitted + passed, deleted ones excluded


def test_a_revision_neither_double_counts_nor_uncounts(school):
    # Approved once, then revised twice: the newest version waits for approval.
    school.material(status="submitted", approved_at=school.in_year(11), versions=3)
    progress = _progress(school)
    assert (progress.approved, progress.pending) == (1, 0)


def test_an_approval_after_the_moment_counted_is_not_counted(school):
    school.material(approved_at=school.in_year(20))
    assert _progress(school, as_of=school.in_year(19)).approved == 0
    assert _progress(school, as_of=school.in_year(21)).approved == 1


def test_year_boundaries_follow_local_dates(school):
    """The year starts at local midnight of its start date (UTC+7: 17:00 UTC the day before)
    and ends after the last local second of its end date."""
    from plugins.targets.counting import local_midnight_utc

    year = school.year
    start = local_midnight_utc(year.start_date)
    assert start == datetime.combine(year.start_date, datetime.min.time()) - timedelta(hours=7)
    after_end = local_midnight_utc(year.end_date + timedelta(days=1))
    approve = after_end + timedelta(days=5)
    school.material(created_at=start, approved_at=approve, title="first second")
    school.material(created_at=after_end - timedelta(seconds=1), approved_at=approve,
                    title="last second")
    school.material(created_at=start - timedelta(seconds=1), approved_at=approve)
    school.material(created_at=after_end, approved_at=approve)
    assert _progress(school, as_of=approve).approved == 2


def test_a_material_of_another_school_year_does_not_count(school):
    from lms.models import SchoolYear

    previous = SchoolYear(name="2000-2001", start_date=school.year.start_date.replace(year=2000),
                          end_date=school.year.end_date.replace(year=2001))
    db.session.add(previous)
    db.session.flush()
    school.material(school_year=previous.id)  # dated in this year, filed in another: not new
    school.material(school_year=None)  # no year recorded: its creation date decides
    assert _progress(school).approved == 1


@pytest.mark.parametrize("total, points", [
    (0, 3), (19, 3), (20, 6), (39, 6), (40, 10), (41, 10)])
def test_score_band_thresholds(total, points):
    from plugins.targets.counting import score_band

    assert score_band(total).max_points == points


def test_school_total_sets_the_band(school):
    for code in ("TOAN", "VAN"):
        for _ in range(10):
            school.material(department=code, author="tt.van" if code == "VAN" else "gv.toan")
    from plugins.targets.counting import school_progress

    progress = school_progress(school.year)
    assert progress.total == 20
    assert progress.band.max_points == 6
    assert progress.band.label == "tối đa 6 điểm"


@pytest.mark.app_config({"LMS_PLUGIN_SETTINGS": {"targets": {"target_per_department": 3}}})
def test_ranking_by_the_date_the_target_was_reached(school):
    from plugins.targets.counting import school_progress
    from plugins.targets.models import DepartmentTarget

    def approvals(code, author, days):
        for day in days:
            school.material(department=code, author=author, approved_at=school.in_year(day))

    approvals("TOAN", "gv.toan", (5, 6, 30))   # third approval on day 30
    approvals("VAN", "gv.van", (1, 2, 20, 40))  # third on day 20, first to reach 3
    approvals("ANH", "gv.anh", (1, 2))          # never reaches 3 ...
    # ... unless its own target is 2: reached on day 2, before everyone
    db.session.add(DepartmentTarget(department_id=school.department("ANH").id,
                                    school_year_id=school.year.id, target=2))
    approvals("KHTN", "gv.khtn", (3, 4))
    by_code = {d.code: d for d in school_progress(school.year).departments}
    assert by_code["ANH"].target == 2 and by_code["ANH"].reached_at == school.in_year(2)
    assert [by_code[c].rank for c in ("ANH", "VAN", "TOAN", "KHTN")] == [1, 2, 3, None]
    assert by_code["VAN"].reached_at == school.in_year(20)
    assert by_code["VAN"].percent == 133 and by_code["VAN"].bar_percent == 100
    assert [by_code[c].rewarded for c in ("ANH", "VAN", "TOAN", "KHTN")] == [
        True, True, False, False]


@pytest.mark.app_config({"LMS_PLUGIN_SETTINGS": {"targets": {"target_per_department": 2}}})
def test_departments_reaching_the_target_at_the_same_instant_share_a_rank(school):
    from plugins.targets.counting import rank_by_date, school_progress

    for code, author in (("TOAN", "gv.toan"), ("VAN", "gv.van")):
        for day in (1, 7):
            school.material(department=code, author=author, approved_at=school.in_year(day))
    for day in (1, 9):
        school.material(department="ANH", author="gv.anh", approved_at=school.in_year(day))
    by_code = {d.code: d for d in school_progress(school.year).departments}
    assert [by_code[c].rank for c in ("TOAN", "VAN", "ANH")] == [1, 1, 3]
    assert rank_by_date({1: school.in_year(1), 2: school.in_year(1), 3: school.in_year(2),
                         4: school.in_year(3)}) == {1: 1, 2: 1, 3: 3, 4: 4}


def test_teacher_breakdown_counts_co_authored_materials_for_each_author(school):
    from plugins.targets.counting import own_progress, teacher_breakdown

    school.material(author="gv.toan", co_authors=("gv.tin",))
    school.material(author="gv.toan", co_authors=("gv.toan",))  # listed twice: counted once
    school.material(author="gv.tin", status="submitted")
    school.material(author="gv.tin", status="draft")
    school.material(author="gv.tin", status="returned")
    school.material(author="gv.tin", content_type="file")  # not a counting type
    rows = {t.full_name: t for t in teacher_breakdown(school.department("TOAN").id, school.year)}
    toan, tin = rows["Phạm Thu Trang"], rows["Vũ Đức Anh"]
    assert (toan.approved, toan.pending, toan.drafts, toan.returned) == (2, 0, 0, 0)
    assert (tin.approved, tin.pending, tin.drafts, tin.returned) == (1, 1, 1, 1)
    assert rows["Lê Minh Tuấn"].approved == 0  # the head, a member with nothing yet
    mine = own_progress(school.user("gv.tin").id, school.year)
    assert (mine.approved, mine.pending, mine.drafts, mine.returned) == (1, 1, 1, 1)


def test_cumulative_approvals_per_month(school):
    from plugins.targets.counting import cumulative_approvals

    school.material(approved_at=school.in_year(1))
    school.material(approved_at=school.in_year(2))
    school.material(approved_at=school.in_year(40))
    points = cumulative_approvals(school.year, school.in_year(70))
    assert points[0][0] == school.year.start_date.replace(day=1)
    values = [value for _, value in points]
    assert values == sorted(values) and values[-1] == 3
    assert values[0] == 2


@pytest.mark.app_config({"LMS_PLUGIN_SETTINGS": {"targets": {"target_per_department": 2}}})
def test_target_reached_is_sent_once(app, school):
    from plugins.targets.models import TargetReached

    received = []

    def receiver(sender, department, school_year, reached_on, **_kwargs):
        received.append((department.code, school_year.id, reached_on))

    signals.target_reached.connect(receiver, sender=app)
    try:
        first = school.material()
        db.session.commit()
        signals.material_approved.send(app, material=first, actor=school.user("hieutruong"))
        assert received == []
        second = school.material(approved_at=school.in_year(15))
        db.session.commit()
        signals.material_approved.send(app, material=second, actor=school.user("hieutruong"))
        third = school.material(approved_at=school.in_year(16))
        db.session.commit()
        signals.material_approved.send(app, material=third, actor=school.user("hieutruong"))
    finally:
        signals.target_reached.disconnect(receiver, sender=app)
    assert received == [("TOAN", school.year.id, school.in_year(15))]
    rows = db.session.scalars(sa.select(TargetReached)).all()
    assert [(r.target, r.reached_at) for r in rows] == [(2, school.in_year(15))]
    from lms.models import Notification

    kinds = db.session.scalars(sa.select(Notification.kind)).all()
    assert kinds.count("target.reached") == 2  # principal and vice principal
