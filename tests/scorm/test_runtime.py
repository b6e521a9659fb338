"""The commit and state endpoints: authentication, body formats, sequence order, concurrency."""
import json
import threading

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import LearningAttempt
from lms.seed import DEMO_PASSWORD
from plugins.scorm.models import ScormCommitLog, ScormInteraction, ScormScoState
from tests.scorm.conftest import player_config

pytestmark = pytest.mark.plugins("scorm")


def _launch(client, login, scorm_package, version="1.2", student="hs.6a1.01"):
    material_id = scorm_package(version)
    login(student)
    item = player_config(client, material_id)["items"][0]
    state = client.get(item["state"]).get_json()
    return item, state["session"]


def _commit12(status="incomplete", suspend="", raw=None, sequence=None, session_time="00:01:00",
              interactions=0):
    body = {"cmi": {"core": {"lesson_status": status, "session_time": session_time,
                             "score": {"raw": raw or "", "min": "0", "max": "100"},
                             "exit": "suspend"},
                    "suspend_data": suspend,
                    "interactions": {str(n): {"id": f"q{n}", "type": "choice",
                                              "student_response": "a", "result": "correct"}
                                     for n in range(interactions)}}}
    if sequence is not None:
        body["commitSequence"] = sequence
    return body


def _attempt(app):
    with app.app_context():
        return db.session.scalar(sa.select(LearningAttempt))


def test_a_json_commit_is_applied_and_rolled_up(app, client, login, scorm_package):
    item, session = _launch(client, login, scorm_package)
    response = client.post(f"{item['commit']}?session={session}",
                           json=_commit12("passed", "trang=3", raw="80", interactions=2))
    assert response.status_code == 200
    assert response.get_json() == {"result": True, "errorCode": 0}
    attempt = _attempt(app)
    assert (attempt.completion, attempt.success, attempt.score_raw) == ("completed", "passed", 80)
    assert attempt.total_time_seconds == 60 and attempt.completed_at is not None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ScormInteraction.id))) == 2


def test_a_beacon_commit_in_text_plain_is_read_as_json(app, client, login, scorm_package):
    item, session = _launch(client, login, scorm_package)
    response = client.post(f"{item['commit']}?session={session}",
                           data=json.dumps(_commit12(suspend="x" * 64_000)),
                           content_type="text/plain;charset=UTF-8")
    assert response.get_json()["result"] is True
    state = client.get(item["state"]).get_json()["state"]
    assert state["cmi"]["suspend_data"] == "x" * 64_000
    assert state["cmi"]["core"]["entry"] == "resume"


def test_bad_json_gets_a_json_error_never_html(client, login, scorm_package):
    item, session = _launch(client, login, scorm_package)
    response = client.post(f"{item['commit']}?session={session}", data="{not json",
                           content_type="text/plain")
    assert response.status_code == 400
    assert response.get_json()["result"] is False


def test_wrong_token_and_other_students_attempt_are_refused(client, login, scorm_package):
    item, session = _launch(client, login, scorm_package)
    wrong = item["commit"].replace("/commit", "").rsplit("/", 1)[0] + "/" + "0" * 32 + "/commit"
    assert client.post(wrong, json=_commit12()).status_code == 403
    login("hs.6a1.02")
    response = client.post(f"{item['commit']}?session={session}", json=_commit12())
    assert response.status_code == 403 and response.get_json()["result"] is False


def test_an_expired_session_gets_json_401_not_a_redirect(client, login, scorm_package):
    item, session = _launch(client, login, scorm_package)
    client.post("/logout")
    response = client.post(f"{item['commit']}?session={session}", json=_commit12())
    assert response.status_code == 401
    assert response.get_json() == {"result": False, "errorCode": 101,
                                   "message": response.get_json()["message"]}
    assert "Location" not in response.headers
    assert client.get("/scorm/keepalive").status_code == 401


def test_out_of_order_and_replayed_commits_never_overwrite_newer_data(app, client, login,
                                                                     scorm_package):
    item, session = _launch(client, login, scorm_package)
    url = f"{item['commit']}?session={session}"
    assert client.post(url, json=_commit12(suspend="s2", sequence=2,
                                           session_time="00:02:00")).status_code == 200
    client.post(url, json=_commit12(suspend="s1", sequence=1, session_time="00:01:00"))
    client.post(url, json=_commit12(suspend="s2", sequence=2, session_time="00:02:00"))
    client.post(url, json=_commit12("completed", "s3", sequence=3, session_time="00:03:00"))
    client.post(url, json=_commit12(suspend="s1", sequence=1, session_time="00:01:00"))
    with app.app_context():
        state = db.session.scalar(sa.select(ScormScoState))
        assert state.stored["state"]["suspend_data"] == "s3"
        assert state.completion == "completed" and state.total_time_seconds == 180
        outcomes = [row.outcome for row in db.session.scalars(
            sa.select(ScormCommitLog).order_by(ScormCommitLog.id))]
    assert outcomes == ["applied", "stale", "duplicate", "applied", "stale"]


def test_a_late_commit_of_an_earlier_launch_does_not_overwrite_the_new_one(app, client, login,
                                                                          scorm_package):
    item, first = _launch(client, login, scorm_package)
    second = client.get(item["state"]).get_json()["session"]
    assert second == first + 1
    client.post(f"{item['commit']}?session={second}", json=_commit12(suspend="new", sequence=1))
    client.post(f"{item['commit']}?session={first}", json=_commit12(suspend="old", sequence=9))
    with app.app_context():
        assert db.session.scalar(sa.select(ScormScoState)).stored["state"]["suspend_data"] == "new"


def test_concurrent_commits_for_one_attempt_lose_nothing(app, client, login, scorm_package):
    item, session = _launch(client, login, scorm_package)
    url = f"{item['commit']}?session={session}"
    count = 8
    clients = []
    for _ in range(count):
        other = app.test_client()
        other.post("/login", data={"username": "hs.6a1.01", "password": DEMO_PASSWORD})
        clients.append(other)
    errors = []

    def send(n):
        try:
            response = clients[n - 1].post(url, json=_commit12(
                suspend=f"s{n}", sequence=n, session_time=f"00:0{n}:00", interactions=n))
            if response.status_code != 200:
                errors.append(response.status_code)
        except Exception as exc:  # noqa: BLE001 (reported below: a thread cannot fail a test)
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(count, 0, -1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        state = db.session.scalar(sa.select(ScormScoState))
        assert state.stored["state"]["suspend_data"] == f"s{count}"
        assert state.total_time_seconds == count * 60
        assert db.session.scalar(sa.select(sa.func.count(ScormCommitLog.id))) == count
        assert db.session.scalar(sa.select(sa.func.count(ScormInteraction.id))) == count
        attempt = db.session.scalar(sa.select(LearningAttempt))
        assert attempt.total_time_seconds == count * 60


def test_resume_state_carries_server_owned_values(client, login, scorm_package):
    item, session = _launch(client, login, scorm_package, version="2004")
    client.post(f"{item['commit']}?session={session}", json={
        "cmi": {"location": "trang-4", "exit": "suspend", "completion_status": "incomplete",
                "session_time": "PT5M", "entry": "resume", "credit": "no-credit"},
        "commitSequence": 1})
    cmi = client.get(item["state"]).get_json()["state"]["cmi"]
    assert cmi["location"] == "trang-4" and cmi["entry"] == "resume"
    assert cmi["credit"] == "credit" and cmi["mode"] == "normal"
    assert cmi["learner_id"] == "hs.6a1.01" and cmi["total_time"] == "PT5M"


def test_a_finished_attempt_is_followed_by_a_new_one(app, client, login, scorm_package):
    item, session = _launch(client, login, scorm_package)
    client.post(f"{item['commit']}?session={session}", json=_commit12("completed"))
    material_id = _attempt(app).material_id
    second = player_config(client, material_id)["items"][0]
    assert second["commit"] != item["commit"]
    with app.app_context():
        numbers = list(db.session.scalars(sa.select(LearningAttempt.number)))
    assert sorted(numbers) == [1, 2]
