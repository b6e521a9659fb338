"""The report of the 25th: departments and staff behind schedule, as XLSX, sent to the board.

The plan (000 §IV) has IT send the board, on the 25th of each month, the list of staff who have
not finished. A cron job runs `flask --app wsgi lms monthly-report`; the rules of "behind" are
in `schedule`.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _

from lms.extensions import db
from lms.models import audit, notify
from lms.template_helpers import format_date

from .counting import today_local, year_of
from .reached import board_member_ids
from .schedule import MonthlyReport, build_report
from .spreadsheet import Table, write_xlsx, xlsx_bytes

CRON_LINE = "0 7 25 * *  cd /srv/lms && .venv/bin/flask --app wsgi lms monthly-report"


def report_filename(report: MonthlyReport) -> str:
    return f"bao-cao-tien-do-{report.on.isoformat()}.xlsx"


def report_tables(report: MonthlyReport) -> list[Table]:
    heading = [[_("BÁO CÁO TIẾN ĐỘ XÂY DỰNG HỌC LIỆU SỐ")],
               [_("Năm học %(year)s · đến ngày %(date)s · đã qua %(percent)s%% năm học",
                  year=report.year.name, date=format_date(report.on),
                  percent=report.percent_elapsed)], []]
    departments = Table(
        title=_("Tổ chậm tiến độ"), heading=heading,
        header=[_("STT"), _("Tổ chuyên môn"), _("Đã phê duyệt"), _("Cần có đến ngày"),
                _("Còn thiếu"), _("Chỉ tiêu năm"), _("Đang chờ duyệt")],
        rows=[[n, d.progress.name, d.progress.approved, d.expected, d.missing, d.progress.target,
               d.progress.pending] for n, d in enumerate(report.behind_departments, start=1)],
        widths=(6, 32, 14, 16, 12, 14, 16))
    teachers = Table(
        title=_("Giáo viên chậm tiến độ"), heading=heading,
        header=[_("STT"), _("Họ và tên"), _("Tổ chuyên môn"), _("Đã phê duyệt"),
                _("Phần việc đến ngày"), _("Còn thiếu"), _("Đang chờ duyệt"), _("Bản nháp"),
                _("Bị trả lại")],
        rows=[[n, t.teacher.full_name, d.progress.name, t.teacher.approved, t.fair_share,
               t.missing, t.teacher.pending, t.teacher.drafts, t.teacher.returned]
              for n, (d, t) in enumerate(report.behind_teachers, start=1)],
        widths=(6, 30, 28, 14, 18, 12, 16, 12, 12))
    return [departments, teachers]


def report_xlsx(report: MonthlyReport) -> bytes:
    return xlsx_bytes(report_tables(report))


def reports_dir() -> Path:
    folder = Path(current_app.config["LMS_DATA_DIR"]) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def report_link(report: MonthlyReport) -> str:
    """The report page's path, built outside any request (the CLI has none)."""
    with current_app.test_request_context():
        return url_for("targets.report", date=report.on.isoformat())


def send_monthly_report(on: date, out: Path | None = None) -> tuple[MonthlyReport, Path]:
    """Build the report for day `on`, write its XLSX, notify the board, audit, commit."""
    year = year_of(on)
    if year is None:
        raise click.ClickException(_("Chưa có năm học nào: hãy tạo năm học trước."))
    report = build_report(year, on)
    path = out or reports_dir() / report_filename(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    write_xlsx(tmp, report_tables(report))
    tmp.replace(path)  # a cron run never leaves half a file under the final name
    notify(board_member_ids(), "report.monthly",
           _("Báo cáo tiến độ ngày %(date)s: %(departments)s tổ và %(teachers)s giáo viên chậm "
             "tiến độ.", date=format_date(on), departments=len(report.behind_departments),
             teachers=len(report.behind_teachers)), report_link(report))
    audit("report.monthly", date=on.isoformat(), school_year=year.name, file=str(path),
          behind_departments=len(report.behind_departments),
          behind_teachers=len(report.behind_teachers))
    db.session.commit()
    return report, path


@click.command("monthly-report",
               epilog=f"\b\nDòng crontab (7 giờ sáng ngày 25 hằng tháng):\n  {CRON_LINE}")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Ngày tính tiến độ (YYYY-MM-DD); mặc định là hôm nay.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              default=None, help="Tệp XLSX cần ghi; mặc định LMS_DATA_DIR/reports/.")
@with_appcontext
def monthly_report_command(day, out: Path | None) -> None:
    """Báo cáo hằng tháng: tổ và giáo viên chậm tiến độ; ghi tệp XLSX và báo cho Ban giám hiệu.

    Chạy bằng cron vào ngày 25 hằng tháng.
    """
    on = day.date() if day is not None else today_local()
    report, path = send_monthly_report(on, out)
    click.echo(_("Đã ghi báo cáo: %(path)s", path=str(path)))
    click.echo(_("Tổ chậm tiến độ: %(count)s", count=len(report.behind_departments)))
    for standing in report.behind_departments:
        click.echo(f"  {standing.progress.name}: {standing.progress.approved}/{standing.expected}")
    click.echo(_("Giáo viên chậm tiến độ: %(count)s", count=len(report.behind_teachers)))
    for standing, teacher in report.behind_teachers:
        click.echo(f"  {teacher.teacher.full_name} ({standing.progress.name}): "
                   f"{teacher.teacher.approved}/{teacher.fair_share}")
