"""Events become notifications for the right people: new work (students and their active
parents), returned work, a question (the class's subject teachers), an answer (the student and
parents), a parent's link request (the homeroom teacher); reminders due tomorrow and missing are
created once per submission, however often the sender runs."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Notification, ParentLink
from lms.models.base import utcnow
from plugins.notifications import assignment_events, timing
from tests.assignments.conftest import publish_task, submission_of
from tests.questions.conftest import subject_key

from .conftest import PLUGINS, run_sender, user

pytestmark = pytest.mark.plugins(*PLUGINS)


def inbox(app, username, kind=None) -> list[Notification]:
    with app.app_context():
        query = sa.select(Notification).where(Notification.user_id == user(username).id)
        if kind:
            query = query.where(Notification.kind == kind)
        rows = db.session.scalars(query.order_by(Notification.id)).all()
        db.session.expunge_all()
        return rows


def test_new_work_reaches_students_and_active_parents_only(app, demo):
    with app.app_context():
        pending_parent = user("ph.6a1.02")
        # ph.6a1.02's link to hs.6a1.02 is revoked: they hear nothing of the child any more
        db.session.execute(sa.update(ParentLink).where(ParentLink.parent_id == pending_parent.id)
                           .values(status="revoked"))
        db.session.commit()
        task = publish_task(title="Phân số", classes=("6A1",))
        task_id, student_id = task.id, user("hs.6a1.01").id
    [mine] = inbox(app, "hs.6a1.01", "assignment.published")
    assert mine.message.startswith("Bài tập mới: Phân số (hạn ")
    assert mine.link == f"/assignments/{task_id}/work"
    [parents] = inbox(app, "ph.6a1.01", "assignment.published")
    assert "có bài tập mới: Phân số" in parents.message
    assert parents.link == f"/assignments/children/{student_id}"
    assert inbox(app, "ph.6a1.02") == []
    assert inbox(app, "hs.6a2.01") == [] and inbox(app, "gv.toan") == []
    run_sender(app, utcnow())
    assert len(inbox(app, "hs.6a1.01", "assignment.published")) == 1  # not announced again


def test_work_opening_later_is_announced_when_it_opens(app, demo):
    with app.app_context():
        publish_task(title="Ôn tập", opens_at=utcnow() + timedelta(hours=2),
                     due_at=utcnow() + timedelta(days=5))
    assert inbox(app, "hs.6a1.01") == []
    run_sender(app, utcnow() + timedelta(hours=1))
    assert inbox(app, "hs.6a1.01") == []
    run_sender(app, utcnow() + timedelta(hours=3))
    run_sender(app, utcnow() + timedelta(hours=4))
    assert len(inbox(app, "hs.6a1.01", "assignment.published")) == 1


def test_returned_work_tells_student_and_parents_without_the_grade(app, demo):
    from plugins.assignments import grading

    with app.app_context():
        task = publish_task(title="Hình học")
        work = submission_of(task, "hs.6a1.01")
        grading.save_grade(work, expected_version=work.version, actor=user("gv.toan"),
                           score="9")
        grading.release([work], user("gv.toan"))
        db.session.commit()
    [mine] = inbox(app, "hs.6a1.01", "assignment.returned")
    [parents] = inbox(app, "ph.6a1.01", "assignment.returned")
    assert mine.message == "Bài “Hình học” đã được trả."
    assert "Hình học" in parents.message and "9" not in parents.message
    assert inbox(app, "hs.6a1.02", "assignment.returned") == []


def test_questions_reach_the_teachers_and_answers_the_family(app, demo, client, login):
    with app.app_context():
        key = subject_key("6A1", "TOAN")
    login("hs.6a1.01")
    response = client.post("/questions/ask", data={"subject": key, "title": "Bài 3 trang 12",
                                                   "body": "Em chưa hiểu."})
    assert response.status_code in (302, 303), response.status_code
    [asked] = inbox(app, "gv.toan", "question.asked")
    assert "Bài 3 trang 12" in asked.message and "6A1" in asked.message
    assert inbox(app, "gv.tin", "question.asked") == []
    assert inbox(app, "hs.6a1.01", "question.asked") == []  # not to the one who asked
    login("gv.toan")
    client.post(asked.link + "/reply", data={"body": "Em quy đồng mẫu số trước nhé."})
    [answered] = inbox(app, "hs.6a1.01", "question.answered")
    assert answered.message == "Thầy cô đã trả lời câu hỏi “Bài 3 trang 12”."
    assert answered.link == asked.link
    assert len(inbox(app, "ph.6a1.01", "question.answered")) == 1


def test_link_request_reaches_the_homeroom_teacher(app, demo):
    from plugins.parents import linking

    with app.app_context():
        child = user("hs.6a1.01")
        linking.request_link(user("ph.6a1.02"), child.external_code, child.birth_date, "Bố")
        db.session.commit()
    [request] = inbox(app, "gv.toan", "parent_link.requested")  # homeroom teacher of 6A1
    assert "xin liên kết với học sinh" in request.message and "6A1" in request.message
    assert request.link.startswith("/parents/classes/")
    assert inbox(app, "tt.toan", "parent_link.requested") == []


def _tomorrow_at(app, hour: int):
    with app.app_context():
        from datetime import datetime, time

        day = timing.local_date(utcnow()) + timedelta(days=1)
        return timing.to_utc(datetime.combine(day, time(hour, 0)))


def test_due_tomorrow_once_and_not_for_work_handed_in_excused_or_on_paper(app, demo):
    from plugins.assignments import workflow

    due = _tomorrow_at(app, 17)
    with app.app_context():
        task = publish_task(title="Bài về nhà", due_at=due)
        handed = submission_of(task, "hs.6a1.02")
        workflow.turn_in(handed, user("hs.6a1.02"))
        workflow.excuse(submission_of(task, "hs.6a1.03"), user("gv.toan"))
        submission_of(task, "hs.6a1.04").on_paper = True
        db.session.commit()
    for _ in range(3):
        run_sender(app, utcnow())
    [reminder] = inbox(app, "hs.6a1.01", "assignment.due_tomorrow")
    assert reminder.message.startswith("Sắp đến hạn ngày mai: Bài về nhà")
    assert len(inbox(app, "ph.6a1.01", "assignment.due_tomorrow")) == 1
    for username in ("hs.6a1.02", "hs.6a1.03", "hs.6a1.04"):
        assert inbox(app, username, "assignment.due_tomorrow") == [], username


def test_missing_once_when_the_due_date_passes(app, demo):
    with app.app_context():
        task = publish_task(title="Luyện tập", opens_at=utcnow() - timedelta(days=3),
                            due_at=utcnow() + timedelta(hours=1))
        offline = publish_task(title="Làm trên lớp", due_at=utcnow() + timedelta(hours=1),
                               offline=True)
        task_id, offline_id = task.id, offline.id
    run_sender(app, utcnow())
    assert inbox(app, "hs.6a1.01", "assignment.missing") == []
    run_sender(app, utcnow() + timedelta(hours=2))
    run_sender(app, utcnow() + timedelta(hours=3))
    [missing] = inbox(app, "hs.6a1.01", "assignment.missing")
    assert missing.message.startswith("Thiếu bài: Luyện tập")
    assert missing.link == f"/assignments/{task_id}/work"
    assert len(inbox(app, "ph.6a1.01", "assignment.missing")) == 1
    # work done in class (offline) is never missing: the one reminder above is the other task's
    assert all(f"/{offline_id}/" not in n.link
               for n in inbox(app, "hs.6a1.01", "assignment.missing"))


def test_reminders_run_a_bounded_number_of_queries(app, demo):
    from tests.assignments.conftest import count_queries

    due = _tomorrow_at(app, 17)
    with app.app_context():
        publish_task(title="Một", due_at=due)
    with count_queries(app) as few, app.app_context():
        assignment_events.remind_due_tomorrow(utcnow())
        db.session.rollback()
    with app.app_context():
        for number in range(6):
            publish_task(title=f"Bài {number}", due_at=due, classes=("6A1", "6A2"))
    with count_queries(app) as many, app.app_context():
        assignment_events.remind_due_tomorrow(utcnow())
        db.session.rollback()
    assert len(many) == len(few), (len(few), len(many))
