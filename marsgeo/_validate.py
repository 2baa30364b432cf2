"""Validation shared by the catalogue, distance and geometry modules (private).

Coordinates are judged by the one range rule of :func:`marsgeo.crs.coordinate_problems`,
applied here to every coordinate of every geometry, in the data's own CRS (before anything is
converted or wrapped), so that each door of marsgeo refuses the same values.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from marsgeo.crs import (
    MARS_GEOGRAPHIC,
    coordinate_problems,
    is_real_number,
    require_mars_crs,
    to_mars_geographic,
)
from marsgeo.errors import CatalogueError, CoordinateError, InputError, raise_collected

FloatArray = npt.NDArray[np.float64]


def show_values(values: Any, limit: int = 5) -> str:
    """List the first few values for a message: ``1, 2, 3 and 4 more``."""
    items = [repr(v.item() if hasattr(v, "item") else v) for v in list(values)[:limit]]
    more = len(values) - limit if len(values) > limit else 0
    return ", ".join(items) + (f" and {more} more" if more else "")


def _geodata(data: Any, *, name: str, what: str) -> gpd.GeoDataFrame:
    """Return ``data`` as a GeoDataFrame with a Mars CRS, or raise (type and CRS checks)."""
    if isinstance(data, gpd.GeoSeries):
        data = gpd.GeoDataFrame(geometry=data)
    if not isinstance(data, gpd.GeoDataFrame):
        msg = (
            f"{name} must be a GeoDataFrame or GeoSeries of {what}, got {type(data).__name__}. "
            "Build one with geopandas.GeoDataFrame(..., geometry=geopandas.points_from_xy(lon, "
            "lat), crs=marsgeo.crs.MARS_GEOGRAPHIC), or use marsgeo.read_tubes()."
        )
        raise InputError(msg)
    require_mars_crs(data, name=name)
    return data


def check_plan_tubes(plan: Any, tubes: gpd.GeoDataFrame) -> None:
    """Refuse drawing a pickup plan with tubes it was not made for (their ids differ)."""
    known = set(tubes.index)
    other = [t for t in [*plan.trips.index, *plan.unreachable.index] if t not in known]
    with contextlib.suppress(TypeError):  # ids of one kind are listed in order
        other = sorted(other)
    if other:
        msg = (
            f"plan is for tubes {other[:5]} that are not among tubes; draw a plan with the "
            "tubes it was made for."
        )
        raise InputError(msg)


def coordinate_check(data: gpd.GeoDataFrame, *, name: str) -> None:
    """Apply the coordinate range rule to every coordinate of ``data``, in its own CRS.

    Problems name the rows (index labels) whose geometries break the rule; raises
    :class:`~marsgeo.errors.CoordinateError` with all of them.
    """
    geoms = np.asarray(data.geometry.values, dtype=object)
    xy, which = shapely.get_coordinates(geoms, return_index=True)
    if len(xy) == 0:
        return
    rows = data.index.to_numpy()[which]
    problems = coordinate_problems(xy[:, 0], xy[:, 1], data.crs, rows=rows)
    raise_collected(CoordinateError, problems, what=name)


def check_points(points: Any, *, name: str = "points") -> gpd.GeoDataFrame:
    """Return ``points`` as a GeoDataFrame of valid points in MARS_GEOGRAPHIC, or raise.

    Checks, all collected before raising: a GeoDataFrame or GeoSeries with a Mars CRS; every
    geometry a non-empty Point; a unique index; then the coordinate range rule
    (:func:`marsgeo.crs.coordinate_problems`) on the coordinates as given. The input is not
    modified.
    """
    points = _geodata(points, name=name, what="points")
    if len(points) == 0:
        msg = f"{name} is empty; pass at least one point."
        raise InputError(msg)
    geoms = np.asarray(points.geometry.values, dtype=object)
    ids = points.index
    problems = []
    if isinstance(ids, pd.MultiIndex):
        problems.append(_multi_index_problem(ids))
    elif ids.hasnans:
        problems.append("index has missing (NaN) values; every point needs an id")
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        problems.append(
            f"rows {show_values(ids[missing])} have no geometry; drop them or give them coordinates"
        )
    kinds = shapely.get_type_id(geoms)
    not_point = ~missing & (kinds != shapely.GeometryType.POINT)
    if not_point.any():
        problems.append(
            f"rows {show_values(ids[not_point])} are not Points; pass one point per row "
            "(use .centroid or .representative_point() for areas)"
        )
    if ids.has_duplicates:
        dup = show_values(ids[ids.duplicated()].unique())
        problems.append(
            f"index {ids.name or ''} has duplicate values {dup}; every point needs its own id"
        )
    raise_collected(CatalogueError, problems, what=name)
    coordinate_check(points, name=name)
    mars = to_mars_geographic(points)
    lon, lat = lonlat(mars)
    # the rule held before conversion; what a conversion gives back must hold it too
    problems = coordinate_problems(lon, lat, rows=ids)
    raise_collected(CoordinateError, problems, what=name)
    return mars


def check_shapes(shapes: Any, *, name: str = "shapes") -> Any:
    """Return geometries of any type in MARS_GEOGRAPHIC after the coordinate range rule.

    ``shapes`` is a GeoDataFrame or GeoSeries with a Mars CRS; the result has the same type.
    Missing and empty geometries pass (they have no coordinates).
    """
    if not isinstance(shapes, (gpd.GeoDataFrame, gpd.GeoSeries)):
        msg = (
            f"{name} must be a GeoDataFrame or GeoSeries in a Mars CRS, got "
            f"{type(shapes).__name__}; read files with marsgeo.read_outline()."
        )
        raise InputError(msg)
    frame = _geodata(shapes, name=name, what="geometries")
    coordinate_check(frame, name=name)
    return to_mars_geographic(shapes)


def check_length(
    value: Any, *, name: str, example: str, allow_zero: bool = True, allow_none: bool = False
) -> float | None:
    """Return a distance [m] argument as a float, or raise InputError naming it.

    A distance is a finite real number (not a bool, not text), at least 0 (or above 0 when
    ``allow_zero`` is false); None passes only if ``allow_none``.
    """
    if value is None and allow_none:
        return None
    lowest = "0 or more" if allow_zero else "more than 0"
    if is_real_number(value):
        try:
            number = float(value)
        except (OverflowError, ValueError):
            number = math.nan
        if math.isfinite(number) and (number > 0 or (allow_zero and number == 0)):
            return number
    msg = f"{name}={value!r} is not a distance in metres; pass a finite number {lowest}, {example}."
    raise InputError(msg)


def lonlat(points: gpd.GeoDataFrame) -> tuple[FloatArray, FloatArray]:
    """Longitude and latitude arrays of a checked GeoDataFrame of points."""
    xy = shapely.get_coordinates(np.asarray(points.geometry.values, dtype=object))
    return xy[:, 0].astype(float), xy[:, 1].astype(float)


def _multi_index_problem(ids: pd.MultiIndex) -> str:
    """Say that an index of several levels is not one id per row, naming its levels."""
    levels = ", ".join(repr(n) for n in ids.names)
    return (
        f"the index has {ids.nlevels} levels ({levels}); give each row one id, e.g. "
        ".reset_index() then .set_index('tube_id')"
    )


def check_unique_ids(ids: pd.Index, *, name: str) -> list[str]:
    """Problems with a tube-id index: several levels, missing or duplicate values."""
    if isinstance(ids, pd.MultiIndex):
        return [_multi_index_problem(ids)]  # before hasnans, which it lacks
    problems = []
    if ids.hasnans:
        problems.append(f"{name} has missing values; every tube needs an id")
    if ids.has_duplicates:
        dup = ids[ids.duplicated()].unique()
        problems.append(
            f"{name} has duplicate values {show_values(dup)}; every tube needs its own id"
        )
    return problems


__all__ = [
    "MARS_GEOGRAPHIC",
    "check_length",
    "check_points",
    "check_shapes",
    "check_unique_ids",
    "coordinate_check",
    "lonlat",
    "show_values",
]
