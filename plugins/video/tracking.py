"""A student's attempt at an interactive video: watched ranges, answers, score and completion,
rolled up into the core `LearningAttempt` like every other format.

The server decides everything that counts: answers are scored here (the player never has the
correct answers before answering); with "prevent skipping" a watched range is accepted only
where it continues what was already watched; nobody gets past a question that needs a correct
answer. Requests are authenticated by the login session plus a per-attempt token in the URL
(sendBeacon cannot add headers), bodies are JSON whatever the Content-Type, and an answer
carries the player's sequence number so that one resent after a network drop is not counted
twice.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import Blueprint, current_app
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.beacon import json_answer, read_json_object
from lms.extensions import csrf, db
from lms.models import LearningAttempt
from lms.models.base import utcnow

from . import lesson_model
from .models import VideoAnswer, VideoLesson

bp = Blueprint("video_tracking", __name__, url_prefix="/video")

MAX_BODY_BYTES = 64 * 1024
MAX_RANGES = 500
MAX_SESSIONS = 200
#: seconds of slack for players that report a moment late or seek to a keyframe
TOLERANCE = 2.0
MAX_SEQ = 2**31 - 1


def attempt_token(attempt: LearningAttempt) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"video-attempt:{attempt.id}:{attempt.user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def open_attempt(material, user, lesson: VideoLesson) -> tuple[LearningAttempt, int]:
    """The learner's attempt at this version (reopened to resume) and a new session number."""
    attempt = db.session.scalar(
        select(LearningAttempt)
        .where(LearningAttempt.user_id == user.id, LearningAttempt.material_id == material.id)
        .order_by(LearningAttempt.number.desc()).limit(1))
    if attempt is None or attempt.version_id != lesson.version_id:
        number = attempt.number + 1 if attempt is not None else 1
        attempt = LearningAttempt(user_id=user.id, material_id=material.id,
                                  version_id=lesson.version_id, number=number, details={})
        db.session.add(attempt)
        db.session.flush()
    details = dict(attempt.details or {})
    sessions = dict(details.get("sessions") or {})
    session = max((int(key) for key in sessions), default=0) + 1
    sessions[str(session)] = {"started": utcnow().isoformat(), "seconds": 0.0}
    if len(sessions) > MAX_SESSIONS:
        oldest = min(sessions, key=int)
        details["earlier_seconds"] = (details.get("earlier_seconds", 0.0)
                                      + sessions.pop(oldest)["seconds"])
    details["sessions"] = sessions
    details.setdefault("watched", [])
    details.setdefault("position", 0.0)
    attempt.details = details
    attempt.last_access_at = utcnow()
    db.session.commit()
    return attempt, session


# Watched ranges ------------------------------------------------------------------------------
def merge_ranges(ranges: list[list[float]]) -> list[list[float]]:
    merged: list[list[float]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 0.5:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def covered(ranges: list[list[float]]) -> float:
    return sum(end - start for start, end in ranges)


def contiguous_end(ranges: list[list[float]]) -> float:
    """How far the student has watched without a gap from the start."""
    for start, end in merge_ranges(ranges):
        if start <= TOLERANCE:
            return end
        break
    return 0.0


def _clean_ranges(value, duration: float | None) -> list[list[float]]:
    if not isinstance(value, list):
        return []
    limit = duration if duration else 24 * 3600.0
    cleaned = []
    for item in value[:MAX_RANGES]:
        if (isinstance(item, list) and len(item) == 2
                and all(isinstance(x, int | float) and not isinstance(x, bool) for x in item)):
            start, end = max(0.0, float(item[0])), min(limit, float(item[1]))
            if end > start:
                cleaned.append([round(start, 2), round(end, 2)])
    return cleaned


def barrier(lesson: VideoLesson, answers: dict[str, VideoAnswer]) -> float | None:
    """The time of the first question that needs a correct answer and has none yet."""
    for question in sorted(lesson.questions or [], key=lambda q: q["time"]):
        if question.get("required") and not question.get("at_end") \
                and question["type"] in lesson_model.SCORED_TYPES:
            answer = answers.get(question["id"])
            if answer is None or answer.correct is False:
                return question["time"]
    return None


def latest_answers(attempt: LearningAttempt) -> dict[str, VideoAnswer]:
    """Each question's latest answer (the one that counts, as when H5P allows a retry)."""
    latest: dict[str, VideoAnswer] = {}
    for answer in db.session.scalars(select(VideoAnswer).where(
            VideoAnswer.attempt_id == attempt.id).order_by(VideoAnswer.seq)):
        latest[answer.question_id] = answer
    return latest


def record_progress(attempt: LearningAttempt, lesson: VideoLesson, payload: dict) -> None:
    """Apply a progress report {"session", "position", "ranges", "seconds", "duration"}.

    Malformed fields are ignored; with prevent-skipping, ranges that do not continue the
    watched part are dropped, and nothing past an unanswered required question counts.
    """
    details = dict(attempt.details or {})
    duration = lesson.duration_seconds
    if not duration:  # an external video: the player tells its length once it knows it
        reported = payload.get("duration")
        if isinstance(reported, int | float) and 1 <= reported <= 24 * 3600:
            details["duration"] = round(float(reported), 2)
        duration = details.get("duration")
    watched = [list(r) for r in details.get("watched") or []]
    answers = latest_answers(attempt)
    stop = barrier(lesson, answers)
    for start, end in sorted(_clean_ranges(payload.get("ranges"), duration)):
        if stop is not None:
            end = min(end, stop + TOLERANCE)
        if (lesson.settings or {}).get("prevent_skipping") and start > contiguous_end(
                watched) + TOLERANCE:
            continue
        if end > start:
            watched = merge_ranges([*watched, [start, end]])
    details["watched"] = watched
    position = payload.get("position")
    if isinstance(position, int | float) and not isinstance(position, bool) and position >= 0:
        furthest = contiguous_end(watched) if (lesson.settings or {}).get(
            "prevent_skipping") else float(position)
        details["position"] = round(min(float(position), furthest + TOLERANCE,
                                        duration or float(position)), 2)
    _add_session_time(details, payload)
    attempt.details = details
    rollup(attempt, lesson, answers)


def _add_session_time(details: dict, payload: dict) -> None:
    sessions = dict(details.get("sessions") or {})
    key = str(_int(payload.get("session")) or "")
    seconds = payload.get("seconds")
    if key in sessions and isinstance(seconds, int | float) and seconds >= 0:
        entry = dict(sessions[key])
        elapsed = max(0.0, (utcnow() - datetime.fromisoformat(entry["started"])).total_seconds())
        entry["seconds"] = max(entry["seconds"], min(float(seconds), elapsed))
        sessions[key] = entry
        details["sessions"] = sessions


def rollup(attempt: LearningAttempt, lesson: VideoLesson,
           answers: dict[str, VideoAnswer] | None = None) -> None:
    """Completion, success, score and time of the attempt, from its watched part and answers.

    Completed: watched at least `complete_percentage` and every required question answered
    (correctly, or waiting for the teacher's mark). Success once completed: the score reaches
    `pass_percentage`; unknown while a short-text answer waits to be marked.
    """
    answers = latest_answers(attempt) if answers is None else answers
    settings = dict(lesson_model.DEFAULT_SETTINGS, **(lesson.settings or {}))
    details = attempt.details or {}
    duration = lesson.duration_seconds or details.get("duration")
    fraction = min(1.0, covered(details.get("watched") or []) / duration) if duration else 0.0
    scored = [q for q in lesson.questions or [] if q["type"] in lesson_model.SCORED_TYPES]
    maximum = sum(float(q.get("points") or 0.0) for q in scored)
    raw = sum(answers[q["id"]].points for q in scored if q["id"] in answers)
    pending = any(answers[q["id"]].correct is None for q in scored if q["id"] in answers)
    required_done = all(q["id"] in answers and answers[q["id"]].correct is not False
                        for q in scored if q.get("required"))
    attempt.progress = round(fraction, 4)
    if maximum > 0:
        attempt.score_raw, attempt.score_max = round(raw, 2), round(maximum, 2)
        attempt.score_scaled = round(raw / maximum, 4)
    watched_enough = fraction * 100 >= settings["complete_percentage"] - 0.5
    if watched_enough and required_done:
        if attempt.completion != "completed":
            attempt.completed_at = utcnow()
        attempt.completion = "completed"
    elif fraction > 0 or answers:
        attempt.completion = "completed" if attempt.completion == "completed" else "incomplete"
    if attempt.completion == "completed" and maximum > 0 and not pending:
        attempt.success = ("passed" if attempt.score_scaled * 100 >= settings["pass_percentage"]
                           else "failed")
    elif attempt.completion == "completed" and maximum == 0:
        attempt.success = "unknown"
    sessions = details.get("sessions") or {}
    attempt.total_time_seconds = round(
        details.get("earlier_seconds", 0.0) + sum(s["seconds"] for s in sessions.values()), 1)
    attempt.last_access_at = utcnow()


# Answers -------------------------------------------------------------------------------------
class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def record_answer(attempt: LearningAttempt, lesson: VideoLesson, payload: dict) -> dict:
    """Score and keep one answer; a resent one (same `seq`) gets the first reply again."""
    seq = _int(payload.get("seq"))
    if seq is None or not 1 <= seq <= MAX_SEQ:
        raise Refused(400, _("Thiếu số thứ tự của câu trả lời."))
    existing = db.session.scalar(select(VideoAnswer).where(
        VideoAnswer.attempt_id == attempt.id, VideoAnswer.seq == seq))
    questions = {q["id"]: q for q in lesson.questions or []}
    if existing is not None:
        return dict(_reveal_stored(questions.get(existing.question_id), existing), duplicate=True)
    question = questions.get(payload.get("question"))
    if question is None or question["type"] not in lesson_model.SCORED_TYPES:
        raise Refused(400, _("Câu hỏi không có trong bài."))
    record_progress(attempt, lesson, payload)  # what was watched up to the answer counts first
    details = attempt.details or {}
    reached = contiguous_end(details.get("watched") or []) if (lesson.settings or {}).get(
        "prevent_skipping") else max([end for _s, end in details.get("watched") or []] + [0.0])
    if not question.get("at_end") and question["time"] > reached + TOLERANCE:
        raise Refused(409, _("Chưa xem tới câu hỏi này."))
    try:
        score = lesson_model.score_answer(question, payload.get("response"))
    except lesson_model.AnswerInvalid as error:
        raise Refused(400, error.message) from None
    position = payload.get("position")
    answer = VideoAnswer(attempt_id=attempt.id, seq=seq, question_id=question["id"],
                         response=score.response, correct=score.correct, points=score.points,
                         max_points=score.max_points,
                         position=float(position) if isinstance(position, int | float) else 0.0)
    db.session.add(answer)
    db.session.flush()
    rollup(attempt, lesson)
    return lesson_model.reveal(question, score)


def _reveal_stored(question: dict | None, answer: VideoAnswer) -> dict:
    if question is None:
        return {"correct": answer.correct, "points": answer.points,
                "max_points": answer.max_points, "feedback": ""}
    return lesson_model.reveal(question, lesson_model.Score(
        answer.correct, answer.points, answer.max_points, answer.response))


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _state(attempt: LearningAttempt) -> dict:
    details = attempt.details or {}
    return {"completion": attempt.completion, "success": attempt.success,
            "score_scaled": attempt.score_scaled, "score_raw": attempt.score_raw,
            "score_max": attempt.score_max, "progress": attempt.progress,
            "position": details.get("position", 0.0), "watched": details.get("watched", [])}


def _attempt_for_request(attempt_id: int, token: str):
    if not current_user.is_authenticated:
        raise Refused(401, _("Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại; câu trả lời chưa "
                             "gửi vẫn được giữ trên máy và sẽ gửi lại."))
    attempt = db.session.get(LearningAttempt, attempt_id)
    if (attempt is None or attempt.user_id != current_user.id
            or not hmac.compare_digest(attempt_token(attempt), token)):
        raise Refused(403, _("Không có quyền ghi kết quả cho lượt học này."))
    lesson = db.session.scalar(
        select(VideoLesson).where(VideoLesson.version_id == attempt.version_id))
    if lesson is None:
        raise Refused(404, _("Lượt học này không thuộc video tương tác nào."))
    payload = read_json_object(MAX_BODY_BYTES)
    if payload is None:
        raise Refused(400, _("Dữ liệu gửi lên không hợp lệ."))
    # serialise writes to one attempt (row lock on PostgreSQL, write lock on SQLite)
    db.session.execute(update(LearningAttempt).where(LearningAttempt.id == attempt.id)
                       .values(last_access_at=utcnow()))
    db.session.refresh(attempt)
    return attempt, lesson, payload


def _committed(attempt: LearningAttempt, payload: dict) -> None:
    db.session.commit()
    signals.attempt_committed.send(current_app._get_current_object(), attempt=attempt,
                                   payload=payload)


@bp.post("/attempts/<int:attempt_id>/<token>/progress")
@csrf.exempt
def progress(attempt_id: int, token: str):
    """Watched ranges, position and time of a session."""
    try:
        attempt, lesson, payload = _attempt_for_request(attempt_id, token)
    except Refused as refused:
        return json_answer(refused.status, result=False, message=refused.message)
    record_progress(attempt, lesson, payload)
    _committed(attempt, payload)
    return json_answer(200, result=True, **_state(attempt))


@bp.post("/attempts/<int:attempt_id>/<token>/answer")
@csrf.exempt
def answer(attempt_id: int, token: str):
    """One answer: scored here, its feedback and where to go next returned."""
    try:
        attempt, lesson, payload = _attempt_for_request(attempt_id, token)
        try:
            result = record_answer(attempt, lesson, payload)
        except IntegrityError:  # the same seq arrived twice at once: the other one won
            db.session.rollback()
            attempt, lesson, payload = _attempt_for_request(attempt_id, token)
            result = record_answer(attempt, lesson, payload)
    except Refused as refused:
        db.session.rollback()
        return json_answer(refused.status, result=False, message=refused.message)
    _committed(attempt, payload)
    return json_answer(200, result=True, answer=result, **_state(attempt))
