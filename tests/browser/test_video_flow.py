"""The interactive-video flow in a real browser: a teacher puts two questions on the timeline
in the editor; a student is stopped at the first, answers wrong and is sent back, answers
right, finishes; the teacher's report shows the score and the completion."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lms.extensions import db
from tests.video.conftest import import_file, make_video

pytestmark = pytest.mark.usefixtures("live_server")


def _approve(app, material_id: int) -> None:
    from lms.models import Material

    with app.app_context():
        material = db.session.get(Material, material_id)
        version = material.versions[-1]
        version.status = material.status = "approved"
        material.live_version = version
        material.approved_at = version.created_at
        db.session.commit()


def test_teacher_builds_student_answers_teacher_sees_result(app, live_server, page, login_as,
                                                            screenshot, tmp_path):
    import shutil

    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg is not installed (apt-get install ffmpeg)")
    # VP9 WebM plays in every chromium build (H.264 depends on how it was built)
    video = make_video(tmp_path / "bai-giang.webm", seconds=10, codec="vp9", container="webm")
    material_id = import_file(app, video, approve=False)

    teacher_context = page.context.browser.new_context(base_url=live_server.url,
                                                       locale="vi-VN")
    teacher = teacher_context.new_page()
    try:
        _build_questions(teacher, login_as, screenshot, material_id)
    finally:
        teacher_context.close()
    _approve(app, material_id)
    _student_watches(page, login_as, screenshot, material_id)

    teacher_context = page.context.browser.new_context(base_url=live_server.url,
                                                       locale="vi-VN")
    try:
        report = teacher_context.new_page()
        login_as(report, "gv.toan")
        report.goto(f"/video/report/{material_id}")
        row = report.locator("tr[data-student='hs.6a1.01']")
        assert row.locator("td[data-completion]").get_attribute("data-completion") == "completed"
        assert re.search(r"100%", row.inner_text()) and "Đạt" in row.inner_text()
        screenshot(report, "video-report")
    finally:
        teacher_context.close()
    from lms.models import LearningAttempt

    with app.app_context():
        attempt = db.session.scalar(sa.select(LearningAttempt))
        assert (attempt.completion, attempt.success, attempt.score_scaled) == (
            "completed", "passed", 1.0)


def _build_questions(page, login_as, screenshot, material_id: int) -> None:
    login_as(page, "gv.toan")
    page.goto(f"/video/{material_id}/edit")
    for time, body, right, wrong in (("3", "Số 2 là số chẵn?", "Đúng", "Sai"),
                                     ("6", "Số 3 là số chẵn?", "Sai", "Đúng")):
        page.click("button[data-add='single']")
        card = page.locator(".editor-question").last
        card.locator("input[name='time']").fill(time)
        card.locator("textarea[name='body']").fill(body)
        card.locator("input[name='option-text']").nth(0).fill(right)
        card.locator("input[name='option-text']").nth(1).fill(wrong)
    first = page.locator(".editor-question").first
    first.locator("input[name='required']").check()
    first.locator("input[name='seek_back']").fill("1")
    page.click("#editor-save")
    page.wait_for_selector("#editor-status:has-text('Đã lưu'), #editor-status:has-text('lỗi')")
    errors = page.locator(".field-error").all_inner_texts()
    assert "Đã lưu" in page.inner_text("#editor-status"), [e for e in errors if e]
    screenshot(page, "video-editor")


def _student_watches(page, login_as, screenshot, material_id: int) -> None:
    login_as(page, "hs.6a1.01")
    page.goto(f"/video/{material_id}/play")
    page.wait_for_function("document.getElementById('video-element').readyState >= 1")
    page.evaluate("v = document.getElementById('video-element'); v.muted = true; v.play()")
    question = page.locator("#video-question")
    question.wait_for(state="visible")
    assert "Số 2 là số chẵn?" in question.inner_text()
    assert page.evaluate("document.getElementById('video-element').paused")
    question.locator("label.video-option", has_text="Sai").click()
    question.locator("button[type='submit']").click()
    page.wait_for_selector(".video-feedback[data-correct='false']")
    # sent back to 1 s, and the question comes again at 3 s
    page.wait_for_function("document.getElementById('video-element').currentTime < 3 && "
                           "document.getElementById('video-question').hidden")
    question.wait_for(state="visible")
    question.locator("label.video-option", has_text="Đúng").click()
    question.locator("button[type='submit']").click()
    page.wait_for_selector(".video-feedback[data-correct='true']")
    question.locator("button[data-continue]").click()
    question.wait_for(state="visible")  # the second question, at 6 s
    assert "Số 3 là số chẵn?" in question.inner_text()
    question.locator("label.video-option", has_text="Sai").click()
    question.locator("button[type='submit']").click()
    page.wait_for_selector(".video-feedback[data-correct='true']")
    question.locator("button[data-continue]").click()
    page.wait_for_function("document.getElementById('video-element').ended", timeout=30_000)
    page.wait_for_selector("#video-status:has-text('Đã hoàn thành')")
    screenshot(page, "video-player-done")
