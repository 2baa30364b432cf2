"""Jezero crater geometry: named places, an approximate rim, map extents, users' outlines.

Every feature carries its source (a key of :func:`marsgeo.depot.sources`), its confidence and
an ``approximate`` flag. Areas and perimeters are geodesic on the Mars body. The depot's
centroid and extent derive from the inferred tube positions, so they are approximate.

What is *not* here: a delta outline. No published coordinates for it were available, and an
invented polygon would be presented as more certain than it is; read a published outline
with :func:`read_outline` instead.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, Polygon

from marsgeo._io import PathLike, read_vector
from marsgeo.crs import MARS_GEOGRAPHIC, mars_geod
from marsgeo.depot import load_depot
from marsgeo.distance import geodesic_area_perimeter

if TYPE_CHECKING:
    from marsgeo.typing import CRSLike

__all__ = [
    "JEZERO_CENTRE",
    "JEZERO_RIM_DIAMETER_M",
    "LANDING_SITE",
    "SIM3464_EXTENT",
    "jezero_features",
    "read_outline",
]


@cache
def _places() -> dict[str, dict[str, Any]]:
    """Read the fixed places and outlines, with provenance, from ``data/jezero_places.json``."""
    text = resources.files("marsgeo").joinpath("data/jezero_places.json").read_text("utf-8")
    return {f["feature_id"]: f for f in json.loads(text)["features"]}


def _lonlat(values: list[float]) -> tuple[float, float]:
    return float(values[0]), float(values[1])


#: Octavia E. Butler Landing, where Perseverance landed on 2021-02-18 (lon, lat), confirmed.
LANDING_SITE = _lonlat(_places()["octavia_e_butler_landing"]["point"])
#: Jezero crater centre (lon, lat), approximate (IAU gazetteer via secondary copies).
JEZERO_CENTRE = _lonlat(_places()["jezero_crater_centre"]["point"])
#: Jezero rim diameter [m], approximate (NASA "28-mile-wide"; other sources 49-50 km).
JEZERO_RIM_DIAMETER_M = float(_places()["jezero_rim"]["circle"]["diameter_m"])
#: USGS SIM 3464 geologic map extent (west, south, east, north) in degrees, confirmed. The
#: map's projection (Transverse Mercator, central meridian 77.5 E) is inferred, not stated by USGS.
SIM3464_EXTENT: tuple[float, float, float, float] = tuple(  # type: ignore[assignment]
    float(v) for v in _places()["usgs_sim3464_extent"]["box"]
)

_COLUMNS = ["name", "kind", "source", "confidence", "approximate", "note"]


def _geodesic_circle(lon: float, lat: float, radius_m: float, n: int = 360) -> Polygon:
    g = mars_geod()
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    x, y, _ = g.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_m))
    return Polygon(np.column_stack([x, y])[::-1])  # counter-clockwise exterior


def _lonlat_box(west: float, south: float, east: float, north: float, n: int = 100) -> Polygon:
    """Build a lon/lat box whose edges follow the parallels (densified; geodesics would bow)."""
    xs = np.linspace(west, east, n)
    ys = np.linspace(south, north, n)
    ring = np.concatenate(
        [
            np.column_stack([xs, np.full(n, south)]),
            np.column_stack([np.full(n, east), ys])[1:],
            np.column_stack([xs[::-1], np.full(n, north)])[1:],
            np.column_stack([np.full(n, west), ys[::-1]])[1:],
        ]
    )
    return Polygon(ring)


def _shape(feature: dict[str, Any]) -> Any:
    """Build the geometry of a feature of the data file: a point, a geodesic circle or a box."""
    if "point" in feature:
        return Point(_lonlat(feature["point"]))
    if "circle" in feature:
        circle = feature["circle"]
        return _geodesic_circle(*_lonlat(circle["centre"]), float(circle["diameter_m"]) / 2.0)
    west, south, east, north = (float(v) for v in feature["box"])
    return _lonlat_box(west, south, east, north)


@cache
def _features() -> gpd.GeoDataFrame:
    tubes = load_depot()
    hull = shapely.convex_hull(shapely.MultiPoint(list(tubes.geometry)))
    depot = [
        (
            "three_forks_depot",
            {
                "name": "Three Forks depot",
                "kind": "place",
                "source": "mmgis_waypoints",
                "confidence": "approximate",
                "approximate": True,
                "note": "centroid (mean longitude and latitude) of the ten tube positions, which "
                "are inferred (each within about 1-2 m): approximate",
            },
            Point(tubes.geometry.x.mean(), tubes.geometry.y.mean()),
        ),
        (
            "three_forks_depot_extent",
            {
                "name": "Three Forks depot extent",
                "kind": "extent",
                "source": "mmgis_waypoints",
                "confidence": "approximate",
                "approximate": True,
                "note": "convex hull of the ten tube positions, which are inferred (each within "
                "about 1-2 m): approximate",
            },
            hull,
        ),
    ]
    fixed = [(fid, {c: f[c] for c in _COLUMNS}, _shape(f)) for fid, f in _places().items()]
    # the order of the table: the landing site and crater centre, the depot, the outlines
    rows: list[tuple[str, dict[str, Any], Any]] = [*fixed[:2], *depot, *fixed[2:]]
    frame = pd.DataFrame(
        [r[1] for r in rows], index=pd.Index([r[0] for r in rows], name="feature_id")
    )[_COLUMNS]
    gdf = gpd.GeoDataFrame(frame, geometry=[r[2] for r in rows], crs=MARS_GEOGRAPHIC)
    measures = geodesic_area_perimeter(gdf)
    return gdf.join(measures)


def jezero_features() -> gpd.GeoDataFrame:
    """Named places and outlines of Jezero crater and the Three Forks depot.

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``feature_id``; CRS :data:`marsgeo.crs.MARS_GEOGRAPHIC`. Columns ``name``,
        ``kind`` ("place", "outline" or "extent"), ``source`` (keys of
        :func:`marsgeo.depot.sources`), ``confidence``, ``approximate`` (bool), ``note``,
        ``area_m2`` and ``perimeter_m`` (geodesic on the Mars sphere; 0 for points).

    Examples
    --------
    >>> f = jezero_features()
    >>> bool(f.loc["jezero_rim", "approximate"]), f.loc["octavia_e_butler_landing", "confidence"]
    (True, 'confirmed')
    >>> f.loc["three_forks_depot", "confidence"], bool(f.loc["three_forks_depot", "approximate"])
    ('approximate', True)
    """
    return _features().copy()


def read_outline(
    path: PathLike, *, crs: CRSLike | None = None, layer: str | int | None = None
) -> gpd.GeoDataFrame:
    """Read a published outline (rim, geologic units, ...) into MARS_GEOGRAPHIC.

    Handles every Mars CRS marsgeo accepts, including the planetographic and ellipsoidal IAU
    families and projected maps such as a Transverse Mercator (the projection inferred for
    SIM 3464), and adds geodesic ``area_m2`` and ``perimeter_m`` columns.

    Parameters
    ----------
    path
        A vector file geopandas reads (Shapefile, GeoPackage, GeoJSON, FlatGeobuf).
    crs
        Relabel the file: what its coordinates really are. Needed for Mars GeoJSON tagged
        CRS84; by default the file's own CRS is used and must be a Mars CRS.
    layer
        Layer of a multi-layer file; required when the file has several.

    Returns
    -------
    geopandas.GeoDataFrame
        The file's rows and columns, in MARS_GEOGRAPHIC, plus ``area_m2`` and ``perimeter_m``.

    Raises
    ------
    marsgeo.errors.InputError
        ``path`` is not a path, or ``layer`` not a layer name or number.
    marsgeo.errors.DataFileError
        Missing or unreadable file (named with the fix), several layers and no ``layer``,
        contents GDAL had to drop.
    marsgeo.errors.CRSError
        No CRS, or a non-Mars CRS without ``crs=``.
    marsgeo.errors.CoordinateError
        Coordinates that break marsgeo's coordinate range rule
        (:func:`marsgeo.crs.coordinate_problems`): checked in the file's own CRS, so a
        longitude of 400 or an easting beyond the planet is refused, never wrapped.
    """
    gdf = read_vector(path, crs=crs, layer=layer)
    measures = geodesic_area_perimeter(gdf)
    return gdf.assign(area_m2=measures["area_m2"], perimeter_m=measures["perimeter_m"])
