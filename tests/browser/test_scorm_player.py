"""The SCORM player in a real browser: packages whose pages really call the SCORM API, played
from the content origin (localhost) inside the LMS page (127.0.0.1), resumed in a new tab, read
in the teacher's report; the content frame's isolation from the LMS."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.extensions import db

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is missing")
expect = sync_api.expect

pytestmark = pytest.mark.plugins("scorm")

PHONE = {"width": 360, "height": 740}

#: CMI element names of each version, for the one SCO page both versions share.
ELEMENTS = {
    "1.2": {"api": "API", "initialize": "LMSInitialize", "get": "LMSGetValue",
            "set": "LMSSetValue", "commit": "LMSCommit", "finish": "LMSFinish",
            "entry": "cmi.core.entry", "location": "cmi.core.lesson_location",
            "completion": "cmi.core.lesson_status", "success": "cmi.core.lesson_status",
            "raw": "cmi.core.score.raw", "min": "cmi.core.score.min",
            "max": "cmi.core.score.max", "scaled": None, "exit": "cmi.core.exit"},
    "2004": {"api": "API_1484_11", "initialize": "Initialize", "get": "GetValue",
             "set": "SetValue", "commit": "Commit", "finish": "Terminate",
             "entry": "cmi.entry", "location": "cmi.location",
             "completion": "cmi.completion_status", "success": "cmi.success_status",
             "raw": "cmi.score.raw", "min": "cmi.score.min", "max": "cmi.score.max",
             "scaled": "cmi.score.scaled", "exit": "cmi.exit"},
}

# A two-question quiz, as authoring tools make them: question 1 is answered, the learner leaves
# (suspend), and on return the page opens at question 2 with the first answer restored from
# suspend_data. A note field changes suspend_data WITHOUT a Commit: only the player's page-hide
# beacon can save it. Finishing question 2 completes and passes the SCO.
QUIZ_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p>API: <output id="api-found">chưa tìm</output> · Lần vào: <output id="entry"></output></p>
<p>Vị trí: <output id="location"></output></p>
<p>Dữ liệu: <output id="suspend"></output></p>
<form id="q1"><p>Câu 1: 1/2 + 1/4 = ?</p>
  <label><input type="radio" name="a1" value="2/6"> 2/6</label>
  <label><input type="radio" name="a1" value="3/4"> 3/4</label>
  <button type="submit">Nộp câu 1</button></form>
<form id="q2" hidden><p>Câu 2: 0,5 = ?</p>
  <label><input type="radio" name="a2" value="1/2"> 1/2</label>
  <label><input type="radio" name="a2" value="1/5"> 1/5</label>
  <button type="submit">Nộp câu 2</button></form>
<label>Ghi chú <input id="note" name="note"></label>
<p id="done" hidden>Đã hoàn thành bài.</p>
<script>
var E = {elements};
function findAPI(win) {{
  for (var hops = 0; win && hops < 10; hops++) {{
    try {{ if (win[E.api]) {{ return win[E.api]; }} }} catch (e) {{ /* another origin */ }}
    if (win.parent === win) {{ break; }}
    win = win.parent;
  }}
  return null;
}}
var api = findAPI(window);
document.getElementById("api-found").textContent = api ? E.api : "không có";
var state = {{}};
if (api) {{
  api[E.initialize]("");
  var saved = api[E.get]("cmi.suspend_data");
  try {{ state = saved ? JSON.parse(saved) : {{}}; }} catch (e) {{ state = {{}}; }}
  var where = api[E.get](E.location);
  document.getElementById("entry").textContent = api[E.get](E.entry);
  document.getElementById("location").textContent = where;
  document.getElementById("suspend").textContent = saved;
  document.getElementById("note").value = state.note || "";
  if (where === "cau-2") {{
    document.getElementById("q1").hidden = true;
    document.getElementById("q2").hidden = false;
  }}
}}
function set(name, value) {{ if (name) {{ api[E.set](name, String(value)); }} }}
function save(status, success, raw, where, exit) {{
  var text = JSON.stringify(state);
  set(E.raw, raw); set(E.min, 0); set(E.max, 100);
  if (E.scaled) {{ set(E.scaled, raw / 100); }}
  if (E.completion === E.success) {{ set(E.completion, success || status); }}
  else {{ set(E.completion, status); if (success) {{ set(E.success, success); }} }}
  set(E.location, where);
  set("cmi.suspend_data", text);
  set(E.exit, exit);
  api[E.commit]("");
  document.getElementById("location").textContent = where;
  document.getElementById("suspend").textContent = text;
}}
document.getElementById("q1").addEventListener("submit", function (event) {{
  event.preventDefault();
  state.a1 = new FormData(event.target).get("a1");
  save("incomplete", "", state.a1 === "3/4" ? 50 : 0, "cau-2", "suspend");
  document.getElementById("q1").hidden = true;
  document.getElementById("q2").hidden = false;
}});
document.getElementById("q2").addEventListener("submit", function (event) {{
  event.preventDefault();
  state.a2 = new FormData(event.target).get("a2");
  var raw = (state.a1 === "3/4" ? 50 : 0) + (state.a2 === "1/2" ? 50 : 0);
  save("completed", raw >= 50 ? "passed" : "failed", raw, "ket-thuc", "");
  api[E.finish]("");
  document.getElementById("q2").hidden = true;
  document.getElementById("done").hidden = false;
}});
document.getElementById("note").addEventListener("change", function (event) {{
  state.note = event.target.value;
  set("cmi.suspend_data", JSON.stringify(state));
  document.getElementById("suspend").textContent = JSON.stringify(state);
}});
</script>
</body></html>"""

# A page of a multi-SCO lesson: it reports itself completed and commits as soon as it opens.
LESSON_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>Trạng thái: <output id="status">chưa kết nối</output></p>
<script>
var api = null;
for (var win = window, hops = 0; win && hops < 10; hops++) {{
  try {{ if (win.API_1484_11) {{ api = win.API_1484_11; break; }} }} catch (e) {{}}
  if (win.parent === win) {{ break; }}
  win = win.parent;
}}
if (api) {{
  api.Initialize("");
  api.SetValue("cmi.completion_status", "completed");
  api.Commit("");
  document.getElementById("status").textContent = "đã ghi";
}}
</script></body></html>"""


def _manifest(version: str, titles: list[str], *, control: str = "") -> str:
    if version == "1.2":
        ns = ('xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
              'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"')
        schemaversion, sco_type = "1.2", 'adlcp:scormtype="sco"'
    else:
        ns = ('xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
              'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" '
              'xmlns:imsss="http://www.imsglobal.org/xsd/imsss"')
        schemaversion, sco_type = "2004 4th Edition", 'adlcp:scormType="sco"'
    items = "".join(f'<item identifier="item{n}" identifierref="res{n}"><title>{title}</title>'
                    "</item>" for n, title in enumerate(titles, 1))
    resources = "".join(
        f'<resource identifier="res{n}" type="webcontent" {sco_type} href="sco{n}/index.html">'
        f'<file href="sco{n}/index.html"/></resource>' for n in range(1, len(titles) + 1))
    sequencing = (f"<imsss:sequencing><imsss:controlMode {control}/></imsss:sequencing>"
                  if control else "")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest identifier="goi" {ns}>'
            f"<metadata><schema>ADL SCORM</schema><schemaversion>{schemaversion}</schemaversion>"
            f'</metadata><organizations default="org"><organization identifier="org">'
            f"<title>{titles[0]} ({version})</title>{items}{sequencing}</organization>"
            f"</organizations><resources>{resources}</resources></manifest>")


def quiz_package(path: Path, version: str) -> Path:
    """A single-SCO package of the quiz page."""
    title = f"Phân số {version}"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", _manifest(version, [title]))
        archive.writestr("sco1/index.html", QUIZ_PAGE.format(
            title=title, elements=json.dumps(ELEMENTS[version])))
    return path


def lessons_package(path: Path, titles: list[str]) -> Path:
    """A SCORM 2004 package of one SCO per title, with choice and flow navigation."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml",
                         _manifest("2004", titles, control='choice="true" flow="true"'))
        for n, title in enumerate(titles, 1):
            archive.writestr(f"sco{n}/index.html", LESSON_PAGE.format(title=title))
    return path


def import_approved(app, path: Path, author: str = "gv.toan") -> int:
    """Import through the real importer, then approve straight in the database (approval is
    the library's business, not what these tests are about)."""
    from lms.models import Material, User
    from lms.models.base import utcnow
    from lms.packages.importer import import_package_file

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == author))
        material = import_package_file(path, filename=path.name, department=user.department,
                                       author=user)
        material = db.session.get(Material, material.id)
        material.status = "approved"
        material.approved_at = utcnow()
        material.live_version_id = material.latest_version.id
        material.latest_version.status = "approved"
        material.latest_version.approved_at = material.approved_at
        db.session.commit()
        return material.id


def sco_frame(page, title: str):
    """The frame of the SCO page (inside the shim frame), once it shows `title`."""
    for _ in range(100):
        for frame in page.frames:
            if "/scorm/content/" in frame.url:
                try:
                    if frame.locator("h1").inner_text(timeout=200) == title:
                        return frame
                except sync_api.Error:  # the frame detached or navigated meanwhile
                    continue
        page.wait_for_timeout(100)
    raise AssertionError(f"no SCO frame shows {title!r}; frames: "
                         + ", ".join(frame.url for frame in page.frames))


def open_player(page, material_id: int, title: str):
    page.goto(f"/scorm/play/{material_id}")
    frame = sco_frame(page, title)
    expect(frame.locator("#api-found")).not_to_have_text("chưa tìm")
    return frame


def stored_state(app, material_id: int) -> dict:
    """The newest SCO state the server holds for the material (the CMI tree it merged)."""
    from lms.models import LearningAttempt
    from plugins.scorm.models import ScormScoState

    with app.app_context():
        row = db.session.scalar(
            sa.select(ScormScoState).join(LearningAttempt,
                                          LearningAttempt.id == ScormScoState.attempt_id)
            .where(LearningAttempt.material_id == material_id)
            .order_by(ScormScoState.updated_at.desc()).limit(1))
        return dict(row.stored["state"]) if row else {}


def wait_for_server(page, app, material_id: int, check) -> dict:
    """Poll the stored state until `check(state)` holds (a beacon lands after the tab closed)."""
    state = {}
    for _ in range(150):
        state = stored_state(app, material_id)
        if check(state):
            return state
        page.wait_for_timeout(100)
    raise AssertionError(f"the server never got the expected data; it has {state}")


@pytest.mark.parametrize("version, leave", [("1.2", "navigate"), ("2004", "close")])
def test_a_student_answers_leaves_and_resumes_then_the_teacher_sees_the_result(
        app, live_server, page, login_as, screenshot, tmp_path, version, leave):
    material_id = import_approved(app, quiz_package(tmp_path / f"quiz-{version}.zip", version))
    title = f"Phân số {version}"
    login_as(page, "hs.6a1.01")
    frame = open_player(page, material_id, title)
    expect(frame.locator("#api-found")).to_have_text(ELEMENTS[version]["api"])
    expect(frame.locator("#entry")).to_have_text("ab-initio")

    frame.get_by_label("3/4").check()
    frame.get_by_role("button", name="Nộp câu 1").click()
    expect(frame.locator("#location")).to_have_text("cau-2")
    wait_for_server(page, app, material_id, lambda s: s.get("location") == "cau-2")
    # Typed after the last Commit: only the beacon sent when the page goes away can save it.
    frame.get_by_label("Ghi chú").fill("xem lại câu 2")
    frame.get_by_label("Ghi chú").press("Tab")
    expect(frame.locator("#suspend")).to_contain_text("xem lại câu 2")
    if leave == "close":
        page.close(run_before_unload=True)  # pagehide, as when the learner closes the tab
    else:
        page.goto("/")  # the learner follows a link of the LMS
    wait_for_server(page.context.new_page(), app, material_id,
                    lambda s: "xem lại câu 2" in (s.get("suspend_data") or ""))

    again = page.context.new_page()
    frame = open_player(again, material_id, title)
    expect(frame.locator("#entry")).to_have_text("resume")
    expect(frame.locator("#location")).to_have_text("cau-2")
    expect(frame.locator("#suspend")).to_contain_text('"a1":"3/4"')
    expect(frame.get_by_label("Ghi chú")).to_have_value("xem lại câu 2")
    expect(frame.get_by_role("button", name="Nộp câu 2")).to_be_visible()
    screenshot(again, f"scorm-{version}-resumed")

    frame.get_by_label("1/2", exact=True).check()
    frame.get_by_role("button", name="Nộp câu 2").click()
    expect(frame.locator("#done")).to_be_visible()
    wait_for_server(again, app, material_id, lambda s: s.get("completion") == "completed")

    teacher = page.context.browser.new_context(base_url=live_server.url, locale="vi-VN")
    try:
        report = teacher.new_page()
        login_as(report, "gv.toan")
        report.goto(f"/scorm/report/{material_id}")
        row = report.locator('#scorm-report tr[data-student="hs.6a1.01"]')
        expect(row).to_contain_text("Hoàn thành")
        expect(row).to_contain_text("Đạt")
        expect(row).to_contain_text("100")
        screenshot(report, f"scorm-{version}-report")
    finally:
        teacher.close()


LESSONS = ["Bài 1: Phân số", "Bài 2: Số thập phân", "Bài 3: Tỉ số phần trăm"]


def test_a_multi_sco_package_is_navigated_by_its_toc_and_previous_next(
        app, live_server, page, login_as, screenshot, tmp_path):
    material_id = import_approved(app, lessons_package(tmp_path / "bai.zip", LESSONS))
    login_as(page, "hs.6a1.01")
    page.set_viewport_size(PHONE)
    page.goto(f"/scorm/play/{material_id}")
    toc = page.get_by_role("navigation", name="Mục lục bài học")
    current = page.locator("#scorm-current")
    previous = page.get_by_role("button", name="Bài trước")
    following = page.get_by_role("button", name="Bài tiếp")

    frame = sco_frame(page, LESSONS[0])
    expect(frame.locator("#status")).to_have_text("đã ghi")
    expect(current).to_have_text("1 / 3")
    expect(previous).to_be_disabled()
    expect(toc.get_by_role("button", name=LESSONS[0])).to_have_attribute("aria-current", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        "the player scrolls sideways on a phone")
    screenshot(page, "scorm-player-toc-360")

    toc.get_by_role("button", name=LESSONS[2]).click()
    frame = sco_frame(page, LESSONS[2])
    expect(frame.locator("#status")).to_have_text("đã ghi")
    expect(current).to_have_text("3 / 3")
    expect(following).to_be_disabled()
    expect(toc.get_by_role("button", name=LESSONS[2])).to_have_attribute("aria-current", "true")
    expect(toc.get_by_role("button", name=LESSONS[0])).to_have_attribute("aria-current", "false")

    previous.click()
    frame = sco_frame(page, LESSONS[1])
    expect(frame.locator("#status")).to_have_text("đã ghi")
    expect(current).to_have_text("2 / 3")
    following.click()
    sco_frame(page, LESSONS[2])
    expect(current).to_have_text("3 / 3")
    screenshot(page, "scorm-player-toc-360-last")

    # Every SCO the learner opened reported itself completed, so the attempt is complete.
    from lms.models import LearningAttempt

    for _ in range(150):
        with app.app_context():
            attempt = db.session.scalar(sa.select(LearningAttempt).where(
                LearningAttempt.material_id == material_id))
            if attempt is not None and attempt.completion == "completed":
                break
        page.wait_for_timeout(100)
    assert attempt.completion == "completed"


def test_the_content_frame_can_neither_read_nor_act_as_the_lms(
        app, live_server, page, login_as, tmp_path):
    material_id = import_approved(app, quiz_package(tmp_path / "quiz.zip", "2004"))
    # An IT admin: the account whose pages a hostile package would most like to read.
    login_as(page, "admin")
    frame = open_player(page, material_id, "Phân số 2004")
    assert frame.url.startswith(live_server.localhost_url + "/scorm/content/")
    lms_page = f"{live_server.url}/admin/users"
    # The LMS really serves that page to this browser, so a 200 from the frame would be a leak.
    assert page.evaluate("async (url) => (await fetch(url)).status", lms_page) == 200

    reading_the_lms_page = frame.evaluate("""() => {
        try { return "read: " + window.top.document.title; }
        catch (error) { return error.name; } }""")
    assert reading_the_lms_page == "SecurityError"
    assert frame.evaluate("() => document.cookie") == ""

    with_credentials = frame.evaluate("""async (url) => {
        try {
            const response = await fetch(url, {credentials: "include"});
            return {status: response.status, body: await response.text()};
        } catch (error) { return {error: error.name}; } }""", lms_page)
    assert with_credentials == {"error": "TypeError"}, with_credentials  # blocked by CORS
    opaque = frame.evaluate("""async (url) => {
        const response = await fetch(url, {credentials: "include", mode: "no-cors"});
        return {type: response.type, status: response.status,
                body: (await response.text()).length}; }""", lms_page)
    assert opaque == {"type": "opaque", "status": 0, "body": 0}

    # And the session cookie would not go along anyway: SameSite=Lax keeps it off requests
    # that another site (localhost is not 127.0.0.1) starts.
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies(live_server.url)}
    assert cookies["session"]["sameSite"] == "Lax" and cookies["session"]["httpOnly"]
    assert not page.context.cookies(live_server.localhost_url)
