"""Package files on the separate content origin: signed, cookieless, framed only by the LMS."""
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import TimestampSigner

from tests.scorm.conftest import player_config

CONTENT = "http://127.0.0.1"  # the test client's LMS is http://localhost

pytestmark = pytest.mark.plugins("scorm")


def fetch(client, url, **kwargs):
    """GET on the content origin; the body is read and the file behind it closed."""
    response = client.get(url, base_url=CONTENT, **kwargs)
    response.get_data()
    response.close()
    return response


def _token(client, login, scorm_package):
    material_id = scorm_package("1.2")
    login("hs.6a1.01")
    shim = urlsplit(player_config(client, material_id)["items"][0]["shim"])
    return shim.path.rsplit("/", 1)[1], parse_qs(shim.query)["launch"][0]


def test_package_files_are_served_on_the_content_origin_only(client, login, scorm_package):
    token, launch = _token(client, login, scorm_package)
    assert launch == "sco1.html"
    response = fetch(client, f"/scorm/content/{token}/sco1.html")
    assert response.status_code == 200
    assert "Nội dung bài Bài 1" in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self' http://localhost"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "text/html"
    # on the LMS origin, where the session cookie travels, the same URL is refused
    assert client.get(f"/scorm/content/{token}/sco1.html").status_code == 403


def test_content_responses_never_set_or_use_cookies(client, login, scorm_package):
    token, _ = _token(client, login, scorm_package)
    session_cookie = client.get_cookie("session", domain="localhost")
    assert session_cookie is not None
    response = fetch(client, f"/scorm/content/{token}/sco1.html",
                          headers={"Cookie": f"session={session_cookie.value}"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    shim = fetch(client, f"/scorm/shim/{token}?launch=sco1.html")
    assert shim.status_code == 200 and "Set-Cookie" not in shim.headers
    page = shim.get_data(as_text=True)
    assert 'data-lms-origin="http://localhost"' in page and "cross-frame-api" in page
    assert f'data-sco-url="/scorm/content/{token}/sco1.html"' in page


def test_bad_and_expired_tokens_are_refused(app, client, login, scorm_package, monkeypatch):
    from plugins.scorm.content_origin import make_token, read_token

    token, _ = _token(client, login, scorm_package)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert fetch(client, f"/scorm/content/{tampered}/sco1.html").status_code == 403
    with app.test_request_context(base_url="http://localhost"):
        grant = read_token(token)
        real_timestamp = TimestampSigner.get_timestamp
        monkeypatch.setattr(TimestampSigner, "get_timestamp",
                            lambda self: real_timestamp(self) - 5 * 3600)
        old = make_token(grant)
        monkeypatch.setattr(TimestampSigner, "get_timestamp", real_timestamp)
    assert fetch(client, f"/scorm/content/{old}/sco1.html").status_code == 403


def test_media_supports_range_requests(client, login, scorm_package):
    token, _ = _token(client, login, scorm_package)
    response = fetch(client, f"/scorm/content/{token}/media/clip.mp4",
                          headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert len(response.data) == 100 and response.mimetype == "video/mp4"
    assert response.headers["Content-Range"].startswith("bytes 0-99/")


def test_unknown_files_and_path_tricks_are_not_found(client, login, scorm_package):
    token, _ = _token(client, login, scorm_package)
    assert fetch(client, f"/scorm/content/{token}/nope.html").status_code == 404
    assert fetch(client, f"/scorm/content/{token}/SCO1.HTML").status_code == 200
    shim = fetch(client, f"/scorm/shim/{token}?launch=../../etc/passwd")
    assert shim.status_code == 404


def test_lms_pages_cannot_be_framed_by_the_content_origin(client, login, scorm_package):
    material_id = scorm_package("1.2")
    login("hs.6a1.01")
    response = client.get(f"/scorm/play/{material_id}")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
