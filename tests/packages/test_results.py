"""The core results page: every learner of a material from LearningAttempt, whatever its format."""
from contextlib import contextmanager
from datetime import datetime

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import (
    LearningAttempt,
    Material,
    MaterialAuthor,
    MaterialVersion,
    Role,
    User,
    UserRole,
)
from tests.route_matrix import BOARD_AND_ADMIN, Case, check_route_matrix

pytestmark = pytest.mark.plugins("scorm", "video", "xerte")

#: Tổ Toán – Tin's members in the personas; gv.toan is the author.
TOAN = {"tt.toan", "tp.toan", "gv.toan"}


def make_material(people, content_type, *, approved=False):
    author = people.user("gv.toan")
    material = Material(title=f"Bài {content_type}", content_type=content_type,
                        department=people.department("TOAN"), author=author)
    version = MaterialVersion(material=material, number=1, content_type=content_type,
                              created_by=author)
    db.session.add_all([material, version])
    db.session.flush()
    if approved:
        material.status = "approved"
        material.approved_at = material.created_at
        material.live_version = version
    db.session.commit()
    return material


def attempt(material, username, number=1, **columns):
    user = db.session.scalar(sa.select(User).where(User.username == username))
    row = LearningAttempt(user=user, material=material, version=material.versions[0],
                          number=number, **columns)
    db.session.add(row)
    db.session.commit()
    return row


def students(count):
    """`count` student usernames: the demo school's, then new students to make up the number."""
    found = list(db.session.scalars(
        sa.select(User.username).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.STUDENT.value).order_by(User.id).limit(count)))
    for index in range(len(found), count):
        student = User(username=f"hs.them.{index:02d}", full_name=f"Lê Văn Thêm {index:02d}",
                       password_hash="!")
        student.roles.append(UserRole(role=Role.STUDENT.value))
        db.session.add(student)
        found.append(student.username)
    db.session.commit()
    return found


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


@pytest.mark.parametrize("content_type, drill_down", [
    ("scorm", "/scorm/report/{m}/attempts/{a}"),
    ("video", "/video/report/{m}/attempts/{a}"),
    ("xerte", None),
])
def test_each_learner_shows_the_graded_attempt_and_the_drill_down_of_its_type(
        app, client, login, people, content_type, drill_down):
    with app.app_context():
        material = make_material(people, content_type)
        attempt(material, "hs.6a1.01", 1, completion="completed", success="failed",
                score_scaled=0.4, total_time_seconds=100)
        best = attempt(material, "hs.6a1.01", 2, completion="completed", success="passed",
                       score_scaled=0.85, total_time_seconds=3725,
                       last_access_at=datetime(2026, 3, 7, 8, 5))
        attempt(material, "hs.6a1.01", 3, completion="incomplete", score_scaled=None)
        attempt(material, "hs.6a1.02", 1, completion="incomplete")
        material_id, best_id = material.id, best.id
    login("gv.toan")
    response = client.get(f"/materials/{material_id}/results")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("data-student=") == 2
    start = page.index('data-student="hs.6a1.01"')
    first = page[start:page.index("</tr>", start)]
    assert "6A1" in first and "<td>3</td>" in first  # class and attempts
    assert "85%" in first and "Đạt" in first and "1:02:05" in first
    assert "07/03/2026" in first
    if drill_down:
        assert drill_down.format(m=material_id, a=best_id) in first
    else:
        assert "Xem chi tiết" not in page


def test_learners_are_sorted_the_vietnamese_way(app, client, login, people):
    with app.app_context():
        material = make_material(people, "xerte")
        learners = students(6)
        for username in reversed(learners):
            attempt(material, username)
        expected = [u.username for u in db.session.scalars(
            sa.select(User).where(User.username.in_(learners)).order_by(User.sort_key))]
        material_id = material.id
    login("tt.toan")
    page = client.get(f"/materials/{material_id}/results").get_data(as_text=True)
    shown = [page.index(f'data-student="{username}"') for username in expected]
    assert shown == sorted(shown)


def test_the_page_takes_the_same_number_of_queries_for_2_or_20_learners(
        app, client, login, people):
    with app.app_context():
        material = make_material(people, "scorm")
        learners = students(20)
        assert len(learners) == 20
        for username in learners[:2]:
            attempt(material, username, score_scaled=0.5)
        material_id = material.id
    login("gv.toan")
    with counted_queries(app) as few:
        assert client.get(f"/materials/{material_id}/results").status_code == 200
    with app.app_context():
        material = db.session.get(Material, material_id)
        for username in learners[2:]:
            attempt(material, username, score_scaled=0.7)
            attempt(material, username, number=2, score_scaled=0.9)
    with counted_queries(app) as more:
        page = client.get(f"/materials/{material_id}/results").get_data(as_text=True)
    assert page.count("data-student=") == 20
    assert len(more) == len(few)


@pytest.mark.parametrize("approved", [False, True])
def test_authors_heads_and_the_board_see_the_results_others_are_refused(
        app, demo, people, approved):
    with app.app_context():
        material_id = make_material(people, "video", approved=approved).id
    check_route_matrix(app, demo, {
        "material_results.results": Case(BOARD_AND_ADMIN | TOAN, {"id": material_id})})


def test_a_co_author_sees_the_results_a_teacher_of_another_department_does_not(
        app, client, login, people):
    with app.app_context():
        material = make_material(people, "xerte", approved=True)
        material.co_authors.append(MaterialAuthor(user=people.user("tt.van")))
        db.session.commit()
        material_id = material.id
    login("tt.van")
    assert client.get(f"/materials/{material_id}/results").status_code == 200
    login("gv.tin")
    assert client.get(f"/materials/{material_id}/results").status_code == 403


def test_the_material_page_links_to_the_results_for_those_allowed(app, client, login, people):
    with app.app_context():
        material_id = make_material(people, "xerte", approved=True).id
    link = f'href="/materials/{material_id}/results"'
    login("tp.toan")
    assert link in client.get(f"/materials/{material_id}").get_data(as_text=True)
    login("hs.6a1.01")
    page = client.get(f"/materials/{material_id}").get_data(as_text=True)
    assert "Mở học liệu" in page and link not in page
