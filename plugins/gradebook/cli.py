"""The two stable commands of the score-sheet exchange, for the current school year:

    flask --app wsgi lms gradebook-export --class 6A1 --subject TOAN --semester 1 --out FILE.xlsx
    flask --app wsgi lms gradebook-import FILE.xlsx --class 6A1 --subject TOAN --semester 1

Any error ends with a clear Vietnamese message and a non-zero exit, and nothing is written: the
import applies all its cells or none, the export never leaves a half-written file behind.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from lms.extensions import db
from lms.models import SchoolClass, SchoolYear, Subject

from .exchange import ROMAN, VnEduSmasXlsxExporter, exporters
from .exchange_import import ImportFileError, apply_preview, read_sheet_file
from .semesters import semester_of
from .sheets import (
    CellErrors,
    SheetLocked,
    StaleCell,
    get_or_create_sheet,
    load_sheet_view,
    missing_rule_message,
    rule_for,
)


def _sheet_options(command):
    command = click.option("--semester", "semester_number", required=True, type=int,
                           help="Học kỳ: 1 hoặc 2.")(command)
    command = click.option("--subject", "subject_code", required=True,
                           help="Mã môn, ví dụ TOAN.")(command)
    return click.option("--class", "class_name", required=True,
                        help="Tên lớp của năm học hiện tại, ví dụ 6A1.")(command)


def resolve_view(class_name: str, subject_code: str, semester_number: int):
    """The `SheetView` named on the command line, or a `ClickException` saying what is wrong.
    A sheet opened for the first time is only flushed: the caller commits or nothing stays."""
    year = SchoolYear.current()
    if year is None:
        raise click.ClickException("Chưa có năm học hiện tại.")
    if semester_number not in (1, 2):
        raise click.ClickException(f"Học kỳ phải là 1 hoặc 2 (đã nhập {semester_number}).")
    wanted = class_name.replace(" ", "").upper()
    school_class = db.session.scalar(select(SchoolClass).where(
        func.upper(SchoolClass.name) == wanted, SchoolClass.school_year_id == year.id))
    if school_class is None:
        raise click.ClickException(f"Không có lớp {class_name} trong năm học {year.name}.")
    subject = db.session.scalar(select(Subject).where(
        func.upper(Subject.code) == subject_code.strip().upper()))
    if subject is None:
        raise click.ClickException(f"Không có môn có mã {subject_code}.")
    if rule_for(subject.id, school_class.grade_level_id) is None:
        raise click.ClickException(missing_rule_message(subject, school_class))
    sheet = get_or_create_sheet(school_class.id, subject.id, semester_of(year, semester_number))
    return load_sheet_view(sheet)


def _describe(view) -> str:
    return (f"lớp {view.school_class.name} môn {view.subject.name} học kỳ "
            f"{ROMAN[view.semester.number]} năm học {view.semester.school_year.name}")


@click.command("gradebook-export")
@_sheet_options
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="Tệp .xlsx sẽ ghi.")
@with_appcontext
def export_command(class_name, subject_code, semester_number, out_path):
    """Xuất bảng điểm một lớp, một môn, một học kỳ ra tệp Excel cho VnEdu/SMAS."""
    try:
        view = resolve_view(class_name, subject_code, semester_number)
        result = exporters()[VnEduSmasXlsxExporter.id].export(view)
    finally:
        db.session.rollback()  # exporting writes nothing, not even a newly opened sheet
    target = Path(out_path)
    if not target.parent.is_dir():
        raise click.ClickException(f"Không có thư mục {target.parent}.")
    # Write beside the target, then rename: the file is either the whole sheet or absent.
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".bang-diem-", suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(result.data)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise click.ClickException(f"Không ghi được tệp {target}: {error.strerror}.") from error
    click.echo(f"Đã xuất bảng điểm {_describe(view)}: {len(view.students)} học sinh → {target}")


@click.command("gradebook-import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@_sheet_options
@with_appcontext
def import_command(file, class_name, subject_code, semester_number):
    """Nhập điểm từ tệp Excel có dạng bảng điểm VnEdu/SMAS (tất cả hoặc không ghi gì)."""
    try:
        view = resolve_view(class_name, subject_code, semester_number)
        if view.locked:
            raise click.ClickException(f"Học kỳ {ROMAN[view.semester.number]} đã khóa sổ: "
                                       "không nhập được điểm.")
        try:
            with open(file, "rb") as stream:
                preview = read_sheet_file(stream, view)
        except ImportFileError as error:
            raise click.ClickException(str(error)) from error
        if not preview.ok:
            lines = [f"{n}. {problem}" for n, problem in enumerate(preview.problems, start=1)]
            raise click.ClickException(
                f"Tệp có {len(preview.problems)} lỗi, chưa ghi điểm nào:\n" + "\n".join(lines))
        try:
            apply_preview(preview, actor=None)
        except (SheetLocked, StaleCell) as error:
            raise click.ClickException(str(error)) from error
        except CellErrors as error:
            raise click.ClickException("Chưa ghi điểm nào: " + str(error)) from error
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    click.echo(f"Đã nhập {len(preview.changes)} điểm cho {preview.students_changed} học sinh "
               f"({_describe(view)}).")


COMMANDS = (export_command, import_command)
