/* Sets up the map widgets of fabtown.maps.MapWidget (admin and public forms) from their JSON
   configuration, as django-leaflet's inline scripts would: the Content-Security-Policy allows
   no inline scripts. Needs leaflet.js, leaflet.extras.js and leaflet.forms.js (the widget's
   media, loaded before this file). */
(function () {
  "use strict";

  function setUp(element) {
    var config = JSON.parse(document.getElementById(element.dataset.mapWidget).textContent);
    var field = {
      fieldid: config.fieldId,
      modifiable: config.modifiable,
      geom_type: config.geomType,
      srid: 4326
    };
    L.Map.djangoMap(config.mapId, {
      djoptions: config.options,
      globals: false,
      callback: function (map, options) {
        field.field_store_class = L.FieldStore;
        field.precision = options.djoptions.precision;
        var geometryField = new L.GeometryField(field).addTo(map);
        if (config.modifiable && config.geomType === "Point") {
          placeOnClick(map, geometryField);
        }
      }
    });
  }

  /* A point is placed (or moved) with a plain click, as the form's hint says; choosing the
     marker tool first is not needed. While a drawing tool is active, it does the placing. */
  function placeOnClick(map, geometryField) {
    map.on("click", function (event) {
      if (geometryField._acceptDrawEvents) { return; }
      geometryField.onCreated({ layer: L.marker(event.latlng) });
    });
  }

  function setUpAll() {
    document.querySelectorAll("[data-map-widget]").forEach(setUp);
  }

  // As django-leaflet does (its LOADEVENT): once the page is loaded and the map's box laid out.
  if (document.readyState === "complete") {
    setUpAll();
  } else {
    window.addEventListener("load", setUpAll);
  }
})();
