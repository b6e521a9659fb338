"""A parent's home shows the chosen own child's missing, due-soon (today, tomorrow, this week)
and returned work, with released grades only."""
from __future__ import annotations

from datetime import timedelta

from lms.extensions import db
from lms.models.base import utcnow
from plugins.assignments import grading, workflow
from plugins.assignments.models import Assignment

from .conftest import submission_of, user


def _widget(page: str, student_id: int) -> str:
    start = page.index(f'id="child-{student_id}-work"')
    return page[start:page.index("</section>", start)]


def test_the_parent_home_shows_the_childs_work_and_released_grades_only(app, client, demo,
                                                                        login, task):
    now = utcnow()
    task(title="Bài sắp hạn", due_at=now + timedelta(hours=10))
    task(title="Bài bị thiếu", opens_at=now - timedelta(days=4), due_at=now - timedelta(days=1))
    returned = task(title="Bài đã chấm")
    drafted = task(title="Bài đang chấm")
    with app.app_context():
        teacher, student = user("gv.toan"), user("hs.6a1.01")
        for assignment_id, score, release in ((returned, "8,5", True), (drafted, "3", False)):
            submission = submission_of(db.session.get(Assignment, assignment_id), "hs.6a1.01")
            workflow.turn_in(submission, student)
            db.session.flush()
            grading.save_grade(submission, expected_version=submission.version, actor=teacher,
                               score=score, comment="Nhận xét riêng")
            if release:
                grading.release([submission], teacher)
        db.session.commit()
    login("ph.6a1.01")
    page = client.get("/").get_data(as_text=True)
    widget = _widget(page, demo["hs.6a1.01"])
    assert "Bài sắp hạn" in widget and "Bài bị thiếu" in widget and "Bài đã chấm" in widget
    assert "8,5" in widget and "Nhận xét riêng" in widget
    assert "Bài đang chấm" not in widget  # turned in, not returned: nothing to show yet
    assert ">3<" not in widget and "3\n" not in widget
    assert f'id="child-{demo["hs.6a1.02"]}-work"' not in page  # a classmate is not their child
    # a classmate through the switcher: not theirs, so the first own child is shown instead
    other = client.get(f"/?child={demo['hs.6a1.02']}").get_data(as_text=True)
    assert f'id="child-{demo["hs.6a1.02"]}-work"' not in other
    assert f'id="child-{demo["hs.6a1.01"]}-work"' in other


def test_the_switcher_shows_one_child_at_a_time(app, client, demo, login, task):
    from lms.models import ParentLink

    task(title="Bài của lớp 6A1")
    with app.app_context():
        db.session.add(ParentLink(parent_id=demo["ph.6a1.01"], student_id=demo["hs.6a1.02"],
                                  status="active"))
        db.session.commit()
    login("ph.6a1.01")
    first = client.get("/").get_data(as_text=True)
    assert f'href="/?child={demo["hs.6a1.02"]}"' in first
    chosen = client.get(f"/?child={demo['hs.6a1.02']}").get_data(as_text=True)
    assert f'id="child-{demo["hs.6a1.02"]}-work"' in chosen
    assert f'id="child-{demo["hs.6a1.01"]}-work"' not in chosen


def test_a_parent_without_linked_children_sees_no_work(app, client, demo, login, task):
    task(title="Bài của lớp")
    from lms.models import ParentLink

    with app.app_context():
        db.session.query(ParentLink).filter_by(parent_id=demo["ph.6a1.01"]).delete()
        db.session.commit()
    login("ph.6a1.01")
    page = client.get("/").get_data(as_text=True)
    assert "Bài của lớp" not in page and 'class="card assignments-widget"' not in page
