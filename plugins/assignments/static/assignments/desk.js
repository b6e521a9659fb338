/* Grading desk helpers: "select all" for the bulk form and inserting a comment from the
 * teacher's bank into a student's comment box. Without JavaScript each box is ticked by hand
 * and comments are typed. */
(function () {
  "use strict";
  var all = document.getElementById("pick-all");
  if (all) {
    all.addEventListener("change", function () {
      Array.prototype.forEach.call(document.querySelectorAll("input.pick"), function (box) {
        box.checked = all.checked;
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("select.comment-bank"), function (select) {
    select.addEventListener("change", function () {
      var target = document.getElementById(select.dataset.target);
      if (!target || !select.value) { return; }
      target.value = target.value ? target.value.replace(/\s*$/, " ") + select.value : select.value;
      select.value = "";
      target.focus();
    });
  });
})();
