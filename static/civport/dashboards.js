/*
 * Draws the dashboard charts with Chart.js (static/vendor/chartjs).
 *
 * The numbers come from the JSON block the page renders with Django's json_script
 * (id "dashboard-charts"): {chart id: {type, labels, datasets: [{label, data}], stacked,
 * horizontal, max}}. Each <canvas data-chart="chart id"> sits in a wrapper that stays hidden
 * until its chart is drawn, so without JavaScript (or without Chart.js) the page shows its
 * tables alone. No inline script, no eval, nothing loaded from elsewhere.
 */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var specs = JSON.parse(source.textContent);
  // Distinguishable colours, the portal's red first.
  var PALETTE = [
    "#a61b1b", "#1f5fa8", "#2e8540", "#d9822b", "#6f42c1",
    "#0f8b8d", "#b8860b", "#6c757d", "#d63384",
  ];
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function translucent(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function height(spec) {
    if (spec.type === "radar") {
      return 380;
    }
    if (spec.horizontal) {
      return Math.max(180, 80 + spec.labels.length * (spec.stacked ? 26 : 34));
    }
    return 320;
  }

  function datasets(spec) {
    var radar = spec.type === "radar";
    return spec.datasets.map(function (dataset, i) {
      var colour = PALETTE[i % PALETTE.length];
      return {
        label: dataset.label,
        data: dataset.data,
        borderColor: colour,
        backgroundColor: radar ? translucent(colour, 0.2) : colour,
        borderWidth: radar ? 2 : 0,
        pointBackgroundColor: colour,
      };
    });
  }

  function options(spec) {
    var result = {
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: "bottom" } },
    };
    if (reduceMotion) {
      result.animation = false;
    }
    if (spec.type === "radar") {
      var r = { beginAtZero: true };
      if (spec.max) {
        r.max = spec.max;
      } else {
        r.ticks = { precision: 0 };
      }
      result.scales = { r: r };
      return result;
    }
    var value = { stacked: spec.stacked, beginAtZero: true, ticks: { precision: 0 } };
    var category = { stacked: spec.stacked, ticks: { autoSkip: false } };
    result.indexAxis = spec.horizontal ? "y" : "x";
    result.scales = spec.horizontal ? { x: value, y: category } : { x: category, y: value };
    return result;
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = specs[canvas.getAttribute("data-chart")];
    if (!spec) {
      return;
    }
    var wrapper = canvas.parentElement;
    wrapper.hidden = false;
    // Set through the DOM, not a style attribute, so a strict style-src allows it.
    wrapper.style.position = "relative";
    wrapper.style.height = height(spec) + "px";
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: options(spec),
    });
  });
})();
