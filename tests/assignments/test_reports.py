"""The criteria report: assignments given, share turned in, share graded within N days and
released grades, per teacher and department, in a fixed number of queries; XLSX."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from lms.extensions import db
from plugins.assignments import grading, reports, workflow
from plugins.assignments.models import SubmissionEvent
from plugins.assignments.schedule import parse_local

from .conftest import count_queries, publish_task, submission_of, user

OPENS = parse_local("02/03/2026 07:00")
DUE = parse_local("06/03/2026 23:59")


@pytest.fixture
def graded_week(ctx):
    """gv.toan gives one task to 6A1 (5 students): 3 turned in, one excused; two graded, one
    of them 10 days after it was handed in; one grade released. gv.van gives nothing."""
    teacher = user("gv.toan")
    assignment = publish_task(opens_at=OPENS, due_at=DUE)
    quick, slow, third = (submission_of(assignment, f"hs.6a1.0{n}") for n in (1, 2, 3))
    for submission in (quick, slow, third):
        workflow.turn_in(submission, submission.student, now=OPENS + timedelta(days=1))
    workflow.excuse(submission_of(assignment, "hs.6a1.05"), teacher)
    db.session.flush()
    grading.save_grade(quick, expected_version=quick.version, actor=teacher, score=8)
    grading.save_grade(slow, expected_version=slow.version, actor=teacher, score=6)
    db.session.flush()


    for submission, graded_on in ((quick, OPENS + timedelta(days=2)),
                                  (slow, OPENS + timedelta(days=11))):
        db.session.execute(sa.update(SubmissionEvent).where(
            SubmissionEvent.submission_id == submission.id, SubmissionEvent.action == "graded")
            .values(at=graded_on))
    grading.release([quick], teacher, now=parse_local("04/03/2026 10:00"))
    # outside the range: a task opened in April
    publish_task(title="Tháng tư", opens_at=parse_local("01/04/2026 07:00"),
                 due_at=parse_local("05/04/2026 23:59"))
    db.session.commit()
    return assignment


def test_figures_per_teacher_and_department(graded_week, app):
    db.session.expire_all()
    with count_queries(app) as statements:
        report = reports.criteria_report(date(2026, 3, 1), date(2026, 3, 31))
    assert len(statements) == 4
    toan = next(r for r in report.teachers if r.name == user("gv.toan").full_name)
    assert (toan.assignments, toan.expected, toan.turned_in, toan.graded_in_time,
            toan.assessments) == (1, 4, 3, 1, 1)
    assert reports.percent(toan.turned_in_share) == "75,0%"
    assert reports.percent(toan.graded_share) == "33,3%"
    van = next(r for r in report.teachers if r.name == user("gv.van").full_name)
    assert (van.assignments, van.expected) == (0, 0) and van.turned_in_share is None
    department = next(r for r in report.departments if r.name == toan.department)
    assert department.assignments == 1 and report.total.expected == 4
    within_two_weeks = reports.criteria_report(date(2026, 3, 1), date(2026, 3, 31),
                                               graded_within_days=14)
    assert next(r for r in within_two_weeks.teachers
                if r.name == toan.name).graded_in_time == 2


def test_the_range_is_in_school_days(graded_week):
    # opened 02/03 07:00 school time = 02/03 00:00 UTC: in the range starting 02/03, not 03/03
    assert reports.criteria_report(date(2026, 3, 2), date(2026, 3, 2)).total.assignments == 1
    assert reports.criteria_report(date(2026, 3, 3), date(2026, 3, 31)).total.assignments == 0
    with pytest.raises(ValueError):
        reports.criteria_report(date(2026, 3, 3), date(2026, 3, 2))


def test_one_department(graded_week):

    from lms.models import Department

    van = db.session.scalar(sa.select(Department).where(Department.code == "VAN"))
    report = reports.criteria_report(date(2026, 3, 1), date(2026, 3, 31), department_id=van.id)
    assert {r.department for r in report.teachers} == {van.name}
    assert report.total.assignments == 0


def test_xlsx(graded_week, app):
    with app.test_request_context():
        data = reports.report_xlsx(date(2026, 3, 1), date(2026, 3, 31))
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames == ["Theo giáo viên", "Theo tổ"]
    rows = list(workbook["Theo giáo viên"].iter_rows(values_only=True))
    assert rows[1] == ("Từ ngày 01/03/2026 đến ngày 31/03/2026",)
    toan = next(r for r in rows if len(r) > 1 and r[1] == "Phạm Thu Trang")
    assert toan[3:] == (1, 4, 3, "75,0%", 1, "33,3%", 1)
