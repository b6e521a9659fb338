/* Giao bài form, progressively enhanced: show the material or the task part for the chosen kind,
 * grey out classes where the chosen subject is not taught, and filter the material list as the
 * teacher types (accents optional). The server checks all of it again. */
(function () {
  "use strict";
  var form = document.getElementById("assignment-form");
  if (!form) { return; }

  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d")
      .replace(/Đ/g, "D").toLowerCase();
  }

  function showKind() {
    var checked = form.querySelector("input[name=kind]:checked");
    var kind = checked ? checked.value : "material";
    Array.prototype.forEach.call(form.querySelectorAll("[data-kind]"), function (part) {
      part.hidden = part.dataset.kind !== kind;
    });
  }

  function showClasses() {
    var subject = form.querySelector("[name=subject_id]");
    var chosen = subject ? subject.value : "";
    Array.prototype.forEach.call(form.querySelectorAll("[data-subjects]"), function (item) {
      var taught = !chosen || item.dataset.subjects.split(" ").indexOf(chosen) >= 0;
      item.style.opacity = taught ? "" : "0.5";
    });
  }

  var search = document.getElementById("material-search");
  var select = form.querySelector("[name=material_id]");
  if (search && select) {
    search.addEventListener("input", function () {
      var wanted = plain(search.value.trim());
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = option.value !== "0" && wanted && plain(option.text).indexOf(wanted) < 0;
      });
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") { showKind(); }
    if (event.target.name === "subject_id") { showClasses(); }
  });
  showKind();
  showClasses();
})();
