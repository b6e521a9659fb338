// Runs on the CONTENT origin inside the LMS's sandboxed frame. Installs the SCORM APIs as
// scorm-again CrossFrameAPI objects that talk to the LMS page by postMessage (explicit origin,
// never "*"), then loads the SCO in a child frame: the SCO's API discovery walks up the parent
// chain and finds window.API / window.API_1484_11 here.
(function () {
  "use strict";
  var script = document.currentScript;
  var lmsOrigin = script.getAttribute("data-lms-origin");
  var scoUrl = script.getAttribute("data-sco-url");
  var api = new window.CrossFrameAPI(lmsOrigin, window.parent);
  window.API = api;
  window.API_1484_11 = api;

  function start() {
    document.getElementById("sco").src = scoUrl;
  }

  // CrossFrameAPI answers GetValue from a cache that Initialize only refreshes
  // asynchronously; SCOs read cmi.suspend_data right after Initialize, so warm the cache
  // with the LMS's data (scorm-again's own "getFlattenedCMI" message) before the SCO starts.
  function warm() {
    var done = false;
    var timer = setTimeout(function () { if (!done) { done = true; start(); } }, 3000);
    api._post("getFlattenedCMI", []).then(function (all) {
      if (all && typeof all === "object") {
        Object.keys(all).forEach(function (key) { api._cache.set(key, String(all[key])); });
      }
    }).catch(function () { /* the SCO still runs; values arrive after Initialize */ })
      .then(function () {
        if (!done) { done = true; clearTimeout(timer); start(); }
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", warm);
  } else {
    warm();
  }
})();
