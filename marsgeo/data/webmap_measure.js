/* marsgeo web-map library: the cursor readout and the measuring tool (see webmap.js). */
(function () {
  "use strict";
  var mg = window.marsgeo, el = mg.el;

  /* The cursor's Mars longitude and latitude. */
  mg.mouse = function (map) {
    var c = L.control({position: "bottomleft"});
    c.onAdd = function () {
      var box = el("div", "marsgeo-mouse leaflet-bar", "Mars lon/lat: move the cursor");
      map.on("mousemove", function (e) {
        var ll = e.latlng;
        box.textContent = "Mars " + ll.lng.toFixed(6) + " E, " + ll.lat.toFixed(6) +
          " N (planetocentric)";
      });
      return box;
    };
    c.addTo(map);
  };

  /* A measuring tool that measures on Mars (map.distance uses the Mars radius set below). */
  mg.measure = function (map) {
    var active = false, pts = [], line = L.polyline([], {color: "#ffd400", weight: 3,
                                                            className: "marsgeo-measure"});
    var c = L.control({position: "topleft"});
    var out;
    function total() {
      var s = 0;
      for (var i = 1; i < pts.length; i++) s += map.distance(pts[i - 1], pts[i]);
      return s;
    }
    function redraw() {
      line.setLatLngs(pts);
      var s = total();
      out.textContent = pts.length < 2 ? (active ? "click points to measure" : "") :
        (s >= 1000 ? (s / 1000).toFixed(3) + " km" : s.toFixed(2) + " m") + " on Mars";
    }
    c.onAdd = function () {
      var box = el("div", "marsgeo-measure-box leaflet-bar");
      var btn = el("a", "marsgeo-measure-button", "measure");
      btn.href = "#"; btn.title = "Measure distances on Mars (click points; click again to stop)";
      out = el("div", "marsgeo-measure-out");
      L.DomEvent.on(btn, "click", function (ev) {
        L.DomEvent.stop(ev);
        active = !active;
        if (active) { pts = []; line.addTo(map); } else { pts = []; map.removeLayer(line); }
        box.classList.toggle("active", active);
        redraw();
      });
      box.appendChild(btn);
      box.appendChild(out);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    /* preclick reaches the map for every click, also on tubes and lines, whose popups
     * stop the ordinary click from bubbling */
    map.on("preclick", function (e) {
      if (!active) return;
      pts.push(e.latlng);
      redraw();
    });
    c.addTo(map);
    mg.measureTotal = total;
  };
})();
