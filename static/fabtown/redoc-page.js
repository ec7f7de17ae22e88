/* Starts ReDoc (/api/v1/redoc/) on the schema the page names; a file, not an inline script,
   for the Content-Security-Policy. */
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  Redoc.init(container.dataset.specUrl, {}, container);
})();
