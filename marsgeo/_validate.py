"""Validation shared by the catalogue, distance and geometry modules (private)."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from marsgeo.crs import MARS_GEOGRAPHIC, require_mars_crs, to_mars_geographic
from marsgeo.errors import CatalogueError, CoordinateError, InputError, raise_collected

FloatArray = npt.NDArray[np.float64]


def _show(values: Any, limit: int = 5) -> str:
    items = [repr(v.item() if hasattr(v, "item") else v) for v in list(values)[:limit]]
    more = len(values) - limit if len(values) > limit else 0
    return ", ".join(items) + (f" and {more} more" if more else "")


def check_points(points: Any, *, name: str = "points") -> gpd.GeoDataFrame:
    """Return ``points`` as a GeoDataFrame of valid points in MARS_GEOGRAPHIC, or raise.

    Checks, all collected before raising: a GeoDataFrame or GeoSeries with a Mars CRS; every
    geometry a non-empty Point; finite coordinates; latitude in -90..90; a unique index.
    The input is not modified.
    """
    if isinstance(points, gpd.GeoSeries):
        points = gpd.GeoDataFrame(geometry=points)
    if not isinstance(points, gpd.GeoDataFrame):
        msg = (
            f"{name} must be a GeoDataFrame or GeoSeries of points, got {type(points).__name__}. "
            "Build one with geopandas.GeoDataFrame(..., geometry=geopandas.points_from_xy(lon, "
            "lat), crs=marsgeo.crs.MARS_GEOGRAPHIC), or use marsgeo.read_tubes()."
        )
        raise InputError(msg)
    require_mars_crs(points, name=name)
    if len(points) == 0:
        msg = f"{name} is empty; pass at least one point."
        raise InputError(msg)
    geoms = np.asarray(points.geometry.values, dtype=object)
    ids = points.index
    problems = []
    if isinstance(ids, pd.MultiIndex):
        problems.append(
            f"index has {ids.nlevels} levels; give each point one id "
            "(e.g. .reset_index() then .set_index('tube_id'))"
        )
    elif ids.hasnans:
        problems.append("index has missing (NaN) values; every point needs an id")
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        problems.append(
            f"rows {_show(ids[missing])} have no geometry; drop them or give them coordinates"
        )
    kinds = shapely.get_type_id(geoms)
    not_point = ~missing & (kinds != shapely.GeometryType.POINT)
    if not_point.any():
        problems.append(
            f"rows {_show(ids[not_point])} are not Points; pass one point per row "
            "(use .centroid or .representative_point() for areas)"
        )
    if ids.has_duplicates:
        dup = _show(ids[ids.duplicated()].unique())
        problems.append(
            f"index {ids.name or ''} has duplicate values {dup}; every point needs its own id"
        )
    raise_collected(CatalogueError, problems, what=name)

    mars = to_mars_geographic(points)
    xy = shapely.get_coordinates(np.asarray(mars.geometry.values, dtype=object))
    lon, lat = xy[:, 0], xy[:, 1]
    bad = ~np.isfinite(lon) | ~np.isfinite(lat)
    if bad.any():
        problems.append(
            f"rows {_show(ids[bad])} have NaN or infinite coordinates; fix or drop them"
        )
    out_of_range = ~bad & (np.abs(lat) > 90.0)
    if out_of_range.any():
        problems.append(
            f"rows {_show(ids[out_of_range])} have latitude {_show(lat[out_of_range])} outside "
            "-90..90; check that longitude comes first (x=lon, y=lat)"
        )
    raise_collected(CoordinateError, problems, what=name)
    return mars


def lonlat(points: gpd.GeoDataFrame) -> tuple[FloatArray, FloatArray]:
    """Longitude and latitude arrays of a checked GeoDataFrame of points."""
    xy = shapely.get_coordinates(np.asarray(points.geometry.values, dtype=object))
    return xy[:, 0].astype(float), xy[:, 1].astype(float)


def check_unique_ids(ids: pd.Index, *, name: str) -> list[str]:
    """Problems with a tube-id index: missing or duplicate values."""
    problems = []
    if ids.hasnans:
        problems.append(f"{name} has missing values; every tube needs an id")
    if ids.has_duplicates:
        dup = ids[ids.duplicated()].unique()
        problems.append(f"{name} has duplicate values {_show(dup)}; every tube needs its own id")
    return problems


__all__ = ["MARS_GEOGRAPHIC", "check_points", "check_unique_ids", "lonlat"]
