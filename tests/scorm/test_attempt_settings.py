"""The teacher's attempt settings page: who may use it, validation, and its effect on new
attempts and on the grade the report shows; the links on the material page."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import LearningAttempt
from plugins.scorm.models import ScormPackage
from tests.scorm.conftest import player_config

pytestmark = pytest.mark.plugins("scorm")

STUDENT = "hs.6a1.01"
VALID = {"attempt_policy": "when_passed", "max_attempts": "2", "grading_method": "average",
         "sco_grading": "sum"}


def settings_of(app, material_id):
    with app.app_context():
        package = db.session.scalar(sa.select(ScormPackage))
        return {"attempt_policy": package.attempt_policy, "max_attempts": package.max_attempts,
                "grading_method": package.grading_method, "sco_grading": package.sco_grading}


def test_the_author_saves_the_settings(app, client, login, scorm_package):
    material_id = scorm_package()
    login("gv.toan")
    page = client.get(f"/scorm/settings/{material_id}").get_data(as_text=True)
    assert "Cài đặt lượt làm" in page and '<option selected value="when_completed">' in page
    response = client.post(f"/scorm/settings/{material_id}", data=VALID)
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200
    assert settings_of(app, material_id) == {**VALID, "max_attempts": 2}


@pytest.mark.parametrize("change, message", [
    ({"max_attempts": "ba"}, "Hãy nhập một số nguyên, ví dụ 3."),
    ({"max_attempts": ""}, "Hãy nhập số lượt tối đa (0 là không giới hạn)."),
    ({"max_attempts": "-1"}, "Số lượt tối đa phải từ 0 đến 100."),
    ({"max_attempts": "1000"}, "Số lượt tối đa phải từ 0 đến 100."),
    ({"attempt_policy": "never", "max_attempts": "3"},
     "Đã chọn không cho làm lại thì số lượt tối đa chỉ có thể là 0 hoặc 1."),
    ({"attempt_policy": "moi-ngay"}, "Lựa chọn không hợp lệ."),
    ({"grading_method": "median"}, "Lựa chọn không hợp lệ."),
    ({"sco_grading": ""}, "Lựa chọn không hợp lệ."),
])
def test_bad_settings_get_a_vietnamese_message_and_change_nothing(app, client, login,
                                                                  scorm_package, change, message):
    material_id = scorm_package()
    before = settings_of(app, material_id)
    login("gv.toan")
    response = client.post(f"/scorm/settings/{material_id}", data={**VALID, **change})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert settings_of(app, material_id) == before


def _finish_attempt(client, material_id, raw):
    item = player_config(client, material_id)["items"][0]
    session = client.get(item["state"]).get_json()["session"]
    client.post(f"{item['commit']}?session={session}", json={"cmi": {"core": {
        "lesson_status": "passed", "score": {"raw": str(raw), "min": "0", "max": "100"},
        "session_time": "00:01:00"}}, "commitSequence": 1})


def _attempt_count(app, material_id):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(LearningAttempt.id)).where(
            LearningAttempt.material_id == material_id))


def test_the_policy_and_limit_decide_new_attempts(app, client, login, scorm_package):
    material_id = scorm_package()
    login("gv.toan")
    client.post(f"/scorm/settings/{material_id}",
                data={**VALID, "attempt_policy": "always", "max_attempts": "2"})
    login(STUDENT)
    _finish_attempt(client, material_id, 40)
    _finish_attempt(client, material_id, 90)
    assert _attempt_count(app, material_id) == 2
    # the limit is reached: the last attempt opens again, for review only
    assert "Chế độ xem lại" in client.get(f"/scorm/play/{material_id}").get_data(as_text=True)
    assert _attempt_count(app, material_id) == 2

    login("gv.toan")
    client.post(f"/scorm/settings/{material_id}", data={**VALID, "attempt_policy": "never",
                                                        "max_attempts": "0"})
    login(STUDENT)
    client.get(f"/scorm/play/{material_id}")
    assert _attempt_count(app, material_id) == 2


@pytest.mark.parametrize("method, shown", [("highest", "90%"), ("first", "40%"),
                                           ("average", "65%")])
def test_the_report_grades_attempts_by_the_chosen_method(app, client, login, scorm_package,
                                                         method, shown):
    material_id = scorm_package()
    login("gv.toan")
    client.post(f"/scorm/settings/{material_id}",
                data={**VALID, "attempt_policy": "always", "grading_method": method})
    login(STUDENT)
    _finish_attempt(client, material_id, 40)
    _finish_attempt(client, material_id, 90)
    login("gv.toan")
    page = client.get(f"/scorm/report/{material_id}").get_data(as_text=True)
    row = page.split(f'data-student="{STUDENT}"')[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in row.split("<td>")[1:]]
    assert cells[3] == shown and cells[4] == "2"


@pytest.mark.parametrize("username, report, settings", [
    ("gv.toan", True, True),      # the author
    ("tt.toan", True, True),      # head of the department
    ("tp.toan", True, True),      # deputy head
    ("hieutruong", True, False),  # the board reads reports, the teachers set the rules
    ("gv.van", False, False),     # a teacher of another department
    (STUDENT, False, False),
])
def test_the_material_page_links_to_the_report_and_the_settings(client, login, scorm_package,
                                                                username, report, settings):
    material_id = scorm_package()
    login(username)
    page = client.get(f"/materials/{material_id}").get_data(as_text=True)
    assert (f'href="/scorm/report/{material_id}"' in page) is report
    assert ("Báo cáo học sinh" in page) is report
    assert (f'href="/scorm/settings/{material_id}"' in page) is settings
    assert ("Cài đặt lượt làm" in page) is settings


def test_a_co_author_may_change_the_settings(app, client, login, demo, scorm_package):
    from lms.models import MaterialAuthor

    material_id = scorm_package()
    login("gv.tin")
    assert client.get(f"/scorm/settings/{material_id}").status_code == 403  # a colleague
    with app.app_context():
        db.session.add(MaterialAuthor(material_id=material_id, user_id=demo["gv.tin"]))
        db.session.commit()
    assert client.get(f"/scorm/settings/{material_id}").status_code == 200


def test_a_version_uploaded_later_follows_the_saved_settings(app, client, login, tmp_path,
                                                              scorm_package):
    from lms.models import Material, User
    from lms.packages.importer import import_package_file
    from tests.scorm.conftest import scorm_zip

    material_id = scorm_package()
    login("gv.toan")
    client.post(f"/scorm/settings/{material_id}", data=VALID)
    with app.app_context():
        author = db.session.scalar(sa.select(User).where(User.username == "gv.toan"))
        material = import_package_file(
            scorm_zip(tmp_path / "ban-2.zip", "2004", ("Bài 1", "Bài 2")), filename="ban-2.zip",
            department=author.department, author=author,
            material=db.session.get(Material, material_id), change_note="Thêm bài 2")
        packages = {version.number: db.session.scalar(
            sa.select(ScormPackage).where(ScormPackage.version_id == version.id))
            for version in material.versions}
        assert sorted(packages) == [1, 2]
        for package in packages.values():
            assert {name: getattr(package, name) for name in VALID} == {
                **VALID, "max_attempts": 2}
