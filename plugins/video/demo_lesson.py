"""The demo school's interactive video: a short clip made with ffmpeg, two timed questions.

The shared fixtures' videos may not be shipped, so the demo generates its own small H.264/AAC
MP4 (ffmpeg's test pattern and a tone, moov first so phones play it at once), imports it through
the core importer like any upload, adds the questions the way the editor stores them
(`lesson_model.validate_document`) and takes it through the library's real approval steps.
Without ffmpeg the demo says so in its notes and goes on without the video.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import select

from lms.extensions import db
from lms.models import Department, GradeLevel, Material, Subject
from lms.plugins import registry

from . import lesson_model, media

TITLE = "Toán 6 – Phép cộng phân số (video tương tác)"
DESCRIPTION = ("Video ngắn về cộng hai phân số cùng mẫu và khác mẫu, có câu hỏi dừng video để "
               "học sinh tự kiểm tra.")
TEXTBOOK_LESSON = "Bài 25. Phép cộng và phép trừ phân số"
KEYWORDS = "phép cộng phân số, quy đồng mẫu số, Toán 6"
FILENAME = "phep-cong-phan-so.mp4"
DEPARTMENT, SUBJECT, GRADE = "TOAN", "TOAN", 6
AUTHOR, HEAD, PRINCIPAL = "gv.toan", "tt.toan", "hieutruong"
DURATION_SECONDS = 20
FFMPEG_TIMEOUT = 120

#: The editor's document: what `lesson_model.validate_document` checks and stores.
DOCUMENT = {
    "settings": {"prevent_skipping": False, "pass_percentage": 50, "complete_percentage": 90},
    "chapters": [{"time": 0, "title": "Cộng hai phân số cùng mẫu"},
                 {"time": 10, "title": "Cộng hai phân số khác mẫu"}],
    "questions": [
        {"id": "cung-mau", "type": "single", "time": 8, "pause": True, "points": 1,
         "title": "Cộng hai phân số cùng mẫu",
         "body": "<p>Tính 2/7 + 3/7.</p>",
         "options": [{"id": "a", "text": "5/7", "correct": True},
                     {"id": "b", "text": "5/14", "correct": False},
                     {"id": "c", "text": "6/7", "correct": False}],
         "feedback_correct": "<p>Đúng: giữ nguyên mẫu, cộng các tử: 2 + 3 = 5.</p>",
         "feedback_wrong": "<p>Chưa đúng. Cộng hai phân số cùng mẫu: cộng các tử và "
                           "<b>giữ nguyên mẫu</b>.</p>"},
        {"id": "khac-mau", "type": "truefalse", "time": 17, "pause": True, "points": 1,
         "title": "Cộng hai phân số khác mẫu",
         "body": "<p>1/2 + 1/3 = 2/5. Đúng hay sai?</p>",
         "correct": False,
         "feedback_correct": "<p>Chính xác: quy đồng mẫu 6 được 3/6 + 2/6 = 5/6.</p>",
         "feedback_wrong": "<p>Chưa đúng. Không cộng tử với tử, mẫu với mẫu; hãy quy đồng: "
                           "1/2 + 1/3 = 3/6 + 2/6 = 5/6.</p>"},
    ],
}


def make_video(path: Path, seconds: int = DURATION_SECONDS) -> None:
    """A small 640×360 H.264/AAC MP4 at `path` (raises CalledProcessError, OSError, Timeout)."""
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=15:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "64k", "-shortest", "-movflags", "+faststart", str(path)],
        check=True, capture_output=True, timeout=FFMPEG_TIMEOUT)


def seed_demo_video(demo) -> Material | None:
    """Make, import and approve the demo video unless TOAN has it already."""
    if "library" not in registry().plugins:
        demo.notes.append("Bỏ qua video tương tác mẫu: chưa bật plugin library, nơi học liệu "
                          "được duyệt.")
        return None
    department = db.session.scalar(select(Department).where(Department.code == DEPARTMENT))
    author = demo.accounts.get(AUTHOR)
    if department is None or author is None:
        demo.notes.append("Bỏ qua video tương tác mẫu: chưa có tổ Toán – Tin hoặc tài khoản "
                          f"{AUTHOR}.")
        return None
    if db.session.scalar(select(Material.id).where(
            Material.title == TITLE, Material.department_id == department.id).limit(1)):
        return None
    if not media.ffmpeg_available():
        demo.notes.append("Bỏ qua video tương tác mẫu: máy chủ chưa cài ffmpeg/ffprobe (gói "
                          "ffmpeg) nên không tạo được video.")
        return None
    with tempfile.TemporaryDirectory(prefix="lms-demo-video-") as folder:
        path = Path(folder) / FILENAME
        try:
            make_video(path)
        except (subprocess.SubprocessError, OSError) as error:
            detail = getattr(error, "stderr", b"") or b""
            demo.notes.append("Bỏ qua video tương tác mẫu: ffmpeg không tạo được video ("
                              f"{detail.decode(errors='replace').strip()[:200] or error}).")
            return None
        material = _import(path, department, author)
    _approve(material, demo)
    demo.notes.append(f"Video tương tác mẫu: “{TITLE}” (2 câu hỏi, đã phê duyệt).")
    return material


def _import(path: Path, department, author) -> Material:
    from lms.packages.importer import import_package_file

    from .content_type import lesson_for, lesson_text

    material = import_package_file(path, filename=FILENAME, department=department, author=author)
    lesson = lesson_for(material, latest=True)
    document = lesson_model.validate_document(DOCUMENT, lesson.duration_seconds, lesson.assets)
    lesson.settings = document["settings"]
    lesson.questions = document["questions"]
    lesson.chapters = document["chapters"]
    lesson.version.extracted_text = lesson_text(lesson)
    material.title = TITLE
    material.description = DESCRIPTION
    material.keywords = KEYWORDS
    material.lesson = TEXTBOOK_LESSON
    material.subject_id = db.session.scalar(select(Subject.id).where(Subject.code == SUBJECT))
    material.grade_level_id = db.session.scalar(
        select(GradeLevel.id).where(GradeLevel.number == GRADE))
    db.session.commit()
    return material


def _approve(material: Material, demo) -> None:
    """The library's real steps, so the timeline shows who submitted, passed and approved it."""
    from plugins.library.approval import perform

    perform(material, "submit", demo.accounts[AUTHOR])
    perform(material, "pass", demo.accounts[HEAD], "Video rõ ràng, câu hỏi đúng trọng tâm.")
    perform(material, "approve", demo.accounts[PRINCIPAL], "Đồng ý đưa vào kho học liệu số.")
