/* marsgeo web-map library: the drop-order timeline (see webmap.js). */
(function () {
  "use strict";
  var mg = window.marsgeo, el = mg.el;

  /* Drop-order timeline: a slider that shows the depot as it was after each drop. */
  mg.timeline = function (map, data) {
    var c = L.control({position: "topright"});
    c.onAdd = function () {
      var box = el("div", "marsgeo-timeline leaflet-bar");
      box.appendChild(el("div", "marsgeo-legend-title", data.title));
      var input = el("input");
      input.type = "range"; input.min = 0; input.max = mg.tubes.length;
      input.value = mg.tubes.length; input.className = "marsgeo-timeline-input";
      var label = el("div", "marsgeo-timeline-label");
      function show(k) {
        var last = null;
        mg.tubes.forEach(function (t) {
          var on = t.order <= k;
          t.marker.setStyle({opacity: on ? 1 : 0, fillOpacity: on ? 0.9 : 0});
          if (on && (!last || t.order > last.order)) last = t;
        });
        label.textContent = (k === 0 || !last) ? "before the first drop" :
          "after drop " + k + " of " + mg.tubes.length + ": sol " + last.sol + " (" +
          last.date + "), " + last.name;
      }
      input.addEventListener("input", function () { show(Number(input.value)); });
      box.appendChild(input);
      box.appendChild(label);
      L.DomEvent.disableClickPropagation(box);
      mg.showDrops = function (k) { input.value = k; show(k); };
      setTimeout(function () { show(mg.tubes.length); }, 0);
      return box;
    };
    c.addTo(map);
  };
})();
