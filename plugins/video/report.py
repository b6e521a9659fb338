"""The teacher's view of an interactive video: every student, a drill-down to the answers, and
marking of short-text answers (which then rolls the attempt up again)."""
from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.extensions import db
from lms.materials.results import (
    duration,
    latest_attempt,
    learner_results,
    percent,
    status_labels,
)
from lms.models import LearningAttempt, Material
from lms.models.base import utcnow
from lms.permissions import sees_pending_work

from . import lesson_model
from .content_type import type_labels
from .models import VideoAnswer, VideoLesson
from .tracking import rollup

bp = Blueprint("video_report", __name__, url_prefix="/video/report")


# Results are for those who see the material's pending work: authors and co-authors,
# the department's head and deputy, the board and Tổ CNTT (one rule, in lms.permissions).
can_see_report = sees_pending_work


def _material_for_report(material_id: int) -> Material:
    material = db.session.get(Material, material_id)
    if material is None or material.deleted_at is not None or material.content_type != "video":
        abort(404)
    if not can_see_report(current_user, material):
        abort(403)
    return material


@bp.route("/<int:material_id>")
@login_required
def students(material_id: int):
    """One row per student (their latest attempt), from a single query."""
    material = _material_for_report(material_id)
    rows = learner_results(material, pick=latest_attempt)
    pending = db.session.scalar(
        select(db.func.count(VideoAnswer.id))
        .join(LearningAttempt, LearningAttempt.id == VideoAnswer.attempt_id)
        .where(LearningAttempt.material_id == material.id, VideoAnswer.correct.is_(None)))
    return render_template("video/report.html", material=material, rows=rows, pending=pending,
                           labels=status_labels(), duration=duration, percent=percent)


def _attempt(material: Material, attempt_id: int) -> LearningAttempt:
    attempt = db.session.get(LearningAttempt, attempt_id)
    if attempt is None or attempt.material_id != material.id:
        abort(404)
    return attempt


def _lesson(attempt: LearningAttempt) -> VideoLesson:
    lesson = db.session.scalar(
        select(VideoLesson).where(VideoLesson.version_id == attempt.version_id))
    if lesson is None:
        abort(404)
    return lesson


@bp.route("/<int:material_id>/attempts/<int:attempt_id>")
@login_required
def attempt_detail(material_id: int, attempt_id: int):
    material = _material_for_report(material_id)
    attempt = _attempt(material, attempt_id)
    lesson = _lesson(attempt)
    answers = list(db.session.scalars(select(VideoAnswer).where(
        VideoAnswer.attempt_id == attempt.id).order_by(VideoAnswer.seq)))
    by_question = {qid: list(group) for qid, group in groupby(
        sorted(answers, key=lambda a: (a.question_id, a.seq)), key=lambda a: a.question_id)}
    questions = [q for q in lesson.questions or [] if q["type"] in lesson_model.SCORED_TYPES]
    return render_template("video/attempt.html", material=material, attempt=attempt,
                           questions=questions, answers=by_question, types=type_labels(),
                           labels=status_labels(), duration=duration, percent=percent,
                           option_text=_option_text)


def _option_text(question: dict, response: dict) -> str:
    options = {o["id"]: lesson_model.plain_text(o["text"]) for o in question.get("options", [])}
    if "option" in response:
        return options.get(response["option"], "")
    if "options" in response:
        return "; ".join(options.get(o, "") for o in response["options"])
    if "value" in response:
        return _("Đúng") if response["value"] else _("Sai")
    if "blanks" in response:
        return " | ".join(response["blanks"])
    return response.get("text", "")


@bp.route("/<int:material_id>/attempts/<int:attempt_id>/answers/<int:answer_id>/mark",
          methods=["POST"])
@login_required
def mark(material_id: int, attempt_id: int, answer_id: int):
    """The teacher marks a short-text answer: points (0..max) and an optional comment."""
    material = _material_for_report(material_id)
    attempt = _attempt(material, attempt_id)
    answer = db.session.get(VideoAnswer, answer_id)
    if answer is None or answer.attempt_id != attempt.id:
        abort(404)
    lesson = _lesson(attempt)
    question = next((q for q in lesson.questions or [] if q["id"] == answer.question_id), None)
    if question is None or question["type"] != "text":
        abort(404)
    back = redirect(url_for(".attempt_detail", material_id=material.id, attempt_id=attempt.id))
    raw = (request.form.get("points") or "").replace(",", ".").strip()
    try:
        points = float(raw)
    except ValueError:
        points = -1.0
    if not 0 <= points <= answer.max_points:
        flash(_("Điểm phải là một số từ 0 đến %(max)s.", max=f"{answer.max_points:g}"), "error")
        return back
    answer.points = points
    answer.correct = points > 0 or answer.max_points == 0  # any credit lets the student go on
    answer.teacher_feedback = lesson_model.plain_text(request.form.get("feedback"))[:2000]
    answer.marked_by_id = current_user.id
    answer.marked_at = utcnow()
    db.session.flush()
    rollup(attempt, lesson)
    db.session.commit()
    flash(_("Đã chấm câu trả lời."), "success")
    return back
