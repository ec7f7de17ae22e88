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
    var map = L.map(element, { scrollWheelZoom: false }).setView(BOCHUM, (options && options.zoom) || 14);
    L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 19 }).addTo(map);
    return map;
  }

  /* Loads a GeoJSON FeatureCollection into a marker cluster layer; `popup(properties)`
     returns the popup's HTML. Resolves with the number of features shown. */
  function showFeatures(map, url, popup) {
    return fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (collection) {
        var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
        var layer = L.geoJSON(collection, {
          onEachFeature: function (feature, marker) {
            marker.bindPopup(popup(feature.properties));
            if (feature.properties.name) {
              marker.options.title = feature.properties.name;
              marker.options.alt = feature.properties.name;
            }
          }
        });
        cluster.addLayer(layer);
        map.addLayer(cluster);
        if (collection.features.length) {
          map.fitBounds(cluster.getBounds(), { padding: [24, 24], maxZoom: 16 });
        }
        map.getContainer().dataset.features = String(collection.features.length);
        return collection.features.length;
      });
  }

  window.FabTownMap = { create: create, showFeatures: showFeatures, escapeHtml: escapeHtml };
})();
