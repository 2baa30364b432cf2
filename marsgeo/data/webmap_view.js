/* marsgeo web-map library: the opening view, a shareable link to the current view, and
 * controls that fold away on small screens (see webmap.js). */
(function () {
  "use strict";
  var mg = window.marsgeo, el = mg.el, folds = 0;

  /* A phone, or a window about as small. */
  mg.small = function () {
    return !!(window.matchMedia &&
              window.matchMedia("(max-width: 640px), (max-height: 500px)").matches);
  };

  /* A button that shows and hides a control's body; folded at load on small screens. */
  mg.collapsible = function (box, name, body) {
    var btn = el("button", "marsgeo-toggle");
    btn.type = "button";
    btn.appendChild(el("span", "marsgeo-toggle-mark")).setAttribute("aria-hidden", "true");
    btn.appendChild(el("span", null, name));
    body.id = "marsgeo-fold-" + (++folds);
    btn.setAttribute("aria-controls", body.id);
    function set(open) {
      box.classList.toggle("marsgeo-collapsed", !open);
      btn.setAttribute("aria-expanded", String(open));
      body.hidden = !open;
    }
    btn.addEventListener("click", function () {
      set(box.classList.contains("marsgeo-collapsed"));
    });
    box.insertBefore(btn, box.firstChild);
    set(!mg.small());
    return set;
  };

  /* --- the opening view: the framed data in the largest room the controls leave --------- */

  function controlBoxes(map) {
    var c = map.getContainer().getBoundingClientRect(), out = [];
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (e) {
      var r = e.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) {
        out.push({l: r.left - c.left, t: r.top - c.top, r: r.right - c.left,
                  b: r.bottom - c.top});
      }
    });
    return out;
  }

  function edges(boxes, a, b, size) {
    var out = [0, size];
    boxes.forEach(function (x) { out.push(x[a], x[b]); });
    return out.map(function (v) { return Math.max(0, Math.min(size, v)); })
      .filter(function (v, i, all) { return all.indexOf(v) === i; })
      .sort(function (p, q) { return p - q; });
  }

  /* The free rectangle (no control in it) in which bounds of w x h pixels grow largest. */
  function room(map, w, h, margin) {
    var size = map.getSize(), boxes = controlBoxes(map), best = null, score = -1;
    var xs = edges(boxes, "l", "r", size.x), ys = edges(boxes, "t", "b", size.y);
    function free(l, t, r, b) {
      return boxes.every(function (x) { return x.r <= l || x.l >= r || x.b <= t || x.t >= b; });
    }
    for (var i = 0; i < xs.length; i++) for (var j = i + 1; j < xs.length; j++) {
      for (var p = 0; p < ys.length; p++) for (var q = p + 1; q < ys.length; q++) {
        var s = Math.min((xs[j] - xs[i] - 2 * margin) / w, (ys[q] - ys[p] - 2 * margin) / h);
        if (s > score && free(xs[i], ys[p], xs[j], ys[q])) {
          score = s; best = {l: xs[i], t: ys[p], r: xs[j], b: ys[q]};
        }
      }
    }
    return score > 0 ? best : null;
  }

  mg.fitRoom = function (map, bounds) {
    var b = L.latLngBounds(bounds), z = map.getZoom(), margin = 16, size = map.getSize();
    var a = map.project(b.getNorthWest(), z), c = map.project(b.getSouthEast(), z);
    var r = room(map, Math.max(1, c.x - a.x), Math.max(1, c.y - a.y), margin);
    if (!r || r.r - r.l < 80 || r.b - r.t < 80) r = {l: 0, t: 0, r: size.x, b: size.y};
    map.fitBounds(b, {paddingTopLeft: [r.l + margin, r.t + margin],
                      paddingBottomRight: [size.x - r.r + margin, size.y - r.b + margin],
                      maxZoom: 21, animate: false});  /* a single point: close, not endless */
  };

  /* --- the shareable link: #map=<zoom>/<lat>/<lng>&drop=<k>&q=<text>&off=<type>,... ----- */

  var NUMBER = /^-?\d{1,4}(\.\d{1,12})?$/;
  mg.readHash = function (map, hash) {
    var out = {};
    String(hash || "").replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at < 1) return;
      var key = part.slice(0, at), value;
      try { value = decodeURIComponent(part.slice(at + 1)); } catch (e) { return; }
      if (key === "map") {
        var v = value.split("/");
        if (v.length !== 3 || !v.every(function (x) { return NUMBER.test(x); })) return;
        var zoom = Number(v[0]), lat = Number(v[1]), lng = Number(v[2]);
        /* the deepest zoom of marsgeo's layers is 23, whatever a map without tiles allows */
        if (zoom < Math.max(0, map.getMinZoom()) || zoom > Math.min(23, map.getMaxZoom())) return;
        if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return;
        out.view = {zoom: zoom, lat: lat, lng: lng};
      } else if (key === "drop" && /^\d{1,9}$/.test(value)) {
        out.drop = Number(value);
      } else if (key === "q") {
        out.q = value.slice(0, 200);
      } else if (key === "off") {
        out.off = value.split(",").map(function (t) {
          try { return decodeURIComponent(t); } catch (e) { return null; }
        }).filter(function (t) { return t !== null; });
      }
    });
    return out;
  };

  mg.hashOf = function (map) {
    var z = map.getZoom(), c = map.getCenter();
    var digits = Math.max(1, Math.min(9, Math.ceil(Math.log10(Math.pow(2, z) * 256 / 360))));
    var parts = ["map=" + (Math.round(z * 100) / 100) + "/" + c.lat.toFixed(digits) + "/" +
                 c.lng.toFixed(digits)];
    if (mg.replay && mg.replay.step() < mg.replay.count) parts.push("drop=" + mg.replay.step());
    if (mg.searchTubes) {
      if (mg.searchTubes.query()) parts.push("q=" + encodeURIComponent(mg.searchTubes.query()));
      var off = mg.searchTubes.off();
      if (off.length) {
        parts.push("off=" + encodeURIComponent(off.map(encodeURIComponent).join(",")));
      }
    }
    return "#" + parts.join("&");
  };

  function keepHash(map) {
    var hash = mg.hashOf(map);
    if (hash === location.hash) return;
    try { history.replaceState(null, "", hash); } catch (e) { /* e.g. a page in a frame */ }
  }

  function applyHash(map, state, fallback) {
    if (state.view) {
      map.setView([state.view.lat, state.view.lng], state.view.zoom, {animate: false});
    } else if (fallback) {
      fallback();
    }
    if (mg.searchTubes && (state.q !== undefined || state.off !== undefined)) {
      mg.searchTubes.set(state.q || "", state.off || []);
    }
    if (mg.replay && state.drop !== undefined && state.drop <= mg.replay.count) {
      mg.replay.showDrops(state.drop);
    }
  }

  function linkControl(map) {
    var c = L.control({position: "topleft"});
    c.onAdd = function () {
      var box = el("div", "marsgeo-link leaflet-bar"), body = el("div", "marsgeo-link-out");
      var btn = el("button", "marsgeo-link-button", "Link");
      btn.type = "button";
      btn.setAttribute("aria-label", "Copy a link to this view");
      btn.setAttribute("aria-expanded", "false");
      var text = el("input", "marsgeo-link-text"), said = el("div", "marsgeo-link-said");
      text.readOnly = true;
      text.setAttribute("aria-label", "Link to this view");
      said.setAttribute("aria-live", "polite");
      body.appendChild(text);
      body.appendChild(said);
      body.hidden = true;
      btn.addEventListener("click", function () {
        if (!body.hidden) { body.hidden = true; btn.setAttribute("aria-expanded", "false"); return; }
        keepHash(map);
        body.hidden = false;
        btn.setAttribute("aria-expanded", "true");
        mg.copy(location.href, text, said);
      });
      box.appendChild(btn);
      box.appendChild(body);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    c.addTo(map);
  }

  /* A page with an address to share: not an embedded frame (about:srcdoc), data: or blob:. */
  function linkable() {
    return ["http:", "https:", "file:"].indexOf(location.protocol) >= 0;
  }

  /* The opening fit, again whenever the map or a control changes size (late fonts, a
   * control laid out late) until the view settles: no change for a few frames once the
   * fonts are in, or the map moved by anything but this fit. marsgeo.viewSettled says so. */
  function settleFit(map, fit) {
    var ours = false, quiet = 0, fonts = false, done = false, watcher = null;
    function refit() { ours = true; try { fit(); } finally { ours = false; } }
    function finish() {
      if (done) return;
      done = true;
      if (watcher) watcher.disconnect();
      mg.viewSettled = true;
    }
    function frame() {
      if (done) return;
      quiet++;
      if (fonts && quiet >= 3) finish(); else requestAnimationFrame(frame);
    }
    mg.viewSettled = false;
    refit();
    map.on("movestart", function () { if (!ours) finish(); });
    if (window.ResizeObserver) {
      watcher = new ResizeObserver(function () {
        if (done) return;
        quiet = 0;
        refit();
      });
      watcher.observe(map.getContainer());
      map.getContainer().querySelectorAll(".leaflet-control").forEach(function (e) {
        watcher.observe(e);
      });
    }
    var ready = document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve();
    ready.then(function () { fonts = true; }, function () { fonts = true; });
    requestAnimationFrame(frame);
  }

  /* Paths drawn with a tooltip are focusable (Leaflet listens for their focus): only tubes
   * and controls are tab stops; the other items are reached from the tubes' popups. */
  function tubesOnlyTabStops(map) {
    var tubes = new Set(mg.tubes.map(function (t) { return t.marker; }));
    function untab(layer) {
      if (!(layer instanceof L.Path) || tubes.has(layer)) return;
      var e = layer.getElement && layer.getElement();
      if (e) e.setAttribute("tabindex", "-1");
    }
    map.eachLayer(untab);
    map.on("layeradd", function (ev) { untab(ev.layer); });
  }

  /* The last control: opens the map on the link's view, or on the framed data
   * (data = {bounds: [[s, w], [n, e]] or null}), then keeps the link up to date. */
  mg.view = function (map, data) {
    if (linkable()) linkControl(map);
    if (mg.tubes.length) tubesOnlyTabStops(map);
    var fit = data.bounds ? function () { mg.fitRoom(map, data.bounds); } : null;
    var state = mg.readHash(map, location.hash);
    applyHash(map, state, !state.view && fit ? function () { settleFit(map, fit); } : null);
    if (mg.viewSettled === undefined) mg.viewSettled = true;
    map.on("moveend", function () { keepHash(map); });
    /* a layer of tubes turned off or on in the layer control: what depends on them follows */
    map.on("overlayadd overlayremove", function () { if (mg.tubes.length) mg.refilter(map); });
    mg.onFilter.push(function () { keepHash(map); });
    window.addEventListener("hashchange", function () {
      if (location.hash !== mg.hashOf(map)) applyHash(map, mg.readHash(map, location.hash));
    });
  };
})();
