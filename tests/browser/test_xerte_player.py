"""Real Xerte exports in a real browser: the standalone player (Xerte's own xenith.js, from the
shared fixtures) on the content origin inside the LMS page, walked to its last page with Xerte's
own navigation; a SCORM-wrapped export playing through the SCORM runtime."""
from __future__ import annotations

import json
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import LearningAttempt
from tests.scorm.conftest import import_zip

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is missing")
expect = sync_api.expect

pytestmark = pytest.mark.plugins("scorm", "xerte")

PHONE = {"width": 360, "height": 740}
STUDENT = "hs.6a1.01"
STANDALONE = "xerte-offline-badgered-staying-safe-online.zip"
STANDALONE_PAGES = 18
#: the welcome page's picture, which the fixture dropped for size (see its SOURCES.md); Xerte
#: shows a page only once its picture has loaded, so the test puts a stand-in back
WELCOME_PICTURE = "media/onlinesafety.jpg"
#: the welcome page's button "understand online safety" opens the quiz part (page 14 of 18),
#: whose pages the author lets the learner leave by Next; the others are reached by hotspots
QUIZ_PART = 13
SCORM_WRAPPED = "xerte-scorm2004-latincch-harrius-potter.zip"


def png(width: int, height: int) -> bytes:
    """A plain grey PNG (browsers read the picture's real format, whatever its name says)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    rows = b"".join(b"\x00" + b"\x99" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0,
                                                                0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def with_welcome_picture(source: Path, target: Path) -> Path:
    """The export as its author shipped it: the fixture plus a stand-in for the dropped picture."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w",
                                                              zipfile.ZIP_DEFLATED) as copy:
        for entry in original.infolist():
            copy.writestr(entry, original.read(entry))
        copy.writestr(WELCOME_PICTURE, png(900, 1200))
    return target


def lesson_frame(page, path_part: str):
    """The frame of the lesson itself (inside the shim frame), once Xerte has started."""
    for _ in range(150):
        for frame in page.frames:
            if path_part in frame.url:
                try:
                    if frame.evaluate("() => typeof x_currentPage === 'number'"
                                      " && x_currentPage >= 0"):
                        return frame
                except sync_api.Error:  # the frame detached or is still loading
                    continue
        page.wait_for_timeout(100)
    raise AssertionError("Xerte never started; frames: "
                         + ", ".join(frame.url for frame in page.frames))


def attempt_of(app, material_id: int) -> LearningAttempt | None:
    with app.app_context():
        return db.session.scalar(sa.select(LearningAttempt).where(
            LearningAttempt.material_id == material_id))


def wait_for_attempt(page, app, material_id: int, check) -> LearningAttempt:
    attempt = None
    for _ in range(150):
        attempt = attempt_of(app, material_id)
        if attempt is not None and check(attempt):
            return attempt
        page.wait_for_timeout(100)
    raise AssertionError(f"the server never recorded the expected progress: "
                         f"{attempt and (attempt.completion, attempt.details)}")


def test_a_student_reads_a_real_standalone_export_to_its_last_page(
        app, live_server, page, login_as, screenshot, shared_fixtures, tmp_path):
    export = with_welcome_picture(shared_fixtures / "xerte" / STANDALONE, tmp_path / STANDALONE)
    material_id = import_zip(app, export)
    login_as(page, STUDENT)
    page.set_viewport_size(PHONE)
    page.goto(f"/xerte/play/{material_id}")
    lesson = lesson_frame(page, "/xerte/c/files/")
    assert lesson.url.startswith(live_server.localhost_url + "/xerte/c/files/")
    assert lesson.evaluate("() => x_pageInfo.length") == STANDALONE_PAGES
    page_number = lesson.locator("#x_pageNo")
    expect(page_number).to_have_text(f"1 / {STANDALONE_PAGES}")
    wait_for_attempt(page, app, material_id, lambda a: a.details.get("visited") == [0])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        "the player scrolls sideways on a phone")
    screenshot(page, "xerte-standalone-first-page-360")

    # Xerte's own navigation, as the learner taps it: the welcome page's button, then Next
    lesson.get_by_role("button", name="understand online safety").click()
    expect(page_number).to_have_text(f"{QUIZ_PART + 1} / {STANDALONE_PAGES}")
    following = lesson.locator("#x_nextBtn")
    for number in range(QUIZ_PART + 1, STANDALONE_PAGES):
        expect(following).to_be_enabled()
        following.click()
        expect(page_number).to_have_text(f"{number + 1} / {STANDALONE_PAGES}")
    expect(following).to_be_disabled()  # the last page
    expect(page.locator("#xerte-status")).to_have_text("Đã hoàn thành bài học.")
    screenshot(page, "xerte-standalone-last-page-360")

    attempt = wait_for_attempt(page, app, material_id, lambda a: a.completion == "completed")
    assert attempt.completed_at is not None
    assert attempt.details["visited"] == [0, *range(QUIZ_PART, STANDALONE_PAGES)]
    assert attempt.progress == pytest.approx(6 / STANDALONE_PAGES)
    # time is counted while the tab is visible and reported with every page change
    assert attempt.total_time_seconds > 0

    # the lesson frame (content origin) can neither read the LMS page nor use its session
    assert lesson.evaluate("""() => {
        try { return "read: " + window.top.document.title; }
        catch (error) { return error.name; } }""") == "SecurityError"
    assert lesson.evaluate("() => document.cookie") == ""
    with_credentials = lesson.evaluate("""async (url) => {
        try { return (await fetch(url, {credentials: "include"})).status; }
        catch (error) { return error.name; } }""", f"{live_server.url}/")
    assert with_credentials == "TypeError"  # blocked by CORS


def test_a_scorm_wrapped_export_commits_to_the_scorm_runtime(
        app, live_server, page, login_as, screenshot, shared_fixtures):
    from plugins.scorm.models import ScormCommitLog

    material_id = import_zip(app, shared_fixtures / "xerte" / SCORM_WRAPPED)
    login_as(page, STUDENT)
    page.set_viewport_size(PHONE)
    page.goto(f"/xerte/play/{material_id}")  # a SCORM export plays in the SCORM player
    lesson = lesson_frame(page, "/scorm/content/")
    assert lesson.url.startswith(live_server.localhost_url + "/scorm/content/")
    assert lesson.evaluate("() => x_pageInfo.length") == 3
    expect(lesson.locator("#x_pageNo")).to_have_text("1 / 3")
    lesson.locator("#x_nextBtn").click()  # Xerte's own Next
    expect(lesson.locator("#x_pageNo")).to_have_text("2 / 3")
    screenshot(page, "xerte-scorm2004-360")
    # Xerte's SCORM tracking notes each page entered in cmi.comments_from_learner and commits
    page.close(run_before_unload=True)  # and the player's beacon sends the rest

    commented = []
    for _ in range(150):
        with app.app_context():
            bodies = db.session.scalars(sa.select(ScormCommitLog.body).join(
                LearningAttempt, LearningAttempt.id == ScormCommitLog.attempt_id).where(
                LearningAttempt.material_id == material_id,
                ScormCommitLog.outcome == "applied")).all()
        commented = [comment for body in bodies
                     for comment in json.loads(body)["cmi"]["comments_from_learner"].values()]
        if any(comment["location"] == "2" for comment in commented):
            break
        time.sleep(0.1)  # the tab is closed: poll without it
    assert any(comment["location"] == "2" and "Texto" in comment["comment"]
               for comment in commented), commented
