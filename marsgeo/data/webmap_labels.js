/* marsgeo web-map library: permanent labels (tube names, distances) placed where they cover
 * no tube and no other label, or not drawn at all (see webmap.js).
 *
 * After every zoom or move, and whenever layers come or go (once per animation frame), the
 * labels are placed greedily: names first, then distances, each at the first of its
 * candidate spots (around its tube, along its line) whose box is inside the map and overlaps
 * no tube marker, no label placed before it and, where it can, no other point. A label that
 * fits nowhere, or whose tube or line is not on the map, is taken out of the page. */
(function () {
  "use strict";
  var mg = window.marsgeo, GAP = 3, CELL = 64, CROWD = 60;

  /* Occupied boxes {x, y, w, h} (container pixels), hashed in a grid of CELL-pixel cells. */
  function Boxes() { this.cells = {}; }
  Boxes.prototype.each = function (b, f) {
    for (var i = Math.floor(b.x / CELL); i <= Math.floor((b.x + b.w) / CELL); i++) {
      for (var j = Math.floor(b.y / CELL); j <= Math.floor((b.y + b.h) / CELL); j++) {
        if (f(i + "," + j)) return true;
      }
    }
    return false;
  };
  Boxes.prototype.add = function (b) {
    var cells = this.cells;
    this.each(b, function (k) { (cells[k] = cells[k] || []).push(b); return false; });
  };
  Boxes.prototype.hits = function (b) {
    var cells = this.cells;
    return this.each(b, function (k) {
      return (cells[k] || []).some(function (o) {
        return b.x < o.x + o.w + 1 && o.x < b.x + b.w + 1 &&
               b.y < o.y + o.h + 1 && o.y < b.y + b.h + 1;
      });
    });
  };

  function onMap(map, layer) {
    return map.hasLayer(layer) && layer.options.opacity !== 0;
  }

  /* The box of a tube marker, in container pixels. */
  function markerBox(map, marker) {
    var c = map.latLngToContainerPoint(marker.getLatLng());
    var icon = marker.options.icon, size = icon && icon.options.iconSize;
    var w = size ? size[0] : 2 * (marker.options.radius || 7) + 3;
    var h = size ? size[1] : w;
    return {x: c.x - w / 2, y: c.y - h / 2, w: w, h: h};
  }

  /* Spots for a name: beside, above, below and at the corners of its tube. */
  function nameSpots(map, label) {
    var b = markerBox(map, label.owner), w = label.w, h = label.h;
    var cx = b.x + b.w / 2, cy = b.y + b.h / 2, r = b.w / 2 + GAP, d = b.w * 0.35 + GAP;
    return [
      [cx + r, cy - h / 2], [cx - r - w, cy - h / 2],
      [cx - w / 2, cy - b.h / 2 - GAP - h], [cx - w / 2, cy + b.h / 2 + GAP],
      [cx + d, cy - d - h], [cx + d, cy + d], [cx - d - w, cy - d - h], [cx - d - w, cy + d],
      [cx + r, cy - h / 2 - h], [cx + r, cy + h / 2], [cx - r - w, cy - h / 2 - h],
      [cx - r - w, cy + h / 2],
      [cx, cy - b.h / 2 - GAP - h], [cx - w, cy - b.h / 2 - GAP - h],
      [cx, cy + b.h / 2 + GAP], [cx - w, cy + b.h / 2 + GAP]
    ];
  }

  /* Spots for a distance: centred on its line at its middle and further along, then beside
   * the line there. */
  function lineSpots(map, label) {
    var ll = label.owner.getLatLngs(), spots = [], w = label.w, h = label.h;
    if (ll.length < 2) return spots;
    var a = map.latLngToContainerPoint(ll[0]), b = map.latLngToContainerPoint(ll[ll.length - 1]);
    var dx = b.x - a.x, dy = b.y - a.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
    var nx = -dy / len, ny = dx / len;
    /* how far off the line a box must move to clear it */
    var off = (Math.abs(nx) * w + Math.abs(ny) * h) / 2 + GAP;
    [0.5, 0.4, 0.6, 0.3, 0.7].forEach(function (t) {
      var x = a.x + t * dx, y = a.y + t * dy;
      spots.push([x - w / 2, y - h / 2]);
      spots.push([x + nx * off - w / 2, y + ny * off - h / 2]);
      spots.push([x - nx * off - w / 2, y - ny * off - h / 2]);
    });
    return spots;
  }

  function board(map) {
    if (map._marsgeoLabels) return map._marsgeoLabels;
    var pane = map.createPane("marsgeoLabels");
    pane.className += " marsgeo-label-pane";
    var b = {map: map, pane: pane, labels: [], frame: 0};
    b.later = function () {
      if (b.frame) return;
      b.frame = window.requestAnimationFrame(function () { b.frame = 0; place(b); });
    };
    map.on("zoomend moveend layeradd layerremove resize viewreset", b.later);
    map._marsgeoLabels = b;
    return b;
  }

  function add(map, owner, text, kind, spots) {
    var b = board(map);
    var node = mg.el("div", "marsgeo-maplabel marsgeo-" + kind + "-label", text);
    node.setAttribute("aria-hidden", "true");  /* the tube itself carries its name */
    b.labels.push({owner: owner, el: node, kind: kind, spots: spots, w: 0, h: 0});
    b.later();
  }

  /* A tube's name, shown beside it. */
  mg.nameLabel = function (map, marker, text) { add(map, marker, text, "name", nameSpots); };
  /* A line's label (a distance), shown on or beside it. */
  mg.lineLabel = function (map, line, text) { add(map, line, text, "distance", lineSpots); };

  /* Other points on the map (places, the lander, landing spots): labels keep off them when
   * they can. */
  function dots(map, taken) {
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.CircleMarker) || layer instanceof L.Circle || !layer._point) return;
      var r = (layer._radius || 0) + (layer.options.weight || 0) / 2, p = layer._point;
      var c = map.layerPointToContainerPoint(p);
      taken.add({x: c.x - r, y: c.y - r, w: 2 * r, h: 2 * r});
    });
  }

  /* Other layers' permanent tooltips (e.g. the lander's name) stay where Leaflet puts them,
   * unless they would cover a tube: then they are hidden until the view changes. */
  function tooltips(map, taken) {
    var origin = map.getContainer().getBoundingClientRect(), shown = [];
    map.eachLayer(function (layer) {
      var tip = layer.getTooltip && layer.getTooltip();
      var node = tip && tip.options.permanent && tip.getElement && tip.getElement();
      if (!node || !node.parentNode) return;
      var r = node.getBoundingClientRect();
      var box = {x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height};
      var covers = taken.hits(box);
      node.classList.toggle("marsgeo-covering", covers);
      if (!covers) shown.push(box);
    });
    shown.forEach(function (box) { taken.add(box); });
  }

  /* Names before distances; among names, the most crowded tube first (it has the fewest
   * free spots), then drop order. A tube half hidden under another is part of a blob: its
   * name would point at several tubes, so it is not shown. */
  function rank(map, live) {
    var centres = [];
    mg.tubes.forEach(function (t) {
      if (onMap(map, t.marker)) centres.push(map.latLngToContainerPoint(t.marker.getLatLng()));
    });
    live.forEach(function (l, i) {
      l.rank = i;
      l.crowd = 0;
      l.blob = false;
      if (l.kind !== "name" || centres.length > 200) return;
      var c = map.latLngToContainerPoint(l.owner.getLatLng()), w = markerBox(map, l.owner).w;
      centres.forEach(function (o) {
        var d = c.distanceTo(o);
        if (d < CROWD) l.crowd++;
        if (d > 0 && d < 0.75 * w) l.blob = true;
      });
    });
    live.sort(function (p, q) {
      return ((p.kind === "name" ? 0 : 1) - (q.kind === "name" ? 0 : 1)) ||
        (q.crowd - p.crowd) || (p.rank - q.rank);
    });
  }

  /* The first spot inside the map clear of every point, else the first clear of tubes and
   * labels (it may cover a landing spot's dot), else null. */
  function spotFor(map, l, taken, soft) {
    var size = map.getSize(), spots = l.blob || !l.w ? [] : l.spots(map, l), spot = null;
    [true, false].some(function (clear) {
      return spots.some(function (s) {
        var box = {x: Math.round(s[0]), y: Math.round(s[1]), w: l.w, h: l.h};
        if (box.x < 0 || box.y < 0 || box.x + box.w > size.x || box.y + box.h > size.y ||
            taken.hits(box) || (clear && soft.hits(box))) return false;
        spot = box;
        return true;
      });
    });
    return spot;
  }

  function place(b) {
    var map = b.map, taken = new Boxes(), soft = new Boxes();
    if (!map._loaded) return;
    mg.tubes.forEach(function (t) {
      if (onMap(map, t.marker)) taken.add(markerBox(map, t.marker));
    });
    dots(map, soft);
    tooltips(map, taken);
    var live = b.labels.filter(function (l) { return onMap(map, l.owner); });
    b.labels.forEach(function (l) { if (!onMap(map, l.owner)) l.el.remove(); });
    /* new labels are measured once, together */
    var fresh = live.filter(function (l) { return !l.w; });
    fresh.forEach(function (l) {
      l.el.style.visibility = "hidden";
      if (!l.el.parentNode) b.pane.appendChild(l.el);
    });
    fresh.forEach(function (l) {
      var r = l.el.getBoundingClientRect();
      l.w = Math.ceil(r.width); l.h = Math.ceil(r.height);
    });
    rank(map, live);
    live.forEach(function (l) {
      var spot = spotFor(map, l, taken, soft);
      if (!spot) {
        l.el.remove();
        return;
      }
      taken.add(spot);
      L.DomUtil.setPosition(l.el, map.containerPointToLayerPoint([spot.x, spot.y]));
      l.el.style.visibility = "";
      if (!l.el.parentNode) b.pane.appendChild(l.el);
    });
  }
  mg.placeLabels = function (map) { if (map._marsgeoLabels) place(map._marsgeoLabels); };
})();
