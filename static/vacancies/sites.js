/* Sites on offer: the map shows the filtered sites, loaded as GeoJSON built by the database. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var element = document.getElementById("sites-map");
  if (!element || !window.L) { return; }
  var map = FabTownMap.create(element, { canvas: true });
  var esc = FabTownMap.escapeHtml;
  FabTownMap.showFeatures(map, element.dataset.geojson, function (p) {
    return '<a href="' + esc(p.url) + '">' + esc(p.name) + "</a>" +
      (p.floor_area_m2 ? "<br>" + esc(p.floor_area_m2) + " m²" : "") +
      (p.search_areas && p.search_areas.length ? "<br>" + esc(p.search_areas.join(", ")) : "");
  });
});
