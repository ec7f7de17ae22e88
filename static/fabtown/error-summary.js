/* The error summary of a form (fabtown/error_summary.html): it takes the focus when the page
   opens, so keyboard and screen-reader users start at the list of what to correct; each link
   moves the focus into its field and shows the field's label with it (a plain jump to the
   fragment would scroll, but leave the focus where it was and the label above the screen). */
(function () {
  "use strict";

  function focusField(target) {
    var label = document.querySelector("label[for='" + CSS.escape(target.id) + "']");
    (label || target).scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }

  function setUp() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) { return; }
      event.preventDefault();
      focusField(target);
      if (history.replaceState) { history.replaceState(null, "", link.hash); }
    });
    summary.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
