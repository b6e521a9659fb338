"""Reading a Xerte lesson from its `template.xml`: title, language, pages, text and media.

Xerte writes the lesson as one XML document whose root is `<learningObject>`; each child is a
page (element name = page type, `name` = page title), or a `chapter` holding pages. Titles and
text are HTML that Xerte's editor often escapes once more than needed ("Credits &amp;amp;
Copyright"), so every value is decoded twice and reduced to plain text (tags and scripts gone).
Pure functions: no database; only the messages need Flask-Babel.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import nh3
from flask_babel import gettext as _

from plugins.scorm.safe_xml import XMLFileError, parse_xml

TEMPLATE = "template.xml"
ROOT = "learningObject"
#: elements that group pages instead of being one (Xerte 3.10+ "chapters")
CHAPTER_ELEMENTS = frozenset({"chapter"})
#: search needs the words of a lesson, not its every byte
MAX_TEXT = 100_000
#: attributes holding words a learner reads, even when the value is a single word
TEXT_ATTRIBUTES = frozenset({
    "name", "text", "title", "label", "prompt", "question", "answer", "feedback", "instructions",
    "instruction", "tip", "caption", "description", "hint", "intro", "definition", "term",
    "word", "words", "transcript", "correct", "wrong", "heading", "subtitle", "summary",
})
#: attributes that never hold text (identifiers, file references, layout)
NON_TEXT_ATTRIBUTES = frozenset({"linkID", "pageID", "url", "file", "img", "image", "sound",
                                 "audio", "video", "poster", "stylesheet", "styles", "script"})
_ROOT_SNIFF = re.compile(
    r"^\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>]*>)\s*)*"
    r"<(?P<tag>[A-Za-z_][\w.:-]*)", re.DOTALL)
_MEDIA_REFERENCE = re.compile(r"""FileLocation\s*\+\s*['"](?P<path>[^'"<>]+?)['"]""")
_NOT_WORDS = re.compile(r"^(?:-?[\d.,%]+|true|false|#[0-9a-fA-F]{3,8}|rgba?\(.*\))$")


class TemplateError(Exception):
    """`template.xml` cannot be read. `message` is plain Vietnamese for the teacher."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Page:
    type: str  #: the page model, e.g. "text", "mcq", "bleedingImage"
    title: str
    link_id: str = ""
    chapter: str = ""  #: title of the chapter holding the page, if any
    text: str = ""

    def to_json(self) -> dict:
        return {"type": self.type, "title": self.title, "link_id": self.link_id,
                "chapter": self.chapter}


@dataclass
class Lesson:
    title: str
    language: str
    pages: list[Page] = field(default_factory=list)
    media: list[str] = field(default_factory=list)  #: package paths referenced, in order
    attributes: dict[str, str] = field(default_factory=dict)  #: raw root attributes

    @property
    def text(self) -> str:
        """Title and page titles and words, capped for search."""
        parts = [self.title]
        for page in self.pages:
            parts.extend([page.title, page.text])
        return "\n".join(p for p in parts if p)[:MAX_TEXT]


def root_tag(data: bytes) -> str | None:
    """The root element's name from the start of the file, without parsing all of it (enough
    to recognise a Xerte export even when the rest of the XML is broken)."""
    head = data[:8192]
    for encoding in ("utf-8", "utf-16"):
        try:
            text = head.decode(encoding, errors="ignore")
        except LookupError:
            continue
        found = _ROOT_SNIFF.match(text)
        if found:
            return found.group("tag")
    return None


def plain_text(value: str | None) -> str:
    """Markup that may be escaped twice, as the words it shows: tags, scripts and styles gone,
    entities decoded, whitespace (no-break spaces included) collapsed."""
    if not value:
        return ""
    decoded = html.unescape(value)
    # nh3 keeps the words of stripped tags but drops <script>/<style> with their content
    stripped = html.unescape(nh3.clean(decoded, tags=set(), attributes={}))
    return " ".join(stripped.split())


def parse_template(data: bytes) -> Lesson:
    """Parse `template.xml`; TemplateError when it is not a readable Xerte lesson."""
    try:
        root = parse_xml(data, file=TEMPLATE)
    except XMLFileError as error:
        raise TemplateError(error.reason, error.line) from None
    if not isinstance(root.tag, str) or root.tag != ROOT:
        raise TemplateError(_("Thẻ gốc của template.xml là <%(tag)s>, không phải <learningObject> "
                              "của một bài Xerte.", tag=root.tag), root.sourceline)
    lesson = Lesson(title=plain_text(root.get("name")), language=(root.get("language") or "")[:35],
                    attributes=dict(root.attrib))
    for child in _elements(root):
        if child.tag in CHAPTER_ELEMENTS:
            chapter = plain_text(child.get("name"))
            lesson.pages.extend(_page(page, chapter) for page in _elements(child))
        else:
            lesson.pages.append(_page(child, ""))
    lesson.media = media_references(data)
    return lesson


def _elements(element):
    return [child for child in element if isinstance(child.tag, str)]


def _page(element, chapter: str) -> Page:
    return Page(type=element.tag, title=plain_text(element.get("name")),
                link_id=element.get("linkID") or "", chapter=chapter, text=_page_text(element))


def _page_text(page) -> str:
    """The words of a page: its attributes that hold text and its CDATA, children included."""
    words: list[str] = []
    size = 0
    for element in page.iter():
        if not isinstance(element.tag, str):
            continue
        values = [value for name, value in element.attrib.items()
                  if name not in NON_TEXT_ATTRIBUTES and _is_text(name, value)]
        if element.text and element.text.strip():
            values.append(element.text)
        for value in values:
            text = plain_text(value)
            if text and not (element is page and text == plain_text(page.get("name"))):
                words.append(text)
                size += len(text)
        if size >= MAX_TEXT:
            break
    return " ".join(words)


def _is_text(name: str, value: str) -> bool:
    value = value.strip()
    if not value or "FileLocation" in value or _NOT_WORDS.match(value):
        return False
    return name in TEXT_ATTRIBUTES or " " in value or "<" in value or "&" in value


def media_references(data: bytes) -> list[str]:
    """Package paths that `template.xml` loads as `FileLocation + '…'`, in order, once each.
    The reference may sit in an attribute or inside (escaped) HTML, hence the double decode."""
    text = html.unescape(html.unescape(data.decode("utf-8", errors="replace")))
    seen: dict[str, None] = {}
    for found in _MEDIA_REFERENCE.finditer(text):
        path = found.group("path").strip()
        if path and "://" not in path:
            seen.setdefault(path, None)
    return list(seen)
