/* Names for the admin controls that its JavaScript draws without one (WCAG 4.1.2), loaded on
   every admin page (templates/admin/base_site.html):
   - the autocomplete fields (select2): their box gets the field's label as its name, and the
     search box of a multiple choice too; the list of chosen entries, which also holds the
     "remove all" cross, is marked as no list;
   - the two-list picker (filter_horizontal): its magnifier icon, which names the filter box,
     becomes an image with that text (a plain span may not carry aria-label).
   Both are drawn after the page loads and again when an inline row is added, so the names are
   given whenever the page changes. */
(function () {
  "use strict";

  var counter = 0;

  function labelOf(select) {
    if (!select || !select.id) { return null; }
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label && !label.id) { label.id = "fabtown-label-" + (++counter); }
    return label;
  }

  function nameSelect2(container) {
    var select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") { return; }
    var label = labelOf(select);
    var box = container.querySelector(".select2-selection");
    if (!label || !box) { return; }
    var rendered = box.querySelector(".select2-selection__rendered");
    var names = [label.id];
    if (rendered && rendered.id && box.classList.contains("select2-selection--single")) {
      names.push(rendered.id);
      rendered.setAttribute("aria-labelledby", names.join(" "));
    }
    box.setAttribute("aria-labelledby", names.join(" "));
    if (rendered && rendered.tagName === "UL") { rendered.setAttribute("role", "none"); }
    var search = container.querySelector(".select2-search__field");
    if (search) { search.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim()); }
  }

  function nameAll() {
    // The dropdown of an open field is a container of its own, at the end of the page.
    document.querySelectorAll("select + .select2-container").forEach(nameSelect2);
    document.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach(
      function (icon) { icon.setAttribute("role", "img"); }
    );
  }

  var pending = false;
  function soon() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; nameAll(); });
  }

  function start() {
    nameAll();
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  }

  // After the page's own load handlers (SelectFilter2 draws the picker on "load").
  if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", function () { window.setTimeout(start, 0); });
  }
})();
