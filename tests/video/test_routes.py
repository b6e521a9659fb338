"""Who may open every route of the video plugin (the role × route matrix)."""
from __future__ import annotations

from urllib.parse import urlsplit

from tests.route_matrix import (
    ANONYMOUS,
    AUTHENTICATED,
    BOARD_AND_ADMIN,
    PERSONAS,
    PUBLIC,
    Case,
    check_route_matrix,
)

from .conftest import import_file, player_config

STUDENT = "hs.6a1.01"
AUTHORS = {"gv.toan", "tt.toan", "tp.toan"}  #: the author and the heads of Tổ Toán – Tin


def _media_values(src: str) -> dict:
    # /video/<material_id>/media/<lesson_id>/<kind>/<digest>/<name>
    parts = urlsplit(src).path.strip("/").split("/")
    return {"material_id": int(parts[1]), "lesson_id": int(parts[3]), "kind": parts[4],
            "digest": parts[5], "name": parts[6]}


def test_video_routes(app, demo, client, login, lesson, videos):
    draft = import_file(app, videos["faststart"], approve=False)
    login(STUDENT)
    config = player_config(client, lesson)
    progress = urlsplit(config["progressUrl"]).path.strip("/").split("/")
    answer = urlsplit(config["answerUrl"]).path.strip("/").split("/")
    login("gv.toan")
    draft_src = player_config(client, draft)["src"]
    client.post("/logout")
    table = {
        "video.play": [Case(AUTHENTICATED, {"material_id": lesson}),
                       Case(BOARD_AND_ADMIN | AUTHORS, {"material_id": draft})],
        "video.media": [Case(AUTHENTICATED, _media_values(config["src"])),
                        Case(BOARD_AND_ADMIN | AUTHORS, _media_values(draft_src))],
        "video.static": Case(PUBLIC, {"filename": "player.js"}),
        "video_editor.edit": Case(AUTHORS, {"material_id": lesson}),
        "video_editor.save": Case(AUTHORS, {"material_id": lesson}, method="POST",
                                  note="an empty body: 422 with the errors"),
        "video_editor.job_status": Case(AUTHORS, {"material_id": lesson}),
        "video_editor.retry_job": Case(AUTHORS, {"material_id": lesson, "job_id": 999},
                                       method="POST", absent_ok=True),
        "video_editor.add_captions": Case(AUTHORS, {"material_id": draft}, method="POST"),
        "video_editor.delete_captions": Case(AUTHORS, {"material_id": draft, "lang": "vi"},
                                             method="POST"),
        "video_editor.set_poster": Case(AUTHORS, {"material_id": draft}, method="POST"),
        "video_report.students": Case(BOARD_AND_ADMIN | AUTHORS, {"material_id": lesson}),
        "video_report.attempt_detail": Case(
            BOARD_AND_ADMIN | AUTHORS, {"material_id": lesson, "attempt_id": config["attempt"]}),
        "video_report.mark": Case(
            BOARD_AND_ADMIN | AUTHORS, {"material_id": lesson, "attempt_id": config["attempt"],
                                        "answer_id": 999}, method="POST", absent_ok=True),
    }
    declared = set(table) | {"video_tracking.progress", "video_tracking.answer"}
    ours = {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0].startswith("video")}
    assert ours == declared, ours ^ declared
    check_route_matrix(app, demo, table)
    # the tracking endpoints answer JSON (401, not a login redirect): logged-in personas only
    personas = [p for p in PERSONAS if p != ANONYMOUS]
    check_route_matrix(app, demo, {
        "video_tracking.progress": Case({STUDENT}, {"attempt_id": int(progress[2]),
                                                    "token": progress[3]}, method="POST"),
        "video_tracking.answer": Case({STUDENT}, {"attempt_id": int(answer[2]),
                                                  "token": answer[3]}, method="POST",
                                      note="an empty body: 400 for the student")},
        personas=personas)
