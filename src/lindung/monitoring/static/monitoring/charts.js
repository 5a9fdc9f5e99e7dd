/* Dashboard charts (Chart.js, served by Lindung from node_modules; no inline script: the
   figures come from the page's <script type="application/json" id="chart-data">). Every chart
   has its table on the page; the canvas is decoration for sighted readers (aria-hidden). */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var number = new Intl.NumberFormat("id-ID");
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { new Chart(canvas, config); }
  }
  var ticks = { callback: function (v) { return number.format(v); }, precision: 0 };
  draw("chart-trend", {
    type: "line",
    data: { labels: data.trend.labels, datasets: [{
      label: data.trend.label, data: data.trend.values, borderColor: "#0172ad",
      backgroundColor: "rgba(1,114,173,.15)", fill: true, tension: 0.2 }] },
    options: { plugins: { legend: { display: false } },
               scales: { y: { beginAtZero: true, ticks: ticks } } }
  });
  draw("chart-occupation", {
    type: "bar",
    data: { labels: data.occupation.labels, datasets: [{
      label: data.occupation.label, data: data.occupation.values,
      backgroundColor: "#2e8540" }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } },
               scales: { x: { beginAtZero: true, ticks: ticks } } }
  });
  draw("chart-sex", {
    type: "doughnut",
    data: { labels: data.sex.labels, datasets: [{
      data: data.sex.values, backgroundColor: ["#0172ad", "#c0392b"] }] },
    options: { plugins: { legend: { position: "bottom" } } }
  });
  draw("chart-children", {
    type: "bar",
    data: { labels: data.children.labels, datasets: [{
      label: data.children.label, data: data.children.values,
      backgroundColor: "#7b4fa0" }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } },
               scales: { x: { beginAtZero: true, max: data.children.max, ticks: ticks } } }
  });
})();
