/* Shared map setup for the public pages: tiles and attribution come from the page
   (settings.MAP_TILE_URL), Bochum's centre is the default view. Without JavaScript the
   lists beside the maps carry the same content. */
(function () {
  "use strict";
  var BOCHUM = [51.4818, 7.2162];

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function create(element, options) {
    var map = L.map(element, {
      scrollWheelZoom: false,
      // Result maps hold up to the whole region (10,000 points): drawn on one canvas they
      // take a fraction of the time of as many marker elements (see showFeatures).
      preferCanvas: Boolean(options && options.canvas)
    }).setView(BOCHUM, (options && options.zoom) || 14);
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 19 }).addTo(map);
    return map;
  }

  /* Loads a GeoJSON FeatureCollection of points as circle markers drawn on the map's canvas;
     `popup(properties)` returns the popup's HTML. Resolves with the number of features shown.
     A canvas point is no element of its own, so the keyboard reaches the points through the
     map: with the map focused, the arrow keys move it and Enter opens the point nearest the
     centre, with the focus on its link. The list beside the map names every point too.
     The points are added in slices from west to east, each slice in a task of its own, so that
     neither building nor drawing 10,000 of them blocks the page (each frame redraws only the
     strip of the canvas its slice covers). */
  var SLICE = 400;

  function showFeatures(map, url, popup) {
    return fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (collection) {
        var points = collection.features.filter(function (feature) {
          return feature.geometry && feature.geometry.type === "Point";
        });
        points.sort(function (a, b) { return a.geometry.coordinates[0] - b.geometry.coordinates[0]; });
        var layer = L.featureGroup().addTo(map);
        layer.on("click", function (event) { open(map, event.layer, popup); });
        if (points.length) {
          var bounds = L.latLngBounds(points.map(function (feature) {
            return [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
          }));
          map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
        }
        map.getContainer().addEventListener("keydown", function (event) {
          if (event.key !== "Enter" || event.target !== map.getContainer()) { return; }
          var nearest = nearestTo(map, layer);
          if (nearest) {
            event.preventDefault();
            open(map, nearest, popup);
            var link = map.getContainer().querySelector(".leaflet-popup-content a");
            if (link) { link.focus(); }
          }
        });
        return addInSlices(layer, points).then(function () {
          map.getContainer().dataset.features = String(points.length);
          return points.length;
        });
      });
  }

  function addInSlices(layer, points) {
    return new Promise(function (resolve) {
      var next = 0;
      (function slice() {
        var end = Math.min(next + SLICE, points.length);
        for (; next < end; next++) {
          var feature = points[next];
          var marker = L.circleMarker(
            [feature.geometry.coordinates[1], feature.geometry.coordinates[0]],
            { radius: 7, weight: 2, color: "#ffffff", fillColor: "#1f5f8b", fillOpacity: 0.9 }
          );
          marker.feature = feature;
          layer.addLayer(marker);
        }
        if (next < points.length) { setTimeout(slice, 0); } else { resolve(); }
      })();
    });
  }

  function open(map, marker, popup) {
    L.popup({ offset: [0, -4] })
      .setLatLng(marker.getLatLng())
      .setContent(popup(marker.feature.properties))
      .openOn(map);
  }

  function nearestTo(map, layer) {
    var centre = map.latLngToLayerPoint(map.getCenter());
    var bounds = map.getBounds();
    var best = null;
    var bestDistance = Infinity;
    layer.eachLayer(function (marker) {
      var latlng = marker.getLatLng();
      if (!bounds.contains(latlng)) { return; }
      var distance = map.latLngToLayerPoint(latlng).distanceTo(centre);
      if (distance < bestDistance) { best = marker; bestDistance = distance; }
    });
    return best;
  }

  window.FabTownMap = { create: create, showFeatures: showFeatures, escapeHtml: escapeHtml };
})();
