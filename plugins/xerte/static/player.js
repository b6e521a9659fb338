// The LMS side of a standalone Xerte lesson: shows the lesson (the shim on the content origin)
// in the sandboxed frame, accepts page reports from that origin and that frame only, and posts
// progress (page reached, seconds spent while the tab is visible) to the commit endpoint: on
// every page change, every minute, and with sendBeacon when the page is hidden or closed.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("xerte-config").textContent);
  var frame = document.getElementById("xerte-frame");
  var status = document.getElementById("xerte-status");
  // `visited` lists every page seen in this session: a page passed while the report before
  // was on its way still reaches the server with the next one
  var state = {session: config.session, page: null, visited: [], pages: config.pages,
    seconds: 0};
  var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
  var counted = 0;
  var sending = false;
  var resend = false;

  function seconds() {
    var now = visibleSince === null ? 0 : (Date.now() - visibleSince) / 1000;
    return Math.round((counted + now) * 10) / 10;
  }

  function show(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function body() {
    state.seconds = seconds();
    return JSON.stringify(state);
  }

  function send() {
    if (sending) { resend = true; return; }
    sending = true;
    resend = false;
    fetch(config.commit, {method: "POST", body: body(), credentials: "same-origin",
      headers: {"Content-Type": "application/json"}, redirect: "error", keepalive: true})
      .then(function (response) {
        if (response.status === 401) { show(config.messages.expired); return null; }
        if (!response.ok) { show(config.messages.failed); return null; }
        return response.json();
      })
      .then(function (answer) {
        if (answer && answer.completion === "completed") { show(config.messages.completed); }
        else if (answer && state.page !== null) {
          show(config.messages.page.replace("{page}", state.page + 1)
            .replace("{pages}", state.pages));
        }
      })
      .catch(function () { show(config.messages.failed); })
      .then(function () {
        sending = false;
        if (resend) { send(); }
      });
  }

  function beacon() {
    var data = new Blob([body()], {type: "text/plain"});
    if (!(navigator.sendBeacon && navigator.sendBeacon(config.commit, data))) { send(); }
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== config.contentOrigin || event.source !== frame.contentWindow) { return; }
    var data = event.data || {};
    if (data.type !== "xerte-page" || typeof data.page !== "number") { return; }
    state.page = data.page;
    if (state.visited.indexOf(data.page) < 0) { state.visited.push(data.page); }
    if (typeof data.pages === "number" && data.pages > 0) { state.pages = data.pages; }
    send();
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      visibleSince = Date.now();
    } else {
      if (visibleSince !== null) { counted += (Date.now() - visibleSince) / 1000; }
      visibleSince = null;
      beacon();
    }
  });
  window.addEventListener("pagehide", beacon);
  setInterval(send, config.heartbeatSeconds * 1000);
  frame.src = config.shim;
})();
