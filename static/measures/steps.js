/* The seven steps: a "Print" button for the result. The page works without it (the browser's
   own print command gives the same A4 layout, measures/steps.css). */
(function () {
  "use strict";

  function setUp() {
    var slot = document.querySelector("[data-print-action]");
    if (!slot || !window.print) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = slot.getAttribute("data-label");
    button.addEventListener("click", function () { window.print(); });
    slot.appendChild(button);
    slot.hidden = false;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
