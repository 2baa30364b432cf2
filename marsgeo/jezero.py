"""Jezero crater geometry: named places, an approximate rim, map extents, users' outlines.

Every feature carries its source (a key of :func:`marsgeo.depot.sources`), its confidence and
an ``approximate`` flag. Areas and perimeters are geodesic on the Mars body. The depot's
centroid and extent derive from the inferred tube positions, so they are approximate.

What is *not* here: a delta outline. No published coordinates for it were available, and an
invented polygon would be presented as more certain than it is; read a published outline
with :func:`read_outline` instead.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, Polygon

from marsgeo._io import PathLike, read_vector
from marsgeo.crs import MARS_GEOGRAPHIC, mars_geod
from marsgeo.depot import load_depot
from marsgeo.distance import geodesic_area_perimeter

__all__ = [
    "JEZERO_CENTRE",
    "JEZERO_RIM_DIAMETER_M",
    "LANDING_SITE",
    "SIM3464_EXTENT",
    "jezero_features",
    "read_outline",
]

#: Octavia E. Butler Landing, where Perseverance landed on 2021-02-18 (lon, lat), confirmed.
LANDING_SITE = (77.45088572, 18.44462715)
#: Jezero crater centre (lon, lat), approximate (IAU gazetteer via secondary copies).
JEZERO_CENTRE = (77.58, 18.38)
#: Jezero rim diameter [m], approximate (NASA "28-mile-wide"; other sources 49-50 km).
JEZERO_RIM_DIAMETER_M = 45_000.0
#: USGS SIM 3464 geologic map extent (west, south, east, north) in degrees, confirmed. The
#: map's projection (Transverse Mercator, central meridian 77.5 E) is inferred, not stated by USGS.
SIM3464_EXTENT = (76.8, 17.7, 77.8, 18.7)

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


@cache
def _features() -> gpd.GeoDataFrame:
    tubes = load_depot()
    hull = shapely.convex_hull(shapely.MultiPoint(list(tubes.geometry)))
    rows: list[tuple[str, dict[str, Any], Any]] = [
        (
            "octavia_e_butler_landing",
            {
                "name": "Octavia E. Butler Landing",
                "kind": "place",
                "source": "landing_site",
                "confidence": "confirmed",
                "approximate": False,
                "note": "Perseverance landing, 2021-02-18; elevation -2569.9 m (areoid)",
            },
            Point(LANDING_SITE),
        ),
        (
            "jezero_crater_centre",
            {
                "name": "Jezero crater centre",
                "kind": "place",
                "source": "iau_gazetteer",
                "confidence": "approximate",
                "approximate": True,
                "note": "IAU gazetteer value via secondary copies",
            },
            Point(JEZERO_CENTRE),
        ),
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
        (
            "jezero_rim",
            {
                "name": "Jezero crater rim (approximate circle)",
                "kind": "outline",
                "source": "nasa_jezero_size; iau_gazetteer",
                "confidence": "approximate",
                "approximate": True,
                "note": "geodesic circle of 45 km diameter about the approximate centre; the real "
                "rim is irregular and sources give 45-50 km; load a published rim with "
                "marsgeo.jezero.read_outline",
            },
            _geodesic_circle(*JEZERO_CENTRE, JEZERO_RIM_DIAMETER_M / 2.0),
        ),
        (
            "usgs_sim3464_extent",
            {
                "name": "USGS SIM 3464 geologic map extent",
                "kind": "extent",
                "source": "usgs_sim3464",
                "confidence": "confirmed",
                "approximate": False,
                "note": "Sun and Stack 2020; the extent is confirmed; the map's projection "
                "(Transverse Mercator, central meridian 77.5 E, k=1, Mars 2000 sphere) is "
                "inferred, not a USGS statement",
            },
            _lonlat_box(*SIM3464_EXTENT),
        ),
    ]
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
    path: PathLike, *, crs: Any = None, layer: str | int | None = None
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
