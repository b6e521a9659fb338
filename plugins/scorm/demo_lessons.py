"""Two SCORM lessons of the demo school (Toán 6, phân số), built here in code.

The shared fixtures are real exports whose licences do not allow shipping them, so the demo makes
its own: one SCORM 1.2 and one SCORM 2004 (4th edition) package, each a single SCO with two
lesson pages and a three-question quiz that reports completion, success, score and interactions
to the LMS through the version's own API. They go through the real importer and the library's
real approval steps, so the approval timeline and the department's 30-lesson count are real.
"""
from __future__ import annotations

import html
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from lms.extensions import db
from lms.models import Department, GradeLevel, Material, Subject
from lms.plugins import registry

DEPARTMENT = "TOAN"
SUBJECT = "TOAN"
GRADE = 6
AUTHOR, HEAD, PRINCIPAL = "gv.toan", "tt.toan", "hieutruong"


@dataclass(frozen=True)
class Question:
    prompt: str
    options: tuple[str, ...]
    correct: int  #: index into `options`
    explanation: str


@dataclass(frozen=True)
class DemoLesson:
    identifier: str
    scorm_version: str  #: "1.2" or "2004"
    title: str
    textbook_lesson: str  #: Bài, as the catalog names it
    description: str
    keywords: tuple[str, ...]
    #: (heading, HTML body); ``{a/b}`` in any text becomes a stacked fraction
    pages: tuple[tuple[str, str], ...]
    questions: tuple[Question, ...]

    @property
    def filename(self) -> str:
        return f"{self.identifier}.zip"


LESSONS = (
    DemoLesson(
        identifier="toan6-phan-so-bang-nhau", scorm_version="1.2",
        title="Toán 6 – Phân số và phân số bằng nhau",
        textbook_lesson="Bài 23. Mở rộng phân số. Phân số bằng nhau",
        description="Khái niệm phân số với tử và mẫu là số nguyên, hai phân số bằng nhau và "
                    "cách rút gọn phân số. Có bài luyện tập 3 câu.",
        keywords=("phân số", "phân số bằng nhau", "rút gọn phân số", "Toán 6"),
        pages=(
            ("Phân số là gì?",
             ("<p>Với hai số nguyên <b>a</b>, <b>b</b> và <b>b ≠ 0</b>, ta gọi {a/b} là một "
             "<b>phân số</b>: <b>a</b> là <em>tử số</em>, <b>b</b> là <em>mẫu số</em>.</p>"
             "<p>Chia một thanh sô-cô-la thành 4 phần bằng nhau và lấy 3 phần, ta được {3/4} "
             "thanh:</p>[bar 3/4]"
             "<p class='note'>Ví dụ: {−3/5}, {2/−7}, {0/4} đều là phân số. Mọi số nguyên "
             "<b>a</b> viết được thành phân số {a/1}.</p>")),
            ("Phân số bằng nhau và rút gọn",
             ("<p>Hai phân số {a/b} và {c/d} <b>bằng nhau</b> nếu <b>a · d = b · c</b>.</p>"
             "<p>Ví dụ: {2/3} = {4/6} vì 2 · 6 = 3 · 4 = 12.</p>[bar 2/3][bar 4/6]"
             "<p>Nhân hoặc chia cả tử và mẫu của một phân số với cùng một số nguyên khác 0 "
             "(chia cho một ước chung) thì được một phân số bằng nó.</p>"
             "<p class='note'><b>Rút gọn</b> {12/18}: ƯCLN(12, 18) = 6, nên "
             "{12/18} = {2/3}. Phân số {2/3} là <b>phân số tối giản</b> vì tử và mẫu chỉ "
             "có ước chung là 1 và −1.</p>")),
        ),
        questions=(
            Question("Trong phân số {−3/5}, tử số là:", ("−3", "5", "3", "−5"), 0,
                     "Tử số là số viết trên gạch ngang: −3."),
            Question("Phân số nào bằng phân số {2/3}?", ("{3/2}", "{4/6}", "{4/9}", "{2/6}"), 1,
                     "2 · 6 = 3 · 4 = 12 nên {2/3} = {4/6}."),
            Question("Rút gọn phân số {12/18} đến tối giản, ta được:",
                     ("{6/9}", "{4/6}", "{2/3}", "{3/2}"), 2,
                     "Chia cả tử và mẫu cho ƯCLN(12, 18) = 6: {12/18} = {2/3}."),
        ),
    ),
    DemoLesson(
        identifier="toan6-so-sanh-phan-so", scorm_version="2004",
        title="Toán 6 – So sánh phân số",
        textbook_lesson="Bài 24. So sánh phân số. Hỗn số dương",
        description="So sánh hai phân số cùng mẫu và khác mẫu bằng cách quy đồng mẫu số. "
                    "Có bài luyện tập 3 câu.",
        keywords=("so sánh phân số", "quy đồng mẫu số", "phân số", "Toán 6"),
        pages=(
            ("So sánh hai phân số cùng mẫu",
             ("<p>Trong hai phân số có <b>cùng một mẫu dương</b>, phân số nào có <b>tử lớn "
             "hơn</b> thì lớn hơn.</p>"
             "<p>Ví dụ: {5/7} &gt; {3/7} vì 5 &gt; 3.</p>[bar 5/7][bar 3/7]"
             "<p class='note'>Phân số có tử và mẫu cùng dấu thì lớn hơn 0 (phân số dương); "
             "trái dấu thì nhỏ hơn 0 (phân số âm).</p>")),
            ("So sánh hai phân số khác mẫu",
             ("<p>Viết hai phân số về <b>cùng một mẫu dương</b> (quy đồng mẫu số) rồi so sánh "
             "các tử.</p>"
             "<p>Ví dụ: so sánh {2/3} và {3/4}. Mẫu chung là 12: {2/3} = {8/12} và "
             "{3/4} = {9/12}. Vì 8 &lt; 9 nên {2/3} &lt; {3/4}.</p>[bar 2/3][bar 3/4]")),
        ),
        questions=(
            Question("Chọn khẳng định đúng:", ("{5/7} < {3/7}", "{5/7} > {3/7}",
                                                "{5/7} = {3/7}"), 1,
                     "Cùng mẫu dương 7, tử 5 > 3 nên {5/7} > {3/7}."),
            Question("Quy đồng mẫu hai phân số {2/3} và {3/4} với mẫu chung 12, ta được:",
                     ("{8/12} và {9/12}", "{6/12} và {9/12}", "{8/12} và {6/12}",
                      "{2/12} và {3/12}"), 0,
                     "{2/3} = {2·4/3·4} = {8/12} và {3/4} = {3·3/4·3} = {9/12}."),
            Question("Phân số nào lớn nhất?", ("{1/2}", "{2/3}", "{3/4}", "{5/8}"), 2,
                     "Quy đồng với mẫu 24: {12/24}, {16/24}, {18/24}, {15/24}; lớn nhất là "
                     "{18/24} = {3/4}."),
        ),
    ),
)


# Markup ----------------------------------------------------------------------------------------
_FRACTION = re.compile(r"\{([^{}/]+)/([^{}/]+)\}")
_BAR = re.compile(r"\[bar (\d+)/(\d+)\]")


def _fractions(text: str) -> str:
    """``{a/b}`` → a stacked fraction (a screen reader reads "a phần b")."""
    return _FRACTION.sub(
        lambda m: (f'<span class="frac" role="math" aria-label="{m[1]} phần {m[2]}">'
                   f"<span>{m[1]}</span><span>{m[2]}</span></span>"), text)


def fraction_bar(numerator: int, denominator: int) -> str:
    """An SVG bar cut into `denominator` equal parts with `numerator` of them coloured."""
    width, height, part = 320, 44, 320 / denominator
    cells = "".join(
        f'<rect x="{i * part:.2f}" y="0" width="{part:.2f}" height="{height}" '
        f'fill="{"#f59e0b" if i < numerator else "#fff7e6"}" stroke="#92400e" stroke-width="2"/>'
        for i in range(denominator))
    return (f'<figure class="bar"><svg viewBox="-2 -2 {width + 4} {height + 4}" role="img" '
            f'aria-label="{numerator} phần {denominator}">{cells}</svg>'
            f"<figcaption>{_fractions(f'{{{numerator}/{denominator}}}')}</figcaption></figure>")


def _rich(text: str) -> str:
    return _fractions(_BAR.sub(lambda m: fraction_bar(int(m[1]), int(m[2])), text))


def _plain(text: str) -> str:
    """Text of a question for the LMS report (interaction description): ``{a/b}`` → a/b."""
    return _FRACTION.sub(lambda m: f"{m[1]}/{m[2]}", text)


OPTION_IDS = "abcdefgh"

STYLE_CSS = """\
:root { --ink: #1f2937; --accent: #b45309; --soft: #fff7e6; --ok: #047857; --bad: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.55 system-ui, "Segoe UI", Roboto, Arial, sans-serif;
       color: var(--ink); background: #fafaf9; }
header { background: var(--accent); color: #fff; padding: .8rem 1rem; }
header h1 { margin: 0; font-size: 1.2rem; }
header p { margin: .2rem 0 0; font-size: .9rem; opacity: .9; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
section[hidden] { display: none; }
h2 { color: var(--accent); font-size: 1.15rem; }
.note { background: var(--soft); border-left: 4px solid var(--accent); padding: .6rem .8rem; }
.frac { display: inline-flex; flex-direction: column; vertical-align: middle; text-align: center;
        font-size: .9em; line-height: 1.15; margin: 0 .1em; }
.frac > span:first-child { border-bottom: 1.5px solid currentColor; padding: 0 .2em; }
figure.bar { margin: .6rem 0; }
figure.bar svg { width: 100%; max-width: 20rem; height: auto; display: block; }
figure.bar figcaption { font-size: .9rem; }
fieldset { border: 1px solid #d6d3d1; border-radius: .5rem; margin: 0 0 1rem; padding: .6rem .8rem; }
legend { font-weight: 600; padding: 0 .3rem; }
label.option { display: flex; gap: .5rem; align-items: center; padding: .35rem 0; min-height: 2.6rem; }
.feedback { margin: .3rem 0 0; font-weight: 600; }
.feedback.ok { color: var(--ok); } .feedback.bad { color: var(--bad); }
nav.pager { display: flex; justify-content: space-between; align-items: center; gap: .5rem;
            margin-top: 1.2rem; white-space: nowrap; }
button { font: inherit; padding: .55rem 1rem; border-radius: .4rem; border: 1px solid var(--accent);
         background: var(--accent); color: #fff; cursor: pointer; min-height: 2.6rem; }
button.secondary { background: #fff; color: var(--accent); }
button[disabled] { opacity: .4; cursor: default; }
#result { font-size: 1.1rem; font-weight: 600; }
#offline { background: #fef3c7; padding: .5rem 1rem; margin: 0; font-size: .9rem; }
"""

#: Finds the LMS's API the way SCORM content does (up the frames, then the opener) and hides
#: the differences between SCORM 1.2 and 2004 behind one small object.
SCORM_API_JS = """\
(function () {
  "use strict";
  var VERSION = document.documentElement.getAttribute("data-scorm");
  var NAMES = VERSION === "1.2"
    ? {api: "API", init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue",
       commit: "LMSCommit", finish: "LMSFinish"}
    : {api: "API_1484_11", init: "Initialize", get: "GetValue", set: "SetValue",
       commit: "Commit", finish: "Terminate"};

  function search(win) {
    for (var hops = 0; win && hops < 10; hops++) {
      try { if (win[NAMES.api]) { return win[NAMES.api]; } } catch (e) { return null; }
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }
  function findApi() {
    var api = search(window);
    if (!api && window.top && window.top.opener) { api = search(window.top.opener); }
    if (!api && window.opener) { api = search(window.opener); }
    return api;
  }

  var api = null, started = false, finished = false, startedAt = Date.now();
  function call(name, a, b) {
    if (!api) { return ""; }
    try { return String(api[NAMES[name]](a === undefined ? "" : a, b)); } catch (e) { return ""; }
  }
  function pad(n, width) { n = String(n); while (n.length < width) { n = "0" + n; } return n; }
  function sessionTime() {
    var seconds = Math.round((Date.now() - startedAt) / 1000);
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    return VERSION === "1.2" ? pad(h, 4) + ":" + pad(m, 2) + ":" + pad(s, 2)
                             : "PT" + h + "H" + m + "M" + s + "S";
  }
  var K = VERSION === "1.2"
    ? {location: "cmi.core.lesson_location", exit: "cmi.core.exit",
       time: "cmi.core.session_time", raw: "cmi.core.score.raw", min: "cmi.core.score.min",
       max: "cmi.core.score.max", response: "student_response", wrong: "wrong"}
    : {location: "cmi.location", exit: "cmi.exit", time: "cmi.session_time",
       raw: "cmi.score.raw", min: "cmi.score.min", max: "cmi.score.max",
       response: "learner_response", wrong: "incorrect"};

  window.DemoScorm = {
    version: VERSION,
    start: function () {
      api = findApi();
      if (!api) { return false; }
      started = call("init") === "true";
      if (VERSION === "1.2") {
        if (call("get", "cmi.core.lesson_status") === "not attempted") {
          call("set", "cmi.core.lesson_status", "incomplete");
        }
      } else if (call("get", "cmi.completion_status") !== "completed") {
        call("set", "cmi.completion_status", "incomplete");
      }
      // no commit here: the first page's bookmark commits right after, and one request at a
      // time keeps the LMS from handling two commits of the same attempt at once
      return started;
    },
    connected: function () { return started; },
    bookmark: function () { return call("get", K.location); },
    setBookmark: function (value) { call("set", K.location, value); call("commit"); },
    report: function (answers, correct, total) {
      var base = Number(call("get", "cmi.interactions._count")) || 0;
      answers.forEach(function (answer, index) {
        var key = "cmi.interactions." + (base + index) + ".";
        call("set", key + "id", answer.id);
        call("set", key + "type", "choice");
        if (VERSION !== "1.2") { call("set", key + "description", answer.description); }
        call("set", key + "correct_responses.0.pattern", answer.expected);
        call("set", key + K.response, answer.given);
        call("set", key + "result", answer.correct ? "correct" : K.wrong);
      });
      var raw = Math.round(100 * correct / total), passed = correct * 3 >= total * 2;
      call("set", K.min, "0");
      call("set", K.max, "100");
      call("set", K.raw, String(raw));
      if (VERSION === "1.2") {
        call("set", "cmi.core.lesson_status", passed ? "passed" : "failed");
      } else {
        call("set", "cmi.score.scaled", (correct / total).toFixed(2));
        call("set", "cmi.completion_status", "completed");
        call("set", "cmi.success_status", passed ? "passed" : "failed");
      }
      call("commit");
      return {raw: raw, passed: passed};
    },
    finish: function (completed) {
      if (!started || finished) { return; }
      finished = true;
      call("set", K.exit, completed ? (VERSION === "1.2" ? "" : "normal") : "suspend");
      call("set", K.time, sessionTime());
      call("commit");
      call("finish");
    }
  };
})();
"""

LESSON_JS = """\
(function () {
  "use strict";
  var sections = Array.prototype.slice.call(document.querySelectorAll("main > section"));
  var previous = document.getElementById("previous"), next = document.getElementById("next");
  var counter = document.getElementById("counter"), quiz = document.getElementById("quiz");
  var current = 0, completed = false;

  function show(index) {
    current = Math.max(0, Math.min(sections.length - 1, index));
    sections.forEach(function (section, i) { section.hidden = i !== current; });
    previous.disabled = current === 0;
    next.disabled = current === sections.length - 1;
    counter.textContent = "Trang " + (current + 1) + "/" + sections.length;
    window.scrollTo(0, 0);
    DemoScorm.setBookmark(String(current));
  }
  previous.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });

  quiz.addEventListener("submit", function (event) {
    event.preventDefault();
    var fieldsets = quiz.querySelectorAll("fieldset"), answers = [], right = 0;
    for (var i = 0; i < fieldsets.length; i++) {
      var chosen = fieldsets[i].querySelector("input:checked");
      if (!chosen) {
        document.getElementById("result").textContent =
          "Em hãy trả lời đủ " + fieldsets.length + " câu rồi bấm Nộp bài.";
        return;
      }
      var expected = fieldsets[i].getAttribute("data-answer");
      var ok = chosen.value === expected;
      right += ok ? 1 : 0;
      answers.push({id: fieldsets[i].id, description: fieldsets[i].getAttribute("data-text"),
                    expected: expected, given: chosen.value, correct: ok});
      var feedback = fieldsets[i].querySelector(".feedback");
      feedback.hidden = false;
      feedback.className = "feedback " + (ok ? "ok" : "bad");
      feedback.firstChild.textContent = ok ? "Đúng rồi! " : "Chưa đúng. ";
    }
    var outcome = DemoScorm.report(answers, right, fieldsets.length);
    completed = true;
    document.getElementById("result").textContent =
      "Em trả lời đúng " + right + "/" + fieldsets.length + " câu (" + outcome.raw + " điểm). " +
      (outcome.passed ? "Chúc mừng em đã đạt!" : "Em hãy xem lại bài và làm lại nhé.");
    document.getElementById("result").scrollIntoView({block: "center"});
  });

  if (!DemoScorm.start()) { document.getElementById("offline").hidden = false; }
  var saved = parseInt(DemoScorm.bookmark(), 10);
  show(isNaN(saved) ? 0 : saved);
  window.addEventListener("pagehide", function () { DemoScorm.finish(completed); });
  window.addEventListener("beforeunload", function () { DemoScorm.finish(completed); });
})();
"""


def index_html(lesson: DemoLesson) -> str:
    """The SCO: the lesson pages, then the quiz, one section shown at a time."""
    pages = "".join(
        f'<section aria-labelledby="page-{n}"><h2 id="page-{n}">{n}. {html.escape(heading)}</h2>'
        f"{_rich(body)}</section>"
        for n, (heading, body) in enumerate(lesson.pages, start=1))
    questions = []
    for n, question in enumerate(lesson.questions, start=1):
        options = "".join(
            f'<label class="option"><input type="radio" name="q{n}" value="{OPTION_IDS[i]}"> '
            f"{_fractions(html.escape(text, quote=False))}</label>"
            for i, text in enumerate(question.options))
        prompt = _fractions(html.escape(question.prompt, quote=False))
        explanation = _fractions(html.escape(question.explanation, quote=False))
        questions.append(
            f'<fieldset id="cau-{n}" data-answer="{OPTION_IDS[question.correct]}" '
            f'data-text="{html.escape(_plain(question.prompt))}">'
            f"<legend>Câu {n}. {prompt}</legend>{options}"
            f'<p class="feedback" hidden><span></span>{explanation}</p></fieldset>')
    quiz_number = len(lesson.pages) + 1
    return f"""<!DOCTYPE html>
<html lang="vi" data-scorm="{lesson.scorm_version}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(lesson.title)}</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<header><h1>{html.escape(lesson.title)}</h1><p>{html.escape(lesson.textbook_lesson)}</p></header>
<p id="offline" hidden>Bài đang mở ngoài hệ thống học tập nên kết quả sẽ không được lưu.</p>
<main>
{pages}
<section aria-labelledby="page-quiz"><h2 id="page-quiz">{quiz_number}. Luyện tập</h2>
<form id="quiz" novalidate>{"".join(questions)}
<button type="submit">Nộp bài</button>
<p id="result" role="status" aria-live="polite"></p>
</form></section>
<nav class="pager"><button type="button" class="secondary" id="previous">← Trước</button>
<span id="counter"></span><button type="button" id="next">Tiếp →</button></nav>
</main>
<script src="scorm-api.js"></script>
<script src="lesson.js"></script>
</body>
</html>
"""


# The manifests ---------------------------------------------------------------------------------
PACKAGE_FILES = ("index.html", "style.css", "scorm-api.js", "lesson.js")


def _file_list() -> str:
    return "".join(f'\n      <file href="{name}"/>' for name in PACKAGE_FILES)


def _lom(lesson: DemoLesson, prefix: str, string_tag: str, lang_attr: str) -> str:
    def string(text: str) -> str:
        return (f'<{prefix}:{string_tag} {lang_attr}="vi">{html.escape(text)}'
                f"</{prefix}:{string_tag}>")

    keywords = "".join(f"<{prefix}:keyword>{string(k)}</{prefix}:keyword>"
                       for k in lesson.keywords)
    return (f"<{prefix}:lom><{prefix}:general>"
            f"<{prefix}:title>{string(lesson.title)}</{prefix}:title>"
            f"<{prefix}:language>vi</{prefix}:language>"
            f"<{prefix}:description>{string(lesson.description)}</{prefix}:description>"
            f"{keywords}</{prefix}:general></{prefix}:lom>")


def manifest_12(lesson: DemoLesson) -> str:
    title = html.escape(lesson.title)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{lesson.identifier}" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
    {_lom(lesson, "imsmd", "langstring", "xml:lang")}
  </metadata>
  <organizations default="org-{lesson.identifier}">
    <organization identifier="org-{lesson.identifier}">
      <title>{title}</title>
      <item identifier="item-{lesson.identifier}" identifierref="res-{lesson.identifier}">
        <title>{title}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-{lesson.identifier}" type="webcontent" adlcp:scormtype="sco"
      href="index.html">{_file_list()}
    </resource>
  </resources>
</manifest>
"""


def manifest_2004(lesson: DemoLesson) -> str:
    title = html.escape(lesson.title)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{lesson.identifier}" version="1.0"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:lom="http://ltsc.ieee.org/xsd/LOM">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
    {_lom(lesson, "lom", "string", "language")}
  </metadata>
  <organizations default="org-{lesson.identifier}">
    <organization identifier="org-{lesson.identifier}">
      <title>{title}</title>
      <item identifier="item-{lesson.identifier}" identifierref="res-{lesson.identifier}">
        <title>{title}</title>
        <imsss:sequencing>
          <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
        </imsss:sequencing>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-{lesson.identifier}" type="webcontent" adlcp:scormType="sco"
      href="index.html">{_file_list()}
    </resource>
  </resources>
</manifest>
"""


def build_package(lesson: DemoLesson) -> bytes:
    """The lesson's SCORM zip, built in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest_of(lesson))
        archive.writestr("index.html", index_html(lesson))
        archive.writestr("style.css", STYLE_CSS)
        archive.writestr("scorm-api.js", SCORM_API_JS)
        archive.writestr("lesson.js", LESSON_JS)
    return buffer.getvalue()


# Seeding ---------------------------------------------------------------------------------------
def seed_demo_lessons(demo) -> list[Material]:
    """Import and approve the lessons TOAN does not have yet; return those added."""
    from lms.packages.importer import import_package_file

    if "library" not in registry().plugins:
        demo.notes.append("Bỏ qua bài giảng SCORM mẫu: chưa bật plugin library, nơi học liệu "
                          "được duyệt.")
        return []
    department = db.session.scalar(select(Department).where(Department.code == DEPARTMENT))
    author = demo.accounts.get(AUTHOR)
    if department is None or author is None:
        demo.notes.append("Bỏ qua bài giảng SCORM mẫu: chưa có tổ Toán – Tin hoặc tài khoản "
                          f"{AUTHOR}.")
        return []
    added = []
    with tempfile.TemporaryDirectory(prefix="lms-demo-scorm-") as folder:
        for lesson in LESSONS:
            if _exists(lesson.title, department.id):
                continue
            path = Path(folder) / lesson.filename
            path.write_bytes(build_package(lesson))
            material = import_package_file(path, filename=lesson.filename,
                                           department=department, author=author)
            describe(material, lesson.textbook_lesson)
            approve(material, demo)
            added.append(material)
            demo.notes.append(f"Bài giảng mẫu: “{material.title}” (SCORM {lesson.scorm_version}, "
                              "đã phê duyệt).")
    return added


def _exists(title: str, department_id: int) -> bool:
    return db.session.scalar(select(Material.id).where(
        Material.title == title, Material.department_id == department_id).limit(1)) is not None


def describe(material: Material, textbook_lesson: str) -> None:
    """The catalog's columns: Môn Toán, khối 6, Bài."""
    material.subject_id = db.session.scalar(select(Subject.id).where(Subject.code == SUBJECT))
    material.grade_level_id = db.session.scalar(
        select(GradeLevel.id).where(GradeLevel.number == GRADE))
    material.lesson = textbook_lesson
    db.session.commit()


#: The library's real steps, so the timeline shows who submitted, passed and approved it.
APPROVAL_STEPS = (
    ("submit", AUTHOR, ""),
    ("pass", HEAD, "Bài giảng đúng chương trình, trình bày rõ ràng; tổ thông qua."),
    ("approve", PRINCIPAL, "Đồng ý đưa vào kho học liệu số của trường."),
)


def approve(material: Material, demo) -> None:
    from plugins.library.approval import perform

    for action, username, comment in APPROVAL_STEPS:
        perform(material, action, demo.accounts[username], comment)


def manifest_of(lesson: DemoLesson) -> str:
    """The manifest text (for tests and for reading the package without unzipping it)."""
    return manifest_12(lesson) if lesson.scorm_version == "1.2" else manifest_2004(lesson)

