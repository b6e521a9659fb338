"""The grid in Chromium: arrow keys and Enter move between cells, a block copied from Excel
(tabs and newlines) pastes from the focused cell, only changed cells are posted, and the page
fits a 360 px phone. Uses the browser fixtures of tests/browser (live server, Chromium)."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.extensions import db
from plugins.gradebook.models import Change, Entry
from plugins.gradebook.sheets import load_sheet_view
from tests.browser.conftest import (  # noqa: F401
    browser,
    live_server,
    login_as,
    page,
    screenshot,
)

from .conftest import sheet_for

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is missing")
expect = sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.plugins("assignments", "gradebook")]

PASTE = """(cell, text) => {
  const data = new DataTransfer();
  data.setData("text/plain", text);
  cell.focus();
  cell.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                  cancelable: true}));
}"""


def focused_name(tab):
    return tab.evaluate("document.activeElement.name")


def test_keyboard_and_paste_from_excel(app, page, login_as, screenshot, school,  # noqa: F811
                                       subject_rules):
    with app.app_context():
        first, second = [s.id for s in load_sheet_view(sheet_for("6A1", "TOAN")).students[:2]]
        db.session.commit()
    path = f"/gradebook/class/{school.classes['6A1']}/subject/{school.subjects['TOAN']}/hk1"
    login_as(page, "gv.toan")
    page.goto(path)
    page.locator(f'input[name="c-{first}-tx1"]').click()
    page.keyboard.type("8")
    page.keyboard.press("Enter")
    assert focused_name(page) == f"c-{second}-tx1"
    page.keyboard.press("ArrowUp")
    assert focused_name(page) == f"c-{first}-tx1"
    page.keyboard.press("ArrowRight")  # the whole value is selected on focus: move right
    assert focused_name(page) == f"c-{first}-tx2"

    # Two rows × three columns copied from Excel, decimal comma included.
    page.locator(f'input[name="c-{first}-tx2"]').evaluate(PASTE, "9\t7\t8\r\n6,5\t5\t4\r\n")
    expect(page.locator(f'input[name="c-{second}-tx4"]')).to_have_value("4")
    expect(page.locator(f'input[name="c-{second}-tx2"]')).to_have_value("6,5")
    page.locator(f'input[name="c-{first}-gk"]').fill("7")
    page.locator(f'input[name="c-{first}-ck"]').fill("8,5")
    expect(page.locator(f'input[name="c-{first}-ck"]')).to_have_class("changed")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu điểm").click()
    expect(page.locator(".flash")).to_contain_text("Đã lưu 9 ô.")
    expect(page.locator("tr", has=page.locator(f'input[name="c-{first}-tx1"]'))
           .locator("td.average")).to_have_text("7,9")

    with app.app_context():
        values = {(e.student_id, e.slot): e.score for e in db.session.scalars(sa.select(Entry))}
        sources = set(db.session.scalars(sa.select(Change.source)))
    assert values[(second, "tx2")] == Decimal("6.5") and len(values) == 9
    assert sources == {"pasted"}

    # A phone: the page itself does not scroll sideways (the grid scrolls in its own box).
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "gradebook-grid-phone")
    page.goto(f"/gradebook/class/{school.classes['6A1']}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "gradebook-class-phone")
