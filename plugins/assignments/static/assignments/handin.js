/* Hand-in with a progress bar: the form is sent as it is (multipart, the same request as
 * without JavaScript) through XMLHttpRequest so xhr.upload.onprogress can drive the bar. The
 * server answers as for a normal post: a redirect on success (which the browser follows), or
 * the page again with its error; either page replaces this one. */
(function () {
  "use strict";
  var form = document.getElementById("handin-form");
  var box = document.getElementById("handin-progress");
  if (!form || !box || !window.XMLHttpRequest || !window.FormData) { return; }
  var fill = box.querySelector(".progress span");
  var bar = box.querySelector(".progress");
  var label = box.querySelector("p");
  var clicked = null;
  form.addEventListener("click", function (event) {
    if (event.target.name === "action") { clicked = event.target; }
  });
  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    if (!input || !input.files || !input.files.length) { return; }  // nothing heavy to send
    event.preventDefault();
    var data = new FormData(form);
    if (clicked) { data.set("action", clicked.value); }
    var xhr = new XMLHttpRequest();
    // getAttribute: form.action would be the buttons named "action", not the URL
    xhr.open("POST", form.getAttribute("action"));
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) { return; }
      var percent = Math.floor(e.loaded * 100 / e.total);
      fill.style.width = percent + "%";
      bar.setAttribute("aria-valuenow", String(percent));
      label.textContent = label.dataset.template.replace("{percent}", percent);
    };
    xhr.onload = function () {
      // The followed redirect already consumed the flash message: show that page as it came.
      document.open(); document.write(xhr.responseText); document.close();
    };
    xhr.onerror = function () {
      box.hidden = true;
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = false; });
      window.alert(form.dataset.networkError);
    };
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
    box.hidden = false;
    xhr.send(data);
  });
})();
