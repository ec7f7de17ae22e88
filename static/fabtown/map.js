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

  /* An estimated point is drawn as a hollow, dashed ring, a surveyed one as a filled dot: the
     two differ in shape, not in colour alone (WCAG 1.4.1); the legend beside the map
     (templates/includes/map_legend.html) draws the same two symbols. */
  var EXACT = { radius: 7, weight: 2, color: "#ffffff", fillColor: "#1f5f8b", fillOpacity: 0.9 };
  var APPROXIMATE = {
    radius: 8, weight: 3, color: "#1f5f8b", dashArray: "4 3", fillColor: "#ffffff", fillOpacity: 0.85
  };

  function isApproximate(properties) {
    return Boolean(properties && (properties.approximate || properties.location_is_approximate));
  }

  /* The popup's note on an estimated point, in the page's language (data-approximate-text). */
  function approximateNote(map, properties) {
    var text = map.getContainer().dataset.approximateText;
    return isApproximate(properties) && text ? "<br><em>" + escapeHtml(text) + "</em>" : "";
  }

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
            isApproximate(feature.properties) ? APPROXIMATE : EXACT
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
      .setContent(popup(marker.feature.properties) + approximateNote(map, marker.feature.properties))
      .openOn(map);
  }

  /* The places of the network (the association's shop) as markers of their own kind: a square
     with a "B", an element of its own that the keyboard reaches like a link, named by its
     title; the legend shows the same square. */
  function showPlaces(map, url, kindText) {
    return fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : { features: [] }; })
      .then(function (collection) {
        collection.features.forEach(function (feature) {
          if (!feature.geometry || feature.geometry.type !== "Point") { return; }
          var p = feature.properties;
          var name = (kindText ? kindText + ": " : "") + p.name;
          var marker = L.marker([feature.geometry.coordinates[1], feature.geometry.coordinates[0]], {
            title: name,
            alt: name,
            keyboard: true,
            zIndexOffset: 1000,
            icon: L.divIcon({
              className: "place-marker" + (isApproximate(p) ? " approximate" : ""),
              html: '<span aria-hidden="true">B</span>',
              iconSize: [26, 26]
            })
          }).addTo(map);
          marker.getElement().setAttribute("aria-label", name);
          marker.bindPopup(
            '<a href="' + escapeHtml(p.url) + '">' + escapeHtml(p.name) + "</a>" +
              (kindText ? "<br>" + escapeHtml(kindText) : "") + approximateNote(map, p)
          );
        });
        map.getContainer().dataset.placesShown = String(collection.features.length);
        return collection.features.length;
      });
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

  window.FabTownMap = {
    create: create, showFeatures: showFeatures, showPlaces: showPlaces, escapeHtml: escapeHtml
  };
})();
