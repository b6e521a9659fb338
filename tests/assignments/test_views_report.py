"""Báo cáo giao bài: heads see their own department, the board the school; dates typed as
dd/mm/yyyy in school time; the same figures as XLSX."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from openpyxl import load_workbook

from lms.extensions import db
from lms.models.base import utcnow
from plugins.assignments import schedule, workflow
from plugins.assignments.models import Assignment

from .conftest import submission_of, user


def _day(app, days_ago: int = 0) -> str:
    with app.app_context():
        return schedule.format_local_date(utcnow() - timedelta(days=days_ago))


def _given_work(app, task):
    assignment_id = task(title="Bài báo cáo")
    with app.app_context():
        submission = submission_of(db.session.get(Assignment, assignment_id), "hs.6a1.01")
        workflow.turn_in(submission, user("hs.6a1.01"))
        db.session.commit()


def test_a_head_sees_their_department_with_the_figures(app, client, demo, login, task):
    _given_work(app, task)
    login("tt.toan")
    page = client.get("/assignments/report").get_data(as_text=True)
    teachers = page[page.index('id="report-teachers"'):]
    row = re.search(r"<tr><td>Phạm Thu Trang</td><td>Tổ Toán[^<]*</td>(.*?)</tr>", teachers)
    cells = re.findall(r"<td>([^<]*)</td>", row.group(1))
    assert cells[:4] == ["1", "5", "1", "20,0%"]
    assert "Bùi Ngọc Ánh" not in page  # Tổ Ngữ văn is not theirs
    # a department asked for in the query string changes nothing for a head
    assert "Bùi Ngọc Ánh" not in client.get("/assignments/report?department=2").get_data(
        as_text=True)


def test_the_board_sees_every_department_and_downloads_xlsx(app, client, demo, login, task):
    _given_work(app, task)
    login("hieutruong")
    # the work opened yesterday (publish_task's default)
    since, today = _day(app, 2), _day(app)
    page = client.get(f"/assignments/report?date_from={since}&date_to={today}").get_data(
        as_text=True)
    assert "Bùi Ngọc Ánh" in page and "Phạm Thu Trang" in page and "Toàn trường" in page
    response = client.get(f"/assignments/report.xlsx?date_from={since}&date_to={today}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = [r for r in workbook.worksheets[0].iter_rows(values_only=True)]
    assert any(r and "Phạm Thu Trang" in r and 1 in r for r in rows)
    nothing = client.get(f"/assignments/report?date_from={today}&date_to={today}")
    assert "Phạm Thu Trang</td><td>Tổ Toán – Tin</td><td>0</td>" in nothing.get_data(
        as_text=True)


def test_unreadable_or_reversed_dates_are_explained(app, client, demo, login):
    login("hieutruong")
    response = client.get("/assignments/report?date_from=2026-01-01&date_to=01/01/2026")
    assert response.status_code == 400
    assert "“2026-01-01” không đúng dạng dd/mm/yyyy" in response.get_data(as_text=True)
    response = client.get("/assignments/report?date_from=02/01/2026&date_to=01/01/2026")
    assert response.status_code == 400
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.get_data(as_text=True)
    assert client.get("/assignments/report.xlsx?date_from=x").status_code == 400
