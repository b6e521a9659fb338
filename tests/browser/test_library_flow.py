"""Issue 4 end to end in a real browser, on a phone-sized screen: a teacher uploads a SCORM
package with the progress bar, imports it, completes its metadata and submits it; the head of
Tổ Toán – Tin passes it from their queue; the principal approves it, and the principal's
dashboard counts one more approved lesson for the department."""
from __future__ import annotations

import re
import zipfile

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is missing").expect

pytestmark = pytest.mark.plugins("library", "targets", "scorm")

PHONE = {"width": 360, "height": 740}
DEPARTMENT = "Tổ Toán – Tin"
TITLE = "Bài giảng phân số lớp 6"

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="phan-so-6" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>{title}</title>
      <item identifier="i1" identifierref="r1"><title>Phân số bằng nhau</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/><file href="media/hinh.bin"/>
    </resource>
  </resources>
</manifest>
"""

#: Watches the progress bar and keeps what it saw in sessionStorage, which survives the
#: navigation to the report page: whether the bar was shown, and the highest percentage.
WATCH_PROGRESS = """() => {
  const box = document.getElementById("upload-progress");
  const bar = box.querySelector(".progress");
  const note = () => {
    if (!box.hidden) { sessionStorage.setItem("progressShown", "1"); }
    const now = parseInt(bar.getAttribute("aria-valuenow"), 10) || 0;
    const best = parseInt(sessionStorage.getItem("progressMax") || "0", 10);
    sessionStorage.setItem("progressMax", String(Math.max(now, best)));
  };
  sessionStorage.removeItem("progressShown");
  sessionStorage.removeItem("progressMax");
  new MutationObserver(note).observe(box, {attributes: true, subtree: true});
}"""


def build_package(path):
    """A tiny SCORM 1.2 lesson, with some bulk so the upload reports progress more than once."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST.format(title=TITLE))
        archive.writestr("index.html", f"<html lang='vi'><body><h1>{TITLE}</h1></body></html>")
        archive.writestr("media/hinh.bin", bytes(range(256)) * 4096)  # 1 MB
    return path


@pytest.fixture
def as_user(browser, live_server, login_as):
    """as_user(username) -> a phone-sized page logged in as `username`, in its own context."""
    contexts = []

    def open_page(username: str):
        context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=PHONE)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return login_as(context.new_page(), username)

    yield open_page
    for context in contexts:
        context.close()


def approved_count(page) -> int:
    """The department's “approved / target” cell on the principal's dashboard."""
    page.goto("/targets/")
    row = page.locator("tr").filter(has=page.get_by_role("link", name=DEPARTMENT))
    cell = row.locator("td").nth(1).inner_text()
    found = re.match(r"\s*(\d+)\s*/\s*\d+", cell)
    assert found, cell
    return int(found.group(1))


def test_upload_submit_pass_approve_counts_on_the_dashboard(as_user, live_server, screenshot,
                                                             tmp_path):
    principal = as_user("hieutruong")
    before = approved_count(principal)

    # The teacher uploads through the real page; the bar shows and reaches 100 %.
    teacher = as_user("gv.toan")
    teacher.goto("/materials/upload")
    teacher.set_input_files("#package", str(build_package(tmp_path / "phan-so-6.zip")))
    screenshot(teacher, "library-flow-upload-360")
    teacher.evaluate(WATCH_PROGRESS)
    teacher.get_by_role("button", name="Tải lên và kiểm tra").click()
    teacher.wait_for_url(re.compile(r"/materials/upload/[^/]+$"))
    seen = teacher.evaluate("() => [sessionStorage.getItem('progressShown'), "
                            "sessionStorage.getItem('progressMax')]")
    assert seen == ["1", "100"], seen
    expect(teacher.locator("main")).to_contain_text(TITLE)

    # Import, keep the pre-filled title, add the lesson (Bài), submit for approval.
    teacher.get_by_role("button", name="Nhập vào thư viện").click()
    teacher.wait_for_url(re.compile(r"/materials/\d+$"))
    material_path = re.search(r"/materials/\d+$", teacher.url).group(0)
    teacher.get_by_role("link", name="Sửa thông tin").click()
    expect(teacher.locator("#title")).to_have_value(TITLE)
    teacher.locator("#lesson").fill("Bài 5. Phân số bằng nhau")
    teacher.get_by_role("button", name="Lưu").click()
    teacher.wait_for_url(re.compile(material_path + "$"))
    expect(teacher.locator(".library-panel")).to_contain_text("Bài 5. Phân số bằng nhau")
    teacher.get_by_role("button", name="Gửi duyệt").click()
    expect(teacher.locator(".approval-status")).to_have_text("Chờ tổ thông qua")

    # The head finds it in their queue and passes it.
    head = as_user("tt.toan")
    head.goto("/library/waiting")
    expect(head.locator(".material-row")).to_contain_text([TITLE])
    screenshot(head, "library-flow-queue-360")
    head.get_by_role("link", name=TITLE).click()
    head.get_by_role("button", name="Thông qua").click()
    expect(head.locator(".approval-status")).to_have_text("Tổ đã thông qua")
    assert approved_count(principal) == before  # passed is not approved yet

    # The principal approves it from their queue; the dashboard counts exactly one more.
    principal.goto("/library/waiting")
    principal.get_by_role("link", name=TITLE).click()
    principal.get_by_role("button", name="Phê duyệt").click()
    expect(principal.locator(".approval-status")).to_have_text("Đã phê duyệt")
    assert approved_count(principal) == before + 1
    screenshot(principal, "library-flow-dashboard-360")

    # The permanent link now plays the approved lesson for a student.
    student = as_user("hs.6a1.01")
    student.goto(material_path.replace("/materials/", "/m/"))
    expect(student).to_have_url(re.compile(r"/scorm/play/\d+$"))
