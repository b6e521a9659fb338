"""H5P Interactive Video (`.h5p`) → our lesson model. H5P's JavaScript is never run: only
`h5p.json` and `content/content.json` are read, and every HTML text is sanitised with nh3.

Mapping (H5P.InteractiveVideo's semantics): `interactiveVideo.video.files[]` (first video/mp4;
paths without a protocol are inside `content/`), `textTracks` (a plain list before IV 1.21,
`{videoTrack: [...]}` after), `assets.interactions[]` (not sorted by time), `assets.bookmarks[]`,
`summary.task`, `override.preventSkippingMode` (older files: `preventSkipping: true`).
"""
from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field

from flask_babel import gettext as _

from .lesson_model import DEFAULT_SETTINGS, clean_html, plain_text

H5P_JSON = "h5p.json"
CONTENT_JSON = "content/content.json"
MAIN_LIBRARY = "H5P.InteractiveVideo"
_IMAGE_MIMES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


class H5PError(ValueError):
    """The package is not an Interactive Video we can import; `message` is Vietnamese."""

    def __init__(self, message: str, file: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file


@dataclass
class Converted:
    title: str = ""
    language: str = ""
    #: package path of the video inside the zip, or None
    video_path: str | None = None
    external_url: str = ""
    questions: list[dict] = field(default_factory=list)
    chapters: list[dict] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    #: package paths of images the information cards show
    images: list[str] = field(default_factory=list)
    #: [(path in zip, label, lang)] caption files the package carries
    tracks: list[tuple[str, str, str]] = field(default_factory=list)
    #: "H5P.DragQuestion (45–52 giây)": what could not be converted
    unsupported: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def is_h5p(archive) -> bool:
    return archive.exists(H5P_JSON)


def _json(archive, name: str) -> dict:
    if not archive.exists(name):
        raise H5PError(_("Gói H5P thiếu tệp %(name)s.", name=name), name)
    try:
        data = json.loads(archive.read(name, max_bytes=20 * 2**20).decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        raise H5PError(_("Tệp %(name)s trong gói H5P bị hỏng (không phải JSON hợp lệ).",
                         name=name), name) from None
    if not isinstance(data, dict):
        raise H5PError(_("Tệp %(name)s trong gói H5P không hợp lệ.", name=name), name)
    return data


def main_library(archive) -> str:
    return str(_json(archive, H5P_JSON).get("mainLibrary") or "")


def convert(archive) -> Converted:
    """Read an `.h5p` archive; raise `H5PError` if it is not an Interactive Video."""
    meta = _json(archive, H5P_JSON)
    library = str(meta.get("mainLibrary") or "")
    if library != MAIN_LIBRARY:
        raise H5PError(_("Gói H5P này là “%(library)s”, không phải video tương tác "
                         "(H5P.InteractiveVideo), nên không nhập được ở đây. Chỉ nhận gói H5P "
                         "Interactive Video.", library=library or _("không rõ")), H5P_JSON)
    content = _json(archive, CONTENT_JSON)
    video_block = content.get("interactiveVideo")
    if not isinstance(video_block, dict):
        raise H5PError(_("content.json không có phần interactiveVideo."), CONTENT_JSON)
    result = Converted(title=plain_text(meta.get("title")) or "",
                       language=str(meta.get("language") or ""))
    video = video_block.get("video") or {}
    _video_source(archive, video, result)
    _text_tracks(archive, video.get("textTracks"), result)
    assets = video_block.get("assets") or {}
    interactions = assets.get("interactions") or []
    for index, interaction in enumerate(interactions if isinstance(interactions, list) else []):
        _interaction(archive, interaction, index, result)
    for bookmark in assets.get("bookmarks") or []:
        if isinstance(bookmark, dict) and _number(bookmark.get("time")) is not None:
            result.chapters.append({"time": round(_number(bookmark["time"]), 2),
                                    "title": plain_text(bookmark.get("label"))[:200]
                                    or _("Chương")})
    result.chapters.sort(key=lambda c: c["time"])
    summary = (video_block.get("summary") or {}).get("task")
    if isinstance(summary, dict) and summary.get("library"):
        _summary(summary, result)
    result.settings = dict(DEFAULT_SETTINGS, prevent_skipping=_prevent_skipping(
        content.get("override") or {}))
    result.questions.sort(key=lambda q: q["time"])  # H5P keeps them in creation order
    return result


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(value)
        except (TypeError, ValueError):
            return None
    return max(0.0, float(value))


def _prevent_skipping(override: dict) -> bool:
    mode = override.get("preventSkippingMode")
    if mode is not None:
        return mode in ("forward", "both")
    return override.get("preventSkipping") is True


def _is_url(path: str) -> bool:
    return "://" in path or path.startswith("//")


def _video_source(archive, video: dict, result: Converted) -> None:
    files = [f for f in video.get("files") or [] if isinstance(f, dict) and f.get("path")]
    if not files:
        raise H5PError(_("Video tương tác không có tệp video nào."), CONTENT_JSON)
    chosen = next((f for f in files if f.get("mime") == "video/mp4"), files[0])
    path = str(chosen["path"])
    if "youtube" in str(chosen.get("mime", "")).lower() or "youtu" in path:
        result.external_url = path
        result.warnings.append(_("Video nằm trên YouTube (%(url)s): cần có Internet khi học, "
                                 "và trình phát chỉ mở được liên kết.", url=path))
        return
    if _is_url(path):
        result.external_url = path if not path.startswith("//") else "https:" + path
        result.warnings.append(_("Video không nằm trong gói mà ở địa chỉ %(url)s: cần có "
                                 "Internet khi học, và bài hỏng nếu trang đó gỡ video. Nên tải "
                                 "video về rồi tải lên thay thế.", url=result.external_url))
        return
    inner = archive.resolve(posixpath.join("content", path.split("#", 1)[0]))
    if inner is None:
        raise H5PError(_("Gói H5P thiếu tệp video “%(path)s”.", path=path), CONTENT_JSON)
    result.video_path = inner


def _text_tracks(archive, tracks, result: Converted) -> None:
    if isinstance(tracks, dict):  # IV ≥ 1.21
        tracks = tracks.get("videoTrack")
    for track in tracks if isinstance(tracks, list) else []:
        if not isinstance(track, dict):
            continue
        file = (track.get("track") or {}).get("path") if isinstance(track.get("track"),
                                                                    dict) else None
        if not file:
            continue  # old packages list a track with no file: nothing to import
        inner = None if _is_url(file) else archive.resolve(posixpath.join("content", file))
        if inner is None:
            result.warnings.append(_("Không tìm thấy tệp phụ đề “%(path)s” trong gói.",
                                     path=file))
            continue
        result.tracks.append((inner, plain_text(track.get("label"))[:80] or _("Phụ đề"),
                              plain_text(track.get("srcLang"))[:10]))


def _library_name(value) -> str:
    return str(value or "").split(" ", 1)[0]


def _interaction(archive, interaction, index: int, result: Converted) -> None:
    if not isinstance(interaction, dict):
        return
    action = interaction.get("action") or {}
    library = _library_name(action.get("library"))
    params = action.get("params") or {}
    duration = interaction.get("duration") or {}
    time = _number(duration.get("from")) or 0.0
    adaptivity = interaction.get("adaptivity") or {}
    wrong = adaptivity.get("wrong") or {}
    right = adaptivity.get("correct") or {}
    base = {
        "id": _question_id(action, index), "time": round(time, 2),
        "title": plain_text(interaction.get("label"))[:200],
        "pause": interaction.get("pause") is True,
        "required": adaptivity.get("requireCompletion") is True,
        "seek_back": _number(wrong.get("seekTo")) if wrong.get("allowOptOut") is not True
        and wrong.get("seekTo") not in (None, "") else None,
        "points": 1.0, "body": "",
        "feedback_correct": clean_html(right.get("message")),
        "feedback_wrong": clean_html(wrong.get("message")),
    }
    if base["seek_back"] is not None:
        base["seek_back"] = round(min(base["seek_back"], time), 2)
        base["required"] = True  # IV jumps back on a wrong answer: it must be answered right
    converter = _CONVERTERS.get(library)
    questions = converter(archive, params, base, result) if converter else None
    if not questions:
        result.unsupported.append(_("%(library)s lúc %(from)s–%(to)s giây", library=library or
                                    _("không rõ"), **{"from": _fmt(time),
                                                      "to": _fmt(_number(duration.get("to")))}))
        return
    result.questions.extend(questions)


def _fmt(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def _question_id(action: dict, index: int) -> str:
    sub = "".join(ch for ch in str(action.get("subContentId") or "") if ch.isalnum())
    return (f"h{sub[:30]}" if sub else f"h{index + 1}")[:40]


def _multichoice(archive, params, base, result) -> list[dict] | None:
    answers = [a for a in params.get("answers") or [] if isinstance(a, dict)]
    if len(answers) < 2:
        return None
    options = [{"id": f"o{n + 1}", "text": clean_html(a.get("text")) or plain_text(a.get("text")),
                "correct": a.get("correct") is True} for n, a in enumerate(answers)]
    right = sum(o["correct"] for o in options)
    if right == 0:
        return None
    kind = "single" if right == 1 else "multiple"
    return [dict(base, type=kind, body=clean_html(params.get("question")), options=options)]


def _truefalse(archive, params, base, result) -> list[dict] | None:
    correct = str(params.get("correct")).lower()  # H5P stores the string "true"/"false"
    if correct not in ("true", "false"):
        return None
    return [dict(base, type="truefalse", body=clean_html(params.get("question")),
                 correct=correct == "true")]


def _blanks(archive, params, base, result) -> list[dict] | None:
    texts = [clean_html(q) for q in params.get("questions") or [] if isinstance(q, str)]
    if not texts:
        return None
    intro = clean_html(params.get("text"))
    behaviour = params.get("behaviour") or {}
    return [dict(base, type="fillblank", body="".join([intro, *texts]),
                 case_sensitive=behaviour.get("caseSensitive") is True,
                 points=float(sum(len(_gaps(t)) for t in texts)) or 1.0)]


def _gaps(text: str) -> list:
    from .lesson_model import gaps

    return gaps(text)


def _single_choice_set(archive, params, base, result) -> list[dict] | None:
    items = [c for c in params.get("choices") or [] if isinstance(c, dict)]
    questions = []
    for number, choice in enumerate(items):
        answers = [a for a in choice.get("answers") or [] if isinstance(a, str)]
        if len(answers) < 2:
            continue
        options = [{"id": f"o{n + 1}", "text": clean_html(text) or plain_text(text),
                    "correct": n == 0} for n, text in enumerate(answers)]  # the first is right
        questions.append(dict(base, id=f"{base['id'][:36]}s{number + 1}", type="single",
                              body=clean_html(choice.get("question")), options=options))
    return questions or None


def _info_text(archive, params, base, result) -> list[dict] | None:
    body = clean_html(params.get("text"))
    return [dict(base, type="info", body=body, required=False, seek_back=None,
                 points=0.0)] if body or base["title"] else None


def _info_image(archive, params, base, result) -> list[dict] | None:
    file = params.get("file") or {}
    path = file.get("path") if isinstance(file, dict) else None
    if not path or _is_url(path) or file.get("mime") not in _IMAGE_MIMES:
        return None
    inner = archive.resolve(posixpath.join("content", path))
    if inner is None:
        return None
    result.images.append(inner)
    return [dict(base, type="info", body=clean_html(params.get("alt")) or "",
                 title=base["title"] or plain_text(params.get("title")) or plain_text(
                     params.get("alt")), image=inner, required=False, seek_back=None,
                 points=0.0)]


def _info_link(archive, params, base, result) -> list[dict] | None:
    widget = params.get("linkWidget") or {}
    protocol, url = str(widget.get("protocol") or ""), str(widget.get("url") or "")
    if protocol == "other":
        protocol = ""
    link = url if "://" in url else protocol + url
    if not link.startswith(("http://", "https://")):
        return None
    return [dict(base, type="info", title=base["title"] or plain_text(params.get("title"))
                 or link, body=clean_html(params.get("title")), link=link, required=False,
                 seek_back=None, points=0.0)]


def _summary(task: dict, result: Converted) -> None:
    """IV's summary at the end: each statement group becomes a single-choice question whose
    first statement is the right one (as H5P.Summary stores it)."""
    params = task.get("params") or {}
    groups = [g for g in params.get("summaries") or [] if isinstance(g, dict)]
    at = max([q["time"] for q in result.questions] + [c["time"] for c in result.chapters]
             + [0.0])
    intro = clean_html(params.get("intro"))
    for number, group in enumerate(groups):
        statements = [s for s in group.get("summary") or [] if isinstance(s, str)]
        if len(statements) < 2:
            continue
        result.questions.append({
            "id": f"summary{number + 1}", "type": "single", "time": at, "title": _("Tóm tắt"),
            "body": intro, "pause": True, "required": False, "seek_back": None, "points": 1.0,
            "feedback_correct": "", "feedback_wrong": "",
            "options": [{"id": f"o{n + 1}", "text": clean_html(s) or plain_text(s),
                         "correct": n == 0} for n, s in enumerate(statements)],
            "at_end": True})
    if not groups:
        result.unsupported.append(_("H5P.Summary không có câu nào"))


_CONVERTERS = {
    "H5P.MultiChoice": _multichoice,
    "H5P.TrueFalse": _truefalse,
    "H5P.Blanks": _blanks,
    "H5P.SingleChoiceSet": _single_choice_set,
    "H5P.Text": _info_text,
    "H5P.AdvancedText": _info_text,
    "H5P.Table": _info_text,
    "H5P.Image": _info_image,
    "H5P.Link": _info_link,
}
