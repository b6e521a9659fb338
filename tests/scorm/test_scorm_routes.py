"""Every SCORM route in the role × route matrix, with a real approved package, a draft, a
student's attempt and its runtime token made in the test."""
from __future__ import annotations

import re

import pytest

from lms.seed import DEMO_PASSWORD
from tests.route_matrix import (
    ANONYMOUS,
    AUTHENTICATED,
    BOARD_AND_ADMIN,
    CORE_ROUTES,
    PERSONAS,
    PUBLIC,
    Case,
    assert_routes_declared,
    check_route_matrix,
)
from tests.scorm.conftest import import_zip, player_config, scorm_zip

pytestmark = pytest.mark.plugins("scorm")

STUDENT = "hs.6a1.01"
#: Tổ Toán – Tin in the personas: gv.toan is the author, tt.toan the head, tp.toan the deputy.
TOAN = {"tt.toan", "tp.toan", "gv.toan"}
SETTINGS = {"attempt_policy": "always", "max_attempts": "3", "grading_method": "last",
            "sco_grading": "average"}
#: the content origin's routes: token-authenticated and cookieless, so the same for every
#: persona; tried on both hosts by `test_content_routes_answer_by_token_not_by_login` below
CONTENT_ROUTES = ("scorm_content.shim", "scorm_content.package_file")


@pytest.fixture
def samples(app, client, login, demo, tmp_path):
    """An approved 2-SCO package, a draft, and the student's attempt with its runtime URLs."""
    approved = import_zip(app, scorm_zip(tmp_path / "a.zip", "2004", ("Bài 1", "Bài 2")))
    draft = import_zip(app, scorm_zip(tmp_path / "d.zip", "1.2"), approve=False)
    login(STUDENT)
    item = player_config(client, approved)["items"][0]
    client.get(item["state"])
    client.post("/logout")
    attempt_id, sco_id, token = re.search(r"/attempts/(\d+)/(\d+)/([0-9a-f]+)/commit",
                                          item["commit"]).groups()
    return {"approved": approved, "draft": draft, "attempt": int(attempt_id),
            "sco": int(sco_id), "token": token, "shim": item["shim"]}


def scorm_routes(samples) -> dict:
    approved, draft = samples["approved"], samples["draft"]
    runtime = {"attempt_id": samples["attempt"], "sco_id": samples["sco"],
               "token": samples["token"]}
    report = BOARD_AND_ADMIN | TOAN
    return {
        "scorm.play": [
            Case(AUTHENTICATED, {"material_id": approved},
                 note="an approved lesson plays for everyone signed in"),
            Case(BOARD_AND_ADMIN | TOAN, {"material_id": draft},
                 note="a draft only for its department, the board and admins"),
        ],
        "scorm.static": Case(PUBLIC, {"filename": "player.js"}),
        "scorm_report.students": [Case(report, {"material_id": approved}),
                                  Case(report, {"material_id": draft})],
        "scorm_report.attempt_detail": Case(
            report, {"material_id": approved, "attempt_id": samples["attempt"]}),
        "scorm_settings.edit": [
            Case(TOAN, {"material_id": approved},
                 note="the author and the heads of its department; not the board"),
            Case(TOAN, {"material_id": approved}, method="POST", data=SETTINGS),
        ],
        # Beacons cannot follow redirects: the anonymous visitor gets JSON 401 from these,
        # checked in `test_runtime_routes_belong_to_the_attempts_learner`.
        "scorm_runtime.state": Case({STUDENT}, runtime,
                                    note="the per-attempt token is the learner's alone"),
        "scorm_runtime.commit": Case({STUDENT}, runtime, method="POST",
                                     note="an empty body: refused with JSON 400, nothing stored"),
        "scorm_runtime.keepalive": Case(AUTHENTICATED),
        "scorm_content.shim": [],
        "scorm_content.package_file": [],
    }


RUNTIME = ("scorm_runtime.state", "scorm_runtime.commit", "scorm_runtime.keepalive")


def test_every_scorm_route_is_declared(app, samples):
    assert_routes_declared(app, CORE_ROUTES, scorm_routes(samples))


def test_lms_routes_per_persona(app, demo, samples):
    table = {endpoint: case for endpoint, case in scorm_routes(samples).items()
             if endpoint not in RUNTIME}
    check_route_matrix(app, demo, table)


def test_runtime_routes_belong_to_the_attempts_learner(app, demo, samples):
    table = {endpoint: case for endpoint, case in scorm_routes(samples).items()
             if endpoint in RUNTIME}
    check_route_matrix(app, demo, table, personas=[p for p in PERSONAS if p != ANONYMOUS])
    anonymous = app.test_client()
    base = f"/scorm/attempts/{samples['attempt']}/{samples['sco']}/{samples['token']}"
    for response in (anonymous.get(f"{base}/state"), anonymous.post(f"{base}/commit", data="{}"),
                     anonymous.get("/scorm/keepalive")):
        assert response.status_code == 401 and response.is_json
        assert "Location" not in response.headers


def test_content_routes_answer_by_token_not_by_login(app, samples):
    """On the content origin a valid token opens the shim and the files for anyone (no cookie
    is read there); on the LMS origin the same URLs are refused to everyone, signed in or not."""
    shim = samples["shim"].removeprefix("http://127.0.0.1")
    token = re.search(r"/shim/([^?]+)", shim).group(1)
    urls = [shim, f"/scorm/content/{token}/sco1.html"]
    for number, persona in enumerate(PERSONAS, start=1):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"127.0.9.{number}"
        if persona != ANONYMOUS:
            client.post("/login", data={"username": persona, "password": DEMO_PASSWORD})
        for url in urls:
            on_content = client.get(url, base_url="http://127.0.0.1")
            on_content.close()  # package files come back as open file streams
            on_lms = client.get(url)
            assert on_content.status_code == 200, (persona, url, on_content.status_code)
            assert "Set-Cookie" not in on_content.headers
            assert on_lms.status_code == 403, (persona, url, on_lms.status_code)
