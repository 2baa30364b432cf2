/* marsgeo web-map library: large point sets on one canvas (see webmap.js and
 * marsgeo/_cloud.py for the encoding). A cloud is one Leaflet layer: a canvas over the view,
 * redrawn after every move and zoom (scaled with the map while a zoom animates); hovering
 * and clicking find the point under the cursor through a grid index of the drawn points.
 * Every text is written with textContent. */
(function () {
  "use strict";
  if (typeof L === "undefined") return;  /* no Leaflet: the page says so (mg.setup) */
  var mg = window.marsgeo, el = mg.el;
  var SIZES = {u8: 1, u16: 2, u32: 4};
  var PAD = 0.2;  /* the canvas reaches this share of the view beyond each edge */

  /* Little-endian unsigned integers from base64: {type: "u8" | "u16" | "u32", b64}. */
  function ints(a) {
    var s = atob(a.b64), bytes = new Uint8Array(s.length), i;
    for (i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    var size = SIZES[a.type], n = bytes.length / size;
    if (size === 1) return bytes;
    var out = size === 2 ? new Uint16Array(n) : new Uint32Array(n);
    var view = new DataView(bytes.buffer);
    for (i = 0; i < n; i++) out[i] = size === 2 ? view.getUint16(2 * i, true) :
      view.getUint32(4 * i, true);
    return out;
  }
  mg.cloudInts = ints;

  /* Positions: {step, ref: [lon, lat] in steps, x, y: offsets in steps} -> lat, lng arrays. */
  function positions(d) {
    var x = ints(d.x), y = ints(d.y), n = x.length, i;
    var lng = new Float64Array(n), lat = new Float64Array(n);
    for (i = 0; i < n; i++) {
      lng[i] = (d.ref[0] + x[i]) * d.step;
      lat[i] = (d.ref[1] + y[i]) * d.step;
    }
    return {lat: lat, lng: lng};
  }

  /* A text column: {name, joined, lengths (+1; 0: no value), codes (optional)}: the
   * distinct values joined into one text; value(i) -> point i's text or null. */
  function column(c) {
    var lengths = ints(c.lengths), n = lengths.length, start = new Float64Array(n + 1), k;
    for (k = 0; k < n; k++) start[k + 1] = start[k] + Math.max(lengths[k] - 1, 0);
    var codes = c.codes ? ints(c.codes) : null;
    return {name: c.name, value: function (i) {
      var j = codes ? codes[i] : i;
      return lengths[j] ? c.joined.slice(start[j], start[j + 1]) : null;
    }};
  }

  /* Projected coordinates (the map CRS's projection, before its zoom scale). */
  function project(map, lat, lng) {
    var proj = map.options.crs.projection, n = lat.length, i, p;
    var px = new Float64Array(n), py = new Float64Array(n);
    for (i = 0; i < n; i++) {
      p = proj.project(L.latLng(lat[i], lng[i]));
      px[i] = p.x; py[i] = p.y;
    }
    return {x: px, y: py};
  }

  /* A CSS colour as [r, g, b] (the page's own parser reads it). */
  function rgbOf(colour) {
    var c = document.createElement("canvas").getContext("2d");
    c.fillStyle = "#000"; c.fillStyle = colour;
    var v = c.fillStyle;  /* "#rrggbb" or "rgba(r, g, b, a)" */
    if (v.charAt(0) === "#") {
      return [1, 3, 5].map(function (k) { return parseInt(v.substr(k, 2), 16); });
    }
    return v.replace(/[^\d.,]/g, "").split(",").slice(0, 3).map(Number);
  }

  /* A point's look as pixel offsets from its centre, at the screen's pixel ratio: the fill
   * (within radius - weight / 2) and the outline (out to radius + weight / 2). */
  function stamp(look, ratio) {
    var r = look.radius * ratio, w = look.weight * ratio, inner = r - w / 2;
    var outer = r + w / 2, reach = Math.ceil(outer), fill = [], line = [], dx, dy, d;
    for (dy = -reach; dy <= reach; dy++) {
      for (dx = -reach; dx <= reach; dx++) {
        d = Math.sqrt(dx * dx + dy * dy);
        if (d <= inner) fill.push(dx, dy);
        else if (d <= outer && w > 0) line.push(dx, dy);
      }
    }
    return {fill: fill, line: line, reach: reach};
  }

  /* Pixels as 32-bit words (little-endian: A B G R), where the machine is little-endian. */
  var LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  function word(rgb) {
    return ((255 << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]) >>> 0;
  }

  /* Offsets of a stamp's pixels in a row-major image W pixels wide. */
  function linear(offsets, W) {
    var out = new Int32Array(offsets.length / 2);
    for (var j = 0; j < out.length; j++) out[j] = offsets[2 * j + 1] * W + offsets[2 * j];
    return out;
  }

  /* Paint colour [r, g, b] at opacity a (0..1) on pixel k of RGBA bytes px ("over"). */
  function paint(px, k, rgb, a) {
    if (a >= 1) {
      px[k] = rgb[0]; px[k + 1] = rgb[1]; px[k + 2] = rgb[2]; px[k + 3] = 255;
      return;
    }
    var da = px[k + 3] / 255, oa = a + da * (1 - a), keep = da * (1 - a);
    if (oa <= 0) return;
    px[k] = (rgb[0] * a + px[k] * keep) / oa;
    px[k + 1] = (rgb[1] * a + px[k + 1] * keep) / oa;
    px[k + 2] = (rgb[2] * a + px[k + 2] * keep) / oa;
    px[k + 3] = oa * 255;
  }

  var Cloud = L.Layer.extend({
    initialize: function (data) {
      this.data = data;
      this.n = data.n || 0;
      this.draws = 0;
      if (this.n) {
        this.pos = positions(data);
        this.colour = ints(data.colour);
        this.columns = (data.columns || []).map(column);
        this.show = data.show || {};
      }
      if (data.segments) this.seg = positions(data.segments);
    },

    onAdd: function (map) {
      var c = this._canvas = L.DomUtil.create("canvas", "marsgeo-cloud " + (this.data.cls || ""));
      if (map._zoomAnimated) L.DomUtil.addClass(c, "leaflet-zoom-animated");
      c.style.pointerEvents = "none";
      map.getPane("overlayPane").appendChild(c);
      if (!this.xy || this._crs !== map.options.crs) {
        this._crs = map.options.crs;
        if (this.n) this.xy = project(map, this.pos.lat, this.pos.lng);
        if (this.seg) this.segXY = project(map, this.seg.lat, this.seg.lng);
      }
      this._redraw();
    },

    onRemove: function (map) {
      this._leave();
      if (this._popup) map.closePopup(this._popup);
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
      this.grid = null;
    },

    getEvents: function () {
      var events = {moveend: this._redraw, viewreset: this._redraw, resize: this._redraw};
      if (this.n) {
        events.mousemove = this._move;
        events.mouseout = this._leave;
        events.click = this._click;
      }
      if (this._map && this._map._zoomAnimated) events.zoomanim = this._animateZoom;
      return events;
    },

    /* While a zoom animates, scale the drawn canvas with the map (as an image overlay is). */
    _animateZoom: function (e) {
      var map = this._map, scale = map.getZoomScale(e.zoom, this._zoom);
      var at = map._latLngToNewLayerPoint(this._corner, e.zoom, e.center);
      L.DomUtil.setTransform(this._canvas, at, scale);
    },

    /* Draw once in the next frame, however many moves asked for it. */
    _redraw: function () {
      if (this._pending) return;
      this._pending = true;
      L.Util.requestAnimFrame(function () { this._pending = false; this._draw(); }, this);
    },

    /* Draw what the canvas covers: the view and PAD of it beyond each edge. */
    _draw: function () {
      var map = this._map, c = this._canvas;
      if (!map || !c) return;
      if (!map._loaded) { map.whenReady(this._draw, this); return; }
      var size = map.getSize(), ratio = window.devicePixelRatio || 1;
      var padX = Math.round(size.x * PAD), padY = Math.round(size.y * PAD);
      var w = size.x + 2 * padX, h = size.y + 2 * padY;
      var corner = map.containerPointToLayerPoint([-padX, -padY]);
      L.DomUtil.setPosition(c, corner);
      c.style.width = w + "px"; c.style.height = h + "px";
      c.width = Math.round(w * ratio); c.height = Math.round(h * ratio);
      this._zoom = map.getZoom();
      this._corner = map.layerPointToLatLng(corner);
      this._cornerLayer = corner;
      /* screen position = a * projected + b (per axis), rounded as Leaflet rounds */
      var crs = map.options.crs, scale = crs.scale(this._zoom), t = crs.transformation;
      var o = t.transform(L.point(0, 0), scale), u = t.transform(L.point(1, 1), scale);
      var origin = map.getPixelOrigin();
      var f = {ax: u.x - o.x, bx: o.x, ay: u.y - o.y, by: o.y,
               ox: origin.x + corner.x, oy: origin.y + corner.y, w: w, h: h};
      var ctx = c.getContext("2d");
      ctx.clearRect(0, 0, c.width, c.height);
      if (this.segXY) this._segments(ctx, f, ratio);
      if (this.n) this._points(ctx, f, ratio);
      this.draws += 1;
      if (!mg.cloudDrawnAt) mg.cloudDrawnAt = performance.now();  /* the first draw */
      this.fire("marsgeo-drawn");
    },

    _segments: function (ctx, f, ratio) {
      var s = this.data.segments, look = s.look, n = s.count, xy = this.segXY, i, j;
      var x0, y0, x1, y1;
      ctx.save();
      ctx.scale(ratio, ratio);
      ctx.strokeStyle = look.color; ctx.lineWidth = look.weight; ctx.globalAlpha = look.opacity;
      if (look.dashArray) ctx.setLineDash(look.dashArray.split(/[\s,]+/).map(Number));
      ctx.beginPath();
      for (i = 0; i < n; i++) {
        j = i + n;  /* the first ends, then the second ends */
        x0 = Math.round(f.ax * xy.x[i] + f.bx) - f.ox; y0 = Math.round(f.ay * xy.y[i] + f.by) - f.oy;
        x1 = Math.round(f.ax * xy.x[j] + f.bx) - f.ox; y1 = Math.round(f.ay * xy.y[j] + f.by) - f.oy;
        if ((x0 < 0 && x1 < 0) || (y0 < 0 && y1 < 0) || (x0 > f.w && x1 > f.w) ||
            (y0 > f.h && y1 > f.h)) continue;
        ctx.moveTo(x0, y0); ctx.lineTo(x1, y1);
      }
      ctx.stroke();
      ctx.restore();
    },

    /* Paint the points in order (later ones on top), pixel by pixel, and index the painted
     * ones in a grid of cells about a point wide, in canvas pixels. */
    _points: function (ctx, f, ratio) {
      var look = this.data.look, n = this.n, xy = this.xy, i, j, x, y, k, px, py, at0;
      var shape = stamp(look, ratio), fills = this.data.palette.map(rgbOf);
      var line = rgbOf(look.color), fa = look.fillOpacity, la = look.opacity;
      var W = ctx.canvas.width, H = ctx.canvas.height;
      var image = this.segXY ? ctx.getImageData(0, 0, W, H) : ctx.createImageData(W, H);
      var pixels = image.data, reach = Math.ceil(look.radius + look.weight / 2 + 1);
      var cell = Math.max(8, 2 * reach), cols = Math.ceil(f.w / cell) + 1;
      var rows = Math.ceil(f.h / cell) + 1;
      var sx = new Float64Array(n), sy = new Float64Array(n), at = new Int32Array(n);
      var count = new Int32Array(cols * rows + 1), rgb;
      var fast = LITTLE && fa >= 1 && la >= 1 ? new Uint32Array(pixels.buffer) : null;
      var words = fills.map(word), lineWord = word(line);
      var fillAt = linear(shape.fill, W), lineAt = linear(shape.line, W);
      for (i = 0; i < n; i++) {
        x = Math.round(f.ax * xy.x[i] + f.bx) - f.ox;
        y = Math.round(f.ay * xy.y[i] + f.by) - f.oy;
        sx[i] = x; sy[i] = y;
        if (x < -reach || y < -reach || x > f.w + reach || y > f.h + reach) { at[i] = -1; continue; }
        px = Math.round(x * ratio); py = Math.round(y * ratio); rgb = fills[this.colour[i]];
        if (fast && px >= shape.reach && py >= shape.reach && px < W - shape.reach &&
            py < H - shape.reach) {
          /* opaque and wholly inside: whole words, no checks */
          at0 = py * W + px; k = words[this.colour[i]];
          for (j = 0; j < fillAt.length; j++) fast[at0 + fillAt[j]] = k;
          for (j = 0; j < lineAt.length; j++) fast[at0 + lineAt[j]] = lineWord;
        } else {
          this._slow(pixels, shape, px, py, W, H, rgb, line, fa, la);
        }
        k = Math.min(cols - 1, Math.max(0, Math.floor(x / cell))) +
          cols * Math.min(rows - 1, Math.max(0, Math.floor(y / cell)));
        at[i] = k;
        count[k + 1] += 1;
      }
      ctx.putImageData(image, 0, 0);
      for (k = 0; k < cols * rows; k++) count[k + 1] += count[k];
      var fill = count.slice(0, cols * rows), members = new Int32Array(count[cols * rows]);
      for (i = 0; i < n; i++) if (at[i] >= 0) members[fill[at[i]]++] = i;
      this.grid = {cell: cell, cols: cols, rows: rows, start: count, members: members,
                   x: sx, y: sy, reach: reach};
    },

    /* Paint one point pixel by pixel: translucent, or reaching past the canvas's edge. */
    _slow: function (pixels, shape, px, py, W, H, rgb, line, fa, la) {
      var j, x, y;
      for (j = 0; j < shape.fill.length; j += 2) {
        x = px + shape.fill[j]; y = py + shape.fill[j + 1];
        if (x >= 0 && x < W && y >= 0 && y < H) paint(pixels, 4 * (y * W + x), rgb, fa);
      }
      for (j = 0; j < shape.line.length; j += 2) {
        x = px + shape.line[j]; y = py + shape.line[j + 1];
        if (x >= 0 && x < W && y >= 0 && y < H) paint(pixels, 4 * (y * W + x), line, la);
      }
    },

    /* The point under a container point (the nearest within a point's reach; of equals,
     * the one drawn on top), or -1. */
    pointAt: function (cp) {
      var g = this.grid, map = this._map;
      if (!g || !map) return -1;
      var corner = map.layerPointToContainerPoint(this._cornerLayer);
      var x = cp.x - corner.x, y = cp.y - corner.y, best = -1, bestD = g.reach * g.reach;
      var cx = Math.floor(x / g.cell), cy = Math.floor(y / g.cell), i, j, k, m, d, dx, dy;
      for (j = cy - 1; j <= cy + 1; j++) {
        if (j < 0 || j >= g.rows) continue;
        for (i = cx - 1; i <= cx + 1; i++) {
          if (i < 0 || i >= g.cols) continue;
          k = i + g.cols * j;
          for (m = g.start[k]; m < g.start[k + 1]; m++) {
            dx = g.x[g.members[m]] - x; dy = g.y[g.members[m]] - y; d = dx * dx + dy * dy;
            if (d < bestD || (d === bestD && g.members[m] > best)) {
              bestD = d; best = g.members[m];
            }
          }
        }
      }
      return best;
    },

    latLngOf: function (i) { return L.latLng(this.pos.lat[i], this.pos.lng[i]); },

    /* The rows [column, value] of point i for the columns `which` (indices). */
    rows: function (i, which) {
      var cols = this.columns;
      return (which || []).map(function (k) { return [cols[k].name, cols[k].value(i)]; });
    },

    popupOf: function (i) {
      var show = this.show, rows = this.rows(i, show.popup);
      if (show.position) {
        rows.push(["position", this.pos.lng[i].toFixed(7) + " E, " +
                               this.pos.lat[i].toFixed(7) + " N"]);
      }
      var title = show.title === undefined ? null : this.columns[show.title].value(i);
      return mg.table((show.prefix || "") + (title === null ? "" : title), rows);
    },

    tipOf: function (i) {
      var show = this.show;
      if (show.tip && show.tip.length) return mg.table(null, this.rows(i, show.tip));
      if (show.name === undefined) return null;
      var name = this.columns[show.name].value(i);
      return name === null || name === undefined ? null : el("span", null, name);
    },

    _move: function (e) {
      var i = this.pointAt(e.containerPoint), map = this._map;
      if (i === this.hovered) return;
      this._leave();
      if (i < 0) return;
      this.hovered = i;
      map.getContainer().style.cursor = "pointer";
      var content = this.tipOf(i);
      if (!content) return;
      this._tip = L.tooltip({direction: "top", className: "marsgeo-label marsgeo-cloud-tip",
                             offset: [0, -this.data.look.radius]})
        .setLatLng(this.latLngOf(i)).setContent(content);
      map.openTooltip(this._tip);
    },

    _leave: function () {
      this.hovered = -1;
      if (!this._map) return;
      this._map.getContainer().style.cursor = "";
      if (this._tip) this._map.closeTooltip(this._tip);
      this._tip = null;
    },

    _click: function (e) {
      var i = this.pointAt(e.containerPoint);
      if (i < 0 || !this.show.popup || mg.measuring) return;  /* measuring: no popup */
      this._popup = L.popup({maxWidth: 360, className: "marsgeo-cloud-popup"})
        .setLatLng(this.latLngOf(i)).setContent(this.popupOf(i));
      this._map.openPopup(this._popup);
    }
  });

  /* A point cloud: data = {n, step, ref, x, y, palette, colour, look, columns, show, cls,
   * segments: {count, step, ref, x, y, look}, features: {...as mg.features}}. */
  mg.cloud = function (map, group, data) {
    if (data.features) mg.features(map, group, data.features);
    var layer = new Cloud(data);
    group.addLayer(layer);
    (mg.clouds = mg.clouds || []).push(layer);
    group.cloud = layer;
  };
})();
