"""E-mail: the parent's daily digest (per child, by kind, with the released grade and links),
its schedule, quiet hours for immediate mail, users without an address, and sending once."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Notification, ParentLink
from lms.models.base import utcnow
from plugins.notifications import creating
from plugins.notifications.models import Delivery, Preference
from tests.assignments.conftest import publish_task, submission_of

from .conftest import PLUGINS, local, run_sender, user

pytestmark = pytest.mark.plugins(*PLUGINS)


def _due_moments(app, username):
    with app.app_context():
        return sorted(db.session.scalars(sa.select(Delivery.due_at).where(
            Delivery.user_id == user(username).id, Delivery.channel == "email")))


def _family(app):
    """ph.6a1.01 follows hs.6a1.01 and, through a second link, hs.6a1.02; two tasks for 6A1 and
    the first child's work on "Phân số" returned with 8,5."""
    from plugins.assignments import grading

    with app.app_context():
        parent = user("ph.6a1.01")
        parent.email = "phuhuynh@example.vn"
        db.session.add(ParentLink(parent_id=parent.id, student_id=user("hs.6a1.02").id,
                                  status="active", created_via="school"))
        db.session.commit()
        first = publish_task(title="Phân số", due_at=utcnow() + timedelta(days=10))
        publish_task(title="Luyện tập hình học", due_at=utcnow() + timedelta(days=10))
        work = submission_of(first, "hs.6a1.01")
        grading.save_grade(work, expected_version=work.version, actor=user("gv.toan"),
                           score="8.5", comment="Làm tốt")
        grading.release([work], user("gv.toan"))
        db.session.commit()
        return {"children": [user("hs.6a1.01").full_name, user("hs.6a1.02").full_name],
                "student_ids": [user("hs.6a1.01").id, user("hs.6a1.02").id]}


def test_parent_daily_digest_per_child_at_18_and_sent_once(app, demo, mail):
    family = _family(app)
    run_sender(app, utcnow())  # queues the deliveries; a digest is not due before 18:00
    assert mail.to("phuhuynh@example.vn") == []
    moments = _due_moments(app, "ph.6a1.01")
    assert len(set(moments)) == 1  # one digest for all of it
    digest_at = moments[0]
    with app.app_context():
        from plugins.notifications import timing

        local_moment = timing.to_local(digest_at)
        assert local_moment.weekday() < 5 and (local_moment.hour, local_moment.minute) == (18, 0)
    run_sender(app, digest_at - timedelta(minutes=1))
    assert mail.to("phuhuynh@example.vn") == []

    summary = run_sender(app, digest_at)
    [message] = mail.to("phuhuynh@example.vn")
    assert summary.emails >= 1
    day = local_moment.strftime("%d/%m/%Y")
    assert message["Subject"] == f"[THCS Nguyễn Du] Tóm tắt ngày {day}: 4 bài tập mới, 1 bài đã trả"
    assert message["From"] == "THCS Nguyễn Du <lms@truong.vn>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    first, second = family["children"]
    # per child, the child's own section with its headings, in a fixed order
    assert text.index(f"Về con: {first}") < text.index(f"Về con: {second}") or \
        text.index(f"Về con: {second}") < text.index(f"Về con: {first}")
    part_of_first = text.split(f"Về con: {first}")[1].split("Về con:")[0]
    assert "Bài tập mới:" in part_of_first and "Bài đã trả:" in part_of_first
    assert "Phân số" in part_of_first and "Luyện tập hình học" in part_of_first
    assert "(Điểm: 8,5)" in part_of_first  # the family's own grade, in the family's mail
    part_of_second = text.split(f"Về con: {second}")[1].split("Về con:")[0]
    assert "Bài đã trả" not in part_of_second and "Điểm" not in part_of_second
    assert f"https://lms.truong.vn/assignments/children/{family['student_ids'][0]}" in text
    assert "Điểm: 8,5" in html and f"Về con: {first}" in html
    assert "https://lms.truong.vn/notifications/settings" in text

    run_sender(app, digest_at)
    run_sender(app, digest_at + timedelta(days=1))
    assert len(mail.to("phuhuynh@example.vn")) == 1  # nothing is sent twice
    with app.app_context():
        statuses = set(db.session.scalars(sa.select(Delivery.status).where(
            Delivery.user_id == user("ph.6a1.01").id)))
        skipped = db.session.scalars(sa.select(Delivery.error).where(
            Delivery.user_id == user("hs.6a1.01").id, Delivery.channel == "email")).all()
    assert statuses == {"sent"}
    # the student has no e-mail address: skipped, with the reason, once the digest is due
    assert skipped and set(skipped) == {"no e-mail address"}


def test_immediate_mail_is_held_in_quiet_hours_until_06(app, demo, mail):
    with app.app_context():
        teacher = user("gv.toan")
        teacher.email = "gv.toan@example.vn"
        creating.add([teacher.id], "question.asked", "Câu hỏi mới của Nguyễn Văn A: Bài 3",
                     "/questions/1", created_at=local("03/12/2026 22:30"))
        db.session.commit()
    run_sender(app, local("03/12/2026 22:31"))
    run_sender(app, local("04/12/2026 05:59"))
    assert mail.to("gv.toan@example.vn") == []
    run_sender(app, local("04/12/2026 06:00"))
    [message] = mail.to("gv.toan@example.vn")
    assert "1 câu hỏi mới" in message["Subject"]
    assert "Câu hỏi mới của học sinh" in message.get_body(("plain",)).get_content()


def test_mail_off_and_weekly(app, demo, mail):
    with app.app_context():
        teacher, head = user("gv.toan"), user("tt.toan")
        teacher.email, head.email = "gv.toan@example.vn", "tt.toan@example.vn"
        db.session.add_all([Preference(user_id=teacher.id, email_mode="off"),
                            Preference(user_id=head.id, email_mode="weekly")])
        creating.add([teacher.id, head.id], "report.monthly", "Báo cáo tháng đã sẵn sàng.", None,
                     created_at=local("30/11/2026 09:00"))
        db.session.commit()
    run_sender(app, local("30/11/2026 09:01"))
    run_sender(app, local("03/12/2026 18:00"))
    assert mail.messages == []
    run_sender(app, local("04/12/2026 18:00"))
    assert [m["To"] for m in mail.messages] == ["tt.toan@example.vn"]
    assert "1 thông báo khác" in mail.messages[0]["Subject"]


def test_unreachable_relay_fails_loudly_and_keeps_mail_for_the_next_run(app, demo, runner,
                                                                         smtp_port):
    from lms.plugins import registry

    registry(app).plugins["notifications"].settings.update(
        {"smtp_host": "127.0.0.1", "smtp_port": smtp_port})  # nothing listens there
    with app.app_context():
        teacher = user("gv.toan")
        teacher.email = "gv.toan@example.vn"
        creating.add([teacher.id], "question.asked", "Câu hỏi mới", "/questions/1")
        db.session.commit()
    result = runner.invoke(args=["lms", "send-notifications"])
    assert result.exit_code != 0
    assert "Không kết nối được máy chủ thư" in result.output
    with app.app_context():
        rows = db.session.scalars(sa.select(Delivery).where(
            Delivery.user_id == user("gv.toan").id)).all()
        assert [(r.status, r.claimed_by, r.sent_at) for r in rows] == [("pending", None, None)]
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) >= 1


def test_command_sends_and_prints_a_summary(app, demo, runner, mail):
    with app.app_context():
        teacher = user("gv.toan")
        teacher.email = "gv.toan@example.vn"
        creating.add([teacher.id], "question.asked", "Câu hỏi mới", "/questions/1",
                     created_at=utcnow() - timedelta(days=1))
        db.session.commit()
    first = runner.invoke(args=["lms", "send-notifications"])
    second = runner.invoke(args=["lms", "send-notifications"])
    assert first.exit_code == 0, first.output
    assert "Đã gửi 1 email, 0 thông báo đẩy" in first.output
    assert "Đã gửi 0 email, 0 thông báo đẩy" in second.output
    assert len(mail.to("gv.toan@example.vn")) == 1


def test_staff_digest_has_no_child_sections_and_escapes_html(app, demo, mail):
    with app.app_context():
        teacher = user("gv.toan")
        teacher.email = "gv.toan@example.vn"
        creating.add([teacher.id], "question.asked",
                     "Câu hỏi mới của Lê <b>Văn</b> An (lớp 6A1): <script>x</script>",
                     "/questions/7", student_id=None, created_at=local("03/12/2026 10:00"))
        creating.add([teacher.id], "parent_link.requested", "Phụ huynh Trần Thị B xin liên kết",
                     "/parents/classes/1", created_at=local("03/12/2026 10:00"))
        db.session.commit()
    run_sender(app, local("03/12/2026 10:05"))
    [message] = mail.to("gv.toan@example.vn")
    assert message["Subject"] == ("[THCS Nguyễn Du] Tóm tắt ngày 03/12/2026: 1 câu hỏi mới, "
                                  "1 yêu cầu liên kết")
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>x</script>" in text  # plain text is shown as it is
    assert "Về con" not in text
    assert text.index("Câu hỏi mới của học sinh") < text.index("Yêu cầu liên kết của phụ huynh")
    assert "https://lms.truong.vn/questions/7" in html
