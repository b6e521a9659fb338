"""Commits of one attempt arriving shuffled, replayed and at the same moment from several
connections (a phone on a flaky network retrying, a beacon racing a fetch, two SCOs of one
package saving together): the newest data of each SCO wins and nothing is lost."""
from __future__ import annotations

import random
import threading

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import LearningAttempt
from lms.seed import DEMO_PASSWORD
from plugins.scorm.models import ScormCommitLog, ScormInteraction, ScormScoState
from tests.scorm.conftest import player_config

pytestmark = pytest.mark.plugins("scorm")

STUDENT = "hs.6a1.01"
#: commits per SCO; commit n reports n minutes of session time and n answers so far
COMMITS = 12
THREADS_PER_SCO = 3
REPLAYS_PER_SCO = 4


def commit_body(sco: int, n: int) -> dict:
    return {"cmi": {
        "completion_status": "completed" if n == COMMITS else "incomplete",
        "location": f"sco{sco}-trang-{n}", "suspend_data": f"sco{sco}-du-lieu-{n}",
        "exit": "suspend", "session_time": f"PT{n}M",
        "score": {"raw": str(n), "min": "0", "max": str(COMMITS)},
        "interactions": {str(i): {"id": f"sco{sco}-cau-{i}", "type": "choice",
                                  "learner_response": "a", "result": "correct"}
                         for i in range(n)},
    }, "commitSequence": n}


def test_shuffled_replayed_concurrent_commits_keep_the_newest_data(app, client, login,
                                                                   scorm_package):
    material_id = scorm_package("2004", ("Bài 1", "Bài 2"))
    login(STUDENT)
    items = player_config(client, material_id)["items"]
    urls = []
    for item in items:
        session = client.get(item["state"]).get_json()["session"]
        urls.append(f"{item['commit']}?session={session}")

    # Every commit of both SCOs, some sent twice, in a random order dealt to six connections.
    rng = random.Random(2026)
    sends = []
    for sco, url in enumerate(urls, start=1):
        numbers = list(range(1, COMMITS + 1))
        numbers += rng.sample(numbers, REPLAYS_PER_SCO)
        sends += [(url, commit_body(sco, n)) for n in numbers]
    rng.shuffle(sends)
    threads_count = THREADS_PER_SCO * len(urls)
    batches = [sends[k::threads_count] for k in range(threads_count)]
    clients = []
    for number in range(threads_count):
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = f"127.0.8.{number + 1}"
        other.post("/login", data={"username": STUDENT, "password": DEMO_PASSWORD})
        clients.append(other)
    start = threading.Barrier(threads_count)
    errors = []

    def send(number):
        try:
            start.wait()
            for url, body in batches[number]:
                response = clients[number].post(url, json=body)
                if response.status_code != 200 or response.get_json()["result"] is not True:
                    errors.append((response.status_code, response.get_data(as_text=True)))
        except Exception as exc:  # noqa: BLE001 (reported below: a thread cannot fail a test)
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    with app.app_context():
        states = {row.sco_id: row for row in db.session.scalars(sa.select(ScormScoState))}
        assert len(states) == len(urls)
        for sco, item in enumerate(items, start=1):
            row = states[item["id"]]
            cmi = row.stored["state"]
            assert cmi["suspend_data"] == f"sco{sco}-du-lieu-{COMMITS}"
            assert cmi["location"] == f"sco{sco}-trang-{COMMITS}"
            assert row.completion == "completed" and row.score_raw == COMMITS
            assert row.last_sequence == COMMITS
            # each launch counts once, at the longest session_time it reported
            assert row.total_time_seconds == COMMITS * 60
            answers = list(db.session.scalars(
                sa.select(ScormInteraction.interaction_id)
                .where(ScormInteraction.sco_id == item["id"])
                .order_by(ScormInteraction.position)))
            assert answers == [f"sco{sco}-cau-{i}" for i in range(COMMITS)]
        # every request is in the forensic log, and exactly one per sequence was applied
        outcomes = db.session.execute(
            sa.select(ScormCommitLog.sco_id, ScormCommitLog.outcome, ScormCommitLog.sequence)
        ).all()
        assert len(outcomes) == len(sends)
        for item in items:
            applied = [seq for sco_id, outcome, seq in outcomes
                       if sco_id == item["id"] and outcome == "applied"]
            assert len(applied) == len(set(applied)) and COMMITS in applied
            rest = {outcome for sco_id, outcome, _ in outcomes
                    if sco_id == item["id"] and outcome != "applied"}
            assert rest <= {"stale", "duplicate"}
        # the roll-up saw both SCOs' last commits, whichever transaction ran last
        attempt = db.session.scalar(sa.select(LearningAttempt))
        assert attempt.completion == "completed"
        assert attempt.total_time_seconds == len(urls) * COMMITS * 60
