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

  /* Loads a GeoJSON FeatureCollection as circle markers drawn on the map's canvas;
     `popup(properties)` returns the popup's HTML. Resolves with the number of features shown.
     A canvas point is no element of its own, so the keyboard reaches the points through the
     map: with the map focused, the arrow keys move it and Enter opens the point nearest the
     centre, with the focus on its link. The list beside the map names every point too. */
  function showFeatures(map, url, popup) {
    return fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {
              radius: 7, weight: 2, color: "#ffffff", fillColor: "#1f5f8b", fillOpacity: 0.9
            });
          }
        });
        layer.on("click", function (event) { open(map, event.layer, popup); });
        map.addLayer(layer);
        if (collection.features.length) {
          map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 16 });
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
        map.getContainer().dataset.features = String(collection.features.length);
        return collection.features.length;
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
