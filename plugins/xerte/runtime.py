"""Progress of a standalone Xerte lesson: pages reached, time spent, completion.

Xerte's standalone player has no LMS API, so the shim on the content origin watches the
lesson's current page and the LMS page posts it here with the time spent in this session.
Like SCORM commits, a commit is authenticated by the login session plus an unguessable
per-attempt token in the URL (sendBeacon on page close cannot add headers), the body is JSON
whatever the Content-Type, and the endpoint answers JSON, never a redirect.

Time is counted on the server per session: a session's reported seconds only grow, and never
past the wall-clock time since the session was opened.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import Blueprint, current_app
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select, update

from lms import signals
from lms.beacon import json_answer, read_json_object
from lms.extensions import csrf, db
from lms.models import LearningAttempt
from lms.models.base import utcnow

from .models import XerteLesson

bp = Blueprint("xerte_runtime", __name__, url_prefix="/xerte")

MAX_COMMIT_BYTES = 16 * 1024
#: sessions kept per attempt (older ones are folded into `earlier_seconds`)
MAX_SESSIONS = 200


def attempt_token(attempt: LearningAttempt) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"xerte-attempt:{attempt.id}:{attempt.user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def open_attempt(material, user, lesson: XerteLesson) -> tuple[LearningAttempt, int]:
    """The learner's attempt at the lesson's version (one per version, reopened on every
    launch, so pages recorded always belong to the lesson they were read in) and a new
    session."""
    mine = (LearningAttempt.user_id == user.id, LearningAttempt.material_id == material.id)
    attempt = db.session.scalar(
        select(LearningAttempt).where(*mine, LearningAttempt.version_id == lesson.version_id)
        .order_by(LearningAttempt.number.desc()).limit(1))
    if attempt is None:
        number = db.session.scalar(select(func.max(LearningAttempt.number)).where(*mine)) or 0
        attempt = LearningAttempt(user_id=user.id, material_id=material.id,
                                  version_id=lesson.version_id, number=number + 1, details={})
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
    details.setdefault("visited", [])
    attempt.details = details
    attempt.last_access_at = utcnow()
    db.session.commit()
    return attempt, session


def record_progress(attempt: LearningAttempt, lesson: XerteLesson | None, payload: dict) -> None:
    """Apply one progress report: {"session": n, "page": i (0-based, the page showing),
    "visited": [pages seen in this session], "pages": count, "seconds": time spent in this
    session}. Unknown or malformed fields are ignored."""
    details = dict(attempt.details or {})
    known_pages = lesson.page_count if lesson is not None else 0
    reported_pages = _int(payload.get("pages"))
    pages = min(reported_pages, known_pages) if reported_pages and known_pages else known_pages
    page = _int(payload.get("page"))
    # the page list, because a learner can pass a page while the report before is on its way
    reported = payload.get("visited") if isinstance(payload.get("visited"), list) else []
    seen = {p for p in map(_int, [*reported[:pages], page]) if p is not None and 0 <= p < pages}
    if seen:
        visited = set(details.get("visited") or []) | seen
        details["visited"] = sorted(visited)
        if page in seen:
            details["page"] = page
        details["pages"] = pages
        attempt.progress = min(1.0, len(visited) / pages)
        if pages - 1 in seen and attempt.completion != "completed":
            # Xerte's own tracking counts a lesson done when its last page is reached
            attempt.completion = "completed"
            attempt.completed_at = utcnow()
        elif attempt.completion == "not attempted":
            attempt.completion = "incomplete"
    sessions = dict(details.get("sessions") or {})
    session_key = str(_int(payload.get("session")) or "")
    seconds = payload.get("seconds")
    if session_key in sessions and isinstance(seconds, int | float) and seconds >= 0:
        entry = dict(sessions[session_key])
        started = datetime.fromisoformat(entry["started"])
        elapsed = max(0.0, (utcnow() - started).total_seconds())
        entry["seconds"] = max(entry["seconds"], min(float(seconds), elapsed))
        sessions[session_key] = entry
        details["sessions"] = sessions
    attempt.total_time_seconds = round(
        details.get("earlier_seconds", 0.0) + sum(s["seconds"] for s in sessions.values()), 1)
    attempt.details = details
    attempt.last_access_at = utcnow()


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


@bp.post("/attempts/<int:attempt_id>/<token>/commit")
@csrf.exempt
def commit(attempt_id: int, token: str):
    """Record one progress report of a standalone lesson."""
    if not current_user.is_authenticated:
        return json_answer(401, result=False, message=_(
            "Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại; tiến độ đã lưu không bị mất."))
    attempt = db.session.get(LearningAttempt, attempt_id)
    if (attempt is None or attempt.user_id != current_user.id
            or not hmac.compare_digest(attempt_token(attempt), token)):
        return json_answer(403, result=False, message=_("Không có quyền ghi tiến độ cho lượt học này."))
    lesson = db.session.scalar(
        select(XerteLesson).where(XerteLesson.version_id == attempt.version_id))
    if lesson is None or lesson.export_kind in ("scorm2004", "scorm12"):
        return json_answer(404, result=False, message=_("Lượt học này không thuộc bài Xerte nào."))
    payload = read_json_object(MAX_COMMIT_BYTES)
    if payload is None:
        return json_answer(400, result=False, message=_("Dữ liệu tiến độ không hợp lệ."))
    # serialise writes to one attempt (row lock on PostgreSQL, write lock on SQLite)
    db.session.execute(update(LearningAttempt).where(LearningAttempt.id == attempt.id)
                       .values(last_access_at=utcnow()))
    db.session.refresh(attempt)
    record_progress(attempt, lesson, payload)
    db.session.commit()
    signals.attempt_committed.send(current_app._get_current_object(), attempt=attempt,
                                   payload=payload)
    return json_answer(200, result=True, completion=attempt.completion,
                   total_time_seconds=attempt.total_time_seconds)
