"""The catalog of digital materials (Danh mục học liệu số, criterion 1.4) and its sign-off.

What it lists: exactly the materials counted toward the targets of the school year (see
`counting`): approved, not deleted, newly created in the year, of a counting type (SCORM, Xerte,
interactive video by default). Other files kept in the libraries (PDF, slides, plain video) are
NOT listed: the catalog is the evidence for the digital-materials score, and its number must be
the dashboard's number. The link is each material's permanent link, which survives revisions.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from lms.extensions import db
from lms.materials import permanent_link
from lms.models import (
    Department,
    GradeLevel,
    Material,
    MaterialAuthor,
    School,
    SchoolYear,
    Subject,
    User,
    audit,
)
from lms.models.base import utcnow
from lms.template_helpers import format_date

from .counting import counted
from .models import CatalogConfirmation
from .spreadsheet import Table, xlsx_bytes

#: The columns the education department's form prescribes, word for word; not translated
#: because the catalog is filed in Vietnamese whatever language the user reads the app in.
CATALOG_COLUMNS = ("STT", "Tên học liệu", "Tên tác giả", "Môn", "Bài", "Link liên kết",
                   "Ghi chú")
LINK_COLUMN = CATALOG_COLUMNS.index("Link liên kết")


@dataclass
class CatalogRow:
    number: int
    material_id: int
    title: str
    authors: str
    subject: str
    lesson: str
    link: str
    notes: str
    department: str

    def cells(self) -> list:
        return [self.number, self.title, self.authors, self.subject, self.lesson, self.link,
                self.notes]


@dataclass
class Catalog:
    year: SchoolYear
    department: Department | None
    school_name: str
    rows: list[CatalogRow] = field(default_factory=list)
    confirmation: CatalogConfirmation | None = None

    @property
    def changed_since_confirmation(self) -> bool:
        return (self.confirmation is not None
                and self.confirmation.material_count != len(self.rows))


def _subject_label(subject: str | None, grade: int | None) -> str:
    """“Toán 6”, as textbooks name a subject in a grade."""
    if not subject:
        return ""
    return f"{subject} {grade}" if grade else subject


def _filters(year: SchoolYear, department_id: int | None) -> list:
    conditions = [counted(year)]
    if department_id is not None:
        conditions.append(Material.department_id == department_id)
    return conditions


def catalog_count(year: SchoolYear, department_id: int | None) -> int:
    return db.session.scalar(select(func.count(Material.id))
                             .where(*_filters(year, department_id))) or 0


def latest_confirmation(year: SchoolYear, department_id: int | None) -> CatalogConfirmation | None:
    department = (CatalogConfirmation.department_id.is_(None) if department_id is None
                  else CatalogConfirmation.department_id == department_id)
    return db.session.scalar(
        select(CatalogConfirmation)
        .where(CatalogConfirmation.school_year_id == year.id, department)
        .order_by(CatalogConfirmation.confirmed_at.desc(), CatalogConfirmation.id.desc())
        .limit(1))


def build_catalog(year: SchoolYear, department: Department | None = None) -> Catalog:
    """The catalog for `year` (and one department, or the whole school): four queries."""
    department_id = department.id if department is not None else None
    author = aliased(User)
    rows = db.session.execute(
        select(Material.id, Material.title, Material.lesson, Material.topic, Material.notes,
               author.full_name.label("author"), Subject.name.label("subject"),
               GradeLevel.number.label("grade"), Department.name.label("department"))
        .join(author, author.id == Material.author_id)
        .join(Department, Department.id == Material.department_id)
        .outerjoin(Subject, Subject.id == Material.subject_id)
        .outerjoin(GradeLevel, GradeLevel.id == Material.grade_level_id)
        .where(*_filters(year, department_id))
        .order_by(Department.name, Subject.name, GradeLevel.number, Material.lesson,
                  Material.title, Material.id)).all()
    co_authors: dict[int, list[str]] = {}
    for material_id, name in db.session.execute(
            select(MaterialAuthor.material_id, User.full_name)
            .join(User, User.id == MaterialAuthor.user_id)
            .join(Material, Material.id == MaterialAuthor.material_id)
            .where(*_filters(year, department_id))
            .order_by(MaterialAuthor.material_id, MaterialAuthor.position, MaterialAuthor.id)):
        co_authors.setdefault(material_id, []).append(name)
    school = School.current()
    catalog = Catalog(year=year, department=department,
                      school_name=school.name if school else "",
                      confirmation=latest_confirmation(year, department_id))
    for number, row in enumerate(rows, start=1):
        names = [row.author, *(n for n in co_authors.get(row.id, []) if n != row.author)]
        catalog.rows.append(CatalogRow(
            number=number, material_id=row.id, title=row.title, authors=", ".join(names),
            subject=_subject_label(row.subject, row.grade), lesson=row.lesson or row.topic,
            link=permanent_link(row), notes=row.notes, department=row.department))
    return catalog


def confirm_catalog(year: SchoolYear, department: Department | None, principal) -> \
        CatalogConfirmation:
    """Record the principal's sign-off of the catalog as it is now (the caller commits)."""
    department_id = department.id if department is not None else None
    confirmation = CatalogConfirmation(
        school_year_id=year.id, department_id=department_id, principal_id=principal.id,
        principal_name=principal.full_name, confirmed_at=utcnow(),
        material_count=catalog_count(year, department_id))
    db.session.add(confirmation)
    db.session.flush()
    audit("catalog.confirmed", actor=principal, target=confirmation, school_year=year.name,
          department=department.code if department is not None else None,
          material_count=confirmation.material_count)
    return confirmation


def confirmation_lines(catalog: Catalog) -> list[list[str]]:
    """The principal's block under the table, in the XLSX as on the printed page."""
    confirmation = catalog.confirmation
    if confirmation is None:
        return [[_("XÁC NHẬN CỦA HIỆU TRƯỞNG")],
                [_("Chưa xác nhận")],
                [_("Họ và tên: ........................................")],
                [_("Ngày: ....../....../...........")]]
    lines = [[_("XÁC NHẬN CỦA HIỆU TRƯỞNG")],
             [_("Đã xác nhận danh mục gồm %(count)s học liệu.",
                count=confirmation.material_count)],
             [_("Họ và tên: %(name)s", name=confirmation.principal_name)],
             [_("Ngày: %(date)s", date=format_date(confirmation.confirmed_at))]]
    if catalog.changed_since_confirmation:
        lines.append([_("Danh mục đã thay đổi sau khi xác nhận (nay có %(count)s học liệu): "
                        "cần xác nhận lại.", count=len(catalog.rows))])
    return lines


def catalog_heading(catalog: Catalog) -> list[str]:
    scope = (catalog.department.name if catalog.department is not None
             else _("Toàn trường"))
    return [catalog.school_name,
            _("DANH MỤC HỌC LIỆU SỐ"),
            _("Năm học %(year)s · %(scope)s", year=catalog.year.name, scope=scope)]


def catalog_xlsx(catalog: Catalog) -> bytes:
    heading = [[line] for line in catalog_heading(catalog)] + [[]]
    return xlsx_bytes([Table(
        title=_("Danh mục học liệu số"), header=CATALOG_COLUMNS,
        rows=(row.cells() for row in catalog.rows), heading=heading,
        closing=[[], *confirmation_lines(catalog)], link_columns=frozenset({LINK_COLUMN}),
        widths=(6, 48, 32, 18, 32, 36, 30))])


def catalog_filename(catalog: Catalog) -> str:
    scope = catalog.department.code if catalog.department is not None else "toan-truong"
    return f"danh-muc-hoc-lieu-so-{catalog.year.name}-{scope}.xlsx"
