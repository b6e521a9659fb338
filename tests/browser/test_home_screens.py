"""Each demo role logs in through the real form and lands on a home that works on a phone."""
import re

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is missing").expect

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

#: Each role's home: its page title and a text that only that home shows.
ROLE_HOMES = [
    ("admin", "Quản trị hệ thống", "Tổng quan nhà trường"),
    ("hieutruong", "Tổng quan nhà trường", "Tổng quan nhà trường"),
    ("tt.toan", "Trang của giáo viên", "Tổ trưởng"),
    ("gv.toan", "Trang của giáo viên", "Lớp chủ nhiệm"),
    ("hs.6a1.01", "Trang học sinh", "Lớp của em"),
    ("ph.6a1.01", "Trang phụ huynh", "Con của tôi"),
]


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("username, title, marker", ROLE_HOMES)
def test_each_role_sees_its_home_on_desktop_and_phone(page, login_as, screenshot, username,
                                                      title, marker):
    login_as(page, username)
    expect(page).to_have_title(re.compile("^" + re.escape(title)))
    # In the page's content, not the menu (it has links like "Phụ huynh lớp chủ nhiệm").
    content = page.locator("main")
    expect(content.get_by_text(marker).first).to_be_visible()
    screenshot(page, f"home-{username}-1280")

    page.set_viewport_size(PHONE)
    expect(content.get_by_text(marker).first).to_be_visible()
    assert page_width(page) <= PHONE["width"], "the home page scrolls sideways on a phone"
    screenshot(page, f"home-{username}-360")

    # On a phone the menu is folded away behind ☰ until tapped.
    menu = page.get_by_role("navigation", name="Điều hướng chính")
    logout = page.get_by_role("button", name="Đăng xuất")
    expect(menu).to_be_hidden()
    page.locator("label.nav-toggle-label").click()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Trang chủ")).to_be_visible()
    expect(logout).to_be_visible()
    assert page_width(page) <= PHONE["width"], "the open menu scrolls sideways on a phone"
    screenshot(page, f"home-{username}-360-menu")

    # The toggle is a real control: the keyboard folds the menu away again.
    toggle = page.get_by_role("checkbox", name="Mở menu")
    toggle.focus()
    page.keyboard.press("Space")
    expect(menu).to_be_hidden()

    page.set_viewport_size(DESKTOP)
    expect(menu).to_be_visible()


# Which form controls have no accessible name (label, aria-label, aria-labelledby or title).
UNLABELLED_CONTROLS_JS = """
() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter(el => el.type !== "hidden")
  .filter(el => {
    const byLabel = Array.from(el.labels || []).some(l => l.textContent.trim());
    const byAria = (el.getAttribute("aria-label") || "").trim();
    const byRef = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean)
      .some(id => (document.getElementById(id)?.textContent || "").trim());
    return !(byLabel || byAria || byRef || (el.title || "").trim());
  })
  .map(el => el.outerHTML)
"""


def test_login_page_inputs_are_labelled_and_fit_a_phone(page, screenshot):
    page.set_viewport_size(PHONE)
    page.goto("/login")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    assert page.locator("input:not([type=hidden])").count() >= 3
    assert page.evaluate(UNLABELLED_CONTROLS_JS) == []
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()
    assert page_width(page) <= PHONE["width"]
    screenshot(page, "login-360")


def test_wrong_password_shows_the_reason_next_to_the_form(page):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("gv.toan")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_language_switch_shows_the_pages_in_english(page, login_as, screenshot):
    page.set_viewport_size(PHONE)
    page.goto("/login")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page_width(page) <= PHONE["width"]
    screenshot(page, "login-360-en")

    login_as(page, "tt.toan")
    expect(page.get_by_text("Head of department")).to_be_visible()
    page.locator("label.nav-toggle-label").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    screenshot(page, "home-tt.toan-360-menu-en")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_text("Tổ trưởng")).to_be_visible()


def test_the_second_origin_reaches_the_same_server(page, live_server):
    page.goto(f"{live_server.localhost_url}/login")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    assert page.evaluate("location.origin") == live_server.localhost_url
