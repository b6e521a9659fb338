"""Who reads a thread: the student, their active parents, the teachers of that class and
subject, the subject's department heads and the board. Other students, another class's or
another subject's teachers, and a parent whose link is not active: 403."""
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import ParentLink, ParentLinkStatus

from .conftest import user

READERS = ["hs.6a1.01", "ph.6a1.01", "gv.toan", "tt.toan", "tp.toan", "hieutruong",
           "phohieutruong"]
#: hs.6a1.02 (same class, another student), hs.6a2.01 (another class), gv.tin (Tin học in
#: 6A1: another subject), gv.van (6A1's Ngữ văn), tt.van (another department's head), the
#: parent of another child, and Tổ CNTT
REFUSED = ["hs.6a1.02", "hs.6a2.01", "gv.tin", "gv.van", "tt.van", "ph.6a2.01", "admin"]


@pytest.mark.parametrize("username", READERS)
def test_those_entitled_read_the_thread(client, login, question, username):
    login(username)
    response = client.get(f"/questions/{question}")
    assert response.status_code == 200
    assert "Bài 3 trang 12 làm thế nào ạ?" in response.text


@pytest.mark.parametrize("username", REFUSED)
def test_another_student_or_teacher_cannot_read_a_thread(client, login, question, username):
    login(username)
    assert client.get(f"/questions/{question}").status_code == 403
    assert client.post(f"/questions/{question}/reply",
                       data={"body": "Xem trộm"}).status_code == 403


def test_a_parent_whose_link_is_not_active_is_refused(app, client, login, question):
    with app.app_context():
        link = db.session.scalar(sa.select(ParentLink).where(
            ParentLink.parent_id == user("ph.6a1.01").id,
            ParentLink.student_id == user("hs.6a1.01").id))
        link.status = ParentLinkStatus.REVOKED.value
        db.session.commit()
    login("ph.6a1.01")
    assert client.get(f"/questions/{question}").status_code == 403


@pytest.mark.parametrize("username", ["ph.6a1.01", "tt.toan", "hieutruong"])
def test_parents_heads_and_the_board_read_only(client, login, question, username):
    login(username)
    page = client.get(f"/questions/{question}").text
    assert "Gửi câu trả lời" not in page
    assert client.post(f"/questions/{question}/reply",
                       data={"body": "Trả lời hộ"}).status_code == 403
    assert client.post(f"/questions/{question}/answered").status_code == 403


def test_attachments_follow_the_thread(app, client, login, demo):
    from .conftest import ask_question, pdf_upload

    with app.app_context():
        thread = ask_question(uploads=[pdf_upload()])
        attachment_id = thread.messages[0].attachments[0].id
    login("hs.6a1.01")
    response = client.get(f"/questions/files/{attachment_id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "no-cache" in response.headers["Cache-Control"]
    response.close()
    login("hs.6a1.02")
    assert client.get(f"/questions/files/{attachment_id}").status_code == 403
    login("gv.tin")
    assert client.get(f"/questions/files/{attachment_id}").status_code == 403
