"""The board's statistics (criterion 1.3.3): questions asked, answered, unanswered and the
median answer time per teacher and department, on the page and in XLSX; and the queues and the
statistics run a fixed number of queries however many questions there are."""
import io
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from lms.extensions import db
from plugins.questions.stats import question_stats

from .conftest import ask_question, count_queries

MONDAY = datetime(2026, 3, 2, 3, 0)  # 10:00 in Hà Nội / TP.HCM


def _question(student, class_name, subject_code, minutes_to_answer=None, at=MONDAY):
    thread = ask_question(student=student, class_name=class_name, subject_code=subject_code)
    thread.created_at = thread.waiting_since = at
    if minutes_to_answer is not None:
        thread.first_answer_at = at + timedelta(minutes=minutes_to_answer)
        thread.status = "answered"
    db.session.commit()
    return thread


@pytest.fixture
def questions(app, demo):
    with app.app_context():
        _question("hs.6a1.01", "6A1", "TOAN", 60)
        _question("hs.6a1.02", "6A1", "TOAN", 180)
        _question("hs.6a2.01", "6A2", "TOAN", 30)
        _question("hs.6a1.01", "6A1", "TOAN")
        _question("hs.6a1.01", "6A1", "TIN")
        _question("hs.6a1.01", "6A1", "TOAN", 5, at=MONDAY - timedelta(days=30))  # outside


def test_counts_and_median_per_teacher_and_department(app, questions, demo):
    with app.app_context():
        stats = question_stats(datetime(2026, 3, 1), datetime(2026, 3, 8))
        teachers = {row.name: row for row in stats.teachers}
        departments = {row.name: row for row in stats.departments}
    toan = teachers["Phạm Thu Trang"]  # gv.toan: Toán in 6A1 and 6A2
    assert (toan.asked, toan.answered, toan.unanswered, toan.median_minutes) == (4, 3, 1, 60)
    tin = teachers["Vũ Đức Anh"]  # gv.tin
    assert (tin.asked, tin.answered, tin.unanswered, tin.median_minutes) == (1, 0, 1, None)
    assert set(teachers) == {"Phạm Thu Trang", "Vũ Đức Anh"}
    department = departments["Tổ Toán – Tin"]
    assert (department.asked, department.answered, department.unanswered,
            department.median_minutes) == (5, 3, 2, 60)
    assert all(row.asked == 0 for name, row in departments.items() if name != "Tổ Toán – Tin")


def test_the_board_reads_the_page_and_downloads_the_workbook(client, login, questions):
    login("hieutruong")
    page = client.get("/questions/stats?date_from=01/03/2026&date_to=07/03/2026").text
    assert "Phạm Thu Trang" in page and "1 giờ 0 phút" in page
    assert "01/03/2026" in page and "07/03/2026" in page
    response = client.get("/questions/stats.xlsx?date_from=01/03/2026&date_to=07/03/2026")
    sheets = load_workbook(io.BytesIO(response.data), read_only=True)
    rows = [row for row in sheets["Theo giáo viên"].iter_rows(values_only=True)]
    assert ("Phạm Thu Trang", "Tổ Toán – Tin", 4, 3, 1, 1.0) in rows
    departments = [row for row in sheets["Theo tổ"].iter_rows(values_only=True)]
    assert ("Tổ Toán – Tin", 5, 3, 2, 1.0) in departments


def test_a_bad_date_is_explained(client, login, questions):
    login("hieutruong")
    page = client.get("/questions/stats?date_from=32/13/2026&date_to=07/03/2026").text
    assert "Từ ngày “32/13/2026” không đúng dạng dd/mm/yyyy." in page
    page = client.get("/questions/stats?date_from=07/03/2026&date_to=01/03/2026").text
    assert "Đến ngày phải sau hoặc bằng từ ngày." in page
    response = client.get("/questions/stats.xlsx?date_from=hôm qua", follow_redirects=True)
    assert "Từ ngày “hôm qua” không đúng dạng dd/mm/yyyy." in response.text


def _queries(app, client, path) -> int:
    client.get(path)  # warm up: first-request work is not the page's
    with count_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


PAGES = {
    "gv.toan": ["/", "/questions/queue"],
    "tt.toan": ["/questions/department"],
    "hieutruong": ["/questions/stats"],
    "hs.6a1.01": ["/questions/"],
}


def _all_counts(app, client, login) -> dict:
    counts = {}
    for username, paths in PAGES.items():
        login(username)
        for path in paths:
            counts[(username, path)] = _queries(app, client, path)
    return counts


def test_queues_and_statistics_run_a_bounded_number_of_queries(app, client, login, demo):
    students = ["hs.6a1.01", "hs.6a1.02", "hs.6a1.03"]
    with app.app_context():
        for student in students:
            ask_question(student=student)
    small = _all_counts(app, client, login)
    with app.app_context():
        for number in range(30):
            ask_question(student=students[number % 3], subject_code=("TOAN", "TIN")[number % 2],
                         title=f"Câu hỏi {number}")
    large = _all_counts(app, client, login)
    assert large == small
