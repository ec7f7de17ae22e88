/* Leaflet.draw's toolbar and tooltips in the page's language (<html lang>), for the map widget
   of fabtown.maps.MapWidget. Leaflet.draw ships English only (L.drawLocal), and
   django-leaflet's translations come through inline data the widget cannot render here (its
   script looks for them before the page has them). English stays Leaflet.draw's own text.
   Leaflet.draw's texts are read when a map's toolbar is drawn, on page load. */
(function () {
  "use strict";

  var translations = {
    de: {
      draw: {
        toolbar: {
          actions: { title: "Zeichnen abbrechen", text: "Abbrechen" },
          finish: { title: "Zeichnen beenden", text: "Fertig" },
          undo: { title: "Zuletzt gesetzten Punkt löschen", text: "Letzten Punkt löschen" },
          buttons: {
            polyline: "Linie zeichnen",
            polygon: "Fläche zeichnen",
            rectangle: "Rechteck zeichnen",
            circle: "Kreis zeichnen",
            marker: "Markierung setzen",
            circlemarker: "Kreismarkierung setzen"
          }
        },
        handlers: {
          circle: { tooltip: { start: "Klicken und ziehen, um einen Kreis zu zeichnen." },
            radius: "Radius" },
          circlemarker: { tooltip: { start: "In die Karte klicken, um die Kreismarkierung zu setzen." } },
          marker: { tooltip: { start: "In die Karte klicken, um die Markierung zu setzen." } },
          polygon: {
            tooltip: {
              start: "Klicken, um mit der Fläche zu beginnen.",
              cont: "Klicken, um die Fläche fortzusetzen.",
              end: "Auf den ersten Punkt klicken, um die Fläche zu schließen."
            }
          },
          polyline: {
            error: "<strong>Fehler:</strong> Die Kanten dürfen sich nicht kreuzen.",
            tooltip: {
              start: "Klicken, um mit der Linie zu beginnen.",
              cont: "Klicken, um die Linie fortzusetzen.",
              end: "Auf den letzten Punkt klicken, um die Linie zu beenden."
            }
          },
          rectangle: { tooltip: { start: "Klicken und ziehen, um ein Rechteck zu zeichnen." } },
          simpleshape: { tooltip: { end: "Maustaste loslassen, um das Zeichnen zu beenden." } }
        }
      },
      edit: {
        toolbar: {
          actions: {
            save: { title: "Änderungen übernehmen", text: "Übernehmen" },
            cancel: { title: "Bearbeiten abbrechen, alle Änderungen verwerfen", text: "Abbrechen" },
            clearAll: { title: "Alles entfernen", text: "Alles entfernen" }
          },
          buttons: {
            edit: "Geometrie bearbeiten",
            editDisabled: "Nichts zu bearbeiten",
            remove: "Geometrie löschen",
            removeDisabled: "Nichts zu löschen"
          }
        },
        handlers: {
          edit: {
            tooltip: {
              text: "Punkte oder Markierung ziehen, um die Geometrie zu ändern.",
              subtext: "„Abbrechen“ macht die Änderungen rückgängig."
            }
          },
          remove: { tooltip: { text: "Auf eine Geometrie klicken, um sie zu entfernen." } }
        }
      }
    }
  };

  function merge(target, source) {
    Object.keys(source).forEach(function (key) {
      if (typeof source[key] === "object" && typeof target[key] === "object") {
        merge(target[key], source[key]);
      } else {
        target[key] = source[key];
      }
    });
  }

  function translate() {
    var language = (document.documentElement.lang || "").split("-")[0];
    if (window.L && L.drawLocal && translations[language]) {
      merge(L.drawLocal, translations[language]);
    }
    // Leaflet's own controls: the zoom buttons' titles and the attribution's link title.
    if (window.L && language === "de") {
      L.Control.Zoom.prototype.options.zoomInTitle = "Vergrößern";
      L.Control.Zoom.prototype.options.zoomOutTitle = "Verkleinern";
      L.Control.Attribution.prototype.options.prefix =
        '<a href="https://leafletjs.com" title="Eine JavaScript-Bibliothek für interaktive Karten">Leaflet</a>';
    }
  }

  // Once every script of the page has run (the admin's media may place this file before
  // leaflet.draw.js), and before the maps are drawn (map-widget.js waits for "load").
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", translate);
  } else {
    translate();
  }
})();
