"""Upload → report → confirm in the browser, with and without JavaScript; the 413 message."""
import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Material
from lms.packages import PackageError
from lms.packages.upload import save_upload

from .testtype import WITH_TEST_TYPE
from .zips import build_zip, lesson

pytestmark = [pytest.mark.plugins("testlesson"), pytest.mark.app_config(WITH_TEST_TYPE)]


def form_upload(client, path, **data):
    with open(path, "rb") as handle:
        return client.post("/materials/upload", data={"package": (handle, path.name), **data},
                           content_type="multipart/form-data")


def xhr_upload(client, path_or_bytes, filename="bài giảng.zip", query=""):
    body = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return client.post("/materials/upload" + query, data=body, headers={
        "Content-Type": "application/octet-stream", "Accept": "application/json",
        "X-Upload-Filename": quote(filename)})


def uploads(app):
    folder = Path(app.config["LMS_DATA_DIR"]) / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_the_upload_page_offers_the_teachers_department(client, demo, login):
    login("gv.toan")
    page = client.get("/materials/upload").get_data(as_text=True)
    assert "Tải lên học liệu" in page and "Tổ Toán – Tin" in page
    assert 'name="department_id" value=' in page and "<select" not in page
    assert "Bài học thử nghiệm" in page and 'src="/static/js/upload.js"' in page
    home = client.get("/").get_data(as_text=True)
    assert 'href="/materials/upload"' in home


def test_form_upload_shows_a_report_then_imports_on_confirm(app, client, demo, login, tmp_path):
    login("gv.toan")
    response = form_upload(client, lesson(tmp_path / "phan-so.zip", title=""))
    assert response.status_code == 303
    report_url = response.headers["Location"]
    assert len(uploads(app)) == 2  # the package and its report, under the token
    page = client.get(report_url).get_data(as_text=True)
    for text in ("Báo cáo kiểm tra gói", "phan-so.zip", "Bài học thử nghiệm", "1.0",
                 "index.html", "Cảnh báo", "lesson.json:1", "Gói chưa có tiêu đề.",
                 "Nhập vào thư viện"):
        assert text in page, text
    confirmed = client.post(report_url)
    assert confirmed.status_code == 303
    material_url = confirmed.headers["Location"]
    assert re.fullmatch(r"/materials/\d+", material_url)
    assert uploads(app) == []
    detail = client.get(material_url).get_data(as_text=True)
    assert "phan-so.zip" in detail and "Bản nháp" in detail and "Đã nhập" in detail
    assert "/m/" in detail
    assert client.post(report_url).status_code == 404  # the token is spent


def test_xhr_upload_streams_the_raw_file_and_answers_json(app, client, demo, login, tmp_path):
    login("gv.toan")
    response = xhr_upload(client, lesson(tmp_path / "x.zip", title="Phân số"))
    assert response.status_code == 200
    report_url = response.get_json()["report_url"]
    assert "bài giảng.zip" in client.get(report_url).get_data(as_text=True)
    client.post(report_url)
    with app.app_context():
        material = db.session.scalar(sa.select(Material))
        assert material.title == "Phân số"
        assert material.latest_version.source_filename == "bài giảng.zip"


def test_a_package_with_fatal_problems_cannot_be_confirmed(app, client, demo, login, tmp_path,
                                                           leftovers):
    login("gv.toan")
    response = form_upload(client, lesson(tmp_path / "a.zip", launch="missing.html"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thiếu tệp khởi chạy “missing.html”." in page and "lesson.json:1" in page
    assert "Nhập vào thư viện" not in page
    assert len(uploads(app)) == 1  # only the report is kept; the package is gone
    refused = client.post(response.headers["Location"], follow_redirects=True)
    assert "Gói này có lỗi nên không thể nhập" in refused.get_data(as_text=True)
    assert leftovers() == (0, 0, 0, 0)


def test_discarding_a_pending_upload_removes_it(app, client, demo, login, tmp_path, leftovers):
    login("gv.toan")
    report_url = form_upload(client, lesson(tmp_path / "a.zip")).headers["Location"]
    assert len(uploads(app)) == 2
    assert client.post(report_url + "/discard").status_code == 302
    assert leftovers() == (0, 0, 0, 0)


def test_an_unsafe_zip_gets_its_error_and_leaves_nothing(app, client, demo, login, tmp_path,
                                                         leftovers):
    login("gv.toan")
    response = xhr_upload(client, build_zip(tmp_path / "x.zip", [("../evil.html", b"x")]))
    assert response.status_code == 422
    reply = response.get_json()
    assert reply["code"] == "zip_slip" and "trỏ ra ngoài gói" in reply["message"]
    page = form_upload(client, build_zip(tmp_path / "y.zip", [("readme.txt", b"x")]))
    assert page.status_code == 422
    assert "Không nhận ra định dạng gói" in page.get_data(as_text=True)
    assert leftovers() == (0, 0, 0, 0)


# Small sizes: the test client spools bodies over 500 KB to a file it never closes.
@pytest.mark.app_config({**WITH_TEST_TYPE, "LMS_UPLOAD_MAX_SIZE": 100 * 1024})
def test_an_over_limit_upload_gets_413_with_the_limit(app, client, demo, login, leftovers):
    login("gv.toan")
    big = bytes(300 * 1024)
    response = xhr_upload(client, big)
    assert response.status_code == 413
    assert "vượt quá giới hạn 100 KB" in response.get_json()["message"]
    page = client.post("/materials/upload", data={"package": (io.BytesIO(big), "a.zip")},
                       content_type="multipart/form-data")
    assert page.status_code == 413
    assert "vượt quá giới hạn 100 KB" in page.get_data(as_text=True)
    upload_page = client.get("/materials/upload").get_data(as_text=True)
    assert 'data-max-size="102400"' in upload_page
    assert leftovers() == (0, 0, 0, 0)


def test_a_stream_over_the_limit_is_cut_off_and_removed(app):
    with app.test_request_context():
        with pytest.raises(PackageError) as caught:
            save_upload(io.BytesIO(bytes(3000)), max_size=2048)
        assert caught.value.code == "upload_too_large" and "2 KB" in caught.value.message
        with pytest.raises(PackageError) as empty:
            save_upload(io.BytesIO(b""))
        assert empty.value.code == "empty"
    assert uploads(app) == []


def test_a_pending_upload_belongs_to_its_owner_and_expires(app, client, demo, login, tmp_path):
    login("gv.toan")
    report_url = form_upload(client, lesson(tmp_path / "a.zip")).headers["Location"]
    login("gv.tin")  # same department, other person
    assert client.get(report_url).status_code == 404
    assert client.post(report_url).status_code == 404
    login("gv.toan")
    meta = next(Path(app.config["LMS_DATA_DIR"], "uploads").glob("*.json"))
    data = json.loads(meta.read_text())
    meta.write_text(json.dumps({**data, "created_at": data["created_at"] - 7 * 3600}))
    assert client.get(report_url).status_code == 404
    assert uploads(app) == []
    assert client.get("/materials/upload/..%2F..%2Fsecret_key").status_code == 404


def test_the_board_picks_the_department_and_teachers_cannot(app, client, demo, login, tmp_path,
                                                           people):
    with app.app_context():
        van = people.department("VAN").id
    login("hieutruong")
    assert "<select" in client.get("/materials/upload").get_data(as_text=True)
    report_url = form_upload(client, lesson(tmp_path / "a.zip"), department_id=van).headers[
        "Location"]
    client.post(report_url)
    with app.app_context():
        assert db.session.scalar(sa.select(Material)).department_id == van
    login("gv.toan")
    refused = form_upload(client, lesson(tmp_path / "b.zip"), department_id=van)
    assert refused.status_code == 400
    assert "Hãy chọn tổ bộ môn" in refused.get_data(as_text=True)
