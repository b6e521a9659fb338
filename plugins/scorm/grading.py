"""Roll SCO states up into one attempt, grade several attempts, decide on new attempts.

Pure functions, no Flask and no database. The result `Rollup` has the field names of the core
`LearningAttempt` columns (completion, success, score_scaled, score_raw, score_max,
total_time_seconds, progress) so the plugin can copy it onto the row; the attempt functions
accept those rows (or any object with the same attributes) directly.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from plugins.scorm.cmi import StoredSco

SCORE_METHODS = ("highest", "average", "sum", "status")
ATTEMPT_METHODS = ("highest", "average", "first", "last")
NEW_ATTEMPT_POLICIES = ("never", "when_completed", "when_passed", "always")


class AttemptLike(Protocol):
    completion: str
    success: str
    score_scaled: float | None
    score_raw: float | None


@dataclass(frozen=True)
class Rollup:
    """One attempt at a package, summed up over its SCOs."""

    completion: str = "not attempted"  #: completed | incomplete | not attempted
    success: str = "unknown"  #: passed | failed | unknown
    score_scaled: float | None = None
    score_raw: float | None = None
    score_max: float | None = None
    total_time_seconds: float = 0.0
    progress: float | None = None  #: 0..1


def _started(sco: StoredSco | None) -> bool:
    return sco is not None and (sco.commits_applied > 0
                                or sco.state.completion in ("completed", "incomplete"))


def _completion(scos: Sequence[StoredSco | None]) -> str:
    if scos and all(sco is not None and sco.state.completion == "completed" for sco in scos):
        return "completed"
    return "incomplete" if any(_started(sco) for sco in scos) else "not attempted"


def _success(scos: Sequence[StoredSco | None]) -> str:
    """Failed if any SCO failed; passed if some passed and every other SCO is finished
    content that does not judge (completed, success unknown); unknown otherwise, e.g. while
    a second quiz has not been taken yet."""
    states = [sco.state if sco is not None else None for sco in scos]
    if any(state is not None and state.success == "failed" for state in states):
        return "failed"
    if any(state is not None and state.success == "passed" for state in states) and all(
            state is not None and (state.success == "passed" or state.completion == "completed")
            for state in states):
        return "passed"
    return "unknown"


def _weights(count: int, weights: Sequence[float] | None) -> list[float]:
    if weights is None:
        return [1.0] * count
    if len(weights) != count:
        raise ValueError(f"Cần {count} trọng số, nhận được {len(weights)}")
    if any(weight < 0 for weight in weights):
        raise ValueError("Trọng số không được âm")
    return [float(weight) for weight in weights]


def _weighted_mean(pairs: list[tuple[float, float]]) -> float | None:
    total = sum(weight for _, weight in pairs)
    if not pairs:
        return None
    if total <= 0:  # all weights zero: fall back to a plain mean
        return sum(value for value, _ in pairs) / len(pairs)
    return sum(value * weight for value, weight in pairs) / total


def _progress(sco: StoredSco | None) -> float:
    if sco is None:
        return 0.0
    if sco.state.completion == "completed":
        return 1.0
    return sco.state.progress_measure or 0.0


def _score(scos: Sequence[StoredSco | None], weights: list[float], method: str) -> dict:
    if method == "status":
        # Moodle's "learning objects" method: the share of SCOs completed or passed
        done = sum(1 for sco in scos if sco is not None and (
            sco.state.completion == "completed" or sco.state.success == "passed"))
        return {"score_scaled": done / len(scos), "score_raw": float(done),
                "score_max": float(len(scos))}
    scored = [(sco.state, weight) for sco, weight in zip(scos, weights)
              if sco is not None and (sco.state.score_scaled is not None
                                      or sco.state.score_raw is not None)]
    if not scored:
        return {"score_scaled": None, "score_raw": None, "score_max": None}
    if len(scos) == 1:  # a package of one SCO rolls up to that SCO, whatever the method
        state = scored[0][0]
        return {"score_scaled": state.score_scaled, "score_raw": state.score_raw,
                "score_max": state.score_max}
    scaled = [(s.score_scaled, w) for s, w in scored if s.score_scaled is not None]
    raw = [(s.score_raw, w) for s, w in scored if s.score_raw is not None]
    if method == "highest":
        best = max((s for s, _ in scored), key=lambda s: (
            s.score_scaled if s.score_scaled is not None else float("-inf"),
            s.score_raw if s.score_raw is not None else float("-inf")))
        return {"score_scaled": best.score_scaled, "score_raw": best.score_raw,
                "score_max": best.score_max}
    if method == "average":
        return {"score_scaled": _weighted_mean(scaled), "score_raw": _weighted_mean(raw),
                "score_max": None}
    # "sum": of raw scores; scaled over the summed range when every scored SCO gives one
    total_raw = sum(value for value, _ in raw) if raw else None
    ranges = [(s.score_min or 0.0, s.score_max) for s, _ in scored]
    total_max = None
    total_scaled = None
    if len(raw) == len(scored) and all(high is not None for _, high in ranges):
        total_max = sum(high for _, high in ranges)
        total_min = sum(low for low, _ in ranges)
        if total_max > total_min:
            total_scaled = max(-1.0, min(1.0, (total_raw - total_min) / (total_max - total_min)))
    return {"score_scaled": total_scaled, "score_raw": total_raw, "score_max": total_max}


def rollup(sco_states: Sequence[StoredSco | None], weights: Sequence[float] | None = None,
           method: str = "highest") -> Rollup:
    """Roll the states of an attempt's launchable SCOs (in manifest order; None for a SCO
    never launched) up to the attempt.

    Completion: completed when every SCO is, incomplete once any has started. Success: see
    `_success`. Score by `method`: "highest" (the best SCO), "average" (mean of the SCOs that
    reported a score, weighted by `weights`, e.g. the manifest's progress weights), "sum" (of
    raw scores, scaled over the summed min..max range) or "status" (share of SCOs completed or
    passed). Time is the sum of the SCOs' server totals; progress the weighted mean of each
    SCO's (1 when completed, else its progress_measure).
    """
    if method not in SCORE_METHODS:
        raise ValueError(f"Cách tính điểm không hợp lệ: {method!r}")
    if not sco_states:
        return Rollup()
    scale = _weights(len(sco_states), weights)
    started = any(_started(sco) for sco in sco_states)
    return Rollup(
        completion=_completion(sco_states),
        success=_success(sco_states),
        total_time_seconds=sum(sco.total_time_s for sco in sco_states if sco is not None),
        progress=_weighted_mean([(_progress(sco), weight)
                                 for sco, weight in zip(sco_states, scale)]) if started else None,
        **_score(sco_states, scale, method),
    )


@dataclass(frozen=True)
class Grade:
    """The grade of a learner over several attempts."""

    score_scaled: float | None
    score_raw: float | None
    #: index in the given list of the attempt the score comes from; None for "average" or
    #: when no attempt has a score
    attempt_index: int | None
    completion: str  #: completed if any attempt is, else incomplete / not attempted
    success: str  #: passed if any attempt passed, else failed if any failed, else unknown


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def grade_attempts(attempts: Sequence[AttemptLike], method: str = "highest") -> Grade:
    """Grade attempts given oldest first: "highest", "average", "first" or "last" of the
    attempts that have a score (an attempt without a score, e.g. abandoned before the quiz,
    neither counts as 0 nor hides an earlier one). Uses score_scaled, and score_raw where no
    attempt reports a scaled score."""
    if method not in ATTEMPT_METHODS:
        raise ValueError(f"Cách chấm nhiều lượt không hợp lệ: {method!r}")
    completions = [attempt.completion for attempt in attempts]
    completion = ("completed" if "completed" in completions else
                  "incomplete" if any(c != "not attempted" for c in completions) else
                  "not attempted")
    successes = [attempt.success for attempt in attempts]
    success = ("passed" if "passed" in successes else
               "failed" if "failed" in successes else "unknown")
    use_scaled = any(attempt.score_scaled is not None for attempt in attempts)
    scored = [(index, attempt) for index, attempt in enumerate(attempts)
              if (attempt.score_scaled if use_scaled else attempt.score_raw) is not None]
    if not scored:
        return Grade(None, None, None, completion, success)
    if method == "average":
        return Grade(
            _mean([a.score_scaled for _, a in scored if a.score_scaled is not None]),
            _mean([a.score_raw for _, a in scored if a.score_raw is not None]),
            None, completion, success)
    if method == "first":
        index, chosen = scored[0]
    elif method == "last":
        index, chosen = scored[-1]
    else:  # highest; the earliest wins a tie
        index, chosen = max(scored, key=lambda pair: (
            pair[1].score_scaled if use_scaled else pair[1].score_raw, -pair[0]))
    return Grade(chosen.score_scaled, chosen.score_raw, index, completion, success)


def is_finished(attempt: AttemptLike) -> bool:
    """An attempt is finished once completed or judged (passed/failed)."""
    return attempt.completion == "completed" or attempt.success in ("passed", "failed")


def should_resume(previous_attempt: AttemptLike | None) -> bool:
    """Continue the latest attempt rather than start another: it exists and is not finished.
    (A closed attempt can still be opened in review mode; that is the caller's choice.)"""
    return previous_attempt is not None and not is_finished(previous_attempt)


def may_start_new_attempt(previous_attempts: Sequence[AttemptLike], policy: str,
                          max_attempts: int | None) -> bool:
    """Whether the learner may start one more attempt, attempts given oldest first.

    `max_attempts` None or 0 means no limit. Policies: "never" (only the first attempt),
    "when_completed" (the latest attempt is finished: completed, passed or failed),
    "when_passed" (the latest attempt passed), "always".
    """
    if policy not in NEW_ATTEMPT_POLICIES:
        raise ValueError(f"Chính sách lượt làm mới không hợp lệ: {policy!r}")
    if max_attempts is not None and max_attempts < 0:
        raise ValueError(f"Số lượt tối đa không hợp lệ: {max_attempts!r}")
    if max_attempts and len(previous_attempts) >= max_attempts:
        return False
    if not previous_attempts:
        return True
    latest = previous_attempts[-1]
    if policy == "never":
        return False
    if policy == "when_completed":
        return is_finished(latest)
    if policy == "when_passed":
        return latest.success == "passed"
    return True
