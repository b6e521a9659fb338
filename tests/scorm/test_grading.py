"""Roll-up of SCOs into an attempt, grading of attempts and the new-attempt policy (no Flask)."""
import itertools
import random

import pytest

from plugins.scorm.cmi import ScoState, StoredSco
from plugins.scorm.grading import (
    Grade,
    Rollup,
    grade_attempts,
    is_finished,
    may_start_new_attempt,
    rollup,
    should_resume,
)


def sco(completion="incomplete", success="unknown", scaled=None, raw=None, low=None, high=None,
        time=0.0, progress=None, commits=1):
    state = ScoState(completion=completion, success=success, score_scaled=scaled, score_raw=raw,
                     score_min=low, score_max=high, progress_measure=progress)
    return StoredSco(state=state, total_time_s=time, commits_applied=commits)


def attempt(completion="completed", success="unknown", scaled=None, raw=None):
    return Rollup(completion=completion, success=success, score_scaled=scaled, score_raw=raw)


# --- roll-up ------------------------------------------------------------------------------

def test_single_sco_rolls_up_to_itself_for_every_score_method():
    only = sco("completed", "passed", scaled=0.8, raw=8, low=0, high=10, time=95, progress=0.9)
    for method in ("highest", "average", "sum"):
        result = rollup([only], method=method)
        assert result == Rollup("completed", "passed", 0.8, 8, 10, 95, 1.0)


def test_empty_package_and_nothing_launched():
    assert rollup([]) == Rollup()
    result = rollup([None, None])
    assert (result.completion, result.success, result.score_scaled, result.progress) == (
        "not attempted", "unknown", None, None)


@pytest.mark.parametrize("completions, expected", [
    (["completed", "completed"], "completed"),
    (["completed", None], "incomplete"),
    (["incomplete", "not attempted"], "incomplete"),
    ([None, "completed"], "incomplete"),
    (["completed", "unknown"], "incomplete"),
])
def test_completion_rollup(completions, expected):
    scos = [sco(c) if c else None for c in completions]
    assert rollup(scos).completion == expected


def test_a_launched_sco_that_reported_nothing_counts_as_started():
    assert rollup([sco("not attempted", commits=1), None]).completion == "incomplete"
    assert rollup([sco("not attempted", commits=0), None]).completion == "not attempted"


@pytest.mark.parametrize("states, expected", [
    ([("completed", "passed"), ("completed", "passed")], "passed"),
    ([("completed", "passed"), ("completed", "unknown")], "passed"),  # content page + quiz
    ([("completed", "passed"), ("incomplete", "unknown")], "unknown"),  # quiz 2 not taken
    ([("completed", "passed"), None], "unknown"),
    ([("completed", "failed"), ("completed", "passed")], "failed"),
    ([("incomplete", "failed"), None], "failed"),
    ([("completed", "unknown"), ("completed", "unknown")], "unknown"),
])
def test_success_rollup(states, expected):
    scos = [sco(*s) if s else None for s in states]
    assert rollup(scos).success == expected


def test_highest_average_sum():
    scos = [sco("completed", scaled=0.5, raw=5, low=0, high=10),
            sco("completed", scaled=0.9, raw=18, low=0, high=20),
            sco("completed"),  # content without a score does not drag the average down
            None]
    highest = rollup(scos, method="highest")
    assert (highest.score_scaled, highest.score_raw, highest.score_max) == (0.9, 18, 20)
    average = rollup(scos, method="average")
    assert average.score_scaled == pytest.approx(0.7) and average.score_raw == pytest.approx(11.5)
    total = rollup(scos, method="sum")
    assert (total.score_raw, total.score_max) == (23, 30)
    assert total.score_scaled == pytest.approx(23 / 30)


def test_weighted_average_and_progress():
    scos = [sco("completed", scaled=1.0), sco("incomplete", scaled=0.0, progress=0.5)]
    result = rollup(scos, weights=[3, 1], method="average")
    assert result.score_scaled == pytest.approx(0.75)
    assert result.progress == pytest.approx((3 * 1.0 + 1 * 0.5) / 4)
    assert rollup(scos, weights=[0, 0], method="average").score_scaled == pytest.approx(0.5)


def test_sum_without_known_ranges_keeps_raw_only():
    result = rollup([sco(raw=4), sco(raw=6, high=10)], method="sum")
    assert (result.score_raw, result.score_max, result.score_scaled) == (10, None, None)


def test_status_method_counts_finished_scos():
    scos = [sco("completed"), sco("incomplete", "passed"), sco("incomplete"), None]
    result = rollup(scos, method="status")
    assert (result.score_scaled, result.score_raw, result.score_max) == (0.5, 2, 4)


def test_total_time_is_the_sum_of_scos():
    scos = [sco(time=60.5), None, sco(time=120)]
    assert rollup(scos).total_time_seconds == 180.5


def test_rollup_rejects_bad_arguments():
    with pytest.raises(ValueError, match="Cách tính điểm"):
        rollup([sco()], method="median")
    with pytest.raises(ValueError, match="trọng số"):
        rollup([sco(), sco()], weights=[1])
    with pytest.raises(ValueError, match="âm"):
        rollup([sco(), sco()], weights=[1, -1])


def test_rollup_does_not_depend_on_sco_order_except_for_ties():
    rng = random.Random(11)
    scos = [sco(rng.choice(["completed", "incomplete"]), rng.choice(["passed", "unknown"]),
                scaled=round(rng.random(), 3), raw=rng.randint(0, 10), low=0, high=10,
                time=rng.randint(0, 500)) for _ in range(5)]
    for method in ("highest", "average", "sum", "status"):
        expected = rollup(scos, method=method)
        for order in itertools.islice(itertools.permutations(scos), 30):
            result = rollup(list(order), method=method)
            assert result.completion == expected.completion
            assert result.success == expected.success
            assert result.score_scaled == pytest.approx(expected.score_scaled)
            assert result.total_time_seconds == expected.total_time_seconds


# --- grading attempts ---------------------------------------------------------------------

def test_grade_attempts_methods():
    attempts = [attempt("completed", "failed", 0.4), attempt("incomplete", "unknown", None),
                attempt("completed", "passed", 0.9), attempt("completed", "failed", 0.6)]
    assert grade_attempts(attempts, "highest") == Grade(0.9, None, 2, "completed", "passed")
    assert grade_attempts(attempts, "first").score_scaled == 0.4
    assert grade_attempts(attempts, "last").score_scaled == 0.6
    average = grade_attempts(attempts, "average")
    assert average.score_scaled == pytest.approx((0.4 + 0.9 + 0.6) / 3)
    assert average.attempt_index is None


def test_grade_attempts_without_scores():
    result = grade_attempts([attempt("incomplete"), attempt("not attempted")], "highest")
    assert result == Grade(None, None, None, "incomplete", "unknown")
    assert grade_attempts([], "last") == Grade(None, None, None, "not attempted", "unknown")


def test_grade_attempts_raw_only_and_ties():
    attempts = [attempt(raw=7), attempt(raw=9), attempt(raw=9)]
    result = grade_attempts(attempts, "highest")
    assert (result.score_raw, result.attempt_index) == (9, 1)
    assert grade_attempts(attempts, "average").score_raw == pytest.approx(25 / 3)


def test_grade_attempts_rejects_unknown_method():
    with pytest.raises(ValueError, match="nhiều lượt"):
        grade_attempts([], "best")


def test_highest_is_never_below_any_attempt():
    rng = random.Random(3)
    for _ in range(200):
        attempts = [attempt(scaled=rng.choice([None, round(rng.uniform(0, 1), 2)]))
                    for _ in range(rng.randint(1, 6))]
        scores = [a.score_scaled for a in attempts if a.score_scaled is not None]
        grade = grade_attempts(attempts, "highest")
        assert grade.score_scaled == (max(scores) if scores else None)
        if scores:
            assert min(scores) <= grade_attempts(attempts, "average").score_scaled <= max(scores)


# --- new attempts -------------------------------------------------------------------------

@pytest.mark.parametrize("policy, latest, allowed", [
    ("never", attempt("completed", "passed"), False),
    ("when_completed", attempt("incomplete"), False),
    ("when_completed", attempt("completed"), True),
    ("when_completed", attempt("incomplete", "failed"), True),
    ("when_passed", attempt("completed", "failed"), False),
    ("when_passed", attempt("completed", "passed"), True),
    ("always", attempt("incomplete"), True),
])
def test_new_attempt_policy(policy, latest, allowed):
    assert may_start_new_attempt([attempt("completed"), latest], policy, None) is allowed


@pytest.mark.parametrize("policy", ["never", "when_completed", "when_passed", "always"])
def test_first_attempt_is_always_allowed(policy):
    assert may_start_new_attempt([], policy, None)
    assert may_start_new_attempt([], policy, 1)


def test_max_attempts():
    done = [attempt("completed", "passed")] * 3
    assert may_start_new_attempt(done, "always", 0)
    assert may_start_new_attempt(done, "always", 4)
    assert not may_start_new_attempt(done, "always", 3)
    with pytest.raises(ValueError):
        may_start_new_attempt(done, "always", -1)
    with pytest.raises(ValueError, match="Chính sách"):
        may_start_new_attempt(done, "sometimes", None)


def test_should_resume_unfinished_attempts():
    assert not should_resume(None)
    assert should_resume(attempt("incomplete"))
    assert should_resume(attempt("not attempted"))
    assert not should_resume(attempt("completed"))
    assert not should_resume(attempt("incomplete", "passed"))
    assert is_finished(attempt("incomplete", "failed"))
