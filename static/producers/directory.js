/* Directory: the map shows the current result set, loaded as GeoJSON built by the database. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var element = document.getElementById("directory-map");
  if (!element || !window.L) { return; }
  var map = FabTownMap.create(element, { canvas: true });
  var esc = FabTownMap.escapeHtml;
  FabTownMap.showFeatures(map, element.dataset.geojson, function (p) {
    return '<a href="' + esc(p.url) + '">' + esc(p.name) + "</a>" +
      (p.branch ? "<br>" + esc(p.branch) : "") +
      (p.label ? '<br><span class="badge">Made by Bochum</span>' : "");
  });
  if (element.dataset.placesUrl) {
    FabTownMap.showPlaces(map, element.dataset.placesUrl, element.dataset.placesKind);
  }
});
