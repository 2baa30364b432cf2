"""marsgeo: the Mars Sample Return depot at Three Forks, Jezero crater, as real geodata.

>>> import marsgeo as mg
>>> tubes = mg.load_depot()
>>> round(float(mg.nearest_neighbours(tubes)["distance_m"].max()), 1)
20.1
"""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import TextIO

from marsgeo import basemap, crs, errors, io, routing, sols
from marsgeo.depot import load_depot, read_tubes, sources, validate_tubes
from marsgeo.distance import (
    distance_matrix,
    geodesic_area_perimeter,
    geodesic_distance_m,
    nearest_neighbours,
    pairwise_distances,
    spacing_violations,
)
from marsgeo.io import export
from marsgeo.jezero import jezero_features, read_outline
from marsgeo.routing import HelicopterSpec, PickupPlan, plan_pickup
from marsgeo.webmap import depot_map, save_map

try:
    __version__ = version("marsgeo")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "HelicopterSpec",
    "PickupPlan",
    "__version__",
    "basemap",
    "crs",
    "depot_map",
    "distance_matrix",
    "errors",
    "export",
    "geodesic_area_perimeter",
    "geodesic_distance_m",
    "io",
    "jezero_features",
    "load_depot",
    "nearest_neighbours",
    "pairwise_distances",
    "plan_pickup",
    "read_outline",
    "read_tubes",
    "routing",
    "save_map",
    "show_versions",
    "sols",
    "sources",
    "spacing_violations",
    "validate_tubes",
    "versions",
]


def versions() -> dict[str, str]:
    """Versions of marsgeo, Python, PROJ, GDAL and the Python dependencies.

    Also reports whether PROJ's database has the IAU 2015 Mars CRSs marsgeo needs.

    Returns
    -------
    dict
        Name -> version string (or "not installed"); key ``IAU_2015 Mars CRSs`` says
        "available" or why not.

    Examples
    --------
    >>> versions()["IAU_2015 Mars CRSs"]
    'available'
    """
    import pyproj
    import rasterio

    info = {
        "marsgeo": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "PROJ": pyproj.proj_version_str,
        "PROJ data": pyproj.datadir.get_data_dir(),
        "GDAL": rasterio.__gdal_version__,
    }
    for dist in (
        "numpy",
        "pandas",
        "shapely",
        "pyproj",
        "geopandas",
        "pyogrio",
        "rasterio",
        "folium",
    ):
        try:
            info[dist] = version(dist)
        except PackageNotFoundError:
            info[dist] = "not installed"
    try:
        for code in ("49900", "49901", "49902", "49910"):
            pyproj.CRS.from_authority("IAU_2015", code)
        info["IAU_2015 Mars CRSs"] = "available"
    except pyproj.exceptions.CRSError as exc:
        info["IAU_2015 Mars CRSs"] = f"MISSING ({exc}); install PROJ >= 8.2 (pyproj >= 3.3)"
    return info


def show_versions(file: TextIO | None = None) -> None:
    """Print :func:`versions`, one per line, for bug reports."""
    out = file if file is not None else sys.stdout
    info = versions()
    width = max(len(k) for k in info)
    for key, value in info.items():
        print(f"{key:<{width}} : {value}", file=out)
