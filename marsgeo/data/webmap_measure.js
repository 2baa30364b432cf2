/* marsgeo web-map library: the cursor readout, the measuring tool and the DTM's elevations
 * (see webmap.js). Lengths, bearings and areas are on the Mars sphere: great circles of
 * radius L.CRS.Earth.R, which marsgeo.setup sets to Mars's. */
(function () {
  "use strict";
  var mg = window.marsgeo, el = mg.el;
  var RAD = Math.PI / 180, SVG = "http://www.w3.org/2000/svg";
  var SNAP_PX = 10;          /* a click this close to a tube's centre measures to the tube */
  var PROFILE_STEPS = 200;   /* a profile has this many even steps along the measured line */

  /* --- great circles on the Mars sphere ------------------------------------------------ */
  function radius() { return L.CRS.Earth.R; }

  /* Central angle (haversine) between {lat, lng} points, in radians. */
  function angle(a, b) {
    var s1 = Math.sin((b.lat - a.lat) * RAD / 2), s2 = Math.sin((b.lng - a.lng) * RAD / 2);
    var h = s1 * s1 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * s2 * s2;
    return 2 * Math.atan2(Math.sqrt(h), Math.sqrt(Math.max(0, 1 - h)));
  }
  function distance(a, b) { return radius() * angle(a, b); }

  /* Initial great-circle bearing from a to b, degrees from true north, 0-360. */
  function bearing(a, b) {
    var p1 = a.lat * RAD, p2 = b.lat * RAD, dl = (b.lng - a.lng) * RAD;
    var y = Math.sin(dl) * Math.cos(p2);
    var x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
    var deg = Math.atan2(y, x) / RAD;
    return deg < 0 ? deg + 360 : deg;
  }

  /* The point a fraction t of the way from a to b along their great circle. */
  function between(a, b, t) {
    var w = angle(a, b);
    if (w === 0) return {lat: a.lat, lng: a.lng};
    var va = unit(a), vb = unit(b), sa = Math.sin((1 - t) * w) / Math.sin(w);
    var sb = Math.sin(t * w) / Math.sin(w);
    var x = sa * va[0] + sb * vb[0], y = sa * va[1] + sb * vb[1], z = sa * va[2] + sb * vb[2];
    return {lat: Math.atan2(z, Math.sqrt(x * x + y * y)) / RAD, lng: Math.atan2(y, x) / RAD};
  }

  function unit(p) {
    var f = p.lat * RAD, l = p.lng * RAD;
    return [Math.cos(f) * Math.cos(l), Math.cos(f) * Math.sin(l), Math.sin(f)];
  }
  function dot(a, b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
  function sub(a, b) { return [a[0] - b[0], a[1] - b[1], a[2] - b[2]]; }

  /* Area of the closed polygon through the points (great-circle edges) on the sphere [m^2]:
   * R^2 times its spherical excess, summed over a fan of triangles (a, b, c), each by Van
   * Oosterom and Strackee's tan(E / 2) = a.(b x c) / (1 + a.b + b.c + c.a), with a.(b x c)
   * taken as a.((b - a) x (c - a)) to keep small polygons exact. */
  function area(pts) {
    if (pts.length < 3) return 0;
    var a = unit(pts[0]), e = 0;
    for (var i = 1; i + 1 < pts.length; i++) {
      var b = unit(pts[i]), c = unit(pts[i + 1]), u = sub(b, a), v = sub(c, a);
      var triple = a[0] * (u[1] * v[2] - u[2] * v[1]) + a[1] * (u[2] * v[0] - u[0] * v[2]) +
        a[2] * (u[0] * v[1] - u[1] * v[0]);
      e += 2 * Math.atan2(triple, 1 + dot(a, b) + dot(b, c) + dot(c, a));
    }
    e = Math.abs(e);
    return radius() * radius() * Math.min(e, 4 * Math.PI - e);
  }
  mg.greatCircle = {distance: distance, bearing: bearing, between: between, area: area};

  /* --- the DTM's elevations (marsgeo._elevation) --------------------------------------- */
  mg.dtms = [];

  /* The 16-bit values of marsgeo._elevation.pack_values: base64 of the zlib-deflated low
   * bytes then high bytes of each value's difference from left + up - up-left. */
  function unpack(data) {
    var bin = atob(data.values), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer().then(function (buf) {
      var b = new Uint8Array(buf), cols = data.cols, n = data.rows * cols;
      var v = new Uint16Array(n);
      for (var k = 0; k < n; k++) {
        var j = k % cols, pred = k < cols ? (j ? v[k - 1] : 0) :
          j ? v[k - 1] + v[k - cols] - v[k - cols - 1] : v[k - cols];
        v[k] = ((b[k] | (b[n + k] << 8)) + pred) & 0xffff;
      }
      return v;
    });
  }

  /* A layer that draws nothing: data = {label, synthetic, width, height, k, cols, rows, z0,
   * step, none, values (packed, see unpack), pixel_m, mesh: {west, south, east, north, n,
   * col, row}}. The values are unpacked at once, in the background; marsgeo.elevationReady
   * settles when every DTM's are. */
  mg.elevation = function (map, group, data) {
    var dtm = {grid: data, values: null, failed: false};
    var work = typeof DecompressionStream === "undefined" ?
      Promise.reject(new Error("no DecompressionStream")) : unpack(data);
    dtm.ready = work.then(function (v) { dtm.values = v; },
                          function () { dtm.failed = true; });
    mg.dtms.push(dtm);
    mg.elevationReady = Promise.all(mg.dtms.map(function (d) { return d.ready; }));
  };

  /* The fractional DTM pixel (column, row) of a Mars lat/lon: the mesh, bilinearly. */
  function pixelOf(grid, lat, lng) {
    var m = grid.mesh, n = m.n;
    if (!(lng >= m.west && lng <= m.east && lat >= m.south && lat <= m.north)) return null;
    var fx = (lng - m.west) / (m.east - m.west) * (n - 1);
    var fy = (lat - m.south) / (m.north - m.south) * (n - 1);
    var j = Math.min(Math.floor(fx), n - 2), i = Math.min(Math.floor(fy), n - 2);
    var u = fx - j, w = fy - i, k = i * n + j;
    function at(a) {
      return a[k] * (1 - u) * (1 - w) + a[k + 1] * u * (1 - w) + a[k + n] * (1 - u) * w +
        a[k + n + 1] * u * w;
    }
    return {col: at(m.col), row: at(m.row)};
  }

  /* The elevation under a Mars lat/lon: {z (m, null without data), label, synthetic}, from
   * the first DTM that holds the point, or null off every DTM. The pixel is the one that
   * holds the point, as marsgeo.basemap.sample_raster takes it. */
  mg.elevationAt = function (lat, lng) {
    for (var d = 0; d < mg.dtms.length; d++) {
      var g = mg.dtms[d].grid, p = pixelOf(g, lat, lng), values = mg.dtms[d].values;
      if (!p || !(p.col >= 0 && p.row >= 0 && p.col < g.width && p.row < g.height)) continue;
      if (!values) {  /* still unpacking, or a browser without DecompressionStream */
        return {z: null, label: g.label, synthetic: !!g.synthetic,
                unread: mg.dtms[d].failed ? "this browser cannot read the embedded elevations" :
                  "reading the elevations"};
      }
      var v = values[Math.floor(Math.floor(p.row) / g.k) * g.cols +
                     Math.floor(Math.floor(p.col) / g.k)];
      return {z: v === g.none ? null : g.z0 + g.step * v, label: g.label,
              synthetic: !!g.synthetic};
    }
    return null;
  };

  /* -2431.2 -> "-2 431.2" (no-break spaces between thousands). */
  function metres(z, digits) {
    var s = Math.abs(z).toFixed(digits), dot = s.indexOf("."), i = dot < 0 ? s.length : dot;
    var head = s.slice(0, i), tail = s.slice(i);
    head = head.replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
    return (z < 0 ? "-" : "") + head + tail;
  }

  function elevationText(lat, lng) {
    var hit = mg.elevationAt(lat, lng);
    if (!hit) return "elevation: off the DTM";
    if (hit.unread) return "elevation: " + hit.unread + " (" + hit.label + ")";
    if (hit.z === null) return "elevation: no data (" + hit.label + ")";
    return "elevation " + metres(hit.z, 1) + " m (" + hit.label + ")";
  }

  /* --- the cursor readout -------------------------------------------------------------- */
  /* The cursor's Mars longitude and latitude, and the elevation there when a DTM is on the
   * map. */
  mg.mouse = function (map) {
    var c = L.control({position: "bottomleft"});
    c.onAdd = function () {
      var box = el("div", "marsgeo-mouse leaflet-bar");
      var pos = el("div", "marsgeo-mouse-pos", "Mars lon/lat: move the cursor");
      var elev = el("div", "marsgeo-mouse-elev");
      box.appendChild(pos);
      if (mg.dtms.length) box.appendChild(elev);
      map.on("mousemove", function (e) {
        var ll = e.latlng;
        pos.textContent = "Mars " + ll.lng.toFixed(6) + " E, " + ll.lat.toFixed(6) +
          " N (planetocentric)";
        if (mg.dtms.length) elev.textContent = elevationText(ll.lat, ll.lng);
      });
      L.DomEvent.disableClickPropagation(box);  /* a click on it is no click on the map */
      return box;
    };
    c.addTo(map);
  };

  /* --- the elevation profile of the measured line (after MMGIS's profiler) ------------- */
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function drawProfile(box, prof) {
    box.textContent = "";
    var hits = prof.filter(function (p) { return p.z !== null; });
    if (prof.length < 2) { box.style.display = "none"; return; }
    box.style.display = "";
    var label = null;
    for (var i = 0; i < prof.length && label === null; i++) {
      var h = mg.elevationAt(prof[i].lat, prof[i].lon);
      if (h) label = h.label;
    }
    box.appendChild(el("div", "marsgeo-profile-title",
                       "Elevation profile" + (label ? " (" + label + ")" : "")));
    if (!hits.length) {
      box.appendChild(el("div", "marsgeo-note", "The measured line is off the DTM."));
      return;
    }
    var W = 260, H = 96, L0 = 6, R0 = 6, T0 = 6, B0 = 18;
    var zs = hits.map(function (p) { return p.z; });
    var lo = Math.min.apply(null, zs), hi = Math.max.apply(null, zs);
    var span = hi - lo || 1, dmax = prof[prof.length - 1].d || 1;
    function X(d) { return L0 + (W - L0 - R0) * d / dmax; }
    function Y(z) { return T0 + (H - T0 - B0) * (hi - z) / span; }
    var s = svg("svg", {width: W, height: H, viewBox: "0 0 " + W + " " + H,
                        "class": "marsgeo-profile-chart", role: "img",
                        "aria-label": "elevation along the measured line"});
    var path = "", pen = false;
    prof.forEach(function (p) {
      if (p.z === null) { pen = false; return; }
      path += (pen ? "L" : "M") + X(p.d).toFixed(1) + " " + Y(p.z).toFixed(1);
      pen = true;
    });
    s.appendChild(svg("path", {d: path, "class": "marsgeo-profile-line"}));
    var top = hits[zs.indexOf(hi)], bottom = hits[zs.indexOf(lo)];
    [top, bottom].forEach(function (p) {
      s.appendChild(svg("circle", {cx: X(p.d), cy: Y(p.z), r: 2.5,
                                   "class": "marsgeo-profile-dot"}));
    });
    s.appendChild(svg("text", {x: L0, y: H - 4, "class": "marsgeo-profile-axis"}, "0"));
    s.appendChild(svg("text", {x: W - R0, y: H - 4, "text-anchor": "end",
                               "class": "marsgeo-profile-axis"}, length(dmax)));
    box.appendChild(s);
    box.appendChild(el("div", "marsgeo-profile-minmax", "max " + metres(hi, 1) + " m at " +
                       length(top.d) + "; min " + metres(lo, 1) + " m at " + length(bottom.d)));
  }

  function length(s) {
    return s >= 1000 ? (s / 1000).toFixed(3) + " km" : s.toFixed(2) + " m";
  }
  function squareMetres(a) {
    return a >= 1e6 ? (a / 1e6).toFixed(4) + " km\u00b2" : a.toFixed(2) + " m\u00b2";
  }

  /* --- the measuring tool --------------------------------------------------------------- */
  /* A click on a control (the scale bar, the cursor readout, ...) is no point on the map. */
  function inControl(target) {
    return !!(target && target.closest && target.closest(".leaflet-control"));
  }
  /* A key pressed in a text field or a list belongs to it. */
  function typing(target) {
    var fields = "input, textarea, select, [contenteditable]:not([contenteditable='false'])";
    return !!(target && target.closest && target.closest(fields));
  }

  /* Click points (a click on or near a tube measures to the tube, without its popup);
   * Esc clears them, a second Esc or the button leaves measuring. */
  mg.measure = function (map) {
    var active = false, pts = [];
    var line = L.polyline([], {color: "#ffd400", weight: 3, interactive: false,
                               className: "marsgeo-measure"});
    var shape = L.polygon([], {color: "#ffd400", weight: 1, dashArray: "4 4", fillOpacity: 0.15,
                               interactive: false, className: "marsgeo-measure-area"});
    var c = L.control({position: "topleft"}), btn, out, copyBox, status, profBox;

    function result() {
      var legs = [], total = 0;
      for (var i = 1; i < pts.length; i++) {
        var d = distance(pts[i - 1], pts[i]);
        total += d;
        legs.push({from: i, to: i + 1, distance: d, bearing: bearing(pts[i - 1], pts[i])});
      }
      return {points: pts.map(function (p) { return {lat: p.lat, lon: p.lng, tube: p.tube}; }),
              legs: legs, total: total, area: pts.length >= 3 ? area(pts) : null,
              radius: radius()};
    }

    function profile() {
      if (pts.length < 2 || !mg.dtms.length) return [];
      var r = result(), prof = [], leg = 0, start = 0;
      if (!(r.total > 0)) return [];
      for (var s = 0; s <= PROFILE_STEPS; s++) {
        var d = r.total * s / PROFILE_STEPS;
        while (leg < r.legs.length - 1 && d > start + r.legs[leg].distance) {
          start += r.legs[leg].distance;
          leg++;
        }
        var len = r.legs[leg].distance;
        var t = len > 0 ? Math.min(1, Math.max(0, (d - start) / len)) : 0;
        var p = between(pts[leg], pts[leg + 1], t), hit = mg.elevationAt(p.lat, p.lng);
        prof.push({d: d, lat: p.lat, lon: p.lng, z: hit && hit.z !== null ? hit.z : null});
      }
      return prof;
    }

    function copyText() {
      var r = result(), rows = ["Measured on Mars: great circles on the sphere R = " +
                                r.radius + " m"];
      r.points.forEach(function (p, i) {
        rows.push("point " + (i + 1) + ": lon " + p.lon.toFixed(8) + " E, lat " +
                  p.lat.toFixed(8) + " N" + (p.tube ? " (tube " + p.tube + ")" : ""));
      });
      r.legs.forEach(function (l) {
        rows.push("leg " + l.from + "-" + l.to + ": " + l.distance.toFixed(4) +
                  " m, initial bearing " + l.bearing.toFixed(4) + " deg from true north");
      });
      rows.push("total: " + r.total.toFixed(4) + " m");
      if (r.area !== null) {
        rows.push("area of the closed polygon: " + r.area.toFixed(4) +
                  " m^2 (spherical excess)");
      }
      return rows.join("\n");
    }

    function redraw() {
      line.setLatLngs(pts);
      shape.setLatLngs(pts.length >= 3 ? pts : []);
      var r = result();
      out.textContent = "";
      copyBox.hidden = true;
      status.textContent = "";
      if (pts.length < 2) {
        out.textContent = active ? (pts.length ? "click the next point" :
          "click points or tubes to measure; Esc clears") : "";
      } else {
        var last = r.legs[r.legs.length - 1];
        out.appendChild(el("div", "marsgeo-measure-total", length(r.total) + " on Mars"));
        out.appendChild(el("div", "marsgeo-measure-leg", (r.legs.length > 1 ? "last leg " :
          "") + length(last.distance) + ", bearing " + last.bearing.toFixed(2) + "\u00b0"));
        if (r.area !== null) {
          out.appendChild(el("div", "marsgeo-measure-area-text",
                             "area " + squareMetres(r.area) + " (closed polygon)"));
        }
      }
      box.classList.toggle("has-result", pts.length >= 2);
      drawProfile(profBox, profile());
    }

    function setActive(on) {
      active = on;
      mg.measuring = on;
      pts = [];
      if (on) { line.addTo(map); shape.addTo(map); map.closePopup(); } else {
        map.removeLayer(line);
        map.removeLayer(shape);
      }
      box.classList.toggle("active", on);
      map.getContainer().classList.toggle("marsgeo-measuring", on);
      btn.setAttribute("aria-pressed", on ? "true" : "false");
      redraw();
    }

    function copy() {
      mg.copy(copyText(), copyBox, status);
    }

    /* the tube under or near a click, if any (a tube hidden by replay or a filter is not) */
    function snap(e) {
      var best = null, near = SNAP_PX;
      mg.tubes.forEach(function (t) {
        if (best && near < 0) return;
        if (!map.hasLayer(t.marker)) return;
        if (t.marker === e.sourceTarget) { best = t; near = -1; return; }
        var d = map.latLngToContainerPoint(t.marker.getLatLng()).distanceTo(e.containerPoint);
        if (d <= near) { best = t; near = d; }
      });
      return best;
    }

    var box = el("div", "marsgeo-measure-box leaflet-bar");
    c.onAdd = function () {
      btn = el("a", "marsgeo-measure-button", "measure");
      btn.href = "#";
      btn.setAttribute("role", "button");
      btn.setAttribute("aria-pressed", "false");
      btn.setAttribute("aria-label", "Measure distance, bearing and area on Mars");
      btn.title = "Measure on Mars: click points or tubes; Esc clears; click again to stop";
      out = el("div", "marsgeo-measure-out");
      out.setAttribute("aria-live", "polite");
      var tools = el("div", "marsgeo-measure-tools");
      var copyBtn = el("button", "marsgeo-measure-copy-button", "copy");
      copyBtn.type = "button";
      copyBtn.setAttribute("aria-label", "Copy the measurement as text");
      var clearBtn = el("button", "marsgeo-measure-clear", "clear");
      clearBtn.type = "button";
      status = el("span", "marsgeo-measure-status");
      copyBox = el("textarea", "marsgeo-measure-copy");
      copyBox.readOnly = true;
      copyBox.hidden = true;
      copyBox.rows = 6;
      copyBox.setAttribute("aria-label", "The measurement as text");
      L.DomEvent.on(btn, "click", function (ev) { L.DomEvent.stop(ev); setActive(!active); });
      L.DomEvent.on(copyBtn, "click", function (ev) { L.DomEvent.stop(ev); copy(); });
      L.DomEvent.on(clearBtn, "click", function (ev) {
        L.DomEvent.stop(ev);
        pts = [];
        redraw();
      });
      tools.appendChild(copyBtn);
      tools.appendChild(clearBtn);
      tools.appendChild(status);
      box.appendChild(btn);
      box.appendChild(out);
      box.appendChild(tools);
      box.appendChild(copyBox);
      profBox = el("div", "marsgeo-profile");
      profBox.style.display = "none";
      box.appendChild(profBox);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    /* preclick reaches the map for every click, also on tubes and lines, whose popups
     * stop the ordinary click from bubbling (and stay shut while measuring: marsgeo.setup) */
    map.on("preclick", function (e) {
      if (!active || inControl(e.originalEvent && e.originalEvent.target)) return;
      var t = snap(e), ll = t ? t.marker.getLatLng() : e.latlng;
      pts.push({lat: ll.lat, lng: ll.lng, tube: t ? t.name : null});
      redraw();
    });
    L.DomEvent.on(document, "keydown", function (ev) {
      if (!active || (ev.key !== "Escape" && ev.key !== "Esc")) return;
      if (ev.defaultPrevented || typing(ev.target)) return;  /* that Esc is the field's */
      if (pts.length) { pts = []; redraw(); } else setActive(false);
    });
    c.addTo(map);
    redraw();
    mg.measureTotal = function () { return result().total; };
    mg.measureResult = result;
    mg.measureProfile = profile;
    mg.measureText = copyText;
  };
})();
