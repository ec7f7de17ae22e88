/* The page of a running import (fabtown.admin.ImportRunAdmin): asks for its progress every two
   seconds and shows it; when the run has ended, the page is loaded again with its report.
   The admin loads it in the page's head: it starts once the page is parsed. */
(function () {
  "use strict";

  function follow() {
    var box = document.querySelector(".import-run-progress[data-url]");
    if (!box || box.dataset.finished === "1") {
      return;
    }
    var bar = box.querySelector("progress");

    function show(progress) {
      box.querySelectorAll("[data-key]").forEach(function (element) {
        var value = progress[element.dataset.key];
        if (value !== undefined) {
          element.textContent = String(value);
        }
      });
      if (bar) {
        bar.max = Math.max(progress.rows_total, 1);
        bar.value = progress.rows_done;
      }
    }

    function poll() {
      fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (progress) {
          show(progress);
          if (progress.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, 2000);
          }
        })
        .catch(function () {
          window.setTimeout(poll, 10000); // the server is busy or away: ask again later
        });
    }

    window.setTimeout(poll, 2000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", follow);
  } else {
    follow();
  }
})();
