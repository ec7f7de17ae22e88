/* Leaflet finds its marker images through the URL of its style sheet, which production's hashed
   static file names break (markers were requested as /produzenten/marker-icon.png). Point it at
   the images under the same static root as this file instead: collectstatic keeps their
   unhashed copies. Loaded right after leaflet.js, before any map is drawn. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!window.L || !script) { return; }
  L.Icon.Default.imagePath = script.src.replace(/fabtown\/[^/]*$/, "") + "leaflet/images/";
})();
