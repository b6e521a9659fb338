import io
import re

import sqlalchemy as sa
from openpyxl import load_workbook

from lms.extensions import db
from lms.models import User

from . import files


def _upload(client, data, name="ds.xlsx", kind=""):
    return client.post("/admin/import/", data={"file": (io.BytesIO(data), name), "kind": kind},
                       content_type="multipart/form-data")


def test_only_admins(client, demo, login):
    login("gv.toan")
    assert client.get("/admin/import/").status_code == 403
    assert client.get("/admin/import/mau-students.xlsx").status_code == 403
    client.post("/logout")
    assert client.get("/admin/import/").status_code == 302


def test_upload_preview_confirm_and_one_time_sheet(app, client, demo, login):
    login("admin")
    page = client.get("/admin/import/")
    assert "Nhập danh sách" in page.text and "Tải file mẫu" in page.text
    example = client.get("/admin/import/mau-students.xlsx")
    header = next(load_workbook(io.BytesIO(example.data)).active.values)
    assert "Mã học sinh" in header and "Họ và tên" in header

    preview = _upload(client, files.students_xlsx())
    assert preview.status_code == 200 and "Xác nhận nhập" in preview.text
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.external_code == "7901000001")) is None
    token = re.search(r'name="token" type="hidden" value="(\w+)"', preview.text)[1]

    result = client.post("/admin/import/confirm", data={"token": token})
    assert result.status_code == 200 and "Mật khẩu ban đầu" in result.text
    sheet = re.search(r"/admin/import/sheet/(\w+)\.xlsx", result.text)[1]
    slips = client.get(f"/admin/import/sheet/{sheet}")
    assert "7901000001" in slips.text and "6A1" in slips.text

    login("tt.toan")  # not the admin who ran it
    assert client.get(f"/admin/import/sheet/{sheet}.xlsx").status_code == 403
    login("admin")
    download = client.get(f"/admin/import/sheet/{sheet}.xlsx")
    rows = list(load_workbook(io.BytesIO(download.data)).active.values)
    assert rows[0][4] == "Tên đăng nhập" and len(rows) == 1 + 6
    username, password = rows[1][4], rows[1][5]
    assert client.get(f"/admin/import/sheet/{sheet}.xlsx").status_code == 404  # once only
    assert client.get(f"/admin/import/sheet/{sheet}").status_code == 404
    # The upload is gone too: confirming again does not import twice.
    again = client.post("/admin/import/confirm", data={"token": token}, follow_redirects=True)
    assert "không còn nữa" in again.text

    client.post("/logout")
    first = client.post("/login", data={"username": username, "password": password})
    assert first.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(User.must_change_password).where(
            User.username == username))


def test_bad_rows_preview_lists_them_and_offers_no_confirm(client, demo, login):
    login("admin")
    rows = [files.STUDENTS[0], [2, "7901000009", "", "01/01/2014", "Nam", "6X", "6", "", ""]]
    page = _upload(client, files.xlsx([files.STUDENT_HEADER, *rows]))
    assert "1 dòng có lỗi" in page.text and "Xác nhận nhập" not in page.text
    assert f"<td>{len(files.TITLE_ROWS) + 3}</td>" in page.text
    assert "Thiếu họ và tên" in page.text


def test_wrong_format_is_explained(client, demo, login):
    login("admin")
    page = _upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", name="anh.xlsx")
    assert page.status_code == 422 and "không phải bảng tính" in page.text


def test_reimport_preview_says_nothing_changes(client, demo, login):
    login("admin")
    token = re.search(r'value="(\w{32})"', _upload(client, files.teachers_xlsx()).text)[1]
    client.post("/admin/import/confirm", data={"token": token})
    page = _upload(client, files.teachers_xlsx())
    assert "không có gì thay đổi" in page.text and "Xác nhận nhập" not in page.text


def test_nav_entry_for_admin_only(client, demo, login):
    login("admin")
    assert 'href="/admin/import/"' in client.get("/").text
    login("hieutruong")
    assert 'href="/admin/import/"' not in client.get("/").text


def test_the_example_student_file_carries_mã_định_danh_and_imports_cleanly(app, client, demo,
                                                                            login):
    login("admin")
    example = client.get("/admin/import/mau-students.xlsx")
    sheet = load_workbook(io.BytesIO(example.data)).active
    header = next(sheet.values)
    assert "Mã định danh" in header
    column = header.index("Mã định danh") + 1
    assert all(sheet.cell(row, column).data_type == "s" for row in (2, 3))  # text: keeps the 0
    preview = _upload(client, example.data, name="mau.xlsx")
    assert preview.status_code == 200 and "Xác nhận nhập" in preview.text
    token = re.search(r'name="token" type="hidden" value="(\w+)"', preview.text)[1]
    client.post("/admin/import/confirm", data={"token": token})
    with app.app_context():
        imported = db.session.scalar(sa.select(User).where(User.external_code == "HS0001"))
        assert imported.national_id == "079214000101"
