"""The server side of the SCORM run-time: commit parsing, merging and resume (no Flask)."""
import copy
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from plugins.scorm.cmi import (
    SUSPEND_DATA_MAX,
    CommitError,
    ScoState,
    StoredSco,
    begin_session,
    decode_commit_body,
    format_duration,
    format_time,
    format_timespan,
    merge_state,
    next_entry,
    parse_commit,
    parse_duration,
    parse_time,
    parse_timespan,
    resume_payload,
)

# Bodies as scorm-again 3.4 posts them (captured from Scorm12API / Scorm2004API with
# includeCommitSequence), trimmed to what matters.


def body_12(status="incomplete", raw="", session_time="00:00:00", exit_="", location="",
            suspend="", seq=None, **core):
    body = {"cmi": {
        "suspend_data": suspend, "launch_data": "", "comments": "", "comments_from_lms": "",
        "core": {"student_id": "s1", "student_name": "An", "lesson_location": location,
                 "credit": "", "lesson_status": status, "entry": "", "lesson_mode": "normal",
                 "exit": exit_, "session_time": session_time,
                 "score": {"raw": raw, "min": "", "max": "100"}, **core},
        "objectives": {}, "interactions": {},
        "student_data": {"mastery_score": "", "max_time_allowed": "", "time_limit_action": ""},
    }}
    if seq is not None:
        body["commitSequence"] = seq
    return body


def body_2004(completion="incomplete", success="unknown", scaled="", session_time="PT0S",
              exit_="", location="", suspend="", seq=None, **extra):
    body = {"cmi": {
        "completion_status": completion, "success_status": success, "credit": "credit",
        "entry": "", "exit": exit_, "interactions": {}, "objectives": {}, "launch_data": "",
        "learner_id": "s1", "learner_name": "", "location": location, "mode": "normal",
        "progress_measure": "", "scaled_passing_score": "",
        "score": {"scaled": scaled, "raw": "", "min": "", "max": ""},
        "session_time": session_time, "suspend_data": suspend,
        "time_limit_action": "continue,no message", **extra,
    }}
    if seq is not None:
        body["commitSequence"] = seq
    return body


def flatten(tree, prefix=""):
    """scorm-again's flatten(): dotted keys, empty objects kept as {}."""
    flat = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            flat.update(flatten(value, path))
        else:
            flat[path] = value
    return flat


def commit(body, version="1.2", session=1, **kwargs):
    return parse_commit(body, version, session=session, **kwargs)


def apply(stored, *commits):
    for item in commits:
        stored = merge_state(stored, item).stored
    return stored


# --- time ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, seconds", [
    ("00:00:00", 0), ("01:02:03", 3723), ("0000:00:01.5", 1.5), ("9999:59:59.99", 35999999.99),
    ("1:00:00", 3600), ("12345:00:00", 12345 * 3600), ("00:10:30.5", 630.5),
])
def test_parse_timespan(text, seconds):
    assert parse_timespan(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "1:2:3", "00:00", "00:00:00.123", "-01:00:00", "PT1H",
                                  "aa:bb:cc", "00:00:00 "])
def test_parse_timespan_rejects(text):
    with pytest.raises(ValueError, match="SCORM 1.2"):
        parse_timespan(text)


@pytest.mark.parametrize("text, seconds", [
    ("PT0S", 0), ("PT1H2M3.5S", 3723.5), ("P1DT2H", 93600), ("PT90M", 5400), ("P2W", 1209600),
    ("PT0,5S", 0.5), ("P1Y", 365 * 86400), ("P1M", 30 * 86400), ("PT1M", 60), ("P0D", 0),
    ("PT10M30.5S", 630.5), ("P1DT0H0M0S", 86400),
])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "1H", "PT-1S", "PT1H2", "-PT1S",
                                  "pt1h", "00:01:00", "PT1S1M"])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError, match="SCORM 2004"):
        parse_duration(text)


def test_parse_time_by_version():
    assert parse_time("00:01:00", "1.2") == 60
    assert parse_time("PT1M", "2004") == 60
    with pytest.raises(ValueError):
        parse_time("PT1M", "1.2")
    with pytest.raises(ValueError, match="Phiên bản"):
        parse_time("PT1M", "1.3")


@pytest.mark.parametrize("seconds, timespan, duration", [
    (0, "00:00:00", "PT0S"), (3723.5, "01:02:03.50", "PT1H2M3.5S"), (60, "00:01:00", "PT1M"),
    (93600, "26:00:00", "PT26H"), (59.999, "00:01:00", "PT1M"), (0.25, "00:00:00.25", "PT0.25S"),
    (360000, "100:00:00", "PT100H"),
])
def test_format_times(seconds, timespan, duration):
    assert format_timespan(seconds) == timespan
    assert format_duration(seconds) == duration
    assert format_time(seconds, "1.2") == timespan


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "10", True])
def test_format_rejects_bad_seconds(bad):
    with pytest.raises(ValueError):
        format_timespan(bad)
    with pytest.raises(ValueError):
        format_duration(bad)


def test_format_then_parse_round_trips():
    rng = random.Random(7)
    for _ in range(300):
        seconds = round(rng.uniform(0, 400_000), 2)
        assert parse_timespan(format_timespan(seconds)) == pytest.approx(seconds, abs=0.006)
        assert parse_duration(format_duration(seconds)) == pytest.approx(seconds, abs=0.006)


# --- parsing: formats ---------------------------------------------------------------------

def test_nested_json_12():
    data = commit(body_12("incomplete", raw="85", session_time="00:05:00", location="slide3",
                          suspend="abc", seq=3))
    state = data.state
    assert data.sequence == 3 and data.session == 1 and data.problems == []
    assert (state.completion, state.success) == ("incomplete", "unknown")
    assert (state.score_raw, state.score_max, state.score_scaled) == (85, 100, 0.85)
    assert state.session_time_s == 300
    assert (state.location, state.suspend_data, state.exit) == ("slide3", "abc", "")
    assert data.runtime_data["cmi"]["core"]["lesson_location"] == "slide3"


def test_flattened_equals_nested():
    nested = body_12("passed", raw="90", session_time="00:01:00", location="p9", seq=4)
    flat = flatten(nested)
    assert flat["cmi.core.lesson_status"] == "passed" and flat["cmi.objectives"] == {}
    a, b = commit(nested), commit(flat)
    assert a.state == b.state and a.sequence == b.sequence == 4
    assert a.runtime_data == b.runtime_data


def test_params_list_and_text_body():
    items = ["cmi.core.lesson_status=completed", "cmi.suspend_data=a=b", "cmi.core.exit=suspend",
             "cmi.interactions=[object Object]", "commitSequence=7"]
    data = commit(items)
    assert data.sequence == 7
    assert (data.state.completion, data.state.suspend_data, data.state.exit) == (
        "completed", "a=b", "suspend")
    assert data.runtime_data["cmi"]["interactions"] == {}
    assert decode_commit_body(b"cmi.core.exit=suspend&commitSequence=2") == [
        "cmi.core.exit=suspend", "commitSequence=2"]


def test_common_commit_fields_wrap_runtime_data():
    body = {"successStatus": "failed", "completionStatus": "incomplete", "totalTimeSeconds": 60,
            "runtimeData": flatten(body_12("failed", raw="40", session_time="00:01:00")),
            "score": {"raw": 40, "max": 100}, "commitSequence": 2}
    data = commit(body)
    assert data.sequence == 2
    # the CMI tree wins; 1.2 "failed" means the learner finished
    assert (data.state.completion, data.state.success) == ("completed", "failed")
    assert data.state.score_scaled == 0.4


def test_common_fields_fill_what_the_tree_lacks():
    body = {"successStatus": "passed", "completionStatus": "completed", "totalTimeSeconds": 5,
            "runtimeData": {"cmi.location": "x"}, "score": {"scaled": 0.9, "raw": "bad"}}
    data = commit(body, "2004")
    assert (data.state.completion, data.state.success) == ("completed", "passed")
    assert data.state.score_scaled == 0.9 and data.state.score_raw is None
    assert data.problems


def test_decode_commit_body_json_whatever_content_type():
    raw = json.dumps(body_2004(seq=1)).encode()
    assert decode_commit_body(raw)["commitSequence"] == 1
    assert decode_commit_body("  [\"a=b\"] ") == ["a=b"]
    for bad, code in ((b"", "empty"), (b"{not json", "bad_json"), (b"\xff\xfe", "not_utf8")):
        with pytest.raises(CommitError) as error:
            decode_commit_body(bad)
        assert error.value.code == code and error.value.message


def test_bracket_keys_and_mixed_forms():
    data = commit({"cmi": {"core": {"lesson_status": "incomplete"}},
                   "cmi.interactions[0].id": "q1", "cmi.interactions[0].type": "choice"})
    assert data.state.interactions[0]["id"] == "q1"
    assert data.state.completion == "incomplete"


# --- parsing: statuses and scores ---------------------------------------------------------

@pytest.mark.parametrize("status, completion, success", [
    ("passed", "completed", "passed"), ("failed", "completed", "failed"),
    ("completed", "completed", "unknown"), ("incomplete", "incomplete", "unknown"),
    ("browsed", "incomplete", "unknown"), ("not attempted", "not attempted", "unknown"),
])
def test_lesson_status_mapping(status, completion, success):
    state = commit(body_12(status)).state
    assert (state.completion, state.success) == (completion, success)


def test_mastery_score_decides_once_finished():
    assert commit(body_12("completed", raw="79"), mastery_score=80).state.success == "failed"
    assert commit(body_12("failed", raw="80"), mastery_score=80).state.success == "passed"
    mid = commit(body_12("incomplete", raw="10"), mastery_score=80).state
    assert (mid.completion, mid.success) == ("incomplete", "unknown")


def test_2004_threshold_and_passing_score():
    body = body_2004("completed", "passed", scaled="0.4", progress_measure="0.5")
    state = commit(body, "2004", completion_threshold=0.8, scaled_passing_score=0.6).state
    assert (state.completion, state.success) == ("incomplete", "failed")
    state = commit(body, "2004").state
    assert (state.completion, state.success, state.progress_measure) == ("completed", "passed",
                                                                         0.5)


def test_2004_scaled_computed_when_missing():
    body = body_2004(score={"scaled": "", "raw": "8", "min": "0", "max": "10"})
    assert commit(body, "2004").state.score_scaled == 0.8


def test_invalid_fields_are_dropped_not_the_commit():
    body = body_2004("completed", "bogus", scaled="5", session_time="1 hour",
                     location="p3", progress_measure="2", exit_="later")
    body["cmi"]["score"]["raw"] = "abc"
    data = commit(body, "2004")
    state = data.state
    assert state.completion == "completed" and state.location == "p3"
    assert state.success is None and state.score_scaled is None and state.score_raw is None
    assert state.session_time_s is None and state.progress_measure is None and state.exit is None
    assert len(data.problems) == 6
    assert all("Bỏ qua" in problem for problem in data.problems)
    cmi = data.runtime_data["cmi"]
    assert "scaled" not in cmi["score"] and "session_time" not in cmi
    assert "success_status" not in cmi


def test_12_raw_outside_scale_has_no_scaled():
    state = commit(body_12("incomplete", raw="150")).state
    assert state.score_raw == 150 and state.score_scaled is None


def test_numbers_from_a_forged_client_are_read():
    body = body_2004()
    body["cmi"]["score"] = {"scaled": 0.5, "raw": 5, "max": 10}
    state = commit(body, "2004").state
    assert (state.score_scaled, state.score_raw) == (0.5, 5)


def test_interactions_and_objectives_12():
    body = body_12("incomplete")
    body["cmi"]["interactions"] = {
        "1": {"id": "q2", "type": "fill-in", "student_response": "b", "result": "wrong",
              "time": "10:00:00", "latency": "00:01:15.5", "weighting": "heavy", "objectives": {},
              "correct_responses": {"0": {"pattern": "x"}}},
        "0": {"id": "q1", "type": "choice", "student_response": "a", "result": "correct",
              "objectives": {"0": {"id": "o1"}}, "correct_responses": {}},
    }
    body["cmi"]["objectives"] = {"0": {"id": "o1", "status": "passed",
                                       "score": {"raw": "8", "min": "0", "max": "10"}}}
    state = commit(body).state
    assert [i["id"] for i in state.interactions] == ["q1", "q2"]
    assert state.interactions[0]["learner_response"] == "a"
    assert state.interactions[0]["objectives"] == ["o1"]
    assert state.interactions[1]["timestamp"] == "10:00:00"
    assert state.interactions[1]["correct_responses"] == ["x"]
    assert state.interactions[1]["latency"] == 75.5 and state.interactions[1]["weighting"] is None
    assert state.interactions[0]["latency"] is None
    objective = state.objectives[0]
    assert (objective["completion"], objective["success"], objective["score_scaled"]) == (
        "completed", "passed", 0.8)


def test_interactions_and_objectives_2004():
    body = body_2004()
    body["cmi"]["interactions"] = {"0": {
        "id": "q1", "type": "true-false", "objectives": {}, "timestamp": "2026-01-05T10:00:00",
        "weighting": "1", "learner_response": "true", "result": "correct", "latency": "PT2S",
        "description": "Câu 1", "correct_responses": {"0": {"pattern": "true"}}}}
    body["cmi"]["objectives"] = {"0": {"id": "o1", "success_status": "passed",
                                       "completion_status": "completed", "progress_measure": "1",
                                       "score": {"scaled": "0.9"}}}
    state = commit(body, "2004").state
    assert state.interactions == [{
        "index": 0, "id": "q1", "type": "true-false", "timestamp": "2026-01-05T10:00:00",
        "weighting": 1.0, "learner_response": "true", "result": "correct", "latency": 2.0,
        "description": "Câu 1", "objectives": [], "correct_responses": ["true"]}]
    assert state.objectives[0]["score_scaled"] == 0.9
    assert state.objectives[0]["success"] == "passed"


# --- parsing: limits and rejections -------------------------------------------------------

def test_suspend_data_of_64000_is_kept_in_12():
    data = "x" * SUSPEND_DATA_MAX
    parsed = commit(body_12("incomplete", suspend=data))
    assert parsed.state.suspend_data == data
    stored = apply(None, parsed)
    assert resume_payload(stored, scorm_version="1.2")["cmi"]["suspend_data"] == data


@pytest.mark.parametrize("version, body", [("1.2", body_12), ("2004", body_2004)])
def test_longer_suspend_data_is_rejected_not_truncated(version, body):
    with pytest.raises(CommitError) as error:
        commit(body(suspend="x" * (SUSPEND_DATA_MAX + 1)), version)
    assert error.value.code == "too_long" and "64000" in error.value.message


@pytest.mark.parametrize("body, code", [
    ("text", "not_object"), (42, "not_object"), ({"commitSequence": 1}, "no_data"),
    ({"commitSequence": -1, "cmi": {}}, "bad_sequence"),
    ({"commitSequence": "x", "cmi": {}}, "bad_sequence"),
    ({"commitSequence": True, "cmi": {}}, "bad_sequence"),
    ({"cmi": {"core": {"lesson_status": {"$ne": 1}}}}, "bad_key"),
    ({"cmi": {"bad key!": "1"}}, "bad_key"),
    ({"cmi": {"location": ["a", {"b": object()}]}}, "bad_value"),
    ({"cmi.core": "x", "cmi.core.exit": "suspend"}, "conflict"),
    ({"cmi": "string"}, "not_object"),
    (["no equals sign"], "bad_params"),
])
def test_unusable_commits_raise_commit_error(body, code):
    with pytest.raises(CommitError) as error:
        commit(body)
    assert error.value.code == code
    assert error.value.message


def test_too_many_values_or_too_deep():
    wide = {"cmi": {"interactions": {str(i): {"id": f"q{i}", "result": "correct"}
                                     for i in range(12_000)}}}
    with pytest.raises(CommitError) as error:
        commit(wide)
    assert error.value.code == "too_many"
    deep: dict = {"cmi": {}}
    node = deep["cmi"]
    for _ in range(20):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(CommitError) as error:
        commit(deep)
    assert error.value.code == "too_deep"


def test_session_and_version_are_checked():
    with pytest.raises(ValueError):
        parse_commit(body_12(), "1.2", session=-1)
    with pytest.raises(ValueError):
        parse_commit(body_12(), "3", session=1)


def test_null_values_are_skipped():
    data = commit({"cmi": {"core": {"lesson_status": "completed", "score": None}}})
    assert data.state.completion == "completed" and data.state.score_raw is None


# --- merging ------------------------------------------------------------------------------

def test_first_commit_creates_state():
    result = merge_state(None, commit(body_12("incomplete", session_time="00:02:00", seq=1)))
    assert result.applied and result.outcome == "applied" and result.added_time_s == 120
    assert result.stored.total_time_s == 120 and result.stored.commits_applied == 1
    assert (result.stored.session, result.stored.sequence) == (1, 1)


def test_time_counted_once_when_a_session_commits_ten_times():
    stored = None
    for n in range(1, 11):
        stored = apply(stored, commit(body_12("incomplete", session_time=f"00:{n:02d}:00",
                                              seq=n)))
    assert stored.total_time_s == 600
    # the same ten commits again, in any order: nothing more
    again = [commit(body_12("incomplete", session_time=f"00:{n:02d}:00", seq=n))
             for n in range(1, 11)]
    random.Random(1).shuffle(again)
    assert apply(stored, *again).total_time_s == 600


def test_time_adds_up_across_sessions():
    stored = apply(None, commit(body_12(session_time="00:10:00", seq=1), session=1),
                   commit(body_12(session_time="00:15:00", seq=2), session=1),
                   commit(body_12(session_time="00:05:00", seq=1), session=2))
    assert stored.total_time_s == 20 * 60
    assert (stored.session, stored.sequence) == (2, 1)


def test_late_final_commit_of_an_earlier_session_adds_time_but_not_data():
    stored = apply(None, commit(body_12(session_time="00:10:00", location="a", seq=1), session=1),
                   commit(body_12(session_time="00:01:00", location="b", seq=1), session=2))
    late = merge_state(stored, commit(body_12(session_time="00:12:00", location="old", seq=2),
                                      session=1))
    assert late.outcome == "older_session" and not late.applied
    assert late.added_time_s == 120 and late.stored.total_time_s == 13 * 60
    assert late.stored.state.location == "b"


def test_stale_and_duplicate_commits_are_ignored():
    newer = commit(body_12("passed", raw="90", location="end", seq=5))
    older = commit(body_12("incomplete", raw="10", location="start", seq=3))
    stored = apply(None, newer)
    result = merge_state(stored, older)
    assert result.outcome == "stale" and result.stored == stored
    duplicate = merge_state(stored, newer)
    assert duplicate.outcome == "duplicate" and duplicate.stored == stored


def test_replay_is_idempotent():
    item = commit(body_2004("completed", "passed", scaled="0.7", session_time="PT3M", seq=2),
                  "2004")
    once = merge_state(None, item).stored
    assert merge_state(once, item).stored == once
    assert merge_state(once, copy.deepcopy(item)).stored == once


def test_shuffled_commits_end_in_the_state_of_the_highest_sequence():
    bodies = [body_2004("incomplete" if n < 20 else "completed", "unknown",
                        scaled=f"{n / 20:.2f}", session_time=f"PT{n * 30}S", location=f"page{n}",
                        suspend=f"s{n}", seq=n) for n in range(1, 21)]
    expected = apply(None, *[commit(b, "2004") for b in bodies])
    rng = random.Random(2026)
    for _ in range(30):
        shuffled = bodies[:]
        rng.shuffle(shuffled)
        stored = apply(None, *[commit(b, "2004") for b in shuffled])
        assert stored.state == expected.state
        assert stored.runtime_data == expected.runtime_data
        assert stored.state.location == "page20" and stored.state.score_scaled == 1.0
        assert stored.total_time_s == 600 and stored.sequence == 20


def test_shuffled_commits_across_sessions():
    items = [(s, n) for s in (1, 2, 3) for n in range(1, 6)]
    rng = random.Random(5)
    for _ in range(20):
        rng.shuffle(items)
        stored = apply(None, *[commit(body_12(session_time=f"00:0{n}:00", location=f"{s}-{n}",
                                              seq=n), session=s) for s, n in items])
        assert stored.state.location == "3-5"
        assert stored.total_time_s == 3 * 5 * 60


def test_commits_without_sequence_are_applied_in_arrival_order():
    stored = apply(None, commit(body_12(location="a")), commit(body_12(location="b")))
    assert stored.state.location == "b" and stored.sequence is None


def test_partial_commit_keeps_what_it_does_not_mention():
    full = body_2004("incomplete", location="p1", suspend="data")
    full["cmi"]["interactions"] = {"0": {"id": "q1", "type": "choice", "result": "correct"}}
    stored = apply(None, commit(full, "2004"))
    partial = {"cmi.completion_status": "completed", "cmi.interactions.1.id": "q2",
               "cmi.interactions.1.type": "choice"}
    stored = apply(stored, commit(partial, "2004"))
    assert stored.state.completion == "completed"
    assert stored.state.suspend_data == "data" and stored.state.location == "p1"
    assert [i["id"] for i in stored.state.interactions] == ["q1", "q2"]


def test_session_fold_keeps_the_state_bounded():
    stored = None
    for session in range(1, 101):
        stored = apply(stored, commit(body_12(session_time="00:00:10", seq=1), session=session))
    assert stored.total_time_s == 1000
    assert len(stored.session_times) <= 64 and stored.time_closed_before == 37
    late = merge_state(stored, commit(body_12(session_time="00:10:00", seq=2), session=2))
    assert late.added_time_s == 0


def test_stored_state_round_trips_through_json():
    stored = apply(None, commit(body_12("passed", raw="90", session_time="00:01:00", seq=1)))
    text = json.dumps(stored.to_json())
    assert StoredSco.from_json(json.loads(text)) == stored
    assert StoredSco.from_json(None) == StoredSco()
    assert ScoState.from_json({"completion": "completed", "unknown": 1}).completion == "completed"


def test_begin_session_numbers_launches():
    stored, first = begin_session(None)
    stored, second = begin_session(stored)
    assert (first, second) == (1, 2)
    stored = apply(stored, commit(body_12(seq=1), session=5))
    assert begin_session(stored)[1] == 6


# --- resume -------------------------------------------------------------------------------

@pytest.mark.parametrize("version, exit_, first, entry", [
    ("1.2", None, True, "ab-initio"), ("1.2", "suspend", False, "resume"),
    ("1.2", "", False, ""), ("1.2", "logout", False, ""), ("1.2", "time-out", False, ""),
    ("2004", None, True, "ab-initio"), ("2004", "suspend", False, "resume"),
    ("2004", "normal", False, "ab-initio"), ("2004", "", False, "ab-initio"),
])
def test_next_entry(version, exit_, first, entry):
    assert next_entry(exit_, scorm_version=version, first_session=first) == entry


def test_resume_first_launch_12():
    payload = resume_payload(None, scorm_version="1.2", mastery_score=80, launch_data="lv=2",
                             max_time_allowed="00:30:00", time_limit_action="exit,message",
                             learner_id="hs01", learner_name="Nguyễn An")
    assert payload == {"cmi": {
        "core": {"student_id": "hs01", "student_name": "Nguyễn An", "entry": "ab-initio",
                 "credit": "credit", "lesson_mode": "normal", "total_time": "00:00:00"},
        "student_data": {"mastery_score": "80", "max_time_allowed": "00:30:00",
                         "time_limit_action": "exit,message"},
        "launch_data": "lv=2"}}


def test_resume_after_suspend_12_server_values_win():
    forged = body_12("incomplete", raw="50", session_time="00:20:00", exit_="suspend",
                     location="slide7", suspend="state", seq=1, total_time="99:00:00")
    forged["cmi"]["core"].update(entry="ab-initio", credit="no-credit", lesson_mode="browse")
    forged["cmi"]["launch_data"] = "forged"
    forged["cmi"]["student_data"]["mastery_score"] = "1"
    stored = apply(None, commit(forged))
    payload = resume_payload(stored, scorm_version="1.2", mastery_score=70, launch_data="real")
    core = payload["cmi"]["core"]
    assert (core["entry"], core["credit"], core["lesson_mode"], core["total_time"]) == (
        "resume", "credit", "normal", "00:20:00")
    assert (core["lesson_location"], core["lesson_status"]) == ("slide7", "incomplete")
    assert core["score"] == {"raw": "50", "max": "100"}
    assert "session_time" not in core and "exit" not in core
    assert payload["cmi"]["suspend_data"] == "state"
    assert payload["cmi"]["launch_data"] == "real"
    assert payload["cmi"]["student_data"]["mastery_score"] == "70"


def test_resume_2004_with_limits_and_interactions_in_order():
    body = body_2004("incomplete", "unknown", session_time="PT90S", exit_="suspend",
                     location="p2", suspend="xyz", seq=1, total_time="PT100H")
    body["cmi"]["interactions"] = {
        "1": {"result": "wrong", "type": "choice", "id": "q2"},
        "0": {"correct_responses": {"0": {"pattern": "a"}}, "type": "choice", "id": "q1"}}
    body["adl"] = {"nav": {"request": "exitAll"}}
    stored = apply(None, commit(body, "2004"))
    payload = resume_payload(stored, scorm_version="2004", max_time_allowed="PT1H",
                             time_limit_action="continue,message", completion_threshold=0.8,
                             scaled_passing_score=0.5, learner_id="hs01")
    cmi = payload["cmi"]
    assert (cmi["entry"], cmi["credit"], cmi["mode"], cmi["total_time"]) == (
        "resume", "credit", "normal", "PT1M30S")
    assert (cmi["max_time_allowed"], cmi["time_limit_action"]) == ("PT1H", "continue,message")
    assert (cmi["completion_threshold"], cmi["scaled_passing_score"]) == ("0.8", "0.5")
    assert (cmi["location"], cmi["suspend_data"]) == ("p2", "xyz")
    assert list(cmi["interactions"]) == ["0", "1"]
    assert list(cmi["interactions"]["0"]) == ["id", "type", "correct_responses"]
    assert "session_time" not in cmi and "exit" not in cmi and "adl" not in payload


def test_resume_review_mode_is_never_for_credit():
    stored = apply(None, commit(body_12("passed", exit_="", seq=1)))
    core = resume_payload(stored, scorm_version="1.2", mode="review")["cmi"]["core"]
    assert (core["lesson_mode"], core["credit"]) == ("review", "no-credit")
    assert "entry" not in core  # "" (re-entry) is scorm-again's default; loadFromJSON skips it
    cmi = resume_payload(None, scorm_version="2004", mode="browse", credit="credit")["cmi"]
    assert (cmi["mode"], cmi["credit"]) == ("browse", "no-credit")


def test_resume_rejects_bad_mode_or_credit():
    with pytest.raises(ValueError, match="mode"):
        resume_payload(None, scorm_version="1.2", mode="play")
    with pytest.raises(ValueError, match="credit"):
        resume_payload(None, scorm_version="2004", credit="yes")


def test_resume_leaves_out_unreadable_manifest_limits():
    cmi = resume_payload(None, scorm_version="2004", max_time_allowed="30 phút",
                         time_limit_action="stop", completion_threshold=1.5,
                         scaled_passing_score="x")["cmi"]
    for key in ("max_time_allowed", "time_limit_action", "completion_threshold",
                "scaled_passing_score"):
        assert key not in cmi
    data = resume_payload(None, scorm_version="1.2", mastery_score=150,
                          max_time_allowed="PT45M")["cmi"]["student_data"]
    assert data == {"max_time_allowed": "00:45:00"}
    cmi = resume_payload(None, scorm_version="2004", max_time_allowed=90)["cmi"]
    assert cmi["max_time_allowed"] == "PT1M30S"


def test_resume_total_time_is_the_server_sum():
    stored = apply(None, commit(body_2004(session_time="PT1H", seq=1), "2004", session=1),
                   commit(body_2004(session_time="PT30M", seq=1, total_time="PT99H"), "2004",
                          session=2))
    assert resume_payload(stored, scorm_version="2004")["cmi"]["total_time"] == "PT1H30M"


def test_parsing_never_modifies_the_callers_body():
    body = body_12("incomplete", seq=1)
    body["cmi.core.exit"] = "suspend"
    body["cmi"]["core"]["score"]["raw"] = "abc"  # dropped as invalid from the parsed tree
    before = copy.deepcopy(body)
    data = commit(body)
    assert body == before
    assert data.state.exit == "suspend" and "raw" not in data.runtime_data["cmi"]["core"]["score"]


# --- against the real scorm-again (skipped where Node or node_modules is missing) --------

SCORM_AGAIN = Path(__file__).resolve().parents[2] / "node_modules" / "scorm-again" / "dist"
NODE_SCRIPT = r"""
globalThis.window = globalThis;
require(process.argv[2]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const sent = [];
const httpService = {processHttpRequest(url, params) { sent.push(params); return {result: "true",
  errorCode: 0}; }, updateSettings() {}};
const v12 = input.version === "1.2";
const api = new (v12 ? window.Scorm12API : window.Scorm2004API)({lmsCommitUrl: "http://lms/c",
  includeCommitSequence: true, dataCommitFormat: input.format, logLevel: 5, httpService});
if (input.resume) api.loadFromJSON(input.resume);
const call = (name, ...args) => api[(v12 ? "LMS" : "") + name](...args);
call(v12 ? "Initialize" : "Initialize", "");
const read = {};
for (const key of input.read) read[key] = call("GetValue", key);
for (const [key, value] of input.set) call("SetValue", key, value);
call("Commit", "");
call(v12 ? "Finish" : "Terminate", "");
console.log(JSON.stringify({read, sent}));
"""


def run_scorm_again(tmp_path, version, format_, resume, read, set_):
    node = shutil.which("node")
    if node is None or not (SCORM_AGAIN / "scorm-again.js").exists():
        pytest.skip("Node.js or node_modules/scorm-again is not installed")
    script = tmp_path / "run.cjs"
    script.write_text(NODE_SCRIPT)
    given = {"version": version, "format": format_, "resume": resume, "read": read, "set": set_}
    done = subprocess.run([node, str(script), str(SCORM_AGAIN / "scorm-again.js")],
                          input=json.dumps(given), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("format_", ["json", "flattened"])
def test_round_trip_through_scorm_again_12(tmp_path, format_):
    first = run_scorm_again(tmp_path, "1.2", format_, None, ["cmi.core.entry"], [
        ["cmi.core.lesson_status", "incomplete"], ["cmi.core.lesson_location", "slide4"],
        ["cmi.suspend_data", "s" * SUSPEND_DATA_MAX], ["cmi.core.score.raw", "40"],
        ["cmi.interactions.0.id", "q1"], ["cmi.interactions.0.type", "choice"],
        ["cmi.interactions.0.student_response", "b"], ["cmi.interactions.0.result", "wrong"],
        ["cmi.core.session_time", "00:12:00"], ["cmi.core.exit", "suspend"]])
    assert first["read"]["cmi.core.entry"] == ""
    stored, session = begin_session(None)
    for body in first["sent"]:
        stored = merge_state(stored, parse_commit(body, "1.2", session=session)).stored
    assert stored.total_time_s == 720 and stored.sequence == 2
    resume = resume_payload(stored, scorm_version="1.2", mastery_score=80, launch_data="lv=1",
                            learner_id="hs01", learner_name="An")
    second = run_scorm_again(tmp_path, "1.2", format_, resume, [
        "cmi.core.entry", "cmi.core.total_time", "cmi.core.lesson_location", "cmi.suspend_data",
        "cmi.core.lesson_status", "cmi.interactions._count", "cmi.student_data.mastery_score",
        "cmi.launch_data", "cmi.core.student_id", "cmi.core.credit"], [
        ["cmi.core.score.raw", "90"], ["cmi.core.lesson_status", "completed"],
        ["cmi.core.session_time", "00:03:00"]])
    read = second["read"]
    assert (read["cmi.core.entry"], read["cmi.core.total_time"]) == ("resume", "00:12:00")
    assert read["cmi.core.lesson_location"] == "slide4"
    assert read["cmi.suspend_data"] == "s" * SUSPEND_DATA_MAX
    assert (read["cmi.core.lesson_status"], read["cmi.interactions._count"]) == ("incomplete",
                                                                                 "1")
    assert (read["cmi.student_data.mastery_score"], read["cmi.launch_data"]) == ("80", "lv=1")
    assert (read["cmi.core.student_id"], read["cmi.core.credit"]) == ("hs01", "credit")
    stored, session = begin_session(stored)
    for body in second["sent"]:
        data = parse_commit(body, "1.2", session=session, mastery_score=80)
        stored = merge_state(stored, data).stored
    assert stored.total_time_s == 900
    assert (stored.state.completion, stored.state.success) == ("completed", "passed")
    assert len(stored.state.interactions) == 1


def test_round_trip_through_scorm_again_2004(tmp_path):
    first = run_scorm_again(tmp_path, "2004", "json", None, ["cmi.entry"], [
        ["cmi.location", "p3"], ["cmi.progress_measure", "0.4"],
        ["cmi.interactions.0.id", "q1"], ["cmi.interactions.0.type", "true-false"],
        ["cmi.interactions.0.correct_responses.0.pattern", "true"],
        ["cmi.interactions.0.learner_response", "false"], ["cmi.interactions.0.result", "incorrect"],
        ["cmi.objectives.0.id", "o1"], ["cmi.objectives.0.success_status", "failed"],
        ["cmi.session_time", "PT4M30S"], ["cmi.exit", "suspend"]])
    stored, session = begin_session(None)
    for body in first["sent"]:
        stored = merge_state(stored, parse_commit(body, "2004", session=session)).stored
    assert stored.total_time_s == 270
    resume = resume_payload(stored, scorm_version="2004", completion_threshold=0.8,
                            scaled_passing_score=0.6, max_time_allowed="PT1H",
                            time_limit_action="continue,message", learner_id="hs01")
    second = run_scorm_again(tmp_path, "2004", "json", resume, [
        "cmi.entry", "cmi.total_time", "cmi.location", "cmi.completion_status",
        "cmi.interactions._count", "cmi.interactions.0.correct_responses.0.pattern",
        "cmi.objectives.0.success_status", "cmi.max_time_allowed", "cmi.scaled_passing_score",
        "cmi.mode", "cmi.credit"], [["cmi.score.scaled", "0.7"], ["cmi.progress_measure", "1"],
                                    ["cmi.session_time", "PT1M"], ["cmi.exit", "normal"]])
    read = second["read"]
    assert (read["cmi.entry"], read["cmi.total_time"], read["cmi.location"]) == (
        "resume", "PT4M30S", "p3")
    assert read["cmi.completion_status"] == "incomplete"  # 0.4 < threshold 0.8
    assert (read["cmi.interactions._count"],
            read["cmi.interactions.0.correct_responses.0.pattern"]) == ("1", "true")
    assert read["cmi.objectives.0.success_status"] == "failed"
    assert (read["cmi.max_time_allowed"], read["cmi.scaled_passing_score"]) == ("PT1H", "0.6")
    assert (read["cmi.mode"], read["cmi.credit"]) == ("normal", "credit")
    stored, session = begin_session(stored)
    for body in second["sent"]:
        data = parse_commit(body, "2004", session=session, completion_threshold=0.8,
                            scaled_passing_score=0.6)
        stored = merge_state(stored, data).stored
    assert (stored.state.completion, stored.state.success) == ("completed", "passed")
    assert stored.total_time_s == 330
    assert resume_payload(stored, scorm_version="2004")["cmi"]["entry"] == "ab-initio"
