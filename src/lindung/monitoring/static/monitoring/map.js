/* Coverage map (Leaflet, served by Lindung; no tile server: only the imported outlines).
   The figures are those of the table above; a click opens the region's page. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var colours = { "cov-0": "#c62828", "cov-1": "#ef6c00", "cov-2": "#f9a825",
                  "cov-3": "#2e7d32", "cov-none": "#b0bec5" };
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
      var layer = L.geoJSON(data, {
        style: function (f) {
          return { fillColor: colours[f.properties["class"]] || colours["cov-none"],
                   fillOpacity: 0.75, color: "#37474f", weight: 1 };
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          var pct = p.coverage_pct === null ? "–" :
            p.coverage_pct.toLocaleString("id-ID", { minimumFractionDigits: 1 }) + " %";
          l.bindTooltip(p.name + ": " + pct);
          l.on("click", function () { window.location.href = p.url; });
        }
      }).addTo(map);
      if (layer.getLayers().length) { map.fitBounds(layer.getBounds()); }
    });
})();
