"""Background video jobs, run by `flask lms video-worker` beside the web server.

A job is claimed with a compare-and-set (`UPDATE ... WHERE id = :id AND state = 'queued'`): of
several workers racing for it exactly one sees a changed row, on SQLite and PostgreSQL alike.
ffmpeg reports progress with ``-progress pipe:1``; the worker writes it to the row so the
teacher's page (polling) shows it. A job whose worker stopped sending heartbeats is requeued.
"""
from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select, update

from lms.extensions import db
from lms.models.base import utcnow
from lms.storage import get_store

from . import media
from .models import VideoJob, VideoLesson

#: a job is retried after a crash (stale heartbeat) at most this many times in all
MAX_ATTEMPTS = 3
HEARTBEAT_SECONDS = 10
#: a running job without a heartbeat for this long belongs to a worker that died
STALE_SECONDS = 300
READ_CHUNK = 2**20


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim_next(worker: str) -> VideoJob | None:
    """Claim the oldest queued job for `worker`, or None when there is none left to claim."""
    while True:
        candidate = db.session.scalar(
            select(VideoJob.id).where(VideoJob.state == "queued").order_by(VideoJob.id).limit(1))
        if candidate is None:
            db.session.rollback()
            return None
        if claim(candidate, worker):
            return db.session.get(VideoJob, candidate)


def claim(job_id: int, worker: str) -> bool:
    """Compare-and-set one job from queued to running; True when this worker won it."""
    now = utcnow()
    result = db.session.execute(
        update(VideoJob).where(VideoJob.id == job_id, VideoJob.state == "queued")
        .values(state="running", worker=worker, started_at=now, heartbeat_at=now,
                attempts=VideoJob.attempts + 1, progress=0.0, error="")
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def requeue_stale() -> int:
    """Put back jobs whose worker died (no heartbeat for STALE_SECONDS); fail them after
    MAX_ATTEMPTS so a file that crashes ffmpeg does not loop forever."""
    cutoff = utcnow() - timedelta(seconds=STALE_SECONDS)
    stale = VideoJob.state == "running", VideoJob.heartbeat_at < cutoff
    failed = db.session.execute(
        update(VideoJob).where(*stale, VideoJob.attempts >= MAX_ATTEMPTS)
        .values(state="failed", finished_at=utcnow(), error=_(
            "Xử lý video bị gián đoạn nhiều lần; hãy thử lại hoặc tải lên tệp khác."))
        .execution_options(synchronize_session=False)).rowcount
    requeued = db.session.execute(
        update(VideoJob).where(*stale).values(state="queued", worker="")
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return requeued + failed


def _report_progress(job_id: int, progress: float) -> None:
    db.session.execute(update(VideoJob).where(VideoJob.id == job_id, VideoJob.state == "running")
                       .values(progress=round(min(max(progress, 0.0), 0.99), 3),
                               heartbeat_at=utcnow())
                       .execution_options(synchronize_session=False))
    db.session.commit()


def ffmpeg_command(kind: str, source: Path, target: Path) -> list[str]:
    base = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-i", str(source)]
    if kind == "faststart":
        codec = ["-map", "0:v:0", "-map", "0:a:0?", "-c", "copy"]
    else:
        codec = ["-map", "0:v:0", "-map", "0:a:0?", "-c:v", "libx264", "-preset", "veryfast",
                 "-crf", "23", "-pix_fmt", "yuv420p", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2",
                 "-c:a", "aac", "-b:a", "128k"]
    return [*base, *codec, "-movflags", "+faststart", "-f", "mp4", "-progress", "pipe:1",
            "-nostats", "-loglevel", "error", str(target)]


def parse_progress(line: str, duration: float | None) -> float | None:
    """The fraction done from one line of ffmpeg's ``-progress`` output, or None."""
    key, _sep, value = line.strip().partition("=")
    if key == "progress" and value == "end":
        return 1.0
    if key in ("out_time_us", "out_time_ms") and duration:  # both are microseconds
        try:
            return int(value) / 1_000_000 / duration
        except ValueError:
            return None
    return None


def run_job(job: VideoJob) -> None:
    """Run a claimed job to its end: done (lesson playable) or failed (message for the teacher)."""
    lesson = db.session.get(VideoLesson, job.lesson_id)
    store = get_store()
    workdir = Path(tempfile.mkdtemp(prefix="video-job-"))
    try:
        source = store.local_path(job.input_digest)
        if source is None:  # a store without local files: copy the input out first
            source = workdir / "input"
            with store.open(job.input_digest) as stream, open(source, "wb") as target:
                while chunk := stream.read(READ_CHUNK):
                    target.write(chunk)
        target = workdir / "output.mp4"
        error = _run_ffmpeg(job, Path(source), target, lesson.duration_seconds)
        if error is None:
            error = _check_output(target)
        if error is not None:
            _finish(job.id, state="failed", error=error)
            return
        with open(target, "rb") as output:
            blob = store.put(output)
        lesson = db.session.get(VideoLesson, job.lesson_id)
        lesson.playable_digest = blob.digest
        lesson.playable_mime = "video/mp4"
        info = dict(lesson.media_info or {}, faststart=True)
        if job.kind == "transcode":
            info.update(video="h264", audio="aac" if (lesson.media_info or {}).get("audio")
                        else "")
        lesson.media_info = info
        db.session.execute(update(VideoJob).where(VideoJob.id == job.id).values(
            state="done", progress=1.0, output_digest=blob.digest, finished_at=utcnow(),
            error="").execution_options(synchronize_session=False))
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("video job %s failed", job.id)
        _finish(job.id, state="failed",
                error=_("Lỗi hệ thống khi xử lý video; Tổ CNTT đã được ghi nhận."))
    finally:
        for path in workdir.iterdir():
            path.unlink(missing_ok=True)
        workdir.rmdir()


def _run_ffmpeg(job: VideoJob, source: Path, target: Path, duration: float | None) -> str | None:
    if not media.ffmpeg_available():
        return _("Máy chủ chưa cài ffmpeg; hãy nhờ Tổ CNTT cài gói ffmpeg rồi bấm Thử lại.")
    command = ffmpeg_command(job.kind, source, target)
    last_report = 0.0
    with tempfile.TemporaryFile() as errors, subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, text=True) as process:
        for line in process.stdout:
            fraction = parse_progress(line, duration)
            now = time.monotonic()
            if fraction is not None and (now - last_report >= 1 or fraction >= 1):
                _report_progress(job.id, fraction)
                last_report = now
        code = process.wait()
        errors.seek(0)
        detail = errors.read()[-400:].decode("utf-8", "replace").strip()
    if code != 0:
        current_app.logger.warning("ffmpeg failed for job %s: %s", job.id, detail)
        return _("ffmpeg không xử lý được video (mã lỗi %(code)s). Tệp có thể bị hỏng; hãy "
                 "xuất lại video rồi tải lên.", code=code)
    return None


def _check_output(target: Path) -> str | None:
    if not target.is_file() or target.stat().st_size == 0 or media.needs_faststart(target):
        return _("Tệp video sau khi xử lý không hợp lệ; hãy thử lại.")
    return None


def _finish(job_id: int, *, state: str, error: str = "") -> None:
    db.session.execute(update(VideoJob).where(VideoJob.id == job_id).values(
        state=state, error=error, finished_at=utcnow()).execution_options(
        synchronize_session=False))
    db.session.commit()


def retry(job: VideoJob) -> None:
    """Queue a failed job again (the teacher's “Thử lại”)."""
    db.session.execute(update(VideoJob).where(VideoJob.id == job.id, VideoJob.state == "failed")
                       .values(state="queued", error="", progress=0.0, worker="",
                               finished_at=None).execution_options(synchronize_session=False))
    db.session.commit()


def work(*, once: bool, poll_seconds: float = 2.0, worker: str | None = None) -> int:
    """Run jobs until none is left (`once`) or forever; return how many this worker ran."""
    worker = worker or worker_name()
    done = 0
    while True:
        requeue_stale()
        job = claim_next(worker)
        if job is not None:
            run_job(job)
            done += 1
            continue
        if once:
            return done
        db.session.remove()
        time.sleep(poll_seconds)


@click.command("video-worker")
@click.option("--once", is_flag=True, help="Chạy hết các việc đang chờ rồi dừng (cho cron).")
@click.option("--poll", default=2.0, show_default=True, help="Số giây chờ giữa hai lần tìm việc.")
@with_appcontext
def video_worker_command(once: bool, poll: float) -> None:
    """Xử lý video nền: sắp xếp lại MP4 (faststart) và chuyển mã sang H.264/AAC."""
    count = work(once=once, poll_seconds=poll)
    if once:
        click.echo(f"Đã xử lý {count} việc video.")
