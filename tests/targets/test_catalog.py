"""The catalog (Danh mục học liệu số): exact columns, the right rows, working permanent links,
and the principal's sign-off."""
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from lms.extensions import db

pytestmark = [pytest.mark.plugins("scorm", "targets"),
              pytest.mark.app_config({"LMS_BASE_URL": "https://hoclieu.thcs-nguyendu.edu.vn"})]

HEADER = ["STT", "Tên học liệu", "Tên tác giả", "Môn", "Bài", "Link liên kết", "Ghi chú"]


def _rows(data: bytes):
    """(header, data rows, closing lines) of the catalog sheet."""
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows())
    start = next(i for i, row in enumerate(rows) if row[0].value == "STT")
    body = []
    for row in rows[start + 1:]:
        if row[0].value is None:
            break
        body.append(row)
    closing = [row[0].value for row in rows[start + 1 + len(body):] if row[0].value]
    return [c.value for c in rows[start]], body, closing


@pytest.fixture
def catalog_school(school):
    from lms.models import GradeLevel, Subject

    toan = db.session.scalar(sa.select(Subject).where(Subject.code == "TOAN"))
    grade6 = db.session.scalar(sa.select(GradeLevel).where(GradeLevel.number == 6))
    school.approved = [
        school.material(title="Phân số", co_authors=("gv.tin",), subject=toan,
                        grade_level=grade6, lesson="Bài 5. Phân số", notes="Có câu hỏi"),
        school.material(title="Tập hợp", author="gv.tin", content_type="xerte"),
        school.material(title="Văn bản thuyết minh", department="VAN", author="gv.van",
                        content_type="video"),
    ]
    school.material(title="Đề cương PDF", content_type="file")
    school.material(title="Bản nháp", status="draft")
    school.material(title="Đã xóa", deleted=True)
    db.session.commit()
    return school


def test_catalog_xlsx_has_the_exact_columns_and_one_row_per_approved_material(
        client, login, catalog_school, app):
    login("hieutruong")
    response = client.get("/targets/catalog.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    header, body, closing = _rows(response.data)
    assert header == HEADER
    by_title = {row[1].value: row for row in body}
    assert sorted(by_title) == ["Phân số", "Tập hợp", "Văn bản thuyết minh"]
    assert [row[0].value for row in body] == [1, 2, 3]
    fraction = by_title["Phân số"]
    assert fraction[2].value == "Phạm Thu Trang, Vũ Đức Anh"
    assert (fraction[3].value, fraction[4].value, fraction[6].value) == (
        "Toán 6", "Bài 5. Phân số", "Có câu hỏi")
    material_ids = {m.title: m.id for m in catalog_school.approved}
    for title, row in by_title.items():
        link = f"https://hoclieu.thcs-nguyendu.edu.vn/m/{material_ids[title]}"
        assert row[5].value == link
        assert row[5].hyperlink is not None and row[5].hyperlink.target == link
    assert "Chưa xác nhận" in closing


def test_every_catalog_link_opens_for_a_student(client, login, school, app):
    """Each link is the permanent link `/m/<id>`: a student opening it lands on the player.
    (SCORM only here: the Xerte and video plugins, whose launch would answer instead, are not
    part of this tree yet.)"""
    for n in range(3):
        school.material(title=f"SCORM {n}", author=("gv.toan", "gv.tin")[n % 2])
    db.session.commit()
    login("hieutruong")
    _, body, _ = _rows(client.get("/targets/catalog.xlsx").data)
    assert len(body) == 3
    login("hs.6a1.01")
    for row in body:
        path = row[5].value.removeprefix("https://hoclieu.thcs-nguyendu.edu.vn")
        assert path.startswith("/m/")
        response = client.get(path)
        assert response.status_code == 302, (path, response.status_code)
        assert response.headers["Location"].startswith("/scorm/")
    assert client.get("/m/999999").status_code == 404


def test_catalog_is_filtered_by_department_and_year(client, login, catalog_school):
    login("tt.van")
    _, body, _ = _rows(client.get("/targets/catalog.xlsx?department=VAN").data)
    assert [row[1].value for row in body] == ["Văn bản thuyết minh"]
    assert client.get("/targets/catalog.xlsx?department=KHONG").status_code == 404
    assert client.get("/targets/catalog.xlsx?year=999999").status_code == 404


def test_printable_catalog_page(client, login, catalog_school):
    login("tt.toan")
    page = client.get("/targets/catalog?department=TOAN").get_data(as_text=True)
    for column in HEADER:
        assert f"<th>{column}</th>" in page
    assert "Phân số" in page and "Văn bản thuyết minh" not in page
    assert "@media print" in page
    assert "Xác nhận danh mục" not in page  # only the principal signs


def test_the_principal_confirms_and_the_export_shows_it(client, login, catalog_school, app):
    from lms.models import AuditLog
    from plugins.targets.models import CatalogConfirmation

    login("phohieutruong")
    assert client.post("/targets/catalog/confirm", data={}).status_code == 403
    login("hieutruong")
    response = client.post("/targets/catalog/confirm",
                           data={"year": catalog_school.year.id, "department": ""})
    assert response.status_code == 302
    confirmation = db.session.scalar(sa.select(CatalogConfirmation))
    assert (confirmation.material_count, confirmation.department_id,
            confirmation.principal_name) == (3, None, "Nguyễn Thị Thanh Hương")
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.event == "catalog.confirmed"))
    assert entry.actor_id == catalog_school.demo["hieutruong"]
    assert entry.details["material_count"] == 3
    _, _, closing = _rows(client.get("/targets/catalog.xlsx").data)
    assert "Họ và tên: Nguyễn Thị Thanh Hương" in closing
    assert any(line.startswith("Ngày: ") and line[6:8].isdigit() for line in closing)
    # A department's catalog is confirmed separately.
    _, _, closing = _rows(client.get("/targets/catalog.xlsx?department=TOAN").data)
    assert "Chưa xác nhận" in closing
    page = client.get("/targets/catalog").get_data(as_text=True)
    assert "Nguyễn Thị Thanh Hương" in page and "Xác nhận danh mục" in page


def test_a_change_after_confirmation_is_flagged(client, login, catalog_school):
    login("hieutruong")
    client.post("/targets/catalog/confirm", data={"year": catalog_school.year.id})
    catalog_school.material(title="Thêm sau")
    db.session.commit()
    _, body, closing = _rows(client.get("/targets/catalog.xlsx").data)
    assert len(body) == 4
    assert any("cần xác nhận lại" in line for line in closing)
