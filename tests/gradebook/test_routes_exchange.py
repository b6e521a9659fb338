"""The exchange pages: who may download and upload score sheets (role × route matrix), and the
upload → preview → confirm flow in the browser's shoes."""
from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import SchoolClass, SchoolYear, Subject, User
from tests.route_matrix import (
    BOARD_AND_ADMIN,
    CORE_ROUTES,
    Case,
    assert_routes_declared,
    check_route_matrix,
    undeclared_endpoints,
)

from .exchange_helpers import edited, open_workbook, row_of
from .test_routes import sheet

pytestmark = pytest.mark.plugins("assignments", "gradebook")

READERS_OF_6A1_TOAN = BOARD_AND_ADMIN | {"gv.toan", "tt.toan", "tp.toan"}

EXCHANGE_ROUTES = {
    "gradebook_exchange.export": [
        Case(READERS_OF_6A1_TOAN, sheet("6A1", "TOAN"),
             note="whoever reads the sheet: its teacher, the department's heads, the board"),
        Case(BOARD_AND_ADMIN | {"gv.toan"}, sheet("6A1", "VAN", 2),
             note="gv.toan leads 6A1 and reads every subject of it"),
    ],
    "gradebook_exchange.upload": [
        Case({"gv.toan"}, sheet("6A1", "TOAN"),
             note="only the teacher who keeps the sheet; heads and the board only read"),
        Case({"gv.toan"}, sheet("6A1", "TOAN"), method="POST",
             note="no file sent: the form says so, nothing is written"),
        Case(set(), sheet("6A1", "VAN"), note="the homeroom teacher never imports another "
                                              "teacher's subject"),
    ],
    "gradebook_exchange.confirm": Case({"gv.toan"}, sheet("6A1", "TOAN"), method="POST",
                                       note="no file sent: back to the upload page"),
}


def test_every_exchange_route_is_declared(app):
    others = {e: [] for e in undeclared_endpoints(app, CORE_ROUTES, EXCHANGE_ROUTES)
              if not e.startswith("gradebook_exchange.")}
    assert_routes_declared(app, CORE_ROUTES, EXCHANGE_ROUTES, others)


def test_exchange_routes_for_every_persona(app, demo, subject_rules):
    check_route_matrix(app, demo, EXCHANGE_ROUTES)


# The flow ----------------------------------------------------------------------------------------
@pytest.fixture
def urls(app, subject_rules, school):
    with app.app_context():
        year = SchoolYear.current()
        class_id = db.session.scalar(sa.select(SchoolClass.id).where(
            SchoolClass.name == "6A1", SchoolClass.school_year_id == year.id))
        subject_id = db.session.scalar(sa.select(Subject.id).where(Subject.code == "TOAN"))
    base = f"/gradebook/exchange/class/{class_id}/subject/{subject_id}/hk1"
    return {"export": base + "/export", "upload": base + "/import",
            "confirm": base + "/import/confirm"}


def _download(client, urls) -> bytes:
    response = client.get(urls["export"])
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "bang-diem-6A1-TOAN-HK1" in response.headers["Content-Disposition"]
    return response.data


def _upload(client, urls, data: bytes, name="bang-diem.xlsx"):
    return client.post(urls["upload"], data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)[1]


def _score(app, username, slot):
    from plugins.gradebook.models import Entry

    with app.app_context():
        return db.session.scalar(sa.select(Entry.score).join(User, User.id == Entry.student_id)
                                 .where(User.username == username, Entry.slot == slot))


def _edited_download(app, client, urls, **cells_by_student):
    data = _download(client, urls)
    with app.app_context():
        ws = open_workbook(data)
        edits = {f"{column}{row_of(ws, name.replace('_', '.'))}": value
                 for name, (column, value) in cells_by_student.items()}
    return edited(data, edits)


def test_upload_preview_confirm(app, client, login, urls):
    login("gv.toan")
    data = _edited_download(app, client, urls, hs_6a1_01=("F", "8,5"), hs_6a1_02=("K", "9"))
    preview = _upload(client, urls, data)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page
    assert "Sẽ ghi 2 điểm cho 2 học sinh" in page
    assert "Ô để trống trong tệp không xóa điểm đã có" in page
    assert "ĐĐGtx1" in page and "8,5" in page
    assert _score(app, "hs.6a1.01", "tx1") is None  # nothing written by the preview
    done = client.post(urls["confirm"], data={
        "content": _hidden(page, "content"), "fingerprint": _hidden(page, "fingerprint"),
        "filename": "bang-diem.xlsx"}, follow_redirects=True)
    assert done.status_code == 200
    assert "Đã nhập 2 điểm cho 2 học sinh." in done.get_data(as_text=True)
    assert _score(app, "hs.6a1.01", "tx1") == Decimal("8.5")
    assert _score(app, "hs.6a1.02", "ck") == Decimal(9)


def test_preview_lists_every_bad_cell_and_offers_no_confirmation(app, client, login, urls):
    login("gv.toan")
    data = _edited_download(app, client, urls, hs_6a1_01=("F", "11"), hs_6a1_02=("B", "SAI"))
    response = _upload(client, urls, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tệp có 2 lỗi. Chưa ghi điểm nào" in page
    assert "Điểm phải từ 0 đến 10." in page
    assert "Không có học sinh nào có mã học sinh SAI." in page
    assert 'name="fingerprint"' not in page


def test_a_change_made_after_the_preview_is_not_overwritten(app, client, login, urls):
    from plugins.gradebook.sheets import CellChange, save_cells

    from .conftest import sheet_for

    login("gv.toan")
    data = _edited_download(app, client, urls, hs_6a1_01=("F", "8,5"))
    page = _upload(client, urls, data).get_data(as_text=True)
    with app.app_context():  # meanwhile, the same cell is typed in the grid
        teacher = db.session.scalar(sa.select(User).where(User.username == "gv.toan"))
        student = db.session.scalar(sa.select(User).where(User.username == "hs.6a1.01"))
        save_cells(sheet_for("6A1", "TOAN"), [CellChange(student.id, "tx1", Decimal(6))],
                   teacher, source="typed")
        db.session.commit()
    response = client.post(urls["confirm"], data={
        "content": _hidden(page, "content"), "fingerprint": _hidden(page, "fingerprint"),
        "filename": "bang-diem.xlsx"})
    assert response.status_code == 409
    assert "Sổ điểm đã thay đổi từ lúc xem trước" in response.get_data(as_text=True)
    assert _score(app, "hs.6a1.01", "tx1") == Decimal(6)


def test_upload_without_a_file_or_with_another_file(client, login, urls):
    login("gv.toan")
    response = client.post(urls["upload"], data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Hãy chọn tệp bảng điểm." in response.get_data(as_text=True)
    response = _upload(client, urls, b"ho ten;lop\nAn;6A1\n", "danh-sach.csv")
    assert response.status_code == 422
    assert "Không tìm thấy dòng tiêu đề của bảng điểm" in response.get_data(as_text=True)


def test_confirm_without_a_file_goes_back(client, login, urls):
    login("gv.toan")
    response = client.post(urls["confirm"], data={"content": "không phải base64"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/import")


def test_heads_download_but_do_not_import(client, login, urls):
    login("tt.toan")
    assert client.get(urls["export"]).status_code == 200
    assert client.get(urls["upload"]).status_code == 403
    assert client.post(urls["confirm"], data={}).status_code == 403


def test_export_of_a_subject_without_rule_explains(app, client, login, urls):
    from plugins.gradebook.models import SubjectRule

    with app.app_context():
        db.session.execute(sa.delete(SubjectRule))
        db.session.commit()
    login("gv.toan")
    response = client.get(urls["export"], follow_redirects=True)
    assert "Chưa khai báo số tiết của môn Toán cho khối 6" in response.get_data(as_text=True)


def test_locked_semester_names_each_cell(app, client, login, urls):
    from plugins.gradebook.models import Semester
    from plugins.gradebook.semesters import lock

    login("gv.toan")
    data = _edited_download(app, client, urls, hs_6a1_01=("F", "8,5"))
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        lock(db.session.scalar(sa.select(Semester).where(Semester.number == 1)), admin)
        db.session.commit()
    assert "Học kỳ này đã khóa sổ" in client.get(urls["upload"]).get_data(as_text=True)
    response = _upload(client, urls, data)
    assert response.status_code == 422
    assert "Học kỳ I đã khóa sổ: không sửa được điểm ĐĐGtx1" in response.get_data(as_text=True)
    assert _score(app, "hs.6a1.01", "tx1") is None
