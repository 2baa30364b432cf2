/* marsgeo web-map library: which tubes are on the map (replay and search combined), and the
 * drop-order replay (see webmap.js). */
(function () {
  "use strict";
  var mg = window.marsgeo, el = mg.el;

  /* A tube is on the map when it is dropped by the replay's step (`drops`: null for all)
   * and matches the search (`match`: null for all). Tubes that are not are removed from
   * their group, with every item that depends on them (mg.dependents): gone, not hidden. */
  mg.filters = {drops: null, match: null};
  mg.onFilter = [];  /* callbacks run after every change (e.g. the shareable link) */
  mg.tubeShown = function (t) {
    var f = mg.filters;
    return (f.drops === null || t.order <= f.drops) && (!f.match || f.match(t));
  };
  function put(group, layer, on) {
    var has = group.hasLayer(layer);
    if (on && !has) group.addLayer(layer);
    else if (!on && has) group.removeLayer(layer);
  }
  /* Puts the tubes on and off the map, then every dependent item: on the map while each of
   * its tubes is (a tube the page does not draw does not hold it back). Dependents name
   * their tubes by key (`t.key`), which is unique where shortened ids (`t.id`) may not be. */
  mg.refilter = function (map) {
    var markers = new Map();
    mg.tubes.forEach(function (t) {
      put(t.group, t.marker, mg.tubeShown(t));
      if (t.key !== undefined && t.key !== null) markers.set(String(t.key), t.marker);
    });
    mg.dependents.forEach(function (d) {
      put(d.group, d.layer, d.tubes.every(function (key) {
        var marker = markers.get(String(key));
        return !marker || map.hasLayer(marker);
      }));
    });
    mg.onFilter.forEach(function (f) { f(); });
  };

  function numeric(v) {
    return v !== null && v !== undefined && /^-?\d+$/.test(String(v)) ? Number(v) : null;
  }

  /* Drop-order replay: a slider over the sols of the drops (the depot as it was at each
   * sol), a play/pause button, and the sol, UTC date and tube of each step. */
  mg.timeline = function (map, data) {
    var drops = mg.tubes.slice().sort(function (a, b) { return a.order - b.order; });
    var n = drops.length;
    if (!n) return;
    /* the axis: the sols, when every tube has one; else the drops, one step each */
    var sols = drops.map(function (t) { return numeric(t.sol); });
    var bySol = sols.every(function (s) { return s !== null; });
    var lo = bySol ? sols[0] - 1 : 0, hi = bySol ? sols[n - 1] : n;
    var k = n, timer = null, c = L.control({position: "topright"});
    var input, label, play;

    function solOf(step) { return step === 0 ? lo : bySol ? sols[step - 1] : step; }
    function stepAt(value) {  /* how many tubes are down at this value of the axis */
      if (!bySol) return value;
      var step = 0;
      while (step < n && sols[step] <= value) step++;
      return step;
    }
    function describe(value, step) {
      if (step === 0) {
        return "before the first drop" + (bySol ? " (sol " + (sols[0]) + ")" : "");
      }
      var last = drops[step - 1], known = last.sol !== null && last.sol !== undefined &&
        last.sol !== "";
      var when = [known ? "sol " + last.sol : "", last.date || ""].filter(Boolean).join(", ");
      var text = (when ? when + ": " : "") + "drop " + step + " of " + n + ", " + last.name;
      if (bySol && value !== sols[step - 1]) {
        text = "sol " + value + ": " + step + " of " + n + " dropped; the last, " + last.name +
          ", on " + when;
      }
      return text;
    }
    function show(value, step) {
      k = step;
      input.value = String(value);
      var text = describe(value, step);
      label.textContent = text;
      input.setAttribute("aria-valuetext", text);
      mg.filters.drops = step >= n ? null : step;
      mg.refilter(map);
    }
    function showDrops(step) {
      step = Math.max(0, Math.min(n, Math.floor(Number(step)) || 0));
      show(solOf(step), step);
    }
    function setPlaying(on) {
      play.textContent = on ? "Pause" : "Play";
      play.setAttribute("aria-label", on ? "Pause the replay" : "Play the drops in order");
      play.setAttribute("aria-pressed", String(on));
    }
    function pause() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      setPlaying(false);
    }
    function tick() {
      showDrops(k + 1);
      if (k >= n) { pause(); return; }
      timer = setTimeout(tick, mg.replayStepMs);
    }
    function start() {
      if (k >= n) showDrops(0);
      setPlaying(true);
      timer = setTimeout(tick, mg.replayStepMs);
    }

    c.onAdd = function () {
      var box = el("div", "marsgeo-timeline leaflet-bar"), body = el("div", "marsgeo-body");
      input = el("input");
      input.type = "range"; input.min = String(lo); input.max = String(hi); input.step = "1";
      input.className = "marsgeo-timeline-input";
      input.setAttribute("aria-label", data.title + ": " + (bySol ? "sol" : "drop"));
      label = el("div", "marsgeo-timeline-label");
      label.setAttribute("aria-hidden", "true");  /* the slider's aria-valuetext says it */
      play = el("button", "marsgeo-play");
      play.type = "button";
      setPlaying(false);
      input.addEventListener("input", function () {
        pause();
        var value = Number(input.value);
        show(value, stepAt(value));
      });
      /* the arrow keys step one drop at a time (also between drops on one sol); Home, End
       * and the page keys move in sols */
      input.addEventListener("keydown", function (ev) {
        var by = {ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1}[ev.key];
        if (!by) return;
        ev.preventDefault();
        pause();
        showDrops(k + by);
      });
      play.addEventListener("click", function () { if (timer !== null) pause(); else start(); });
      var row = el("div", "marsgeo-timeline-row");
      row.appendChild(play);
      row.appendChild(input);
      body.appendChild(row);
      body.appendChild(label);
      box.appendChild(body);
      mg.collapsible(box, "Drop order", body);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      input.value = String(hi);
      label.textContent = describe(hi, n);
      input.setAttribute("aria-valuetext", label.textContent);
      return box;
    };
    c.addTo(map);
    mg.replayStepMs = 900;
    mg.showDrops = showDrops;
    mg.replay = {
      play: start, pause: pause, playing: function () { return timer !== null; },
      step: function () { return k; }, count: n, showDrops: showDrops
    };
  };
})();
