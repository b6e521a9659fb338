"""`flask lms ...`: the commands administrators and cron jobs run."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext


def init_app(app: Flask) -> None:
    group = AppGroup("lms", help="Lệnh quản trị hệ thống học liệu số.")
    app.extensions["lms_cli"] = group
    group.add_command(seed_demo)
    group.add_command(gc_blobs)
    group.add_command(migrate_command)
    app.cli.add_command(group)


def upgrade_database() -> None:
    """Bring the schema to every head (the core's and each plugin's branch)."""
    from flask_migrate import upgrade

    upgrade(revision="heads")


@click.command("migrate")
@with_appcontext
def migrate_command() -> None:
    """Nâng cấp cơ sở dữ liệu lên phiên bản mới nhất (lõi và mọi plugin)."""
    upgrade_database()
    click.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất.")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Tạo trường mẫu (chạy lại không tạo trùng). Tự nâng cấp CSDL nếu còn trống."""
    from .seed import DEMO_PASSWORD, seed_demo_school, seed_plugins_demo

    upgrade_database()
    created, logins = seed_demo_school()
    notes = seed_plugins_demo()
    click.echo("Đã tạo trường mẫu." if created else "Trường mẫu đã có sẵn, không thay đổi.")
    click.echo(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
    for username, label in logins:
        click.echo(f"  {username:<14} {label}")
    for line in notes:
        click.echo(line)


@click.command("gc-blobs")
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê, không xóa.")
@with_appcontext
def gc_blobs(dry_run: bool) -> None:
    """Xóa các tệp trong kho nội dung không còn được dùng (trừ tệp mới lưu gần đây)."""
    from .storage import collect_garbage

    report = collect_garbage(dry_run=dry_run)
    megabytes = report.removed_bytes / (1024 * 1024)
    if dry_run:
        click.echo(f"Sẽ xóa {len(report.removed)} tệp không còn được dùng ({megabytes:.1f} MB).")
        for digest in report.removed:
            click.echo(f"  {digest}")
    else:
        current_app.logger.info("gc-blobs removed %d blobs", len(report.removed))
        click.echo(f"Đã xóa {len(report.removed)} tệp không còn được dùng ({megabytes:.1f} MB).")
    click.echo(f"Giữ lại {report.kept} tệp đang được dùng và {report.too_young} tệp mới lưu "
               f"(chưa quá {current_app.config['LMS_BLOB_GC_GRACE_HOURS']} giờ).")
    if report.abandoned_uploads:
        click.echo(f"Đã dọn {report.abandoned_uploads} tệp tạm của lần tải lên bị gián đoạn.")
