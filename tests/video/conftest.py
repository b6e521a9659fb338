"""Fixtures for the interactive-video tests: videos generated with ffmpeg, imports through the
real importer, and a helper to open the player's config."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.extensions import db

needs_ffmpeg = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("ffprobe")),
    reason="ffmpeg/ffprobe are not installed (apt-get install ffmpeg; `make test` does it)")


def make_video(path: Path, *, seconds: int = 4, faststart: bool = False, codec: str = "h264",
               container: str | None = None) -> Path:
    """A small test video: ffmpeg's test pattern and a tone. Without `faststart` ffmpeg's
    default MP4 muxing writes the moov atom after mdat, as many cameras and editors do."""
    video_codec = {"h264": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
                   "mpeg4": ["-c:v", "mpeg4"], "vp9": ["-c:v", "libvpx-vp9", "-deadline",
                                                       "realtime", "-b:v", "200k"]}[codec]
    audio_codec = ["-c:a", "libopus"] if codec == "vp9" else ["-c:a", "aac"]
    command = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
               f"testsrc=size=160x120:rate=10:duration={seconds}", "-f", "lavfi", "-i",
               f"sine=frequency=440:duration={seconds}", *video_codec, *audio_codec,
               "-shortest"]
    if faststart:
        command += ["-movflags", "+faststart"]
    if container:
        command += ["-f", container]
    subprocess.run([*command, str(path)], check=True, capture_output=True)
    return path


def import_file(app, path: Path, *, author: str = "gv.toan", approve: bool = True,
                filename: str | None = None) -> int:
    from lms.models import Material, User
    from lms.packages.importer import import_package_file

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == author))
        material = import_package_file(path, filename=filename or path.name,
                                       department=user.department, author=user)
        if approve:
            material = db.session.get(Material, material.id)
            material.status = "approved"
            material.live_version = material.latest_version
            material.live_version.status = "approved"
            material.approved_at = material.created_at
            db.session.commit()
        return material.id


def player_config(client, material_id: int) -> dict:
    response = client.get(f"/video/{material_id}/play")
    assert response.status_code == 200, response.status_code
    found = re.search(r'<script type="application/json" id="video-config">(.*?)</script>',
                      response.get_data(as_text=True), re.DOTALL)
    assert found, "the lesson is not playable yet"
    return json.loads(found.group(1))


def lesson_of(app, material_id: int, *, latest: bool = False):
    from lms.models import Material
    from plugins.video.content_type import lesson_for

    with app.app_context():
        material = db.session.get(Material, material_id)
        lesson = lesson_for(material, latest=latest)
        db.session.expunge(lesson)
        return lesson


def set_document(app, material_id: int, questions: list, settings: dict | None = None,
                 duration: float | None = None) -> None:
    """Store a validated document on the material's lesson directly (editor tests go through
    the route)."""
    from lms.models import Material
    from plugins.video import lesson_model
    from plugins.video.content_type import lesson_for

    with app.app_context():
        lesson = lesson_for(db.session.get(Material, material_id))
        document = lesson_model.validate_document(
            {"settings": dict(lesson_model.DEFAULT_SETTINGS, **(settings or {})),
             "questions": questions, "chapters": []}, lesson.duration_seconds)
        lesson.settings, lesson.questions = document["settings"], document["questions"]
        if duration is not None:
            lesson.duration_seconds = duration
        db.session.commit()


@pytest.fixture(scope="session")
def videos(tmp_path_factory):
    """Test videos made once per run: {"faststart", "late_moov", "mpeg4"}."""
    if not (shutil.which("ffmpeg") and shutil.which("ffprobe")):
        pytest.skip("ffmpeg/ffprobe are not installed (apt-get install ffmpeg; `make test` "
                    "installs it)")
    folder = tmp_path_factory.mktemp("videos")
    return {
        "faststart": make_video(folder / "bai-giang.mp4", seconds=20, faststart=True),
        "late_moov": make_video(folder / "quay-dien-thoai.mp4", seconds=4),
        "mpeg4": make_video(folder / "may-quay-cu.mkv", seconds=2, codec="mpeg4",
                            container="matroska"),
    }


QUESTIONS = [
    {"id": "q1", "type": "single", "time": 5, "title": "Câu 1", "body": "<p>2 + 2 = ?</p>",
     "pause": True, "required": True, "seek_back": 2, "points": 2,
     "feedback_correct": "<p>Giỏi lắm</p>", "feedback_wrong": "<p>Xem lại nhé</p>",
     "options": [{"id": "a", "text": "3", "correct": False},
                 {"id": "b", "text": "4", "correct": True}]},
    {"id": "q2", "type": "fillblank", "time": 10, "title": "Câu 2",
     "body": "<p>Thủ đô của Việt Nam là *Hà Nội/Ha Noi*.</p>", "pause": True, "points": 1},
    {"id": "q3", "type": "text", "time": 12, "title": "Câu 3", "body": "<p>Vì sao?</p>",
     "points": 2},
    {"id": "info1", "type": "info", "time": 1, "title": "Giới thiệu", "body": "<p>Chào</p>"},
]


@pytest.fixture
def lesson(app, demo, videos):
    """An approved interactive video (20 s, faststart) with QUESTIONS; returns its material id."""
    material_id = import_file(app, videos["faststart"])
    set_document(app, material_id, QUESTIONS)
    return material_id
