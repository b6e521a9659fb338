"""Parents take part in their children's learning (001 criterion 1.3), end to end in Chromium on
a 360 px phone, through the real forms only:

1. a parent links to their child with the code printed by the homeroom teacher, and sees the
   child's missing assignment;
2. the teacher grades and returns it (Trả bài): the parent sees the grade and the comment;
3. the student asks a question with a photo of the exercise, the teacher answers it from the
   queue, and the student and the parent read the answer;
4. the email digest (`flask lms send-notifications`) reaches the local SMTP server, in readable
   Vietnamese naming the child's work;
5. the principal's criteria dashboard counts the question and the linked parent.
"""
from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from lms.config import DEFAULT_PLUGINS
from lms.extensions import db

from .conftest import DESKTOP, PHONE
from .test_assignment_flow import desk_row, page_width, phone_photo

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is missing")
expect = sync_api.expect


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: the local SMTP server's port, fixed when the module loads because the app's settings need it
SMTP_PORT = _free_port()
PLUGINS = tuple(dict.fromkeys(
    (*DEFAULT_PLUGINS, "assignments", "questions", "parents", "notifications", "criteria")))

pytestmark = [
    pytest.mark.plugins(*PLUGINS),
    pytest.mark.app_config({"LMS_PLUGIN_SETTINGS": {"notifications": {
        "smtp_host": "127.0.0.1", "smtp_port": SMTP_PORT,
        "mail_from": "Trường THCS Demo <no-reply@thcs-demo.edu.vn>",
        "base_url": "https://lms.thcs-demo.edu.vn"}}}),
]

TEACHER = "gv.toan"  # homeroom teacher of 6A1, teaches it Toán
STUDENT = "hs.6a1.01"
CHILD = "Nguyễn Hoàng Nam"  # hs.6a1.01 in the demo school
PARENT = "me.nam"  # the account the parent makes with the code
PARENT_NAME = "Trần Thị Thu"
PARENT_EMAIL = "me.nam@example.vn"
TASK = "Bài tập trang 52: so sánh phân số"
COMMENT = "Em nộp bù vào vở, cô đã chấm: cần quy đồng mẫu trước khi so sánh."
PARENT_PASSWORD = "Thu.2026-me-Nam"
QUESTION = "Em chưa hiểu bài 3 trang 52"
ANSWER = "Em quy đồng mẫu số hai phân số rồi so sánh tử số nhé."


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.messages.append((envelope.rcpt_tos,
                              message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox():
    """A real SMTP server on 127.0.0.1:SMTP_PORT for the test's duration."""
    controller_module = pytest.importorskip("aiosmtpd.controller",
                                            reason="aiosmtpd is missing: install the dev extra")
    inbox = Inbox()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


# Setup (the flow itself goes through the browser) ------------------------------------------------
def missing_task(app) -> int:
    """A Toán task gv.toan gave 6A1 a week ago, due three days ago, that the child never handed
    in: what a parent must see as missing. Made through the assignments service, since the
    Giao bài form (tested in test_assignment_flow) takes only due dates still to come."""
    from lms.models import SchoolClass, Subject, User
    from lms.models.base import utcnow
    from plugins.assignments import publishing

    with app.app_context():
        teacher = db.session.scalar(sa.select(User).where(User.username == TEACHER))
        class_id = db.session.scalar(sa.select(SchoolClass.id).where(SchoolClass.name == "6A1"))
        subject_id = db.session.scalar(sa.select(Subject.id).where(Subject.code == "TOAN"))
        now = utcnow()
        assignment = publishing.publish(
            teacher=teacher, title=TASK, instructions="Làm bài 1–4 vào vở.", kind="task",
            subject_id=subject_id, recipients=[publishing.RecipientSpec(class_id=class_id)],
            opens_at=now - timedelta(days=7), due_at=now - timedelta(days=3))
        db.session.commit()
        return assignment.id


def unlink_demo_parent(app) -> None:
    """The demo school links every child to a parent; this child starts without one, so the
    homeroom teacher's "codes for every student without a linked parent" covers them."""
    from lms.models import ParentLink, User

    with app.app_context():
        child_id = db.session.scalar(sa.select(User.id).where(User.username == STUDENT))
        db.session.execute(sa.delete(ParentLink).where(ParentLink.student_id == child_id))
        db.session.commit()


def next_digest_moment(app):
    """The first weekday 18:00 (school time) from now, as naive UTC: when today's digest of
    everything that happened in the test leaves."""
    from lms.models.base import utcnow
    from plugins.notifications import timing

    with app.app_context():
        return timing.next_daily_digest(utcnow())


def open_menu_link(page, name: str) -> None:
    """On a phone the main navigation hides behind ☰."""
    page.goto("/")
    if page.viewport_size["width"] <= PHONE["width"]:
        page.locator("label.nav-toggle-label").click()
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name=name, exact=True).click()


def print_linking_slip(teacher) -> str:
    """The homeroom teacher makes codes for 6A1's students without a linked parent and opens
    the printable slips; the child's slip's address (the one its QR code holds)."""
    open_menu_link(teacher, "Phụ huynh lớp chủ nhiệm")  # the one class they lead opens at once
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Phụ huynh lớp 6A1")
    with teacher.expect_navigation():
        teacher.get_by_role(
            "button", name="Tạo mã cho mọi học sinh chưa có phụ huynh liên kết").click()
    expect(teacher.locator(f'tr[data-student="{STUDENT}"] code.link-code')).to_be_visible()
    teacher.get_by_role("link", name="In phiếu mã liên kết").click()
    slip = teacher.locator("article.code-slip", has_text=f"Học sinh: {CHILD}")
    expect(slip).to_have_count(1)
    address = slip.locator(".slip-url").inner_text().split(":", 1)[1].strip()
    code = slip.locator(".link-code").inner_text().strip()
    assert code and code in address, (code, address)
    return address


def register_with_slip(page, address: str) -> None:
    """The parent scans the slip on a phone: the registration form opens with the code filled
    in; they make an account with their email and consent, and land on their home."""
    page.goto(address)
    form = page.locator("main form")
    expect(form.get_by_label("Mã liên kết (in trên phiếu của nhà trường)")).not_to_have_value("")
    form.get_by_label("Họ và tên", exact=True).fill(PARENT_NAME)
    form.get_by_label("Số điện thoại hoặc email").fill(PARENT_EMAIL)
    form.get_by_label("Quan hệ với học sinh").fill("Mẹ")
    form.get_by_label("Tên đăng nhập", exact=True).fill(PARENT)
    form.get_by_label("Mật khẩu", exact=True).fill(PARENT_PASSWORD)
    form.get_by_label("Nhập lại mật khẩu").fill(PARENT_PASSWORD)
    assert page_width(page) <= PHONE["width"], "the registration form scrolls sideways"
    form.get_by_label("Tôi đồng ý").check()
    with page.expect_navigation():
        form.get_by_role("button", name="Đăng ký và liên kết").click()
    expect(page.locator(".flash").first).to_contain_text("Đã tạo tài khoản và liên kết với con.")


# The flow -------------------------------------------------------------------------------------
def test_a_parent_follows_work_questions_and_gets_the_digest(
        app, live_server, open_page, login_as, screenshot, smtp_inbox, runner, monkeypatch,
        tmp_path):
    assignment_id = missing_task(app)
    unlink_demo_parent(app)

    # 1. The homeroom teacher prints the class's linking codes; the parent types theirs.
    teacher = login_as(open_page(DESKTOP), TEACHER)
    address = print_linking_slip(teacher)
    screenshot(teacher, "parents-linking-slips")
    parent = open_page(PHONE)
    register_with_slip(parent, address)
    expect(parent.locator("main")).to_contain_text(CHILD)
    work = parent.locator("main")
    expect(work).to_contain_text("Thiếu bài")
    expect(work).to_contain_text(TASK)
    assert page_width(parent) <= PHONE["width"], "the parent's home scrolls sideways on a phone"
    screenshot(parent, "parents-home-missing-360")

    # 2. The teacher grades the missing work (done on paper, late) and returns it.
    teacher.goto(f"/assignments/{assignment_id}/desk")
    row = desk_row(teacher, STUDENT)
    row.get_by_label("Điểm (0–10)").fill("6,5")
    row.get_by_label("Nhận xét", exact=True).fill(COMMENT)
    with teacher.expect_navigation():
        row.get_by_role("button", name="Lưu điểm").click()
    row = desk_row(teacher, STUDENT)
    expect(row.get_by_label("Điểm (0–10)")).to_have_value("6,5")
    with teacher.expect_navigation():
        row.get_by_role("button", name="Trả bài").click()
    expect(teacher.locator(".flash").first).to_contain_text("Đã trả bài cho 1 học sinh")

    parent.goto("/")
    expect(parent.locator("main")).to_contain_text("Bài đã trả")
    expect(parent.locator("main")).to_contain_text("6,5")
    expect(parent.locator("main")).to_contain_text(COMMENT)
    assert page_width(parent) <= PHONE["width"]
    screenshot(parent, "parents-home-returned-360")

    # 3. The student asks a question with a photo of the exercise, on a phone.
    student = login_as(open_page(PHONE), STUDENT)
    open_menu_link(student, "Hỏi thầy cô")
    ask = student.locator("#ask form")
    ask.get_by_label("Môn", exact=True).select_option(label="Toán")
    ask.get_by_label("Tiêu đề", exact=True).fill(QUESTION)
    ask.get_by_label("Câu hỏi", exact=True).fill("Em không biết bắt đầu từ đâu ạ.")
    ask.get_by_label("Ảnh hoặc tệp PDF").set_input_files(
        str(phone_photo(tmp_path / "IMG_20261203_2010.jpg")))
    with student.expect_navigation():
        ask.get_by_role("button", name="Gửi câu hỏi").click()
    expect(student.locator(".flash").first).to_contain_text("Đã gửi câu hỏi cho thầy cô.")
    photo = student.locator(".question-message img")
    expect(photo).to_have_count(1)
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("img => img.naturalWidth") == 2000  # downscaled by the server
    assert page_width(student) <= PHONE["width"], "the photo widens the phone page"
    screenshot(student, "questions-asked-360")

    # …the teacher answers from the queue…
    open_menu_link(teacher, "Câu hỏi của học sinh")
    teacher.get_by_role("link", name=QUESTION).click()
    expect(teacher.locator(".question-message img")).to_have_count(1)
    teacher.get_by_label("Nội dung", exact=True).fill(ANSWER)
    with teacher.expect_navigation():
        teacher.get_by_role("button", name="Gửi câu trả lời").click()
    expect(teacher.locator(".flash").first).to_contain_text("Đã gửi câu trả lời.")
    open_menu_link(teacher, "Câu hỏi của học sinh")
    expect(teacher.locator("main")).not_to_contain_text(QUESTION)

    # …and the student and the parent read the answer.
    student.reload()
    expect(student.locator(".question-message.answer")).to_contain_text(ANSWER)
    screenshot(student, "questions-answered-360")
    parent.goto("/")
    expect(parent.locator(".questions-child")).to_contain_text(QUESTION)
    expect(parent.locator(".questions-child")).to_contain_text(ANSWER)
    assert page_width(parent) <= PHONE["width"]
    screenshot(parent, "parents-home-answer-360")

    # 4. The day's digest leaves at 18:00 (Monday to Friday, school time): the command runs as
    #    the school's scheduler would then, with its clock set to that moment.
    digest_at = next_digest_moment(app)
    monkeypatch.setattr("plugins.notifications.sender.utcnow", lambda: digest_at)
    result = runner.invoke(args=["lms", "send-notifications"])
    assert result.exit_code == 0, result.output
    mails = [mail for recipients, mail in smtp_inbox.messages if PARENT_EMAIL in recipients]
    assert len(mails) == 1, [mail["Subject"] for _to, mail in smtp_inbox.messages]
    mail = mails[0]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert f"Kính gửi {PARENT_NAME}," in text, text
    assert f"Về con: {CHILD}" in text, text
    for part in (text, html):
        assert TASK in part and "6,5" in part and QUESTION in part, part
    assert "Trường THCS" in mail["From"], mail["From"]
    subject = mail["Subject"]
    assert "Tóm tắt ngày" in subject and "1 bài đã trả" in subject, subject
    assert "1 câu hỏi đã được trả lời" in subject, subject
    # a second run at the same moment finds nothing more to send
    assert runner.invoke(args=["lms", "send-notifications"]).exit_code == 0
    assert len([1 for recipients, _mail in smtp_inbox.messages
                if PARENT_EMAIL in recipients]) == 1

    # 5. The principal's criteria dashboard, on a phone, counts the answer and the link.
    board = login_as(open_page(PHONE), "hieutruong")
    open_menu_link(board, "Tiêu chí chuyển đổi số")
    expect(board.get_by_role("heading", level=1)).to_have_text("Tiêu chí chuyển đổi số")
    # gv.toan this school year: the task given, its grade returned, one question, answered
    trang = board.locator("#criteria-teachers tr", has_text="Phạm Thu Trang").locator("td")
    assert trang.all_inner_texts()[:6] == ["Phạm Thu Trang", "Tổ Toán – Tin", "1", "1", "1",
                                           "1"], trang.all_inner_texts()
    # 6A1: the four demo families and the parent who registered with the slip
    assert board.locator("#criteria-classes tr", has_text="6A1").locator(
        "td").all_inner_texts() == ["6A1", "Phạm Thu Trang", "5", "5", "100,0%"]
    assert page_width(board) <= PHONE["width"], "the dashboard scrolls sideways on a phone"
    screenshot(board, "criteria-dashboard-360")
    for page in (teacher, parent, student, board):
        page.context.close()
