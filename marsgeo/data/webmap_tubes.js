/* marsgeo web-map library: tubes by sample type (shape and colour), reachable by keyboard,
 * the circles of their position uncertainty, and lines between tubes (see webmap.js).
 * Lines and circles drawn for tubes follow them: off the map when one of their tubes is. */
(function () {
  "use strict";
  var mg = window.marsgeo, SVG = "http://www.w3.org/2000/svg", SIZE = 18;

  /* The figures' matplotlib markers (marsgeo/_style.py) as shapes in an 18 px box. */
  var SHAPES = {
    "o": ["circle", "M2,9a7,7 0 1,0 14,0a7,7 0 1,0 -14,0Z"],
    "s": ["square", "M3,3H15V15H3Z"],
    "D": ["diamond", "M9,1.5L16.5,9L9,16.5L1.5,9Z"],
    "^": ["triangle-up", "M9,1.5L16.5,15.5H1.5Z"],
    "v": ["triangle-down", "M1.5,2.5H16.5L9,16.5Z"],
    "P": ["plus", "M6.5,1.5H11.5V6.5H16.5V11.5H11.5V16.5H6.5V11.5H1.5V6.5H6.5Z"]
  };
  mg.shapes = SHAPES;
  mg.tubeSize = SIZE;

  /* An SVG of a marker shape (a matplotlib marker code) in a colour, `px` pixels wide. */
  function shapeSvg(code, color, px) {
    var s = SHAPES[code] || SHAPES.P;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", String(px));
    svg.setAttribute("height", String(px));
    svg.setAttribute("viewBox", "0 0 " + SIZE + " " + SIZE);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "marsgeo-shape");
    svg.setAttribute("data-shape", s[0]);
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", s[1]);
    path.setAttribute("fill", color || "#999");
    path.setAttribute("fill-opacity", "0.9");
    path.setAttribute("stroke", "#111");
    path.setAttribute("stroke-width", "1.5");
    svg.appendChild(path);
    return svg;
  }
  mg.shapeSvg = shapeSvg;

  /* A tube's icon: its shape, and its accessible name (name and sample type). Made when
   * first needed: a page whose Leaflet did not load still runs this file. */
  var TubeIcon = null;
  function tubeIcon(options) {
    TubeIcon = TubeIcon || L.DivIcon.extend({
      createIcon: function (old) {
        this.options.html = shapeSvg(this.options.marker, this.options.color, SIZE);
        var div = L.DivIcon.prototype.createIcon.call(this, old);
        div.setAttribute("aria-label", this.options.label);
        div.setAttribute("data-shape", this.options.html.getAttribute("data-shape"));
        return div;
      }
    });
    return new TubeIcon(options);
  }

  /* Tubes: data = {points: [{lat, lon, name, color, marker, type, id, key, order, sol, date,
   * popup, tip, cls}], register, labels} (`key`: what the `tubes` of items drawn for the
   * tube name; `id`: the tube id as shown). Markers are added in drop order, so Tab visits them
   * in that order; Enter opens a tube's popup; `labels` adds permanent name labels. */
  mg.tubeMarkers = function (map, group, data) {
    var points = data.points.slice().sort(function (a, b) { return (a.order || 0) - (b.order || 0); });
    points.forEach(function (p) {
      var type = p.type || "tube";
      var icon = tubeIcon({
        className: p.cls || "marsgeo-tube", iconSize: [SIZE, SIZE], iconAnchor: [SIZE / 2, SIZE / 2],
        popupAnchor: [0, -SIZE / 2], tooltipAnchor: [0, -SIZE / 2], html: "",
        marker: p.marker, color: p.color, label: p.name + ", " + type
      });
      var m = L.marker([p.lat, p.lon], {icon: icon, keyboard: true, riseOnHover: true});
      mg.hover(m, p.tip, p.name, {direction: "top", className: "marsgeo-label"});
      if (p.popup) m.bindPopup(mg.table(p.title || p.name, p.popup), {maxWidth: 360});
      m.marsgeo = p;
      m._marsgeoTube = true;
      group.addLayer(m);
      mg.depends(p, m, group);
      if (data.register) {
        mg.tubes.push({marker: m, group: group, order: p.order, sol: p.sol, date: p.date,
                       name: p.name, id: p.id, key: p.key, type: type});
      }
      if (p.key !== undefined && p.key !== null) watch(map, String(p.key), m);
      if (data.labels && mg.nameLabel) mg.nameLabel(map, m, p.name);
      keepFocus(map, m);
    });
    keepDropOrder(map);
  };

  /* The keyboard on a tube: Esc closes its popup (Leaflet's own Esc needs the focus on the
   * map); a focused tube taken off the map (replay, filters) leaves the focus on the replay's
   * slider, or else on the map, not on the page. */
  function keepFocus(map, m) {
    var icon = null, focused = false;
    function key(ev) {
      if (ev.key !== "Escape" && ev.key !== "Esc") return;
      if (!map._popup || !map._popup.isOpen()) return;
      map.closePopup();
      ev.preventDefault();  /* handled: the Esc of other tools leaves it */
    }
    function focus() { focused = true; }
    function blur() {  /* later: a tube taken off the map may lose its focus first */
      setTimeout(function () { if (document.activeElement !== icon) focused = false; }, 0);
    }
    function added() {
      icon = m.getElement();
      if (!icon || icon._marsgeoKeys) return;
      icon._marsgeoKeys = true;
      L.DomEvent.on(icon, "keydown", key);
      L.DomEvent.on(icon, "focus", focus);
      L.DomEvent.on(icon, "blur", blur);
    }
    m.on("add", added);
    if (m.getElement()) added();
    m.on("remove", function () {
      var lost = focused || (icon && document.activeElement === icon);
      focused = false;
      if (!lost || (document.activeElement && document.activeElement !== document.body &&
                    document.activeElement !== icon)) return;
      var slider = map.getContainer().querySelector(".marsgeo-timeline-input");
      (slider && slider.offsetParent !== null ? slider : map.getContainer()).focus();
    });
  }

  /* Tube markers put back on the map (replay, filters) go last in their pane: put them
   * back in drop order, so that Tab still visits them in that order. */
  function keepDropOrder(map) {
    if (map._marsgeoOrdered) return;
    map._marsgeoOrdered = true;
    map.on("layeradd", function (ev) {
      if (!ev.layer._marsgeoTube) return;
      var icons = mg.tubes.slice().sort(function (a, b) { return a.order - b.order; })
        .map(function (t) { return t.marker.getElement && t.marker.getElement(); })
        .filter(function (e) { return e && e.parentNode; });
      var ordered = icons.every(function (e, i) {
        return i === 0 || (icons[i - 1].compareDocumentPosition(e) &
                           Node.DOCUMENT_POSITION_FOLLOWING);
      });
      if (ordered) return;
      var focused = document.activeElement;
      icons.forEach(function (e) { e.parentNode.appendChild(e); });
      if (focused && focused !== document.activeElement && focused.isConnected) focused.focus();
    });
  }

  /* Items drawn for tubes follow their tubes: in their group only while every one of their
   * tubes' markers is on the map (an item's `tubes` are the keys of its tubes). */
  var followers = {}, markers = {};
  function watch(map, key, marker) {
    markers[key] = marker;
    function sync() {
      (followers[key] || []).forEach(function (f) {
        var on = f.tubes.every(function (t) {
          var tm = markers[String(t)];
          return !tm || map.hasLayer(tm);
        });
        var has = f.group.hasLayer(f.layer);
        if (on && !has) f.group.addLayer(f.layer);
        else if (!on && has) f.group.removeLayer(f.layer);
      });
    }
    marker.on("add remove", sync);
  }
  mg.follow = function (item, layer, group) {
    if (!item.tubes) return;
    var f = {layer: layer, group: group, tubes: item.tubes};
    item.tubes.forEach(function (t) {
      var k = String(t);
      (followers[k] = followers[k] || []).push(f);
    });
  };

  /* Position uncertainty: data = {circles: [{lat, lon, radius_m, color, tubes: [key]}]};
   * the radius is in metres on Mars (the page gives Leaflet Mars's radius). */
  mg.tubeCircles = function (map, group, data) {
    data.circles.forEach(function (c) {
      var circle = L.circle([c.lat, c.lon], {
        radius: c.radius_m, color: c.color || "#333", weight: 1, opacity: 0.9,
        dashArray: "3 3", fillColor: c.color || "#333", fillOpacity: 0.12,
        interactive: false, className: "marsgeo-uncertainty"
      });
      circle.marsgeo = c;
      group.addLayer(circle);
      mg.depends(c, circle, group);
      mg.follow(c, circle, group);
    });
  };

  /* Lines between tubes: data = {lines: [{coords, color, weight, dash, cls, label,
   * permanent, tubes: [key, key]}]}. A permanent label is placed where it covers no tube, or
   * hidden; every label also shows on hover. */
  mg.tubeLines = function (map, group, data) {
    data.lines.forEach(function (l) {
      var pl = L.polyline(l.coords, mg.look({
        color: l.color || "#333", weight: l.weight || 2, dashArray: l.dash || null,
        opacity: 0.9, className: l.cls || "marsgeo-line"}, l.style));
      if (l.label) {
        pl.bindTooltip(mg.el("span", null, l.label), {sticky: true, className: "marsgeo-label"});
      }
      if (l.popup) pl.bindPopup(mg.table(l.title || "", l.popup), {maxWidth: 360});
      pl.marsgeo = l;
      group.addLayer(pl);
      mg.depends(l, pl, group);
      mg.follow(l, pl, group);
      if (l.label && l.permanent && mg.lineLabel) mg.lineLabel(map, pl, l.label);
    });
  };
})();
