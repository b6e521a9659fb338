"""Students' to-do list and assignment page with hand-in, the home widgets, and parents who
read their own child's work and released grades only."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from lms.extensions import db
from lms.models.base import utcnow
from plugins.assignments import grading, publishing, workflow
from plugins.assignments.models import Assignment, Submission

from .conftest import submission_of, user
from .view_samples import PDF


def _section(page: str, key: str) -> str:
    start = page.index(f'id="todo-{key}"')
    return page[start:page.index("</section>", start)]


def test_the_todo_list_sorts_work_into_due_soon_missing_and_done(app, client, demo, login, task):
    now = utcnow()
    soon = task(title="Sắp hạn", due_at=now + timedelta(hours=20))
    later = task(title="Còn lâu", due_at=now + timedelta(days=9))
    missing = task(title="Quá hạn", opens_at=now - timedelta(days=5),
                   due_at=now - timedelta(days=1))
    done = task(title="Đã làm xong")
    task(title="Chưa mở", opens_at=now + timedelta(days=1), due_at=now + timedelta(days=3))
    gone = task(title="Đã xóa")
    with app.app_context():
        student = user("hs.6a1.01")
        workflow.turn_in(submission_of(db.session.get(Assignment, done), "hs.6a1.01"), student)
        publishing.delete(db.session.get(Assignment, gone), user("gv.toan"))
        db.session.commit()
    login("hs.6a1.01")
    page = client.get("/assignments/todo").get_data(as_text=True)
    assert "Chưa mở" not in page and "Đã xóa" not in page
    todo = _section(page, "todo")
    assert todo.index("Sắp hạn") < todo.index("Còn lâu")
    assert re.search(rf'data-assignment="{soon}".*?Sắp đến hạn', todo, re.DOTALL)
    assert "Quá hạn" in _section(page, "missing") and "Thiếu bài" in _section(page, "missing")
    assert "Đã làm xong" in _section(page, "done")
    assert f'href="/assignments/{later}/work"' in todo
    assert f'data-assignment="{missing}"' in page

    home = client.get("/").get_data(as_text=True)
    assert 'id="assignments-todo"' in home and "Sắp hạn" in home and "Quá hạn" in home


def test_the_assignment_page_and_handing_in_text_and_a_photo(app, client, demo, login, task):
    assignment_id = task(title="Vẽ hình", instructions="<p>Vẽ tam giác</p>")
    login("hs.6a1.01")
    page = client.get(f"/assignments/{assignment_id}/work").get_data(as_text=True)
    assert "Vẽ tam giác" in page
    assert 'accept="image/*,application/pdf" capture="environment" multiple' in page
    assert "Nộp bài" in page and "Rút lại" not in page

    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(photo, "JPEG")
    photo.seek(0)
    response = client.post(f"/assignments/{assignment_id}/work", data={
        "text": "Em đã vẽ xong", "action": "turn_in",
        "files": [(photo, "anh-bai-lam.jpg"), (io.BytesIO(PDF), "trang-2.pdf")]},
        content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Đã nộp bài." in page and "Rút lại" in page
    with app.app_context():
        submission = submission_of(db.session.get(Assignment, assignment_id), "hs.6a1.01")
        assert submission.state == "turned_in" and submission.text == "Em đã vẽ xong"
        assert [f.content_type for f in submission.files] == ["image/jpeg", "application/pdf"]
        file_id = submission.files[0].id
    served = client.get(f"/assignments/files/{file_id}")
    served.close()  # a file from the content store comes back as an open stream
    assert served.status_code == 200 and served.headers["Cache-Control"] == "no-cache"

    response = client.post(f"/assignments/{assignment_id}/work/take-back", follow_redirects=True)
    assert "Đã rút bài lại" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Submission.state).where(
            Submission.id == submission.id)) == "in_progress"


def test_a_refused_file_saves_nothing_and_keeps_the_text(app, client, demo, login, task):
    assignment_id = task()
    login("hs.6a1.01")
    response = client.post(f"/assignments/{assignment_id}/work", data={
        "text": "Bài làm nháp", "action": "turn_in",
        "files": [(io.BytesIO(b"not a picture"), "bai.txt")]},
        content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "chỉ nhận ảnh (JPEG, PNG, HEIC) hoặc tệp PDF" in page
    assert "Bài làm nháp</textarea>" in page
    with app.app_context():
        submission = submission_of(db.session.get(Assignment, assignment_id), "hs.6a1.01")
        assert (submission.state, submission.text, submission.files) == ("assigned", "", [])


def test_students_and_parents_read_only_the_released_grade(app, client, demo, login, task):
    assignment_id = task(title="Bài có điểm")
    with app.app_context():
        teacher = user("gv.toan")
        submission = submission_of(db.session.get(Assignment, assignment_id), "hs.6a1.01")
        workflow.turn_in(submission, user("hs.6a1.01"))
        grading.save_grade(submission, expected_version=submission.version, actor=teacher,
                           score="9", comment="Rất tốt")
        grading.release([submission], teacher)
        db.session.commit()
        # a later draft, not released: nobody but the teacher sees it
        grading.save_grade(submission, expected_version=submission.version, actor=teacher,
                           score="4", comment="Bản nháp mới")
        db.session.commit()
        assert submission.released_score == Decimal(9)
    for reader, url in (("hs.6a1.01", f"/assignments/{assignment_id}/work"),
                        ("hs.6a1.01", "/assignments/todo"),
                        ("ph.6a1.01", f"/assignments/children/{demo['hs.6a1.01']}")):
        login(reader)
        page = client.get(url).get_data(as_text=True)
        assert "Rất tốt" in page and "Bản nháp mới" not in page, (reader, url)
        grade = page[page.index('data-released="1"'):]
        assert re.search(r"Kết quả:</strong>\s*9\s", grade[:grade.index("</div>")]), reader

    login("ph.6a1.01")
    assert client.get("/assignments/children").status_code == 302  # one child: straight there
    assert client.get(f"/assignments/children/{demo['hs.6a1.02']}").status_code == 403
    login("hs.6a2.01")
    assert client.get(f"/assignments/{assignment_id}/work").status_code == 403


def test_the_teacher_home_lists_work_waiting_for_grading(app, client, demo, login, task):
    assignment_id = task(title="Chờ chấm đây")
    with app.app_context():
        for username in ("hs.6a1.01", "hs.6a1.02"):
            workflow.turn_in(submission_of(db.session.get(Assignment, assignment_id), username),
                             user(username))
        db.session.commit()
    login("gv.toan")
    home = client.get("/").get_data(as_text=True)
    widget = home[home.index('id="assignments-waiting"'):]
    assert f'href="/assignments/{assignment_id}/desk?status=turned_in">Chờ chấm đây</a>: ' \
           "2 bài chờ chấm" in widget


def test_the_todo_list_runs_the_same_queries_for_2_or_12_assignments(
        app, client, demo, login, task):
    from .view_samples import count_queries

    def queries() -> int:
        client.get("/assignments/todo")
        with count_queries(app) as statements:
            assert client.get("/assignments/todo").status_code == 200
        return len(statements)

    for number in range(2):
        task(title=f"Bài {number}")
    login("hs.6a1.01")
    few = queries()
    for number in range(2, 12):
        task(title=f"Bài {number}", classes=("6A1", "6A2"))
    assert queries() == few
