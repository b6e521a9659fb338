"""Video delivery: MP4 faststart detected and fixed by the worker, unplayable codecs transcoded
keeping the original, Range requests on the media route, and a job claimed by one worker only."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.extensions import db
from plugins.video import jobs, media
from plugins.video.models import VideoJob, VideoLesson

from .conftest import import_file, lesson_of, player_config


def test_atoms_are_read_from_headers(videos):
    assert media.needs_faststart(videos["late_moov"])
    assert not media.needs_faststart(videos["faststart"])
    atoms = media.top_level_atoms(videos["faststart"])
    assert atoms.index("moov") < atoms.index("mdat")
    assert media.sniff_container(videos["mpeg4"]) == "matroska"


def test_parse_progress():
    assert jobs.parse_progress("out_time_us=5000000", 10.0) == 0.5
    assert jobs.parse_progress("progress=end", None) == 1.0
    assert jobs.parse_progress("frame=12", 10.0) is None
    assert jobs.parse_progress("out_time_us=N/A", 10.0) is None


def test_mp4_without_faststart_is_fixed_by_the_worker(app, demo, client, login, runner,
                                                      videos):
    material_id = import_file(app, videos["late_moov"])
    lesson = lesson_of(app, material_id)
    assert lesson.playable_digest is None and lesson.original_digest
    with app.app_context():
        job = db.session.scalar(sa.select(VideoJob))
        assert (job.kind, job.state) == ("faststart", "queued")
    login("gv.toan")
    page = client.get(f"/materials/{material_id}").get_data(as_text=True)
    assert "Đang chờ xử lý" in page and "hx-trigger" in page  # the teacher sees the state
    login("hs.6a1.01")
    assert "đang được xử lý" in client.get(f"/video/{material_id}/play").get_data(as_text=True)

    result = runner.invoke(args=["lms", "video-worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 việc" in result.output
    with app.app_context():
        job = db.session.scalar(sa.select(VideoJob))
        assert (job.state, job.progress, job.attempts, job.error) == ("done", 1.0, 1, "")
        lesson = db.session.get(VideoLesson, job.lesson_id)
        assert lesson.playable_digest == job.output_digest != lesson.original_digest
        from lms.storage import get_store

        fixed = get_store().local_path(lesson.playable_digest)
        original = get_store().local_path(lesson.original_digest)
    assert not media.needs_faststart(Path(fixed))
    assert media.needs_faststart(Path(original))  # the original is kept
    assert media.probe(Path(fixed)).video == "h264"  # not re-encoded
    config = player_config(client, material_id)
    assert config["mime"] == "video/mp4" and lesson.playable_digest in config["src"]


def test_unplayable_codec_is_transcoded_keeping_the_original(app, demo, runner, videos):
    material_id = import_file(app, videos["mpeg4"])
    with app.app_context():
        job = db.session.scalar(sa.select(VideoJob))
        assert job.kind == "transcode"
    assert runner.invoke(args=["lms", "video-worker", "--once"]).exit_code == 0
    lesson = lesson_of(app, material_id)
    from lms.storage import get_store

    with app.app_context():
        output = Path(get_store().local_path(lesson.playable_digest))
        assert get_store().exists(lesson.original_digest)
    found = media.probe(output)
    assert (found.video, found.audio) == ("h264", "aac")
    assert not media.needs_faststart(output)


def test_failed_job_tells_the_teacher_and_can_be_retried(app, demo, client, login, videos,
                                                         monkeypatch):
    material_id = import_file(app, videos["late_moov"])
    monkeypatch.setattr(jobs, "ffmpeg_command",
                        lambda kind, source, target: ["ffmpeg", "-v", "error", "-i",
                                                      "/nonexistent.mp4", str(target)])
    with app.app_context():
        assert jobs.work(once=True) == 1
        job = db.session.scalar(sa.select(VideoJob))
        assert job.state == "failed" and "ffmpeg không xử lý được" in job.error
        job_id = job.id
    login("gv.toan")
    page = client.get(f"/video/{material_id}/jobs").get_data(as_text=True)
    assert "ffmpeg không xử lý được" in page and "Thử lại" in page
    client.post(f"/video/{material_id}/jobs/{job_id}/retry")
    with app.app_context():
        assert db.session.get(VideoJob, job_id).state == "queued"


def test_two_workers_racing_claim_a_job_once(app, demo, videos):
    import_file(app, videos["late_moov"])
    with app.app_context():
        job_id = db.session.scalar(sa.select(VideoJob.id))
    barrier = threading.Barrier(4)
    won = []

    def race(name):
        with app.app_context():
            barrier.wait()
            try:
                won.append((name, jobs.claim(job_id, name)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=race, args=(f"worker-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(result for _name, result in won) == [False, False, False, True]
    with app.app_context():
        job = db.session.get(VideoJob, job_id)
        winner = next(name for name, result in won if result)
        assert (job.state, job.worker, job.attempts) == ("running", winner, 1)
        assert jobs.claim_next("late-worker") is None  # nothing left to claim


def test_stale_running_job_is_requeued(app, demo, videos):
    import_file(app, videos["late_moov"])
    with app.app_context():
        job = jobs.claim_next("dead-worker")
        from datetime import timedelta

        from lms.models.base import utcnow

        job.heartbeat_at = utcnow() - timedelta(seconds=jobs.STALE_SECONDS + 5)
        db.session.commit()
        assert jobs.requeue_stale() == 1
        assert db.session.get(VideoJob, job.id).state == "queued"


@pytest.fixture
def media_url(app, demo, client, login, lesson):
    login("hs.6a1.01")
    return player_config(client, lesson)["src"]


def _get(client, url, **headers):
    """A response read and closed (blob bodies are open files until closed)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


def test_range_requests(app, client, media_url, videos):
    data = videos["faststart"].read_bytes()
    size = len(data)
    whole = _get(client, media_url)
    assert whole.status_code == 200 and whole.data == data
    assert whole.headers["Content-Type"] == "video/mp4"
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert "private" in whole.headers["Cache-Control"]
    first = _get(client, media_url, Range="bytes=0-1")  # Safari's first probe
    assert first.status_code == 206 and first.data == data[:2]
    assert first.headers["Content-Range"] == f"bytes 0-1/{size}"
    middle = _get(client, media_url, Range="bytes=1000-1999")
    assert middle.status_code == 206 and middle.data == data[1000:2000]
    suffix = _get(client, media_url, Range="bytes=-500")
    assert suffix.status_code == 206 and suffix.data == data[-500:]
    invalid = _get(client, media_url, Range=f"bytes={size + 10}-")
    assert invalid.status_code == 416
    assert invalid.headers["Content-Range"] == f"bytes */{size}"
    etag = whole.headers["ETag"]
    assert _get(client, media_url, **{"If-None-Match": etag}).status_code == 304


def test_media_needs_permission(app, demo, client, login, videos):
    material_id = import_file(app, videos["faststart"], approve=False)
    login("gv.toan")
    src = player_config(client, material_id)["src"]
    assert _get(client, src).status_code == 200
    login("hs.6a1.01")  # a draft: students may not see it, nor its video
    assert _get(client, src).status_code == 403
    client.post("/logout")
    assert _get(client, src).status_code == 302
    login("gv.toan")
    wrong_digest = src.replace(src.split("/")[-2], "0" * 64)
    assert _get(client, wrong_digest).status_code == 404


def test_not_a_video_is_refused(app, demo, client, login, tmp_path):
    fake = tmp_path / "bai.mp4"
    fake.write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(200))
    login("gv.toan")
    with open(fake, "rb") as handle:
        response = client.post("/materials/upload", data={"package": (handle, "bai.mp4")},
                               follow_redirects=True)
    assert "Không đọc được video" in response.get_data(as_text=True)
