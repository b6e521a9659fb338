/* Package upload with a real progress bar.
 *
 * Without JavaScript the form posts normally. With it, the file is sent as the raw request body
 * (no multipart: the server streams it straight to disk) and xhr.upload.onprogress drives the
 * bar. Every failure ends in a clear message: a file over the limit is refused before sending,
 * and the server's JSON message (413 included) is shown instead of a generic "network error".
 */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var input = form.querySelector("input[type=file]");
  var errorBox = document.getElementById("upload-error");
  var progressBox = document.getElementById("upload-progress");
  var bar = progressBox.querySelector(".progress");
  var fill = bar.querySelector("span");
  var label = progressBox.querySelector("p");
  var button = form.querySelector("button[type=submit]");
  var maxSize = parseInt(form.dataset.maxSize, 10) || 0;

  function fill_in(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  function megabytes(bytes) {
    return (bytes / 1048576).toLocaleString("vi-VN", { maximumFractionDigits: 1 }) + " MB";
  }

  function showError(message, details) {
    errorBox.textContent = message;
    if (details && details.length) {
      var list = document.createElement("ul");
      details.forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      });
      errorBox.appendChild(list);
    }
    errorBox.hidden = false;
    progressBox.hidden = true;
    button.disabled = false;
    errorBox.scrollIntoView({ block: "nearest" });
  }

  function tooLarge(file) {
    return fill_in(form.dataset.tooLarge, {
      name: file.name, size: megabytes(file.size), limit: megabytes(maxSize)
    });
  }

  function setProgress(done, total) {
    var percent = total ? Math.floor(done * 100 / total) : 0;
    fill.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    label.textContent = fill_in(label.dataset.template, {
      percent: percent, done: megabytes(done), total: megabytes(total)
    });
  }

  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    if (!file) { return; }  // the browser's own "required" message
    event.preventDefault();
    errorBox.hidden = true;
    if (maxSize && file.size > maxSize) { showError(tooLarge(file)); return; }

    var department = form.querySelector("[name=department_id]");
    var url = form.action + (department ? "?department_id=" + encodeURIComponent(department.value) : "");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", form.querySelector("[name=csrf_token]").value);
    xhr.setRequestHeader("X-Upload-Filename", encodeURIComponent(file.name));
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { setProgress(e.loaded, e.total); }
    };
    xhr.upload.onload = function () {
      setProgress(file.size, file.size);
      label.textContent = label.dataset.checking;
    };
    xhr.onload = function () {
      var reply = null;
      try { reply = JSON.parse(xhr.responseText); } catch (ignored) { reply = null; }
      if (xhr.status >= 200 && xhr.status < 300 && reply && reply.report_url) {
        window.location.assign(reply.report_url);
      } else if (reply && reply.message) {
        showError(reply.message, reply.details);
      } else if (xhr.status === 413) {
        showError(tooLarge(file));
      } else {
        showError(fill_in(form.dataset.serverError, { code: xhr.status }));
      }
    };
    xhr.onerror = function () {
      // A server refusing an oversized body may cut the connection before answering.
      showError(maxSize && file.size > maxSize ? tooLarge(file) : form.dataset.networkError);
    };
    button.disabled = true;
    progressBox.hidden = false;
    setProgress(0, file.size);
    xhr.send(file);
  });
})();
