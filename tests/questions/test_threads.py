"""Asking, answering, marking answered and publishing to the FAQ, through the pages and the
service functions: bad input gets a Vietnamese error and nothing is written."""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from lms import signals
from lms.extensions import db
from lms.models.base import utcnow
from lms.storage import get_store
from plugins.questions.attachments import QuestionError
from plugins.questions.models import Attachment, FaqEntry, Message, Thread
from plugins.questions.threads import ask, faq_draft, follow_up, publish_faq

from .conftest import (
    ask_question,
    make_approved_material,
    pdf_upload,
    photo_upload,
    publish_task,
    subject_key,
    user,
)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_student_asks_with_a_photo_which_is_downscaled_and_announced(app, client, login,
                                                                       demo):
    seen = []
    signals.question_asked.connect(
        lambda sender, **kw: seen.append((kw["thread"].id, kw["actor"].id)), sender=app,
        weak=False)
    login("hs.6a1.01")
    with app.app_context():
        key = subject_key()
    response = client.post("/questions/ask", data={
        "subject": key, "title": "Bài 5 em làm đúng chưa ạ?", "body": "<p>Em gửi ảnh</p>",
        "files": [photo_upload()]}, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.scalar(sa.select(Thread))
        thread_id = thread.id
        assert thread.student_id == demo["hs.6a1.01"] and thread.status == "open"
        stored = thread.messages[0].attachments[0]
        assert (stored.content_type, stored.width, stored.height) == ("image/jpeg", 2000, 1000)
        with get_store().open(stored.digest) as blob:
            assert Image.open(io.BytesIO(blob.read())).size == (2000, 1000)
    assert seen == [(thread_id, demo["hs.6a1.01"])]
    page = client.get(response.headers["Location"]).text
    assert "Bài 5 em làm đúng chưa ạ?" in page and "Đang chờ trả lời" in page


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": ""}, "Hãy nhập tiêu đề câu hỏi."),
    ({"subject": "6A2-TOAN"}, "Hãy chọn một môn của lớp em có giáo viên dạy."),
    ({"body": "", "files": None}, "Hãy viết câu hỏi hoặc gửi ảnh bài tập."),
    ({"files": "zip"}, "chỉ nhận ảnh (JPEG, PNG, HEIC) hoặc tệp PDF"),
])
def test_bad_questions_are_refused_and_nothing_is_written(app, client, login, demo, fields,
                                                          message):
    login("hs.6a1.01")
    with app.app_context():
        data = {"subject": subject_key(), "title": "Câu hỏi", "body": "Nội dung",
                "files": [pdf_upload()]}
        if fields.get("subject") == "6A2-TOAN":
            fields = {**fields, "subject": subject_key("6A2")}
    data.update(fields)
    if data["files"] == "zip":
        data["files"] = [(io.BytesIO(b"PK\x03\x04zip"), "bai.zip")]
    if data["files"] is None:
        del data["files"]
    response = client.post("/questions/ask", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in response.text
    with app.app_context():
        assert _count(Thread) == _count(Message) == _count(Attachment) == 0


def test_questions_about_an_assignment_must_be_the_students_own(app, client, login, demo):
    with app.app_context():
        task = publish_task(classes=("6A2",), title="Bài của 6A2")
        mine = publish_task(classes=("6A1",), title="Bài của 6A1")
        with pytest.raises(QuestionError, match="không phải bài được giao cho em"):
            ask(user("hs.6a1.01"), subject_key=subject_key(), title="Hỏi", body="?",
                assignment_id=task.id)
        with pytest.raises(QuestionError, match="thuộc môn khác"):
            ask(user("hs.6a1.01"), subject_key=subject_key("6A1", "VAN"), title="Hỏi",
                body="?", assignment_id=mine.id)
        thread = ask(user("hs.6a1.01"), subject_key=subject_key(), title="Hỏi", body="?",
                     assignment_id=mine.id)
        assert thread.assignment_id == mine.id
        mine_id = mine.id
        db.session.rollback()
    login("hs.6a1.01")
    page = client.get(f"/assignments/{mine_id}/work").text
    assert f"/questions/?assignment_id={mine_id}" in page
    form = client.get(f"/questions/?assignment_id={mine_id}").text
    assert f'<option selected value="{mine_id}">' in form


def test_the_material_page_offers_students_to_ask(app, client, login, demo, tmp_path):
    with app.app_context():
        material_id = make_approved_material(tmp_path).id
    login("hs.6a1.01")
    page = client.get(f"/materials/{material_id}").text
    assert "Hỏi thầy cô về bài này" in page
    form = client.get(f"/questions/?material_id={material_id}").text
    assert f'<option selected value="{material_id}">' in form
    login("gv.toan")
    assert "Hỏi thầy cô về bài này" not in client.get(f"/materials/{material_id}").text


def test_a_teacher_answers_then_the_student_asks_more(app, client, login, question, demo):
    answered = []
    signals.question_answered.connect(
        lambda sender, **kw: answered.append((kw["message"].body, kw["actor"].id)), sender=app,
        weak=False)
    login("gv.toan")
    response = client.post(f"/questions/{question}/reply",
                           data={"body": "<p>Quy đồng mẫu số trước.</p><script>x()</script>"})
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.get(Thread, question)
        assert thread.status == "answered" and thread.answered_by_id == demo["gv.toan"]
        first = thread.first_answer_at
        assert "<script>" not in thread.messages[-1].body
        follow_up(thread, user("hs.6a1.01"), "Em vẫn chưa hiểu ạ")
        db.session.commit()
        assert thread.status == "open" and thread.first_answer_at == first
    assert answered == [("<p>Quy đồng mẫu số trước.</p>", demo["gv.toan"])]


def test_marking_answered_without_a_message(app, client, login, question, demo):
    login("gv.toan")
    assert client.post(f"/questions/{question}/answered").status_code == 302
    with app.app_context():
        thread = db.session.get(Thread, question)
        assert thread.status == "answered" and len(thread.messages) == 1
        assert thread.first_answer_at is not None
    response = client.post(f"/questions/{question}/answered", follow_redirects=True)
    assert "đã được đánh dấu là đã trả lời" in response.text


def test_publishing_to_the_faq_never_names_the_student(app, client, login, question, demo):
    with app.app_context():
        thread = db.session.get(Thread, question)
        name = thread.student.full_name
        draft_question, _ = faq_draft(thread)
        assert "Em không hiểu cách quy đồng." in draft_question
        with pytest.raises(QuestionError, match="còn tên học sinh"):
            publish_faq(thread, user("gv.toan"), f"{name} hỏi bài 3", "Trả lời")
        with pytest.raises(QuestionError, match="Chỉ giáo viên"):
            publish_faq(thread, user("gv.tin"), "Bài 3 làm thế nào?", "Trả lời")
        assert _count(FaqEntry) == 0
    login("gv.toan")
    form = client.get(f"/questions/{question}/faq").text
    assert "Em không hiểu cách quy đồng." in form
    response = client.post(f"/questions/{question}/faq", data={
        "question": "Bài 3 trang 12 quy đồng thế nào?", "answer": "<p>Tìm mẫu số chung.</p>"})
    assert response.status_code == 302
    login("hs.6a1.02")
    faq = client.get(response.headers["Location"]).text
    assert "Bài 3 trang 12 quy đồng thế nào?" in faq and "Tìm mẫu số chung." in faq
    assert name not in faq
    login("hs.6a2.01")
    assert client.get(response.headers["Location"]).status_code == 403


def test_the_parent_reads_the_childs_questions_and_answers(app, demo, question):
    from lms.template_helpers import template_hook

    with app.test_request_context():
        thread = db.session.get(Thread, question)
        thread.messages.append(Message(author_id=demo["gv.toan"], body="<p>Xem lại bài 2.</p>"))
        thread.status = "answered"
        db.session.commit()
        html = str(template_hook("parent-child", child=user("hs.6a1.01"),
                                 parent=user("ph.6a1.01")))
        assert "Bài 3 trang 12 làm thế nào ạ?" in html and "Xem lại bài 2." in html
        assert "Đã trả lời" in html
        assert str(template_hook("parent-child", child=user("hs.6a1.01"),
                                 parent=user("ph.6a2.01"))) == ""


def test_the_teachers_home_shows_the_queue_with_the_waiting_time(app, client, login, demo):
    with app.app_context():
        old = ask_question(title="Câu hỏi cũ")
        old.waiting_since = old.created_at = utcnow() - timedelta(days=3, hours=4, minutes=1)
        ask_question(title="Câu hỏi mới")
        ask_question(subject_code="TIN", title="Câu hỏi Tin học")
        db.session.commit()
        old_id = old.id
    login("gv.toan")
    home = client.get("/").text
    assert "Câu hỏi của học sinh đang chờ (2)" in home
    assert home.index("Câu hỏi cũ") < home.index("Câu hỏi mới")
    assert "chờ 3 ngày 4 giờ" in home and "Câu hỏi Tin học" not in home
    login("tt.toan")  # head of Tổ Toán – Tin: Toán and Tin học of every class
    department = client.get("/questions/department").text
    assert "Câu hỏi cũ" in department and "Câu hỏi Tin học" in department
    login("gv.toan")
    client.post(f"/questions/{old_id}/answered")
    assert "Câu hỏi cũ" not in client.get("/questions/queue").text


def test_waiting_time_words():
    from datetime import datetime

    from plugins.questions.queue import waiting_text

    start = datetime(2026, 3, 1, 8, 0)
    assert waiting_text(start, start + timedelta(hours=2, minutes=15)) == "chờ 2 giờ 15 phút"
    assert waiting_text(start, start + timedelta(minutes=5)) == "chờ 5 phút"
    assert waiting_text(start, start + timedelta(days=1, hours=3)) == "chờ 1 ngày 3 giờ"
