/* Vacancy statistics (staff page and public summary): draws every <canvas data-chart="…">
   from the JSON block #statistics-charts with Chart.js (served locally). Every chart has a
   table with the same figures beside it, so nothing is lost without JavaScript. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var source = document.getElementById("statistics-charts");
  if (!source || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var lang = document.documentElement.lang || "de";
  var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  // Colours with at least 3:1 contrast on white (WCAG 1.4.11), one per status/series.
  var colours = ["#a4161a", "#b35c00", "#1d5c2e", "#0b4f8a", "#545454", "#6a3d9a"];
  var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  Chart.defaults.font.size = 14;
  Chart.defaults.color = "#1b1b1b";
  Chart.defaults.maintainAspectRatio = false;
  if (reduced) { Chart.defaults.animation = false; }

  function tickNumber(value) { return number.format(value); }

  var builders = {
    rate: function (d) {
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { type: "bar", label: d.rateLabel, data: d.rates, order: 2,
              backgroundColor: d.rates.map(function (rate) {
                return rate !== null && rate > d.reserve ? colours[0] : colours[3];
              }) },
            { type: "line", label: d.reserveLabel, order: 1,
              data: d.labels.map(function () { return d.reserve; }),
              borderColor: "#1b1b1b", borderDash: [6, 4], borderWidth: 2, pointRadius: 0 }
          ]
        },
        options: {
          scales: { y: { beginAtZero: true, suggestedMax: d.reserve * 2,
                         ticks: { callback: function (v) { return tickNumber(v) + " %"; } } } },
          plugins: { tooltip: { callbacks: { label: function (c) {
            return c.dataset.label + ": " + (c.raw === null ? "–" : number.format(c.raw) + " %");
          } } } }
        }
      };
    },
    mix: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: d.datasets.map(function (set, i) {
          return { label: set.label, data: set.data, backgroundColor: colours[i % colours.length] };
        }) },
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true,
                   ticks: { precision: 0, callback: tickNumber } } } }
      };
    },
    interim: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: d.datasets.map(function (set, i) {
          return { label: set.label, data: set.data, backgroundColor: colours[(i * 2 + 2) % colours.length] };
        }) },
        options: { scales: { y: { beginAtZero: true, ticks: { precision: 0, callback: tickNumber } } } }
      };
    },
    funnel: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [
          { label: d.label, data: d.data, backgroundColor: colours[3] }
        ] },
        options: { indexAxis: "y", plugins: { legend: { display: false } },
                   scales: { x: { beginAtZero: true, ticks: { precision: 0, callback: tickNumber } } } }
      };
    }
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var name = canvas.dataset.chart;
    if (builders[name] && data[name]) {
      new Chart(canvas, builders[name](data[name]));
    }
  });
});
