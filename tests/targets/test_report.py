"""The monthly report: pro-rata maths, the page, and the command the cron job runs."""
from datetime import date, timedelta
from fractions import Fraction
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from lms.extensions import db

pytestmark = pytest.mark.plugins("scorm", "targets")

YEAR = SimpleNamespace(start_date=date(2025, 9, 5), end_date=date(2026, 5, 31))  # 268 days


def test_elapsed_fraction_is_clamped_to_the_year():
    from plugins.targets.schedule import elapsed_fraction

    assert elapsed_fraction(YEAR, date(2025, 8, 1)) == 0
    assert elapsed_fraction(YEAR, date(2025, 9, 5)) == 0
    assert elapsed_fraction(YEAR, date(2026, 1, 18)) == Fraction(135, 268)
    assert elapsed_fraction(YEAR, date(2026, 5, 31)) == 1
    assert elapsed_fraction(YEAR, date(2026, 7, 1)) == 1


@pytest.mark.parametrize("day, expected", [
    (date(2025, 9, 5), 0),    # nothing yet on the first day
    (date(2025, 9, 6), 1),    # 30 × 1/268 = 0.11 → rounded up to 1
    (date(2025, 10, 25), 6),  # 30 × 50/268 = 5.6 → 6
    (date(2025, 12, 2), 10),  # 30 × 88/268 = 9.85 → 10
    (date(2026, 5, 31), 30),
])
def test_expected_by_a_date_rounds_up(day, expected):
    from plugins.targets.schedule import expected_by

    assert expected_by(30, YEAR, day) == expected


def test_fair_share_rounds_up():
    from plugins.targets.schedule import fair_share

    assert fair_share(10, 4) == 3
    assert fair_share(12, 4) == 3
    assert fair_share(0, 4) == 0
    assert fair_share(5, 0) == 0


@pytest.fixture
def report_school(school):
    """Day 100 of the demo year: TOAN (4 members) has 12 approved, VAN (2 members) has 2."""
    from plugins.targets.schedule import expected_by

    school.day = school.year.start_date + timedelta(days=100)
    school.expected = expected_by(30, school.year, school.day)
    assert school.expected >= 10
    for n in range(12):
        school.material(author=("gv.toan", "gv.tin", "tt.toan")[n % 3])
    for _ in range(2):
        school.material(department="VAN", author="gv.van")
    school.material(department="VAN", author="tt.van", status="submitted")
    db.session.commit()
    return school


def test_who_is_behind(report_school):
    from plugins.targets.schedule import build_report, fair_share

    report = build_report(report_school.year, report_school.day)
    by_code = {d.progress.code: d for d in report.departments}
    expected = report_school.expected
    assert by_code["TOAN"].expected == expected
    assert by_code["TOAN"].behind == (12 < expected)
    assert by_code["VAN"].behind and by_code["VAN"].missing == expected - 2
    assert by_code["VAN"].progress.pending == 1
    share = fair_share(expected, 4)
    behind_toan = {t.teacher.full_name for t in by_code["TOAN"].behind_teachers}
    # gv.toan, gv.tin and tt.toan have 4 each; tp.toan has none.
    assert "Đỗ Thị Mai" in behind_toan
    assert ("Phạm Thu Trang" in behind_toan) == (4 < share)
    van_share = fair_share(expected, 2)
    assert by_code["VAN"].fair_share == van_share
    assert {t.teacher.full_name for t in by_code["VAN"].behind_teachers} == {
        "Hoàng Thị Lan", "Bùi Ngọc Ánh"}


@pytest.mark.app_config({"LMS_PLUGIN_SETTINGS": {"targets": {"target_per_department": 12}}})
def test_nobody_is_behind_in_a_department_that_reached_its_target(report_school):
    from plugins.targets.schedule import build_report

    report = build_report(report_school.year, report_school.day)
    toan = next(d for d in report.departments if d.progress.code == "TOAN")
    assert not toan.behind and toan.behind_teachers == []


def test_report_page_for_the_board_and_for_a_head(client, login, report_school):
    day = report_school.day.isoformat()
    login("hieutruong")
    page = client.get(f"/targets/report?date={day}").get_data(as_text=True)
    assert "Tổ Ngữ văn" in page and "Tổ Toán – Tin" in page and "Đỗ Thị Mai" in page
    login("tt.van")
    page = client.get(f"/targets/report?date={day}").get_data(as_text=True)
    assert "Bùi Ngọc Ánh" in page and "Tổ Toán – Tin" not in page
    response = client.get("/targets/report?date=25-03-2026")
    assert "không hợp lệ" in response.get_data(as_text=True)
    xlsx = client.get(f"/targets/report.xlsx?date={day}")
    sheets = load_workbook(__import__("io").BytesIO(xlsx.data))
    names = [row[1] for row in sheets.worksheets[1].iter_rows(values_only=True)]
    assert "Bùi Ngọc Ánh" in names and "Đỗ Thị Mai" not in names


def test_cli_writes_the_xlsx_notifies_the_board_and_audits(app, runner, report_school, tmp_path):
    from lms.models import AuditLog, Notification

    day = report_school.day.isoformat()
    result = runner.invoke(args=["lms", "monthly-report", "--date", day])
    assert result.exit_code == 0, result.output
    path = tmp_path / "data" / "reports" / f"bao-cao-tien-do-{day}.xlsx"
    assert str(path) in result.output
    workbook = load_workbook(path)
    departments = [row[1] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert "Tổ Ngữ văn" in departments
    notes = db.session.scalars(sa.select(Notification).where(
        Notification.kind == "report.monthly")).all()
    assert {n.user_id for n in notes} == {report_school.demo["hieutruong"],
                                          report_school.demo["phohieutruong"]}
    assert notes[0].link == f"/targets/report?date={day}"
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.event == "report.monthly"))
    assert entry.details["date"] == day and entry.details["file"] == str(path)

    out = tmp_path / "elsewhere" / "report.xlsx"
    result = runner.invoke(args=["lms", "monthly-report", "--date", day, "--out", str(out)])
    assert result.exit_code == 0 and out.exists()


def test_cli_help_prints_the_cron_line_and_refuses_a_bad_date(runner):
    result = runner.invoke(args=["lms", "monthly-report", "--help"])
    assert "0 7 25 * *" in result.output and "lms monthly-report" in result.output
    result = runner.invoke(args=["lms", "monthly-report", "--date", "25/03/2026"])
    assert result.exit_code != 0
