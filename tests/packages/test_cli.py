"""`flask lms import-package`: prints the id and permanent link, or fails with a clear message."""
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.models import Material

from .testtype import WITH_TEST_TYPE
from .zips import build_zip, lesson

pytestmark = [pytest.mark.plugins("testlesson"), pytest.mark.app_config(
    {**WITH_TEST_TYPE, "LMS_BASE_URL": "https://hoclieu.thcs-nguyendu.edu.vn/"})]


def run(runner, path, department="TOAN", author="gv.toan"):
    return runner.invoke(args=["lms", "import-package", str(path), "--department", department,
                               "--author", author])


def test_imports_and_prints_the_permanent_link(app, runner, demo, tmp_path):
    result = run(runner, lesson(tmp_path / "phan-so.zip"), department="toan")
    assert result.exit_code == 0, result.output
    with app.app_context():
        material = db.session.scalar(sa.select(Material))
    assert f"Đã nhập học liệu #{material.id} “Bài giảng phân số”" in result.output
    assert f"https://hoclieu.thcs-nguyendu.edu.vn/m/{material.id}" in result.output
    assert material.status == "draft"


def test_an_author_from_another_department_is_imported_with_a_warning(app, runner, demo, tmp_path):
    result = run(runner, lesson(tmp_path / "a.zip"), department="VAN", author="gv.toan")
    assert result.exit_code == 0
    assert "Cảnh báo: Phạm Thu Trang không thuộc Tổ Ngữ văn" in result.output


@pytest.mark.parametrize("department, author, message", [
    ("SU", "gv.toan", "Không có tổ bộ môn mã “SU”. Các mã hiện có: ANH, KHTN, TOAN, VAN."),
    ("TOAN", "khongco", "Không có tài khoản “khongco”."),
    ("TOAN", "hs.6a1.01", "không phải giáo viên của trường"),
])
def test_bad_department_or_author_fail_with_a_message(app, runner, demo, tmp_path, department,
                                                     author, message):
    result = run(runner, lesson(tmp_path / "a.zip"), department, author)
    assert result.exit_code == 1
    assert message in result.output


def test_a_bad_package_fails_and_leaves_nothing(app, runner, demo, tmp_path, leftovers):
    result = run(runner, build_zip(tmp_path / "x.zip", [("../evil.html", b"x")]))
    assert result.exit_code == 1
    assert "Lỗi: Tên tệp “../evil.html” trỏ ra ngoài gói" in result.output
    assert leftovers() == (0, 0, 0, 0)
    missing = run(runner, tmp_path / "khong-co.zip")
    assert missing.exit_code == 1 and "Không tìm thấy tệp" in missing.output
