"""`flask lms search-sync | reindex | search-verify`: the indexer's commands."""
from __future__ import annotations

import signal

import click
from flask.cli import with_appcontext

from . import indexer


def commands(plugin) -> list[click.Command]:
    @click.command("search-sync")
    @click.option("--once", is_flag=True, help="Xử lý hết hàng đợi rồi dừng (cho cron).")
    @click.option("--batch", default=200, show_default=True, help="Số thay đổi mỗi lần ghi.")
    @with_appcontext
    def search_sync(once: bool, batch: int) -> None:
        """Cập nhật chỉ mục tìm kiếm theo các thay đổi trong cơ sở dữ liệu."""
        backend = plugin.backend
        if indexer.ensure_index(backend):
            click.echo("Chỉ mục tìm kiếm bị thiếu hoặc hỏng: đã dựng lại.")
        if once:
            click.echo(f"Đã cập nhật {indexer.drain(backend, batch)} thay đổi vào chỉ mục.")
            return
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        click.echo(f"Đang theo dõi thay đổi (bộ tìm kiếm: {backend.name}). Ctrl+C để dừng.")
        try:
            indexer.run_forever(backend, plugin.settings["sync_interval"], batch,
                                should_stop=lambda: bool(stopping))
        except KeyboardInterrupt:
            pass

    @click.command("reindex")
    @with_appcontext
    def reindex() -> None:
        """Dựng lại toàn bộ chỉ mục tìm kiếm rồi thay vào một lần (không gián đoạn)."""
        total = indexer.indexable_count()
        with click.progressbar(length=total, label="Đang lập chỉ mục") as bar:
            done = [0]

            def step(count: int) -> None:
                bar.update(count - done[0])
                done[0] = count

            count = indexer.rebuild(plugin.backend, step)
        click.echo(f"Đã lập chỉ mục {count} học liệu (bộ tìm kiếm: {plugin.backend.name}).")

    @click.command("search-verify")
    @with_appcontext
    def search_verify() -> None:
        """So sánh chỉ mục với cơ sở dữ liệu và xếp hàng cập nhật những chỗ lệch."""
        try:
            report = indexer.verify(plugin.backend)
        except indexer.IndexUnavailable:
            raise click.ClickException(
                "Chưa có chỉ mục tìm kiếm dùng được: hãy chạy “flask lms reindex”.") from None
        click.echo(f"Thiếu trong chỉ mục: {len(report.missing)}; thừa: {len(report.extra)}; "
                   f"lệch nội dung: {len(report.stale)}.")
        if report.differences:
            click.echo(f"Đã xếp hàng {len(report.differences)} học liệu để cập nhật "
                       "(search-sync sẽ xử lý).")
        else:
            click.echo("Chỉ mục khớp với cơ sở dữ liệu.")

    return [search_sync, reindex, search_verify]
