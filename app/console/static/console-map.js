/* The reports map on tiles (only when TONGDAI_MAP_TILES is configured): the vendored Leaflet, one marker per open
   ticket, each linking to the ticket. Without this script the server-drawn SVG map stays. */
(function () {
  "use strict";
  var el = document.getElementById("leaflet-map");
  if (!el || !window.L) { return; }
  var points = JSON.parse(el.getAttribute("data-points") || "[]");
  var map = L.map(el);
  L.tileLayer(el.getAttribute("data-tiles"), {
    attribution: el.getAttribute("data-attribution") || "", maxZoom: 19
  }).addTo(map);
  var bounds = [];
  points.forEach(function (p) {
    var link = document.createElement("a");
    link.href = p.href;
    link.textContent = p.label;
    L.marker([p.lat, p.lon], {title: p.label, alt: p.label, keyboard: true}).addTo(map).bindPopup(link);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, {maxZoom: 15, padding: [24, 24]});
  } else {
    var centre = (el.getAttribute("data-centre") || "0,0").split(",").map(Number);
    map.setView(centre, 12); /* the middle of the gazetteer's streets */
  }
  document.body.classList.add("has-tiles");
})();
