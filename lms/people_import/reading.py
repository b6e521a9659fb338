"""Reading a spreadsheet row by row: XLSX (streamed with openpyxl) or CSV in any usual encoding.

The format is decided by the file's first bytes, not by its name: a PNG renamed ``.xlsx`` must be
refused with a clear message, and a CSV saved as ``.txt`` should still be read.
"""
from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from flask_babel import gettext as _

from ..vietnamese import nfc

#: Bytes read to decide the encoding and the delimiter of a CSV file.
SAMPLE_SIZE = 64 * 1024
DELIMITERS = (",", ";", "\t")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc) files


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is for the user, in Vietnamese."""


Row = tuple[int, list]  # (row number as the spreadsheet shows it, cell values)


def iter_rows(stream: BinaryIO) -> Iterator[Row]:
    """Every row of the first sheet, numbered from 1 like the spreadsheet does.

    `stream` must be seekable (an uploaded file saved to disk, or a file opened by the CLI).
    """
    head = stream.read(8)
    stream.seek(0)
    if not head:
        raise ImportFileError(_("Tệp trống, không có dữ liệu."))
    if head.startswith(b"PK"):
        return _xlsx_rows(stream)
    if head.startswith(_OLE_MAGIC):
        raise ImportFileError(
            _("Tệp Excel dạng cũ (.xls) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại thành "
              ".xlsx hoặc CSV."))
    return _csv_rows(stream)


def _xlsx_rows(stream: BinaryIO) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(stream) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise ImportFileError(
                    _("Tệp không phải bảng tính Excel (.xlsx). Hãy chọn tệp .xlsx hoặc .csv."))
        stream.seek(0)
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean "not a workbook"
        raise ImportFileError(
            _("Không đọc được tệp Excel: tệp hỏng hoặc không đúng định dạng .xlsx.")) from exc
    return _sheet_rows(workbook)


def _sheet_rows(workbook) -> Iterator[Row]:
    try:
        sheet = workbook.worksheets[0]
        # Exporters often write a wrong <dimension>; ignore it so no row is cut off.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


def detect_encoding(sample: bytes, stream: BinaryIO) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern), else Windows-1258."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample[1:200:2].count(0) > 40 and sample[0:200:2].count(0) == 0:
        return "utf-16-le"
    if sample[0:200:2].count(0) > 40 and sample[1:200:2].count(0) == 0:
        return "utf-16-be"
    if _is_utf8(stream):
        return "utf-8"
    return "cp1258"


def _is_utf8(stream: BinaryIO) -> bool:
    # Decode the whole file in chunks without keeping it: a single bad byte means "not UTF-8".
    decoder = codecs.getincrementaldecoder("utf-8")()
    stream.seek(0)
    try:
        while chunk := stream.read(SAMPLE_SIZE):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def _looks_binary(sample: bytes, encoding: str) -> bool:
    if encoding.startswith("utf-16"):
        return False
    return any(byte < 32 and byte not in (9, 10, 13) for byte in sample)


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits some line of the sample into the most cells.

    Title rows above the header ("DANH SÁCH HỌC SINH, NĂM HỌC ...") may hold a stray comma,
    so the busiest line decides, not the first one.
    """
    best, best_count = ",", 0
    for delimiter in DELIMITERS:
        count = max((line.count(delimiter) for line in lines), default=0)
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _csv_rows(stream: BinaryIO) -> Iterator[Row]:
    sample = stream.read(SAMPLE_SIZE)
    stream.seek(0)
    encoding = detect_encoding(sample, stream)
    if _looks_binary(sample, encoding):
        raise ImportFileError(
            _("Tệp không phải bảng tính: hãy chọn tệp Excel (.xlsx) hoặc CSV."))
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    sample_lines = text.read(SAMPLE_SIZE).splitlines()[:40]
    text.seek(0)
    delimiter = sniff_delimiter(sample_lines)
    return _decoded_rows(text, delimiter)


def _decoded_rows(text: io.TextIOWrapper, delimiter: str) -> Iterator[Row]:
    try:
        reader = csv.reader(text, delimiter=delimiter)
        for number, values in enumerate(reader, start=1):
            # Windows-1258 writes tone marks as combining characters: compose them.
            yield number, [nfc(value) for value in values]
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ImportFileError(_("Không đọc được tệp CSV: %(error)s", error=str(exc))) from exc
    finally:
        text.detach()
