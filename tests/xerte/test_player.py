"""Playing a standalone Xerte lesson: the launch page, the content origin, the commit endpoint
(pages reached, completion on the last page, time spent), and who may use each route."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import LearningAttempt
from tests.route_matrix import AUTHENTICATED, BOARD_AND_ADMIN, PUBLIC, Case, check_route_matrix
from tests.xerte.conftest import import_zip, xerte_zip

STUDENT = "hs.6a1.01"


def play_config(client, material_id: int) -> dict:
    response = client.get(f"/xerte/play/{material_id}")
    assert response.status_code == 200
    found = re.search(r'id="xerte-config">(.*?)</script>', response.get_data(as_text=True),
                      re.DOTALL)
    return json.loads(found.group(1))


def attempt_of(app, username: str) -> LearningAttempt:
    from lms.models import User

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        attempt = db.session.scalar(sa.select(LearningAttempt)
                                    .where(LearningAttempt.user_id == user.id))
        db.session.expunge(attempt)
        return attempt


def move_session_start_back(app, attempt_id: int, session: int, minutes: int) -> None:
    """Pretend the session began `minutes` ago (the server caps time at the wall clock)."""
    from lms.models.base import utcnow

    with app.app_context():
        attempt = db.session.get(LearningAttempt, attempt_id)
        details = json.loads(json.dumps(attempt.details))
        details["sessions"][str(session)]["started"] = (
            utcnow() - timedelta(minutes=minutes)).isoformat()
        attempt.details = details
        db.session.commit()


@pytest.fixture
def lesson_id(app, demo, tmp_path):
    return import_zip(app, xerte_zip(tmp_path / "x.zip", "offline"))


def test_the_launch_page_frames_the_shim_on_the_content_origin(client, login, lesson_id):
    login(STUDENT)
    page = client.get(f"/xerte/play/{lesson_id}").get_data(as_text=True)
    assert 'sandbox="allow-scripts allow-same-origin allow-forms allow-popups allow-downloads"' \
        in page and "allow-top-navigation" not in page
    config = play_config(client, lesson_id)
    assert config["contentOrigin"] == "http://127.0.0.1"
    assert config["shim"].startswith("http://127.0.0.1/xerte/c/shim/")
    assert config["shim"].endswith("?launch=index.htm")
    assert config["pages"] == 3


def test_lesson_files_are_served_only_on_the_content_origin_without_cookies(client, login,
                                                                            lesson_id):
    login(STUDENT)
    shim = play_config(client, lesson_id)["shim"]
    token = re.search(r"/shim/([^?]+)", shim).group(1)
    on_content = {"base_url": "http://127.0.0.1"}
    page = client.get(shim.removeprefix("http://127.0.0.1"), **on_content)
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert page.headers["Content-Security-Policy"] == "frame-ancestors http://localhost"
    assert f"/xerte/c/files/{token}/index.htm" in page.get_data(as_text=True)
    lesson_file = client.get(f"/xerte/c/files/{token}/template.xml", **on_content)
    assert lesson_file.status_code == 200 and b"learningObject" in lesson_file.data
    assert "Set-Cookie" not in lesson_file.headers
    # the lesson sits in the shim's frame inside the LMS page: the browser checks both
    assert lesson_file.headers["Content-Security-Policy"] == (
        "frame-ancestors 'self' http://localhost")
    lesson_file.close()  # served as an open file stream
    # the same token on the LMS origin (where the session cookie would come along): refused
    assert client.get(f"/xerte/c/files/{token}/template.xml").status_code == 403
    assert client.get("/xerte/c/files/forged/template.xml", **on_content).status_code == 403
    assert client.get(f"/xerte/c/files/{token}/khong-co.js", **on_content).status_code == 404
    # a SCORM token for the same id opens nothing here (own salt)
    assert client.get(f"/scorm/content/{token}/template.xml", **on_content).status_code == 403


def test_reaching_the_last_page_completes_and_time_is_recorded(app, client, login, lesson_id):
    login(STUDENT)
    config = play_config(client, lesson_id)
    attempt = attempt_of(app, STUDENT)
    move_session_start_back(app, attempt.id, config["session"], minutes=10)
    first = client.post(config["commit"], data=json.dumps(
        {"session": config["session"], "page": 0, "pages": 3, "seconds": 30}),
        content_type="application/json")
    assert first.status_code == 200 and first.get_json()["completion"] == "incomplete"
    # a beacon on page close: text/plain, no CSRF header
    last = client.post(config["commit"], data=json.dumps(
        {"session": config["session"], "page": 2, "pages": 3, "seconds": 95.5}),
        content_type="text/plain")
    assert last.get_json() == {"result": True, "completion": "completed",
                               "total_time_seconds": 95.5}
    attempt = attempt_of(app, STUDENT)
    assert attempt.completion == "completed" and attempt.completed_at is not None
    assert attempt.details["visited"] == [0, 2] and attempt.progress == pytest.approx(2 / 3)
    # an older report arriving late never lowers the time; a new launch adds a session
    client.post(config["commit"], data=json.dumps(
        {"session": config["session"], "page": 1, "seconds": 40}))
    again = play_config(client, lesson_id)
    assert again["session"] == config["session"] + 1
    move_session_start_back(app, attempt.id, again["session"], minutes=1)
    client.post(again["commit"], data=json.dumps(
        {"session": again["session"], "page": 1, "seconds": 20}))
    attempt = attempt_of(app, STUDENT)
    assert attempt.total_time_seconds == pytest.approx(115.5)
    assert attempt.details["visited"] == [0, 1, 2] and attempt.progress == 1.0


def test_pages_passed_between_two_reports_arrive_with_the_next(app, client, login, lesson_id):
    login(STUDENT)
    config = play_config(client, lesson_id)
    client.post(config["commit"], data=json.dumps({"session": config["session"], "page": 0}))
    # page 1 went by while the report of page 0 was on its way; junk in the list is ignored
    answer = client.post(config["commit"], data=json.dumps(
        {"session": config["session"], "page": 2, "visited": [0, 1, 7, -1, "2", None, [1], 2]}))
    assert answer.get_json()["completion"] == "completed"
    attempt = attempt_of(app, STUDENT)
    assert attempt.details["visited"] == [0, 1, 2] and attempt.details["page"] == 2
    assert attempt.progress == 1.0
    # a report without a current page and with a malformed list changes nothing
    client.post(config["commit"], data=json.dumps({"session": config["session"],
                                                   "visited": "0,1"}))
    assert attempt_of(app, STUDENT).details["page"] == 2


def test_reported_time_is_capped_by_the_wall_clock(app, client, login, lesson_id):
    login(STUDENT)
    config = play_config(client, lesson_id)
    client.post(config["commit"], data=json.dumps(
        {"session": config["session"], "page": 0, "seconds": 36000}))
    assert attempt_of(app, STUDENT).total_time_seconds < 600


def test_the_commit_endpoint_answers_json_and_never_redirects(app, client, login, lesson_id):
    login(STUDENT)
    config = play_config(client, lesson_id)
    assert client.post(config["commit"], data="not json").status_code == 400
    assert client.post(config["commit"], data="[1, 2]").status_code == 400
    assert client.post(config["commit"], data="x" * 20_000).status_code == 400
    forged = re.sub(r"/[0-9a-f]{32}/commit", "/" + "0" * 32 + "/commit", config["commit"])
    assert client.post(forged, data="{}").status_code == 403
    client.post("/logout")
    expired = client.post(config["commit"], data=json.dumps({"page": 2}))
    assert expired.status_code == 401 and expired.is_json
    assert attempt_of(app, STUDENT).completion == "not attempted"


def test_the_content_type_records_a_payload_like_the_endpoint(app, client, login, lesson_id):
    login(STUDENT)
    play_config(client, lesson_id)
    with app.app_context():
        attempt = db.session.scalar(sa.select(LearningAttempt))
        app.extensions["lms"].content_types.get("xerte").record(attempt, {"page": 2, "pages": 3})
        assert attempt.completion == "completed"


def test_route_matrix(app, client, login, demo, lesson_id, tmp_path):
    toan = {"tt.toan", "tp.toan", "gv.toan"}
    draft_id = import_zip(app, xerte_zip(tmp_path / "draft.zip"), approve=False)
    login(STUDENT)
    config = play_config(client, lesson_id)
    commit = config["commit"].split("?")[0].split("/")
    check_route_matrix(app, demo, {
        "xerte.play": [Case(AUTHENTICATED, {"material_id": lesson_id}),
                       Case(BOARD_AND_ADMIN | toan, {"material_id": draft_id})],
        "xerte.static": Case(PUBLIC, {"filename": "player.js"}),
    })
    # the commit URL carries a per-attempt token: only its learner may post; the anonymous
    # visitor gets JSON 401 (a beacon cannot follow a redirect), checked above
    personas = ("admin", "hieutruong", "gv.toan", STUDENT, "ph.6a1.01")
    check_route_matrix(app, demo, {
        "xerte_runtime.commit": Case({STUDENT}, {"attempt_id": int(commit[3]),
                                                 "token": commit[4]}, method="POST")},
        personas=personas)
