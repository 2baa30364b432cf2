"""Interactive Folium maps of Mars data that are correct on Mars and work offline.

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

:func:`explore` draws any GeoDataFrame in a Mars CRS, with GeoPandas ``explore()``'s habits;
:func:`depot_map` is the composition of the layer functions :func:`add_tubes`,
:func:`add_distances`, :func:`add_plan`, :func:`add_obstacles`, :func:`add_terrain` and
:func:`add_places`, each of which takes a marsgeo map first and returns it, so that layers can
be added to a map one by one (``m=``). A marsgeo map knows its grid, legend and layer control,
so later layers are drawn on the right grid and listed in both.

Data reaches the page as JSON, never as template source (see :mod:`marsgeo._page`), and is
drawn by a small script that writes every string through ``textContent``: names, notes and
user columns cannot inject HTML, script or template code. Long values are shortened for
display (the data keeps them whole) and each is isolated from its neighbours' text direction.
Computation stays in the other modules; this one only draws.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from marsgeo._atomic import atomic_target
from marsgeo._cloud import CLOUD_POINTS, check_pairwise, cloud_data, text_column
from marsgeo._layers import (
    add_distances,
    add_obstacles,
    add_places,
    add_plan,
    add_terrain,
    add_tubes,
    check_places,
    hazard_gdf,
    terrain_raster,
)
from marsgeo._mapdata import (
    NAME_CHARS,
    POLYGONS,
    SAMPLE_COLORS,
    VALUE_CHARS,
    check_shape_kinds,
    flag_problems,
    rings,
    value_text,
)
from marsgeo._mapdata import display_text as _display_text
from marsgeo._mapstate import RANKS, attach, frame, map_state, new_map
from marsgeo._page import OFFLINE, DataLayer
from marsgeo._validate import check_plan_tubes, lonlat
from marsgeo.crs import mean_lonlat
from marsgeo.depot import validate_tubes
from marsgeo.errors import InputError, raise_collected
from marsgeo.io import check_output

if TYPE_CHECKING:
    from xyzservices import TileProvider

    from marsgeo._raster import Raster
    from marsgeo.routing import PickupPlan
    from marsgeo.typing import PathLike, PointFrame, ShapeFrame

__all__ = [
    "NAME_CHARS",
    "SAMPLE_COLORS",
    "STYLE_OPTIONS",
    "VALUE_CHARS",
    "InlineMap",
    "add_distances",
    "add_obstacles",
    "add_places",
    "add_plan",
    "add_terrain",
    "add_tubes",
    "depot_map",
    "explore",
    "inline_map",
    "network_layers",
    "save_map",
]

#: Extensions :func:`save_map` writes (a page under another name would not open as one).
HTML_EXTENSIONS = (".html", ".htm")


# --- the depot map ---------------


def depot_map(  # noqa: PLR0913 - the one-call map: every layer and option
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
    m: folium.Map | None = None,
) -> folium.Map:
    """Draw an interactive map of the tubes, correct on Mars.

    The map is :func:`add_terrain`, :func:`add_places`, :func:`add_obstacles`,
    :func:`add_distances`, :func:`add_plan` and :func:`add_tubes`, in this order, on a new
    map (or ``m``); every argument is checked before anything is drawn.

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
        provider's tile grid. Used for a new map: ``m`` keeps its own.
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
        True is refused above 2 000 tubes, before anything is drawn.
    timeline
        Add the drop-order timeline (needs ``dropped_sol`` and ``dropped_date`` columns).
    title
        Legend and page title of a new map (``m`` keeps its title if it has one).
    m
        A marsgeo map (from :func:`explore` or :func:`depot_map`) to draw on, or None for a
        new one. A ``folium.Map`` made otherwise is refused: its grid and radius are not
        known to be Mars's.

    Returns
    -------
    folium.Map
        Save it with :func:`save_map` (``offline=True`` for a self-contained page).

    Raises
    ------
    marsgeo.errors.InputError
        An argument of the wrong type (``plan`` not a PickupPlan, a flag not True or False,
        ``places`` / ``no_fly`` / ``hazard`` not geodata, ``m`` not a map), rows without
        geometry or of a geometry type that cannot be drawn there, an unknown basemap or
        terrain; every problem with the simple arguments is listed at once.
    marsgeo.errors.TooLargeError
        ``pairwise=True`` with more than 2 000 tubes (an InputError too).
    marsgeo.errors.CoordinateError
        Rows with NaN or infinite coordinates, or latitudes outside -90..90 (named).
    marsgeo.errors.CRSError
        Geodata without a Mars CRS, or ``m`` a folium map that marsgeo did not make.
    """
    _check_depot_args(
        plan=plan, places=places, nearest=nearest, pairwise=pairwise, timeline=timeline, title=title
    )
    if m is not None:
        map_state(m)
    # every argument is checked before anything is drawn (also on a map given as m)
    checked = validate_tubes(tubes, name="tubes", vocabulary=False)
    check_pairwise(len(checked), pairwise=pairwise)
    if plan is not None:
        check_plan_tubes(plan, checked)
    if places is not None:
        places = check_places(places)
    if no_fly is not None:
        no_fly = check_shape_kinds(no_fly, name="no_fly", kinds=POLYGONS)
    hazards = None if hazard is None else hazard_gdf(hazard)
    raster = None if terrain is None else terrain_raster(terrain)
    lon, lat = lonlat(checked)
    if m is None:
        centre_lon, centre_lat = mean_lonlat(lon, lat)
        m = new_map(basemap, location=(centre_lat, centre_lon), title=title)
    else:
        _title_untitled(m, title)
    if raster is not None:
        add_terrain(m, raster)
    if places is not None:
        add_places(m, places)
    add_obstacles(m, no_fly=no_fly, hazard=hazards)
    add_distances(m, checked, nearest=nearest, pairwise=pairwise)
    if plan is not None:
        add_plan(m, plan)
    add_tubes(m, checked, timeline=timeline)
    xs, ys = list(lon), list(lat)
    if plan is not None:  # frame the lander and the routes too
        xs += list(plan.spots.geometry.x)
        ys += list(plan.spots.geometry.y)
    frame(m, xs, ys)
    return m


def _check_depot_args(
    *, plan: Any, places: Any, nearest: Any, pairwise: Any, timeline: Any, title: Any
) -> None:
    """Every problem with depot_map's simple arguments, at once."""
    from marsgeo.routing import PickupPlan

    problems = flag_problems(nearest=nearest, pairwise_=pairwise, timeline=timeline)
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


def _title_untitled(m: folium.Map, title: str) -> None:
    """Give a map without a title (e.g. from explore) ``title``."""
    state = map_state(m)
    if not state.title and title:
        state.title = _display_text(title)
        state.setup.title = title


# --- any Mars layer ---------------

#: The Leaflet path options :func:`explore` takes in ``style``.
STYLE_OPTIONS = ("color", "weight", "opacity", "fillColor", "fillOpacity", "dashArray", "radius")
_STYLE_LIMITS = {"weight": 100.0, "opacity": 1.0, "fillOpacity": 1.0, "radius": 1000.0}
_CSS_VALUE = re.compile(r"[#A-Za-z0-9(),.%\s-]{1,64}\Z")
_EXPLORE_KINDS = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
)
# a category column: a colour per value (cycled)
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
# a layer without a column, in turn: colours that the tubes and helicopters do not use
_LAYER_COLOURS = ("#2ca02c", "#e377c2", "#bcbd22", "#17becf", "#7f7f7f", "#ff7f0e")
# a numeric column: a ramp from the lowest value to the highest (viridis)
_RAMP = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
_NO_VALUE = "#9e9e9e"
_LEGEND_VALUES = 20


def explore(
    gdf: ShapeFrame,
    *,
    m: folium.Map | None = None,
    column: Any = None,
    tooltip: bool | str | list[Any] = True,
    popup: bool | str | list[Any] = True,
    style: dict[str, Any] | None = None,
    name: str | None = None,
    basemap: str | TileProvider | None = "trek-hirise",
) -> folium.Map:
    """Draw any GeoDataFrame in a Mars CRS on a web map that is correct on Mars.

    Use this where GeoPandas' ``gdf.explore()`` would be used: that one reprojects to an
    Earth CRS (EPSG:4326), which PROJ refuses for Mars data. Points, lines and polygons (and
    their multi-part forms) are drawn in Mars planetocentric longitude and latitude, from any
    Mars CRS (planetographic and west-positive ones included).

    A layer of more than 2 000 points (``marsgeo._cloud.CLOUD_POINTS``, parts of MultiPoints
    counted) draws them as a point cloud on one canvas, from a compact encoding (positions to
    within 6 mm, each text once): a page of 100 000 points opens in under a second. Hovering a
    point shows its tooltip columns and clicking it its popup, as for a few points.

    Parameters
    ----------
    gdf
        GeoDataFrame (or GeoSeries) in a Mars CRS: a traverse, geologic units, no-fly zones.
    m
        A marsgeo map (from :func:`explore` or :func:`depot_map`) to add the layer to, or
        None for a new map. A ``folium.Map`` made otherwise is refused.
    column
        Colour the features by this column: categories take a colour each (listed in the
        legend); numbers a colour ramp, with the lowest and highest values in the legend.
        Missing values are grey.
    tooltip, popup
        Columns shown on hover / on click: True (all), False (none), a column name or a list
        of column names. Values are shown as text, shortened when long.
    style
        Leaflet path options, from :data:`STYLE_OPTIONS`: ``color``, ``weight``, ``opacity``,
        ``fillColor``, ``fillOpacity``, ``dashArray``, ``radius`` (points, in pixels).
    name
        The layer's name in the layer control and the legend (default "Layer 1", "Layer 2",
        ... in the order drawn).
    basemap
        A Mars tile provider name, a provider object, or None, for a new map (the map's CRS
        follows its tile grid); ``m`` keeps its own.

    Returns
    -------
    folium.Map
        The map (``m`` if given). Save it with :func:`save_map`; add more with ``m=``.

    Raises
    ------
    marsgeo.errors.CRSError
        ``gdf`` has no CRS or an Earth CRS (the message says how to relabel Mars data tagged
        as Earth), or ``m`` is a folium map marsgeo did not make.
    marsgeo.errors.InputError
        ``gdf`` is empty or not geodata, rows without geometry or of another type (named),
        unknown columns in ``column`` / ``tooltip`` / ``popup`` (named), style options that
        are not allowed; every problem with the options is listed at once.
    marsgeo.errors.CoordinateError
        Coordinates that are NaN or off the planet (named).

    Examples
    --------
    >>> import marsgeo as mg
    >>> rim = mg.jezero_features()
    >>> m = mg.explore(rim, column="kind", name="Jezero", basemap=None)
    >>> m = mg.explore(mg.load_depot(), m=m, tooltip=["name"], popup=False, name="Tubes")
    >>> page = m.get_root().render()
    >>> "crs: L.CRS.EPSG4326" in page, '"Tubes"' in page, "marsgeo.layers(" in page
    (True, True, True)
    """
    if m is not None:
        map_state(m)
    data = _explore_data(gdf)
    columns = [c for c in data.columns if c != data.geometry.name]
    problems: list[str] = []
    tips = _columns_of(tooltip, columns, "tooltip", problems)
    pops = _columns_of(popup, columns, "popup", problems)
    options = _path_style(style, problems)
    if column is not None and not _is_column(column, columns):
        problems.append(f"column={column!r} is not a column of gdf; pass one of {columns!r}")
    elif column is not None and list(data.columns).count(column) > 1:
        problems.append(f"column={column!r} names several columns of gdf; rename them")
    if name is not None and not isinstance(name, str):
        problems.append(f"name must be text or None, got {type(name).__name__}")
    raise_collected(InputError, problems, what="explore")
    xy = _coordinates(data)
    if m is None:
        lon, lat = mean_lonlat(xy[:, 0], xy[:, 1])
        m = new_map(basemap, location=(lat, lon), title=name or "")
    state = map_state(m)
    state.drawn += 1
    label = name or f"Layer {state.drawn}"
    default = _LAYER_COLOURS[(state.drawn - 1) % len(_LAYER_COLOURS)]
    colours, legend = _colours(data, column, default, label)
    how: dict[str, Any] = {"tips": tips, "pops": pops, "style": options, "label": label}
    if _point_parts(data) > CLOUD_POINTS:  # many points: one canvas
        layer = _cloud_layer(data, colours, **how, by_column=column is not None)
    else:
        items = _features(data, colours, **how, by_column=column is not None)
        layer = DataLayer("features", items, label)
    attach(m, layer)
    state.legend.extend((RANKS["data"], c, t) for c, t in legend)
    frame(m, xy[:, 0], xy[:, 1])
    return m


def _explore_data(gdf: Any) -> gpd.GeoDataFrame:
    if isinstance(gdf, (gpd.GeoDataFrame, gpd.GeoSeries)) and len(gdf) == 0:
        msg = "gdf is empty (0 rows): nothing to draw; pass a GeoDataFrame with geometries."
        raise InputError(msg)
    return check_shape_kinds(gdf, name="gdf", kinds=_EXPLORE_KINDS)


def _coordinates(data: gpd.GeoDataFrame) -> Any:
    import shapely

    return shapely.get_coordinates(np.asarray(data.geometry.values, dtype=object))


def _columns_of(value: Any, columns: list[Any], what: str, problems: list[str]) -> list[Any]:
    """Return the columns ``value`` (True, False, a name or a list of names) asks for."""
    if isinstance(value, (bool, np.bool_)):
        return list(columns) if value else []
    wanted = [value] if isinstance(value, str) else value
    if not isinstance(wanted, (list, tuple)):
        problems.append(
            f"{what}={value!r} must be True, False, a column name or a list of column names"
        )
        return []
    unknown = [c for c in wanted if not _is_column(c, columns)]
    if unknown:
        problems.append(f"{what} names {unknown!r}, not columns of gdf; pick from {columns!r}")
    return [c for c in wanted if _is_column(c, columns)]


def _is_column(value: Any, columns: list[Any]) -> bool:
    """Tell whether ``value`` names one of ``columns`` (a column name is hashable)."""
    return isinstance(value, Hashable) and any(value is c or value == c for c in columns)


def _path_style(style: Any, problems: list[str]) -> dict[str, Any]:
    """Return the Leaflet path options of ``style``, each checked."""
    from marsgeo.crs import is_real_number

    if style is None:
        return {}
    if not isinstance(style, dict):
        problems.append(f"style must be a dict of Leaflet path options, got {style!r}")
        return {}
    out: dict[str, Any] = {}
    for key, value in style.items():
        if key not in STYLE_OPTIONS:
            problems.append(
                f"style[{key!r}] is not allowed; pass some of {', '.join(STYLE_OPTIONS)}"
            )
        elif key in _STYLE_LIMITS:
            top = _STYLE_LIMITS[key]
            if is_real_number(value) and 0 <= float(value) <= top:
                out[key] = float(value)
            else:
                problems.append(f"style[{key!r}]={value!r} must be a number from 0 to {top:g}")
        elif isinstance(value, str) and _CSS_VALUE.match(value):
            out[key] = value
        else:
            problems.append(
                f"style[{key!r}]={value!r} must be a CSS colour or dash pattern, "
                "e.g. '#ff7f0e' or '4 4'"
            )
    return out


def _colours(
    data: gpd.GeoDataFrame, column: Any, default: str, label: str
) -> tuple[list[str], list[tuple[str, str]]]:
    """Each row's colour and the legend's lines for it."""
    if column is None:
        return [default] * len(data), [(default, _display_text(label, NAME_CHARS))]
    values = data[column]
    name = value_text(column, NAME_CHARS) or "value"
    kind = values.dtype
    if pd.api.types.is_numeric_dtype(kind) and not (
        pd.api.types.is_bool_dtype(kind) or pd.api.types.is_complex_dtype(kind)
    ):
        return _ramp_colours(values, name)
    return _category_colours(values, name)


def _ramp_colour(t: float) -> str:
    """Return the colour at ``t`` (0..1) along the ramp."""
    steps = len(_RAMP) - 1
    i = min(int(t * steps), steps - 1)
    f = t * steps - i
    a, b = (bytes.fromhex(c[1:]) for c in _RAMP[i : i + 2])
    return "#" + "".join(f"{round(p + (q - p) * f):02x}" for p, q in zip(a, b, strict=True))


def _ramp_colours(values: pd.Series, name: str) -> tuple[list[str], list[tuple[str, str]]]:
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=math.nan)
    known = np.isfinite(x)
    if not known.any():
        return [_NO_VALUE] * len(x), [(_NO_VALUE, f"{name}: no value")]
    lo, hi = float(x[known].min()), float(x[known].max())
    t = (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
    colours = [_ramp_colour(float(v)) if ok else _NO_VALUE for v, ok in zip(t, known, strict=True)]
    legend = [
        (_ramp_colour(0.0), f"{name} = {lo:.8g} (lowest)"),
        (_ramp_colour(1.0), f"{name} = {hi:.8g} (highest)"),
    ]
    if not known.all():
        legend.append((_NO_VALUE, f"{name}: no value"))
    return colours, legend


def _category_colours(values: pd.Series, name: str) -> tuple[list[str], list[tuple[str, str]]]:
    keys = [value_text(v, NAME_CHARS) for v in values]
    if isinstance(values.dtype, pd.CategoricalDtype):
        order = [value_text(c, NAME_CHARS) for c in values.cat.categories]
    else:
        order = list(dict.fromkeys(k for k in keys if k is not None))
    colour_of = {k: _PALETTE[i % len(_PALETTE)] for i, k in enumerate(order)}
    colours = [colour_of.get(k, _NO_VALUE) if k is not None else _NO_VALUE for k in keys]
    legend = [(colour_of[k], f"{name} = {k}") for k in order[:_LEGEND_VALUES] if k is not None]
    if len(order) > _LEGEND_VALUES:
        legend.append(("transparent", f"and {len(order) - _LEGEND_VALUES} more values of {name}"))
    if None in keys:
        legend.append((_NO_VALUE, f"{name}: no value"))
    return colours, legend


def _features(
    data: gpd.GeoDataFrame,
    colours: list[str],
    *,
    tips: list[Any],
    pops: list[Any],
    style: dict[str, Any],
    label: str,
    by_column: bool,
) -> dict[str, list[dict[str, Any]]]:
    """Return the page's data for one layer: its points, lines and polygons, with their text.

    ``style`` overrides the default look; a colour ``by_column`` overrides ``style``'s fill
    (points, polygons) or line colour (lines).
    """
    out: dict[str, list[dict[str, Any]]] = {"polygons": [], "lines": [], "points": []}
    geometry = data.geometry.name
    for (fid, row), colour in zip(data.iterrows(), colours, strict=True):
        extra: dict[str, Any] = {"cls": "marsgeo-data"}
        if pops:
            extra["popup"] = [[value_text(c, NAME_CHARS), value_text(row[c])] for c in pops]
            extra["title"] = f"{label}: {value_text(fid, NAME_CHARS)}"
        if tips:
            extra["tip"] = [[value_text(c, NAME_CHARS), value_text(row[c])] for c in tips]
        geom = row[geometry]
        for part in getattr(geom, "geoms", [geom]):
            kind = part.geom_type
            if kind == "Point":
                look = {"color": "#111", "weight": 1.5, "radius": 6, "fillOpacity": 0.9}
                look = {**look, "fillColor": colour, **style}
                if by_column:
                    look["fillColor"] = colour
                point = {"lat": round(part.y, 9), "lon": round(part.x, 9)}
                out["points"].append({**point, "style": look, **extra})
            elif kind == "LineString":
                coords = [[round(y, 9), round(x, 9)] for x, y in np.asarray(part.coords)[:, :2]]
                look = {"color": colour, "weight": 3, **style}
                if by_column:
                    look["color"] = colour
                out["lines"].append({"coords": coords, "style": look, **extra})
            else:
                look = {"color": colour, "fillColor": colour, "weight": 2, "fillOpacity": 0.35}
                look = {**look, **style}
                if by_column:
                    look["fillColor"] = colour
                out["polygons"].append({"rings": rings(part), "style": look, **extra})
    return out


def _point_parts(data: gpd.GeoDataFrame) -> int:
    """Return how many points (parts of Points and MultiPoints) ``data`` holds."""
    import shapely

    geoms = np.asarray(data.geometry.values, dtype=object)
    points = np.isin(shapely.get_type_id(geoms), (0, 4))  # Point, MultiPoint
    return int(shapely.get_num_geometries(geoms[points]).sum())


def _cloud_layer(
    data: gpd.GeoDataFrame,
    colours: list[str],
    *,
    tips: list[Any],
    pops: list[Any],
    style: dict[str, Any],
    label: str,
    by_column: bool,
) -> DataLayer:
    """Return a layer drawing the points of ``data`` as a point cloud (on one canvas).

    Its lines and polygons are drawn as :func:`_features` draws them.
    """
    import shapely

    geoms = np.asarray(data.geometry.values, dtype=object)
    is_point = np.isin(shapely.get_type_id(geoms), (0, 4))
    rest = [c for c, p in zip(colours, is_point, strict=True) if not p]
    features = _features(
        data[~is_point], rest, tips=tips, pops=pops, style=style, label=label, by_column=by_column
    )
    points = data[is_point]
    xy, row = shapely.get_coordinates(geoms[is_point], return_index=True)
    look = {"color": "#111", "weight": 1.5, "radius": 6.0, "fillOpacity": 1.0}
    look.update({k: v for k, v in style.items() if k in ("color", "weight", "radius", "opacity")})
    look.update({k: v for k, v in style.items() if k == "fillOpacity"})
    fills = np.asarray(colours, dtype=object)[is_point][row]
    if "fillColor" in style and not by_column:
        fills = np.full(len(row), style["fillColor"], dtype=object)
    wanted = list(dict.fromkeys([*tips, *pops]))
    ids = [value_text(fid, NAME_CHARS) for fid in points.index]
    columns = [text_column("id", [ids[r] for r in row])]
    for c in wanted:
        texts = [value_text(v) for v in points[c]]
        columns.append(text_column(c, [texts[r] for r in row]))
    show: dict[str, Any] = {"tip": [1 + wanted.index(c) for c in tips]}
    if pops:
        show.update(popup=[1 + wanted.index(c) for c in pops], title=0, prefix=f"{label}: ")
    data_ = cloud_data(xy[:, 0], xy[:, 1], list(fills), columns=columns, show=show, look=look)
    data_["cls"] = "marsgeo-data marsgeo-cloud-data"
    if any(features.values()):
        data_["features"] = features
    return DataLayer("cloud", data_, label)


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
    problems = flag_problems(offline=offline)
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


# --- notebooks ---------------


class InlineMap:
    """A marsgeo map shown in a notebook with Leaflet inlined: no network needed.

    Made by :func:`inline_map`. Jupyter displays it through :meth:`_repr_html_`, which renders
    the map when it is shown (layers added to the map later are in it) as a self-contained page
    in a sandboxed frame.
    """

    def __init__(self, m: folium.Map, *, height: int) -> None:
        self.map = m
        self.height = height

    def page(self) -> str:
        """Return the self-contained page the notebook shows."""
        return _offline_page(self.map)

    def _repr_html_(self) -> str:
        import html

        # the page's own scripts run; the frame cannot reach the notebook around it
        return (
            f'<iframe srcdoc="{html.escape(self.page(), quote=True)}" '
            'sandbox="allow-scripts allow-popups" title="marsgeo map" '
            f'style="width:100%;height:{self.height}px;border:none"></iframe>'
        )


def inline_map(m: folium.Map, *, height: int = 520) -> InlineMap:
    """Show a marsgeo map in a notebook without a network (Leaflet inlined).

    A folium map in a notebook loads Leaflet from a CDN, so it stays blank offline (on a
    rover operations network, on a plane). The object returned displays the same map with
    Leaflet inlined from the ``xstatic-leaflet`` package, as :func:`save_map` with
    ``offline=True`` writes it: tile basemaps start off, everything else works.

    Parameters
    ----------
    m
        A map from :func:`explore` or :func:`depot_map`.
    height
        Height of the map in the notebook, in pixels (100 to 4000).

    Returns
    -------
    InlineMap
        Displayed by Jupyter (make it the cell's last expression, or ``display(...)``).

    Raises
    ------
    marsgeo.errors.InputError
        ``m`` is not a marsgeo map, or ``height`` is not a whole number of pixels from 100 to
        4000.
    marsgeo.errors.CRSError
        ``m`` is a folium map that marsgeo did not make.

    Examples
    --------
    >>> import marsgeo as mg
    >>> view = mg.inline_map(mg.depot_map(mg.load_depot(), basemap=None))
    >>> view._repr_html_().startswith("<iframe srcdoc=")
    True
    >>> 'src="https://' in view.page()  # Leaflet is in the page: nothing to load
    False
    """
    map_state(m)
    if isinstance(height, bool) or not isinstance(height, (int, np.integer)):
        msg = f"height={height!r} must be a whole number of pixels, e.g. 520"
        raise InputError(msg)
    if not 100 <= int(height) <= 4000:
        msg = f"height={height!r} is out of range; pass 100 to 4000 pixels, e.g. 520"
        raise InputError(msg)
    return InlineMap(m, height=int(height))


def _offline_page(m: folium.Map) -> str:
    """Render ``m`` as a self-contained page, or refuse one that would load a file."""
    page = m.get_root().render(**{OFFLINE: True})
    left = re.findall(r'<(?:script[^>]+src|link[^>]+href)=["\']?(https?://[^"\' >]+)', page)
    if left or "marsgeo.setup(" not in page:
        msg = (
            f"cannot make the page self-contained: it loads {left or 'no marsgeo set-up'}. "
            "Build the map with marsgeo.depot_map, which loads only Leaflet, and add no "
            "folium plugins that load from a CDN."
        )
        raise InputError(msg)
    return page
