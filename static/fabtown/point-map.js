/* Profiles of producers and sites: a small map with one point. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var element = document.getElementById("profile-map");
  if (!element || !window.L || !element.dataset.point) { return; }
  var parts = element.dataset.point.split(",");
  var point = [parseFloat(parts[1]), parseFloat(parts[0])];
  var map = FabTownMap.create(element, { zoom: 16 });
  map.setView(point, 16);
  L.marker(point, { title: document.title, alt: document.title }).addTo(map);
});
