"""The demo school's content that plugins seed (`flask lms seed-demo`): lessons built in code and
approved through the library's steps, gv.toan's assignments in every state, a partly filled
gradebook. Seeding runs here through `lms.seed.seed_plugins_demo`, as the CLI runs it.
"""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
import sqlalchemy as sa
from lxml import etree

from lms.extensions import db
from lms.models import AuditLog, Department, LearningAttempt, Material, SchoolYear, User
from lms.models.base import utcnow
from lms.seed import seed_plugins_demo
from plugins.assignments import demo as assignments_demo
from plugins.assignments.models import Assignment, Submission, SubmissionEvent
from plugins.gradebook.models import Change, Entry, Sheet, SubjectRule
from plugins.library.models import ApprovalStep
from plugins.scorm.demo_lessons import LESSONS, PACKAGE_FILES, build_package
from plugins.video import media
from plugins.video.demo_lesson import TITLE as VIDEO_TITLE

CP_12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
CP_2004 = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
#: what each version's manifest must say: content-packaging namespace, adlcp namespace and
#: the spelling of the SCO attribute, schemaversion
MANIFEST_RULES = {
    "1.2": (CP_12, ADLCP_12, "scormtype", "1.2", "1.2"),
    "2004": (CP_2004, ADLCP_2004, "scormType", "2004 4th Edition", "2004 4th Edition"),
}
SCORM_TITLES = [lesson.title for lesson in LESSONS]


@pytest.fixture
def demo_content(app, demo):
    """The demo school with every loaded plugin's demo content; returns the notes printed."""
    with app.app_context():
        return seed_plugins_demo()


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def _row_counts() -> dict[str, int]:
    models = (Material, ApprovalStep, LearningAttempt, Submission, SubmissionEvent, SubjectRule,
              Sheet, Entry, Change, AuditLog)
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in models}


def test_seeding_twice_creates_nothing_new(app, demo_content):
    with app.app_context():
        before = _row_counts()
        assert before["Material"] >= 2 and before["Submission"] > 0 and before["Entry"] > 0
        assert seed_plugins_demo() == []
        assert _row_counts() == before


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.scorm_version)
def test_demo_scorm_packages_inspect_cleanly_and_follow_their_version(app, tmp_path, lesson):
    from lms.packages.importer import inspect_package_file

    data = build_package(lesson)
    path = tmp_path / lesson.filename
    path.write_bytes(data)
    with app.app_context():
        content_type, inspection = inspect_package_file(path, filename=lesson.filename)
    assert content_type.id == "scorm"
    assert inspection.problems == []  # not even a warning
    cp, adlcp, attribute, schemaversion, version = MANIFEST_RULES[lesson.scorm_version]
    assert inspection.version == version
    assert inspection.title == lesson.title
    assert inspection.launch_points == ["index.html"]

    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    assert manifest.tag == f"{{{cp}}}manifest"
    assert manifest.findtext(f"{{{cp}}}metadata/{{{cp}}}schema") == "ADL SCORM"
    assert manifest.findtext(f"{{{cp}}}metadata/{{{cp}}}schemaversion") == schemaversion
    organizations = manifest.find(f"{{{cp}}}organizations")
    organization = organizations.find(f"{{{cp}}}organization")
    assert organizations.get("default") == organization.get("identifier")
    resources = {r.get("identifier"): r for r in manifest.iter(f"{{{cp}}}resource")}
    items = list(organization.iter(f"{{{cp}}}item"))
    assert items and all(item.get("identifierref") in resources for item in items)
    for resource in resources.values():
        assert resource.get(f"{{{adlcp}}}{attribute}") == "sco"
        listed = [f.get("href") for f in resource.iter(f"{{{cp}}}file")]
        assert resource.get("href") in listed
        assert sorted(listed) == sorted(PACKAGE_FILES)
    # every file is declared, and nothing declared is missing
    assert sorted(archive.namelist()) == sorted(["imsmanifest.xml", *PACKAGE_FILES])
    page = archive.read("index.html").decode()
    assert f'data-scorm="{lesson.scorm_version}"' in page
    assert page.count("<fieldset") == len(lesson.questions) == 3


#: the LMS side for the SCO: the version's API on the top window, recording every call
HOST_PAGE = """<!DOCTYPE html><html><body><script>
window.calls = [];
var store = {"cmi.core.lesson_status": "not attempted", "cmi.completion_status": "unknown",
             "cmi.interactions._count": "0"};
function api(names) {
  var object = {};
  names.forEach(function (name) {
    object[name] = function (key, value) {
      window.calls.push([name, key === undefined ? "" : key, value === undefined ? null : value]);
      if (/GetValue$/.test(name)) { return store[key] || ""; }
      if (/SetValue$/.test(name)) { store[key] = value; }
      return "true";
    };
  });
  object[names[0].replace(/Initialize$/, "GetLastError")] = function () { return "0"; };
  return object;
}
if (location.hash === "#1.2") {
  window.API = api(["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSFinish"]);
} else {
  window.API_1484_11 = api(["Initialize", "GetValue", "SetValue", "Commit", "Terminate"]);
}
</script><iframe id="wrap" src="wrap.html" width="420" height="800"></iframe></body></html>"""
#: a frame between the LMS and the SCO, as players have: the SCO must walk up to find the API
WRAP_PAGE = '<!DOCTYPE html><iframe id="sco" src="pkg/index.html" width="400" height="780">'


@pytest.fixture(scope="module")
def chromium():
    from pathlib import Path

    if not Path("/usr/bin/chromium").exists():
        pytest.skip("/usr/bin/chromium is missing: run `make browser`")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update"])
        try:
            yield browser
        finally:
            browser.close()


def _play(chromium, lesson, choices: list[int]) -> tuple[str, list[list]]:
    """Open the lesson inside a frame under a recording API, page through it, answer the quiz
    with option indices `choices`, submit and leave; return the result line and the calls."""
    files = {name: zipfile.ZipFile(io.BytesIO(build_package(lesson))).read(name)
             for name in PACKAGE_FILES}
    types = {"html": "text/html", "css": "text/css", "js": "text/javascript"}

    def serve(route):
        path = route.request.url.split("http://sco.test/", 1)[1].split("#")[0]
        if path == "host.html":
            return route.fulfill(body=HOST_PAGE, content_type="text/html")
        if path == "wrap.html":
            return route.fulfill(body=WRAP_PAGE, content_type="text/html")
        name = path.removeprefix("pkg/")
        if name not in files:
            return route.fulfill(status=404, body="")
        return route.fulfill(body=files[name], content_type=types[name.rsplit(".", 1)[1]])

    context = chromium.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.route("http://sco.test/**", serve)
        page.goto(f"http://sco.test/host.html#{lesson.scorm_version}")
        sco = page.frame_locator("#wrap").frame_locator("#sco")
        for _page in lesson.pages:
            sco.get_by_role("button", name="Tiếp →").click()
        for number, choice in enumerate(choices, start=1):
            sco.locator(f"#cau-{number} input").nth(choice).check()
        sco.get_by_role("button", name="Nộp bài").click()
        result = sco.locator("#result").inner_text()
        # leaving the lesson (the player closes the frame) ends the session
        page.frame_locator("#wrap").locator("#sco").evaluate("frame => frame.remove()")
        page.wait_for_function("window.calls.some(c => /Finish|Terminate/.test(c[0]))")
        return result, page.evaluate("window.calls")
    finally:
        context.close()


@pytest.mark.browser
def test_scorm_12_lesson_reports_to_the_12_api_it_finds_up_the_frames(chromium):
    lesson = next(item for item in LESSONS if item.scorm_version == "1.2")
    result, calls = _play(chromium, lesson, [q.correct for q in lesson.questions])
    assert "đúng 3/3" in result
    assert calls[0][0] == "LMSInitialize" and calls[-1][0] == "LMSFinish"
    values = {key: value for name, key, value in calls if name == "LMSSetValue"}
    assert values["cmi.core.lesson_status"] == "passed"
    assert (values["cmi.core.score.raw"], values["cmi.core.score.min"],
            values["cmi.core.score.max"]) == ("100", "0", "100")
    assert values["cmi.core.exit"] == ""
    assert [values[f"cmi.interactions.{n}.result"] for n in range(3)] == ["correct"] * 3
    assert ["LMSSetValue", "cmi.core.lesson_status", "incomplete"] in calls  # on opening
    assert all(name.startswith("LMS") for name, _k, _v in calls)  # never the 2004 API
    assert [name for name, _k, _v in calls].count("LMSCommit") >= 2


@pytest.mark.browser
def test_scorm_2004_lesson_reports_completion_success_and_scaled_score(chromium):
    lesson = next(item for item in LESSONS if item.scorm_version == "2004")
    choices = [q.correct for q in lesson.questions]
    choices[2] = (choices[2] + 1) % len(lesson.questions[2].options)  # one wrong answer
    result, calls = _play(chromium, lesson, choices)
    assert "đúng 2/3" in result
    assert calls[0][0] == "Initialize" and calls[-1][0] == "Terminate"
    values = {key: value for name, key, value in calls if name == "SetValue"}
    assert (values["cmi.completion_status"], values["cmi.success_status"]) == (
        "completed", "passed")
    assert (values["cmi.score.scaled"], values["cmi.score.raw"]) == ("0.67", "67")
    assert values["cmi.exit"] == "normal"
    assert values["cmi.session_time"].startswith("PT")
    assert [values[f"cmi.interactions.{n}.result"] for n in range(3)] == [
        "correct", "correct", "incorrect"]
    assert values["cmi.interactions.2.learner_response"] != values[
        "cmi.interactions.2.correct_responses.0.pattern"]


def test_demo_lessons_are_approved_by_the_real_steps_and_count_toward_toan(app, demo_content):
    from plugins.targets.counting import department_counts

    with app.app_context():
        toan = db.session.scalar(sa.select(Department).where(Department.code == "TOAN"))
        titles = SCORM_TITLES + ([VIDEO_TITLE] if media.ffmpeg_available() else [])
        materials = list(db.session.scalars(sa.select(Material).where(
            Material.department_id == toan.id, Material.title.in_(titles))))
        assert sorted(m.title for m in materials) == sorted(titles)
        for material in materials:
            assert material.status == "approved" and material.approved_at is not None
            assert material.live_version_id == material.latest_version.id
            assert (material.subject.code, material.grade_level.number) == ("TOAN", 6)
            assert material.lesson.startswith("Bài ")
            steps = db.session.execute(
                sa.select(ApprovalStep.action, User.username)
                .join(User, User.id == ApprovalStep.actor_id)
                .where(ApprovalStep.material_id == material.id)
                .order_by(ApprovalStep.at, ApprovalStep.id)).all()
            assert [tuple(s) for s in steps] == [
                ("submit", "gv.toan"), ("pass", "tt.toan"), ("approve", "hieutruong")]
        approved, pending = department_counts(SchoolYear.current(), utcnow(), [toan.id])[toan.id]
        assert (approved, pending) == (len(titles), 0)


def test_video_lesson_has_two_timed_questions(app, demo_content):
    if not media.ffmpeg_available():
        pytest.skip("ffmpeg is not installed: the demo video is skipped (see the next test)")
    from plugins.video.content_type import lesson_for

    with app.app_context():
        material = db.session.scalar(sa.select(Material).where(Material.title == VIDEO_TITLE))
        lesson = lesson_for(material)
        assert lesson.playable and lesson.playable_mime == "video/mp4" and not lesson.jobs
        assert lesson.media_info["width"] == 640 and lesson.media_info["height"] == 360
        assert 19 <= lesson.duration_seconds <= 21
        assert [q["time"] for q in lesson.questions] == [8, 17]
        assert all(q["time"] < lesson.duration_seconds for q in lesson.questions)


def test_without_ffmpeg_the_video_is_skipped_with_a_note(app, demo, monkeypatch):
    monkeypatch.setattr(media, "ffmpeg_available", lambda: False)
    with app.app_context():
        notes = seed_plugins_demo()
        assert any("ffmpeg" in note and "video" in note for note in notes)
        assert db.session.scalar(sa.select(Material.id).where(Material.title == VIDEO_TITLE)) \
            is None
        assert any(assignments_demo.VIDEO_TITLE in note for note in notes)
        # everything else is there
        assert db.session.scalar(sa.select(sa.func.count(Material.id))) == len(LESSONS)
        assert db.session.scalar(sa.select(sa.func.count(Submission.id))) > 0


def test_the_students_todo_shows_every_state(app, demo_content):
    from plugins.assignments.status import Status
    from plugins.assignments.views.listing import student_rows

    with app.app_context():
        student = _user("hs.6a1.01")
        rows = {row.assignment.title: row.info for row in student_rows(student.id, utcnow())}
        assert rows[assignments_demo.LESSON_TITLE].status == Status.NOT_STARTED
        assert rows[assignments_demo.LESSON_TITLE].due_soon
        assert rows[assignments_demo.HOMEWORK_TITLE].status == Status.MISSING
        assert rows[assignments_demo.PAPER_TITLE].status == Status.RETURNED
        assert rows[assignments_demo.COMPARE_TITLE].status == Status.TURNED_IN
        if media.ffmpeg_available():
            assert rows[assignments_demo.VIDEO_TITLE].status == Status.IN_PROGRESS
        late = {row.submission.student.username for row in
                _rows_of(assignments_demo.HOMEWORK_TITLE) if row.info.status == Status.LATE}
        assert late == {"hs.6a1.03", "hs.6a2.04"}


def _rows_of(title: str):
    from plugins.assignments.views.listing import rows_for

    submissions = list(db.session.scalars(
        sa.select(Submission).join(Assignment).where(Assignment.title == title)))
    return rows_for(submissions, utcnow())


def test_a_finished_lesson_was_turned_in_by_the_tracking_handler(app, demo_content):

    with app.app_context():
        finished = db.session.scalar(
            sa.select(Submission).join(Assignment)
            .where(Assignment.title == assignments_demo.LESSON_TITLE,
                   Submission.student_id == _user("hs.6a1.02").id))
        assert finished.state == "turned_in" and finished.proposed_score == Decimal(10)
        attempt = db.session.get(LearningAttempt, finished.attempt_id)
        assert (attempt.completion, attempt.success, attempt.score_scaled) == (
            "completed", "passed", 1.0)
        turned_in = db.session.scalar(sa.select(SubmissionEvent).where(
            SubmissionEvent.submission_id == finished.id, SubmissionEvent.action == "turned_in"))
        assert turned_in.actor_id is None and turned_in.details == {"automatic": True}


def test_released_grades_reach_the_parent_and_the_gradebook(app, demo_content):

    with app.app_context():
        student, parent = _user("hs.6a1.01"), _user("ph.6a1.01")
        assert parent.is_parent_of(student.id)
        released = db.session.scalar(
            sa.select(Submission).join(Assignment)
            .where(Assignment.title == assignments_demo.PAPER_TITLE,
                   Submission.student_id == student.id))
        assert released.state == "returned" and released.released_score == Decimal("8.5")
        assert released.released_comment and released.on_paper
        # a draft of 6A2 is not released
        draft = db.session.scalar(
            sa.select(Submission).join(Assignment)
            .where(Assignment.title == assignments_demo.HOMEWORK_TITLE,
                   Submission.student_id == _user("hs.6a2.03").id))
        assert draft.score == Decimal("6.5") and draft.released_at is None

        rules = {(r.subject.code, r.grade_level.number): r for r in
                 db.session.scalars(sa.select(SubjectRule))}
        assert len(rules) == 8 * 4
        assert rules["GDTC", 6].comment_only and not rules["TOAN", 6].comment_only
        assert rules["ANH", 9].periods_per_year == 105

        entries = db.session.execute(
            sa.select(Sheet.subject_id, Entry.slot, User.username, Entry.score, Entry.passed,
                      Entry.source)
            .join(Entry, Entry.sheet_id == Sheet.id).join(User, User.id == Entry.student_id)
        ).all()
        toan = {(slot, name): (score, source) for subject, slot, name, score, _p, source
                in entries if score is not None}
        students_6a1 = [f"hs.6a1.{n:02d}" for n in range(1, 6)]
        for name in students_6a1:
            assert toan["tx1", name][1] == toan["tx2", name][1] == "typed"
        assert toan["tx3", "hs.6a1.02"] == (Decimal("9.5"), "assignment")
        assert toan["tx3", "hs.6a1.04"] == (Decimal("7.0"), "assignment")
        assert ("tx3", "hs.6a1.01") not in toan  # missing homework: no grade to take
        gdtc = {name: passed for _s, slot, name, _score, passed, _src in entries
                if passed is not None and slot == "tx1"}
        assert sorted(gdtc) == students_6a1 and set(gdtc.values()) == {True, False}


@pytest.mark.parametrize("username", ["hs.6a1.01", "ph.6a1.01", "gv.toan", "tt.toan",
                                      "hieutruong"])
def test_every_demo_roles_home_opens_on_the_seeded_school(client, login, demo_content, username):
    login(username)
    response = client.get("/")
    assert response.status_code == 200


def test_the_student_and_the_parent_read_the_work_and_the_released_grade(
        app, client, login, demo_content):
    with app.app_context():
        student = _user("hs.6a1.01")
        written = db.session.scalar(
            sa.select(Submission).join(Assignment)
            .where(Submission.student_id == student.id,
                   Assignment.title == assignments_demo.COMPARE_TITLE))
        assert "3/5 &gt; 4/7" in written.text
        assert written.started_at < written.turned_in_at
    login("hs.6a1.01")
    todo = client.get("/assignments/todo").get_data(as_text=True)
    titles = [assignments_demo.LESSON_TITLE, assignments_demo.HOMEWORK_TITLE,
              assignments_demo.PAPER_TITLE, assignments_demo.COMPARE_TITLE]
    assert all(title in todo for title in titles) and "8,5" in todo
    login("ph.6a1.01")
    children = client.get("/assignments/children", follow_redirects=True)
    assert children.status_code == 200
    page = children.get_data(as_text=True)
    assert assignments_demo.PAPER_TITLE in page and "8,5" in page


@pytest.mark.plugins("scorm", "video", "assignments", "gradebook")
def test_without_the_library_lessons_are_skipped_and_the_rest_still_seeds(app, demo):
    with app.app_context():
        notes = seed_plugins_demo()
        assert sum("plugin library" in note for note in notes) == 2  # SCORM and video
        assert db.session.scalar(sa.select(sa.func.count(Material.id))) == 0
        titles = set(db.session.scalars(sa.select(Assignment.title)))
        assert titles == {assignments_demo.HOMEWORK_TITLE, assignments_demo.PAPER_TITLE,
                          assignments_demo.COMPARE_TITLE}
        assert db.session.scalar(sa.select(sa.func.count(Entry.id))) > 0
        before = _row_counts()
        assert all("Bỏ qua" in note for note in seed_plugins_demo())  # only the reasons again
        assert _row_counts() == before
