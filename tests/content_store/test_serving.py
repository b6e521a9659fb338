"""`serve_blob` through the real app (its error pages must not swallow 416's Content-Range)."""
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.http import http_date

from content_store import guess_type, serve_blob
from lms.storage import get_store

DATA = bytes(range(256)) * 8  # 2048 bytes
DIGEST = hashlib.sha256(DATA).hexdigest()


@pytest.fixture
def blob_client(app):
    @app.route("/test-blob/<digest>/<name>")
    def blob(digest, name):
        from flask import request

        return serve_blob(get_store(), digest, filename=name,
                          download=request.args.get("download") == "1")

    with app.app_context():
        get_store().put_bytes(DATA)
    return app.test_client()


def fetch(client, path=f"/test-blob/{DIGEST}/video.mp4", method="GET", **headers):
    response = client.open(path, method=method, headers=headers)
    data = response.get_data()
    response.close()
    return response, data


def test_full_response_headers(blob_client):
    response, data = fetch(blob_client)
    assert response.status_code == 200 and data == DATA
    assert response.headers["ETag"] == f'"{DIGEST}"'
    assert response.headers["Last-Modified"]
    assert response.headers["Content-Length"] == "2048"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Type"] == "video/mp4"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_head_has_headers_but_no_body(blob_client):
    response, data = fetch(blob_client, method="HEAD")
    assert response.status_code == 200 and data == b""
    assert response.headers["Content-Length"] == "2048"
    assert response.headers["ETag"] == f'"{DIGEST}"'


def test_if_none_match_gives_304(blob_client):
    response, data = fetch(blob_client, If_None_Match=f'"{DIGEST}"')
    assert response.status_code == 304 and data == b""
    response, _ = fetch(blob_client, If_None_Match='"something-else"')
    assert response.status_code == 200


def test_if_modified_since(blob_client):
    future = http_date(datetime.now(UTC) + timedelta(hours=1))
    past = http_date(datetime.now(UTC) - timedelta(days=1))
    assert fetch(blob_client, If_Modified_Since=future)[0].status_code == 304
    assert fetch(blob_client, If_Modified_Since=past)[0].status_code == 200


@pytest.mark.parametrize("range_header, content_range, expected", [
    ("bytes=0-99", "bytes 0-99/2048", DATA[:100]),
    ("bytes=100-", "bytes 100-2047/2048", DATA[100:]),
    ("bytes=-500", "bytes 1548-2047/2048", DATA[-500:]),
    ("bytes=2000-5000", "bytes 2000-2047/2048", DATA[2000:]),
])
def test_single_range_gives_206(blob_client, range_header, content_range, expected):
    response, data = fetch(blob_client, Range=range_header)
    assert response.status_code == 206
    assert response.headers["Content-Range"] == content_range
    assert response.headers["Content-Length"] == str(len(expected))
    assert data == expected


@pytest.mark.parametrize("range_header", ["bytes=2048-", "bytes=5000-6000"])
def test_unsatisfiable_range_gives_416_with_the_size(blob_client, range_header):
    response, data = fetch(blob_client, Range=range_header)
    assert response.status_code == 416
    assert response.headers["Content-Range"] == "bytes */2048"
    assert data == b""


@pytest.mark.parametrize("range_header", ["bytes=0-1,5-9", "pages=1-2", "bytes=9-1"])
def test_several_or_malformed_ranges_get_the_whole_file(blob_client, range_header):
    response, data = fetch(blob_client, Range=range_header)
    assert response.status_code == 200 and data == DATA


def test_if_range_with_another_etag_ignores_the_range(blob_client):
    response, data = fetch(blob_client, Range="bytes=0-9", If_Range='"old-version"')
    assert response.status_code == 200 and data == DATA


def test_missing_or_invalid_digest_is_404(blob_client):
    assert fetch(blob_client, f"/test-blob/{'0' * 64}/a.js")[0].status_code == 404
    assert fetch(blob_client, "/test-blob/..%2f..%2fetc/a.js")[0].status_code == 404
    assert fetch(blob_client, f"/test-blob/{DIGEST.upper()}/a.js")[0].status_code == 404


def test_download_sets_content_disposition(blob_client):
    response, _ = fetch(blob_client, f"/test-blob/{DIGEST}/Bài 1.mp4?download=1")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''B%C3%A0i%201.mp4" in disposition


@pytest.mark.app_config({"LMS_X_SENDFILE": "nginx", "LMS_X_ACCEL_PREFIX": "/_blobs/"})
def test_nginx_gets_the_body_through_x_accel_redirect(blob_client):
    response, data = fetch(blob_client)
    assert response.status_code == 200 and data == b""
    assert response.headers["X-Accel-Redirect"] == f"/_blobs/{DIGEST[:2]}/{DIGEST[2:4]}/{DIGEST}"
    assert response.headers["ETag"] == f'"{DIGEST}"'
    response, _ = fetch(blob_client, If_None_Match=f'"{DIGEST}"')
    assert response.status_code == 304 and "X-Accel-Redirect" not in response.headers


@pytest.mark.app_config({"LMS_X_SENDFILE": "apache"})
def test_apache_gets_the_path_through_x_sendfile(app, blob_client):
    response, data = fetch(blob_client)
    assert data == b""
    with app.app_context():
        assert response.headers["X-Sendfile"] == get_store().local_path(DIGEST)


@pytest.mark.parametrize("name, expected", [
    ("player.js", "text/javascript; charset=utf-8"),
    ("module.MJS", "text/javascript; charset=utf-8"),
    ("imsmanifest.json", "application/json; charset=utf-8"),
    ("font.woff", "font/woff"),
    ("font.woff2", "font/woff2"),
    ("clip.mp4", "video/mp4"),
    ("icon.svg", "image/svg+xml; charset=utf-8"),
    ("captions.vtt", "text/vtt; charset=utf-8"),
    ("index.html", "text/html; charset=utf-8"),
    ("style.css", "text/css; charset=utf-8"),
    ("photo.JPG", "image/jpeg"),
    ("no-extension", "application/octet-stream"),
])
def test_mime_types(name, expected):
    assert guess_type(name) == expected


def test_served_html_says_its_charset(blob_client):
    response, _ = fetch(blob_client, f"/test-blob/{DIGEST}/index.html")
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
