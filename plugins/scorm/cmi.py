"""The SCORM run-time data model on the server: read commits, keep per-SCO state, feed resumes.

Pure functions, no Flask and no database, so that the commit endpoint stays a thin shell.

What the browser sends is fixed by scorm-again 3.x (`node_modules/scorm-again`, `Scorm12API` /
`Scorm2004API` with `lmsCommitUrl`; see `BaseAPI.processHttpRequest`, `renderCommitCMI`,
`renderCommitObject` in `dist/scorm-again.js`):

* `dataCommitFormat: "json"` (default): `{"cmi": {...}}` where CMI arrays (interactions,
  objectives, correct_responses) are objects keyed "0", "1", ... and every leaf is a string;
  SCORM 2004 may add `"adl": {"data": ...}`.
* `"flattened"`: the same tree as `{"cmi.core.lesson_status": "passed", ...}`; an empty array
  appears as `"cmi.interactions": {}`.
* `"params"`: a list of `"cmi.core.exit=suspend"` strings (posted joined by "&", unencoded).
* `renderCommonCommitFields: true` wraps any of these as `runtimeData` next to
  `completionStatus`, `successStatus`, `totalTimeSeconds`, `score` (numbers) and, in 2004,
  `globalObjectives`.
* `includeCommitSequence: true` adds a top-level `commitSequence` (1, 2, ... per API instance,
  i.e. per page load: it restarts at 1 in every launch, so it only orders commits of one
  session; offline replays keep their number).
* `cmi.core.total_time` (1.2) / `cmi.total_time` (2004) is only present on the terminate commit
  (or with `alwaysSendTotalTime`) and equals the loaded total plus this session; the server
  ignores it and sums session times itself (see `merge_state`).

Resume data goes back through `loadFromJSON({"cmi": {...}})`, which skips empty values and sets
read-only elements because it runs before `Initialize`; see `resume_payload`.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal

ScormVersion = Literal["1.2", "2004"]

#: scorm-again accepts cmi.suspend_data up to CMIString64000 in both versions (authoring tools
#: overflow SCORM 1.2's 4,096); we accept exactly as much and reject more rather than truncate.
SUSPEND_DATA_MAX = 64_000
#: any other single value; SCORM's own longest strings are 4,000 (2004) / 4,096 (1.2).
VALUE_MAX = 64_000
#: guards against a forged commit blowing up the stored JSON; 250 interactions with their
#: objectives and correct responses stay far below.
MAX_LEAVES = 20_000
MAX_DEPTH = 10
#: per-session time bookkeeping kept in the stored state; older sessions are folded.
MAX_TRACKED_SESSIONS = 64

COMPLETION_VALUES = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS_VALUES = ("passed", "failed", "unknown")
TIME_LIMIT_ACTIONS = ("exit,message", "exit,no message", "continue,message", "continue,no message")
MODES = ("normal", "review", "browse")
CREDITS = ("credit", "no-credit")
_EXIT_VALUES = {
    "1.2": ("", "time-out", "suspend", "logout"),
    "2004": ("", "time-out", "suspend", "logout", "normal"),
}
_META_KEYS = ("commitSequence", "runtimeData", "successStatus", "completionStatus",
              "totalTimeSeconds", "score", "globalObjectives", "sharedData")


class CommitError(ValueError):
    """A commit that cannot be used at all; nothing of it may be stored."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message  # plain Vietnamese, safe to log or show
        self.code = code  # short machine id: "not_object", "bad_sequence", "too_long", ...


def _check_version(scorm_version: str) -> None:
    if scorm_version not in ("1.2", "2004"):
        raise ValueError(f"Phiên bản SCORM không hợp lệ: {scorm_version!r} (chỉ '1.2' hoặc '2004')")


# --- Time ---------------------------------------------------------------------------------

_TIMESPAN_RE = re.compile(r"^(\d+):(\d{2}):(\d{2}(?:\.\d{1,2})?)$")
_NUM = r"(\d+(?:[.,]\d+)?)"
_DURATION_RE = re.compile(
    rf"^P(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}W)?(?:{_NUM}D)?"
    rf"(?:T(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?$"
)
# Years and months have no fixed length; like scorm-again's getDurationAsSeconds we count a year
# as 365 days and a month as 30 days, so our totals agree with its `totalTimeSeconds`.
_DURATION_UNITS = (365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1)


def parse_timespan(value: str) -> float:
    """SCORM 1.2 CMITimespan `HHHH:MM:SS.SS` -> seconds.

    Hours may have any number of digits and minutes/seconds are two digits, exactly the
    `scorm12_regex.CMITimespan` that scorm-again validated the value with in the browser.
    """
    match = _TIMESPAN_RE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"Thời lượng SCORM 1.2 không hợp lệ: {value!r} (cần dạng HH:MM:SS.SS)")
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def parse_duration(value: str) -> float:
    """SCORM 2004 ISO-8601 duration (`PT1H2M3.5S`, `P1DT2H`) -> seconds.

    Years and months are approximated as 365 and 30 days (as scorm-again does); weeks and a
    comma as decimal mark are accepted; "P", "PT" and negative durations are rejected.
    """
    match = _DURATION_RE.match(value) if isinstance(value, str) else None
    if not match or value in ("P", "PT") or value.endswith("T"):
        raise ValueError(f"Thời lượng SCORM 2004 không hợp lệ: {value!r} (cần dạng PT1H2M3.5S)")
    return sum(float(part.replace(",", ".")) * unit
               for part, unit in zip(match.groups(), _DURATION_UNITS) if part is not None)


def parse_time(value: str, scorm_version: ScormVersion) -> float:
    """Seconds from the time format of `scorm_version`."""
    _check_version(scorm_version)
    return parse_timespan(value) if scorm_version == "1.2" else parse_duration(value)


def _centiseconds(seconds: float) -> int:
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not math.isfinite(
            seconds) or seconds < 0:
        raise ValueError(f"Số giây không hợp lệ: {seconds!r}")
    return round(seconds * 100)


def format_timespan(seconds: float) -> str:
    """Seconds -> SCORM 1.2 CMITimespan, e.g. `01:02:03.5` -> "01:02:03.50"; whole seconds
    carry no fraction ("00:00:00" for zero, as scorm-again's getSecondsAsHHMMSS)."""
    cs = _centiseconds(seconds)
    hours, rest = divmod(cs, 360_000)
    minutes, rest = divmod(rest, 6_000)
    whole, frac = divmod(rest, 100)
    text = f"{hours:02d}:{minutes:02d}:{whole:02d}"
    return f"{text}.{frac:02d}" if frac else text


def format_duration(seconds: float) -> str:
    """Seconds -> SCORM 2004 duration in hours, minutes and seconds (`PT26H0M3.5S` style
    without zero parts; "PT0S" for zero). Days are never used so no calendar question arises."""
    cs = _centiseconds(seconds)
    hours, rest = divmod(cs, 360_000)
    minutes, rest = divmod(rest, 6_000)
    whole, frac = divmod(rest, 100)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if whole or frac or text == "PT":
        text += f"{whole}.{frac:02d}".rstrip("0").rstrip(".") + "S"
    return text


def format_time(seconds: float, scorm_version: ScormVersion) -> str:
    """Seconds in the time format of `scorm_version`."""
    _check_version(scorm_version)
    return format_timespan(seconds) if scorm_version == "1.2" else format_duration(seconds)


# --- Normalised state --------------------------------------------------------------------

@dataclass
class ScoState:
    """What one SCO reported, in one vocabulary for both SCORM versions.

    In a `CommitData` a field is None when the commit did not carry it; in a `StoredSco` the
    fields hold the newest value ever applied (completion/success are never None there).
    """

    completion: str | None = None  #: completed | incomplete | not attempted | unknown
    success: str | None = None  #: passed | failed | unknown
    score_raw: float | None = None
    score_min: float | None = None
    score_max: float | None = None
    #: -1..1; in 1.2 (and 2004 when the SCO gave none) computed from raw/min/max
    score_scaled: float | None = None
    progress_measure: float | None = None  #: 0..1, SCORM 2004 only
    session_time_s: float | None = None  #: the SCO's figure for its current session
    #: the browser's total (terminate commits only); informational, never used for totals
    total_time_s: float | None = None
    location: str | None = None
    suspend_data: str | None = None
    exit: str | None = None
    entry: str | None = None  #: as the browser echoed it; the server decides the next one
    #: {"index", "id", "type", "timestamp", "weighting" (float | None), "learner_response",
    #: "result", "latency" (seconds | None), "description", "objectives": [ids],
    #: "correct_responses": [patterns]}; the SCO's raw strings stay in runtime_data
    interactions: list[dict] = field(default_factory=list)
    #: {"index", "id", "completion", "success", "score_raw", "score_min", "score_max",
    #: "score_scaled", "progress_measure", "description"}
    objectives: list[dict] = field(default_factory=list)

    @classmethod
    def initial(cls) -> ScoState:
        """The state of a SCO nobody has launched yet."""
        return cls(completion="not attempted", success="unknown")

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ScoState:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass
class CommitData:
    """One parsed commit (see `parse_commit`)."""

    scorm_version: str
    session: int  #: the launch this commit belongs to (server-assigned, `begin_session`)
    sequence: int | None  #: scorm-again's `commitSequence`, None when not sent
    state: ScoState
    #: `{"cmi": {...}}` (plus "adl" in 2004) as a canonical nested tree of strings
    runtime_data: dict
    #: fields dropped for being invalid, in plain Vietnamese (the rest of the commit is kept)
    problems: list[str] = field(default_factory=list)


# --- Reading a commit body ---------------------------------------------------------------

def decode_commit_body(raw: bytes | str) -> dict | list:
    """The commit body as JSON whatever its Content-Type (sendBeacon posts `text/plain`).

    A body that is not JSON is read as scorm-again's `params` format: "k=v" pairs joined by
    "&". That format does not escape values, so a value containing "&" is cut there; use the
    `json` or `flattened` format.
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CommitError("Dữ liệu gửi lên không phải UTF-8.", "not_utf8") from None
    text = raw.strip()
    if not text:
        raise CommitError("Dữ liệu gửi lên trống.", "empty")
    if text[0] in "{[":
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise CommitError("Dữ liệu gửi lên không phải JSON hợp lệ.", "bad_json") from None
    return text.split("&")


def _params_to_dict(items: list) -> dict:
    result = {}
    for item in items:
        if not isinstance(item, str) or "=" not in item:
            raise CommitError(f"Mục dữ liệu không hợp lệ: {str(item)[:80]!r}", "bad_params")
        key, value = item.split("=", 1)
        # scorm-again renders an empty CMI array as "[object Object]" in this format
        result[key] = {} if value == "[object Object]" else value
    return result


_KEY_RE = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
_PATH_PART_RE = re.compile(r"[^.\[\]]+")


def _leaf(value: Any, path: str) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float) and math.isfinite(value):
        text = repr(value)
    else:
        raise CommitError(f"Giá trị không hợp lệ ở {path}.", "bad_value")
    limit = SUSPEND_DATA_MAX if path.endswith("suspend_data") else VALUE_MAX
    if len(text) > limit:
        raise CommitError(f"{path} dài {len(text)} ký tự, vượt giới hạn {limit}; "
                          "không lưu để không mất dữ liệu âm thầm.", "too_long")
    return text


class _Counter:
    leaves = 0


def _canonical(node: Any, path: str, depth: int, counter: _Counter) -> Any:
    """Nested dicts with string keys and string leaves; lists become "0", "1", ... keys."""
    if depth > MAX_DEPTH:
        raise CommitError("Dữ liệu lồng nhau quá sâu.", "too_deep")
    if isinstance(node, list):
        node = {str(index): item for index, item in enumerate(node)}
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            if not isinstance(key, str) or not _KEY_RE.match(key):
                raise CommitError(f"Tên phần tử không hợp lệ ở {path}: {str(key)[:40]!r}",
                                  "bad_key")
            if value is None:  # sendFullCommit=false renders unset values as null
                continue
            result[key] = _canonical(value, f"{path}.{key}" if path else key, depth + 1, counter)
        return result
    counter.leaves += 1
    if counter.leaves > MAX_LEAVES:
        raise CommitError("Quá nhiều phần tử dữ liệu trong một lần gửi.", "too_many")
    return _leaf(node, path)


def _set_path(tree: dict, parts: list[str], value: Any, key: str) -> None:
    node = tree
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise CommitError(f"Phần tử {key[:80]!r} mâu thuẫn với một giá trị khác.", "conflict")
        node = child
    last = parts[-1]
    if isinstance(value, dict) and isinstance(node.get(last), dict):
        _deep_merge_into(node[last], value)
    elif last in node and (isinstance(node[last], dict) or isinstance(value, dict)):
        raise CommitError(f"Phần tử {key[:80]!r} mâu thuẫn với một giá trị khác.", "conflict")
    else:
        node[last] = value


def _runtime_tree(runtime: Any) -> dict:
    """Nested `{"cmi": ..., "adl": ...}` from the json, flattened or params formats."""
    if isinstance(runtime, list):
        runtime = _params_to_dict(runtime)
    if not isinstance(runtime, dict):
        raise CommitError("Dữ liệu CMI phải là một đối tượng JSON.", "not_object")
    tree: dict = {}
    counter = _Counter()
    for key, value in runtime.items():
        if not isinstance(key, str):
            continue
        parts = _PATH_PART_RE.findall(key)
        if not parts or parts[0] not in ("cmi", "adl"):
            continue  # commitSequence, a terminate flag, courseId... are not CMI
        if value is None:
            continue
        for part in parts:
            if not _KEY_RE.match(part):
                raise CommitError(f"Tên phần tử không hợp lệ: {key[:80]!r}", "bad_key")
        # a fresh canonical copy: the caller's body is never modified
        path = ".".join(parts)
        _set_path(tree, parts, _canonical(value, path, len(parts), counter), path)
    return tree


def _get(tree: dict, path: str) -> Any:
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _drop(tree: dict, path: str) -> None:
    *parents, last = path.split(".")
    node = _get(tree, ".".join(parents)) if parents else tree
    if isinstance(node, dict):
        node.pop(last, None)


def _number(text: Any) -> float | None:
    """A CMIDecimal, or None for "" / absent; ValueError for anything else."""
    if text is None or text == "":
        return None
    if isinstance(text, bool):
        raise TypeError("a boolean is not a score")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError
    return value


class _Reader:
    """Reads one CMI tree, dropping (and noting) each invalid field instead of the commit."""

    def __init__(self, tree: dict):
        self.tree = tree
        self.problems: list[str] = []

    def text(self, path: str) -> str | None:
        value = _get(self.tree, path)
        return value if isinstance(value, str) else None

    def invalid(self, path: str, value: Any, why: str) -> None:
        self.problems.append(f"Bỏ qua {path}={str(value)[:60]!r}: {why}.")
        _drop(self.tree, path)

    def number(self, path: str, low: float | None = None, high: float | None = None) -> float | None:
        value = _get(self.tree, path)
        try:
            number = _number(value)
        except (TypeError, ValueError):
            self.invalid(path, value, "không phải số")
            return None
        if number is not None and ((low is not None and number < low)
                                   or (high is not None and number > high)):
            self.invalid(path, value, f"ngoài khoảng {low}..{high}")
            return None
        return number

    def choice(self, path: str, allowed: tuple[str, ...]) -> str | None:
        value = self.text(path)
        if value is not None and value not in allowed:
            self.invalid(path, value, "giá trị không thuộc danh mục SCORM")
            return None
        return value

    def time(self, path: str, scorm_version: ScormVersion) -> float | None:
        value = self.text(path)
        if value is None or value == "":
            return None
        try:
            return parse_time(value, scorm_version)
        except ValueError:
            self.invalid(path, value, "thời lượng sai định dạng")
            return None

    def items(self, path: str) -> list[tuple[int, dict]]:
        node = _get(self.tree, path)
        if not isinstance(node, dict):
            return []
        indexed = [(int(key), value) for key, value in node.items()
                   if key.isdigit() and isinstance(value, dict)]
        return sorted(indexed, key=lambda pair: pair[0])


_LESSON_STATUS = {  # SCORM 1.2 cmi.core.lesson_status -> (completion, success)
    "passed": ("completed", "passed"),
    "failed": ("completed", "failed"),  # the learner finished and failed (scorm-again's
                                        # renderCommitObject says "incomplete"; we do not)
    "completed": ("completed", "unknown"),
    "incomplete": ("incomplete", "unknown"),
    "browsed": ("incomplete", "unknown"),  # seen without credit: started, not finished
    "not attempted": ("not attempted", "unknown"),
}


def _scaled_from_raw(raw: float | None, low: float | None, high: float | None) -> float | None:
    low = 0.0 if low is None else low
    if raw is None or high is None or high <= low:
        return None
    scaled = (raw - low) / (high - low)
    return scaled if -1.0 <= scaled <= 1.0 else None


def _read_score(reader: _Reader, base: str, scorm_version: ScormVersion) -> dict:
    raw = reader.number(f"{base}.raw")
    low = reader.number(f"{base}.min")
    high = reader.number(f"{base}.max")
    # SCORM 1.2 has no scaled score, and scorm-again renders an unset 1.2 score.max as "100"
    # (the 1.2 score range), so 100 is the scale when the SCO gave none.
    if scorm_version == "1.2":
        scaled, default_max = None, 100.0
    else:
        scaled, default_max = reader.number(f"{base}.scaled", -1.0, 1.0), None
    if scaled is None:
        scaled = _scaled_from_raw(raw, low, high if high is not None else default_max)
    return {"score_raw": raw, "score_min": low, "score_max": high, "score_scaled": scaled}


def _interactions(reader: _Reader, scorm_version: ScormVersion) -> list[dict]:
    v12 = scorm_version == "1.2"
    result = []
    for index, item in reader.items("cmi.interactions"):
        def text(name: str, _item: dict = item) -> str:
            value = _item.get(name)
            return value if isinstance(value, str) else ""

        ids = [obj.get("id", "") for _, obj in reader.items(f"cmi.interactions.{index}.objectives")]
        patterns = [resp.get("pattern", "") for _, resp in
                    reader.items(f"cmi.interactions.{index}.correct_responses")]
        result.append({
            "index": index, "id": text("id"), "type": text("type"),
            "timestamp": text("time" if v12 else "timestamp"),
            "weighting": _lenient_number(text("weighting")),
            "learner_response": text("student_response" if v12 else "learner_response"),
            "result": text("result"), "latency": _lenient_seconds(text("latency"), scorm_version),
            "description": text("description"), "objectives": ids,
            "correct_responses": patterns,
        })
    return result


def _lenient_number(text: str) -> float | None:
    try:
        return _number(text)
    except (TypeError, ValueError):
        return None


def _lenient_seconds(text: str, scorm_version: ScormVersion) -> float | None:
    try:
        return parse_time(text, scorm_version) if text else None
    except ValueError:
        return None


def _objectives(reader: _Reader, scorm_version: ScormVersion) -> list[dict]:
    result = []
    for index, item in reader.items("cmi.objectives"):
        base = f"cmi.objectives.{index}"
        if scorm_version == "1.2":
            status = reader.choice(f"{base}.status", tuple(_LESSON_STATUS))
            completion, success = _LESSON_STATUS.get(status or "", (None, None))
            progress = None
        else:
            completion = reader.choice(f"{base}.completion_status", COMPLETION_VALUES)
            success = reader.choice(f"{base}.success_status", SUCCESS_VALUES)
            progress = reader.number(f"{base}.progress_measure", 0.0, 1.0)
        description = item.get("description")
        result.append({
            "index": index, "id": item.get("id", "") if isinstance(item.get("id"), str) else "",
            "completion": completion, "success": success, "progress_measure": progress,
            **_read_score(reader, f"{base}.score", scorm_version),
            "description": description if isinstance(description, str) else "",
        })
    return result


def _state_from_tree(reader: _Reader, scorm_version: ScormVersion, *,
                     mastery_score: float | None, scaled_passing_score: float | None,
                     completion_threshold: float | None) -> ScoState:
    state = ScoState(interactions=_interactions(reader, scorm_version),
                     objectives=_objectives(reader, scorm_version))
    if scorm_version == "1.2":
        status = reader.choice("cmi.core.lesson_status", tuple(_LESSON_STATUS))
        if status:
            state.completion, state.success = _LESSON_STATUS[status]
        score = _read_score(reader, "cmi.core.score", "1.2")
        state.location = reader.text("cmi.core.lesson_location")
        state.exit = reader.choice("cmi.core.exit", _EXIT_VALUES["1.2"])
        state.entry = reader.text("cmi.core.entry")
        state.session_time_s = reader.time("cmi.core.session_time", "1.2")
        state.total_time_s = reader.time("cmi.core.total_time", "1.2")
        # RTE 1.2 §3.4.4: with a mastery score the LMS decides passed/failed from the raw
        # score; we do so once the SCO says it has finished, never mid-lesson.
        raw = score["score_raw"]
        if mastery_score is not None and raw is not None and status in (
                "completed", "passed", "failed"):
            state.completion = "completed"
            state.success = "passed" if raw >= mastery_score else "failed"
    else:
        state.completion = reader.choice("cmi.completion_status", COMPLETION_VALUES)
        state.success = reader.choice("cmi.success_status", SUCCESS_VALUES)
        score = _read_score(reader, "cmi.score", "2004")
        state.progress_measure = reader.number("cmi.progress_measure", 0.0, 1.0)
        state.location = reader.text("cmi.location")
        state.exit = reader.choice("cmi.exit", _EXIT_VALUES["2004"])
        state.entry = reader.text("cmi.entry")
        state.session_time_s = reader.time("cmi.session_time", "2004")
        state.total_time_s = reader.time("cmi.total_time", "2004")
        # RTE 2004 §4.2.4.1 / §4.2.22: threshold and passing score, when the LMS defines
        # them, decide the status from progress_measure / score.scaled once those are known.
        if completion_threshold is not None and state.progress_measure is not None:
            state.completion = ("completed" if state.progress_measure >= completion_threshold
                                else "incomplete")
        if scaled_passing_score is not None and score["score_scaled"] is not None:
            state.success = ("passed" if score["score_scaled"] >= scaled_passing_score
                             else "failed")
    state.suspend_data = reader.text("cmi.suspend_data")
    for name, value in score.items():
        setattr(state, name, value)
    return state


def _apply_common_fields(state: ScoState, body: dict, reader: _Reader) -> None:
    """scorm-again's common commit fields fill what the CMI tree did not say.

    The CMI tree wins: in 2004 the common fields describe the sequencing root when an
    activity tree is loaded, not this SCO.
    """
    if state.completion is None and body.get("completionStatus") in COMPLETION_VALUES:
        state.completion = body["completionStatus"]
    if state.success is None and body.get("successStatus") in SUCCESS_VALUES:
        state.success = body["successStatus"]
    score = body.get("score")
    if isinstance(score, dict) and all(getattr(state, f"score_{k}") is None
                                       for k in ("raw", "min", "max", "scaled")):
        values = {}
        for key in ("raw", "min", "max", "scaled"):
            try:
                values[key] = _number(score.get(key))
            except (TypeError, ValueError):
                reader.problems.append(f"Bỏ qua score.{key} không phải số.")
                values[key] = None
        if values["scaled"] is not None and not -1.0 <= values["scaled"] <= 1.0:
            reader.problems.append("Bỏ qua score.scaled ngoài khoảng -1..1.")
            values["scaled"] = None
        if values["scaled"] is None:
            values["scaled"] = _scaled_from_raw(values["raw"], values["min"], values["max"])
        for key, value in values.items():
            setattr(state, f"score_{key}", value)


def _sequence(body: dict) -> int | None:
    value = body.get("commitSequence")
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CommitError(f"commitSequence không hợp lệ: {str(value)[:40]!r}", "bad_sequence")
    return value


def parse_commit(body: dict | list, scorm_version: ScormVersion, *, session: int,
                 mastery_score: float | None = None,
                 scaled_passing_score: float | None = None,
                 completion_threshold: float | None = None) -> CommitData:
    """Read one scorm-again commit body (any `dataCommitFormat`, with or without
    `renderCommonCommitFields`) into a `CommitData`.

    `session` is the launch number the server handed out (`begin_session`), because
    scorm-again's `commitSequence` restarts with every page load. The three optional scores
    are the LMS's own settings (manifest): 1.2 `adlcp:masteryscore` (0..100) and 2004
    `scaled_passing_score` / `completion_threshold`; they let the server decide the status
    the way the SCORM run-time does.

    Raises `CommitError` only when nothing of the commit can be trusted (not an object, bad
    sequence, a value over its length limit such as suspend_data > 64,000 characters); an
    invalid single field (score.scaled = 5, raw = "abc", a malformed session_time) is dropped,
    noted in `problems`, and the rest of the commit is kept.
    """
    _check_version(scorm_version)
    if isinstance(session, bool) or not isinstance(session, int) or session < 0:
        raise ValueError(f"Số phiên không hợp lệ: {session!r}")
    if isinstance(body, list):
        body = _params_to_dict(body)
    if not isinstance(body, dict):
        raise CommitError("Dữ liệu gửi lên phải là một đối tượng JSON.", "not_object")
    sequence = _sequence(body)
    runtime = body.get("runtimeData", body)
    tree = _runtime_tree(runtime)
    if not isinstance(tree.get("cmi", {}), dict):
        raise CommitError("Phần tử cmi phải là một đối tượng.", "not_object")
    reader = _Reader(tree)
    state = _state_from_tree(reader, scorm_version, mastery_score=mastery_score,
                             scaled_passing_score=scaled_passing_score,
                             completion_threshold=completion_threshold)
    _apply_common_fields(state, body, reader)
    if not tree and state.completion is None and state.success is None:
        raise CommitError("Không có dữ liệu SCORM nào trong lần gửi này.", "no_data")
    return CommitData(scorm_version=scorm_version, session=session, sequence=sequence,
                      state=state, runtime_data=tree, problems=reader.problems)


# --- Stored state and merging ------------------------------------------------------------

@dataclass
class StoredSco:
    """Everything the server keeps for one SCO in one attempt; JSON via to_json/from_json."""

    state: ScoState = field(default_factory=ScoState.initial)
    #: merged CMI tree ({"cmi": ...}) that `resume_payload` restores from
    runtime_data: dict = field(default_factory=dict)
    #: server total: the sum over sessions of each session's largest session_time
    total_time_s: float = 0.0
    #: newest session whose data has been applied (0 = none) and the highest commitSequence
    #: applied within it
    session: int = 0
    sequence: int | None = None
    #: session number (as str, for JSON) -> seconds of session_time already counted
    session_times: dict[str, float] = field(default_factory=dict)
    #: sessions below this number were folded out of `session_times`: no more time from them
    time_closed_before: int = 0
    #: launches handed out by `begin_session`, and commits whose data was applied
    sessions_started: int = 0
    commits_applied: int = 0

    def to_json(self) -> dict:
        data = asdict(self)
        data["state"] = self.state.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict | None) -> StoredSco:
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["state"] = ScoState.from_json(data.get("state") or {})
        return cls(**values)


@dataclass
class MergeResult:
    stored: StoredSco
    #: "applied"; "duplicate" (same session and sequence as stored); "stale" (older sequence
    #: of the current session); "older_session" (a late commit from an earlier launch)
    outcome: str
    added_time_s: float  #: session time newly counted by this commit (also when not applied)

    @property
    def applied(self) -> bool:
        return self.outcome == "applied"


def begin_session(stored: StoredSco | None) -> tuple[StoredSco, int]:
    """Hand out the number of a new launch of this SCO; the player must send it back with
    every commit of that launch (see `parse_commit(session=...)`)."""
    stored = stored or StoredSco()
    number = max(stored.sessions_started, stored.session) + 1
    return replace(stored, sessions_started=number), number


def _deep_merge_into(target: dict, source: dict) -> None:
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_merge_into(target[key], value)
        else:
            target[key] = json.loads(json.dumps(value)) if isinstance(value, dict) else value


def _merge_states(previous: ScoState, new: ScoState, runtime: dict,
                  scorm_version: str) -> ScoState:
    values = {f.name: getattr(new, f.name) for f in fields(ScoState)
              if f.name not in ("interactions", "objectives") and getattr(new, f.name) is not None}
    merged = replace(previous, **values)
    # interactions and objectives are re-read from the merged tree so that a commit carrying
    # only some of them (sendFullCommit=false) never hides the others
    reader = _Reader(json.loads(json.dumps(runtime)))
    merged.interactions = _interactions(reader, scorm_version)  # type: ignore[arg-type]
    merged.objectives = _objectives(reader, scorm_version)  # type: ignore[arg-type]
    return merged


def _count_time(stored: StoredSco, commit: CommitData) -> tuple[dict, int, float]:
    times = dict(stored.session_times)
    closed = stored.time_closed_before
    seconds = commit.state.session_time_s
    if seconds is None or commit.session < closed:
        return times, closed, 0.0
    key = str(commit.session)
    added = max(0.0, seconds - times.get(key, 0.0))
    if added:
        times[key] = seconds
    while len(times) > MAX_TRACKED_SESSIONS:
        oldest = min(times, key=int)
        del times[oldest]
        closed = max(closed, int(oldest) + 1)
    return times, closed, added


def merge_state(previous: StoredSco | None, commit: CommitData) -> MergeResult:
    """Fold one commit into the stored state of its SCO.

    Time: scorm-again resends the session's running session_time with every commit of a
    launch, so each session is counted once, at the largest session_time it ever reported:
    `total_time_s` grows by `max(0, session_time - already counted for that session)`. Repeats,
    reordering and late commits therefore never double-count, and a late final commit of an
    earlier launch still adds its last minutes.

    Data: commits are ordered by (session, commitSequence). A commit of an earlier session, or
    with a sequence <= the stored one in the same session, is not applied (only its time may
    count); applying the same commit twice gives the same state. A commit without a sequence
    is applied (enable `includeCommitSequence` in the player). Applied data is deep-merged
    into the stored CMI tree, the commit winning, so partial commits lose nothing.
    """
    stored = previous or StoredSco()
    times, closed, added = _count_time(stored, commit)
    timed = replace(stored, session_times=times, time_closed_before=closed,
                    total_time_s=stored.total_time_s + added)
    if commit.session < stored.session:
        return MergeResult(timed, "older_session", added)
    if (commit.session == stored.session and commit.sequence is not None
            and stored.sequence is not None and commit.sequence <= stored.sequence):
        outcome = "duplicate" if commit.sequence == stored.sequence else "stale"
        return MergeResult(timed, outcome, added)
    runtime = json.loads(json.dumps(stored.runtime_data))
    _deep_merge_into(runtime, commit.runtime_data)
    if commit.session == stored.session and commit.sequence is None:
        sequence = stored.sequence
    else:
        sequence = commit.sequence
    merged = replace(
        timed,
        state=_merge_states(stored.state, commit.state, runtime, commit.scorm_version),
        runtime_data=runtime, session=commit.session, sequence=sequence,
        sessions_started=max(stored.sessions_started, commit.session),
        commits_applied=stored.commits_applied + 1,
    )
    return MergeResult(merged, "applied", added)


# --- Resume ------------------------------------------------------------------------------

def next_entry(previous_exit: str | None, *, scorm_version: ScormVersion,
               first_session: bool) -> str:
    """cmi.core.entry (1.2) / cmi.entry (2004) for the next launch.

    "ab-initio" for the first launch in the attempt and "resume" after a "suspend" exit, in
    both versions. Otherwise 1.2 gets "" (re-entry) and 2004 "ab-initio": in 2004 an exit
    other than suspend ends the SCO's learner attempt, so the next launch starts a new one.
    """
    _check_version(scorm_version)
    if first_session:
        return "ab-initio"
    if previous_exit == "suspend":
        return "resume"
    return "" if scorm_version == "1.2" else "ab-initio"


#: elements restored from the stored tree; the LMS-owned ones (entry, credit, mode,
#: total_time, launch_data, learner id/name, limits) are always set by the server instead,
#: and write-only or per-session ones (session_time, exit) must start empty.
_RESUMED = {
    "1.2": {"suspend_data": True, "comments": True, "student_preference": True,
            "objectives": True, "interactions": True,
            "core": {"lesson_location": True, "lesson_status": True, "score": True}},
    "2004": {"suspend_data": True, "location": True, "completion_status": True,
             "success_status": True, "progress_measure": True, "score": True,
             "objectives": True, "interactions": True, "comments_from_learner": True,
             "learner_preference": True},
}


def _pick(node: Any, allowed: Any) -> Any:
    if allowed is True:
        return _ordered(node)
    if not isinstance(node, dict) or not isinstance(allowed, dict):
        return None
    return {key: picked for key, sub in allowed.items()
            if key in node and (picked := _pick(node[key], sub)) not in (None, {})}


def _ordered(node: Any) -> Any:
    """Array entries in index order and "id", "type" first in each: scorm-again's setters
    refuse an interaction's other fields (and 2004 correct responses) before those two."""
    if not isinstance(node, dict):
        return node
    keys = sorted(node, key=lambda k: (0, int(k)) if k.isdigit() else
                  (1, {"id": 0, "type": 1}.get(k, 2), ""))
    return {key: _ordered(node[key]) for key in keys}


def _lenient_time(value: Any, scorm_version: ScormVersion) -> str | None:
    """A limit from the manifest (seconds or either time format) in `scorm_version`'s format,
    or None when it cannot be read: a typo in a manifest must not block the launch."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        for parser in (parse_timespan, parse_duration):
            try:
                seconds = parser(str(value).strip())
                break
            except ValueError:
                continue
        else:
            return None
    try:
        return format_time(seconds, scorm_version) if seconds > 0 else None
    except ValueError:
        return None


def _in_range(value: Any, low: float, high: float) -> float | None:
    try:
        number = _number(value)
    except (TypeError, ValueError):
        return None
    return number if number is not None and low <= number <= high else None


def _decimal_text(value: float) -> str:
    return f"{value:.7f}".rstrip("0").rstrip(".")


def resume_payload(stored: StoredSco | None, *, scorm_version: ScormVersion,
                   mastery_score: float | None = None, launch_data: str | None = None,
                   max_time_allowed: str | float | None = None,
                   time_limit_action: str | None = None,
                   completion_threshold: float | None = None,
                   scaled_passing_score: float | None = None,
                   credit: str = "credit", mode: str = "normal",
                   learner_id: str = "", learner_name: str = "") -> dict:
    """The object to pass to scorm-again's `loadFromJSON` before `Initialize`.

    The learner's own data (location, suspend_data, statuses, score, interactions, objectives,
    preferences) comes from `stored`; entry, credit, mode, total_time, launch_data, learner
    id/name, mastery/passing score, completion threshold and time limits are always the
    server's, whatever the browser committed. "review" and "browse" modes are never for
    credit. Limits that the version has no element for, or that cannot be read, are left
    out. Empty values are omitted because loadFromJSON skips them anyway.
    """
    _check_version(scorm_version)
    if mode not in MODES:
        raise ValueError(f"mode không hợp lệ: {mode!r}")
    if credit not in CREDITS:
        raise ValueError(f"credit không hợp lệ: {credit!r}")
    if mode != "normal":
        credit = "no-credit"
    stored = stored or StoredSco()
    cmi = _pick(stored.runtime_data.get("cmi", {}), _RESUMED[scorm_version]) or {}
    entry = next_entry(stored.state.exit, scorm_version=scorm_version,
                       first_session=stored.commits_applied == 0)
    total = format_time(stored.total_time_s, scorm_version)
    limit = _lenient_time(max_time_allowed, scorm_version)
    action = time_limit_action if time_limit_action in TIME_LIMIT_ACTIONS else None
    if scorm_version == "1.2":
        core = cmi.setdefault("core", {})
        core.update(student_id=learner_id, student_name=learner_name, entry=entry,
                    credit=credit, lesson_mode=mode, total_time=total)
        mastery = _in_range(mastery_score, 0.0, 100.0)
        student_data = {"mastery_score": _decimal_text(mastery) if mastery is not None else None,
                        "max_time_allowed": limit, "time_limit_action": action}
        cmi["student_data"] = student_data
    else:
        cmi.update(learner_id=learner_id, learner_name=learner_name, entry=entry, credit=credit,
                   mode=mode, total_time=total, max_time_allowed=limit,
                   time_limit_action=action)
        threshold = _in_range(completion_threshold, 0.0, 1.0)
        passing = _in_range(scaled_passing_score, -1.0, 1.0)
        cmi["completion_threshold"] = _decimal_text(threshold) if threshold is not None else None
        cmi["scaled_passing_score"] = _decimal_text(passing) if passing is not None else None
    cmi["launch_data"] = launch_data
    return {"cmi": _without_empty(cmi)}


def _without_empty(node: Any) -> Any:
    if isinstance(node, dict):
        cleaned = {key: _without_empty(value) for key, value in node.items()}
        return {key: value for key, value in cleaned.items() if value not in (None, "", {})}
    return node
