"""A marsgeo web map and what it knows (private; public through :mod:`marsgeo.webmap`).

A marsgeo map is a ``folium.Map`` made by :func:`new_map`: its Leaflet CRS is the tile grid of
its basemap, the page sets Mars's radius, and the map keeps a :class:`MapState` (in
:data:`_MAPS`, keyed weakly by the map) so that layers added later know its grid, add their
lines to its legend and notes, and appear in its layer control (:func:`attach`). The layers
themselves are drawn by :mod:`marsgeo._layers` and :mod:`marsgeo._cloud`.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd
import pandas as pd

from marsgeo._mapdata import NAME_CHARS, display_text, value_text
from marsgeo._page import Control, DataLayer, MarsSetup
from marsgeo.crs import MARS_SPHERE_RADIUS_M
from marsgeo.errors import CRSError, InputError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from branca.element import Element

#: Where a legend line or note sits, whatever order the layers were added in.
RANKS = {"basemap": 0, "tubes": 1, "terrain": 2, "obstacles": 3, "plan": 4, "data": 5}
_SCALE_NOTE = "Distances and the scale bar are on the Mars sphere (R = 3 396 190 m)."
# the page's controls, drawn after every layer (the layer control lists what exists then);
# the view comes last: it opens the map in the room the other controls leave
_CONTROLS = ("legend", "timeline", "search", "mouse", "measure", "layers", "view")


@dataclass(eq=False)
class MapState:
    """What a marsgeo map knows for the layers added to it later.

    ``grid`` is the map's Leaflet CRS (``"EPSG4326"`` or ``"EPSG3857"``), ``basemaps`` the
    names of the tile providers on it, ``legend`` and ``notes`` the legend's lines as
    ``(rank, colour, text)`` and ``(rank, text)``, ``shapes`` the marker shape of a legend line
    drawn as one (by ``(colour, text)``: a sample type's), ``extent`` the west, south, east,
    north of what the map opens on, ``drawn`` how many layers :func:`marsgeo.explore` drew.
    """

    grid: str
    setup: MarsSetup
    title: str = ""
    basemaps: list[str] = field(default_factory=list)
    legend: list[tuple[int, str, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    shapes: dict[tuple[str, str], str] = field(default_factory=dict)
    controls: dict[str, Control] = field(default_factory=dict)
    extent: list[float] = field(default_factory=list)
    drawn: int = 0

    def legend_data(self) -> dict[str, Any]:
        """Return the legend as the page draws it: title, items, notes (in rank order)."""
        items = [
            [c, t, self.shapes[c, t]] if (c, t) in self.shapes else [c, t]
            for _, c, t in sorted(self.legend, key=lambda e: e[0])
        ]
        notes = [t for _, t in sorted(self.notes, key=lambda e: e[0])]
        return {"title": self.title, "items": items, "notes": [*notes, _SCALE_NOTE]}


#: The state of every marsgeo map, by map (a map that is gone takes its state with it).
_MAPS: weakref.WeakKeyDictionary[folium.Map, MapState] = weakref.WeakKeyDictionary()


class _Legend(Control):
    """The legend, written from the map's state when the page is rendered."""

    def __init__(self, state: MapState) -> None:
        super().__init__("legend")
        self.state = state

    def page_script(self, **kwargs: Any) -> str:
        self.data = self.state.legend_data()
        return super().page_script(**kwargs)


class _View(Control):
    """The opening view (what :func:`frame` framed) and the shareable link to a view."""

    def __init__(self, state: MapState) -> None:
        super().__init__("view")
        self.state = state

    def page_script(self, **kwargs: Any) -> str:
        bounds = None
        if self.state.extent:
            w, s, e, n = self.state.extent
            bounds = [[s, w], [n, e]]  # the page keeps markers a few pixels clear of edges
        self.data = {"bounds": bounds}
        return super().page_script(**kwargs)


def map_state(m: Any, *, name: str = "m") -> MapState:
    """Return the state of a marsgeo map, or refuse anything else naming the fix."""
    state = _MAPS.get(m) if isinstance(m, folium.Map) else None
    if state is not None:
        return state
    if isinstance(m, folium.Map):
        msg = (
            f"{name} is a folium.Map that marsgeo did not make: its grid is not known to be "
            "the one of a Mars basemap, and Leaflet measures it with Earth's radius. Start "
            "from a marsgeo map (m = marsgeo.explore(gdf) or marsgeo.depot_map(tubes)) and "
            "add layers to it with m=."
        )
        raise CRSError(msg)
    msg = (
        f"{name} must be a map from marsgeo.explore or marsgeo.depot_map (or None for a new "
        f"one), got {type(m).__name__}."
    )
    raise InputError(msg)


def new_map(basemap: Any, *, location: Sequence[float], title: str) -> folium.Map:
    """Return a new marsgeo map on the grid of ``basemap`` (checked), with its controls.

    ``title`` is the page's title and the legend's (as text).
    """
    grid, prov = grid_of(basemap)
    m = folium.Map(
        location=list(location),
        zoom_start=19,
        crs=grid,
        tiles=None,
        control_scale=True,
        max_zoom=23,
        min_zoom=1,
    )
    # folium loads nothing: marsgeo's set-up loads Leaflet alone (CDN with SRI, or inline)
    m.default_js = []
    m.default_css = []
    setup = MarsSetup(MARS_SPHERE_RADIUS_M, title=title)
    setup.add_to(m)
    state = MapState(grid=grid, setup=setup, title=display_text(title) if title else "")
    state.controls["legend"] = _Legend(state)
    state.controls["mouse"] = Control("mouse")
    state.controls["measure"] = Control("measure")
    state.controls["layers"] = Control("layers", {"collapsed": True})
    state.controls["search"] = Control("search")  # draws nothing on a map without tubes
    state.controls["view"] = _View(state)
    for control in state.controls.values():
        control.add_to(m)
    _MAPS[m] = state
    if prov is not None:
        _add_tiles(m, state, prov)
    return m


def attach(m: folium.Map, element: Element) -> None:
    """Add a layer to a marsgeo map, keeping its controls after every layer."""
    state = map_state(m)
    element.add_to(m)
    for kind in _CONTROLS:
        control = state.controls.get(kind)
        if control is not None:
            m._children.move_to_end(control.get_name())


def frame(m: folium.Map, lon: Any, lat: Any) -> None:
    """Make the map open on everything framed so far and these coordinates."""
    state = map_state(m)
    w, s, e, n = float(min(lon)), float(min(lat)), float(max(lon)), float(max(lat))
    if state.extent:
        w0, s0, e0, n0 = state.extent
        w, s, e, n = min(w, w0), min(s, s0), max(e, e0), max(n, n0)
    # the page fits this extent into the largest room its controls leave (on any screen)
    state.extent = [w, s, e, n]


def grid_of(basemap: Any) -> tuple[str, Any]:
    """Return the Leaflet CRS and checked provider of ``basemap`` (name, provider or None)."""
    if basemap is None:
        return "EPSG4326", None
    from marsgeo.basemap import tile_provider

    prov = tile_provider(basemap) if isinstance(basemap, str) else basemap
    if not hasattr(prov, "get") or prov.get("body") != "Mars":
        msg = (
            f"basemap={basemap!r} is not a Mars tile provider; pass a name from "
            "marsgeo.basemap.tile_providers() or None."
        )
        raise InputError(msg)
    problems = []
    if prov.get("grid") not in ("EPSG4326", "EPSG3857"):
        problems.append(f"grid={prov.get('grid')!r} must be 'EPSG4326' or 'EPSG3857'")
    if not str(prov.get("url", "")).startswith(("https://", "http://")):
        problems.append(f"url={prov.get('url')!r} must be an http(s) URL template")
    for key in ("min_zoom", "max_zoom"):
        if not isinstance(prov.get(key), int) or not 0 <= prov[key] <= 30:
            problems.append(f"{key}={prov.get(key)!r} must be a whole number 0..30")
    for key in ("title", "attribution"):
        if not isinstance(prov.get(key), str) or not prov[key].strip():
            problems.append(f"{key}={prov.get(key)!r} must be a non-empty text")
    if problems:
        msg = f"basemap provider {prov.get('name')!r}: " + "; ".join(problems) + "."
        raise InputError(msg)
    return str(prov["grid"]), prov


def _add_tiles(m: folium.Map, state: MapState, prov: Any) -> None:
    options: dict[str, Any] = {
        "maxNativeZoom": int(prov["max_zoom"]),
        "maxZoom": 23,
        "minZoom": int(prov["min_zoom"]),
        "noWrap": True,
    }
    wms = prov.get("kind") == "wms"
    if wms:
        options = {
            "layers": str(prov["layers"]),
            "format": str(prov.get("format", "image/png")),
            "transparent": False,
            "maxZoom": 23,
        }
    layer = DataLayer(
        "tiles",
        {
            "url": str(prov["url"]),
            "wms": wms,
            "options": options,
            "attribution": value_text(prov["attribution"]),
        },
        value_text(prov["title"], NAME_CHARS) or "basemap",
        overlay=False,
        remote=True,
        real=True,
    )
    attach(m, layer)
    state.basemaps.append(str(prov.get("name", "")))
    note = f"Basemap: {value_text(prov['title'], NAME_CHARS)} ({value_text(prov['attribution'])})"
    state.notes.append((RANKS["basemap"], note))


def add_position_note(state: MapState, tubes: gpd.GeoDataFrame) -> None:
    """Add the legend's note on how the tubes' positions are known (with a confidence column).

    The tubes are checked; the note gives the first row's ``position_confidence`` and the
    largest ``position_uncertainty_m``.
    """
    if "position_confidence" not in tubes.columns:
        return
    unc = pd.to_numeric(tubes.get("position_uncertainty_m"), errors="coerce")
    within = (
        f", within about {float(unc.max()):g} m" if unc is not None and unc.notna().any() else ""
    )
    how = value_text(tubes["position_confidence"].iloc[0], NAME_CHARS)
    state.notes.append((RANKS["tubes"], f"Tube positions: {how}{within}."))
