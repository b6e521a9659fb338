"""The interactive lesson as data: settings, questions on the timeline, chapters.

One module validates what the editor (or the H5P import) sends, sanitises every HTML text with
nh3, scores an answer, and makes the view the player may see (never the correct answers).

A question (stored as JSON on `VideoLesson.questions`)::

    {"id", "type", "time", "title", "body", "pause", "required", "seek_back", "points",
     "options": [{"id", "text", "correct"}],      # single, multiple
     "correct": bool,                               # truefalse
     "case_sensitive": bool,                        # fillblank: gaps written *answer* or *a/b*
     "feedback_correct", "feedback_wrong",
     "image": package path in `assets`, "link": URL}  # info cards

`required`: the student must answer correctly to go on; on a wrong answer the video jumps back
to `seek_back` (or stays at the question when it is None).
"""
from __future__ import annotations

import html
import math
import random
import re
import unicodedata
from dataclasses import dataclass

import nh3
from flask_babel import gettext as _

TYPES = ("single", "multiple", "truefalse", "fillblank", "text", "info")
SCORED_TYPES = ("single", "multiple", "truefalse", "fillblank", "text")
MAX_QUESTIONS = 200
MAX_OPTIONS = 12
MAX_CHAPTERS = 100
MAX_HTML = 20_000
MAX_TITLE = 200
MAX_POINTS = 100.0
MAX_TEXT_ANSWER = 5_000
DEFAULT_SETTINGS = {"prevent_skipping": False, "pass_percentage": 50, "complete_percentage": 90}

_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
#: a gap of a fill-in-the-blank text: *answer*, *one/other*, H5P's *answer:tip*
GAP = re.compile(r"\*([^*\n]{1,200})\*")
_ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "s", "sub", "sup", "span", "div",
                 "ul", "ol", "li", "a", "h3", "h4", "blockquote", "table", "thead", "tbody",
                 "tr", "th", "td", "caption"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"},
                       "th": {"colspan", "rowspan"}}


def clean_html(value) -> str:
    """HTML safe to show inside the LMS page: a short list of tags, no scripts or handlers."""
    if not isinstance(value, str):
        return ""
    return nh3.clean(value, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer").strip()


def plain_text(value) -> str:
    """Text without markup (titles, labels, answers), whitespace collapsed, NFC."""
    if not isinstance(value, str):
        return ""
    text = html.unescape(nh3.clean(value, tags=set()))
    return unicodedata.normalize("NFC", " ".join(text.split()))


class LessonInvalid(Exception):
    """The editor's document has errors: `errors` is [{"field", "message"}], in Vietnamese."""

    def __init__(self, errors: list[dict]) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


@dataclass
class _Checker:
    errors: list

    def fail(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": message})

    def number(self, data: dict, key: str, field: str, label: str, *, low: float, high: float,
               default=None, required: bool = True):
        value = data.get(key, default)
        if value is None and not required:
            return None
        if isinstance(value, str):
            try:
                value = float(value.replace(",", "."))
            except ValueError:
                value = None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
                value):
            self.fail(f"{field}.{key}", _("%(label)s phải là một số.", label=label))
            return default
        if not low <= value <= high:
            self.fail(f"{field}.{key}", _("%(label)s phải từ %(low)s đến %(high)s.", label=label,
                                          low=_fmt(low), high=_fmt(high)))
            return default
        return float(value)

    def flag(self, data: dict, key: str, field: str, default: bool = False) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"{field}.{key}", _("Giá trị bật/tắt không hợp lệ."))
            return default
        return value


def _fmt(number: float) -> str:
    return f"{number:g}"


def validate_settings(data, errors: list | None = None) -> dict:
    checker = _Checker(errors if errors is not None else [])
    if not isinstance(data, dict):
        checker.fail("settings", _("Thiếu phần cài đặt của bài."))
        data = {}
    settings = {
        "prevent_skipping": checker.flag(data, "prevent_skipping", "settings"),
        "pass_percentage": checker.number(data, "pass_percentage", "settings",
                                          _("Tỉ lệ điểm để đạt (%)"), low=0, high=100,
                                          default=DEFAULT_SETTINGS["pass_percentage"]),
        "complete_percentage": checker.number(data, "complete_percentage", "settings",
                                              _("Phần video phải xem để hoàn thành (%)"),
                                              low=1, high=100,
                                              default=DEFAULT_SETTINGS["complete_percentage"]),
    }
    if errors is None and checker.errors:
        raise LessonInvalid(checker.errors)
    return settings


def validate_chapters(data, errors: list, duration: float | None) -> list[dict]:
    checker = _Checker(errors)
    if not isinstance(data, list):
        checker.fail("chapters", _("Danh sách chương không hợp lệ."))
        return []
    if len(data) > MAX_CHAPTERS:
        checker.fail("chapters", _("Tối đa %(n)s chương.", n=MAX_CHAPTERS))
        return []
    chapters = []
    for index, item in enumerate(data):
        field = f"chapters[{index}]"
        if not isinstance(item, dict):
            checker.fail(field, _("Chương không hợp lệ."))
            continue
        time = checker.number(item, "time", field, _("Thời điểm của chương"), low=0,
                              high=duration if duration else 24 * 3600, default=0.0)
        title = plain_text(item.get("title"))
        if not title:
            checker.fail(f"{field}.title", _("Hãy đặt tên cho chương."))
        elif len(title) > MAX_TITLE:
            checker.fail(f"{field}.title", _("Tên chương dài quá %(n)s ký tự.", n=MAX_TITLE))
        chapters.append({"time": round(time, 2), "title": title[:MAX_TITLE]})
    return sorted(chapters, key=lambda c: c["time"])


def validate_question(item, index: int, errors: list, duration: float | None,
                      assets: dict | None = None) -> dict | None:
    checker = _Checker(errors)
    field = f"questions[{index}]"
    if not isinstance(item, dict):
        checker.fail(field, _("Câu hỏi không hợp lệ."))
        return None
    kind = item.get("type")
    if kind not in TYPES:
        checker.fail(f"{field}.type", _("Loại câu hỏi không hợp lệ."))
        return None
    question_id = item.get("id")
    if not isinstance(question_id, str) or not _ID.match(question_id):
        checker.fail(f"{field}.id", _("Mã câu hỏi không hợp lệ."))
        question_id = f"q{index + 1}"
    time = checker.number(item, "time", field, _("Thời điểm hiện câu hỏi"), low=0,
                          high=duration if duration else 24 * 3600, default=0.0)
    body = clean_html(item.get("body"))
    title = plain_text(item.get("title"))
    if len(title) > MAX_TITLE:
        checker.fail(f"{field}.title", _("Tiêu đề dài quá %(n)s ký tự.", n=MAX_TITLE))
    if len(body) > MAX_HTML:
        checker.fail(f"{field}.body", _("Nội dung dài quá %(n)s ký tự.", n=MAX_HTML))
    if not body and not title:
        checker.fail(f"{field}.body", _("Hãy nhập nội dung câu hỏi hoặc thẻ thông tin."))
    question = {
        "id": question_id, "type": kind, "time": round(time, 2), "title": title[:MAX_TITLE],
        "body": body, "pause": checker.flag(item, "pause", field, True),
        "required": False, "seek_back": None, "points": 0.0,
        "feedback_correct": clean_html(item.get("feedback_correct"))[:MAX_HTML],
        "feedback_wrong": clean_html(item.get("feedback_wrong"))[:MAX_HTML],
        #: shown when the video ends (H5P's summary), whatever `time` says
        "at_end": checker.flag(item, "at_end", field),
    }
    if kind == "info":
        image = item.get("image")
        if image and (not isinstance(image, str) or image not in (assets or {})):
            checker.fail(f"{field}.image", _("Hình của thẻ thông tin không có trong bài."))
        elif image:
            question["image"] = image
        link = item.get("link")
        if link:
            if not isinstance(link, str) or not re.match(r"^https?://\S+$", link) or len(
                    link) > 1000:
                checker.fail(f"{field}.link", _("Liên kết phải bắt đầu bằng http:// hoặc https://."))
            else:
                question["link"] = link
        return question
    question["required"] = checker.flag(item, "required", field)
    question["points"] = checker.number(item, "points", field, _("Điểm"), low=0,
                                        high=MAX_POINTS, default=1.0)
    seek_back = checker.number(item, "seek_back", field, _("Thời điểm quay lại khi sai"), low=0,
                               high=time, required=False)
    question["seek_back"] = None if seek_back is None else round(seek_back, 2)
    if kind in ("single", "multiple"):
        question["options"] = _options(item.get("options"), kind, field, checker)
    elif kind == "truefalse":
        correct = item.get("correct")
        if not isinstance(correct, bool):
            checker.fail(f"{field}.correct", _("Hãy chọn đáp án Đúng hoặc Sai."))
            correct = True
        question["correct"] = correct
    elif kind == "fillblank":
        question["case_sensitive"] = checker.flag(item, "case_sensitive", field)
        if not gaps(body):
            checker.fail(f"{field}.body", _("Câu điền vào chỗ trống cần ít nhất một chỗ trống, "
                                            "viết dạng *đáp án* (nhiều đáp án: *một/hai*)."))
    return question


def _options(data, kind: str, field: str, checker: _Checker) -> list[dict]:
    if not isinstance(data, list) or not 2 <= len(data) <= MAX_OPTIONS:
        checker.fail(f"{field}.options", _("Cần từ 2 đến %(n)s phương án.", n=MAX_OPTIONS))
        return []
    options, seen = [], set()
    for number, option in enumerate(data):
        option = option if isinstance(option, dict) else {}
        option_id = option.get("id")
        if not isinstance(option_id, str) or not _ID.match(option_id) or option_id in seen:
            option_id = f"o{number + 1}"
            while option_id in seen:
                option_id += "x"
        seen.add(option_id)
        text = clean_html(option.get("text"))
        if not text:
            checker.fail(f"{field}.options[{number}].text",
                         _("Phương án %(n)s chưa có nội dung.", n=number + 1))
        options.append({"id": option_id, "text": text[:MAX_HTML],
                        "correct": option.get("correct") is True})
    right = sum(option["correct"] for option in options)
    if kind == "single" and right != 1:
        checker.fail(f"{field}.options", _("Câu một lựa chọn phải có đúng một phương án đúng."))
    if kind == "multiple" and right < 1:
        checker.fail(f"{field}.options", _("Hãy đánh dấu ít nhất một phương án đúng."))
    return options


def validate_document(data, duration: float | None, assets: dict | None = None) -> dict:
    """The editor's whole document {settings, questions, chapters}, validated and cleaned.

    Raises `LessonInvalid` listing every error found (not just the first).
    """
    errors: list[dict] = []
    if not isinstance(data, dict):
        raise LessonInvalid([{"field": "", "message": _("Dữ liệu gửi lên không hợp lệ.")}])
    settings = validate_settings(data.get("settings"), errors)
    raw_questions = data.get("questions")
    questions = []
    if not isinstance(raw_questions, list):
        errors.append({"field": "questions", "message": _("Danh sách câu hỏi không hợp lệ.")})
    elif len(raw_questions) > MAX_QUESTIONS:
        errors.append({"field": "questions",
                       "message": _("Tối đa %(n)s câu hỏi trong một video.", n=MAX_QUESTIONS)})
    else:
        for index, item in enumerate(raw_questions):
            question = validate_question(item, index, errors, duration, assets)
            if question is not None:
                questions.append(question)
        ids = [q["id"] for q in questions]
        for index, question_id in enumerate(ids):
            if ids.index(question_id) != index:
                errors.append({"field": f"questions[{index}].id",
                               "message": _("Hai câu hỏi trùng mã “%(id)s”.", id=question_id)})
    chapters = validate_chapters(data.get("chapters", []), errors, duration)
    if errors:
        raise LessonInvalid(errors)
    return {"settings": settings, "questions": sorted(questions, key=lambda q: q["time"]),
            "chapters": chapters}


# Fill in the blank ---------------------------------------------------------------------------
def gaps(body: str) -> list[list[str]]:
    """The accepted answers of each gap, in order (``*a/b:tip*`` → ["a", "b"])."""
    found = []
    for match in GAP.finditer(html.unescape(body or "")):
        answer = match.group(1).split(":", 1)[0]
        alternatives = [plain_text(part) for part in answer.split("/")]
        found.append([a for a in alternatives if a] or [""])
    return found


def _public_fill_text(body: str) -> str:
    """The text with each gap replaced by ⟦n⟧, where the player puts an input box."""
    counter = iter(range(1000))
    return GAP.sub(lambda _match: f"⟦{next(counter)}⟧", body or "")


def _normalise_answer(value: str, case_sensitive: bool) -> str:
    text = unicodedata.normalize("NFC", " ".join(str(value).split()))
    return text if case_sensitive else text.casefold()


# Scoring -------------------------------------------------------------------------------------
@dataclass
class Score:
    correct: bool | None  #: None: waits for the teacher (short text)
    points: float
    max_points: float
    response: dict  #: the response as kept (validated, trimmed)


class AnswerInvalid(ValueError):
    """The response does not fit the question; `message` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def score_answer(question: dict, response) -> Score:
    """Score `response` to `question` on the server. Raises `AnswerInvalid`."""
    if not isinstance(response, dict):
        raise AnswerInvalid(_("Câu trả lời không hợp lệ."))
    kind, points = question["type"], float(question.get("points") or 0.0)
    if kind == "single":
        ids = {o["id"] for o in question["options"]}
        chosen = response.get("option")
        if chosen not in ids:
            raise AnswerInvalid(_("Hãy chọn một phương án."))
        correct = any(o["id"] == chosen and o["correct"] for o in question["options"])
        return Score(correct, points if correct else 0.0, points, {"option": chosen})
    if kind == "multiple":
        ids = {o["id"] for o in question["options"]}
        chosen = response.get("options")
        if not isinstance(chosen, list) or not chosen or not set(chosen) <= ids:
            raise AnswerInvalid(_("Hãy chọn ít nhất một phương án."))
        right = {o["id"] for o in question["options"] if o["correct"]}
        correct = set(chosen) == right
        return Score(correct, points if correct else 0.0, points,
                     {"options": sorted(set(chosen))})
    if kind == "truefalse":
        value = response.get("value")
        if not isinstance(value, bool):
            raise AnswerInvalid(_("Hãy chọn Đúng hoặc Sai."))
        correct = value == question["correct"]
        return Score(correct, points if correct else 0.0, points, {"value": value})
    if kind == "fillblank":
        expected = gaps(question["body"])
        given = response.get("blanks")
        if (not isinstance(given, list) or len(given) != len(expected)
                or not all(isinstance(g, str) and len(g) <= 200 for g in given)):
            raise AnswerInvalid(_("Hãy điền vào mọi chỗ trống."))
        sensitive = bool(question.get("case_sensitive"))
        right = sum(
            _normalise_answer(g, sensitive) in {_normalise_answer(a, sensitive) for a in answers}
            for g, answers in zip(given, expected, strict=True))
        share = right / len(expected) if expected else 0.0
        return Score(right == len(expected), round(points * share, 2), points,
                     {"blanks": [g.strip() for g in given]})
    if kind == "text":
        text = response.get("text")
        if not isinstance(text, str) or not text.strip():
            raise AnswerInvalid(_("Hãy nhập câu trả lời."))
        if len(text) > MAX_TEXT_ANSWER:
            raise AnswerInvalid(_("Câu trả lời dài quá %(n)s ký tự.", n=MAX_TEXT_ANSWER))
        return Score(None, 0.0, points, {"text": unicodedata.normalize("NFC", text.strip())})
    raise AnswerInvalid(_("Thẻ thông tin không cần trả lời."))


def max_score(questions: list[dict]) -> float:
    return sum(float(q.get("points") or 0.0) for q in questions if q["type"] in SCORED_TYPES)


# What the player sees ------------------------------------------------------------------------
def public_question(question: dict, seed: str) -> dict:
    """A question as sent to the student's browser before answering: no correct answers, no
    feedback. Options are shuffled per attempt (imported sets often list the right one first)."""
    view = {key: question.get(key) for key in ("id", "type", "time", "title", "pause",
                                                 "required", "at_end")}
    view["body"] = question["body"]
    if question["type"] in ("single", "multiple"):
        options = [{"id": o["id"], "text": o["text"]} for o in question["options"]]
        random.Random(f"{seed}:{question['id']}").shuffle(options)
        view["options"] = options
    elif question["type"] == "fillblank":
        view["body"] = _public_fill_text(question["body"])
        view["gaps"] = len(gaps(question["body"]))
    elif question["type"] == "info":
        view["image"] = question.get("image")
        view["link"] = question.get("link")
    return view


def reveal(question: dict, score: Score) -> dict:
    """What the student learns after answering: right or wrong, the feedback, where to go."""
    result = {"correct": score.correct, "points": score.points, "max_points": score.max_points}
    if score.correct is None:
        result["feedback"] = ""
    else:
        result["feedback"] = question["feedback_correct" if score.correct else "feedback_wrong"]
    if score.correct is False and question.get("required"):
        result["seek_back"] = question.get("seek_back")
    return result
