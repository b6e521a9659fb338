// Runs on the CONTENT origin inside the LMS's sandboxed frame. Opens the Xerte lesson in a
// child frame (same origin, so its globals are readable) and tells the LMS page which page is
// showing. Xerte's player (common_html5/js/xenith.js) keeps the page index in the global
// `x_currentPage` and the pages in `x_pageInfo`, and changes page through `x_changePage`;
// the shim wraps it (see HOOKED) and also polls, since some page models navigate otherwise.
// Messages go to the LMS origin only, never "*".
(function () {
  "use strict";
  var script = document.currentScript;
  var lmsOrigin = script.getAttribute("data-lms-origin");
  var lessonUrl = script.getAttribute("data-lesson-url");
  var lastSent = null;

  function report() {
    var frame = document.getElementById("lesson");
    var lesson;
    try {
      lesson = frame.contentWindow;
      if (!lesson || typeof lesson.x_currentPage !== "number" || !lesson.x_pageInfo) { return; }
    } catch (e) {
      return; // the lesson navigated away from its origin: nothing to read
    }
    var page = lesson.x_currentPage;
    var pages = lesson.x_pageInfo.length;
    if (page < 0 || !pages) { return; }
    var key = page + "/" + pages;
    if (key === lastSent) { return; }
    lastSent = key;
    window.parent.postMessage({type: "xerte-page", page: page, pages: pages}, lmsOrigin);
  }

  // x_changePage loads the page's stylesheets first and sets x_currentPage later, in
  // x_changePageStep5 (xenith.js of Xerte 3): both are wrapped, so that a page the learner
  // leaves within the polling interval is still reported
  var HOOKED = ["x_changePage", "x_changePageStep5"];

  function hook() {
    var lesson;
    try { lesson = document.getElementById("lesson").contentWindow; } catch (e) { return; }
    if (!lesson) { return; }
    HOOKED.forEach(function (name) {
      var original = lesson[name];
      if (typeof original !== "function" || original.lmsHooked) { return; }
      var wrapped = function () {
        var result = original.apply(this, arguments);
        setTimeout(report, 0);
        return result;
      };
      wrapped.lmsHooked = true;
      lesson[name] = wrapped;
    });
  }

  function start() {
    var frame = document.getElementById("lesson");
    frame.addEventListener("load", function () { lastSent = null; hook(); report(); });
    frame.src = lessonUrl;
    setInterval(function () { hook(); report(); }, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
