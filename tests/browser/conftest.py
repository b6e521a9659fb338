"""Browser tests: Playwright (from pip) driving Debian's chromium against a live server.

Every test in this folder is marked `browser`; put the browser tests of later issues here too,
so they share these fixtures:

- `live_server`: the real app (same migrated test database and demo school as the `app` and
  `demo` fixtures, CSRF on as in production) served by werkzeug in a background thread.
  `live_server.url` is `http://127.0.0.1:<port>`; `live_server.localhost_url` is the same server
  as `http://localhost:<port>`, a second origin (the SCORM player serves package content there,
  so package scripts cannot read the LMS's cookies or DOM).
- `browser` (one chromium for the whole folder) and `page` (a fresh context per test,
  `base_url` = `live_server.url`, so `page.goto("/login")` works).
- `login_as(page, username)`: logs in through the real login form.
- `screenshot(page, name)`: saves `test-artifacts/screenshots/<name>.png` (gitignored).

The tests skip with a reason when chromium or Playwright is missing; `make browser` (run by
`make test`) installs chromium with apt. Never `playwright install`: it downloads a browser.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import got_request_exception
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # tests run as root in containers, where the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",  # no calls home: tests must not need the internet
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
#: Generous, because a loaded CI machine is slow; never an assertion about speed.
DEFAULT_TIMEOUT_MS = 15_000
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    """The app served over real HTTP for the browser."""

    app: object
    port: int
    #: Exceptions raised while handling requests; a test fails on any it did not expect.
    errors: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def localhost_url(self) -> str:
        """The same server under another origin (another host name, so other cookies)."""
        return f"http://localhost:{self.port}"


@pytest.fixture
def live_server(app, demo):
    # CSRF is on, as in production: the browser submits the real forms with their tokens.
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Let server_close() wait for requests still running (a beacon sent as the tab closed):
    # one left running would use the database after the test dropped its engine.
    server.daemon_threads = False
    live = LiveServer(app=app, port=server.server_port)

    def record(sender, exception, **extra):
        live.errors.append(exception)

    got_request_exception.connect(record, app)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        got_request_exception.disconnect(record, app)
    if live.errors:
        pytest.fail("the server raised while handling requests: "
                    + "; ".join(repr(e) for e in live.errors))


# Package scope, not session: while Playwright's sync API runs, the main thread counts as inside
# a running event loop (asyncio.run() refuses to start), so it must stop once this folder is done.
@pytest.fixture(scope="package")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is missing: install the dev extra (make test)")
    # Playwright gives chromium a fresh temporary profile (user data dir) and removes it on close.
    playwright = sync_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=DESKTOP)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page(viewport) -> a page of its own browser context (another person on another
    device: a phone when the viewport is PHONE); every context closes after the test."""
    contexts = []

    def make(viewport=DESKTOP):
        phone = viewport["width"] <= PHONE["width"]
        context = browser.new_context(base_url=live_server.url, locale="vi-VN",
                                      viewport=viewport, is_mobile=phone, has_touch=phone)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def login_as():
    """`login_as(page, username)`: log in through the login form; ends on the user's home."""
    from lms.seed import DEMO_PASSWORD

    def do_login(page, username: str, password: str = DEMO_PASSWORD):
        page.goto("/login")
        form = page.locator("main form").filter(has=page.locator("#password"))
        form.locator("#username").fill(username)
        form.locator("#password").fill(password)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        if urlsplit(page.url).path == "/login":
            flashes = page.locator(".flash").all_inner_texts()
            raise AssertionError(f"login as {username!r} failed: {flashes}")
        return page

    return do_login


@pytest.fixture
def screenshot():
    """`screenshot(page, name)`: save the whole page to test-artifacts/screenshots/<name>.png."""

    def save(page, name: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
