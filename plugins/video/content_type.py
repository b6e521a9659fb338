"""The interactive-video content type: a video file uploaded as it is (MP4, MOV, WebM, MKV) or
an H5P Interactive Video package, made into a lesson with questions on the timeline.

A file browsers cannot play as it is gets a background job (faststart remux or transcode, see
jobs.py); the lesson plays once the job is done, and the teacher sees its state meanwhile.
"""
from __future__ import annotations

import hashlib
import os
import posixpath
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.content_types import ContentType, Inspection, Problem
from lms.extensions import db
from lms.models import Material, MaterialStatus, MaterialVersion, SchoolYear
from lms.storage import get_store

from . import captions, h5p_import, lesson_model, media
from .models import VideoJob, VideoLesson

READ_CHUNK = 2**20


@dataclass
class Analysis:
    """What a video file needs before browsers can play it."""

    container: str | None
    probe: media.Probe | None
    moov_late: bool
    job: str | None
    mime: str
    problem: str = ""  #: fatal, in Vietnamese


def analyse(path: Path) -> Analysis:
    container = media.sniff_container(path)
    if container is None:
        return Analysis(None, None, False, None, "", _(
            "Tệp không phải video MP4, MOV, WebM hay MKV (hoặc đã bị hỏng)."))
    moov_late = container == "mp4" and media.needs_faststart(path)
    found = None
    if media.ffmpeg_available():
        try:
            found = media.probe(path)
        except (media.ProbeFailed, OSError, ValueError):
            return Analysis(container, None, moov_late, None, "", _(
                "Không đọc được video: tệp hỏng hoặc không có hình."))
    elif container != "mp4":
        return Analysis(container, None, False, None, "", _(
            "Máy chủ chưa cài ffmpeg nên chưa nhận được video WebM/MKV; hãy tải lên MP4 "
            "hoặc nhờ Tổ CNTT cài gói ffmpeg."))
    job, mime = media.plan(container, found, moov_late)
    return Analysis(container, found, moov_late, job, mime)


def job_label(kind: str | None) -> str:
    if kind == "faststart":
        return _("Sắp xếp lại tệp để phát ngay trên điện thoại (không mã hoá lại)")
    if kind == "transcode":
        return _("Chuyển sang H.264/AAC MP4 để mọi trình duyệt phát được (giữ bản gốc)")
    return _("Không cần xử lý: trình duyệt phát được ngay")


class VideoContentType(ContentType):
    id = "video"
    name = _l("Video tương tác")
    counts_toward_target = True
    extensions = (".mp4", ".mov", ".webm", ".mkv", ".h5p")

    # Recognising ------------------------------------------------------------------------------
    def detect(self, archive) -> bool:
        return h5p_import.is_h5p(archive)

    def detect_file(self, path, filename: str) -> bool:
        return (filename.lower().endswith(media.VIDEO_EXTENSIONS)
                and media.sniff_container(Path(path)) is not None)

    # Inspection ------------------------------------------------------------------------------
    def inspect(self, archive) -> Inspection:
        inspection = Inspection(content_type=self.id)
        if h5p_import.is_h5p(archive):
            return self._inspect_h5p(archive, inspection)
        analysis = analyse(archive.path)
        if analysis.problem:
            inspection.problems.append(Problem(analysis.problem, file=archive.name))
            return inspection
        inspection.title = Path(archive.name).stem
        inspection.version = _("Tệp video")
        inspection.launch_points = [archive.name]
        inspection.details = {"report_sections": _media_sections(analysis)}
        return inspection

    def _inspect_h5p(self, archive, inspection: Inspection) -> Inspection:
        try:
            converted = h5p_import.convert(archive)
        except h5p_import.H5PError as error:
            inspection.problems.append(Problem(error.message, file=error.file))
            return inspection
        inspection.title = converted.title
        inspection.version = "H5P Interactive Video"
        inspection.launch_points = [converted.video_path or converted.external_url]
        inspection.problems.extend(Problem(w, fatal=False) for w in converted.warnings)
        if converted.unsupported:
            inspection.problems.append(Problem(
                _("Một số tương tác chưa hỗ trợ nên bị bỏ qua: %(list)s.",
                  list="; ".join(converted.unsupported)), fatal=False))
        sections = [{"title": _("Câu hỏi và thẻ thông tin (%(n)s)", n=len(converted.questions)),
                     "items": [_question_line(q) for q in converted.questions]}]
        if converted.chapters:
            sections.append({"title": _("Chương (%(n)s)", n=len(converted.chapters)),
                             "items": [f"{_clock(c['time'])} {c['title']}"
                                       for c in converted.chapters]})
        if converted.unsupported:
            sections.append({"title": _("Không nhập được (%(n)s)", n=len(converted.unsupported)),
                             "items": converted.unsupported})
        inspection.details = {"report_sections": sections,
                              "questions": len(converted.questions),
                              "unsupported": converted.unsupported,
                              "external_url": converted.external_url}
        return inspection

    # Import ----------------------------------------------------------------------------------
    def import_package(self, archive, *, department, author, inspection: Inspection):
        store = get_store()
        lesson = VideoLesson(settings=dict(lesson_model.DEFAULT_SETTINGS), questions=[],
                             chapters=[], captions=[], assets={}, media_info={})
        title = inspection.title
        if h5p_import.is_h5p(archive):
            converted = h5p_import.convert(archive)
            lesson.settings = converted.settings
            lesson.questions = converted.questions
            lesson.chapters = converted.chapters
            for path in dict.fromkeys(converted.images):
                lesson.assets[path] = _store_member(archive, store, path)
            for path, label, lang in converted.tracks:
                data = captions.to_webvtt(archive.read(path, max_bytes=captions.MAX_CAPTION_BYTES))
                lesson.captions.append({"digest": _store_bytes(archive, store, data),
                                        "label": label, "lang": lang})
            if converted.video_path:
                with _member_on_disk(archive, converted.video_path) as local:
                    _attach_video(lesson, archive, store, local,
                                  posixpath.basename(converted.video_path), member=True)
            else:
                lesson.source_kind = "external"
                lesson.external_url = converted.external_url
                lesson.playable_mime = "video/mp4"
        else:
            _attach_video(lesson, archive, store, archive.path, archive.name, member=False)
        material = Material(
            title=(title or Path(archive.source_name or "").stem or _("Video tương tác"))[:300],
            content_type=self.id, department=department, author=author,
            school_year=SchoolYear.current(), status=MaterialStatus.DRAFT.value)
        version = MaterialVersion(
            material=material, number=1, content_type=self.id,
            source_filename=archive.source_name, created_by=author,
            inspection=_inspection_json(inspection), extracted_text=lesson_text(lesson))
        lesson.version = version
        db.session.add_all([material, version, lesson])
        db.session.flush()  # live_version stays empty: only an approval sets it
        return material

    # Playing ---------------------------------------------------------------------------------
    def launch(self, material, user, version=None):
        """The player; with `version`, that version (a preview) instead of the live one."""
        extra = {"version": version.id} if version is not None else {}
        return redirect(url_for("video.play", material_id=material.id, **extra))

    def attempt_detail_url(self, attempt) -> str | None:
        """The report's drill-down: the attempt's answers, where short texts are marked."""
        return url_for("video_report.attempt_detail", material_id=attempt.material_id,
                       attempt_id=attempt.id)

    def record(self, attempt, payload: dict) -> None:
        from .tracking import record_progress

        lesson = db.session.scalar(
            select(VideoLesson).where(VideoLesson.version_id == attempt.version_id))
        if lesson is not None:
            record_progress(attempt, lesson, payload)

    def extract_text(self, material) -> str:
        version = material.live_version or material.latest_version
        return version.extracted_text if version else ""


def lesson_text(lesson: VideoLesson) -> str:
    """Visible text of the questions and chapters, for search."""
    parts = [c["title"] for c in lesson.chapters or []]
    for question in lesson.questions or []:
        parts.append(question.get("title", ""))
        parts.append(lesson_model.plain_text(question.get("body", "")))
        parts.extend(lesson_model.plain_text(o["text"]) for o in question.get("options", []))
    return "\n".join(p for p in parts if p)[:100_000]


def _attach_video(lesson, archive, store, path: Path, name: str, *, member: bool) -> None:
    analysis = analyse(path)
    if analysis.problem:
        from lms.packages import PackageError

        raise PackageError(analysis.problem, "bad_video", name)
    if member:
        digest = _store_path(archive, store, path)
    else:
        digest = archive.store_files(store)[archive.name].digest
    lesson.source_kind = "file"
    lesson.original_digest = digest
    lesson.original_filename = name[:300]
    lesson.media_info = dict(analysis.probe.to_json() if analysis.probe else {},
                             container_sniffed=analysis.container,
                             faststart=not analysis.moov_late)
    lesson.duration_seconds = analysis.probe.duration if analysis.probe else None
    if analysis.job is None:
        lesson.playable_digest = digest
        lesson.playable_mime = analysis.mime
    else:
        lesson.playable_mime = "video/mp4"
        lesson.jobs.append(VideoJob(kind=analysis.job, input_digest=digest, state="queued"))


def _store_path(archive, store, path: Path) -> str:
    digest = _sha256(path)
    existed = store.exists(digest)
    with open(path, "rb") as source:
        blob = store.put(source)
    if not existed:
        archive.new_digests.add(blob.digest)
    return blob.digest


def _store_bytes(archive, store, data: bytes) -> str:
    existed = store.exists(hashlib.sha256(data).hexdigest())
    blob = store.put_bytes(data)
    if not existed:
        archive.new_digests.add(blob.digest)
    return blob.digest


def _store_member(archive, store, name: str) -> str:
    with _member_on_disk(archive, name) as local:
        return _store_path(archive, store, local)


class _member_on_disk:
    """A package member copied to a temporary file (ffprobe and hashing need a path)."""

    def __init__(self, archive, name: str) -> None:
        self.archive, self.name = archive, name

    def __enter__(self) -> Path:
        suffix = Path(self.name).suffix[:10]
        fd, temp = tempfile.mkstemp(prefix="video-", suffix=suffix)
        self.path = Path(temp)
        with os.fdopen(fd, "wb") as target, self.archive.open_member(self.name) as source:
            while chunk := source.read(READ_CHUNK):
                target.write(chunk)
        return self.path

    def __exit__(self, *exc_info) -> None:
        self.path.unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _clock(seconds: float | None) -> str:
    seconds = int(seconds or 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


def type_labels() -> dict[str, str]:
    return {"single": _("Một lựa chọn"), "multiple": _("Nhiều lựa chọn"),
            "truefalse": _("Đúng/Sai"), "fillblank": _("Điền vào chỗ trống"),
            "text": _("Trả lời ngắn (giáo viên chấm)"), "info": _("Thẻ thông tin")}


def _question_line(question: dict) -> str:
    when = _("cuối video") if question.get("at_end") else _clock(question["time"])
    text = question["title"] or lesson_model.plain_text(question["body"])[:80]
    return f"{when} · {type_labels()[question['type']]} · {text}"


def _media_sections(analysis: Analysis) -> list[dict]:
    found = analysis.probe
    items = []
    if found is not None:
        items.append(_("Định dạng: %(container)s; hình: %(video)s; tiếng: %(audio)s",
                       container=found.container, video=found.video,
                       audio=found.audio or _("không có")))
        if found.width:
            items.append(_("Kích thước: %(w)s×%(h)s", w=found.width, h=found.height))
        if found.duration:
            items.append(_("Thời lượng: %(t)s", t=_clock(found.duration)))
    else:
        items.append(_("Máy chủ chưa có ffprobe nên chưa kiểm tra được mã hoá của video."))
    if analysis.container == "mp4":
        items.append(_("Phần mục lục (moov) ở cuối tệp: cần sắp xếp lại để phát ngay.")
                     if analysis.moov_late else _("Phần mục lục (moov) ở đầu tệp: phát ngay "
                                                  "được."))
    items.append(job_label(analysis.job))
    return [{"title": _("Video"), "items": items}]


def _inspection_json(inspection: Inspection) -> dict:
    return {
        "version": inspection.version, "title": inspection.title,
        "launch_points": inspection.launch_points,
        "problems": [{"message": p.message, "fatal": p.fatal, "file": p.file, "line": p.line}
                     for p in inspection.problems],
        **{k: v for k, v in inspection.details.items() if k != "report_sections"},
    }


def lesson_for(material, *, latest: bool = False) -> VideoLesson | None:
    """The lesson of the material's live version (or, with `latest` or when no version was
    approved yet, its newest version)."""
    live = material.live_version if material.approved_at is not None else None
    version = (material.latest_version if latest else None) or live or material.latest_version
    if version is None:
        return None
    return db.session.scalar(select(VideoLesson).where(VideoLesson.version_id == version.id))
