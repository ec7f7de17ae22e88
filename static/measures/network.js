/* The interaction network of the measures (templates/measures/overview_interactions.html):
   draws the JSON block #network-data with Cytoscape.js (served locally). The canvas cannot be
   used with a keyboard or a screen reader, so the list below it holds the same content with
   links; the figure stays hidden without JavaScript and the list is the page. Focusing or
   pointing at a measure in the list highlights it in the network, so both are read together. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var source = document.getElementById("network-data");
  var figure = document.getElementById("network-figure");
  var box = document.getElementById("network");
  var status = document.getElementById("network-status");
  if (!source || !figure || !box || !window.cytoscape) { return; }
  var data = JSON.parse(source.textContent);
  figure.hidden = false;

  var titles = {};
  var elements = data.nodes.map(function (node) {
    titles[node.id] = node.title;
    return {
      group: "nodes",
      data: { id: node.id, colour: node.colour, url: node.url },
      classes: node.group === "supporting" ? "supporting" : "settling"
    };
  }).concat(data.edges.map(function (edge) {
    return {
      group: "edges",
      data: { id: edge.id, source: edge.source, target: edge.target },
      classes: edge.reconstructed ? "reconstructed" : "printed"
    };
  }));

  var cy = window.cytoscape({
    container: box,
    elements: elements,
    // A fixed picture: no zooming or panning that would catch the page's scrolling, no
    // dragging that would lose the concept's order around the circle.
    userZoomingEnabled: false,
    userPanningEnabled: false,
    boxSelectionEnabled: false,
    autoungrabify: true,
    autounselectify: true,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "label": "data(id)", "color": "#ffffff",
        "font-size": 12, "font-weight": "bold", "text-valign": "center", "text-halign": "center",
        "width": 50, "height": 50, "border-width": 2, "border-color": "#ffffff"
      } },
      { selector: "node.supporting", style: { "shape": "round-rectangle" } },
      { selector: "edge", style: {
        "width": 1.5, "line-color": "#8a8a8a", "target-arrow-color": "#8a8a8a",
        "target-arrow-shape": "triangle", "arrow-scale": 0.9, "curve-style": "bezier",
        "opacity": 0.55
      } },
      { selector: "edge.reconstructed", style: {
        "line-style": "dashed", "line-dash-pattern": [6, 4], "line-color": "#545454",
        "target-arrow-color": "#545454"
      } },
      { selector: ".faded", style: { "opacity": 0.12 } },
      { selector: "edge.highlighted", style: {
        "opacity": 1, "width": 2.5, "line-color": "#1b1b1b", "target-arrow-color": "#1b1b1b",
        "z-index": 10
      } },
      { selector: "node.highlighted", style: {
        "border-color": "#ffbf47", "border-width": 4, "opacity": 1, "z-index": 11
      } }
    ],
    // Around a circle in the concept's order (4.1.1 at the top), so each thematic field's
    // measures stand together; the same picture on every visit and on paper.
    layout: { name: "circle", padding: 28, animate: false, startAngle: -Math.PI / 2 }
  });
  window.measureNetwork = cy; // for the browser tests

  function clear() {
    cy.elements().removeClass("faded highlighted");
    status.textContent = "";
  }

  function highlight(id) {
    var node = cy.getElementById(id);
    if (node.empty()) { return; }
    var linked = node.connectedEdges();
    cy.elements().addClass("faded");
    node.union(linked).union(linked.connectedNodes()).removeClass("faded");
    node.addClass("highlighted");
    linked.addClass("highlighted");
    status.textContent = id + " " + titles[id];
  }

  cy.on("tap", "node", function (event) { window.location.href = event.target.data("url"); });
  cy.on("mouseover", "node", function (event) {
    box.style.cursor = "pointer";
    highlight(event.target.id());
  });
  cy.on("mouseout", "node", function () {
    box.style.cursor = "";
    clear();
  });

  document.querySelectorAll("a[data-node]").forEach(function (link) {
    var id = link.getAttribute("data-node");
    link.addEventListener("focus", function () { highlight(id); });
    link.addEventListener("blur", clear);
    link.addEventListener("mouseenter", function () { highlight(id); });
    link.addEventListener("mouseleave", clear);
  });

  function refit() { cy.resize(); cy.fit(undefined, 28); }
  window.addEventListener("resize", refit);
  window.addEventListener("beforeprint", refit);
  window.addEventListener("afterprint", refit);

  box.setAttribute("data-nodes", String(cy.nodes().length));
  box.setAttribute("data-edges", String(cy.edges().length));
  box.setAttribute("data-ready", "true");
});
