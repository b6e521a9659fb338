"""The server side of the SCORM runtime: attempts, resume state, commits, keepalive.

The browser runs scorm-again; its commits arrive here. Rules of the runtime itself (reading a
commit, merging by sequence, counting time, resume data, roll-up, grading, attempt policy) are
pure functions in `cmi` and `grading`; this module is the HTTP and database shell around them.

Commits come by fetch/XHR and, on page close, by `navigator.sendBeacon` as text/plain without
custom headers, so a commit is authenticated by the Flask-Login session plus an unguessable
per-attempt token in the URL (never a header CSRF token), and the endpoint never redirects: an
expired session gets JSON 401 that the player shows as a warning.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select, update

from lms import signals
from lms.extensions import csrf, db
from lms.models import LearningAttempt
from lms.models.base import utcnow

from . import cmi, grading
from .models import (
    ScormCommitLog,
    ScormInteraction,
    ScormObjective,
    ScormPackage,
    ScormSco,
    ScormScoState,
)

bp = Blueprint("scorm_runtime", __name__, url_prefix="/scorm")

#: a full commit of a SCO with hundreds of interactions and 64,000 characters of suspend_data
#: stays well below this
MAX_COMMIT_BYTES = 2 * 2**20
#: the forensic log keeps the start of each body
MAX_LOGGED_BODY = 70_000
GENERAL_ERROR = 101


# --- Tokens --------------------------------------------------------------------------------

def attempt_token(attempt: LearningAttempt) -> str:
    """The unguessable part of an attempt's runtime URLs, derived from the app's secret."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"scorm-attempt:{attempt.id}:{attempt.user_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _token_ok(attempt: LearningAttempt, token: str) -> bool:
    return hmac.compare_digest(attempt_token(attempt), token)


# --- Attempts ------------------------------------------------------------------------------

@dataclass
class Launch:
    attempt: LearningAttempt
    package: ScormPackage
    mode: str  #: normal, or review when a finished attempt may not be retried


def package_of_version(version_id: int) -> ScormPackage | None:
    return db.session.scalar(select(ScormPackage).where(ScormPackage.version_id == version_id))


def open_attempt(material, user, package: ScormPackage, *, pinned: bool = False) -> Launch:
    """The attempt a launch continues or starts, following the package's new-attempt policy.

    An unfinished attempt is resumed (on the version it started with, so no work is lost when
    the material gets a new version); a finished one is followed by a new attempt on the live
    version when the policy and the attempt limit allow it, else reopened in `whatmode`.
    With `pinned` (a preview of a chosen version) only attempts on `package`'s version count;
    without it, attempts on versions never approved (earlier previews) are left alone.
    """
    every = list(db.session.scalars(
        select(LearningAttempt)
        .where(LearningAttempt.user_id == user.id, LearningAttempt.material_id == material.id)
        .order_by(LearningAttempt.number)))
    number = every[-1].number + 1 if every else 1
    attempts = [a for a in every if a.version_id == package.version_id
                or (not pinned and a.version.approved_at is not None)]
    latest = attempts[-1] if attempts else None
    policy = package.attempt_policy
    max_attempts = package.max_attempts or None
    always_new = policy == "always" and latest is not None and grading.may_start_new_attempt(
        attempts, policy, max_attempts)
    if latest is not None and not always_new:
        latest_package = package_of_version(latest.version_id) or package
        if grading.should_resume(latest):
            return Launch(latest, latest_package, "normal")
        if not grading.may_start_new_attempt(attempts, policy, max_attempts):
            return Launch(latest, latest_package, package.whatmode)
    attempt = LearningAttempt(user_id=user.id, material_id=material.id,
                              version_id=package.version_id, number=number)
    db.session.add(attempt)
    db.session.commit()
    return Launch(attempt, package, "normal")


def runtime_urls(attempt: LearningAttempt, sco: ScormSco) -> dict[str, str]:
    token = attempt_token(attempt)
    args = {"attempt_id": attempt.id, "sco_id": sco.id, "token": token}
    return {"commit": url_for("scorm_runtime.commit", **args),
            "state": url_for("scorm_runtime.state", **args)}


# --- Responses -----------------------------------------------------------------------------

def _fail(status: int, message: str, code: int = GENERAL_ERROR):
    response = jsonify({"result": False, "errorCode": code, "message": message})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _ok(**extra):
    response = jsonify({"result": True, "errorCode": 0, **extra})
    response.headers["Cache-Control"] = "no-store"
    return response


def _authorised(attempt_id: int, sco_id: int, token: str):
    """(attempt, sco, None) or (None, None, error response)."""
    if not current_user.is_authenticated:
        return None, None, _fail(401, _("Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại; "
                                        "tiến độ đã lưu không bị mất."))
    attempt = db.session.get(LearningAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id or not _token_ok(attempt, token):
        return None, None, _fail(403, _("Không có quyền ghi tiến độ cho lượt học này."))
    sco = db.session.scalar(
        select(ScormSco).join(ScormPackage, ScormPackage.id == ScormSco.package_id)
        .where(ScormSco.id == sco_id, ScormPackage.version_id == attempt.version_id))
    if sco is None or not sco.is_launchable:
        return None, None, _fail(404, _("Bài học này không thuộc gói của lượt học."))
    return attempt, sco, None


def _lock_attempt(attempt: LearningAttempt) -> None:
    """Serialise every write to one attempt: the UPDATE takes the row lock on PostgreSQL and the
    database write lock on SQLite before anything is read, so concurrent commits queue."""
    db.session.execute(update(LearningAttempt).where(LearningAttempt.id == attempt.id)
                       .values(last_access_at=utcnow()))


def _locked_state(attempt: LearningAttempt, sco: ScormSco) -> ScormScoState:
    state = db.session.scalar(
        select(ScormScoState)
        .where(ScormScoState.attempt_id == attempt.id, ScormScoState.sco_id == sco.id)
        .with_for_update())
    if state is None:
        state = ScormScoState(attempt_id=attempt.id, sco_id=sco.id, stored={})
        db.session.add(state)
    return state


def _scaled_passing_score(sco: ScormSco) -> float | None:
    for objective in (sco.sequencing or {}).get("objectives", []):
        if objective.get("primary") and objective.get("satisfied_by_measure"):
            return objective.get("min_normalized_measure")
    return None


# --- Routes --------------------------------------------------------------------------------

@bp.get("/attempts/<int:attempt_id>/<int:sco_id>/<token>/state")
def state(attempt_id: int, sco_id: int, token: str):
    """Start a launch of the SCO: a new session number and what `loadFromJSON` takes."""
    attempt, sco, error = _authorised(attempt_id, sco_id, token)
    if error is not None:
        return error
    package = sco.package
    _lock_attempt(attempt)
    row = _locked_state(attempt, sco)
    stored, session = cmi.begin_session(cmi.StoredSco.from_json(row.stored))
    row.stored = stored.to_json()
    mode = (attempt.details or {}).get("mode", "normal")
    payload = cmi.resume_payload(
        stored, scorm_version=package.scorm_version, mastery_score=sco.mastery_score,
        launch_data=sco.data_from_lms, max_time_allowed=sco.max_time_allowed,
        time_limit_action=sco.time_limit_action, completion_threshold=sco.completion_threshold,
        scaled_passing_score=_scaled_passing_score(sco), mode=mode,
        learner_id=current_user.username, learner_name=current_user.full_name)
    db.session.commit()
    return _ok(session=session, state=payload)


@bp.post("/attempts/<int:attempt_id>/<int:sco_id>/<token>/commit")
@csrf.exempt
def commit(attempt_id: int, sco_id: int, token: str):
    """Apply one scorm-again commit. The body is JSON whatever the Content-Type says."""
    attempt, sco, error = _authorised(attempt_id, sco_id, token)
    if error is not None:
        return error
    if (request.content_length or 0) > MAX_COMMIT_BYTES:
        return _fail(413, _("Dữ liệu gửi lên quá lớn."))
    raw = request.get_data(cache=False)[:MAX_COMMIT_BYTES + 1]
    session = request.args.get("session", type=int) or 0
    package = sco.package
    try:
        if len(raw) > MAX_COMMIT_BYTES:
            raise cmi.CommitError(_("Dữ liệu gửi lên quá lớn."), "too_large")
        body = cmi.decode_commit_body(raw)
        data = cmi.parse_commit(
            body, package.scorm_version, session=session, mastery_score=sco.mastery_score,
            scaled_passing_score=_scaled_passing_score(sco),
            completion_threshold=sco.completion_threshold)
    except cmi.CommitError as exc:
        _log(attempt, sco, raw, None, session, "invalid")
        db.session.commit()
        return _fail(400, str(exc))
    outcome = apply_commit(attempt, sco, data)
    _log(attempt, sco, raw, data.sequence, session, outcome)
    db.session.commit()
    signals.attempt_committed.send(current_app._get_current_object(), attempt=attempt,
                                   payload=body)
    return _ok()


@bp.get("/keepalive")
def keepalive():
    """The player pings this so a long lesson keeps its session, and learns when it is gone."""
    if not current_user.is_authenticated:
        return _fail(401, _("Phiên đăng nhập đã hết hạn."))
    return _ok()


# --- Applying a commit ---------------------------------------------------------------------

def apply_commit(attempt: LearningAttempt, sco: ScormSco, data: cmi.CommitData) -> str:
    """Merge `data` into the SCO's state and roll the attempt up, in the caller's transaction.

    Returns the merge outcome: applied, duplicate, stale or older_session (those three are
    kept out of the state; only session time they newly report is counted)."""
    _lock_attempt(attempt)
    row = _locked_state(attempt, sco)
    previous = cmi.StoredSco.from_json(row.stored)
    result = cmi.merge_state(previous, data)
    stored = result.stored
    row.stored = stored.to_json()
    _mirror(row, stored)
    if result.applied:
        if stored.state.interactions != previous.state.interactions:
            _store_interactions(attempt, sco, stored.state.interactions)
        if stored.state.objectives != previous.state.objectives:
            _store_objectives(attempt, sco, stored.state.objectives)
    db.session.flush()
    rollup_attempt(attempt, sco.package)
    return result.outcome


def apply_commit_payload(attempt: LearningAttempt, payload: dict) -> None:
    """`ContentType.record`: a commit body for the attempt's first launchable SCO (or the SCO
    named by ``payload["sco_id"]``)."""
    package = package_of_version(attempt.version_id)
    scos = [s for s in package.scos if s.is_launchable]
    sco = next((s for s in scos if s.id == payload.get("sco_id")), scos[0])
    body = {key: value for key, value in payload.items() if key != "sco_id"}
    data = cmi.parse_commit(body, package.scorm_version, session=int(payload.get("session", 0)),
                            mastery_score=sco.mastery_score,
                            completion_threshold=sco.completion_threshold)
    apply_commit(attempt, sco, data)


def _mirror(row: ScormScoState, stored: cmi.StoredSco) -> None:
    state = stored.state
    row.completion = state.completion or "unknown"
    row.success = state.success or "unknown"
    row.score_raw, row.score_min, row.score_max = state.score_raw, state.score_min, state.score_max
    row.score_scaled = state.score_scaled
    row.progress_measure = state.progress_measure
    row.total_time_seconds = stored.total_time_s
    row.last_exit = (state.exit or "")[:20]
    row.session = stored.session
    row.last_sequence = stored.sequence
    row.updated_at = utcnow()


def _store_interactions(attempt, sco, interactions: list[dict]) -> None:
    db.session.execute(delete(ScormInteraction).where(ScormInteraction.attempt_id == attempt.id,
                                                      ScormInteraction.sco_id == sco.id))
    db.session.add_all(ScormInteraction(
        attempt_id=attempt.id, sco_id=sco.id, position=int(item.get("index", n)),
        interaction_id=str(item.get("id") or "")[:4000], type=str(item.get("type") or "")[:30],
        response=str(item.get("learner_response") or ""),
        result=str(item.get("result") or "")[:30], latency_seconds=item.get("latency"),
        timestamp=str(item.get("timestamp") or "")[:50], weighting=item.get("weighting"),
        description=str(item.get("description") or ""),
        correct_responses=list(item.get("correct_responses") or []),
        objectives=list(item.get("objectives") or []),
    ) for n, item in enumerate(interactions))


def _store_objectives(attempt, sco, objectives: list[dict]) -> None:
    db.session.execute(delete(ScormObjective).where(ScormObjective.attempt_id == attempt.id,
                                                    ScormObjective.sco_id == sco.id))
    db.session.add_all(ScormObjective(
        attempt_id=attempt.id, sco_id=sco.id, position=int(item.get("index", n)),
        objective_id=str(item.get("id") or "")[:4000],
        completion=str(item.get("completion") or "")[:20],
        success=str(item.get("success") or "")[:20], score_raw=item.get("score_raw"),
        score_min=item.get("score_min"), score_max=item.get("score_max"),
        score_scaled=item.get("score_scaled"), progress_measure=item.get("progress_measure"),
        description=str(item.get("description") or ""),
    ) for n, item in enumerate(objectives))


def rollup_attempt(attempt: LearningAttempt, package: ScormPackage) -> None:
    """Copy the package-level roll-up of the attempt's SCO states onto the core attempt."""
    launchable = [sco for sco in package.scos if sco.is_launchable]
    rows = {row.sco_id: row for row in db.session.scalars(
        select(ScormScoState).where(ScormScoState.attempt_id == attempt.id))}
    states = [cmi.StoredSco.from_json(rows[sco.id].stored) if sco.id in rows else None
              for sco in launchable]
    weights = [sco.progress_weight if sco.progress_weight is not None else 1.0
               for sco in launchable]
    result = grading.rollup(states, weights, package.sco_grading)
    db.session.refresh(attempt)
    was_completed = attempt.completion == "completed"
    attempt.completion = result.completion
    attempt.success = result.success
    attempt.score_scaled = result.score_scaled
    attempt.score_raw = result.score_raw
    attempt.score_max = result.score_max
    attempt.total_time_seconds = result.total_time_seconds
    attempt.progress = result.progress
    attempt.last_access_at = utcnow()
    if result.completion == "completed" and not was_completed:
        attempt.completed_at = attempt.completed_at or utcnow()
    details = dict(attempt.details or {})
    details["scos"] = {str(sco.id): {"completion": rows[sco.id].completion,
                                      "success": rows[sco.id].success}
                       for sco in launchable if sco.id in rows}
    attempt.details = details


def _log(attempt, sco, raw: bytes, sequence, session: int, outcome: str) -> None:
    db.session.add(ScormCommitLog(
        attempt_id=attempt.id, sco_id=sco.id, sequence=sequence, session=session,
        body=raw[:MAX_LOGGED_BODY].decode("utf-8", "replace"),
        client_ip=(request.remote_addr or "")[:64] or None,
        content_type=(request.content_type or "")[:100] or None, outcome=outcome))
