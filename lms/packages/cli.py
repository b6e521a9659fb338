"""`flask lms import-package`: import any supported package from a shell (see DEVELOPERS.md)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..extensions import db
from ..models import Department, Role, User
from .errors import PackageError

TEACHING_ROLES = (Role.TEACHER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD)


def init_app(app: Flask) -> None:
    app.extensions["lms_cli"].add_command(import_package_command)


def _fail(message: str) -> None:
    click.echo(f"Lỗi: {message}", err=True)
    raise click.exceptions.Exit(1)


@click.command("import-package")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--department", "department_code", required=True, help="Mã tổ bộ môn, ví dụ TOAN.")
@click.option("--author", "username", required=True, help="Tên đăng nhập của giáo viên tác giả.")
@with_appcontext
def import_package_command(file: Path, department_code: str, username: str) -> None:
    """Nhập một gói học liệu (SCORM, Xerte, video tương tác...) thành bản nháp của tổ."""
    from ..materials import permanent_link
    from .importer import import_package_file

    if not file.is_file():
        _fail(f"Không tìm thấy tệp “{file}”.")
    department = db.session.scalar(
        select(Department).where(func.upper(Department.code) == department_code.strip().upper()))
    if department is None:
        codes = ", ".join(db.session.scalars(select(Department.code).order_by(Department.code)))
        _fail(f"Không có tổ bộ môn mã “{department_code}”. Các mã hiện có: {codes or 'chưa có'}.")
    author = db.session.scalar(select(User).where(User.username == username.strip()))
    if author is None:
        _fail(f"Không có tài khoản “{username}”.")
    if not author.active:
        _fail(f"Tài khoản “{username}” đang bị khóa.")
    if not author.has_role(*TEACHING_ROLES):
        _fail(f"Tài khoản “{username}” không phải giáo viên của trường nên không thể là tác giả.")
    if author.department is None or author.department.id != department.id:
        click.echo(f"Cảnh báo: {author.full_name} không thuộc {department.name}; "
                   "học liệu vẫn được nhập vào thư viện của tổ này.", err=True)

    with click.progressbar(length=max(file.stat().st_size, 1), label="Đang lưu tệp",
                           show_pos=False) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        try:
            material = import_package_file(file, filename=file.name, department=department,
                                           author=author, progress=progress)
        except PackageError as error:
            bar.render_finish()
            _fail(str(error))
    click.echo(f"Đã nhập học liệu #{material.id} “{material.title}” (bản nháp, {department.name}).")
    click.echo(f"Liên kết cố định: {permanent_link(material)}")
