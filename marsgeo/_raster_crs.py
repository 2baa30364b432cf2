"""The CRS of a raster and of a raster file (private; public names are in :mod:`marsgeo.basemap`).

A GeoTIFF keeps its CRS as GeoTIFF keys, which cannot say that a longitude axis points west or
that a latitude is planetocentric on an ellipsoid. marsgeo therefore writes the exact CRS
(PROJJSON) in the tag :data:`CRS_TAG` and reads it back when the file's own keys still describe
the same body and projection. A file from elsewhere whose CRS lies on the Mars ellipsoid is
ambiguous (its longitudes may run west, its latitudes be planetographic or planetocentric) and
is refused unless ``crs=`` says what it is; only a projected IAU CRS with east and north axes,
named in the file, reads the same either way. GDAL's warper has the same blind spot, so
reprojection refuses CRSs whose axes it would misread (:func:`check_warpable`).
"""

from __future__ import annotations

import math
import warnings
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pyproj
import rasterio.crs

from marsgeo.crs import MARS_SPHERE_RADIUS_M, is_mars_crs, require_mars_crs, to_mars_lonlat
from marsgeo.errors import CRSError, MarsGeoError

if TYPE_CHECKING:
    from rasterio.io import DatasetReader


#: GeoTIFF tag in which marsgeo writes a raster's exact CRS (PROJJSON).
CRS_TAG = "MARSGEO_CRS"


def raster_crs(value: Any, *, name: str) -> pyproj.CRS:
    """Return a Mars CRS a raster can be gridded in (geographic or projected), or raise."""
    try:
        crs = require_mars_crs(value, name=name)
    except MarsGeoError:
        raise
    except (ValueError, TypeError, pyproj.exceptions.CRSError) as exc:  # e.g. obj.crs not a CRS
        msg = (
            f"{name}={value!r} is not a coordinate reference system ({exc}); pass a Mars CRS "
            "such as 'IAU_2015:49900' or marsgeo.crs.MARS_GEOGRAPHIC."
        )
        raise CRSError(msg) from exc
    if not (crs.is_projected or crs.is_geographic or crs.type_name == "Geodetic CRS"):
        msg = (
            f"{name} is {crs.name!r}, a {crs.type_name}; a raster needs a geographic or "
            "projected Mars CRS (e.g. marsgeo.crs.MARS_GEOGRAPHIC or a map projection)."
        )
        raise CRSError(msg)
    if crs.is_compound or (crs.coordinate_system is not None and len(crs.axis_info) != 2):
        msg = (
            f"{name} is {crs.name!r} with {len(crs.axis_info)} axes; a raster needs a 2-D "
            "horizontal Mars CRS (for a compound CRS, pass crs.sub_crs_list[0])."
        )
        raise CRSError(msg)
    return crs


def rio_crs(crs: pyproj.CRS) -> rasterio.crs.CRS:
    """Give the rasterio form of a CRS (through WKT, which keeps everything PROJ knows)."""
    return rasterio.crs.CRS.from_wkt(crs.to_wkt())


# --- what a GeoTIFF's numbers mean ---------------


_LONLAT_AXES = [
    {"name": "Longitude", "abbreviation": "lon", "direction": "east"},
    {"name": "Latitude", "abbreviation": "lat", "direction": "north"},
]


def _gis_order(crs: pyproj.CRS) -> pyproj.CRS:
    """Give the CRS as a GeoTIFF's numbers mean it: east and north axes, geodetic latitude.

    GeoTIFF keys hold no axis definitions, and GDAL reads a file's coordinates in
    "traditional GIS order" (easting or longitude first, growing east and north); a polar
    stereographic CRS's "south, south" axes, for one, are PROJ's plain x and y there.
    """
    d = crs.to_json_dict()
    for key in ("id", "ids"):
        d.pop(key, None)
    if crs.is_projected:
        unit = d["coordinate_system"]["axis"][0].get("unit", "metre")
        d["coordinate_system"] = {
            "subtype": "Cartesian",
            "axis": [
                {"name": "Easting", "abbreviation": "E", "direction": "east", "unit": unit},
                {"name": "Northing", "abbreviation": "N", "direction": "north", "unit": unit},
            ],
        }
        base = d["base_crs"]
    else:
        base = d
    axes = base["coordinate_system"]["axis"]
    units = {a["direction"]: a.get("unit", "degree") for a in axes}
    lon_unit = units.get("east", units.get("west", "degree"))
    lat_unit = units.get("north", units.get("south", "degree"))
    base["type"] = "GeographicCRS"
    base["coordinate_system"] = {
        "subtype": "ellipsoidal",
        "axis": [{**_LONLAT_AXES[0], "unit": lon_unit}, {**_LONLAT_AXES[1], "unit": lat_unit}],
    }
    for key in ("id", "ids"):
        base.pop(key, None)
    return pyproj.CRS.from_json_dict(d)


def reads_as_geotiff(crs: pyproj.CRS, bounds: tuple[float, ...]) -> bool:
    """Tell whether marsgeo reads coordinates in ``crs`` as GDAL and GeoTIFF keys do.

    GDAL takes coordinates as east/north numbers on a geodetic latitude (see
    :func:`_gis_order`); a west-positive longitude, a planetocentric latitude on the
    ellipsoid or meridian-bound polar axes mean something else. Checked at the centre of
    ``bounds`` (left, bottom, right, top) and four points around it, inside the area.
    """
    left, bottom, right, top = bounds
    fx = np.array([0.5, 0.25, 0.75, 0.25, 0.75])
    fy = np.array([0.5, 0.25, 0.25, 0.75, 0.75])
    xs, ys = left + (right - left) * fx, bottom + (top - bottom) * fy
    try:
        with np.errstate(invalid="ignore"):
            lon_m, lat_m = to_mars_lonlat(xs, ys, crs)
            lon_g, lat_g = to_mars_lonlat(xs, ys, _gis_order(crs))
    except (MarsGeoError, pyproj.exceptions.CRSError, KeyError):
        return False
    dlon = np.abs((lon_m - lon_g + 180.0) % 360.0 - 180.0)
    return bool(np.allclose(dlon, 0.0, atol=1e-9) and np.allclose(lat_m, lat_g, atol=1e-9))


# --- the body figure ---------------


def _ellipsoid(crs: pyproj.CRS) -> tuple[float, float, float]:
    ell = crs.ellipsoid
    pm = crs.prime_meridian
    if ell is None:
        return (math.nan, math.nan, math.nan)
    return (ell.semi_major_metre, ell.semi_minor_metre, pm.longitude if pm is not None else 0.0)


def _on_sphere(crs: pyproj.CRS) -> bool:
    a, b, _ = _ellipsoid(crs)
    return math.isclose(a, b, rel_tol=1e-12)


def odd_radius(crs: pyproj.CRS) -> float | None:
    """Return the radius of a sphere CRS that is not the IAU Mars sphere, else None."""
    a, _, _ = _ellipsoid(crs)
    if _on_sphere(crs) and abs(a - MARS_SPHERE_RADIUS_M) > 0.05:
        return a
    return None


def body_note(crs: pyproj.CRS) -> str:
    """Name the body figure a CRS lies on, its radius kept as the CRS gives it.

    A sphere other than the IAU one (e.g. the local radius of a HiRISE DTM) is said to be one:
    marsgeo keeps it, for it is what the file's coordinates were computed on.
    """
    a, b, _ = _ellipsoid(crs)
    if not _on_sphere(crs):
        return f"the Mars ellipsoid a = {a:,.1f} m, b = {b:,.1f} m"
    if odd_radius(crs) is None:
        return f"the Mars sphere R = {a:,.0f} m (IAU 2015)"
    return (
        f"a Mars sphere of radius {a:,.1f} m (the file's own, e.g. a local radius; kept, not "
        f"replaced by the IAU 2015 sphere of {MARS_SPHERE_RADIUS_M:,.0f} m)"
    )


# --- the CRS of a file ---------------


def same_grid_meaning(a: pyproj.CRS, b: pyproj.CRS) -> bool:
    """Tell whether two CRSs give a GeoTIFF's numbers the same meaning, whatever their axes.

    True when both are on the same body and prime meridian and, if projected, project every
    test position to the same easting and northing (so variants of one method agree).
    """
    return _same_grid_meaning(a.to_json(), b.to_json())


@lru_cache(maxsize=256)
def _same_grid_meaning(a_json: str, b_json: str) -> bool:
    a, b = pyproj.CRS.from_json(a_json), pyproj.CRS.from_json(b_json)
    if a.is_projected != b.is_projected:
        return False
    ea, eb = _ellipsoid(a), _ellipsoid(b)
    if not all(math.isclose(u, v, rel_tol=1e-9, abs_tol=1e-9) for u, v in zip(ea, eb, strict=True)):
        return False
    try:
        na, nb = _gis_order(a), _gis_order(b)
    except (pyproj.exceptions.CRSError, KeyError, TypeError):
        return False
    if not a.is_projected:
        units_a = [ax.unit_conversion_factor for ax in na.axis_info]
        units_b = [ax.unit_conversion_factor for ax in nb.axis_info]
        return all(math.isclose(u, v, rel_tol=1e-12) for u, v in zip(units_a, units_b, strict=True))
    lon, lat = np.meshgrid(np.arange(-175.0, 180.0, 15.0), np.arange(-85.0, 90.0, 10.0))
    out = []
    for n in (na, nb):
        base = n.geodetic_crs
        assert base is not None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fwd = pyproj.Transformer.from_crs(base, n, always_xy=True)
            x, y = fwd.transform(lon.ravel(), lat.ravel())
        out.append((np.asarray(x, dtype=float), np.asarray(y, dtype=float)))
    (xa, ya), (xb, yb) = out
    ok_a = np.isfinite(xa) & np.isfinite(ya)
    ok_b = np.isfinite(xb) & np.isfinite(yb)
    if not ok_a.any() or not np.array_equal(ok_a, ok_b):
        return False
    scale = np.maximum(1.0, np.hypot(xa[ok_a], ya[ok_a]))
    return bool((np.hypot(xa[ok_a] - xb[ok_a], ya[ok_a] - yb[ok_a]) <= 1e-9 * scale).all())


@cache
def _iau_names() -> dict[str, str]:
    from pyproj.database import query_crs_info

    return {i.name: i.code for i in query_crs_info(auth_name="IAU_2015") if not i.deprecated}


def _named_iau(crs: pyproj.CRS) -> pyproj.CRS | None:
    """Find the IAU_2015 CRS whose name a file kept, if it means what the file's numbers do."""
    code = _iau_names().get(crs.name)
    if code is None:
        return None
    named = pyproj.CRS.from_authority("IAU_2015", code)
    return named if same_grid_meaning(named, crs) else None


def _frame_fix(crs: pyproj.CRS) -> str:
    """Name CRSs on the same frame that a GeoTIFF holds without loss, for messages."""
    if _on_sphere(crs):
        return "IAU_2015:49900 or IAU_2015:49910"
    return (
        "a Mars sphere CRS (IAU_2015:49900 or 49910) with a tool that knows the raster's true CRS"
    )


def _tag_crs(text: str | None) -> pyproj.CRS | None:
    if not text:
        return None
    try:
        crs = pyproj.CRS.from_json(text)
    except (pyproj.exceptions.CRSError, ValueError, TypeError):
        return None
    return crs if is_mars_crs(crs) else None


def file_crs(ds: DatasetReader, override: Any, name: str) -> pyproj.CRS:
    """Give the CRS of an open raster: ``override``, marsgeo's exact tag, or an unambiguous one.

    Raises
    ------
    marsgeo.errors.CRSError
        No CRS; not a Mars CRS; or a CRS on the Mars ellipsoid without marsgeo's tag, whose
        axis directions and latitude kind the file cannot tell.
    """
    if override is not None:
        return raster_crs(override, name="crs")
    if ds.crs is None:
        msg = (
            f"raster {name!r} has no CRS. If you know it, pass crs=... (e.g. the Mars 2020 "
            "team's marsgeo.crs.M2020_LOCAL_EQC); marsgeo never assumes one."
        )
        raise CRSError(msg)
    found = raster_crs(pyproj.CRS.from_wkt(ds.crs.to_wkt()), name=f"raster {name!r}")
    exact = _tag_crs(ds.tags().get(CRS_TAG))
    if exact is not None and same_grid_meaning(exact, found):
        return raster_crs(exact, name=f"raster {name!r}")
    bounds = tuple(ds.bounds)
    named = _named_iau(found)
    if named is not None and reads_as_geotiff(named, bounds):
        return named
    if _on_sphere(found):
        return found if reads_as_geotiff(found, bounds) else _gis_order(found)
    guess = _iau_names().get(found.name)
    hint = f" (its name is that of IAU_2015:{guess})" if guess else ""
    msg = (
        f"raster {name!r} is in {found.name!r}{hint}, on the Mars ellipsoid; its GeoTIFF keys "
        "cannot say whether longitudes run east or west, nor whether latitudes are "
        "planetocentric or planetographic, so reading it could put every pixel kilometres "
        "from where it belongs. Pass crs=... with the CRS it was written in (e.g. "
        f"crs='IAU_2015:{guess or '49901'}'), or reproject it to {_frame_fix(found)}."
    )
    raise CRSError(msg)


# --- what GDAL's warper follows ---------------


def crs_frame(crs: pyproj.CRS) -> tuple[str, float, float]:
    """Name the geographic frame of a CRS: sphere, or ellipsoid plus latitude kind."""
    from marsgeo.crs import latitude_is_ographic

    base = crs.geodetic_crs if crs.is_projected else crs
    assert base is not None and base.ellipsoid is not None
    ell = base.ellipsoid
    if math.isclose(ell.semi_major_metre, ell.semi_minor_metre, rel_tol=1e-12):
        return ("sphere", 0.0, 0.0)
    kind = "ographic" if latitude_is_ographic(base) else "ocentric"
    return (kind, ell.semi_major_metre, ell.semi_minor_metre)


def check_warpable(
    crs: pyproj.CRS, bounds: tuple[float, float, float, float], *, name: str
) -> None:
    """Refuse a CRS whose numbers GDAL's warper would read otherwise than marsgeo does."""
    if not reads_as_geotiff(crs, bounds):
        msg = (
            f"{name} {crs.name!r} has axes GDAL's warper does not follow (a west-positive "
            "longitude, a planetocentric latitude on the ellipsoid, or meridian-bound polar "
            "axes), so a warp would misplace every pixel. Work in a CRS with east and north "
            "axes on the same frame (e.g. IAU_2015:49912 for the planetocentric ellipsoid, a "
            "sphere CRS such as marsgeo.crs.local_crs(lon, lat) for sphere data), or take "
            "values at positions with sample_raster."
        )
        raise CRSError(msg)
