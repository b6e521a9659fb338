// The LMS side of the SCORM player. Runs the real scorm-again API on the LMS origin, bridges it
// to the content frame with CrossFrameLMS (content origin only, never "*"), commits to the
// server on Commit/Finish, periodically, and by sendBeacon when the page is hidden or closed,
// and tells the learner when the connection or the login is lost.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scorm-config").textContent);
  var frame = document.getElementById("scorm-frame");
  var statusBox = document.getElementById("scorm-status");
  var prevButton = document.getElementById("scorm-prev");
  var nextButton = document.getElementById("scorm-next");
  var currentLabel = document.getElementById("scorm-current");
  var ApiClass = config.version === "1.2" ? window.Scorm12API : window.Scorm2004API;
  var items = config.items.filter(function (item) { return item.launchable; });
  var index = -1;
  var api = null;
  var bridge = null;
  var commitUrl = null;
  var lastSequence = 0;
  var problem = null;

  function show(kind) {
    problem = kind;
    if (!kind) {
      statusBox.hidden = true;
      return;
    }
    statusBox.textContent = config.messages[kind];
    statusBox.classList.toggle("ok", kind === "saved");
    statusBox.hidden = false;
  }

  function is12() { return config.version === "1.2"; }

  async function readResult(response) {
    if (response.status === 401) {
      show("expired");
      return { result: false, errorCode: 101 };
    }
    try {
      var body = await response.json();
      if (body.result === true || body.result === "true") {
        if (problem) { show(null); }
        return { result: true, errorCode: 0 };
      }
      show("failed");
      return { result: false, errorCode: body.errorCode || 101 };
    } catch (error) {
      show("failed");
      return { result: false, errorCode: 101 };
    }
  }

  function settingsFor(item, session) {
    commitUrl = item.commit + "?session=" + encodeURIComponent(session);
    lastSequence = 0;
    return {
      lmsCommitUrl: commitUrl,
      dataCommitFormat: "json",
      includeCommitSequence: true,
      autocommit: true,
      autocommitSeconds: config.autocommitSeconds,
      useAsynchronousCommits: true,
      asyncModeBeaconBehavior: "on-terminate",
      fetchMode: "same-origin",
      enableOfflineSupport: true,
      courseId: "scorm-" + config.attempt + "-" + item.id,
      syncOnInitialize: true,
      logLevel: 4,
      requestHandler: function (commitObject, metadata) {
        if (metadata && typeof metadata.sequence === "number") {
          lastSequence = Math.max(lastSequence, metadata.sequence);
        }
        return commitObject;
      },
      responseHandler: readResult,
    };
  }

  function initialized() {
    return api && api.isInitialized() && !api.isTerminated();
  }

  // The SCO is leaving without Finish (tab closed, phone locked, another SCO chosen): send its
  // data now. A beacon survives the page being torn down; fetch and XHR do not.
  function flushByBeacon() {
    if (!initialized() || !navigator.sendBeacon) { return; }
    var body = api.renderCommitCMI(true);
    var payload = Array.isArray(body) ? body : Object.assign({}, body);
    lastSequence += 1;
    payload.commitSequence = lastSequence;
    navigator.sendBeacon(commitUrl, new Blob([JSON.stringify(payload)], { type: "text/plain" }));
  }

  function finishCurrent() {
    if (!api) { return; }
    if (initialized()) {
      if (is12()) { api.LMSFinish(""); } else { api.Terminate(""); }
    }
    if (bridge) { bridge.destroy(); bridge = null; }
    api = null;
  }

  function markCurrent() {
    document.querySelectorAll(".scorm-toc-item").forEach(function (node) {
      var here = items[index] && String(items[index].id) === node.getAttribute("data-sco");
      node.setAttribute("aria-current", here ? "true" : "false");
    });
    if (currentLabel) {
      currentLabel.textContent = (index + 1) + " / " + items.length;
    }
    if (prevButton) { prevButton.disabled = index <= 0; }
    if (nextButton) { nextButton.disabled = index >= items.length - 1; }
  }

  async function launch(newIndex) {
    if (newIndex < 0 || newIndex >= items.length) { return; }
    finishCurrent();
    index = newIndex;
    markCurrent();
    var item = items[index];
    var response;
    try {
      response = await fetch(item.state, { credentials: "same-origin", cache: "no-store" });
    } catch (error) {
      show("offline");
      return;
    }
    if (response.status === 401) { show("expired"); return; }
    if (!response.ok) { show("failed"); return; }
    var launchData = await response.json();
    api = new ApiClass(settingsFor(item, launchData.session));
    api.loadFromJSON(launchData.state);
    if (is12()) { window.API = api; } else { window.API_1484_11 = api; }
    bridge = new window.CrossFrameLMS(api, config.contentOrigin);
    frame.src = item.shim;
  }

  document.querySelectorAll("button.scorm-toc-item").forEach(function (button) {
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-sco");
      var target = items.findIndex(function (item) { return String(item.id) === id; });
      launch(target);
    });
  });
  if (prevButton) { prevButton.addEventListener("click", function () { launch(index - 1); }); }
  if (nextButton) { nextButton.addEventListener("click", function () { launch(index + 1); }); }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flushByBeacon(); }
  });
  window.addEventListener("pagehide", flushByBeacon);
  window.addEventListener("offline", function () { show("offline"); });
  window.addEventListener("online", function () { if (problem === "offline") { show(null); } });

  async function keepalive() {
    try {
      var response = await fetch(config.keepaliveUrl, { credentials: "same-origin",
                                                        cache: "no-store" });
      if (response.status === 401) { show("expired"); }
      else if (problem === "expired" || problem === "offline") { show(null); }
    } catch (error) {
      show("offline");
    }
  }
  setInterval(keepalive, config.keepaliveSeconds * 1000);

  if (items.length) { launch(Math.min(config.start || 0, items.length - 1)); }
})();
