import io
import struct
import zipfile
import zlib

import pytest

from lms.people_import import ImportFileError

from . import files
from .conftest import plan_for, table_counts


def _png() -> bytes:
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize("data, message", [
    (_png(), "không phải bảng tính"),
    (_docx(), "không phải bảng tính Excel"),
    (b"PK\x03\x04 broken zip", "Không đọc được tệp Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    (b"", "Tệp trống"),
    (b"\r\n\r\n", "Tệp trống"),
    (files.xlsx([], title_rows=[]), "Tệp trống"),
    (files.xlsx([files.STUDENT_HEADER]), "chỉ có dòng tiêu đề"),
    (files.csv_bytes([files.STUDENT_HEADER]), "chỉ có dòng tiêu đề"),
    (files.xlsx([["Tên", "Tuổi"], ["An", 12]]), "Không tìm thấy dòng tiêu đề"),
    (files.xlsx([["Họ và tên", "Ngày sinh"], ["An", "01/01/2014"]]), "hãy chọn loại danh sách"),
    (files.xlsx([["Họ và tên", "Lớp"], ["An", "6A1"]]), "Thiếu cột: Mã học sinh"),
])
def test_unusable_files_are_refused_with_a_reason(school, data, message):
    before = table_counts()
    with pytest.raises(ImportFileError) as caught:
        plan_for(data)
    assert message in str(caught.value)
    assert table_counts() == before


def test_kind_given_explicitly(school):
    data = files.xlsx([["Họ và tên", "Email"], ["Cao Văn Sơn", "son@example.vn"]])
    plan = plan_for(data, "teachers")
    assert plan.ok and plan.kind == "teachers" and len(plan.new_accounts) == 1


def test_excel_dates_and_numeric_codes(school):
    from datetime import datetime

    rows = [[1, 7901000555, "Vũ Hà My", datetime(2013, 4, 5), "Nữ", "7A1", 7, "", 912000111]]
    plan = plan_for(files.xlsx([files.STUDENT_HEADER, *rows]))
    assert plan.ok, plan.problems
    account = plan.new_accounts[0]
    assert account.external_code == "7901000555" and account.birth_date.year == 2013
    assert plan.new_accounts[1].phone == "0912000111"  # Excel dropped the leading 0
