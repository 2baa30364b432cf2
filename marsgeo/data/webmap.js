/* marsgeo web-map library: draws marsgeo data on a Leaflet map of Mars.
 * Every string from data reaches the page through textContent, never as HTML; where Leaflet
 * only takes HTML (layer names, attributions) it is escaped first. */
(function () {
  "use strict";
  var mg = (window.marsgeo = window.marsgeo || {});
  mg.tubes = [];
  /* Drawn items that belong to tubes (an item's `tubes`: the keys of the tubes it touches,
   * marsgeo._mapdata.tube_key, as each mg.tubes entry's `key`; e.g. a distance line or a
   * helicopter leg): {layer, group, tubes: [key, ...]}. */
  mg.dependents = [];
  function depends(item, layer, group) {
    if (item.tubes) mg.dependents.push({layer: layer, group: group, tubes: item.tubes});
  }
  mg.depends = depends;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  mg.el = el;
  mg.table = table;

  function table(title, rows) {
    var box = el("div", "marsgeo-popup");
    if (title !== null) box.appendChild(el("div", "marsgeo-popup-title", title));
    var t = el("table");
    rows.forEach(function (r) {
      if (r[1] === null || r[1] === undefined || r[1] === "") return;
      var tr = el("tr");
      tr.appendChild(el("th", null, r[0]));
      tr.appendChild(el("td", null, r[1]));
      t.appendChild(tr);
    });
    box.appendChild(t);
    return box;
  }

  function tip(text) {
    return el("span", null, text);
  }

  /* Leaflet options: the defaults, then an item's style (path options checked in Python). */
  function look(defaults, style) {
    var o = {}, k;
    for (k in defaults) o[k] = defaults[k];
    if (style) for (k in style) if (Object.prototype.hasOwnProperty.call(style, k)) o[k] = style[k];
    return o;
  }

  mg.look = look;

  /* A hover box: the item's rows of [column, value] as a table, else its text. */
  function hover(layer, rows, text, opts) {
    if (rows) layer.bindTooltip(table(null, rows), opts);
    else if (text !== undefined && text !== null && text !== "") layer.bindTooltip(tip(text), opts);
  }

  mg.hover = hover;

  /* For the few places where Leaflet takes HTML (layer names, attributions). */
  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  mg.esc = esc;

  /* Copy `text` for the user: shown selected in `box` (a read-only text field) to copy by
   * hand, and put on the clipboard where the page may use it; `said` says which. */
  mg.copy = function (text, box, said) {
    box.value = text;
    box.hidden = false;
    box.focus();
    box.select();
    said.textContent = "Select and copy it (Ctrl+C).";
    var clip = navigator.clipboard;
    if (clip && clip.writeText) {
      clip.writeText(text).then(function () { said.textContent = "Copied to the clipboard."; },
                                function () { /* the selected text stays, to copy by hand */ });
    }
  };

  /* Runs in the header, right after Leaflet should have loaded. */
  mg.setup = function (radius, noLeaflet) {
    if (typeof L === "undefined") {
      mg.failed = true;
      document.addEventListener("DOMContentLoaded", function () {
        var box = el("div", "marsgeo-no-leaflet", noLeaflet);
        box.setAttribute("role", "alert");
        document.body.insertBefore(box, document.body.firstChild);
      });
      return;
    }
    /* Leaflet measures with Earth's radius: use Mars's. */
    L.CRS.Earth.R = L.CRS.EPSG3857.R = L.CRS.EPSG4326.R = radius;
    /* While measuring (marsgeo.measuring), a click on a tube or a line measures to it: no
     * popup opens, so none pans the map away from the next click. */
    var openPopup = L.Layer.prototype._openPopup;
    L.Layer.prototype._openPopup = function (e) {
      if (mg.measuring) return;
      openPopup.call(this, e);
    };
    /* The scale bar: metres only, and below a metre at the deepest zooms (Leaflet's own
     * rounding stops at 1 m, and draws a 1 m bar wider than the bar's room). */
    var scale = L.Control.Scale.prototype, roundNum = scale._getRoundNum;
    scale.options.imperial = false;
    scale._getRoundNum = function (num) {
      if (num >= 1) return roundNum.call(this, num);
      var pow10 = Math.pow(10, Math.floor(Math.log10(num))), d = num / pow10;
      d = d >= 5 ? 5 : d >= 3 ? 3 : d >= 2 ? 2 : 1;
      return Number((pow10 * d).toPrecision(1));
    };
  };

  /* Every layer: drawn into its own group, registered for the layer control, and shown at
   * load unless it needs a network in an offline page, is a second base layer, or is
   * synthetic terrain that would cover a real basemap. */
  mg.registry = [];
  function realBasemapOn(map) {
    return mg.registry.some(function (o) { return o.real && map.hasLayer(o.layer); });
  }
  mg.draw = function (map, kind, meta, data) {
    var group = L.featureGroup();
    mg[kind](map, group, data);
    var entry = {layer: group, name: meta.name, overlay: meta.overlay !== false,
                 remote: !!meta.remote, real: !!meta.real, synthetic: !!meta.synthetic,
                 control: meta.control !== false};
    var show = meta.show;
    if (entry.remote && mg.offline) show = false;
    else if (show === "unless-real-basemap") show = !realBasemapOn(map);
    else if (show && !entry.overlay) {
      show = !mg.registry.some(function (o) { return !o.overlay && map.hasLayer(o.layer); });
    }
    mg.registry.push(entry);
    if (show) group.addTo(map);
    return group;
  };

  /* Tiles: data = {url, wms, options: {...Leaflet TileLayer options}, attribution} */
  mg.tiles = function (map, group, data) {
    var opts = {}, k;
    for (k in data.options) opts[k] = data.options[k];
    opts.attribution = esc(data.attribution || "");
    group.addLayer(data.wms ? L.tileLayer.wms(data.url, opts) : L.tileLayer(data.url, opts));
  };

  /* An image (a rendered raster): data = {url, bounds: [[s, w], [n, e]], opacity,
   * attribution, stamp}. A stamp (e.g. SYNTHETIC) is written across the image at screen
   * size, so it is readable at every zoom. */
  mg.image = function (map, group, data) {
    group.addLayer(L.imageOverlay(data.url, data.bounds, {
      opacity: data.opacity, attribution: esc(data.attribution || ""), interactive: false,
      zIndex: 2, className: "marsgeo-image"}));
    if (data.stamp) group.addLayer(stampLayer(data.bounds, data.stamp));
  };

  function stampLayer(bounds, word) {
    var Stamp = L.GridLayer.extend({
      createTile: function (coords) {
        var tile = document.createElement("canvas"), size = this.getTileSize();
        tile.width = size.x; tile.height = size.y;
        if (Math.abs(coords.x + coords.y) % 2 === 1) return tile;  /* every other tile */
        var ctx = tile.getContext("2d");
        ctx.font = "bold 12px sans-serif";
        ctx.textBaseline = "middle";
        var w = ctx.measureText(word).width + 10;
        var x = (size.x - w) / 2, y = size.y / 2;
        ctx.fillStyle = "rgba(25, 25, 25, 0.55)";
        ctx.fillRect(x, y - 9, w, 18);
        ctx.fillStyle = "#ffffff";
        ctx.fillText(word, x + 5, y);
        return tile;
      }
    });
    return new Stamp({bounds: L.latLngBounds(bounds), pane: "overlayPane", zIndex: 3,
                      tileSize: 384, className: "marsgeo-stamp", noWrap: true});
  }

  /* The layer control, from the registry; names are text. */
  mg.layers = function (map, data) {
    var c = L.control.layers(null, null, {collapsed: data.collapsed !== false});
    mg.registry.forEach(function (e) {
      if (!e.control) return;
      var name = "<span class=\"marsgeo-layer-name\">" + esc(e.name) + "</span>" +
        (e.remote ? " <span class=\"marsgeo-needs-network\">(needs a network)</span>" : "");
      if (e.overlay) c.addOverlay(e.layer, name); else c.addBaseLayer(e.layer, name);
    });
    c.addTo(map);
    /* choosing a real basemap hides synthetic terrain drawn over it (it can be turned on) */
    map.on("baselayerchange", function (ev) {
      var real = mg.registry.some(function (o) { return o.layer === ev.layer && o.real; });
      if (!real) return;
      mg.registry.forEach(function (o) {
        if (o.synthetic && map.hasLayer(o.layer)) map.removeLayer(o.layer);
      });
    });
  };

  /* Points (tubes, places, spots): data = {points: [{lat, lon, name, color, radius,
   * order, sol, date, popup: [[k, v], ...], label}], register: bool} */
  mg.points = function (map, group, data) {
    data.points.forEach(function (p) {
      var m = L.circleMarker([p.lat, p.lon], look({
        radius: p.radius || 7, color: p.stroke || "#111", weight: 1.5,
        fillColor: p.color || "#999", fillOpacity: 0.9, className: p.cls || "marsgeo-point",
      }, p.style));
      hover(m, p.tip, p.name, {permanent: !!p.label, direction: "top",
                               className: "marsgeo-label"});
      if (p.popup) m.bindPopup(table(p.title || p.name, p.popup), {maxWidth: 360});
      m.marsgeo = p;
      group.addLayer(m);
      depends(p, m, group);
      if (data.register) mg.tubes.push({marker: m, group: group, order: p.order, sol: p.sol,
                                         date: p.date, name: p.name});
    });
  };

  /* Lines: data = {lines: [{coords: [[lat, lon], ...], color, weight, dash, label,
   * permanent, popup}]} */
  mg.lines = function (map, group, data) {
    data.lines.forEach(function (l) {
      var pl = L.polyline(l.coords, look({color: l.color || "#333", weight: l.weight || 2,
                                          dashArray: l.dash || null, opacity: 0.9,
                                          className: l.cls || "marsgeo-line"}, l.style));
      if (l.tip) hover(pl, l.tip, null, {sticky: true, className: "marsgeo-label"});
      else if (l.label) pl.bindTooltip(tip(l.label), {permanent: !!l.permanent,
                                                      direction: "center",
                                                      className: "marsgeo-label"});
      if (l.popup) pl.bindPopup(table(l.title || "", l.popup), {maxWidth: 360});
      group.addLayer(pl);
      depends(l, pl, group);
    });
  };

  /* Polygons: data = {polygons: [{rings: [[[lat, lon], ...], ...], color, fill, label,
   * title, popup: [[k, v], ...]}]} */
  mg.polygons = function (map, group, data) {
    data.polygons.forEach(function (p) {
      var pg = L.polygon(p.rings, look({color: p.color || "#c00", weight: p.weight || 1.5,
                                   fillColor: p.fill || p.color || "#c00",
                                   fillOpacity: p.fillOpacity === undefined ? 0.25 : p.fillOpacity,
                                   fill: p.fillOpacity !== 0,  /* outlines: only the line is live */
                                   dashArray: p.dash || null,
                                   className: p.cls || "marsgeo-polygon"}, p.style));
      hover(pg, p.tip, p.label, {sticky: true, className: "marsgeo-label"});
      if (p.popup) pg.bindPopup(table(p.title || p.label || "", p.popup), {maxWidth: 360});
      group.addLayer(pg);
      depends(p, pg, group);
    });
  };

  /* A layer of any geometry (marsgeo.explore): data = {polygons: [...], lines: [...],
   * points: [...]}, each item as above, with `style` (Leaflet path options), `tip` (rows
   * shown on hover) and `title` (of the popup). */
  mg.features = function (map, group, data) {
    if (data.polygons) mg.polygons(map, group, data);
    if (data.lines) mg.lines(map, group, data);
    if (data.points) mg.points(map, group, data);
  };

  /* Legend: data = {title, items: [[color, text]], notes: [text]} */
  mg.legend = function (map, data) {
    var c = L.control({position: "bottomright"});
    c.onAdd = function () {
      var box = el("div", "marsgeo-legend leaflet-bar"), body = el("div", "marsgeo-body");
      if (data.title) body.appendChild(el("div", "marsgeo-legend-title", data.title));
      data.items.forEach(function (it) {
        var row = el("div", "marsgeo-legend-row"), sw;
        if (it[2] && mg.shapeSvg) {  /* a tube type: its marker's shape and colour */
          sw = mg.shapeSvg(it[2], it[0], 14);
          sw.setAttribute("class", "marsgeo-shape marsgeo-legend-shape");
        } else {
          sw = el("span", "marsgeo-swatch");
          sw.style.background = it[0];
        }
        row.appendChild(sw);
        row.appendChild(el("span", null, it[1]));
        body.appendChild(row);
      });
      data.notes.forEach(function (n) { body.appendChild(el("div", "marsgeo-note", n)); });
      var remote = mg.registry.filter(function (o) { return o.remote; });
      if (mg.offline && remote.length) {
        body.appendChild(el("div", "marsgeo-note marsgeo-offline-note",
          "Off until you turn them on (they need a network): " +
          remote.map(function (o) { return o.name; }).join("; ") + "."));
      }
      box.appendChild(body);
      mg.collapsible(box, "Legend", body);  /* folded at load on a phone */
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    c.addTo(map);
  };
})();
