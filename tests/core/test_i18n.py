"""Vietnamese by default, English on request, dd/mm/yyyy dates, and a sound English catalog."""
from datetime import UTC, date, datetime
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import render_template_string

TRANSLATIONS = Path(__file__).resolve().parents[2] / "lms" / "translations"
ENGLISH_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"

#: What the login page shows (or flashes), with the English a visitor must get.
LOGIN_PAGE = {
    "Đăng nhập": "Sign in",
    "Tên đăng nhập": "Username",
    "Mật khẩu": "Password",
    "Ghi nhớ đăng nhập trên máy này": "Keep me signed in on this device",
    "Quên mật khẩu? Hãy liên hệ Tổ CNTT của trường để được cấp lại.":
        "Forgot your password? Ask the school's IT team to reset it.",
    "Học liệu số": "Digital resources",
    "Bỏ qua thanh điều hướng": "Skip to main content",
    "Kho học liệu số của trường": "The school's digital learning library",
}
LOGIN_FLASHES = [
    "Tên đăng nhập hoặc mật khẩu không đúng.",
    "Tài khoản này đã bị khóa. Hãy liên hệ Tổ CNTT của trường.",
    "Quá nhiều lần thử",
    "Bạn đã thử quá nhiều lần. Vui lòng đợi một lát rồi thử lại.",
]


def read_english_catalog():
    with ENGLISH_PO.open("rb") as f:
        return read_po(f, locale="en")


@pytest.fixture
def compiled_english():
    """The app reads the compiled catalog; `make translations` (run by make install) builds it."""
    mo = ENGLISH_PO.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < ENGLISH_PO.stat().st_mtime:
        pytest.fail(f"{mo} is missing or older than its .po: run `make translations`")


def page_text(response) -> str:
    return response.get_data(as_text=True)


def test_vietnamese_is_the_default_even_for_an_english_browser(client):
    response = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    html = page_text(response)
    assert '<html lang="vi">' in html
    for vietnamese in LOGIN_PAGE:
        assert vietnamese in html.replace("&#39;", "'")


def test_choosing_english_switches_the_login_page(client, compiled_english):
    response = client.post("/language/en", data={"next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    html = page_text(client.get("/login")).replace("&#39;", "'")
    assert '<html lang="en">' in html
    for english in LOGIN_PAGE.values():
        assert english in html
    assert "Tên đăng nhập" not in html

    client.post("/language/vi", data={"next": "/login"})
    assert "Tên đăng nhập" in page_text(client.get("/login"))


def test_an_unknown_language_changes_nothing(client):
    client.post("/language/fr", data={"next": "/login"})
    assert '<html lang="vi">' in page_text(client.get("/login"))


def test_the_language_choice_is_kept_on_the_account(app, client, demo, login, compiled_english):
    login("gv.toan")
    client.post("/language/en", data={"next": "/"})
    client.post("/logout")
    other_device = app.test_client()
    other_device.post("/login", data={"username": "gv.toan", "password": "demo2026"})
    assert "Hello, " in page_text(other_device.get("/"))


def test_a_wrong_password_is_explained_in_english_too(client, demo, login, compiled_english):
    client.post("/language/en", data={"next": "/login"})
    response = login("gv.toan", "sai-mat-khau", follow=True)
    assert "The username or password is not correct." in page_text(response)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_render_day_month_year_in_every_language(app, language):
    template = "{{ d|date }} {{ when|date }} {{ nothing|date }}|{{ when|datetime }}"
    # 20:30 UTC is already the next morning in Hà Nội: dates are the school's local dates.
    when = datetime(2026, 3, 5, 20, 30, tzinfo=UTC)
    with app.test_request_context("/"):
        from flask import session

        session["locale"] = language
        rendered = render_template_string(template, d=date(2026, 9, 5), when=when, nothing=None)
    assert rendered == "05/09/2026 06/03/2026 |06/03/2026 03:30"


def test_the_english_catalog_compiles_and_translates_the_login_page(tmp_path):
    catalog = read_english_catalog()
    mo_file = tmp_path / "en" / "LC_MESSAGES" / "messages.mo"
    mo_file.parent.mkdir(parents=True)
    with mo_file.open("wb") as f:
        write_mo(f, catalog)
    with mo_file.open("rb") as f:
        compiled = GNUTranslations(f)

    assert not catalog.fuzzy, "the catalog header is marked fuzzy: pybabel would not compile it"
    for msgid in [*LOGIN_PAGE, *LOGIN_FLASHES]:
        message = catalog.get(msgid)
        assert message is not None, f"{msgid!r} is not in the catalog: run make translations-update"
        assert not message.fuzzy, f"{msgid!r} is marked fuzzy"
        assert message.string.strip(), f"{msgid!r} has no English"
        assert compiled.gettext(msgid) == message.string
    for msgid, english in LOGIN_PAGE.items():
        assert compiled.gettext(msgid) == english


def test_every_translation_keeps_the_placeholders_of_its_msgid():
    # Untranslated entries pass (they fall back to Vietnamese); a wrong %(name)s would crash.
    problems = [(message.id, [str(e) for e in errors])
                for message, errors in read_english_catalog().check()]
    assert problems == []
