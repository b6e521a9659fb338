// The interactive-video player: shows questions at their time, sends answers to be scored on
// the server, reports watched ranges, and keeps unsent reports in localStorage (with sequence
// numbers the server de-duplicates) so a brief network drop loses nothing.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("video-config").textContent);
  var M = config.messages;
  var video = document.getElementById("video-element");
  var box = document.getElementById("video-question");
  var status = document.getElementById("video-status");
  var storeKey = "lms-video-queue-" + config.attempt;
  var seqKey = "lms-video-seq-" + config.attempt;
  var opened = Date.now();
  var watched = (config.watched || []).map(function (r) { return [r[0], r[1]]; });
  var segment = null;
  var lastTime = 0;
  var answered = config.answered || {};
  var dismissed = {};
  var current = null;
  var endQueue = [];
  var preventSkipping = !!config.settings.prevent_skipping;
  var questions = (config.questions || []).slice().sort(function (a, b) { return a.time - b.time; });

  function say(text) { status.textContent = text || ""; }
  function nextSeq() {
    var seq = Math.max(Number(localStorage.getItem(seqKey) || 0) + 1, config.nextSeq || 1);
    localStorage.setItem(seqKey, String(seq));
    return seq;
  }
  function queue() { try { return JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; } }
  function saveQueue(items) { localStorage.setItem(storeKey, JSON.stringify(items)); }

  // Watched ranges ---------------------------------------------------------------------------
  function merge(ranges) {
    var sorted = ranges.slice().sort(function (a, b) { return a[0] - b[0]; });
    var out = [];
    sorted.forEach(function (r) {
      if (out.length && r[0] <= out[out.length - 1][1] + 0.5) {
        out[out.length - 1][1] = Math.max(out[out.length - 1][1], r[1]);
      } else { out.push([r[0], r[1]]); }
    });
    return out;
  }
  function closeSegment() {
    if (segment && segment[1] > segment[0]) { watched = merge(watched.concat([segment])); }
    segment = null;
  }
  function contiguousEnd() {
    var ranges = merge(watched.concat(segment ? [segment] : []));
    return ranges.length && ranges[0][0] <= 2 ? ranges[0][1] : 0;
  }
  function firstBlocking() {
    for (var i = 0; i < questions.length; i++) {
      var q = questions[i];
      if (q.required && !q.at_end && q.type !== "info" && !(answered[q.id] && answered[q.id].correct !== false)) return q;
    }
    return null;
  }

  // Reports ----------------------------------------------------------------------------------
  function progressPayload() {
    return {session: config.session, position: video ? video.currentTime : 0,
      ranges: merge(watched.concat(segment ? [segment] : [])),
      seconds: (Date.now() - opened) / 1000, duration: video && isFinite(video.duration) ? video.duration : null};
  }
  function post(url, payload) {
    return fetch(url, {method: "POST", credentials: "same-origin", keepalive: true,
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(payload)});
  }
  function sendProgress() {
    return post(config.progressUrl, progressPayload()).then(function (response) {
      if (response.status === 401) { say(M.expired); return null; }
      return response.ok ? response.json() : null;
    }).then(function (body) { if (body) showState(body); }).catch(function () {});
  }
  function showState(body) {
    if (body.completion === "completed") {
      var score = body.score_scaled === null || body.score_scaled === undefined ? "" :
        " " + M.score.replace("{score}", Math.round(body.score_scaled * 100) + "%");
      say(M.completed + score);
    }
  }
  function flushQueue() {
    var items = queue();
    if (!items.length) return Promise.resolve();
    var item = items[0];
    return post(config.answerUrl, item).then(function (response) {
      if (response.status === 401) { say(M.expired); return; }
      if (response.status >= 500) { return; }
      saveQueue(queue().filter(function (other) { return other.seq !== item.seq; }));
      return response.json().then(function (body) {
        if (body.answer) { answered[item.question] = body.answer; }
        if (body.result) showState(body);
        return flushQueue();
      });
    }).catch(function () {});
  }

  // Questions --------------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  function show(q) {
    current = q;
    if (q.pause || q.required || q.type === "info" || q.at_end) { video.pause(); }
    box.textContent = "";
    box.setAttribute("data-question", q.id);
    if (q.title) box.appendChild(el("h2", {id: "video-question-title"}, q.title));
    var body = el("div", {class: "video-question-body"});
    body.innerHTML = q.type === "fillblank" ? q.body.replace(/⟦(\d+)⟧/g, function (_m, n) {
      return '<input class="video-gap" data-gap="' + n + '" autocomplete="off" aria-label="' + M.answerPlaceholder + " " + (Number(n) + 1) + '">';
    }) : q.body;  // sanitised on the server (nh3)
    box.appendChild(body);
    if (q.image_url) box.appendChild(el("img", {src: q.image_url, alt: q.title || "", class: "video-card-image"}));
    if (q.link) { var a = el("a", {href: q.link, target: "_blank", rel: "noopener noreferrer"}, q.link); box.appendChild(a); }
    var form = el("form", {class: "video-answer"});
    if (q.type === "single" || q.type === "multiple") {
      q.options.forEach(function (option) {
        var label = el("label", {class: "video-option"});
        var input = el("input", {type: q.type === "single" ? "radio" : "checkbox", name: "option", value: option.id});
        var text = el("span");
        text.innerHTML = option.text;
        label.appendChild(input); label.appendChild(text); form.appendChild(label);
      });
    } else if (q.type === "truefalse") {
      [["true", M["true"]], ["false", M["false"]]].forEach(function (pair) {
        var label = el("label", {class: "video-option"});
        label.appendChild(el("input", {type: "radio", name: "value", value: pair[0]}));
        label.appendChild(document.createTextNode(" " + pair[1]));
        form.appendChild(label);
      });
    } else if (q.type === "text") {
      form.appendChild(el("textarea", {name: "text", rows: "3", "aria-label": M.answerPlaceholder}));
    }
    var feedback = el("div", {class: "video-feedback", role: "status", "aria-live": "polite"});
    var actions = el("p", {class: "video-actions"});
    if (q.type !== "info") {
      var check = el("button", {type: "submit", class: "button primary"}, M.check);
      actions.appendChild(check);
    }
    var go = el("button", {type: "button", class: "button", "data-continue": ""}, M["continue"]);
    go.hidden = q.type !== "info" && q.required;
    go.addEventListener("click", function () { hide(true); });
    actions.appendChild(go);
    form.appendChild(actions);
    form.appendChild(feedback);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var response = collect(q, form, body);
      if (!response) { feedback.textContent = M.chooseOne; return; }
      submit(q, response, feedback, go);
    });
    box.appendChild(form);
    box.hidden = false;
    var focus = box.querySelector("input,textarea,button");
    if (focus) focus.focus();
  }
  function collect(q, form, body) {
    if (q.type === "single") { var c = form.querySelector("input[name=option]:checked"); return c ? {option: c.value} : null; }
    if (q.type === "multiple") {
      var all = Array.prototype.map.call(form.querySelectorAll("input[name=option]:checked"), function (i) { return i.value; });
      return all.length ? {options: all} : null;
    }
    if (q.type === "truefalse") { var v = form.querySelector("input[name=value]:checked"); return v ? {value: v.value === "true"} : null; }
    if (q.type === "fillblank") {
      return {blanks: Array.prototype.map.call(body.querySelectorAll(".video-gap"), function (i) { return i.value; })};
    }
    var t = form.querySelector("textarea").value.trim();
    return t ? {text: t} : null;
  }
  function submit(q, response, feedback, go) {
    closeSegment();
    var payload = progressPayload();
    payload.seq = nextSeq();
    payload.question = q.id;
    payload.response = response;
    saveQueue(queue().concat([payload]));
    post(config.answerUrl, payload).then(function (res) {
      if (res.status === 401) { say(M.expired); throw new Error("expired"); }
      return res.json().then(function (body) { return [res, body]; });
    }).then(function (pair) {
      var res = pair[0], body = pair[1];
      if (res.status < 500) saveQueue(queue().filter(function (o) { return o.seq !== payload.seq; }));
      if (!body.result) { feedback.textContent = body.message || ""; return; }
      var result = body.answer;
      answered[q.id] = result;
      var holder = document.createElement("div");
      holder.innerHTML = result.feedback || "";
      feedback.textContent = (result.correct === null ? M.pending : result.correct ? M.correct : M.wrong) +
        " " + holder.textContent;
      feedback.setAttribute("data-correct", String(result.correct));
      showState(body);
      if (result.correct === false && q.required) {
        if (result.seek_back !== null && result.seek_back !== undefined) {
          feedback.textContent += " " + M.back;
          setTimeout(function () {
            hide(false);
            video.currentTime = result.seek_back;
            lastTime = result.seek_back;
            video.play();
          }, 1200);
        }
        return;
      }
      go.hidden = false;
      go.focus();
    }).catch(function () {
      feedback.textContent = M.offline;  // kept in the queue, resent by flushQueue
      go.hidden = false;
    });
  }
  function hide(resume) {
    if (current) dismissed[current.id] = true;
    current = null;
    box.hidden = true;
    box.textContent = "";
    if (endQueue.length) { show(endQueue.shift()); return; }
    if (resume && !video.ended) video.play();
  }

  // The video --------------------------------------------------------------------------------
  if (video) {
    video.addEventListener("loadedmetadata", function () {
      if (config.position > 1 && config.position < video.duration - 1) {
        video.currentTime = config.position;
        lastTime = config.position;
      }
    });
    video.addEventListener("timeupdate", function () {
      var t = video.currentTime;
      if (current && !video.paused && (current.pause || current.required)) { video.pause(); }
      if (!video.seeking && !video.paused) {
        if (segment && t >= segment[1] && t - segment[1] < 1.5) { segment[1] = t; }
        else if (!segment || Math.abs(t - lastTime) >= 1.5) { closeSegment(); segment = [t, t]; }
      }
      lastTime = t;
      if (current) return;
      for (var i = 0; i < questions.length; i++) {
        var q = questions[i];
        if (q.at_end || dismissed[q.id]) continue;
        var done = answered[q.id] && answered[q.id].correct !== false;
        if (t >= q.time && t < q.time + 2 && !(done && q.type !== "info")) { show(q); break; }
        if (q.required && !done && t > q.time + 0.5) { video.currentTime = q.time; show(q); break; }
      }
    });
    video.addEventListener("seeking", function () {
      var target = video.currentTime;
      var limit = preventSkipping ? contiguousEnd() + 1 : Infinity;
      var blocking = firstBlocking();
      if (blocking && blocking.time < limit) limit = blocking.time + 0.2;
      if (target > limit) {
        video.currentTime = Math.max(0, limit - 0.2);
        say(blocking && blocking.time <= target ? M.mustAnswer : M.noSkip);
      }
      closeSegment();
      // a question seen before the jump is shown again when reached again
      questions.forEach(function (q) { if (q.time >= video.currentTime) dismissed[q.id] = false; });
    });
    video.addEventListener("pause", function () { closeSegment(); sendProgress(); });
    video.addEventListener("ended", function () {
      closeSegment();
      sendProgress();
      endQueue = questions.filter(function (q) { return q.at_end && !(answered[q.id] && answered[q.id].correct !== false); });
      if (endQueue.length) show(endQueue.shift());
    });
  }
  document.querySelectorAll("[data-seek]").forEach(function (button) {
    button.addEventListener("click", function () { video.currentTime = Number(button.getAttribute("data-seek")); });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && navigator.sendBeacon) {
      closeSegment();
      navigator.sendBeacon(config.progressUrl, JSON.stringify(progressPayload()));
    }
  });
  window.addEventListener("online", flushQueue);
  setInterval(function () { if (video && !video.paused) sendProgress(); flushQueue(); }, config.reportSeconds * 1000);
  flushQueue();
  window.lmsVideoPlayer = {sendProgress: sendProgress, flushQueue: flushQueue};
})();
