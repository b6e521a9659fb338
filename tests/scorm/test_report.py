"""The teacher's view: who may see it, what it shows, and one query for the list."""
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from lms.extensions import db
from tests.scorm.conftest import player_config

pytestmark = pytest.mark.plugins("scorm")

STUDENTS = ("hs.6a1.01", "hs.6a1.02", "hs.6a1.03", "hs.6a1.04")


def _study(client, login, material_id, student, score):
    login(student)
    item = player_config(client, material_id)["items"][0]
    session = client.get(item["state"]).get_json()["session"]
    client.post(f"{item['commit']}?session={session}", json={
        "commitSequence": 1,
        "cmi": {"core": {"lesson_status": "passed" if score >= 50 else "failed",
                         "session_time": "00:02:30", "score": {"raw": str(score),
                                                               "min": "0", "max": "100"}},
                "interactions": {"0": {"id": "cau-1", "type": "choice",
                                       "student_response": "b", "result": "wrong"}}}})


@contextmanager
def counted_queries(app):
    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_the_report_lists_each_student_with_status_score_and_time(client, login,
                                                                  scorm_package):
    material_id = scorm_package("1.2")
    _study(client, login, material_id, "hs.6a1.01", 80)
    _study(client, login, material_id, "hs.6a1.02", 30)
    login("gv.toan")
    page = client.get(f"/scorm/report/{material_id}").get_data(as_text=True)
    assert "Nguyễn Hoàng Nam" in page and "80%" in page and "30%" in page
    assert "Đạt" in page and "Chưa đạt" in page and "0:02:30" in page


def test_the_list_takes_the_same_number_of_queries_for_two_or_four_students(
        app, client, login, scorm_package):
    material_id = scorm_package("1.2")
    for student in STUDENTS[:2]:
        _study(client, login, material_id, student, 60)
    login("gv.toan")
    with counted_queries(app) as few:
        assert client.get(f"/scorm/report/{material_id}").status_code == 200
    for student in STUDENTS[2:]:
        _study(client, login, material_id, student, 60)
    login("gv.toan")
    with counted_queries(app) as more:
        page = client.get(f"/scorm/report/{material_id}").get_data(as_text=True)
    assert page.count("data-student=") == 4
    assert len(more) == len(few)


def test_drill_down_shows_interactions(app, client, login, scorm_package):
    from lms.models import LearningAttempt

    material_id = scorm_package("1.2")
    _study(client, login, material_id, "hs.6a1.01", 40)
    with app.app_context():
        attempt_id = db.session.scalar(sa.select(LearningAttempt.id))
    login("tt.toan")
    page = client.get(f"/scorm/report/{material_id}/attempts/{attempt_id}").get_data(
        as_text=True)
    assert "cau-1" in page and "wrong" in page


@pytest.mark.parametrize("username, status", [
    ("gv.toan", 200),      # the author
    ("tt.toan", 200),      # head of the material's department
    ("hieutruong", 200),   # the board
    ("tt.van", 403),       # head of another department
    ("gv.tin", 403),       # a colleague who is not the author
    ("hs.6a1.01", 403),
])
def test_who_may_see_the_report(client, login, scorm_package, username, status):
    material_id = scorm_package("1.2")
    login(username)
    assert client.get(f"/scorm/report/{material_id}").status_code == status
