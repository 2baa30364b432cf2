"""The layers of a marsgeo web map (private; public through :mod:`marsgeo.webmap`).

Each ``add_*`` function takes a marsgeo map (:mod:`marsgeo._mapstate`) first, checks its own
arguments, draws, adds its lines to the map's legend and notes, and returns the map. A large
set of tubes is drawn by :mod:`marsgeo._cloud`.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from marsgeo import _cloud
from marsgeo._mapdata import (
    HELI_COLORS,
    NAME_CHARS,
    OTHER_COLOR,
    PLACE_KINDS,
    POLYGONS,
    check_shape_kinds,
    display_text,
    flag_problems,
    lines_from,
    polygon_items,
    tube_key,
    tube_points,
    type_look,
    value_text,
)
from marsgeo._mapstate import RANKS, MapState, add_position_note, attach, map_state
from marsgeo._page import Control, DataLayer
from marsgeo._style import sample_marker
from marsgeo.crs import to_mars_geographic
from marsgeo.depot import validate_tubes
from marsgeo.errors import InputError, raise_collected

if TYPE_CHECKING:
    from marsgeo._raster import Raster
    from marsgeo.routing import PickupPlan
    from marsgeo.typing import PointFrame, ShapeFrame

# --- the layers -------------------------------------------------------------------------


def add_tubes(m: folium.Map, tubes: PointFrame, *, timeline: bool = True) -> folium.Map:
    """Draw tubes on a marsgeo map: sample type by colour and shape, with popups and a legend.

    Each sample type has the colour and the marker shape of the figures (:mod:`marsgeo.plot`),
    in the legend too; a tube without one is of "unknown type". Tubes can be reached with the
    keyboard (Tab, in drop order; Enter opens a tube's popup). Up to 60 tubes carry permanent
    name labels, placed where they cover no tube (a label with no room is not drawn). A
    ``position_uncertainty_m`` column adds a "Position uncertainty" layer: a circle of that
    radius (metres on Mars) around each tube. Above 2 000 tubes
    (``marsgeo._cloud.CLOUD_POINTS``) the tubes are one point cloud on a canvas, with
    neither timeline nor name labels nor circles.

    Parameters
    ----------
    m
        A map from :func:`marsgeo.depot_map` or :func:`marsgeo.explore`.
    tubes
        GeoDataFrame of tube Points in a Mars CRS (e.g. ``load_depot()``); any columns.
    timeline
        Add the drop-order timeline when the tubes have ``dropped_sol`` and ``dropped_date``.

    Returns
    -------
    folium.Map
        ``m``, with a "Tubes" layer (and "Position uncertainty").

    Raises
    ------
    marsgeo.errors.InputError
        ``m`` is not a marsgeo map, ``timeline`` not True or False, or bad tube rows.
    marsgeo.errors.CRSError
        Tubes without a Mars CRS, or ``m`` a folium map marsgeo did not make.

    Examples
    --------
    >>> import marsgeo as mg
    >>> m = add_tubes(mg.explore(mg.jezero_features(), basemap=None), mg.load_depot())
    >>> m.get_root().render().count('"cls":"marsgeo-tube"')
    10
    """
    state = map_state(m)
    raise_collected(InputError, flag_problems(timeline=timeline), what="add_tubes")
    # the columns popups and the timeline format are checked (any text is drawn: no vocabulary)
    checked = validate_tubes(tubes, name="tubes", vocabulary=False)
    if len(checked) > _cloud.CLOUD_POINTS:  # one point cloud on a canvas
        return _cloud.tube_cloud(m, checked)
    add_position_note(state, checked)
    points = tube_points(checked)
    data = {"points": points, "register": True, "labels": len(points) <= _LABELLED}
    attach(m, DataLayer("tubeMarkers", data, "Tubes"))
    _add_uncertainty(m, state, checked, points)
    kinds = checked.get("sample_type", pd.Series([], dtype=object))
    legend = list(dict.fromkeys(type_look(k) for k in kinds))
    for color, text, shape in legend or [(OTHER_COLOR, "tube", sample_marker(None))]:
        state.shapes[color, text] = shape
        if (RANKS["tubes"], color, text) not in state.legend:
            state.legend.append((RANKS["tubes"], color, text))
    dated = {"dropped_sol", "dropped_date"} <= set(checked.columns)
    if timeline and dated and "timeline" not in state.controls:
        state.controls["timeline"] = Control("timeline", {"title": "Drop order (replay the depot)"})
        attach(m, state.controls["timeline"])
    return m


#: Up to this many tubes, their names and nearest-neighbour distances are labelled on the map.
_LABELLED = 60


def _add_uncertainty(
    m: folium.Map, state: MapState, tubes: gpd.GeoDataFrame, points: list[dict[str, Any]]
) -> None:
    """Draw a circle of each tube's ``position_uncertainty_m`` (metres on Mars), if known."""
    from marsgeo.depot import sources

    unc = pd.to_numeric(tubes.get("position_uncertainty_m"), errors="coerce")
    if unc is None or not (unc > 0).any():
        return
    # tube_points keeps the rows' order
    circles = [
        {
            "lat": p["lat"],
            "lon": p["lon"],
            "radius_m": float(r),
            "color": p["color"],
            "tubes": [p["key"]],
        }
        for p, r in zip(points, unc, strict=True)
        if r > 0
    ]
    attach(m, DataLayer("tubeCircles", {"circles": circles}, "Position uncertainty"))
    how = value_text(tubes.get("position_confidence", pd.Series([None])).iloc[0], NAME_CHARS)
    source = str(tubes.get("position_source", pd.Series([""])).iloc[0])
    title = sources().get(source, {}).get("title", "")
    said = ", ".join(t for t in (how, f"from the {title}" if title else "") if t)
    note = (
        "Circles: each tube's position uncertainty (radius = position_uncertainty_m, "
        f"{float(unc.min()):g}-{float(unc.max()):g} m on Mars)"
    )
    state.notes.append((RANKS["tubes"], f"{note}; positions {said}." if said else f"{note}."))


def add_distances(
    m: folium.Map, tubes: PointFrame, *, nearest: bool = True, pairwise: bool | None = None
) -> folium.Map:
    """Draw the distances between tubes, measured on Mars, with their lengths.

    Parameters
    ----------
    m
        A marsgeo map.
    tubes
        GeoDataFrame of tube Points in a Mars CRS.
    nearest
        Draw each tube's nearest-neighbour line with its distance, one line per pair of tubes
        (labelled on the map when there are at most 60 tubes, where the label covers no
        tube). Each line goes with its two tubes: off the map when one of them is. Above
        2 000 tubes (``marsgeo._cloud.CLOUD_POINTS``) the lines are drawn on one canvas,
        unlabelled.
    pairwise
        Add every pair of tubes as an optional layer, off at load (default: when there are
        at most 60 tubes). True is refused above 2 000 tubes.

    Returns
    -------
    folium.Map
        ``m``.

    Raises
    ------
    marsgeo.errors.InputError
        ``m`` is not a marsgeo map, a flag not True or False (or None), or bad tube rows.
    marsgeo.errors.TooLargeError
        ``pairwise=True`` with more than 2 000 tubes (an InputError too).
    marsgeo.errors.CRSError
        Tubes without a Mars CRS.
    """
    from marsgeo import distance

    map_state(m)
    problems = flag_problems(nearest=nearest, pairwise_=pairwise)
    raise_collected(InputError, problems, what="add_distances")
    checked = validate_tubes(tubes, name="tubes", vocabulary=False)
    if len(checked) > _cloud.CLOUD_POINTS:  # lines on a canvas, no labels
        return _cloud.distance_cloud(m, checked, nearest=nearest, pairwise=pairwise)
    if nearest and len(checked) >= 2:
        nn = _one_per_pair(distance.nearest_neighbours(checked))
        ids = _id_pairs(nn.index, nn["nearest_tube_id"])
        lines = lines_from(nn, tubes=ids, color="#222", weight=1.5, dash="3 3", cls="marsgeo-nn")
        for item, d in zip(lines, nn["distance_m"], strict=True):
            item["label"] = f"{d:.2f} m"
            item["permanent"] = len(checked) <= _LABELLED
        attach(m, DataLayer("tubeLines", {"lines": lines}, "Nearest-neighbour distances"))
    if pairwise is None:
        pairwise = len(checked) <= _LABELLED
    if pairwise and len(checked) >= 2:
        pairs = distance.pairwise_distances(checked)
        ids = _id_pairs(pairs["tube_id_from"], pairs["tube_id_to"])
        lines = lines_from(pairs, tubes=ids, color="#555", weight=1, cls="marsgeo-pair")
        for item, d in zip(lines, pairs["distance_m"], strict=True):
            item["label"] = f"{d:.2f} m"
        attach(m, DataLayer("tubeLines", {"lines": lines}, "All tube pairs", show=False))
    return m


def _one_per_pair(nn: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Keep one row of each unordered pair of nearest neighbours (mutual ones come twice)."""
    seen: set[frozenset[Any]] = set()
    keep = []
    for tid, other in zip(nn.index, nn["nearest_tube_id"], strict=True):
        pair = frozenset((tid, other))
        keep.append(pair not in seen)
        seen.add(pair)
    return nn[keep]


def _id_pairs(a: Any, b: Any) -> list[list[str]]:
    """Return the ``tubes`` of lines joining tubes ``a[k]`` and ``b[k]`` (their keys)."""
    return [[tube_key(x), tube_key(y)] for x, y in zip(a, b, strict=True)]


def add_obstacles(
    m: folium.Map,
    *,
    no_fly: ShapeFrame | None = None,
    hazard: ShapeFrame | Raster | str | None = None,
) -> folium.Map:
    """Draw no-fly zones and hazards.

    Parameters
    ----------
    m
        A marsgeo map.
    no_fly
        Polygons (GeoDataFrame in a Mars CRS) to draw as no-fly zones; their columns show
        in each one's popup.
    hazard
        Polygons, a :class:`marsgeo.basemap.Raster` DTM or "synthetic", as for
        :func:`marsgeo.plan_pickup`; hazards from synthetic terrain are labelled so.

    Returns
    -------
    folium.Map
        ``m``.

    Raises
    ------
    marsgeo.errors.InputError
        ``m`` is not a marsgeo map; rows without geometry or not polygons (named).
    marsgeo.errors.CRSError
        Geodata without a Mars CRS.
    """
    state = map_state(m)
    zones = None if no_fly is None else check_shape_kinds(no_fly, name="no_fly", kinds=POLYGONS)
    hazards = None if hazard is None else hazard_gdf(hazard)
    if zones is not None:
        items = polygon_items(zones, color="#b000b5", label="no-fly zone", dash="6 4")
        attach(m, DataLayer("polygons", {"polygons": items}, "No-fly zones"))
    if hazards is not None:
        synth = "synthetic" in hazards.columns and bool(hazards["synthetic"].any())
        label = "hazard (SYNTHETIC terrain)" if synth else "hazard"
        items = polygon_items(hazards, color="#e53935", label=label)
        attach(m, DataLayer("polygons", {"polygons": items}, "Hazards"))
        if synth:
            note = "Hazards: from SYNTHETIC terrain, not a measurement."
            state.notes.append((RANKS["obstacles"], note))
    return m


def hazard_gdf(hazard: Any) -> gpd.GeoDataFrame:
    """Return hazard polygons from polygons, a Raster or "synthetic" (checked)."""
    from marsgeo.basemap import Raster, hazard_areas

    if isinstance(hazard, Raster) or (
        isinstance(hazard, str) and hazard.strip().lower() == "synthetic"
    ):
        return hazard_areas(hazard)
    if isinstance(hazard, (gpd.GeoDataFrame, gpd.GeoSeries)):
        return check_shape_kinds(hazard, name="hazard", kinds=POLYGONS)
    msg = (
        f"hazard must be polygons (GeoDataFrame in a Mars CRS) or a marsgeo Raster, got "
        f"{type(hazard).__name__}."
    )
    raise InputError(msg)


def terrain_raster(terrain: Any) -> Raster:
    """Return the Raster to draw for ``terrain`` (a Raster or "synthetic"), or refuse it."""
    from marsgeo.basemap import Raster, synthetic_dtm

    raster = synthetic_dtm() if isinstance(terrain, str) and terrain == "synthetic" else terrain
    if not isinstance(raster, Raster):
        msg = (
            f"terrain={terrain!r} is not a marsgeo Raster; pass one (e.g. from "
            "marsgeo.basemap.read_raster) or 'synthetic'."
        )
        raise InputError(msg)
    return raster


def add_terrain(m: folium.Map, terrain: Raster | str) -> folium.Map:
    """Draw a raster as an image overlay that works offline (a DTM as its hillshade).

    Parameters
    ----------
    m
        A marsgeo map; the image is cut for its grid.
    terrain
        A :class:`marsgeo.basemap.Raster` in a Mars CRS, or "synthetic" for marsgeo's
        synthetic terrain, which is labelled SYNTHETIC on the image, in the attribution and in
        the legend, and starts hidden over a real basemap. A DTM (elevations in metres)
        also gives the cursor readout its elevation and measured lines their profile: its
        values are embedded in the page (decimated beyond about a million pixels, as the
        legend then says).

    Returns
    -------
    folium.Map
        ``m``.

    Raises
    ------
    marsgeo.errors.InputError
        ``m`` is not a marsgeo map, or ``terrain`` is neither a Raster nor "synthetic".
    """
    from marsgeo._products import PRODUCT_TAG, product_credit
    from marsgeo.basemap import hillshade, render_png

    state = map_state(m)
    raster = terrain_raster(terrain)
    # the product and its source, as the reader named them (e.g. a USGS DTM mosaic's file);
    # render_png credits a known product with them
    credit, product = product_credit(raster.tags), raster.tags.get(PRODUCT_TAG, "")
    if raster.units in ("m", "metre", "meter") and raster.name != "hillshade":
        _add_elevation(m, state, raster)
        raster = hillshade(raster)
        overlay = render_png(raster, grid=state.grid, vmin=0.0, vmax=1.0, opacity=0.75)
    else:
        overlay = render_png(raster, grid=state.grid, opacity=0.75)
    uri = "data:image/png;base64," + base64.b64encode(overlay.png).decode("ascii")
    attribution = value_text(overlay.attribution) or "raster"
    data = {
        "url": uri,
        "bounds": [list(overlay.bounds[0]), list(overlay.bounds[1])],
        "opacity": 1.0,
        "attribution": attribution,
    }
    rank = RANKS["terrain"]
    if not raster.synthetic:
        attach(m, DataLayer("image", data, "Terrain"))
        note = f"Terrain overlay: {attribution}"
        if credit and product not in attribution:  # a file marsgeo does not know
            note = f"{note}; {value_text(credit)}"
        state.notes.append((rank, note))
        return m
    # synthetic terrain says so on the image and in the attribution bar, and never covers a
    # real basemap unless the user turns it on
    over_basemap = bool(state.basemaps)
    data["attribution"] = "SYNTHETIC terrain generated by marsgeo; not a measurement"
    data["stamp"] = "SYNTHETIC"
    layer = DataLayer(
        "image",
        data,
        "Terrain (SYNTHETIC, not a measurement)",
        synthetic=True,
        show="unless-real-basemap" if over_basemap else True,
    )
    attach(m, layer)
    hidden = " Hidden while a real basemap is shown." if over_basemap else ""
    note = f"Terrain overlay: SYNTHETIC, generated by marsgeo; not a measurement.{hidden}"
    state.notes.append((rank, note))
    return m


def _add_elevation(m: folium.Map, state: MapState, dtm: Raster) -> None:
    """Embed a DTM's elevations for the cursor readout and measured profiles (no drawing).

    A CRS that cannot be meshed within a small fraction of a pixel is said in a note.
    """
    from marsgeo._elevation import elevation_grid, elevation_note

    rank = RANKS["terrain"]
    try:
        grid = elevation_grid(dtm)
    except InputError as exc:
        state.notes.append((rank, f"No cursor elevation or profiles: {value_text(str(exc))}"))
        return
    grid["label"] = value_text(grid["label"], NAME_CHARS) or "DTM"
    state.notes.append((rank, value_text(elevation_note(grid)) or ""))
    attach(m, DataLayer("elevation", grid, f"Elevation: {grid['label']}", control=False))


def check_places(places: Any) -> str | gpd.GeoDataFrame:
    """Return ``places`` checked: "jezero", or a GeoDataFrame of drawable rows in lon/lat."""
    if isinstance(places, str) and places == "jezero":
        return places
    if isinstance(places, (gpd.GeoDataFrame, gpd.GeoSeries)):
        return check_shape_kinds(places, name="places", kinds=PLACE_KINDS)
    msg = f"places must be 'jezero', a GeoDataFrame in a Mars CRS, or None, got {places!r}."
    raise InputError(msg)


def add_places(m: folium.Map, places: str | ShapeFrame = "jezero") -> folium.Map:
    """Draw named places (points) and outlines (lines and polygons).

    Parameters
    ----------
    m
        A marsgeo map.
    places
        "jezero" for the landing site and the approximate crater rim and delta outlines
        (:func:`marsgeo.jezero_features`), or a GeoDataFrame of your own in a Mars CRS
        (points, lines, polygons; a ``name`` column labels them).

    Returns
    -------
    folium.Map
        ``m``, with "Jezero places" and "Jezero outlines" layers.

    Raises
    ------
    marsgeo.errors.InputError
        ``m`` is not a marsgeo map, ``places`` is neither "jezero" nor geodata, or rows
        without geometry or of another type (named).
    marsgeo.errors.CRSError
        Places without a Mars CRS.
    """
    from marsgeo.jezero import jezero_features

    map_state(m)
    checked = check_places(places)
    feats = to_mars_geographic(jezero_features() if isinstance(checked, str) else checked)
    pts, polys = [], []
    for fid, row in feats.iterrows():
        geom = row.geometry
        name = value_text(row.get("name"), NAME_CHARS) or value_text(fid, NAME_CHARS) or "place"
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
                        [value_text(k, NAME_CHARS), value_text(v)]
                        for k, v in row.items()
                        if k != feats.geometry.name
                    ],
                    "cls": "marsgeo-place",
                }
            )
        elif str(fid) != "usgs_sim3464_extent":  # a map sheet's frame, not a place
            polys.extend(
                polygon_items(
                    gpd.GeoSeries([geom], crs=feats.crs),
                    color="#fafafa",
                    label=name + approx,
                    fillOpacity=0,
                    weight=2,
                    dash="8 6",
                )
            )
    attach(m, DataLayer("points", {"points": pts}, "Jezero places"))
    attach(m, DataLayer("polygons", {"polygons": polys}, "Jezero outlines"))
    return m


def add_plan(m: folium.Map, plan: PickupPlan) -> folium.Map:
    """Draw a pickup plan: each helicopter's legs, and the lander, pad, landing and relay spots.

    Parameters
    ----------
    m
        A marsgeo map.
    plan
        A :class:`marsgeo.PickupPlan` (from :func:`marsgeo.plan_pickup`). Each helicopter's
        legs are a layer in its own colour with sol numbers; an assumed lander position is
        labelled as one; the legend gives the makespan and the flight length.

    Returns
    -------
    folium.Map
        ``m``.

    Raises
    ------
    marsgeo.errors.InputError
        ``m`` is not a marsgeo map, or ``plan`` is not a PickupPlan.
    """
    from marsgeo.routing import PickupPlan

    state = map_state(m)
    if not isinstance(plan, PickupPlan):
        msg = (
            f"plan must be a marsgeo.PickupPlan (from marsgeo.plan_pickup), got "
            f"{type(plan).__name__}."
        )
        raise InputError(msg)
    for h in range(1, plan.helicopters + 1):
        _add_legs(m, plan, h)
    attach(m, DataLayer("points", {"points": _spots(plan)}, "Lander, pad, landing and relay spots"))
    rank = RANKS["plan"]
    state.legend.extend(
        (rank, HELI_COLORS[(h - 1) % len(HELI_COLORS)], f"helicopter {h}")
        for h in range(1, plan.helicopters + 1)
    )
    state.notes.append(
        (
            rank,
            f"Pickup plan: {plan.makespan_sols} sols"
            f"{' (proven minimum)' if plan.is_optimal else ''}, {plan.helicopters} helicopters,"
            f" {plan.total_flight_m:.0f} m of flight.",
        )
    )
    state.notes.extend(
        (rank, display_text(a))
        for a in plan.assumptions
        if a.startswith("lander") or "SYNTHETIC" in a
    )
    return m


def _add_legs(m: folium.Map, plan: PickupPlan, h: int) -> None:
    legs = plan.legs
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
                    [round(y, 9), round(x, 9)] for x, y in np.asarray(row.geometry.coords)[:, :2]
                ],
                "color": HELI_COLORS[(h - 1) % len(HELI_COLORS)],
                "weight": 3 if flight else 2,
                "dash": None if row.kind == "flight_out" else "5 5",
                "label": f"helicopter {h}, sol {row.sol}: {what}, tube "
                f"{value_text(row.tube_id, NAME_CHARS)}, {row.distance_m:.1f} m",
                "cls": "marsgeo-leg",
                **_owner(row.tube_id),
            }
        )
    last = int(sub["sol"].max()) if len(sub) else 0
    attach(m, DataLayer("lines", {"lines": items}, f"Helicopter {h} (sols 1-{last})"))


def _spots(plan: PickupPlan) -> list[dict[str, Any]]:
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
                    ["tube", value_text(row.tube_id, NAME_CHARS)],
                    ["note", value_text(row.note)],
                ],
                "cls": f"marsgeo-spot marsgeo-{row.kind}",
                "label": row.kind == "lander",
                **_owner(row.tube_id),
            }
        )
    return pts


def _owner(tube_id: Any) -> dict[str, list[str]]:
    """Return the ``tubes`` field of an item drawn for one tube (none: the lander, the pad).

    The page removes the item with its tube (drop-order replay, search), which it finds by
    its key (:func:`marsgeo._mapdata.tube_key`).
    """
    return {} if pd.isna(tube_id) else {"tubes": [tube_key(tube_id)]}
