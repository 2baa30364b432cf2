"""marsgeo: the Mars Sample Return depot at Three Forks, Jezero crater, as real geodata.

>>> import marsgeo as mg
>>> tubes = mg.load_depot()
>>> round(float(mg.nearest_neighbours(tubes)["distance_m"].max()), 1)
20.1
"""

from __future__ import annotations

import importlib
import sys

# imported on first use (see __getattr__), so that `import marsgeo` is quick; mypy takes any
# name TYPE_CHECKING as true
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

    __version__: str
    from marsgeo import basemap, crs, errors, io, places, routing, sols
    from marsgeo.depot import load_depot, read_tubes, sources, validate_tubes
    from marsgeo.distance import (
        distance_matrix,
        distances_from,
        geodesic_area_perimeter,
        geodesic_distance_m,
        nearest_neighbours,
        pairwise_distances,
        spacing_violations,
    )
    from marsgeo.io import export
    from marsgeo.jezero import jezero_features, read_outline
    from marsgeo.places import read_places, tube_positions_from_places
    from marsgeo.routing import HelicopterSpec, PickupPlan, plan_pickup
    from marsgeo.webmap import depot_map, explore, inline_map, save_map

# Public names and the module each comes from. Nothing heavy (pandas, GDAL, folium) is loaded
# by `import marsgeo` or `import marsgeo.<module>` of a light module: each name is imported
# the first time it is used, so that the command line starts at once and a computation
# module loads only what it needs.
_LAZY = {
    "load_depot": "marsgeo.depot",
    "read_tubes": "marsgeo.depot",
    "sources": "marsgeo.depot",
    "validate_tubes": "marsgeo.depot",
    "distance_matrix": "marsgeo.distance",
    "distances_from": "marsgeo.distance",
    "geodesic_area_perimeter": "marsgeo.distance",
    "geodesic_distance_m": "marsgeo.distance",
    "nearest_neighbours": "marsgeo.distance",
    "pairwise_distances": "marsgeo.distance",
    "spacing_violations": "marsgeo.distance",
    "export": "marsgeo.io",
    "jezero_features": "marsgeo.jezero",
    "read_outline": "marsgeo.jezero",
    "read_places": "marsgeo.places",
    "tube_positions_from_places": "marsgeo.places",
    "HelicopterSpec": "marsgeo.routing",
    "PickupPlan": "marsgeo.routing",
    "plan_pickup": "marsgeo.routing",
    "depot_map": "marsgeo.webmap",
    "explore": "marsgeo.webmap",
    "inline_map": "marsgeo.webmap",
    "save_map": "marsgeo.webmap",
}
_SUBMODULES = (
    "basemap",
    "crs",
    "depot",
    "distance",
    "errors",
    "io",
    "jezero",
    "places",
    "routing",
    "sols",
    "typing",
    "webmap",
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("marsgeo")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def __getattr__(name: str) -> Any:
    """Import a public name or submodule on first use."""
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"marsgeo.{name}")
    msg = f"module 'marsgeo' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    """List the public names, loaded or not."""
    return sorted({*globals(), *__all__, *_SUBMODULES})


__all__ = [
    "HelicopterSpec",
    "PickupPlan",
    "__version__",
    "basemap",
    "crs",
    "depot_map",
    "distance_matrix",
    "distances_from",
    "errors",
    "explore",
    "export",
    "geodesic_area_perimeter",
    "geodesic_distance_m",
    "inline_map",
    "io",
    "jezero_features",
    "load_depot",
    "nearest_neighbours",
    "pairwise_distances",
    "places",
    "plan_pickup",
    "read_outline",
    "read_places",
    "read_tubes",
    "routing",
    "save_map",
    "show_versions",
    "sols",
    "sources",
    "spacing_violations",
    "tube_positions_from_places",
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
    import platform
    from importlib.metadata import PackageNotFoundError, version

    import pyproj
    import rasterio

    info = {
        "marsgeo": _version(),
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
