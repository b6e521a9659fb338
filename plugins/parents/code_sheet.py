"""The class's linking-code sheet: one slip per student (school, class, name, code, expiry, the
registration address and its QR code), and the same list as CSV or XLSX."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

import segno
from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup

from lms.models import SchoolClass, User
from plugins.assignments.schedule import format_local_date
from plugins.targets.spreadsheet import Table, xlsx_bytes

from .codes import display
from .homeroom import StudentLinks


@dataclass
class Slip:
    student: User
    code: str
    expires_at: datetime
    url: str

    @property
    def expires_text(self) -> str:
        return format_local_date(self.expires_at)

    def qr_svg(self) -> Markup:
        """The registration address with the code filled in, as an inline SVG QR code."""
        svg = segno.make(self.url, error="m").svg_inline(scale=3, border=2)
        return Markup(svg)


def slips(roster: list[StudentLinks]) -> list[Slip]:
    """A slip per student with a code that still works (in the roster's order)."""
    return [Slip(row.student, display(row.code.code), row.code.expires_at,
                 url_for("parents.register", code=display(row.code.code), _external=True))
            for row in roster if row.code is not None]


def _header() -> list[str]:
    return [_("STT"), _("Họ và tên học sinh"), _("Mã học sinh"), _("Lớp"), _("Mã liên kết"),
            _("Hết hạn"), _("Địa chỉ đăng ký")]


def _rows(school_class: SchoolClass, class_slips: list[Slip]) -> list[list]:
    return [[number, slip.student.full_name, slip.student.external_code or "", school_class.name,
             slip.code, slip.expires_text, slip.url]
            for number, slip in enumerate(class_slips, start=1)]


def csv_bytes(school_class: SchoolClass, class_slips: list[Slip]) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Vietnamese names correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header())
    writer.writerows(_rows(school_class, class_slips))
    return out.getvalue().encode("utf-8-sig")


def xlsx(school_name: str, school_class: SchoolClass, class_slips: list[Slip]) -> bytes:
    return xlsx_bytes([Table(
        title=_("Mã liên kết %(name)s", name=school_class.name),
        heading=[[school_name], [_("Mã liên kết phụ huynh – lớp %(name)s", name=school_class.name)]],
        header=_header(), rows=_rows(school_class, class_slips), link_columns=frozenset({6}),
        widths=(6, 30, 16, 8, 12, 12, 60))])
