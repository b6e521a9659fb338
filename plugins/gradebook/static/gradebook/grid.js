// The gradebook grid: move between cells with the arrow keys and Enter, paste a block copied
// from Excel (tab- and newline-separated) starting at the focused cell, and post only the
// cells that changed (with the version each was read at), so a colleague's edit elsewhere in
// the sheet is never overwritten. The server validates everything; this only saves typing.
(function () {
  "use strict";
  var form = document.getElementById("gradebook-grid");
  if (!form) { return; }
  var cells = Array.prototype.slice.call(form.querySelectorAll("input[data-row]"));
  var byPosition = {};
  cells.forEach(function (input) { byPosition[input.dataset.row + ":" + input.dataset.col] = input; });
  var submitting = false;
  // After a refused save the page shows what was typed: those cells are still unsaved.
  cells.forEach(mark);

  function isCell(element) { return element && element.dataset && element.dataset.row !== undefined; }
  function cellAt(row, col) { return byPosition[row + ":" + col]; }
  function changed(input) { return input.value.trim() !== input.dataset.original; }
  function mark(input) { input.classList.toggle("changed", changed(input)); }

  function move(input, rows, cols) {
    var next = cellAt(Number(input.dataset.row) + rows, Number(input.dataset.col) + cols);
    if (next) { next.focus(); next.select(); }
    return Boolean(next);
  }

  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!isCell(input)) { return; }
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var allSelected = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    var moved = false;
    if (event.key === "ArrowUp") { moved = move(input, -1, 0); }
    else if (event.key === "ArrowDown") { moved = move(input, 1, 0); }
    else if (event.key === "Enter") { move(input, event.shiftKey ? -1 : 1, 0); moved = true; }
    else if (event.key === "ArrowLeft" && (atStart || allSelected)) { moved = move(input, 0, -1); }
    else if (event.key === "ArrowRight" && (atEnd || allSelected)) { moved = move(input, 0, 1); }
    // Enter never submits half a sheet by accident; the button does.
    if (moved) { event.preventDefault(); }
  });

  form.addEventListener("focusin", function (event) {
    if (isCell(event.target)) { event.target.select(); }
  });

  form.addEventListener("input", function (event) {
    if (isCell(event.target)) { mark(event.target); }
  });

  form.addEventListener("paste", function (event) {
    var input = event.target;
    if (!isCell(input)) { return; }
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (text.indexOf("\t") === -1 && text.indexOf("\n") === -1) { return; }  // one value
    event.preventDefault();
    var rows = text.replace(/\r/g, "").replace(/\n+$/, "").split("\n");
    var row0 = Number(input.dataset.row), col0 = Number(input.dataset.col);
    rows.forEach(function (line, r) {
      line.split("\t").forEach(function (value, c) {
        var target = cellAt(row0 + r, col0 + c);
        if (target) { target.value = value.trim(); mark(target); }
      });
    });
    form.elements.source.value = "pasted";
  });

  form.addEventListener("submit", function () {
    submitting = true;
    cells.forEach(function (input) {
      if (changed(input)) { return; }
      input.disabled = true;
      var version = form.elements["v-" + input.name.slice(2)];
      if (version) { version.disabled = true; }
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && cells.some(changed)) { event.preventDefault(); event.returnValue = ""; }
  });
}());
