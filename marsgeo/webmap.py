"""Interactive Folium maps of the depot that are correct on Mars and work offline.

What makes a web map right on Mars:

- the map's Leaflet CRS matches the tile grid of its basemap (NASA Mars Trek tiles are on the
  geographic grid, ``EPSG4326``; OpenPlanetaryMap on Web Mercator, ``EPSG3857``);
- Leaflet measures with Earth's radius (1.876 times too long on Mars): the page sets
  ``L.CRS.Earth.R``, ``L.CRS.EPSG3857.R`` and ``L.CRS.EPSG4326.R`` to 3 396 190 m after
  Leaflet loads and before the map is made, so the scale bar, ``map.distance`` and marsgeo's
  measuring tool are right (folium's MeasureControl hard-codes Earth and is not used);
- only Leaflet is loaded (none of folium's jQuery / Bootstrap / Font Awesome / icon plugins):
  from a CDN pinned by Subresource Integrity, or, with :func:`save_map` ``offline=True``,
  inlined from the ``xstatic-leaflet`` package. An offline page makes no request at all until
  the user turns on a layer that needs a network (tile basemaps start off there).

Data reaches the page as JSON, never as template source (see :mod:`marsgeo._page`), and is
drawn by a small script that writes every string through ``textContent``: names, notes and
user columns cannot inject HTML, script or template code. Long values are shortened for
display (the data keeps them whole) and each is isolated from its neighbours' text direction.
Computation stays in the other modules; this one only draws.
"""

from __future__ import annotations

import base64
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from marsgeo import _style
from marsgeo._atomic import atomic_target
from marsgeo._page import OFFLINE, Control, DataLayer, MarsSetup
from marsgeo._validate import check_plan_tubes, check_shapes, lonlat
from marsgeo.crs import MARS_SPHERE_RADIUS_M, mean_lonlat, require_mars_crs, to_mars_geographic
from marsgeo.depot import drop_order, validate_tubes
from marsgeo.errors import InputError, raise_collected
from marsgeo.io import check_output

if TYPE_CHECKING:
    from xyzservices import TileProvider

    from marsgeo._raster import Raster
    from marsgeo.routing import PickupPlan
    from marsgeo.typing import PathLike, PointFrame, ShapeFrame

__all__ = ["SAMPLE_COLORS", "depot_map", "network_layers", "save_map"]

#: Marker colour for each sample type (others: purple).
SAMPLE_COLORS = _style.SAMPLE_COLORS
_OTHER_COLOR = _style.OTHER_COLOR
_HELI_COLORS = _style.HELI_COLORS

#: How many characters of one value a map shows (names, then other values).
NAME_CHARS = 80
VALUE_CHARS = 300

# --- data to JSON ---------------


# explicit direction controls (shown as their code points: they must not reorder a label)
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, ...; presentation forms)
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff]")


def _display_text(text: str, limit: int = VALUE_CHARS) -> str:
    """Return ``text`` as a map shows it: short, and isolated in its text direction.

    At most ``limit`` characters are kept (then how many there are), direction controls
    are shown as code points, and right-to-left text is isolated (U+2068 ... U+2069), so that
    no value can reorder the rest of a label.

    Examples
    --------
    >>> _display_text("x" * 100, 5)
    'xxxxx… [100 characters]'
    >>> _display_text("a\u202eb")
    'a[U+202E]b'
    """
    if len(text) > limit:
        text = f"{text[:limit]}… [{len(text):,} characters]"
    text = _BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
    return f"\u2068{text}\u2069" if _RTL.search(text) else text


def _text(v: Any, limit: int = VALUE_CHARS) -> str | None:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat(timespec="seconds")
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.8g}"
    return _display_text(str(v), limit)


def _tube_popup(row: pd.Series) -> list[list[str | None]]:
    if not {"designation", "dropped_sol"} <= set(row.index):
        return [[_text(k, NAME_CHARS), _text(v)] for k, v in row.items() if k != "geometry"]

    def get(column: str) -> str | None:
        return _text(row.get(column))

    def joined(*parts: str | None, confidence: str | None = None) -> str:
        text = ", ".join(p for p in parts if p)
        how = get(confidence) if confidence else None
        return f"{text} ({how})" if text and how else text

    def sol(column: str) -> str | None:
        value = get(column)
        return f"sol {value}" if value else None

    lmst = get("dropped_lmst")
    unc = get("position_uncertainty_m")
    elev = row.get("elev_m")
    return [
        ["PDS name", get("name_pds")],
        ["designation", get("designation")],
        [
            "sample",
            joined(
                get("sample_type"), get("sample_type_detail"), confidence="sample_type_confidence"
            ),
        ],
        [
            "source rock",
            joined(get("source_rock"), get("source_site"), confidence="source_confidence"),
        ],
        [
            "collected",
            joined(
                sol("collected_sol"), get("collected_date"), confidence="collected_date_confidence"
            ),
        ],
        ["collected date from", get("collected_date_method")],
        [
            "dropped",
            joined(
                sol("dropped_sol"),
                f"{lmst} LMST" if lmst else None,
                get("dropped_date"),
                confidence="dropped_date_confidence",
            ),
        ],
        ["dropped date from", get("dropped_date_method")],
        ["twin on rover", joined(get("twin") or "none", confidence="twin_confidence")],
        ["position", f"{row['lon']:.8f} E, {row['lat']:.8f} N"],
        [
            "position source",
            joined(get("position_confidence"), f"within about {unc} m" if unc else None),
        ],
        ["elevation", f"{float(elev):.2f} m (areoid)" if pd.notna(elev) else None],
        ["notes", get("notes")],
    ]


def _tube_points(tubes: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    lon, lat = lonlat(tubes)
    frame = tubes.assign(lon=lon, lat=lat)
    points = []
    ranks = drop_order(tubes).tolist()
    for order, (tid, row) in zip(ranks, frame.iterrows(), strict=True):
        kind = row.get("sample_type")
        name = _text(row.get("name"), NAME_CHARS) or f"tube {_text(tid, NAME_CHARS)}"
        points.append(
            {
                "lat": round(float(row["lat"]), 9),
                "lon": round(float(row["lon"]), 9),
                "name": name,
                "color": SAMPLE_COLORS.get(str(kind), _OTHER_COLOR),
                "order": order,
                "sol": _text(row.get("dropped_sol")),
                "date": _text(row.get("dropped_date")),
                "popup": [["tube id", _text(tid, NAME_CHARS)], *_tube_popup(row)],
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
    """Polygons (and outlines) to draw; a GeoDataFrame's columns become each one's popup."""
    items = []
    g = to_mars_geographic(gdf)
    frame = g if isinstance(g, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=g)
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for fid, row in frame.iterrows():
        geom = row[frame.geometry.name]
        if geom is None or geom.is_empty:
            continue
        extra: dict[str, Any] = {}
        if columns:
            extra["popup"] = [[_text(c, NAME_CHARS), _text(row[c])] for c in columns]
            extra["title"] = f"{style.get('label', 'area')} {_text(fid, NAME_CHARS)}"
            if "name" in columns and _text(row["name"]):
                extra["label"] = f"{style.get('label', 'area')}: {_text(row['name'], NAME_CHARS)}"
        for part in getattr(geom, "geoms", [geom]):
            if part.geom_type == "Polygon":
                items.append({"rings": _rings(part), **style, **extra})
            elif part.geom_type == "LineString":
                items.append(
                    {
                        "rings": [[[y, x] for x, y in np.asarray(part.coords)[:, :2]]],
                        **style,
                        **extra,
                        "fillOpacity": 0,
                    }
                )
    return items


# --- argument checks ---------------

#: Extensions :func:`save_map` writes (a page under another name would not open as one).
HTML_EXTENSIONS = (".html", ".htm")
_POLYGONS = ("Polygon", "MultiPolygon")
_PLACE_KINDS = ("Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


def _is_flag(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _flag_problems(**flags: Any) -> list[str]:
    """Problems with arguments that must be True or False (or None, if the name ends in _)."""
    problems = []
    for key, value in flags.items():
        name, optional = key.rstrip("_"), key.endswith("_")
        if _is_flag(value) or (optional and value is None):
            continue
        allowed = "True, False or None" if optional else "True or False"
        problems.append(f"{name}={value!r} must be {allowed}")
    return problems


def _row_ids(index: pd.Index, mask: Any, limit: int = 5) -> str:
    ids = [repr(v.item() if hasattr(v, "item") else v) for v in index[np.asarray(mask)][:limit]]
    more = int(np.count_nonzero(mask)) - len(ids)
    return ", ".join(ids) + (f" and {more} more" if more > 0 else "")


def _check_shapes(obj: Any, *, name: str, kinds: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Return ``obj`` as a GeoDataFrame in Mars longitude/latitude, every row drawable.

    Refused, naming the rows: missing or empty geometries, geometry types other than
    ``kinds``, and coordinates that break the coordinate range rule.
    """
    if isinstance(obj, gpd.GeoSeries):
        obj = gpd.GeoDataFrame(geometry=obj)
    if not isinstance(obj, gpd.GeoDataFrame):
        msg = (
            f"{name} must be a GeoDataFrame (or GeoSeries) of {' / '.join(kinds)} in a Mars "
            f"CRS, got {type(obj).__name__}; build one with geopandas.GeoDataFrame(geometry="
            "[...], crs=marsgeo.crs.MARS_GEOGRAPHIC)."
        )
        raise InputError(msg)
    if obj._geometry_column_name not in obj.columns:
        msg = f"{name} has no active geometry column; set one with {name}.set_geometry(column)."
        raise InputError(msg)
    require_mars_crs(obj, name=name)
    geoms = np.asarray(obj.geometry.values, dtype=object)
    problems = []
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        problems.append(f"rows {_row_ids(obj.index, missing)} have no geometry; drop them")
    kind = np.array([g.geom_type if g is not None else "" for g in geoms], dtype=object)
    wrong = ~missing & ~np.isin(kind, kinds)
    if wrong.any():
        found = sorted(set(kind[wrong]))
        problems.append(
            f"rows {_row_ids(obj.index, wrong)} are {', '.join(found)}; pass {' / '.join(kinds)}"
        )
    raise_collected(InputError, problems, what=name)
    return check_shapes(obj, name=name)  # the coordinate range rule, naming the rows


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


def _add_tiles(m: folium.Map, prov: Any) -> None:
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
    DataLayer(
        "tiles",
        {
            "url": str(prov["url"]),
            "wms": wms,
            "options": options,
            "attribution": _text(prov["attribution"]),
        },
        _text(prov["title"], NAME_CHARS) or "basemap",
        overlay=False,
        remote=True,
        real=True,
    ).add_to(m)


def depot_map(  # noqa: C901, PLR0913, PLR0915 - the one-call map: every layer and option
    tubes: PointFrame | None,
    *,
    plan: PickupPlan | None = None,
    places: str | ShapeFrame | None = "jezero",
    basemap: str | TileProvider | None = "trek-hirise",
    terrain: Raster | str | None = None,
    no_fly: ShapeFrame | None = None,
    hazard: ShapeFrame | Raster | str | None = None,
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
        may also be a Raster or "synthetic", as for :func:`marsgeo.plan_pickup`.
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

    Raises
    ------
    marsgeo.errors.InputError
        An argument of the wrong type (``plan`` not a PickupPlan, a flag not True or False,
        ``places`` / ``no_fly`` / ``hazard`` not geodata), rows without geometry or of a
        geometry type that cannot be drawn there, an unknown basemap or terrain; every
        problem with the simple arguments is listed at once.
    marsgeo.errors.CoordinateError
        Rows with NaN or infinite coordinates, or latitudes outside -90..90 (named).
    marsgeo.errors.CRSError
        Geodata without a Mars CRS.
    """
    from marsgeo import distance
    from marsgeo.routing import PickupPlan

    problems = _flag_problems(nearest=nearest, pairwise_=pairwise, timeline=timeline)
    if not isinstance(title, str):
        problems.append(f"title must be text, got {type(title).__name__}; pass e.g. 'Three Forks'")
    if plan is not None and not isinstance(plan, PickupPlan):
        problems.append(
            f"plan must be a marsgeo.PickupPlan (from marsgeo.plan_pickup) or None, got "
            f"{type(plan).__name__}"
        )
    if not (places is None or isinstance(places, (gpd.GeoDataFrame, gpd.GeoSeries))) and not (
        isinstance(places, str) and places == "jezero"
    ):
        problems.append(
            f"places must be 'jezero', a GeoDataFrame in a Mars CRS, or None, got {places!r}"
        )
    raise_collected(InputError, problems, what="depot_map")
    # the columns popups and the timeline format are checked (any text is drawn: no vocabulary)
    checked = validate_tubes(tubes, name="tubes", vocabulary=False)
    if plan is not None:
        check_plan_tubes(plan, checked)
    if isinstance(places, (gpd.GeoDataFrame, gpd.GeoSeries)):
        places = _check_shapes(places, name="places", kinds=_PLACE_KINDS)
    if no_fly is not None:
        no_fly = _check_shapes(no_fly, name="no_fly", kinds=_POLYGONS)
    hazards = None if hazard is None else _hazard_gdf(hazard)
    grid, prov = _grid_of(basemap)
    lon, lat = lonlat(checked)
    centre_lon, centre_lat = mean_lonlat(lon, lat)
    m = folium.Map(
        location=[centre_lat, centre_lon],
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
    MarsSetup(MARS_SPHERE_RADIUS_M, title=title).add_to(m)
    notes: list[str] = []
    if prov is not None:
        _add_tiles(m, prov)
        notes.append(f"Basemap: {_text(prov['title'], NAME_CHARS)} ({_text(prov['attribution'])})")
    if "position_confidence" in checked.columns:
        unc = pd.to_numeric(checked.get("position_uncertainty_m"), errors="coerce")
        within = (
            f", within about {float(unc.max()):g} m"
            if unc is not None and unc.notna().any()
            else ""
        )
        how = _text(checked["position_confidence"].iloc[0], NAME_CHARS)
        notes.append(f"Tube positions: {how}{within}.")

    if terrain is not None:
        notes.append(_add_terrain(m, terrain, grid, over_basemap=prov is not None))
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
    if hazards is not None:
        haz = hazards
        synth = "synthetic" in haz.columns and bool(haz["synthetic"].any())
        label = "hazard (SYNTHETIC terrain)" if synth else "hazard"
        obstacles.append(("Hazards", _polygon_items(haz, color="#e53935", label=label)))
        if synth:
            notes.append("Hazards: from SYNTHETIC terrain, not a measurement.")
    for name, items in obstacles:
        DataLayer("polygons", {"polygons": items}, name).add_to(m)

    if nearest and len(checked) >= 2:
        nn = distance.nearest_neighbours(checked)
        lines = _lines_from(nn, color="#222", weight=1.5, dash="3 3", cls="marsgeo-nn")
        for item, d in zip(lines, nn["distance_m"], strict=True):
            item["label"] = f"{d:.2f} m"
            item["permanent"] = len(checked) <= 60
        DataLayer("lines", {"lines": lines}, "Nearest-neighbour distances").add_to(m)
    if pairwise is None:
        pairwise = len(checked) <= 60
    if pairwise and len(checked) >= 2:
        pairs = distance.pairwise_distances(checked)
        lines = _lines_from(pairs, color="#555", weight=1, cls="marsgeo-pair")
        for item, d in zip(lines, pairs["distance_m"], strict=True):
            item["label"] = f"{d:.2f} m"
        DataLayer("lines", {"lines": lines}, "All tube pairs", show=False).add_to(m)
    if plan is not None:
        notes.extend(_add_plan(m, plan))

    DataLayer("points", {"points": _tube_points(checked), "register": True}, "Tubes").add_to(m)
    kinds = list(dict.fromkeys(str(k) for k in checked.get("sample_type", pd.Series([]))))
    legend: list[list[str]] = [
        [SAMPLE_COLORS.get(k, _OTHER_COLOR), _display_text(k, NAME_CHARS)] for k in kinds
    ]
    legend = legend or [[_OTHER_COLOR, "tube"]]
    if plan is not None:
        legend += [
            [_HELI_COLORS[(h - 1) % len(_HELI_COLORS)], f"helicopter {h}"]
            for h in range(1, plan.helicopters + 1)
        ]
    notes.append("Distances and the scale bar are on the Mars sphere (R = 3 396 190 m).")
    legend_title = _display_text(title)
    Control("legend", {"title": legend_title, "items": legend, "notes": notes}).add_to(m)
    if timeline and {"dropped_sol", "dropped_date"} <= set(checked.columns):
        Control("timeline", {"title": "Drop order (replay the depot)"}).add_to(m)
    Control("mouse").add_to(m)
    Control("measure").add_to(m)
    Control("layers", {"collapsed": True}).add_to(m)
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
    from marsgeo.basemap import Raster, hazard_areas

    if isinstance(hazard, Raster) or (
        isinstance(hazard, str) and hazard.strip().lower() == "synthetic"
    ):
        return hazard_areas(hazard)
    if isinstance(hazard, (gpd.GeoDataFrame, gpd.GeoSeries)):
        return _check_shapes(hazard, name="hazard", kinds=_POLYGONS)
    msg = (
        f"hazard must be polygons (GeoDataFrame in a Mars CRS) or a marsgeo Raster, got "
        f"{type(hazard).__name__}."
    )
    raise InputError(msg)


def _add_terrain(m: folium.Map, terrain: Any, grid: str, *, over_basemap: bool) -> str:
    from marsgeo.basemap import Raster, hillshade, render_png, synthetic_dtm

    raster = synthetic_dtm() if isinstance(terrain, str) and terrain == "synthetic" else terrain
    if not isinstance(raster, Raster):
        msg = (
            f"terrain={terrain!r} is not a marsgeo Raster; pass one (e.g. from "
            "marsgeo.basemap.read_raster) or 'synthetic'."
        )
        raise InputError(msg)
    from marsgeo._products import PRODUCT_TAG, product_credit

    # the product and its source, as the reader named them (e.g. a USGS DTM mosaic's file);
    # render_png credits a known product with them
    credit, product = product_credit(raster.tags), raster.tags.get(PRODUCT_TAG, "")
    if raster.units in ("m", "metre", "meter") and raster.name != "hillshade":
        raster = hillshade(raster)
        overlay = render_png(raster, grid=grid, vmin=0.0, vmax=1.0, opacity=0.75)
    else:
        overlay = render_png(raster, grid=grid, opacity=0.75)
    uri = "data:image/png;base64," + base64.b64encode(overlay.png).decode("ascii")
    attribution = _text(overlay.attribution) or "raster"
    data = {
        "url": uri,
        "bounds": [list(overlay.bounds[0]), list(overlay.bounds[1])],
        "opacity": 1.0,
        "attribution": attribution,
    }
    if not raster.synthetic:
        DataLayer("image", data, "Terrain").add_to(m)
        if credit and product not in attribution:  # a file marsgeo does not know
            return f"Terrain overlay: {attribution}; {_text(credit)}"
        return f"Terrain overlay: {attribution}"
    # synthetic terrain says so on the image and in the attribution bar, and never covers a
    # real basemap unless the user turns it on
    data["attribution"] = "SYNTHETIC terrain generated by marsgeo; not a measurement"
    data["stamp"] = "SYNTHETIC"
    DataLayer(
        "image",
        data,
        "Terrain (SYNTHETIC, not a measurement)",
        synthetic=True,
        show="unless-real-basemap" if over_basemap else True,
    ).add_to(m)
    hidden = " Hidden while a real basemap is shown." if over_basemap else ""
    return f"Terrain overlay: SYNTHETIC, generated by marsgeo; not a measurement.{hidden}"


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
        name = _text(row.get("name"), NAME_CHARS) or _text(fid, NAME_CHARS) or "place"
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
                    "popup": [
                        [_text(k, NAME_CHARS), _text(v)]
                        for k, v in row.items()
                        if k != feats.geometry.name
                    ],
                    "cls": "marsgeo-place",
                }
            )
        elif str(fid) != "usgs_sim3464_extent":  # a map sheet's frame, not a place
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
    DataLayer("points", {"points": pts}, "Jezero places").add_to(m)
    DataLayer("polygons", {"polygons": polys}, "Jezero outlines").add_to(m)


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
                    "label": f"helicopter {h}, sol {row.sol}: {what}, tube "
                    f"{_text(row.tube_id, NAME_CHARS)}, {row.distance_m:.1f} m",
                    "cls": "marsgeo-leg",
                }
            )
        names[h] = items
        DataLayer(
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
                "popup": [
                    ["kind", label],
                    ["tube", _text(row.tube_id, NAME_CHARS)],
                    ["note", _text(row.note)],
                ],
                "cls": f"marsgeo-spot marsgeo-{row.kind}",
                "label": row.kind == "lander",
            }
        )
    DataLayer("points", {"points": pts}, "Lander, pad, landing and relay spots").add_to(m)
    notes = [
        f"Pickup plan: {plan.makespan_sols} sols"
        f"{' (proven minimum)' if plan.is_optimal else ''}, {plan.helicopters} helicopters,"
        f" {plan.total_flight_m:.0f} m of flight."
    ]
    notes.extend(
        _display_text(a) for a in plan.assumptions if a.startswith("lander") or "SYNTHETIC" in a
    )
    return notes


# --- saving ---------------


def network_layers(m: folium.Map) -> list[str]:
    """Names of the map's layers that load from the network (tile basemaps).

    In a page saved with ``offline=True`` these start off, and the page makes no request until
    the user turns one on.

    Examples
    --------
    >>> import marsgeo as mg
    >>> network_layers(mg.depot_map(mg.load_depot(), basemap="trek-ctx", places=None))
    ['NASA Mars Trek: Jezero CTX orthomosaic, 6 m']
    """
    if not isinstance(m, folium.Map):
        msg = f"m must be a folium.Map (from marsgeo.depot_map), got {type(m).__name__}."
        raise InputError(msg)
    return [c.title for c in m._children.values() if isinstance(c, DataLayer) and c.remote]


def save_map(m: folium.Map, path: PathLike, *, offline: bool = False) -> Path:
    """Write a map to an HTML file, atomically.

    Parameters
    ----------
    m
        A map from :func:`depot_map`.
    path
        The HTML file to write, ending in ``.html`` or ``.htm``; its folder must exist. A
        symbolic link is written through (the file it points to is replaced).
    offline
        Inline Leaflet (script, styles and images, from the ``xstatic-leaflet`` package) so
        that the page needs no network. It then makes no request at all when it loads, pans or
        zooms: layers that need a network (tile basemaps, see :func:`network_layers`) start
        off, and load only when the user turns them on. Without ``offline`` the page loads
        Leaflet from a CDN, pinned by Subresource Integrity, and says so if it cannot.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    marsgeo.errors.InputError
        ``m`` is not a folium map, ``path`` is not a file path ending in ``.html`` or
        ``.htm``, ``offline`` is not True or False, or an offline page would load a file.
    marsgeo.errors.DataFileError
        The file cannot be written: the folder does not exist, no permission, a read-only
        file system, a full disk (the message names the path and a fix).
    """
    problems = _flag_problems(offline=offline)
    if not isinstance(m, folium.Map):
        problems.append(f"m must be a folium.Map (from marsgeo.depot_map), got {type(m).__name__}")
    raise_collected(InputError, problems, what="save_map")
    target = check_output(path, extensions=HTML_EXTENSIONS)
    page = m.get_root().render(**{OFFLINE: bool(offline)})
    if offline:
        left = re.findall(r'<(?:script[^>]+src|link[^>]+href)=["\']?(https?://[^"\' >]+)', page)
        if left or "marsgeo.setup(" not in page:
            msg = (
                f"cannot make the page self-contained: it loads {left or 'no marsgeo set-up'}. "
                "Build the map with marsgeo.depot_map, which loads only Leaflet, and add no "
                "folium plugins that load from a CDN."
            )
            raise InputError(msg)
    with atomic_target(target, example="depot.html") as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target
