/* marsgeo web-map library: search and filter the tubes (see webmap.js, webmap_timeline.js). */
(function () {
  "use strict";
  var mg = window.marsgeo, el = mg.el;

  /* Text compared without case or accents ("atsa" finds "Atsá"); never a pattern. */
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  mg.fold = fold;

  /* Search by name (or exact tube id) and filter by sample type: data = {} */
  mg.search = function (map) {
    var tubes = mg.tubes;
    if (!tubes.length) return;
    var types = [];
    tubes.forEach(function (t) {
      if (t.type !== undefined && t.type !== null && types.indexOf(String(t.type)) < 0) {
        types.push(String(t.type));
      }
    });
    var query = "", off = new Set(), boxes = [];
    var c = L.control({position: "topleft"}), input, count;

    function match(t) {
      if (t.type !== undefined && t.type !== null && off.has(String(t.type))) return false;
      if (!query) return true;
      return fold(t.name).indexOf(fold(query)) >= 0 || String(t.id) === query;
    }
    function shown() { return mg.tubes.filter(mg.tubeShown); }
    function apply() {
      mg.filters.match = query || off.size ? match : null;
      mg.refilter(map);
    }
    /* after every change of what is shown: the search's, the replay's, a link's */
    function counted() {
      if (count) count.textContent = shown().length + " of " + tubes.length + " tubes shown";
    }
    /* Enter: with one tube shown, go to it and open its popup */
    function go() {
      var found = shown();
      if (found.length !== 1) return false;
      var t = found[0];
      if (!map.hasLayer(t.marker)) return false;
      map.panTo(t.marker.getLatLng(), {animate: false});
      t.marker.openPopup();
      return true;
    }

    c.onAdd = function () {
      var box = el("div", "marsgeo-search leaflet-bar"), body = el("div", "marsgeo-body");
      input = el("input", "marsgeo-search-input");
      input.type = "search";
      input.placeholder = "tube name";
      input.maxLength = 200;
      input.setAttribute("aria-label", "Search tubes by name");
      input.addEventListener("input", function () { query = input.value.trim(); apply(); });
      input.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") { ev.preventDefault(); go(); }
      });
      body.appendChild(input);
      if (types.length) {
        var set = el("fieldset", "marsgeo-types");
        set.appendChild(el("legend", null, "Sample type"));
        types.forEach(function (type) {
          var lab = el("label", "marsgeo-type"), cb = el("input");
          cb.type = "checkbox"; cb.checked = true; cb.value = type;
          cb.addEventListener("change", function () {
            if (cb.checked) off.delete(type); else off.add(type);
            apply();
          });
          boxes.push(cb);
          lab.appendChild(cb);
          lab.appendChild(el("span", null, type));
          set.appendChild(lab);
        });
        body.appendChild(set);
      }
      count = el("div", "marsgeo-search-count");
      count.setAttribute("aria-live", "polite");
      count.textContent = tubes.length + " of " + tubes.length + " tubes shown";
      body.appendChild(count);
      box.appendChild(body);
      mg.collapsible(box, "Search", body);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    c.addTo(map);
    mg.onFilter.push(counted);
    mg.searchTubes = {
      /* the search's state, and a way to set it (the shareable link uses both) */
      query: function () { return query; },
      off: function () { return types.filter(function (t) { return off.has(t); }); },
      types: types,
      set: function (q, hidden) {
        query = String(q || "").slice(0, 200).trim();
        input.value = query;
        off = new Set((hidden || []).filter(function (t) { return types.indexOf(t) >= 0; }));
        boxes.forEach(function (cb) { cb.checked = !off.has(cb.value); });
        apply();
      },
      go: go
    };
  };
})();
