"""The player's reports: answers scored on the server, resume, de-duplicated resends,
prevent-skipping checked on the server, and the roll-up into LearningAttempt."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import LearningAttempt
from plugins.video.models import VideoAnswer

from .conftest import QUESTIONS, player_config, set_document


def _attempt(app):
    with app.app_context():
        attempt = db.session.scalar(sa.select(LearningAttempt))
        db.session.expunge(attempt)
        return attempt


@pytest.fixture
def student(client, login, lesson):
    login("hs.6a1.01")
    return player_config(client, lesson)


def answer(client, config, seq, question, response, ranges=((0, 6),)):
    return client.post(config["answerUrl"], json={
        "seq": seq, "question": question, "response": response, "session": config["session"],
        "ranges": [list(r) for r in ranges], "position": ranges[-1][1] if ranges else 0})


def test_answers_are_scored_on_the_server(app, client, student):
    assert "options" in student["questions"][1] and student["questions"][0]["id"] == "info1"
    wrong = answer(client, student, 1, "q1", {"option": "a"}).get_json()
    assert wrong["answer"]["correct"] is False
    assert wrong["answer"]["seek_back"] == 2  # required: sent back
    assert "Xem lại" in wrong["answer"]["feedback"]
    right = answer(client, student, 2, "q1", {"option": "b"}).get_json()
    assert right["answer"] == {"correct": True, "points": 2.0, "max_points": 2.0,
                               "feedback": "<p>Giỏi lắm</p>"}
    blank = answer(client, student, 3, "q2", {"blanks": ["  ha noi "]},
                   ranges=[(0, 11)]).get_json()
    assert blank["answer"]["correct"] is True  # alternatives, case and spaces ignored
    text = answer(client, student, 4, "q3", {"text": "Vì trời mưa"}, ranges=[(0, 13)]).get_json()
    assert text["answer"]["correct"] is None  # waits for the teacher
    bad = answer(client, student, 5, "q1", {"option": "z"})
    assert bad.status_code == 400 and "phương án" in bad.get_json()["message"]
    info = answer(client, student, 6, "info1", {})
    assert info.status_code == 400


def test_a_question_not_yet_reached_cannot_be_answered(app, client, student):
    response = answer(client, student, 1, "q2", {"blanks": ["Hà Nội"]}, ranges=[(0, 3)])
    assert response.status_code == 409 and "Chưa xem tới" in response.get_json()["message"]


def test_resent_answer_is_counted_once(app, client, student):
    first = answer(client, student, 1, "q1", {"option": "a"}).get_json()
    again = answer(client, student, 1, "q1", {"option": "a"}).get_json()  # after a drop
    assert again["answer"]["duplicate"] is True
    assert again["answer"]["correct"] == first["answer"]["correct"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(VideoAnswer.id))) == 1
    # the next page load continues the numbering, so new answers never collide
    assert player_config(client, _attempt(app).material_id)["nextSeq"] == 2


def test_required_question_blocks_watching_further(app, client, student):
    client.post(student["progressUrl"], json={"session": student["session"],
                                              "ranges": [[0, 20]], "position": 20})
    attempt = _attempt(app)
    # nothing past q1 (5 s) counts until it is answered right
    assert attempt.details["watched"] == [[0.0, 7.0]]
    assert attempt.completion == "incomplete"
    answer(client, student, 1, "q1", {"option": "b"})
    client.post(student["progressUrl"], json={"session": student["session"],
                                              "ranges": [[5, 20]], "position": 20})
    assert _attempt(app).details["watched"] == [[0.0, 20.0]]


def test_prevent_skipping_is_checked_on_the_server(app, client, login, lesson):
    set_document(app, lesson, [], settings={"prevent_skipping": True})
    login("hs.6a1.01")
    config = player_config(client, lesson)
    assert config["settings"]["prevent_skipping"] is True
    client.post(config["progressUrl"], json={"session": config["session"],
                                             "ranges": [[0, 4], [15, 20]], "position": 20})
    attempt = _attempt(app)
    assert attempt.details["watched"] == [[0.0, 4.0]]  # the jump ahead does not count
    assert attempt.details["position"] <= 6


def test_resume_where_the_student_stopped(app, client, student, lesson):
    client.post(student["progressUrl"], json={"session": student["session"],
                                              "ranges": [[0, 4.5]], "position": 4.5})
    again = player_config(client, lesson)
    assert again["position"] == 4.5 and again["watched"] == [[0.0, 4.5]]
    assert again["session"] == student["session"] + 1
    assert again["attempt"] == student["attempt"]


def test_roll_up_into_learning_attempt(app, client, login, student, lesson):
    answer(client, student, 1, "q1", {"option": "a"})
    answer(client, student, 2, "q1", {"option": "b"})
    answer(client, student, 3, "q2", {"blanks": ["Huế"]}, ranges=[(0, 11)])
    answer(client, student, 4, "q3", {"text": "Vì trời mưa"}, ranges=[(0, 13)])
    response = client.post(student["progressUrl"], json={
        "session": student["session"], "ranges": [[0, 19]], "position": 19, "seconds": 1})
    assert response.get_json()["completion"] == "completed"
    attempt = _attempt(app)
    assert (attempt.completion, attempt.success) == ("completed", "unknown")  # q3 unmarked
    assert (attempt.score_raw, attempt.score_max) == (2.0, 5.0)
    assert attempt.score_scaled == 0.4 and attempt.progress == 0.95
    assert attempt.total_time_seconds >= 0
    # the teacher marks the short answer: 2/2 → 4/5 = 80% ≥ 50% → passed
    login("gv.toan")
    page = client.get(f"/video/report/{lesson}").get_data(as_text=True)
    assert "Câu trả lời ngắn chờ chấm: 1" in page and "hs.6a1.01" in page
    with app.app_context():
        answer_id = db.session.scalar(sa.select(VideoAnswer.id).where(
            VideoAnswer.question_id == "q3"))
    bad = client.post(f"/video/report/{lesson}/attempts/{attempt.id}/answers/{answer_id}/mark",
                      data={"points": "9"}, follow_redirects=True)
    assert "Điểm phải là một số từ 0 đến 2" in bad.get_data(as_text=True)
    client.post(f"/video/report/{lesson}/attempts/{attempt.id}/answers/{answer_id}/mark",
                data={"points": "2", "feedback": "Tốt"})
    attempt = _attempt(app)
    assert (attempt.success, attempt.score_raw, attempt.score_scaled) == ("passed", 4.0, 0.8)
    detail = client.get(f"/video/report/{lesson}/attempts/{attempt.id}").get_data(as_text=True)
    assert "Vì trời mưa" in detail and "Tốt" in detail and "Huế" in detail


def test_below_pass_percentage_fails(app, client, login, lesson):
    questions = [q for q in QUESTIONS if q["id"] in ("q2", "info1")]
    set_document(app, lesson, questions, settings={"pass_percentage": 60})
    login("hs.6a1.01")
    config = player_config(client, lesson)
    answer(client, config, 1, "q2", {"blanks": ["Huế"]}, ranges=[(0, 20)])
    attempt = _attempt(app)
    assert (attempt.completion, attempt.success, attempt.score_scaled) == (
        "completed", "failed", 0.0)


def test_other_users_token_is_refused(app, client, login, student):
    login("hs.6a1.02")
    response = answer(client, student, 1, "q1", {"option": "b"})
    assert response.status_code == 403
    client.post("/logout")
    assert answer(client, student, 1, "q1", {"option": "b"}).status_code == 401


def test_an_approved_video_counts_toward_the_target(app, lesson):
    from lms.models import Material, SchoolYear
    from lms.models.base import utcnow
    from plugins.targets.counting import department_counts

    with app.app_context():
        material = db.session.get(Material, lesson)
        counts = department_counts(SchoolYear.current(), utcnow())
        assert counts.get(material.department_id) == (1, 0)  # (approved, pending)
