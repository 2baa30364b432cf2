"""Measures of each point or shape on its own, in one process.

The one-process bodies of :func:`marsgeo.distance.geodesic_distance_m`,
:func:`~marsgeo.distance.distances_from` and :func:`~marsgeo.distance.geodesic_area_perimeter`;
what each gives for a point or a shape depends on nothing else, so the Dask code runs the
last two partition by partition.
"""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyproj
import shapely

from marsgeo._validate import check_points, check_shapes, lonlat
from marsgeo.crs import coordinate_problems, real_numbers, require_mars_crs
from marsgeo.distance._kernel import (
    BYTES_PER_VALUE,
    FloatArray,
    bearing_0_360,
    body_geod,
    central_angle,
    geodetic_lat,
    prepared,
    refuse_if_too_large,
    unit_vectors,
)
from marsgeo.errors import CoordinateError, InputError, raise_collected


def _real_arrays(given: tuple[npt.ArrayLike, ...], names: tuple[str, ...]) -> list[FloatArray]:
    """Return the coordinates as float arrays; raise one CoordinateError naming every problem."""
    values: list[FloatArray] = []
    problems = []
    for nm, v in zip(names, given, strict=True):
        try:
            values.append(real_numbers(v, name=nm))
        except CoordinateError as exc:
            problems.append(str(exc).rstrip("."))
    raise_collected(CoordinateError, problems, what="geodesic_distance_m")
    return values


def geodesic_distance_m(
    lon1: npt.ArrayLike,
    lat1: npt.ArrayLike,
    lon2: npt.ArrayLike,
    lat2: npt.ArrayLike,
    *,
    g: pyproj.Geod,
    limit: float,
) -> FloatArray:
    """Compute :func:`marsgeo.distance.geodesic_distance_m` on ``g`` within ``limit`` bytes."""
    names = ("lon1", "lat1", "lon2", "lat2")
    values = _real_arrays((lon1, lat1, lon2, lat2), names)
    try:
        shape = np.broadcast_shapes(*(a.shape for a in values))
    except ValueError:
        shapes = ", ".join(f"{nm} {a.shape}" for nm, a in zip(names, values, strict=True))
        msg = (
            f"geodesic_distance_m: the shapes {shapes} do not broadcast together; pass "
            "numbers, or arrays of one shape."
        )
        raise InputError(msg) from None
    count = math.prod(shape)
    refuse_if_too_large(
        count * BYTES_PER_VALUE,
        limit,
        what=f"geodesic_distance_m of {count:,} distances",
        instead="compute them in blocks, or pass a larger max_bytes=",
    )
    arrays = np.broadcast_arrays(*values)
    problems = coordinate_problems(arrays[0], arrays[1], x_name="lon1", y_name="lat1")
    problems += coordinate_problems(arrays[2], arrays[3], x_name="lon2", y_name="lat2")
    if problems:
        msg = "; ".join(problems) + ". Pass finite degrees, longitude first."
        raise CoordinateError(msg)
    a_lon, a_lat, b_lon, b_lat = (np.ascontiguousarray(a).ravel() for a in arrays)
    if g.f == 0.0:
        angle = central_angle(unit_vectors(a_lon, a_lat), unit_vectors(b_lon, b_lat))
        return np.asarray(angle * g.a, dtype=float).reshape(shape)
    _, _, dist = g.inv(a_lon, geodetic_lat(a_lat, g), b_lon, geodetic_lat(b_lat, g))
    return np.asarray(dist, dtype=float).reshape(shape)


# --- from one origin -----------------------------------------------------------------------------

_ORIGIN_FORMS = (
    "pass (lon, lat) in MARS_GEOGRAPHIC degrees (planetocentric, east longitude, longitude "
    "first), a shapely Point in MARS_GEOGRAPHIC, or a one-point GeoSeries/GeoDataFrame in a "
    "Mars CRS"
)


def origin_lonlat(origin: Any) -> tuple[float, float]:
    """Return ``origin`` as planetocentric (lon, lat) degrees after the coordinate range rule."""
    if isinstance(origin, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if len(origin) != 1:
            msg = f"origin holds {len(origin):,} points, not one; {_ORIGIN_FORMS}."
            raise CoordinateError(msg)
        xs, ys = lonlat(check_points(origin, name="origin"))
        return float(xs[0]), float(ys[0])
    if isinstance(origin, shapely.Geometry):
        if not isinstance(origin, shapely.Point) or origin.is_empty:
            msg = f"origin={origin.wkt[:80]!r} is not a point; {_ORIGIN_FORMS}."
            raise CoordinateError(msg)
        given: Any = (origin.x, origin.y)
    elif isinstance(origin, (str, bytes, dict)) or not hasattr(origin, "__len__"):
        msg = f"origin={origin!r} is not a place; {_ORIGIN_FORMS}."
        raise CoordinateError(msg)
    else:
        given = origin
    try:
        values = real_numbers(given, name=f"origin={origin!r}")
    except CoordinateError as exc:
        msg = f"{str(exc).rstrip('.')}; {_ORIGIN_FORMS}."
        raise CoordinateError(msg) from None
    if values.shape != (2,):
        msg = f"origin={origin!r} is not one (lon, lat) pair; {_ORIGIN_FORMS}."
        raise CoordinateError(msg)
    lon, lat = float(values[0]), float(values[1])
    problems = coordinate_problems(
        [lon], [lat], x_name="origin longitude", y_name="origin latitude"
    )
    if problems:
        msg = (
            f"origin={origin!r}: "
            + "; ".join(problems)
            + f". {_ORIGIN_FORMS[0].upper()}{_ORIGIN_FORMS[1:]}."
        )
        raise CoordinateError(msg)
    return lon, lat


def distances_from(points: Any, origin: Any, *, geod: pyproj.Geod | None) -> pd.DataFrame:
    """Compute :func:`marsgeo.distance.distances_from` in one process."""
    checked, pts = prepared(points, geod)
    lon0, lat0 = origin_lonlat(origin)
    g = pts.g
    lat0_body = float(geodetic_lat(np.array([lat0]), g)[0])
    az, _, d = g.inv(np.full(pts.n, lon0), np.full(pts.n, lat0_body), pts.lon, pts.lat)
    dist = np.asarray(d, dtype=float)
    bearing = np.where(dist > 0, bearing_0_360(np.asarray(az, dtype=float)), np.nan)
    return pd.DataFrame({"distance_m": dist, "bearing_deg": bearing}, index=checked.index.copy())


# --- areas and perimeters ------------------------------------------------------------------------


def _ring_area_perimeter(ring: Any, g: pyproj.Geod) -> tuple[float, float]:
    """Area enclosed by one ring (whatever its winding) and its length, on the body."""
    xy = shapely.get_coordinates(ring)
    area, perimeter = g.polygon_area_perimeter(xy[:, 0], xy[:, 1])
    return abs(float(area)), float(perimeter)


def _line_length(line: Any, g: pyproj.Geod) -> float:
    xy = shapely.get_coordinates(line)
    if len(xy) < 2:
        return 0.0
    return float(g.line_length(xy[:, 0], xy[:, 1]))


def _area_perimeter(geom: Any, g: pyproj.Geod) -> tuple[float, float]:
    """Area and perimeter of one geometry whose latitudes are already on the body."""
    if geom is None or geom.is_empty:
        return 0.0, 0.0
    kind = geom.geom_type
    if kind in ("Point", "MultiPoint"):
        return 0.0, 0.0
    if kind in ("LineString", "LinearRing"):
        # a line encloses nothing; it is not closed into a ring (Geod.geometry_area_perimeter
        # would, doubling a two-point line and giving a three-point line a triangle's area)
        return 0.0, _line_length(geom, g)
    if kind == "Polygon":
        # each ring on its own and unsigned, so that a hole is subtracted however it is wound
        area, perimeter = _ring_area_perimeter(geom.exterior, g)
        for hole in geom.interiors:
            hole_area, hole_perimeter = _ring_area_perimeter(hole, g)
            area -= hole_area
            perimeter += hole_perimeter
        return area, perimeter
    # MultiLineString, MultiPolygon, GeometryCollection: the sum of the parts
    area = perimeter = 0.0
    for part in geom.geoms:
        part_area, part_perimeter = _area_perimeter(part, g)
        area += part_area
        perimeter += part_perimeter
    return area, perimeter


def geodesic_area_perimeter(shapes: Any, *, geod: pyproj.Geod | None) -> pd.DataFrame:
    """Compute :func:`marsgeo.distance.geodesic_area_perimeter` in one process."""
    mars = check_shapes(shapes, name="shapes")
    require_mars_crs(shapes, name="shapes")
    g = body_geod(geod)
    geoms = mars.geometry if hasattr(mars, "geometry") else mars

    def _on_body(coords: FloatArray) -> FloatArray:
        return np.column_stack([coords[:, 0], geodetic_lat(coords[:, 1], g)])

    body = shapely.transform(np.asarray(geoms.values, dtype=object), _on_body)
    area = np.zeros(len(body))
    perim = np.zeros(len(body))
    for k, geom in enumerate(body):
        area[k], perim[k] = _area_perimeter(geom, g)
    return pd.DataFrame({"area_m2": area, "perimeter_m": perim}, index=geoms.index)
