"""The grading desk: students in given-name order with their status, grades with the stale
check, Trả bài, reminders, extensions and the all-or-nothing per-student actions; heads and
the board read it only; a fixed number of queries whatever the class size."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from lms.extensions import db
from lms.models import Notification
from lms.models.base import utcnow
from plugins.assignments import grading, handin, schedule, workflow
from plugins.assignments.models import Assignment, DateOverride, Submission

from .conftest import publish_task, submission_of, user
from .view_samples import count_queries, enroll_students, pdf_upload


def _submission(app, assignment_id, username) -> Submission:
    with app.app_context():
        submission = submission_of(db.session.get(Assignment, assignment_id), username)
        db.session.expunge(submission)
        return submission


def _turn_in(app, assignment_id, *usernames, text="Bài làm"):
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        for username in usernames:
            submission = submission_of(assignment, username)
            handin.save_text(submission, text, user(username))
            workflow.turn_in(submission, user(username))
        db.session.commit()


def test_students_in_given_name_order_with_status_and_their_work(app, client, demo, login, task):
    assignment_id = task()
    _turn_in(app, assignment_id, "hs.6a1.01", text="<p>Đáp số: 3/4</p>")
    login("gv.toan")
    page = client.get(f"/assignments/{assignment_id}/desk").get_data(as_text=True)
    names = re.findall(r'data-student="(hs\.6a1\.\d+)"', page)
    # Bảo Anh, Gia Huy, Minh Khôi, Hoàng Nam, Thảo Vy: by given name, the Vietnamese way
    assert names == ["hs.6a1.02", "hs.6a1.03", "hs.6a1.04", "hs.6a1.01", "hs.6a1.05"]
    assert 'data-student="hs.6a1.01" data-status="turned_in"' in page
    assert "Đáp số: 3/4" in page
    assert page.count('class="grade-form"') == 5

    filtered = client.get(f"/assignments/{assignment_id}/desk?status=turned_in")
    assert re.findall(r'data-student="(hs\.6a1\.\d+)"', filtered.get_data(as_text=True)) \
        == ["hs.6a1.01"]


def test_a_grade_with_a_decimal_comma_and_a_comment_saved_to_the_bank(
        app, client, demo, login, task):
    assignment_id = task()
    _turn_in(app, assignment_id, "hs.6a1.01")
    submission = _submission(app, assignment_id, "hs.6a1.01")
    login("gv.toan")
    response = client.post(
        f"/assignments/{assignment_id}/desk/{submission.id}/grade",
        data={"score": "8,5", "comment": "Trình bày rõ ràng.", "remember": "y",
              "version": str(submission.version)})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(Submission, submission.id)
        assert (saved.score, saved.comment, saved.released_score) == (
            Decimal("8.5"), "Trình bày rõ ràng.", None)
        assert [e.text for e in grading.comment_bank(user("gv.toan"))] == ["Trình bày rõ ràng."]
    page = client.get(f"/assignments/{assignment_id}/desk").get_data(as_text=True)
    assert 'value="8,5"' in page
    assert '<option value="Trình bày rõ ràng.">' in page

    response = client.post(f"/assignments/{assignment_id}/desk/{submission.id}/grade",
                           data={"score": "10,25", "version": str(saved.version)})
    assert response.status_code == 400
    assert "một chữ số thập phân" in response.get_data(as_text=True)


def test_a_stale_grade_is_refused_and_the_typed_value_kept(app, client, demo, login, task):
    assignment_id = task()
    submission = _submission(app, assignment_id, "hs.6a1.01")
    read_version = submission.version
    login("gv.toan")
    first = client.post(f"/assignments/{assignment_id}/desk/{submission.id}/grade",
                        data={"score": "7", "version": str(read_version)})
    assert first.status_code == 302
    # a second tab still holds the version read before the first save
    second = client.post(f"/assignments/{assignment_id}/desk/{submission.id}/grade",
                         data={"score": "9", "comment": "Giỏi", "version": str(read_version)})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "vừa được người khác lưu" in page
    assert f'id="score-{submission.id}" name="score" inputmode="decimal" autocomplete="off" ' \
           f'value="9"' in page
    with app.app_context():
        assert db.session.get(Submission, submission.id).score == Decimal(7)


def test_release_says_how_many_were_returned_and_skipped(app, client, demo, login, task):
    assignment_id = task()
    graded = _submission(app, assignment_id, "hs.6a1.01")
    ungraded = _submission(app, assignment_id, "hs.6a1.02")
    login("gv.toan")
    client.post(f"/assignments/{assignment_id}/desk/{graded.id}/grade",
                data={"score": "9", "comment": "Tốt", "version": str(graded.version)})
    response = client.post(f"/assignments/{assignment_id}/desk/actions", follow_redirects=True,
                           data={"action": "release",
                                 "submission_ids": [str(graded.id), str(ungraded.id)]})
    page = response.get_data(as_text=True)
    assert "Đã trả bài cho 1 học sinh. Bỏ qua 1 bài chưa chấm." in page
    with app.app_context():
        assert db.session.get(Submission, graded.id).released_score == Decimal(9)
        assert db.session.get(Submission, ungraded.id).released_at is None


def test_remind_notifies_only_those_who_have_not_handed_in(app, client, demo, login, task):
    assignment_id = task()
    _turn_in(app, assignment_id, "hs.6a1.01")
    with app.app_context():
        ids = [s.id for s in db.session.scalars(
            sa.select(Submission).where(Submission.assignment_id == assignment_id))]
    login("gv.toan")
    response = client.post(f"/assignments/{assignment_id}/desk/actions", follow_redirects=True,
                           data={"action": "remind", "submission_ids": [str(i) for i in ids]})
    assert "Đã nhắc 4 học sinh chưa nộp bài. Bỏ qua 1 học sinh đã nộp hoặc được miễn." \
        in response.get_data(as_text=True)
    with app.app_context():
        # (the notifications plugin also announced the new work: only the reminders count here)
        notes = list(db.session.scalars(sa.select(Notification).where(
            Notification.kind == "assignment.reminder")))
        assert len(notes) == 4
        assert user("hs.6a1.01").id not in {n.user_id for n in notes}
        assert notes[0].link == f"/assignments/{assignment_id}/work"


def test_extend_reads_school_time_and_a_bad_date_changes_nothing(app, client, demo, login, task):
    assignment_id = task()
    submission = _submission(app, assignment_id, "hs.6a1.03")
    login("gv.toan")
    response = client.post(f"/assignments/{assignment_id}/desk/actions", data={
        "action": "extend", "submission_ids": [str(submission.id)], "due_at": "32/13/2026"})
    assert response.status_code == 400
    assert "“32/13/2026” không đúng dạng" in response.get_data(as_text=True)
    with app.app_context():
        new_due = schedule.format_local(utcnow() + timedelta(days=10))[:10]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DateOverride)) == 0
    response = client.post(f"/assignments/{assignment_id}/desk/actions", data={
        "action": "extend", "submission_ids": [str(submission.id)], "due_at": new_due,
        "reason": "Ốm"})
    assert response.status_code == 302
    with app.app_context():
        override = db.session.scalar(sa.select(DateOverride))
        assert schedule.format_local(override.due_at) == f"{new_due} 23:59"
    page = client.get(f"/assignments/{assignment_id}/desk").get_data(as_text=True)
    card = page[page.index('data-student="hs.6a1.03"'):]
    assert "Được gia hạn" in card[:card.index("</li>")]


def test_a_refused_action_on_one_student_changes_nobody(app, client, demo, login, task):
    assignment_id = task()
    _turn_in(app, assignment_id, "hs.6a1.01")
    handed = _submission(app, assignment_id, "hs.6a1.01")
    waiting = _submission(app, assignment_id, "hs.6a1.02")
    login("gv.toan")
    response = client.post(f"/assignments/{assignment_id}/desk/actions", follow_redirects=True,
                           data={"action": "reopen",
                                 "submission_ids": [str(handed.id), str(waiting.id)]})
    assert "Trần Ngọc Bảo Anh: Chỉ mở lại được bài đã nộp hoặc đã trả." \
        in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Submission, handed.id).state == "turned_in"

    response = client.post(f"/assignments/{assignment_id}/desk/actions", follow_redirects=True,
                           data={"action": "excuse", "submission_ids": [str(waiting.id)]})
    assert "Đã cập nhật 1 học sinh." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Submission, waiting.id).excused is True


def test_heads_and_the_board_read_the_desk_without_any_form(app, client, demo, login, task):
    assignment_id = task()
    submission = _submission(app, assignment_id, "hs.6a1.01")
    for reader in ("tt.toan", "hieutruong"):
        login(reader)
        page = client.get(f"/assignments/{assignment_id}/desk").get_data(as_text=True)
        assert 'id="read-only"' in page and "<form method=\"post\" action=\"/assignments" \
            not in page and 'class="grade-form"' not in page
        assert client.post(f"/assignments/{assignment_id}/desk/{submission.id}/grade",
                           data={"score": "5", "version": "1"}).status_code == 403
        assert client.post(f"/assignments/{assignment_id}/desk/actions",
                           data={"action": "excuse", "submission_ids": [str(submission.id)]}
                           ).status_code == 403
    for outsider in ("gv.tin", "tt.van", "admin"):
        login(outsider)
        assert client.get(f"/assignments/{assignment_id}/desk").status_code == 403


def _desk_queries(app, client, assignment_id) -> int:
    client.get(f"/assignments/{assignment_id}/desk")  # warm up: first-request work
    with count_queries(app) as statements:
        response = client.get(f"/assignments/{assignment_id}/desk")
    assert response.status_code == 200
    return len(statements)


def _with_work(app, assignment):
    """Every student hands in a file and text; half are graded (files, graders on the page)."""
    for number, submission in enumerate(db.session.scalars(
            sa.select(Submission).where(Submission.assignment_id == assignment.id))):
        student = db.session.get(type(user("gv.toan")), submission.student_id)
        handin.add_file(submission, pdf_upload(), student)
        handin.save_text(submission, "Bài làm", student)
        if number % 2:
            grading.save_grade(submission, expected_version=submission.version,
                               actor=user("gv.toan"), score="7", comment="Khá")
    db.session.commit()


def test_the_desk_runs_the_same_queries_for_4_or_40_students(app, client, demo, login):
    with app.app_context():
        small = publish_task(classes=("6A2",))
        _with_work(app, small)
        enroll_students("6A1", 35)
        large = publish_task(classes=("6A1",))
        _with_work(app, large)
        small_id, large_id = small.id, large.id
    login("gv.toan")
    small_count = _desk_queries(app, client, small_id)
    large_count = _desk_queries(app, client, large_id)
    assert large_count == small_count
    assert large_count <= 20


def test_a_lesson_shows_the_attempt_and_the_proposed_score(
        app, client, demo, login, approved_material):
    from lms.models import LearningAttempt, Material

    material_id = approved_material()
    with app.app_context():
        assignment = publish_task(kind="material", material_id=material_id)
        material = db.session.get(Material, material_id)
        attempt = LearningAttempt(user_id=user("hs.6a1.01").id, material_id=material_id,
                                  version_id=material.live_version_id, completion="completed",
                                  score_scaled=0.8, total_time_seconds=754)
        db.session.add(attempt)
        db.session.flush()
        submission = submission_of(assignment, "hs.6a1.01")
        submission.attempt_id = attempt.id
        submission.proposed_score = Decimal("8.25")
        db.session.commit()
        assignment_id = assignment.id
    login("gv.toan")
    page = client.get(f"/assignments/{assignment_id}/desk").get_data(as_text=True)
    card = page[page.index('data-student="hs.6a1.01"'):]
    card = card[:card.index("</li>")]
    assert "Lượt học: Hoàn thành · điểm 80% · thời gian 0:12:34" in card
    assert "Điểm đề xuất: 8,3" in card  # one decimal, half up, as the school writes it
    assert 'placeholder="8,3"' in card


def test_work_given_to_two_classes_is_filtered_per_class(app, client, demo, login, task):
    assignment_id = task(classes=("6A1", "6A2"))
    with app.app_context():
        from .conftest import school_class

        class_6a2 = school_class("6A2").id
    login("gv.toan")
    page = client.get(f"/assignments/{assignment_id}/desk").get_data(as_text=True)
    assert len(re.findall(r'data-student="hs\.6a[12]\.\d+"', page)) == 9
    page = client.get(f"/assignments/{assignment_id}/desk?class_id={class_6a2}").get_data(
        as_text=True)
    assert set(re.findall(r'data-student="(hs\.6a\d)\.\d+"', page)) == {"hs.6a2"}
    assert 'aria-current="true">6A2</a>' in page


def test_pass_fail_work_is_graded_dat_or_chua_dat(app, client, demo, login, task):
    assignment_id = task(grading_scale="pass_fail")
    submission = _submission(app, assignment_id, "hs.6a1.04")
    login("gv.toan")
    page = client.get(f"/assignments/{assignment_id}/desk").get_data(as_text=True)
    assert f'id="passed-{submission.id}"' in page and f'id="score-{submission.id}"' not in page
    response = client.post(f"/assignments/{assignment_id}/desk/{submission.id}/grade",
                           data={"passed": "1", "version": str(submission.version)})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(Submission, submission.id)
        assert (saved.passed, saved.score) == (True, None)
    response = client.post(f"/assignments/{assignment_id}/desk/{submission.id}/grade",
                           data={"passed": "0", "version": str(saved.version)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Submission, submission.id).passed is False
    page = client.get(f"/assignments/{assignment_id}/desk").get_data(as_text=True)
    assert '<option value="0" selected>Chưa đạt</option>' in page
