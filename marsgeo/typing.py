"""Types of the values marsgeo's functions take, for type checkers and for readers.

Every public function checks its arguments at run time and refuses what it cannot use with a
:mod:`marsgeo.errors` exception naming the argument; these aliases say what it accepts.

Examples
--------
>>> from marsgeo.typing import CRSLike, PathLike
>>> def where(path: PathLike, crs: CRSLike = "IAU_2015:49900") -> str:
...     return f"{path} in {crs}"
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    import os
    from datetime import datetime
    from typing import Any

    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely
    from pyproj import CRS
    from rasterio.io import DatasetReader

__all__ = [
    "AreaLike",
    "CRSLike",
    "HazardLike",
    "LonLat",
    "LonLatLike",
    "OnUnreachable",
    "PathLike",
    "PointFrame",
    "RasterSource",
    "ShapeFrame",
    "TimeLike",
    "ZonesLike",
]

#: A file path: text or a path object.
PathLike: TypeAlias = "str | os.PathLike[str]"
#: A coordinate reference system as PROJ reads it: an authority code ("IAU_2015:49900"), WKT or
#: PROJ text, a pyproj CRS, a PROJ JSON dict, or anything with a ``.crs`` (a GeoDataFrame).
CRSLike: TypeAlias = "str | int | dict[str, Any] | CRS | Any"
#: Points in a Mars CRS, one row per point, indexed by id (e.g. tubes).
PointFrame: TypeAlias = "gpd.GeoDataFrame | gpd.GeoSeries"
#: Shapes (points, lines, polygons) in a Mars CRS.
ShapeFrame: TypeAlias = "gpd.GeoDataFrame | gpd.GeoSeries"
#: A position: (longitude, latitude) in MARS_GEOGRAPHIC degrees.
LonLat: TypeAlias = "tuple[float, float]"
#: A position as the functions taking one accept it: (lon, lat) in MARS_GEOGRAPHIC degrees, a
#: shapely Point in MARS_GEOGRAPHIC, or a one-point GeoSeries/GeoDataFrame in a Mars CRS.
LonLatLike: TypeAlias = "tuple[float, float] | shapely.Point | gpd.GeoSeries | gpd.GeoDataFrame"
#: An area of interest: geodata in a Mars CRS (its bounds), a shapely geometry in
#: MARS_GEOGRAPHIC, or (west, south, east, north) in MARS_GEOGRAPHIC degrees.
AreaLike: TypeAlias = (
    "gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry | tuple[float, float, float, float]"
)
#: Zones to avoid: polygons in a GeoDataFrame/GeoSeries in a Mars CRS, shapely polygons in
#: MARS_GEOGRAPHIC, WKT text, or a list of those.
ZonesLike: TypeAlias = (
    "gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry | str | list[shapely.Geometry | str]"
)
#: Hazardous terrain given as zones (as for :data:`ZonesLike`), or ``"synthetic"`` for
#: marsgeo's labelled synthetic DTM; functions that take terrain also take a
#: :class:`marsgeo.basemap.Raster` (mask, slope or DTM).
HazardLike: TypeAlias = "ZonesLike"
#: Where a raster comes from: a file path, a GDAL path such as ``/vsicurl/https://...``, a
#: URL, or an open rasterio dataset (functions that also take a Raster already read say so).
RasterSource: TypeAlias = "str | os.PathLike[str] | DatasetReader"
#: A moment: a timezone-aware datetime or pandas Timestamp, ISO 8601 text, or numbers and
#: arrays of them where the function says so.
TimeLike: TypeAlias = "datetime | pd.Timestamp | str | np.datetime64"
#: What :func:`marsgeo.plan_pickup` does with a tube no helicopter can reach.
OnUnreachable: TypeAlias = Literal["raise", "skip"]
