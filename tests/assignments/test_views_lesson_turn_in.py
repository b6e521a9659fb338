"""Work on a lesson whose player reports completion turns itself in; on a plain file (a PDF,
which no player can follow) the student says when they are done."""
from __future__ import annotations

from lms.extensions import db
from plugins.assignments.models import Assignment

from .conftest import make_approved_material, publish_task, submission_of


def _lesson_work(app, tmp_path, content_type=None):
    with app.app_context():
        material = make_approved_material(tmp_path)
        if content_type:
            material.content_type = content_type  # as a SCORM package would be stored
            db.session.commit()
        return publish_task(kind="material", material_id=material.id).id


def test_a_tracked_lesson_offers_no_manual_turn_in(app, client, demo, login, tmp_path):
    assignment_id = _lesson_work(app, tmp_path, content_type="scorm")
    login("hs.6a1.01")
    page = client.get(f"/assignments/{assignment_id}/work").get_data(as_text=True)
    assert "Khi em học xong bài, bài được tự động nộp." in page
    assert 'value="turn_in"' not in page and 'id="handin"' not in page
    refused = client.post(f"/assignments/{assignment_id}/work", data={"action": "turn_in"})
    assert refused.status_code == 400
    assert "tự được nộp khi em học xong bài" in refused.get_data(as_text=True)
    with app.app_context():
        submission = submission_of(db.session.get(Assignment, assignment_id), "hs.6a1.01")
        assert submission.state == "assigned" and submission.turned_in_at is None


def test_a_file_lesson_is_turned_in_by_the_student(app, client, demo, login, tmp_path):
    assignment_id = _lesson_work(app, tmp_path)
    login("hs.6a1.01")
    page = client.get(f"/assignments/{assignment_id}/work").get_data(as_text=True)
    assert "Em đã học xong – nộp bài" in page
    done = client.post(f"/assignments/{assignment_id}/work", data={"action": "turn_in"},
                       follow_redirects=True)
    assert "Đã nộp bài." in done.get_data(as_text=True)
    with app.app_context():
        submission = submission_of(db.session.get(Assignment, assignment_id), "hs.6a1.01")
        assert submission.state == "turned_in"
