"""Reading users' vector files into MARS_GEOGRAPHIC (private)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pyogrio.errors

from marsgeo.crs import _as_crs, _body_of, require_mars_crs, to_mars_geographic
from marsgeo.errors import CRSError, DataFileError

PathLike = str | os.PathLike[str]


def existing_file(path: PathLike, *, name: str = "path") -> Path:
    """Return ``path`` as a Path, or raise DataFileError if it is not a readable file."""
    p = Path(path)
    if not p.exists():
        msg = f"{name}={str(path)!r} does not exist; check the path."
        raise DataFileError(msg)
    if not p.is_file():
        msg = f"{name}={str(path)!r} is not a file; pass the path of a file."
        raise DataFileError(msg)
    return p


def read_vector(path: PathLike, *, crs: Any = None, layer: str | int | None = None) -> Any:
    """Read a vector file (GeoJSON, GeoPackage, Shapefile, FlatGeobuf, ...) in MARS_GEOGRAPHIC.

    ``crs`` *relabels* the data (it says what the coordinates really are); it never reprojects.
    A file labelled with an Earth CRS is refused unless ``crs`` says what it holds, since public
    Mars GeoJSON is routinely tagged CRS84.
    """
    p = existing_file(path)
    try:
        gdf = gpd.read_file(p, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        msg = (
            f"path={str(path)!r} cannot be read as a vector file ({exc}); check the file and layer."
        )
        raise DataFileError(msg) from exc
    if crs is not None:
        gdf = gdf.set_crs(require_mars_crs(crs), allow_override=True)
    elif gdf.crs is None:
        msg = (
            f"path={str(path)!r} has no CRS. If it holds Mars planetocentric longitude/latitude, "
            "pass crs=marsgeo.crs.MARS_GEOGRAPHIC; otherwise pass the Mars CRS it is in."
        )
        raise CRSError(msg)
    else:
        file_crs = _as_crs(gdf.crs)
        assert file_crs is not None
        if _body_of(file_crs) != "Mars":
            msg = (
                f"path={str(path)!r} is labelled {file_crs.to_string()} ({file_crs.name}), not a "
                "Mars CRS. If it holds Mars longitude/latitude (GeoJSON is often tagged CRS84 "
                "whatever it holds), pass crs=marsgeo.crs.MARS_GEOGRAPHIC to relabel it."
            )
            raise CRSError(msg)
        gdf = gdf.set_crs(recover_authority(file_crs), allow_override=True)
    return to_mars_geographic(gdf)


def recover_authority(crs: Any) -> Any:
    """Give back the IAU_2015 code that GPKG / Shapefile / FlatGeobuf drop on the way through."""
    resolved = _as_crs(crs)
    assert resolved is not None
    if resolved.to_authority() is None:
        found = resolved.to_authority(auth_name="IAU_2015", min_confidence=90)
        if found is not None:
            from pyproj import CRS

            return CRS.from_authority(*found)
    return resolved
