/* The admin's export page (templates/admin/import_export/export.html): "Select all" ticks or
   clears every field box, with django-import-export's own handler. */
(function () {
  "use strict";
  document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
    toggle.addEventListener("change", onSelectToggleChange);
  });
})();
