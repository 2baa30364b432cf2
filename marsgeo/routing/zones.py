"""Zones to avoid (no-fly zones, hazards): read, checked, clipped and projected into the frame."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import shapely
from shapely.affinity import translate
from shapely.geometry import MultiPolygon, Polygon
from shapely.ops import unary_union

from marsgeo.crs import (
    coordinate_problems,
    require_mars_crs,
    to_mars_geographic,
)
from marsgeo.errors import (
    CoordinateError,
    InputError,
    PlanningError,
    raise_collected,
)
from marsgeo.routing.model import FloatArray

XY = tuple[float, float]

#: Longest edge [deg] of a zone when it is projected. Edges are straight in longitude and
#: latitude; on the Mars sphere a 0.02 deg step keeps each projected piece within 5 cm of
#: the true outline (``R * step**2 / 8``), inside the :data:`FRAME_MARGIN_M` obstacles get.
DENSIFY_DEG = 0.02
#: Zones are grown by the obstacle clearance plus this margin [m]: the 5 cm a projected edge
#: may stray from the true one (:data:`DENSIFY_DEG`) and the frame's scale error (under 1 cm
#: within 5 km of its centre).
FRAME_MARGIN_M = 0.06
#: Segments per quarter circle of the round buffers that grow zones. Their chords cut inside
#: the arcs by ``1 - cos(pi / 32)``, 0.5 % of the distance: the distance is enlarged to match.
QUAD_SEGS = 8
#: A grown zone with more corners than this (hazards traced from DTM pixels; points in a
#: line do not count) is simplified outwards (:func:`simplify_outwards`).
SIMPLIFY_VERTICES = 200
#: Douglas-Peucker tolerance [m] of the outward simplification.
SIMPLIFY_TOL_M = 0.2
#: A simplified grown zone lies at most this far [m] outside the grown zone: the tolerance,
#: plus ``sqrt(2)`` times the tolerance it is grown by again (mitred corners).
OUTLINE_TOL_M = SIMPLIFY_TOL_M * (1.0 + math.sqrt(2.0))
#: Segments are tested against the grown zones shrunk by this much [m], so that a path may
#: run along an outline or through a corner despite float rounding; it is far inside
#: :data:`FRAME_MARGIN_M`.
SOLID_M = 1e-3

Zone: TypeAlias = Polygon | MultiPolygon


# --- zones from the user ----------------------------------------------------------------------


def flat_parts(geom: shapely.Geometry) -> list[shapely.Geometry]:
    """Take a geometry apart into simple parts, collections and multi-parts at any depth."""
    parts = shapely.get_parts(geom)
    while any(
        p.geom_type.startswith("Multi") or p.geom_type == "GeometryCollection" for p in parts
    ):
        parts = shapely.get_parts(parts)
    return list(parts)


def _zone_items(obj: Any, *, name: str) -> list[tuple[str, Any]]:
    """(label, item) pairs for each zone of a no_fly / hazard argument.

    Rows of a GeoDataFrame/GeoSeries come in MARS_GEOGRAPHIC, except rows with non-finite
    coordinates, which stay as they are (and are refused by the caller).
    """
    if isinstance(obj, (gpd.GeoDataFrame, gpd.GeoSeries)):
        crs = require_mars_crs(obj, name=name)
        geoms = obj.geometry if isinstance(obj, gpd.GeoDataFrame) else obj
        finite = np.array(
            [g is None or bool(np.isfinite(shapely.get_coordinates(g)).all()) for g in geoms],
            dtype=bool,
        )
        good = geoms[finite]
        xy = shapely.get_coordinates(np.asarray(good.values, dtype=object))
        if crs.is_projected and len(xy):
            # edges are straight in the projected CRS: keep them so in longitude and latitude
            extent = float(np.ptp(xy, axis=0).max())
            if extent > 0:
                good = good.segmentize(extent / 512)
        converted = iter(to_mars_geographic(good))
        rows = [next(converted) if ok else g for ok, g in zip(finite, geoms, strict=True)]
        # hazards from terrain say why they are hazards (e.g. slope, or no elevation data)
        why = obj["rule"] if isinstance(obj, gpd.GeoDataFrame) and "rule" in obj else None
        labels = [
            f"{name} row {i!r}" + (f" ({why.loc[i]})" if why is not None else "")
            for i in geoms.index
        ]
        return list(zip(labels, rows, strict=True))
    if isinstance(obj, (str, shapely.Geometry)):
        return [(name, obj)]
    if isinstance(obj, (bytes, Mapping)) or not isinstance(obj, Iterable):
        msg = f"{name} of type {type(obj).__name__} is not a set of zones; {_zones_fix(name)}."
        raise InputError(msg)
    return [(f"{name}[{k}]", v) for k, v in enumerate(obj)]


def _zones_fix(name: str) -> str:
    extra = ", a marsgeo Raster, or 'synthetic'" if name == "hazard" else ""
    return (
        f"pass {name} as polygons: a GeoDataFrame/GeoSeries in a Mars CRS, shapely polygons in "
        f"MARS_GEOGRAPHIC lon/lat, WKT text, or a list of those{extra}"
    )


def zones_from(obj: Any, *, name: str) -> list[tuple[str, Polygon | MultiPolygon]]:
    """Zones to avoid as (label, valid polygons in MARS_GEOGRAPHIC); bad ones refused at once.

    A self-intersecting zone is repaired (shapely ``make_valid``: a bowtie becomes its two
    lobes); empty zones are skipped; zones with non-polygon parts, NaN or infinite vertices,
    latitude outside -90..90, longitude outside -360..360 or no area are refused, naming them.
    """
    if obj is None:
        return []
    problems: list[str] = []
    coordinate = True
    out: list[tuple[str, Polygon | MultiPolygon]] = []
    for label, item in _zone_items(obj, name=name):
        geom = item
        if isinstance(item, str):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # "nan" vertices: refused below
                    geom = shapely.from_wkt(item)
            except shapely.errors.ShapelyError as exc:
                problems.append(f"{label}={item!r} is not WKT ({exc}); {_zones_fix(name)}")
                coordinate = False
                continue
        if not isinstance(geom, shapely.Geometry):
            problems.append(f"{label} is a {type(geom).__name__}; {_zones_fix(name)}")
            coordinate = False
            continue
        if geom.is_empty:
            continue
        kinds = sorted({p.geom_type for p in flat_parts(geom)})
        if kinds != ["Polygon"]:
            problems.append(
                f"{label} holds {'/'.join(kinds)}, not only polygons; pass polygons (buffer "
                "points and lines by a distance first)"
            )
            coordinate = False
            continue
        xy = shapely.get_coordinates(geom)
        # marsgeo's one coordinate range rule, naming the zone
        broken = coordinate_problems(xy[:, 0], xy[:, 1], rows=[label] * len(xy))
        if broken:
            problems.extend(p.replace(f"rows {label!r} have", f"{label} has") for p in broken)
            continue
        valid = polygonal(shapely.make_valid(shapely.force_2d(geom)))
        if valid is None:
            problems.append(
                f"{label} has no area (its vertices are repeated or in a line); pass a "
                "polygon with an area"
            )
            coordinate = False
            continue
        out.append((label, valid))
    raise_collected(CoordinateError if coordinate else InputError, problems, what="zones to avoid")
    return out


def hazard_zones(hazard: Any, *, tubes: Any = None) -> list[tuple[str, Polygon | MultiPolygon]]:
    """Zones of hazardous terrain: from zones, a Raster, or "synthetic" (the synthetic DTM).

    A DTM with no elevation data at one of ``tubes`` is refused with a PlanningError that
    says so, rather than reporting the tube as inside a hazard (unknown terrain is one).
    """
    if hazard is None:
        return []
    from marsgeo.basemap import Raster, hazard_areas, synthetic_dtm

    if isinstance(hazard, str) and hazard.strip().lower() == "synthetic":
        hazard = synthetic_dtm()  # as marsgeo.basemap.load_dtm(None)
    if isinstance(hazard, Raster):
        from marsgeo._terrain import check_elevation_at

        if tubes is not None and hazard.units in ("m", "metre", "meter"):
            check_elevation_at(
                hazard, tubes, where="the hazard DTM", what="tubes", error=PlanningError
            )
        return zones_from(hazard_areas(hazard), name="hazard")
    return zones_from(hazard, name="hazard")


# --- zones into the local frame -----------------------------------------------------------------


def polygonal(geom: shapely.Geometry | None) -> Polygon | MultiPolygon | None:
    """Return the polygons with area in ``geom`` (lines and points dropped), or None."""
    if geom is None or geom.is_empty:
        return None
    polys = [p for p in flat_parts(geom) if p.geom_type == "Polygon" and p.area > 0]
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def window_box(lon: float, lat: float, radius_m: float, *, sphere_radius_m: float) -> Polygon:
    """Return a longitude/latitude box holding every point within ``radius_m`` of (lon, lat).

    Longitudes run on continuously around ``lon`` (they may pass +-180). Where the circle
    reaches a pole the box spans all longitudes, up to that pole.
    """
    d = math.degrees(radius_m / sphere_radius_m)
    south, north = max(lat - d, -90.0), min(lat + d, 90.0)
    edge = max(abs(south), abs(north))
    half = 180.0
    if d < 90.0 and edge < 90.0:
        reach = math.sin(math.radians(d)) / math.cos(math.radians(edge))
        if reach < 1.0:
            half = math.degrees(math.asin(reach))
    return shapely.box(lon - half, south, lon + half, north)


def frame_zone(
    zone: Polygon | MultiPolygon,
    window: Polygon,
    to_frame: Callable[[FloatArray], FloatArray],
) -> Polygon | MultiPolygon | None:
    """Project the part of a zone inside the window into the local frame.

    ``zone`` is valid and in MARS_GEOGRAPHIC, with longitudes in -360..360; it is matched
    with the window shifted by whole turns, so either longitude convention works. Returns
    None when nothing of the zone lies in the window.
    """
    zminx, _, zmaxx, _ = zone.bounds
    wminx, _, wmaxx, _ = window.bounds
    parts = []
    for k in range(math.floor((zminx - wmaxx) / 360.0), math.ceil((zmaxx - wminx) / 360.0) + 1):
        piece = polygonal(shapely.intersection(zone, translate(window, xoff=360.0 * k)))
        if piece is not None:
            parts.append(translate(piece, xoff=-360.0 * k))
    if not parts:
        return None
    clipped = unary_union(parts)
    dense = shapely.segmentize(clipped, DENSIFY_DEG)
    projected = shapely.transform(dense, to_frame)
    if not np.isfinite(shapely.get_coordinates(projected)).all():
        return None  # pragma: no cover - the window lies well inside the frame's domain
    return polygonal(shapely.make_valid(projected))


# --- obstacles and shortest paths --------------------------------------------------------------


def grow_zone(zone: Zone, clearance_m: float) -> Zone:
    """Grow a zone (frame coordinates) by ``clearance_m`` into the outline paths go around.

    The result CONTAINS every point within ``clearance_m + FRAME_MARGIN_M`` of the zone:
    shapely's round buffer puts its vertices on the offset arcs and its chords cut inside
    them by at most ``1 - cos(pi / (4 * QUAD_SEGS))`` of the distance, so the distance is
    enlarged by ``1 / cos(pi / (4 * QUAD_SEGS))`` (0.5 %).
    """
    r = (clearance_m + FRAME_MARGIN_M) / math.cos(math.pi / (4 * QUAD_SEGS))
    out = polygonal(shapely.buffer(zone, r, quad_segs=QUAD_SEGS))
    return out if out is not None else Polygon()


def simplify_outwards(outline: Polygon) -> Polygon | MultiPolygon:
    """Simplify an outline with many corners so that the result still CONTAINS it.

    Douglas-Peucker with :data:`SIMPLIFY_TOL_M` keeps every point of the outline within the
    tolerance of the simple one (and the simple one within the tolerance of the outline), so
    the simple one grown by the tolerance contains the outline again. It is grown with
    mitred corners (each at most ``sqrt(2)`` times the tolerance from the simple corner,
    beyond that bevelled), which contain the round ones: the result lies within
    :data:`OUTLINE_TOL_M` outside the outline.
    """
    simple = shapely.simplify(outline, SIMPLIFY_TOL_M, preserve_topology=True)
    grown = shapely.buffer(simple, SIMPLIFY_TOL_M, join_style="mitre", mitre_limit=math.sqrt(2))
    out = polygonal(grown)
    return out if out is not None else outline
