// The interactive-video editor: builds the question list from the document, sends it whole as
// JSON; the server validates every field and answers with per-field Vietnamese messages.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var L = config.labels;
  var doc = config.document;
  var form = document.getElementById("video-editor-form");
  var list = document.getElementById("editor-questions");
  var chapterList = document.getElementById("editor-chapters");
  var video = document.getElementById("editor-video");
  var status = document.getElementById("editor-status");
  var counter = Date.now() % 100000;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "value") node.value = attrs[key] === null || attrs[key] === undefined ? "" : attrs[key];
      else if (key in node && typeof attrs[key] !== "string") node[key] = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function field(label, input, path) {
    return el("label", {class: "editor-field"}, [document.createTextNode(label + " "), input,
      el("span", {class: "field-error", "data-error-for": path})]);
  }
  function num(value) { return value === "" || value === null ? null : Number(String(value).replace(",", ".")); }
  function newId(prefix) { counter += 1; return prefix + counter.toString(36); }

  function renderSettings() {
    form.prevent_skipping.checked = !!doc.settings.prevent_skipping;
    form.pass_percentage.value = doc.settings.pass_percentage;
    form.complete_percentage.value = doc.settings.complete_percentage;
  }

  function questionCard(q, index) {
    var path = "questions[" + index + "]";
    var card = el("div", {class: "editor-question", "data-index": String(index), "data-type": q.type});
    var time = el("input", {name: "time", inputmode: "decimal", size: "6", value: q.time});
    var now = el("button", {type: "button", class: "link-button", text: L.now});
    now.addEventListener("click", function () { if (video) { time.value = video.currentTime.toFixed(1); } });
    card.appendChild(el("h3", {text: (index + 1) + ". " + config.types[q.type]}));
    card.appendChild(field(L.time, time, path + ".time"));
    card.appendChild(now);
    card.appendChild(field(L.title, el("input", {name: "title", value: q.title || ""}), path + ".title"));
    card.appendChild(field(L.body, el("textarea", {name: "body", rows: "3", value: q.body || ""}), path + ".body"));
    if (q.type === "fillblank") card.appendChild(el("p", {class: "muted", text: L.fillHelp}));
    card.appendChild(field(L.pause, el("input", {type: "checkbox", name: "pause", checked: q.pause !== false}), path + ".pause"));
    card.appendChild(field(L.atEnd, el("input", {type: "checkbox", name: "at_end", checked: !!q.at_end}), path + ".at_end"));
    if (q.type === "info") {
      card.appendChild(field(L.link, el("input", {name: "link", value: q.link || ""}), path + ".link"));
      if (q.image) card.appendChild(el("input", {type: "hidden", name: "image", value: q.image}));
    } else {
      card.appendChild(field(L.points, el("input", {name: "points", inputmode: "decimal", size: "4", value: q.points === undefined ? 1 : q.points}), path + ".points"));
      card.appendChild(field(L.required, el("input", {type: "checkbox", name: "required", checked: !!q.required}), path + ".required"));
      card.appendChild(field(L.seekBack, el("input", {name: "seek_back", inputmode: "decimal", size: "6", value: q.seek_back === null || q.seek_back === undefined ? "" : q.seek_back}), path + ".seek_back"));
      card.appendChild(field(L.feedbackCorrect, el("input", {name: "feedback_correct", value: q.feedback_correct || ""}), path + ".feedback_correct"));
      card.appendChild(field(L.feedbackWrong, el("input", {name: "feedback_wrong", value: q.feedback_wrong || ""}), path + ".feedback_wrong"));
    }
    if (q.type === "single" || q.type === "multiple") {
      var options = el("div", {class: "editor-options"});
      (q.options || []).forEach(function (option, n) { options.appendChild(optionRow(q.type, index, option, n)); });
      var add = el("button", {type: "button", class: "link-button", text: L.addOption});
      add.addEventListener("click", function () {
        options.appendChild(optionRow(q.type, index, {id: newId("o"), text: "", correct: false}, options.children.length));
      });
      card.appendChild(options);
      card.appendChild(add);
      card.appendChild(el("span", {class: "field-error", "data-error-for": path + ".options"}));
    }
    if (q.type === "truefalse") {
      card.appendChild(field(L.answerTrue, el("input", {type: "checkbox", name: "correct", checked: q.correct !== false}), path + ".correct"));
    }
    if (q.type === "fillblank") {
      card.appendChild(field(L.caseSensitive, el("input", {type: "checkbox", name: "case_sensitive", checked: !!q.case_sensitive}), path + ".case_sensitive"));
    }
    var remove = el("button", {type: "button", class: "link-button", text: L.remove});
    remove.addEventListener("click", function () { collect(); doc.questions.splice(index, 1); render(); });
    card.appendChild(remove);
    card.dataset.id = q.id;
    return card;
  }

  function optionRow(type, index, option, n) {
    var row = el("div", {class: "editor-option", "data-option-id": option.id});
    row.appendChild(el("input", {type: type === "single" ? "radio" : "checkbox", name: "correct-" + index, checked: !!option.correct, "aria-label": L.correctOption}));
    row.appendChild(field(L.option + " " + (n + 1), el("input", {name: "option-text", value: option.text || ""}), "questions[" + index + "].options[" + n + "].text"));
    var remove = el("button", {type: "button", class: "link-button", text: L.remove});
    remove.addEventListener("click", function () { row.remove(); });
    row.appendChild(remove);
    return row;
  }

  function chapterRow(chapter, index) {
    var row = el("div", {class: "editor-chapter", "data-index": String(index)});
    row.appendChild(field(L.time, el("input", {name: "time", inputmode: "decimal", size: "6", value: chapter.time}), "chapters[" + index + "].time"));
    row.appendChild(field(L.chapterTitle, el("input", {name: "title", value: chapter.title}), "chapters[" + index + "].title"));
    var remove = el("button", {type: "button", class: "link-button", text: L.remove});
    remove.addEventListener("click", function () { collect(); doc.chapters.splice(index, 1); render(); });
    row.appendChild(remove);
    return row;
  }

  function value(card, name) { var input = card.querySelector("[name='" + name + "']"); return input ? input.value : ""; }
  function checked(card, name) { var input = card.querySelector("[name='" + name + "']"); return !!(input && input.checked); }

  function collect() {
    doc.settings = {
      prevent_skipping: form.prevent_skipping.checked,
      pass_percentage: num(form.pass_percentage.value),
      complete_percentage: num(form.complete_percentage.value)
    };
    doc.questions = Array.prototype.map.call(list.children, function (card) {
      var q = {id: card.dataset.id, type: card.dataset.type, time: num(value(card, "time")),
        title: value(card, "title"), body: value(card, "body"), pause: checked(card, "pause"),
        at_end: checked(card, "at_end")};
      if (q.type === "info") {
        q.link = value(card, "link") || null;
        q.image = value(card, "image") || null;
        return q;
      }
      q.points = num(value(card, "points"));
      q.required = checked(card, "required");
      q.seek_back = num(value(card, "seek_back"));
      q.feedback_correct = value(card, "feedback_correct");
      q.feedback_wrong = value(card, "feedback_wrong");
      if (q.type === "single" || q.type === "multiple") {
        q.options = Array.prototype.map.call(card.querySelectorAll(".editor-option"), function (row) {
          return {id: row.dataset.optionId, text: row.querySelector("[name='option-text']").value,
            correct: row.querySelector("input[type='radio'],input[type='checkbox']").checked};
        });
      }
      if (q.type === "truefalse") q.correct = checked(card, "correct");
      if (q.type === "fillblank") q.case_sensitive = checked(card, "case_sensitive");
      return q;
    });
    doc.chapters = Array.prototype.map.call(chapterList.children, function (row) {
      return {time: num(value(row, "time")), title: value(row, "title")};
    });
  }

  function render() {
    renderSettings();
    list.textContent = "";
    doc.questions.forEach(function (q, i) { list.appendChild(questionCard(q, i)); });
    chapterList.textContent = "";
    doc.chapters.forEach(function (c, i) { chapterList.appendChild(chapterRow(c, i)); });
  }

  function showErrors(errors) {
    document.querySelectorAll(".field-error").forEach(function (node) { node.textContent = ""; });
    (errors || []).forEach(function (error) {
      var path = error.field;
      var target = null;
      while (path && !(target = document.querySelector("[data-error-for='" + path + "']"))) {
        path = path.replace(/(\.[^.\[]+|\[\d+\])$/, "");
      }
      target = target || document.querySelector("[data-error-for='settings']");
      target.textContent = (target.textContent ? target.textContent + " " : "") + error.message;
    });
  }

  document.querySelectorAll("[data-add]").forEach(function (button) {
    button.addEventListener("click", function () {
      collect();
      var type = button.getAttribute("data-add");
      var q = {id: newId("q"), type: type, time: video ? Number(video.currentTime.toFixed(1)) : 0,
        title: "", body: "", pause: true, required: false, seek_back: null, points: 1};
      if (type === "single" || type === "multiple") {
        q.options = [{id: newId("o"), text: "", correct: true}, {id: newId("o"), text: "", correct: false}];
      }
      if (type === "truefalse") q.correct = true;
      doc.questions.push(q);
      render();
    });
  });
  document.querySelector("[data-add-chapter]").addEventListener("click", function () {
    collect();
    doc.chapters.push({time: video ? Number(video.currentTime.toFixed(1)) : 0, title: ""});
    render();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    collect();
    status.textContent = L.saving;
    fetch(config.saveUrl, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": config.csrf},
      body: JSON.stringify(doc)})
      .then(function (response) { return response.json().then(function (body) { return [response, body]; }); })
      .then(function (pair) {
        var body = pair[1];
        status.textContent = body.message || "";
        showErrors(body.errors);
        if (body.ok) { doc = body.document; render(); }
      })
      .catch(function () { status.textContent = L.failed; });
  });

  render();
})();
