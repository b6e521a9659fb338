"""`flask lms import-people FILE`: the same import as the admin page, for large files and scripts."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .columns import KINDS
from .committing import apply_plan
from .password_sheet import sheet_xlsx
from .preview import build_plan
from .reading import ImportFileError

GROUP_LABELS = {"students": "Học sinh", "teachers": "Giáo viên", "parents": "Phụ huynh",
                "classes": "Lớp"}


@click.command("import-people")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(KINDS), help="Loại danh sách (mặc định: tự nhận ra).")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra và báo cáo, không ghi gì.")
@click.option("--sheet", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp XLSX để ghi mật khẩu ban đầu của các tài khoản mới.")
@with_appcontext
def import_people(file: Path, kind: str | None, dry_run: bool, sheet: Path | None) -> None:
    """Nhập danh sách học sinh, phụ huynh hoặc giáo viên từ tệp XLSX/CSV."""
    try:
        with file.open("rb") as stream:
            plan = build_plan(stream, kind)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from exc
    if not plan.ok:
        for problem in plan.problems:
            click.echo(f"Dòng {problem.row}: {' '.join(problem.reasons)}", err=True)
        raise click.ClickException(
            f"{len(plan.problems)} dòng có lỗi; không ghi gì vào cơ sở dữ liệu.")
    _echo_counts(plan.counts)
    if dry_run:
        click.echo("Chạy thử (--dry-run): không ghi gì.")
        return
    if plan.new_accounts and sheet is None:
        raise click.ClickException(
            f"Lần nhập này tạo {len(plan.new_accounts)} tài khoản mới: hãy chỉ định --sheet "
            "OUT.xlsx để lưu mật khẩu ban đầu.")
    with click.progressbar(length=len(plan.new_accounts),
                           label="Đang tạo tài khoản") as bar:
        result = apply_plan(plan, actor=None, progress=lambda n: bar.update(n))
    if result.slips:
        sheet.write_bytes(sheet_xlsx(result.slips))
        sheet.chmod(0o600)
        click.echo(f"Đã ghi mật khẩu ban đầu của {len(result.slips)} tài khoản vào {sheet}.")
    click.echo("Đã nhập xong." if plan.changes_anything else "Không có gì thay đổi.")


def _echo_counts(counts) -> None:
    for group, counter in counts.items():
        click.echo(f"{GROUP_LABELS.get(group, group)}: {counter['new']} mới, "
                   f"{counter['updated']} cập nhật, {counter['unchanged']} không đổi")
