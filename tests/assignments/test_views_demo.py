"""Every assignments page renders over the demo school's work in every state (lessons finished,
homework returned, a paper test), for each kind of user who opens it."""
from __future__ import annotations

import sqlalchemy as sa

from lms.extensions import db
from plugins.assignments.models import Assignment, Submission


def _seed_work(app) -> list[int]:
    from lms.seed import seed_plugins_demo

    with app.app_context():
        seed_plugins_demo()
        return list(db.session.scalars(sa.select(Assignment.id)))


def test_the_demo_school_renders_for_every_reader(app, client, demo, login):
    assignment_ids = _seed_work(app)
    assert assignment_ids, "the demo school should have gv.toan's assignments"
    with app.app_context():
        given_to_student = set(db.session.scalars(sa.select(Submission.assignment_id).where(
            Submission.student_id == demo["hs.6a1.01"])))
    pages = {
        "gv.toan": ["/", "/assignments/", "/assignments/new",
                    *(f"/assignments/{i}/desk" for i in assignment_ids),
                    *(f"/assignments/{i}/edit" for i in assignment_ids)],
        "tt.toan": ["/", "/assignments/report", *(f"/assignments/{i}/desk"
                                                  for i in assignment_ids)],
        "hieutruong": ["/", "/assignments/report"],
        "hs.6a1.01": ["/", "/assignments/todo",
                      *(f"/assignments/{i}/work" for i in sorted(given_to_student))],
        "ph.6a1.01": [f"/assignments/children/{demo['hs.6a1.01']}"],
    }
    for username, urls in pages.items():
        login(username)
        for url in urls:
            response = client.get(url)
            # work that has not opened yet is a 404 for the student, on purpose
            assert response.status_code in ((200, 404) if url.endswith("/work") else (200,)), \
                (username, url, response.status_code)
