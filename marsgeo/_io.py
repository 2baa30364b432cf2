"""Reading users' vector files into MARS_GEOGRAPHIC (private)."""

from __future__ import annotations

import math
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
        gdf = gdf.set_crs(recover_authority(file_crs, path=path), allow_override=True)
    return to_mars_geographic(gdf)


def recover_authority(crs: Any, *, path: Any = "file") -> Any:
    """Give back the IAU_2015 code that GPKG / Shapefile / FlatGeobuf drop on the way through.

    Files store the CRS as WKT1, which has no west-positive axes and no spherical coordinate
    system: a CRS of the IAU ellipsoid families (49901, 49902, ...) comes back looking like a
    plain east/north one. The code is recovered by matching (confidence 20 is what PROJ gives
    these); on the ellipsoid, where a wrong guess moves positions by kilometres, a file whose
    code cannot be recovered is refused rather than guessed.
    """
    from pyproj import CRS

    resolved = _as_crs(crs)
    assert resolved is not None
    if resolved.to_authority() is not None:
        return resolved
    found = resolved.to_authority(auth_name="IAU_2015", min_confidence=20)
    if found is not None:
        candidate = CRS.from_authority(*found)
        # a loose match can be another CRS of the family (a TM with another central meridian):
        # accept it only if it differs in nothing but axis definitions
        if _same_except_axes(candidate, resolved):
            return candidate
    ell = resolved.ellipsoid
    if ell is not None and not math.isclose(
        ell.semi_major_metre, ell.semi_minor_metre, rel_tol=1e-12
    ):
        msg = (
            f"path={str(path)!r} is on the Mars ellipsoid, but its file format kept no CRS code "
            "and may have dropped a west-positive or planetocentric axis definition. Pass "
            "crs=... with the CRS the data was written in (e.g. 'IAU_2015:49901')."
        )
        raise CRSError(msg)
    return resolved


def _same_except_axes(a: Any, b: Any) -> bool:
    """Tell whether two CRSs share body, prime meridian and projection, whatever their axes."""
    ea, eb = a.ellipsoid, b.ellipsoid
    if ea is None or eb is None:
        return False
    if not (
        math.isclose(ea.semi_major_metre, eb.semi_major_metre, rel_tol=1e-9)
        and math.isclose(ea.semi_minor_metre, eb.semi_minor_metre, rel_tol=1e-9)
    ):
        return False
    pa, pb = a.prime_meridian, b.prime_meridian
    if (pa.longitude if pa else 0.0) != (pb.longitude if pb else 0.0):
        return False
    if a.is_projected != b.is_projected:
        return False
    if not a.is_projected:
        return True
    oa, ob = a.coordinate_operation, b.coordinate_operation
    if oa is None or ob is None or oa.method_code != ob.method_code:
        return False
    va = {p.code or p.name: p.value for p in oa.params}
    vb = {p.code or p.name: p.value for p in ob.params}
    return va.keys() == vb.keys() and all(math.isclose(va[k], vb[k], abs_tol=1e-9) for k in va)
