"""Interactive Folium maps of the depot that are correct on Mars and work offline.

What makes a web map right on Mars:

- the map's Leaflet CRS matches the tile grid of its basemap (NASA Mars Trek tiles are on the
  geographic grid, ``EPSG4326``; OpenPlanetaryMap on Web Mercator, ``EPSG3857``);
- Leaflet measures with Earth's radius (1.876 times too long on Mars): the page sets
  ``L.CRS.Earth.R``, ``L.CRS.EPSG3857.R`` and ``L.CRS.EPSG4326.R`` to 3 396 190 m after
  Leaflet loads and before the map is made, so the scale bar, ``map.distance`` and marsgeo's
  measuring tool are right (folium's MeasureControl hard-codes Earth and is not used);
- only Leaflet is loaded (none of folium's jQuery / Bootstrap / Font Awesome / icon plugins),
  so :func:`save_map` with ``offline=True`` can inline everything from the ``xstatic-leaflet``
  package: the page then requests nothing but optional tile layers.

Data reaches the page as JSON and is drawn by a small script that writes every string
through ``textContent``: names, notes and user columns cannot inject HTML or script.
Computation stays in the other modules; this one only draws.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template

from marsgeo._atomic import atomic_target
from marsgeo._validate import check_points, lonlat
from marsgeo.crs import MARS_SPHERE_RADIUS_M, to_mars_geographic
from marsgeo.errors import DataFileError, InputError

__all__ = ["SAMPLE_COLORS", "depot_map", "save_map"]

#: Marker colour for each sample type (others: purple).
SAMPLE_COLORS = {
    "igneous": "#d62728",
    "sedimentary": "#ff9f1c",
    "regolith": "#8c564b",
    "atmospheric": "#1f77b4",
    "witness": "#9e9e9e",
}
_OTHER_COLOR = "#9467bd"
_HELI_COLORS = ["#00bcd4", "#e91e63", "#8bc34a", "#ffc107", "#3f51b5", "#795548"]
_LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
_LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"


def _data(name: str) -> str:
    return resources.files("marsgeo").joinpath("data").joinpath(name).read_text(encoding="utf-8")


def _js_json(obj: Any) -> str:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _MarsSetup(MacroElement):
    """Header: the Mars radius for Leaflet, marsgeo's drawing library and its styles."""

    _template = Template("")

    def __init__(self, radius_m: float) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MarsSetup"
        self.radius_m = radius_m

    def render(self, **kwargs: Any) -> Any:
        rendered = super().render(**kwargs)  # type: ignore[no-untyped-call]
        script = (
            f"<script>/* Leaflet measures with Earth's radius: use Mars's. */\n"
            f"L.CRS.Earth.R = L.CRS.EPSG3857.R = L.CRS.EPSG4326.R = {self.radius_m!r};\n"
            f"{_data('webmap.js')}</script>\n<style>{_data('webmap.css')}</style>"
        )
        root: Any = self.get_root()
        root.header.add_child(Element(script), name="marsgeo_setup")
        return rendered


class _DataLayer(folium.map.Layer):
    """An overlay drawn in the page by marsgeo's script from JSON data."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
marsgeo.{{ this.kind }}({{ this._parent.get_name() }}, {{ this.get_name() }}, {{ this.payload }});
{% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
{% endmacro %}"""
    )

    def __init__(self, kind: str, data: dict[str, Any], name: str, *, show: bool = True) -> None:
        # Leaflet's layer control shows names as HTML
        super().__init__(name=html.escape(name), overlay=True, control=True, show=show)
        self._name = "MarsgeoLayer"
        self.kind = kind
        self.payload = _js_json(data)


class _Control(MacroElement):
    """A map control from marsgeo's script (legend, timeline, mouse, measure)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
marsgeo.{{ this.kind }}({{ this._parent.get_name() }}
{%- if this.payload %}, {{ this.payload }}{% endif %});
{% endmacro %}"""
    )

    def __init__(self, kind: str, data: dict[str, Any] | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MarsgeoControl"
        self.kind = kind
        self.payload = _js_json(data) if data is not None else ""


# --- data to JSON ---------------


def _text(v: Any) -> str | None:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat(timespec="seconds")
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.8g}"
    return str(v)


def _tube_popup(row: pd.Series) -> list[list[str | None]]:
    if {"designation", "dropped_sol"} <= set(row.index):

        def j(*vals: Any) -> str:
            return ", ".join(t for t in (_text(v) for v in vals) if t)

        return [
            ["PDS name", _text(row.get("name_pds"))],
            ["designation", _text(row.get("designation"))],
            ["sample", j(row.get("sample_type"), row.get("sample_type_detail"))],
            [
                "source rock",
                j(
                    row.get("source_rock"),
                    row.get("source_site"),
                )
                + f" ({row.get('source_confidence')})",
            ],
            [
                "collected",
                j(
                    f"sol {row.get('collected_sol')}",
                    row.get("collected_date"),
                )
                + f" ({row.get('collected_date_confidence')})",
            ],
            [
                "dropped",
                j(
                    f"sol {row.get('dropped_sol')}",
                    f"{row.get('dropped_lmst')} LMST",
                    row.get("dropped_date"),
                )
                + f" ({row.get('dropped_date_confidence')})",
            ],
            ["twin on rover", _text(row.get("twin")) or "none"],
            ["position", f"{row['lon']:.8f} E, {row['lat']:.8f} N"],
            [
                "position source",
                f"{row.get('position_confidence')}, within about "
                f"{row.get('position_uncertainty_m'):g} m",
            ],
            ["elevation", f"{row.get('elev_m'):.2f} m (areoid)"],
            ["notes", _text(row.get("notes"))],
        ]
    skip = {"geometry"}
    return [[str(k), _text(v)] for k, v in row.items() if k not in skip]


def _drop_rank(tubes: gpd.GeoDataFrame) -> list[int]:
    """Drop order 1..n: by drop time where known (else by sol and LMST), else row order."""
    n = len(tubes)
    if "dropped_utc" in tubes.columns and tubes["dropped_utc"].notna().all():
        key = pd.Series(pd.to_datetime(tubes["dropped_utc"], utc=True).to_numpy())
    elif "dropped_sol" in tubes.columns and tubes["dropped_sol"].notna().all():
        lmst = tubes["dropped_lmst"].astype(str) if "dropped_lmst" in tubes.columns else ""
        key = pd.Series(
            (tubes["dropped_sol"].astype(float).map("{:012.3f}".format) + " " + lmst).to_numpy()
        )
    else:
        return list(range(1, n + 1))
    return [int(r) for r in key.rank(method="first").to_numpy()]


def _tube_points(tubes: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    lon, lat = lonlat(tubes)
    frame = tubes.assign(lon=lon, lat=lat)
    points = []
    ranks = _drop_rank(tubes)
    for order, (tid, row) in zip(ranks, frame.iterrows(), strict=True):
        kind = row.get("sample_type")
        name = _text(row.get("name")) or f"tube {tid}"
        points.append(
            {
                "lat": round(float(row["lat"]), 9),
                "lon": round(float(row["lon"]), 9),
                "name": name,
                "color": SAMPLE_COLORS.get(str(kind), _OTHER_COLOR),
                "order": order,
                "sol": _text(row.get("dropped_sol")),
                "date": _text(row.get("dropped_date")),
                "popup": [["tube id", _text(tid)], *_tube_popup(row)],
                "cls": "marsgeo-tube",
            }
        )
    return points


def _lines_from(gdf: gpd.GeoDataFrame, **style: Any) -> list[dict[str, Any]]:
    out = []
    for geom in gdf.geometry:
        c = np.asarray(geom.coords)
        out.append({"coords": [[round(y, 9), round(x, 9)] for x, y in c[:, :2]], **style})
    return out


def _rings(poly: Any) -> list[list[list[float]]]:
    rings = [poly.exterior, *poly.interiors]
    return [[[round(y, 9), round(x, 9)] for x, y in np.asarray(r.coords)[:, :2]] for r in rings]


def _polygon_items(gdf: Any, **style: Any) -> list[dict[str, Any]]:
    items = []
    g = to_mars_geographic(gdf)
    for geom in g.geometry if hasattr(g, "geometry") else g:
        if geom is None or geom.is_empty:
            continue
        for part in getattr(geom, "geoms", [geom]):
            if part.geom_type == "Polygon":
                items.append({"rings": _rings(part), **style})
            elif part.geom_type == "LineString":
                items.append(
                    {
                        "rings": [[[y, x] for x, y in np.asarray(part.coords)[:, :2]]],
                        **style,
                        "fillOpacity": 0,
                    }
                )
    return items


# --- the map ---------------


def _grid_of(basemap: Any) -> tuple[str, Any]:
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
    return str(prov["grid"]), prov


def _add_tiles(m: folium.Map, prov: Any) -> None:
    attribution = html.escape(str(prov["attribution"]))
    if prov.get("kind") == "wms":
        folium.WmsTileLayer(
            url=prov["url"],
            layers=prov["layers"],
            fmt=prov.get("format", "image/png"),
            attr=attribution,
            name=html.escape(str(prov["title"])),
            overlay=False,
            control=True,
            transparent=False,
        ).add_to(m)
        return
    folium.TileLayer(
        tiles=prov["url"],
        attr=attribution,
        name=html.escape(str(prov["title"])),
        overlay=False,
        control=True,
        max_native_zoom=int(prov["max_zoom"]),
        max_zoom=23,
        min_zoom=int(prov["min_zoom"]),
        no_wrap=True,
    ).add_to(m)


def depot_map(
    tubes: Any,
    *,
    plan: Any = None,
    places: Any = "jezero",
    basemap: Any = "trek-hirise",
    terrain: Any = None,
    no_fly: Any = None,
    hazard: Any = None,
    nearest: bool = True,
    pairwise: bool | None = None,
    timeline: bool = True,
    title: str = "Three Forks sample depot, Jezero crater, Mars",
) -> folium.Map:
    """Draw an interactive map of the tubes, correct on Mars.

    Parameters
    ----------
    tubes
        GeoDataFrame of tube Points in a Mars CRS (e.g. ``load_depot()``).
    plan
        A :class:`marsgeo.PickupPlan` to draw: lander, pad, landing and relay spots, each
        helicopter's legs in its own colour with sol numbers.
    places
        "jezero" (default) for the landing site and the approximate crater rim, a
        GeoDataFrame of your own, or None.
    basemap
        A Mars tile provider name (default "trek-hirise": NASA Mars Trek HiRISE 25 cm; needs
        the network), a provider object, or None for no tiles. The map's CRS follows the
        provider's tile grid.
    terrain
        A :class:`marsgeo.basemap.Raster` drawn as an image overlay (a DTM is drawn as its
        hillshade), or "synthetic" for marsgeo's labelled synthetic terrain. Works offline.
    no_fly, hazard
        Polygons (GeoDataFrame in a Mars CRS) to draw as no-fly zones / hazards; ``hazard``
        may also be a Raster, as for :func:`marsgeo.plan_pickup`.
    nearest
        Draw each tube's nearest-neighbour line with its distance.
    pairwise
        Add every pair of tubes as an optional layer (default: when there are at most 60).
    timeline
        Add the drop-order timeline (needs ``dropped_sol`` and ``dropped_date`` columns).
    title
        Legend title.

    Returns
    -------
    folium.Map
        Save it with :func:`save_map` (``offline=True`` for a self-contained page).
    """
    from marsgeo import distance

    checked = check_points(tubes, name="tubes")
    grid, prov = _grid_of(basemap)
    lon, lat = lonlat(checked)
    m = folium.Map(
        location=[float(np.mean(lat)), float(np.mean(lon))],
        zoom_start=19,
        crs=grid,
        tiles=None,
        control_scale=True,
        max_zoom=23,
        min_zoom=1,
    )
    # only Leaflet: nothing that cannot be inlined offline, no Earth-only plugins
    m.default_js = [("leaflet", _LEAFLET_JS)]
    m.default_css = [("leaflet_css", _LEAFLET_CSS)]
    _MarsSetup(MARS_SPHERE_RADIUS_M).add_to(m)
    notes: list[str] = []
    if prov is not None:
        _add_tiles(m, prov)
        notes.append(f"Basemap: {prov['title']} ({prov['attribution']})")
    if "position_confidence" in checked.columns:
        unc = checked.get("position_uncertainty_m")
        within = f", within about {float(unc.max()):g} m" if unc is not None else ""
        notes.append(f"Tube positions: {checked['position_confidence'].iloc[0]}{within}.")

    if terrain is not None:
        notes.append(_add_terrain(m, terrain, grid))
    if places is not None:
        _add_places(m, places)
    obstacles = []
    if no_fly is not None:
        obstacles.append(
            (
                "No-fly zones",
                _polygon_items(no_fly, color="#b000b5", label="no-fly zone", dash="6 4"),
            )
        )
    if hazard is not None:
        haz = _hazard_gdf(hazard)
        synth = "synthetic" in haz.columns and bool(haz["synthetic"].any())
        label = "hazard (SYNTHETIC terrain)" if synth else "hazard"
        obstacles.append(("Hazards", _polygon_items(haz, color="#e53935", label=label)))
        if synth:
            notes.append("Hazards: from SYNTHETIC terrain, not a measurement.")
    for name, items in obstacles:
        _DataLayer("polygons", {"polygons": items}, name).add_to(m)

    if nearest and len(checked) >= 2:
        nn = distance.nearest_neighbours(checked)
        lines = _lines_from(nn, color="#222", weight=1.5, dash="3 3", cls="marsgeo-nn")
        for item, d in zip(lines, nn["distance_m"], strict=True):
            item["label"] = f"{d:.2f} m"
            item["permanent"] = len(checked) <= 60
        _DataLayer("lines", {"lines": lines}, "Nearest-neighbour distances").add_to(m)
    if pairwise is None:
        pairwise = len(checked) <= 60
    if pairwise and len(checked) >= 2:
        pairs = distance.pairwise_distances(checked)
        lines = _lines_from(pairs, color="#555", weight=1, cls="marsgeo-pair")
        for item, d in zip(lines, pairs["distance_m"], strict=True):
            item["label"] = f"{d:.2f} m"
        _DataLayer("lines", {"lines": lines}, "All tube pairs", show=False).add_to(m)
    if plan is not None:
        notes.extend(_add_plan(m, plan))

    _DataLayer("points", {"points": _tube_points(checked), "register": True}, "Tubes").add_to(m)
    kinds = list(dict.fromkeys(str(k) for k in checked.get("sample_type", pd.Series([]))))
    legend: list[list[str]] = [[SAMPLE_COLORS.get(k, _OTHER_COLOR), k] for k in kinds]
    legend = legend or [[_OTHER_COLOR, "tube"]]
    if plan is not None:
        legend += [
            [_HELI_COLORS[(h - 1) % len(_HELI_COLORS)], f"helicopter {h}"]
            for h in range(1, plan.helicopters + 1)
        ]
    notes.append("Distances and the scale bar are on the Mars sphere (R = 3 396 190 m).")
    _Control("legend", {"title": title, "items": legend, "notes": notes}).add_to(m)
    if timeline and {"dropped_sol", "dropped_date"} <= set(checked.columns):
        _Control("timeline", {"title": "Drop order (replay the depot)"}).add_to(m)
    _Control("mouse").add_to(m)
    _Control("measure").add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    xs, ys = list(lon), list(lat)
    if plan is not None:  # frame the lander and the routes too
        xs += list(plan.spots.geometry.x)
        ys += list(plan.spots.geometry.y)
    w, s, e, n = min(xs), min(ys), max(xs), max(ys)
    pad_ll = max(e - w, n - s) * 0.05 + 1e-5
    # keep the data clear of the legend (bottom right) and the timeline (top right)
    m.fit_bounds(
        [[s - pad_ll, w - pad_ll], [n + pad_ll, e + pad_ll]],
        padding_top_left=(20, 20),
        padding_bottom_right=(340, 60),
    )
    return m


def _hazard_gdf(hazard: Any) -> gpd.GeoDataFrame:
    from marsgeo._raster import Raster
    from marsgeo._terrain import hazard_areas

    if isinstance(hazard, Raster):
        return hazard_areas(hazard)
    if isinstance(hazard, (gpd.GeoDataFrame, gpd.GeoSeries)):
        out = to_mars_geographic(hazard)
        return out if isinstance(out, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=out)
    msg = "hazard must be polygons (GeoDataFrame in a Mars CRS) or a marsgeo Raster."
    raise InputError(msg)


def _add_terrain(m: folium.Map, terrain: Any, grid: str) -> str:
    from marsgeo.basemap import Raster, hillshade, render_png, synthetic_dtm

    raster = synthetic_dtm() if isinstance(terrain, str) and terrain == "synthetic" else terrain
    if not isinstance(raster, Raster):
        msg = (
            f"terrain={terrain!r} is not a marsgeo Raster; pass one (e.g. from "
            "marsgeo.basemap.read_raster) or 'synthetic'."
        )
        raise InputError(msg)
    if raster.units in ("m", "metre", "meter") and raster.name != "hillshade":
        raster = hillshade(raster)
        overlay = render_png(raster, grid=grid, vmin=0.0, vmax=1.0, opacity=0.75)
    else:
        overlay = render_png(raster, grid=grid, opacity=0.75)
    uri = "data:image/png;base64," + base64.b64encode(overlay.png).decode("ascii")
    label = "Terrain (SYNTHETIC, not a measurement)" if raster.synthetic else "Terrain"
    folium.raster_layers.ImageOverlay(
        image=uri,
        bounds=[list(overlay.bounds[0]), list(overlay.bounds[1])],
        name=label,
        attr=html.escape(overlay.attribution),
        opacity=1.0,
        interactive=False,
        zindex=2,
    ).add_to(m)
    if raster.synthetic:
        return "Terrain overlay: SYNTHETIC, generated by marsgeo; not a measurement."
    return f"Terrain overlay: {overlay.attribution}"


def _add_places(m: folium.Map, places: Any) -> None:
    from marsgeo.jezero import jezero_features

    feats = jezero_features() if isinstance(places, str) and places == "jezero" else places
    if not isinstance(feats, gpd.GeoDataFrame):
        msg = "places must be 'jezero', a GeoDataFrame in a Mars CRS, or None."
        raise InputError(msg)
    feats = to_mars_geographic(feats)
    pts, polys = [], []
    for fid, row in feats.iterrows():
        geom = row.geometry
        name = _text(row.get("name")) or str(fid)
        approx = " (approximate)" if bool(row.get("approximate", False)) else ""
        if geom.geom_type == "Point":
            if str(fid) == "three_forks_depot":
                continue
            pts.append(
                {
                    "lat": geom.y,
                    "lon": geom.x,
                    "name": name + approx,
                    "color": "#ffffff",
                    "radius": 6,
                    "popup": [[str(k), _text(v)] for k, v in row.items() if k != "geometry"],
                    "cls": "marsgeo-place",
                }
            )
        elif str(fid) in ("jezero_rim", "three_forks_depot_extent") or str(fid) not in (
            "usgs_sim3464_extent",
        ):
            polys.extend(
                _polygon_items(
                    gpd.GeoSeries([geom], crs=feats.crs),
                    color="#fafafa",
                    label=name + approx,
                    fillOpacity=0,
                    weight=2,
                    dash="8 6",
                )
            )
    _DataLayer("points", {"points": pts}, "Jezero places").add_to(m)
    _DataLayer("polygons", {"polygons": polys}, "Jezero outlines").add_to(m)


def _add_plan(m: folium.Map, plan: Any) -> list[str]:
    legs = plan.legs
    names = {}
    for h in range(1, plan.helicopters + 1):
        sub = legs[legs["helicopter"] == h]
        items = []
        for row in sub.itertuples():
            if row.geometry.geom_type != "LineString":
                continue
            flight = str(row.kind).startswith("flight")
            what = str(row.kind).replace("_", " ")
            items.append(
                {
                    "coords": [
                        [round(y, 9), round(x, 9)]
                        for x, y in np.asarray(row.geometry.coords)[:, :2]
                    ],
                    "color": _HELI_COLORS[(h - 1) % len(_HELI_COLORS)],
                    "weight": 3 if flight else 2,
                    "dash": None if row.kind == "flight_out" else "5 5",
                    "label": f"helicopter {h}, sol {row.sol}: {what}, tube {row.tube_id}, "
                    f"{row.distance_m:.1f} m",
                    "cls": "marsgeo-leg",
                }
            )
        names[h] = items
        _DataLayer(
            "lines",
            {"lines": items},
            f"Helicopter {h} (sols 1-{int(sub['sol'].max()) if len(sub) else 0})",
        ).add_to(m)
    pts = []
    styles = {
        "lander": ("#000000", 9),
        "pad": ("#607d8b", 6),
        "landing_spot": ("#ffffff", 3),
        "relay": ("#ffeb3b", 5),
    }
    for row in plan.spots.itertuples():
        color, radius = styles.get(str(row.kind), ("#999", 4))
        label = str(row.kind).replace("_", " ")
        if row.kind == "lander" and "ASSUMPTION" in str(row.note):
            label = "lander (ASSUMED position)"
        pts.append(
            {
                "lat": row.geometry.y,
                "lon": row.geometry.x,
                "name": label,
                "color": color,
                "radius": radius,
                "popup": [["kind", label], ["tube", _text(row.tube_id)], ["note", _text(row.note)]],
                "cls": f"marsgeo-spot marsgeo-{row.kind}",
                "label": row.kind == "lander",
            }
        )
    _DataLayer("points", {"points": pts}, "Lander, pad, landing and relay spots").add_to(m)
    notes = [
        f"Pickup plan: {plan.makespan_sols} sols"
        f"{' (proven minimum)' if plan.is_optimal else ''}, {plan.helicopters} helicopters,"
        f" {plan.total_flight_m:.0f} m of flight."
    ]
    notes.extend(a for a in plan.assumptions if a.startswith("lander") or "SYNTHETIC" in a)
    return notes


# --- saving ---------------


def _leaflet_files() -> tuple[str, str]:
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError as exc:  # pragma: no cover - a declared dependency
        msg = "offline pages need the xstatic-leaflet package: pip install xstatic-leaflet"
        raise DataFileError(msg) from exc
    base = Path(xleaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        target = base / match.group(1)
        data = base64.b64encode(target.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[A-Za-z0-9_.-]+\.png)\)", inline, css)
    return js, css


def _offline(page: str) -> str:
    js, css = _leaflet_files()
    js = js.replace("</script", "<\\/script")
    page, n_js = re.subn(
        r'<script src="' + re.escape(_LEAFLET_JS) + r'"></script>',
        lambda _: f"<script>{js}</script>",
        page,
    )
    page, n_css = re.subn(
        r'<link rel="stylesheet" href="' + re.escape(_LEAFLET_CSS) + r'"/>',
        lambda _: f"<style>{css}</style>",
        page,
    )
    left = re.findall(r'<(?:script[^>]+src|link[^>]+href)="(https?://[^"]+)"', page)
    if n_js != 1 or n_css != 1 or left:
        msg = (
            f"cannot make the page self-contained: it loads {left or 'Leaflet differently'}. "
            "Build the map with marsgeo.depot_map, which loads only Leaflet."
        )
        raise InputError(msg)
    return page


def save_map(m: folium.Map, path: Any, *, offline: bool = False) -> Path:
    """Write a map to an HTML file, atomically.

    Parameters
    ----------
    m
        A map from :func:`depot_map`.
    path
        The HTML file to write; its folder must exist.
    offline
        Inline Leaflet (script, styles and images, from the ``xstatic-leaflet`` package) so
        that the page needs no network: it then requests nothing but its optional tile
        layers, and shows tubes, routes and terrain overlays without them.

    Returns
    -------
    pathlib.Path
    """
    if not isinstance(m, folium.Map):
        msg = f"m must be a folium.Map (from marsgeo.depot_map), got {type(m).__name__}."
        raise InputError(msg)
    page = m.get_root().render()
    if offline:
        page = _offline(page)
    with atomic_target(path, example="depot.html") as tmp:
        tmp.write_text(page, encoding="utf-8")
    return Path(path)
