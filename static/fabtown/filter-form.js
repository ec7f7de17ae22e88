/* Filter forms submit with GET; leaving out empty fields keeps the shared URL short
   (?offering=repair rather than ?q=&category=&offering=repair&sort=). */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll("form.filters").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (field) {
        if (field.value === "" && (field.type !== "radio" || field.checked)) {
          field.disabled = true;
        }
      });
    });
  });
});
