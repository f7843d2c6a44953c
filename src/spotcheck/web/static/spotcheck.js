/* Spotcheck: small enhancements only. Every page works without this file. */
(function () {
  "use strict";

  // "None of these" and "I don't know" exclude the other boxes of a group, and the reverse.
  function exclusiveCheckboxes() {
    document.querySelectorAll(".sc-checkboxes").forEach(function (group) {
      var boxes = Array.prototype.slice.call(group.querySelectorAll("input[type=checkbox]"));
      boxes.forEach(function (box) {
        box.addEventListener("change", function () {
          if (!box.checked) { return; }
          var exclusive = box.hasAttribute("data-exclusive");
          boxes.forEach(function (other) {
            if (other !== box && (exclusive || other.hasAttribute("data-exclusive"))) {
              other.checked = false;
            }
          });
        });
      });
    });
  }

  // Move focus to the error summary, so screen readers announce the problem.
  function focusErrors() {
    var summary = document.querySelector(".sc-error-summary");
    if (summary) { summary.focus(); }
  }

  // The print button needs JavaScript, so it is hidden until then.
  function printButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // The doctor summary is a closed disclosure on screen; it is opened for printing.
  function openForPrint() {
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details.sc-doctor__details").forEach(function (d) {
        d.open = true;
      });
    });
  }

  function init() {
    exclusiveCheckboxes();
    focusErrors();
    printButtons();
    openForPrint();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
