"""Interactive video

Video lessons with questions on the timeline: MP4/MOV/WebM/MKV uploads made playable on every
phone by a background worker (ffmpeg), H5P Interactive Video import, an editor in the browser,
a tracked player and the teacher's report.
"""
from __future__ import annotations

from lms.plugins import LMSPlugin


class VideoPlugin(LMSPlugin):
    """Video tương tác

    Video bài giảng có câu hỏi theo mốc thời gian, nhập được từ H5P Interactive Video.
    """

    #: after the SCORM lessons, before the assignments that give the video (see lms.plugins)
    seed_order = 20

    def seed_demo(self, demo):
        """An approved interactive video made with ffmpeg (demo_lesson.py)."""
        from .demo_lesson import seed_demo_video

        seed_demo_video(demo)

    def blueprints(self):
        from . import editor, player, report, tracking

        return [player.bp, tracking.bp, editor.bp, report.bp]

    def content_types(self):
        from .content_type import VideoContentType

        return [VideoContentType()]

    def cli_commands(self):
        from .jobs import video_worker_command

        return [video_worker_command]

    def template_hooks(self):
        return {"material-page": self._material_page}

    def _material_page(self, material, **_context):
        from flask import render_template
        from flask_login import current_user

        if material.content_type != "video":
            return ""
        from .content_type import job_label, lesson_for
        from .editor import can_edit
        from .report import can_see_report

        editor = can_edit(current_user, material)
        lesson = lesson_for(material, latest=editor)
        if lesson is None:
            return ""
        return render_template("video/_panel.html", material=material, lesson=lesson,
                               can_edit=editor, can_report=can_see_report(current_user, material),
                               job_label=job_label)

    def blob_references(self) -> set[str]:
        from sqlalchemy import select

        from lms.extensions import db

        from .models import VideoJob, VideoLesson

        digests = set()
        for lesson in db.session.scalars(select(VideoLesson)):
            digests |= lesson.digests()
        # a job's output is stored before the lesson points at it
        digests |= set(db.session.scalars(
            select(VideoJob.output_digest).where(VideoJob.output_digest.is_not(None))))
        return digests
