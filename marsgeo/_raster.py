"""Rasters on Mars through rasterio (private; public names are in :mod:`marsgeo.basemap`).

Every raster marsgeo opens must carry a Mars CRS. Areas of interest and points are moved into
the raster's CRS with :func:`marsgeo.crs.from_mars_lonlat` (never a PROJ transformation between
IAU families), and only the blocks a request needs are read.

A GeoTIFF keeps its CRS as GeoTIFF keys, which cannot say that a longitude axis points west or
that a latitude is planetocentric on an ellipsoid. marsgeo therefore writes the exact CRS
(PROJJSON) in the tag :data:`CRS_TAG` and reads it back when the file's own keys still describe
the same body and projection. A file from elsewhere whose CRS lies on the Mars ellipsoid is
ambiguous (its longitudes may run west, its latitudes be planetographic or planetocentric) and
is refused unless ``crs=`` says what it is; only a projected IAU CRS with east and north axes,
named in the file, reads the same either way. GDAL's warper has the same blind spot, so
reprojection refuses CRSs whose axes it would misread.

Every request that would hold more than ``max_pixels`` pixels (default :data:`MAX_PIXELS`) in
memory is refused with :class:`~marsgeo.errors.TooLargeError` before anything is allocated.
"""

from __future__ import annotations

import math
import numbers
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyproj
import rasterio
import rasterio.crs
import rasterio.dtypes
import rasterio.errors
import rasterio.warp
import rasterio.windows
import shapely
from affine import Affine
from rasterio._err import CPLE_BaseError
from rasterio.enums import Resampling
from rasterio.io import DatasetReader

from marsgeo._atomic import atomic_target
from marsgeo._progress import Progress
from marsgeo._validate import check_points, lonlat
from marsgeo.crs import (
    MARS_GEOGRAPHIC,
    from_mars_lonlat,
    is_mars_crs,
    local_crs_around,
    require_mars_crs,
    to_mars_lonlat,
)
from marsgeo.errors import (
    CoordinateError,
    CRSError,
    DataFileError,
    InputError,
    MarsGeoError,
    TooLargeError,
)

if TYPE_CHECKING:
    from marsgeo.typing import AreaLike, CRSLike, PathLike, PointFrame, RasterSource

FloatArray = npt.NDArray[np.float64]

#: GDAL settings for reading cloud-optimised GeoTIFFs over HTTP: no directory listing, no
#: sidecar probing, merged range requests.
COG_ENV = {
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".tif,.tiff,.TIF,.TIFF",
    "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
    "GDAL_HTTP_MULTIPLEX": "YES",
    "VSI_CACHE": "TRUE",
}
#: GDAL block cache while marsgeo reads [bytes]: bounded so windowed work stays small.
GDAL_CACHE_BYTES = 16 * 2**20  # each block is read once: a cache buys nothing
#: Default bound on the pixels one call may hold in memory (400 MB as float32). Functions that
#: would allocate more raise :class:`~marsgeo.errors.TooLargeError`; pass ``max_pixels=`` to
#: allow more in one call.
MAX_PIXELS = 100_000_000
#: GeoTIFF tag in which marsgeo writes a raster's exact CRS (PROJJSON).
CRS_TAG = "MARSGEO_CRS"
#: Lossless GeoTIFF compressions :func:`write_raster` accepts.
COMPRESSIONS = ("deflate", "lzw", "zstd", "lzma", "packbits", "none")
SYNTHETIC_TAG = "MARSGEO_SYNTHETIC"
_RESAMPLING = {r.name: r for r in Resampling}
# a margin this wide is no longer "around" an area of interest [m]
_MAX_MARGIN_M = 1_000_000.0
# pixels handled at a time by strip-wise work (slope, hillshade, synthetic terrain)
STRIP_PIXELS = 2**18


# --- argument checks shared by the raster and terrain modules ---------------


def is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def real_number(
    value: Any,
    *,
    name: str,
    fix: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite float within bounds, or raise InputError naming it.

    Booleans are refused: ``True`` is not a distance.
    """
    if not is_number(value):
        msg = f"{name}={value!r} is not a number; {fix}."
        raise InputError(msg)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        msg = f"{name}={value!r} is not a finite number; {fix}."
        raise InputError(msg)
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        msg = f"{name}={value!r} is out of range; {fix}."
        raise InputError(msg)
    return number


def whole_number(value: Any, *, name: str, fix: str, low: int, high: int | None = None) -> int:
    """Return ``value`` as an int within bounds, or raise InputError naming it."""
    if not isinstance(value, numbers.Integral) or isinstance(value, (bool, np.bool_)):
        msg = f"{name}={value!r} is not a whole number; {fix}."
        raise InputError(msg)
    number = int(value)
    if number < low or (high is not None and number > high):
        msg = f"{name}={value!r} is out of range; {fix}."
        raise InputError(msg)
    return number


def choice(value: Any, *, name: str, options: tuple[str, ...] | list[str]) -> str:
    """Return ``value`` if it is one of ``options`` (strings), or raise InputError naming it."""
    if not isinstance(value, str) or value not in options:
        msg = f"{name}={value!r} is not one of {list(options)}; pass one of them."
        raise InputError(msg)
    return value


def optional_flag(value: Any, *, name: str) -> bool | None:
    """Return ``value`` (None, True or False), or raise InputError naming it."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    msg = f"{name}={value!r} is not True, False or None; pass one of them."
    raise InputError(msg)


def pixel_bound(max_pixels: Any) -> int:
    """Return the pixel bound of a call: ``max_pixels``, or :data:`MAX_PIXELS` for None."""
    if max_pixels is None:
        return MAX_PIXELS
    return whole_number(
        max_pixels, name="max_pixels", fix="pass a whole number of pixels >= 1, or None", low=1
    )


def _count_text(n: int) -> str:
    return f"{n:,}" if n < 10**15 else f"about 10^{len(str(n)) - 1}"


def _bytes_text(n: int) -> str:
    if n >= 1024**6:
        return f"{_count_text(n // 1024**5)} PiB"
    size = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover - the loop always returns


def check_pixels(
    rows: int, cols: int, *, itemsize: int, max_pixels: int, what: str, alternative: str
) -> None:
    """Refuse, before allocating it, an array of ``rows x cols`` beyond ``max_pixels``.

    The message gives the size in pixels and bytes and the ``alternative`` (a window, a
    coarser resolution, ...).
    """
    pixels = int(rows) * int(cols)
    if pixels > max_pixels:
        msg = (
            f"{what} would be {_count_text(int(cols))} x {_count_text(int(rows))} px "
            f"({_count_text(pixels)} px, "
            f"{_bytes_text(pixels * itemsize)} in memory), more than max_pixels={max_pixels:,}. "
            f"{alternative}; or pass max_pixels= to allow more."
        )
        raise TooLargeError(msg)


def as_raster(value: Any, *, name: str) -> Raster:
    """Return ``value`` if it is a :class:`Raster`, or raise InputError naming it."""
    if not isinstance(value, Raster):
        msg = (
            f"{name} must be a marsgeo Raster (from read_raster, load_dtm or synthetic_dtm), "
            f"got {type(value).__name__}; read files with marsgeo.basemap.read_raster(path)."
        )
        raise InputError(msg)
    return value


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


# --- the raster ---------------


@dataclass(frozen=True)
class Raster:
    """A georeferenced 2-D array on Mars.

    Attributes
    ----------
    data
        2-D numpy array of numbers (bool, integer or float), row 0 at the north (top). Float
        rasters hold NaN where there is no data.
    transform
        Affine pixel -> CRS transform (north-up: no rotation), with non-zero pixel sizes.
    crs
        A Mars CRS (:class:`pyproj.CRS`).
    nodata
        The value written for "no data" in files (NaN in ``data`` for float rasters).
    name
        What it is, e.g. "elevation", "slope".
    units
        Units of the values, e.g. "m", "deg", "" for images.
    synthetic
        True for terrain generated by marsgeo: never a measurement.
    description
        Provenance in words; written to the GeoTIFF.
    tags
        Further text tags (name -> value), written to the GeoTIFF.

    Raises
    ------
    marsgeo.errors.InputError
        Data that is not a non-empty 2-D numeric array, a transform that is not a finite,
        north-up :class:`affine.Affine` with non-zero pixel sizes, or fields of the wrong type.
    marsgeo.errors.CRSError
        A CRS that is missing or not a geographic or projected Mars CRS.
    """

    data: npt.NDArray[Any]
    transform: Affine
    crs: pyproj.CRS
    nodata: float | None = None
    name: str = ""
    units: str = ""
    synthetic: bool = False
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        data = self.data
        if not isinstance(data, np.ndarray):
            msg = (
                f"data of type {type(data).__name__} is not an array; a Raster holds a 2-D "
                "numpy array: pass numpy.asarray(values)."
            )
            raise InputError(msg)
        if data.ndim != 2:
            msg = f"data has shape {data.shape}; a Raster holds one 2-D band (rows, columns)."
            raise InputError(msg)
        if data.dtype.kind not in "biuf":
            msg = (
                f"data has dtype {data.dtype}; a Raster holds numbers (bool, integer or "
                "float): convert it with data.astype('float32')."
            )
            raise InputError(msg)
        if 0 in data.shape:
            msg = f"data has shape {data.shape}; a Raster needs at least one row and one column."
            raise InputError(msg)
        t = self.transform
        if not isinstance(t, Affine):
            msg = (
                f"transform={t!r} is not an affine.Affine; pass e.g. Affine(pixel_width, 0, "
                "left, 0, -pixel_height, top)."
            )
            raise InputError(msg)
        if not all(math.isfinite(v) for v in t[:6]):
            msg = f"transform={t!r} holds NaN or infinite values; pass finite coefficients."
            raise InputError(msg)
        if t.b != 0 or t.d != 0:
            msg = "transform is rotated or sheared; marsgeo handles north-up rasters only."
            raise InputError(msg)
        if t.a == 0 or t.e == 0:
            msg = (
                f"transform has pixel size ({t.a!r}, {t.e!r}); pixel width and height must be "
                "non-zero (e.g. Affine(2.0, 0, left, 0, -2.0, top) for 2 m pixels)."
            )
            raise InputError(msg)
        object.__setattr__(self, "crs", raster_crs(self.crs, name="raster crs"))
        object.__setattr__(self, "nodata", _check_nodata(self.nodata, data.dtype))
        for attr in ("name", "units", "description"):
            if not isinstance(getattr(self, attr), str):
                msg = f"{attr}={getattr(self, attr)!r} is not text; pass a str."
                raise InputError(msg)
        if not isinstance(self.synthetic, (bool, np.bool_)):
            msg = f"synthetic={self.synthetic!r} is not True or False; pass a bool."
            raise InputError(msg)
        object.__setattr__(self, "synthetic", bool(self.synthetic))
        tags = self.tags
        if not isinstance(tags, dict) or not all(
            isinstance(k, str) and k and "=" not in k and isinstance(v, str)
            for k, v in tags.items()
        ):
            msg = (
                "tags must be a dict of text names (without '=') to text values, e.g. "
                "{'SOURCE': 'HiRISE DTM'}."
            )
            raise InputError(msg)
        object.__setattr__(self, "tags", dict(tags))  # a caller's dict is not shared

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return (int(self.data.shape[0]), int(self.data.shape[1]))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in the raster's CRS."""
        h, w = self.shape
        (left, right), (top, bottom) = pixel_xy(self.transform, [0, w], [0, h])
        return (min(left, right), min(top, bottom), max(left, right), max(top, bottom))

    @property
    def resolution(self) -> tuple[float, float]:
        """Pixel size (x, y) in CRS units, positive."""
        return (abs(self.transform.a), abs(self.transform.e))

    def lonlat_bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in MARS_GEOGRAPHIC degrees, from the densified edges."""
        return _lonlat_bounds(self.bounds, self.crs)

    def xy_lonlat(self) -> tuple[FloatArray, FloatArray]:
        """MARS_GEOGRAPHIC longitude and latitude of every pixel centre, each of ``shape``."""
        h, w = self.shape
        cols, rows = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
        x, y = pixel_xy(self.transform, cols, rows)
        lon, lat = to_mars_lonlat(np.ravel(x), np.ravel(y), self.crs, check=False)
        return lon.reshape(h, w), lat.reshape(h, w)

    def with_data(self, data: npt.NDArray[Any], **changes: Any) -> Raster:
        """Return a Raster on the same grid with new values (and any other field changed)."""
        return replace(self, data=data, **changes)

    def masked(self) -> np.ma.MaskedArray[Any, Any]:
        """Return the data as a masked array (NaN and ``nodata`` masked)."""
        return np.ma.MaskedArray(self.data, mask=no_data_cells(self.data, self.nodata))

    def __repr__(self) -> str:
        flag = " SYNTHETIC" if self.synthetic else ""
        return (
            f"<Raster{flag} {self.name or 'values'} [{self.units}] {self.shape[1]}x"
            f"{self.shape[0]} px of {self.resolution[0]:g} {self.crs.axis_info[0].unit_name}, "
            f"crs={self.crs.name!r}>"
        )


def _check_nodata(nodata: Any, dtype: np.dtype[Any]) -> float | None:
    if nodata is None:
        return None
    if not is_number(nodata):
        msg = f"nodata={nodata!r} is not a number; pass a number the data type can hold, or None."
        raise InputError(msg)
    value = float(nodata)
    if dtype.kind in "biu":
        info = np.iinfo(np.uint8 if dtype.kind == "b" else dtype)
        if not (math.isfinite(value) and value.is_integer() and info.min <= value <= info.max):
            msg = (
                f"nodata={nodata!r} cannot be held by {dtype} data (whole numbers "
                f"{info.min}..{info.max}); pass one of those, or None."
            )
            raise InputError(msg)
    elif math.isfinite(value) and abs(value) > float(np.finfo(dtype).max):
        msg = f"nodata={nodata!r} is beyond the range of {dtype}; pass a smaller value or NaN."
        raise InputError(msg)
    return value


def no_data_cells(values: npt.NDArray[Any], nodata: float | None) -> npt.NDArray[np.bool_]:
    """Cells without data: NaN, or equal to ``nodata``."""
    mask = np.zeros(values.shape, dtype=bool)
    if values.dtype.kind == "f":
        mask |= np.isnan(values)
    if nodata is not None and not math.isnan(nodata):
        mask |= values == nodata
    return mask


def pixel_xy(transform: Affine, cols: Any, rows: Any) -> tuple[FloatArray, FloatArray]:
    """CRS coordinates of (fractional) pixel positions; 0.5 is a pixel centre."""
    c = np.asarray(cols, dtype=float)
    r = np.asarray(rows, dtype=float)
    x = transform.c + transform.a * c + transform.b * r
    y = transform.f + transform.d * c + transform.e * r
    return x, y


def _window_transform(t: Affine, window: rasterio.windows.Window) -> Affine:
    """Compute the transform of a window (rasterio's helper warns under affine >= 3.1)."""
    c, r = float(window.col_off), float(window.row_off)
    return Affine(t.a, t.b, t.c + t.a * c + t.b * r, t.d, t.e, t.f + t.d * c + t.e * r)


def row_offset(t: Affine, rows: int) -> Affine:
    """Shift a transform to start ``rows`` rows further down the same grid."""
    return Affine(t.a, t.b, t.c + t.b * rows, t.d, t.e, t.f + t.e * rows)


def rio_crs(crs: pyproj.CRS) -> rasterio.crs.CRS:
    """Give the rasterio form of a CRS (through WKT, which keeps everything PROJ knows)."""
    return rasterio.crs.CRS.from_wkt(crs.to_wkt())


def _box_outline(
    left: float, bottom: float, right: float, top: float, n: int
) -> tuple[FloatArray, FloatArray]:
    """Points along a box's four edges, ``n`` per edge: a box stays exact in another CRS."""
    t = np.linspace(0.0, 1.0, n)
    xs = np.concatenate(
        [left + (right - left) * t, np.full(n, right), right - (right - left) * t, np.full(n, left)]
    )
    ys = np.concatenate(
        [np.full(n, bottom), bottom + (top - bottom) * t, np.full(n, top), top - (top - bottom) * t]
    )
    return xs, ys


def _lonlat_bounds(
    bounds: tuple[float, float, float, float], crs: pyproj.CRS, n: int = 21
) -> tuple[float, float, float, float]:
    left, bottom, right, top = bounds
    xs, ys = _box_outline(left, bottom, right, top, n)
    lon, lat = to_mars_lonlat(xs, ys, crs)
    return (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))


# --- the CRS of a file ---------------

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


def _ellipsoid(crs: pyproj.CRS) -> tuple[float, float, float]:
    ell = crs.ellipsoid
    pm = crs.prime_meridian
    if ell is None:
        return (math.nan, math.nan, math.nan)
    return (ell.semi_major_metre, ell.semi_minor_metre, pm.longitude if pm is not None else 0.0)


def _on_sphere(crs: pyproj.CRS) -> bool:
    a, b, _ = _ellipsoid(crs)
    return math.isclose(a, b, rel_tol=1e-12)


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


# --- sources ---------------


def _source_name(source: Any) -> str:
    return str(getattr(source, "name", source))


def _is_url(source: Any) -> bool:
    return isinstance(source, str) and source.split("://", 1)[0] in ("http", "https", "s3", "gs")


def _check_source(source: Any, *, name: str = "source") -> None:
    if isinstance(source, DatasetReader):
        return
    if isinstance(source, Raster):
        msg = (
            f"{name} is a Raster already in memory; this function reads files. Pass the "
            "Raster to sample_raster or the terrain functions directly."
        )
        raise InputError(msg)
    if not isinstance(source, (str, os.PathLike)) or (isinstance(source, str) and not source):
        msg = (
            f"{name}={source!r} is not a raster; pass the path of a GeoTIFF, an https:// URL of "
            "a cloud-optimised GeoTIFF, or an open rasterio dataset."
        )
        raise InputError(msg)


def _gdal_message(exc: BaseException) -> str:
    """GDAL's own words for a failure: rasterio hides them in the exception chain."""
    parts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 6:
        text = str(seen).strip()
        if text and "See previous exception" not in text and text not in parts:
            parts.append(text)
        seen = seen.__cause__ or seen.__context__
    return "; ".join(parts) or type(exc).__name__


@contextmanager
def _env(source: Any) -> Iterator[None]:
    options: dict[str, Any] = {"GDAL_CACHEMAX": GDAL_CACHE_BYTES}
    if _is_url(source):
        options.update(COG_ENV)
    with rasterio.Env(**options):
        yield


def _check_open(ds: DatasetReader, name: str, crs: Any) -> None:
    ds.mars_crs = file_crs(ds, crs, name)
    t = ds.transform
    if t.b != 0 or t.d != 0:
        msg = (
            f"raster {name!r} is rotated or sheared; marsgeo reads north-up rasters "
            "only. Warp it north-up first (gdalwarp)."
        )
        raise DataFileError(msg)
    if t.a == 0 or t.e == 0 or t == Affine.identity():
        msg = (
            f"raster {name!r} has no geotransform (pixel positions are unknown); give it one "
            "(e.g. gdal_edit.py -a_ullr), or warp a raster georeferenced by control points "
            "with gdalwarp first."
        )
        raise DataFileError(msg)


@contextmanager
def open_raster(
    source: PathLike | DatasetReader, *, crs: CRSLike | None = None
) -> Iterator[DatasetReader]:
    """Open a GeoTIFF (path or cloud-optimised GeoTIFF URL) and check that it is on Mars.

    The CRS is taken from ``crs=``, else from the exact CRS marsgeo writes in its tag
    :data:`CRS_TAG`, else from the GeoTIFF keys when they are unambiguous (on the Mars sphere,
    or a projected IAU ellipsoid CRS with east and north axes named in the file).

    Parameters
    ----------
    source
        A path, an ``http(s)://`` URL of a cloud-optimised GeoTIFF, or an open rasterio dataset.
    crs
        The raster's CRS if the file lacks one or its own is ambiguous (it relabels; it never
        reprojects).

    Yields
    ------
    rasterio.io.DatasetReader
        With attribute ``mars_crs`` (:class:`pyproj.CRS`) set.

    Raises
    ------
    marsgeo.errors.DataFileError
        Missing, unreadable, corrupt or unreachable file, or one without georeferencing.
    marsgeo.errors.CRSError
        No CRS (and no ``crs=``), a CRS that is not Mars, or an ambiguous CRS on the Mars
        ellipsoid.
    """
    _check_source(source)
    if isinstance(source, DatasetReader):
        if source.closed:
            msg = f"dataset {source.name!r} is closed; pass an open dataset or a path."
            raise InputError(msg)
        _check_open(source, _source_name(source), crs)
        yield source
        return
    name = os.fspath(source)
    if not _is_url(name) and not name.startswith("/vsi"):
        p = Path(name)
        if not p.exists():
            msg = f"raster {name!r} does not exist; check the path."
            raise DataFileError(msg)
        if p.is_dir():
            msg = f"raster {name!r} is a folder; pass the path of a GeoTIFF."
            raise DataFileError(msg)
        if not os.access(p, os.R_OK):
            msg = (
                f"raster {name!r} cannot be read: permission denied. Check the file's "
                "permissions (e.g. chmod a+r) or read it as a user who may."
            )
            raise DataFileError(msg)
    with _env(source):
        try:
            with warnings.catch_warnings():
                # a file without georeferencing is refused below with a clear message
                warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
                ds = rasterio.open(name)
        except (rasterio.errors.RasterioIOError, OSError) as exc:
            msg = (
                f"raster {name!r} cannot be opened ({_gdal_message(exc)}); check that it is a "
                "readable GeoTIFF, not truncated or corrupt (write or download it again)."
            )
            raise DataFileError(msg) from exc
        with ds:
            _check_open(ds, name, crs)
            yield ds


def read_block(ds: DatasetReader, band: int, window: rasterio.windows.Window) -> npt.NDArray[Any]:
    """Read a window of a band; a GDAL failure becomes DataFileError naming file and blocks."""
    try:
        data: npt.NDArray[Any] = ds.read(band, window=window)
    except rasterio.errors.RasterioIOError as exc:
        bh, bw = ds.block_shapes[band - 1]
        r0, c0 = int(window.row_off), int(window.col_off)
        r1, c1 = r0 + int(window.height) - 1, c0 + int(window.width) - 1
        msg = (
            f"raster {ds.name!r} cannot be read in rows {r0}..{r1}, columns {c0}..{c1} "
            f"(blocks rows {r0 // bh}..{r1 // bh}, columns {c0 // bw}..{c1 // bw}): "
            f"{_gdal_message(exc)}. The file is truncated or corrupt; write or download it "
            "again (gdalinfo -checksum finds the damaged blocks)."
        )
        raise DataFileError(msg) from exc
    return data


# --- areas of interest ---------------


def _aoi_lonlat(aoi: Any) -> tuple[FloatArray, FloatArray]:
    """All vertex longitudes and latitudes of an area of interest, in MARS_GEOGRAPHIC."""
    if isinstance(aoi, (gpd.GeoDataFrame, gpd.GeoSeries)):
        from marsgeo.crs import to_mars_geographic

        geoms = to_mars_geographic(aoi)
        geoms = geoms.geometry if hasattr(geoms, "geometry") else geoms
        xy = shapely.get_coordinates(np.asarray(geoms.values, dtype=object))
    elif isinstance(aoi, shapely.Geometry):
        xy = shapely.get_coordinates(aoi)
    elif isinstance(aoi, (tuple, list, np.ndarray)) and len(aoi) == 4:
        if not all(is_number(v) for v in aoi):
            msg = (
                f"aoi={aoi!r} is not (west, south, east, north) in degrees; pass four numbers "
                "(planetocentric, east longitude)."
            )
            raise InputError(msg)
        w, s, e, n = (float(v) for v in aoi)
        if not all(math.isfinite(v) for v in (w, s, e, n)):
            msg = f"aoi={aoi!r} holds NaN or infinite values; pass finite degrees."
            raise CoordinateError(msg)
        if not (w < e and s < n):
            msg = f"aoi={aoi!r} is not (west, south, east, north) with west < east, south < north."
            raise InputError(msg)
        xy = np.array([[w, s], [e, s], [e, n], [w, n]])
    else:
        msg = (
            f"aoi of type {type(aoi).__name__} is not an area; pass a GeoDataFrame/GeoSeries in "
            "a Mars CRS, a shapely geometry in MARS_GEOGRAPHIC, or (west, south, east, north)."
        )
        raise InputError(msg)
    if len(xy) == 0 or not np.isfinite(xy).all() or (np.abs(xy[:, 1]) > 90).any():
        msg = "aoi has no coordinates, or NaN / out-of-range ones; pass a valid area."
        raise CoordinateError(msg)
    if (np.abs(xy[:, 0]) > 360).any():
        msg = "aoi has longitudes beyond -360..360 degrees; pass longitude first, in degrees."
        raise CoordinateError(msg)
    return xy[:, 0], xy[:, 1]


def aoi_bounds_in(crs: pyproj.CRS, aoi: Any, *, margin_m: float = 0.0) -> tuple[float, ...]:
    """Bounds (left, bottom, right, top) in ``crs`` of an area of interest plus a margin."""
    margin_m = real_number(
        margin_m,
        name="margin_m",
        fix=f"pass a distance in metres from 0 to {_MAX_MARGIN_M:,.0f}",
        low=0.0,
        high=_MAX_MARGIN_M,
    )
    lon, lat = _aoi_lonlat(aoi)
    # the margin is applied in a local metric CRS at the area's centre, then carried over
    local = local_crs_around(lon, lat)
    to_local = pyproj.Transformer.from_crs(MARS_GEOGRAPHIC, local, always_xy=True)
    from_local = pyproj.Transformer.from_crs(local, MARS_GEOGRAPHIC, always_xy=True)
    x, y = to_local.transform(lon, lat)
    left, right = float(np.min(x)) - margin_m, float(np.max(x)) + margin_m
    bottom, top = float(np.min(y)) - margin_m, float(np.max(y)) + margin_m
    ex, ey = _box_outline(left, bottom, right, top, 21)
    elon, elat = from_local.transform(ex, ey)
    elat = np.clip(elat, -90.0, 90.0)
    rx, ry = from_mars_lonlat(elon, elat, crs)
    if not (np.isfinite(rx).all() and np.isfinite(ry).all()):
        msg = (
            f"aoi with margin_m={margin_m:g} reaches beyond where {crs.name!r} is defined; "
            "pass a smaller area or margin."
        )
        raise CoordinateError(msg)
    return (float(np.min(rx)), float(np.min(ry)), float(np.max(rx)), float(np.max(ry)))


# --- reading ---------------


def _raster_from(ds: DatasetReader, data: npt.NDArray[Any], transform: Affine, band: int) -> Raster:
    tags = {k: str(v) for k, v in ds.tags().items() if k != CRS_TAG}
    band_tags = ds.tags(band)
    nodata = ds.nodata
    if nodata is not None and data.dtype.kind == "f" and not math.isnan(nodata):
        data[data == nodata] = np.nan  # data is this call's own array
    desc = tags.get("DESCRIPTION", "") or (ds.descriptions[band - 1] or "")
    return Raster(
        data=data,
        transform=transform,
        crs=ds.mars_crs,
        nodata=nodata,
        name=band_tags.get("NAME", "") or (ds.descriptions[band - 1] or ""),
        units=ds.units[band - 1] or band_tags.get("UNITS", ""),
        synthetic=tags.get(SYNTHETIC_TAG, "").lower() == "yes",
        description=desc,
        tags=tags,
    )


def _check_band(ds: DatasetReader, band: Any) -> int:
    if (
        isinstance(band, (bool, np.bool_))
        or not isinstance(band, numbers.Integral)
        or not 1 <= int(band) <= ds.count
    ):
        msg = f"band={band!r} is not a band of {ds.name!r}, which has bands 1..{ds.count}."
        raise InputError(msg)
    return int(band)


def read_window(
    ds: DatasetReader,
    *,
    aoi: Any,
    margin_m: float,
    band: int,
    progress: bool | None,
    max_pixels: int,
) -> tuple[Raster, rasterio.windows.Window]:
    """Read the window of an open raster around ``aoi``; also return the window itself."""
    band = _check_band(ds, band)
    full = rasterio.windows.Window(0, 0, ds.width, ds.height)
    if aoi is None:
        window = full
    else:
        left, bottom, right, top = aoi_bounds_in(ds.mars_crs, aoi, margin_m=margin_m)
        wanted = rasterio.windows.from_bounds(left, bottom, right, top, ds.transform)
        # whole pixels covering the area: floor the start, ceil the end (rounding the
        # length on its own would drop the last row and column)
        c0, r0 = math.floor(wanted.col_off), math.floor(wanted.row_off)
        c1 = math.ceil(wanted.col_off + wanted.width)
        r1 = math.ceil(wanted.row_off + wanted.height)
        c0, c1 = max(c0, 0), min(c1, ds.width)
        r0, r1 = max(r0, 0), min(r1, ds.height)
        if c1 - c0 < 1 or r1 - r0 < 1:
            have = _lonlat_bounds(tuple(ds.bounds), ds.mars_crs)
            want = _lonlat_bounds((left, bottom, right, top), ds.mars_crs)
            msg = (
                f"aoi (lon/lat {_fmt_bounds(want)}) lies outside raster {ds.name!r} "
                f"(lon/lat {_fmt_bounds(have)}); pass an area the raster covers."
            )
            raise InputError(msg)
        window = rasterio.windows.Window(c0, r0, c1 - c0, r1 - r0)
    dtype = np.dtype(ds.dtypes[band - 1])
    check_pixels(
        int(window.height),
        int(window.width),
        itemsize=dtype.itemsize,
        max_pixels=max_pixels,
        what=f"reading {'all of' if aoi is None else 'the window of'} raster {ds.name!r}",
        alternative=(
            "Pass aoi= (e.g. the tubes) to read only the area you need, or use sample_raster "
            "for values at points"
        ),
    )
    data = _read_window(ds, band, window, progress=progress)
    raster = _raster_from(ds, data, _window_transform(ds.transform, window), band)
    return raster, window


def read_raster(
    source: RasterSource,
    *,
    aoi: AreaLike | None = None,
    margin_m: float = 0.0,
    band: int = 1,
    crs: CRSLike | None = None,
    progress: bool | None = None,
    max_pixels: int | None = None,
) -> Raster:
    """Read a band of a GeoTIFF, only the window around an area of interest.

    Parameters
    ----------
    source
        Path, cloud-optimised GeoTIFF URL, or open rasterio dataset.
    aoi
        The area to read: a GeoDataFrame/GeoSeries in a Mars CRS (e.g. the tubes), a shapely
        geometry or (west, south, east, north) in MARS_GEOGRAPHIC. None reads the whole band.
    margin_m
        Ground distance [m] added around the area of interest (0 to 1 000 000).
    band
        Band number, from 1.
    crs
        The raster's CRS if the file has none, or if its own is ambiguous.
    progress
        Show a progress bar (default: on a terminal, for large windows).
    max_pixels
        Refuse windows of more pixels than this (default :data:`MAX_PIXELS`).

    Returns
    -------
    Raster
        The window, in the raster's own CRS; float bands hold NaN for nodata.

    Raises
    ------
    marsgeo.errors.DataFileError, marsgeo.errors.CRSError
        See :func:`open_raster`; also a block that cannot be read (truncated or corrupt file).
    marsgeo.errors.InputError
        A bad argument, or an area of interest that does not overlap the raster (the message
        gives both extents).
    marsgeo.errors.TooLargeError
        The window holds more than ``max_pixels`` pixels (the message gives its size).
    """
    progress = optional_flag(progress, name="progress")
    bound = pixel_bound(max_pixels)
    if aoi is not None:
        _aoi_lonlat(aoi)  # a bad area is refused before any file is opened
    real_number(
        margin_m,
        name="margin_m",
        fix=f"pass a distance in metres from 0 to {_MAX_MARGIN_M:,.0f}",
        low=0.0,
        high=_MAX_MARGIN_M,
    )
    with open_raster(source, crs=crs) as ds, _env(source):
        raster, _ = read_window(
            ds, aoi=aoi, margin_m=margin_m, band=band, progress=progress, max_pixels=bound
        )
        return raster


def _fmt_bounds(b: tuple[float, float, float, float]) -> str:
    return f"W {b[0]:.5f} S {b[1]:.5f} E {b[2]:.5f} N {b[3]:.5f}"


def _read_window(
    ds: DatasetReader, band: int, window: rasterio.windows.Window, *, progress: bool | None
) -> npt.NDArray[Any]:
    """Read a window in strips of whole block rows, with a progress bar for big windows."""
    bh = ds.block_shapes[band - 1][0]
    item = np.dtype(ds.dtypes[band - 1]).itemsize
    strip = max(bh, (8 * 2**20) // max(1, int(window.width) * item))
    strip = max(bh, (strip // bh) * bh)
    out = np.empty((int(window.height), int(window.width)), dtype=ds.dtypes[band - 1])
    starts = list(range(0, int(window.height), strip))
    show = progress if progress is not None else (None if len(starts) > 8 else False)
    with Progress(len(starts), f"reading {Path(ds.name).name}", enabled=show) as bar:
        for r0 in starts:
            h = min(strip, int(window.height) - r0)
            sub = rasterio.windows.Window(window.col_off, window.row_off + r0, window.width, h)
            out[r0 : r0 + h] = read_block(ds, band, sub)
            bar.update()
    return out


# --- sampling ---------------


def _points_rowcol(
    checked: gpd.GeoDataFrame, crs: pyproj.CRS, transform: Affine
) -> tuple[pd.Index, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Rows and columns of points already checked (:func:`check_points`) on a grid."""
    lon, lat = lonlat(checked)
    x, y = from_mars_lonlat(lon, lat, crs)
    # north-up grids only (checked on open): invert the axis-aligned transform directly
    col = (x - transform.c) / transform.a
    row = (y - transform.f) / transform.e
    # points the CRS cannot hold (NaN) or far off the grid are simply outside
    far = 2.0**62
    col = np.where(np.isfinite(col), np.clip(col, -far, far), -1.0)
    row = np.where(np.isfinite(row), np.clip(row, -far, far), -1.0)
    return checked.index, np.floor(row).astype(np.int64), np.floor(col).astype(np.int64)


def _outside(
    ids: pd.Index,
    inside: npt.NDArray[np.bool_],
    outside: str,
    where: str,
    bounds: tuple[float, float, float, float],
) -> None:
    if outside == "raise" and not inside.all():
        bad = ids[~inside]
        shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        msg = (
            f"points {shown}{more} lie outside raster {where} (lon/lat {_fmt_bounds(bounds)}); "
            "pass outside='nan' to get NaN for them, or use a raster that covers them."
        )
        raise InputError(msg)


def sample_raster(
    source: RasterSource | Raster,
    points: PointFrame,
    *,
    band: int = 1,
    outside: str = "raise",
    crs: CRSLike | None = None,
    progress: bool | None = None,
) -> pd.Series:
    """Values of a raster at points (e.g. elevation under each tube).

    Reads only the blocks that hold points, one at a time, with GDAL's cache bounded, so
    memory stays small for any raster size.

    Parameters
    ----------
    source
        A :class:`Raster`, a path, a COG URL or an open rasterio dataset.
    points
        GeoDataFrame/GeoSeries of Points in a Mars CRS.
    band
        Band number, from 1 (files only).
    outside
        "raise" (default): points off the raster are an error. "nan": they get NaN.
    crs
        The raster's CRS if the file has none, or if its own is ambiguous.
    progress
        Show a progress bar (default: on a terminal, for many blocks).

    Returns
    -------
    pandas.Series
        Float values indexed like ``points``; NaN for nodata (and outside, with "nan").
    """
    choice(outside, name="outside", options=("raise", "nan"))
    progress = optional_flag(progress, name="progress")
    if isinstance(source, Raster):
        ids, row, col = _points_rowcol(
            check_points(points, name="points"), source.crs, source.transform
        )
        h, w = source.shape
        inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)
        _outside(ids, inside, outside, f"{source.name or 'in memory'}", source.lonlat_bounds())
        values = np.full(len(ids), np.nan)
        picked = source.data[row[inside], col[inside]]
        vals = picked.astype(float)
        vals[no_data_cells(picked, source.nodata)] = np.nan
        values[inside] = vals
        return pd.Series(values, index=ids, name=source.name or "value")
    _check_source(source)
    checked = check_points(points, name="points")
    with open_raster(source, crs=crs) as ds, _env(source):
        band = _check_band(ds, band)
        ids, row, col = _points_rowcol(checked, ds.mars_crs, ds.transform)
        inside = (row >= 0) & (row < ds.height) & (col >= 0) & (col < ds.width)
        _outside(ids, inside, outside, repr(ds.name), _lonlat_bounds(tuple(ds.bounds), ds.mars_crs))
        values = np.full(len(ids), np.nan)
        bh, bw = ds.block_shapes[band - 1]
        # read chunks of whole blocks of about 4 MB, each once
        item = np.dtype(ds.dtypes[band - 1]).itemsize
        budget = 4 * 2**20 // item
        ch = bh * max(1, int(math.sqrt(budget) // bh))
        cw = bw * max(1, int(math.sqrt(budget) // bw))
        if bh == 1:  # stripped file: rows of (at most) the budget's width
            cw = min(ds.width, budget)
            ch = max(1, budget // cw)
        idx = np.nonzero(inside)[0]
        key = (row[idx] // ch) * (ds.width // cw + 1) + col[idx] // cw
        order = np.argsort(key, kind="stable")
        idx, key = idx[order], key[order]
        cuts = np.nonzero(np.diff(key))[0] + 1
        groups = np.split(idx, cuts) if len(idx) else []
        nodata = ds.nodata
        show = progress if progress is not None else (None if len(groups) > 16 else False)
        with Progress(len(groups), f"sampling {Path(ds.name).name}", enabled=show) as bar:
            for g in groups:
                r0 = int(row[g[0]] // ch * ch)
                c0 = int(col[g[0]] // cw * cw)
                win = rasterio.windows.Window(
                    c0, r0, min(cw, ds.width - c0), min(ch, ds.height - r0)
                )
                block = read_block(ds, band, win)
                vals = block[row[g] - r0, col[g] - c0].astype(float)
                if nodata is not None:
                    vals[vals == nodata] = np.nan
                values[g] = vals
                bar.update()
        name = ds.descriptions[band - 1] or "value"
        return pd.Series(values, index=ids, name=name)


# --- reprojection ---------------


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


def _resolution(value: Any) -> tuple[float, float] | None:
    fix = "pass a pixel size > 0 in the target CRS's units, a pair (x, y) of them, or None"
    if value is None:
        return None
    if isinstance(value, (tuple, list)) and len(value) == 2:
        x, y = value
    else:
        x = y = value
    return (
        real_number(x, name="resolution", fix=fix, low=0.0, low_open=True),
        real_number(y, name="resolution", fix=fix, low=0.0, low_open=True),
    )


def reproject_raster(
    raster: Raster,
    dst_crs: CRSLike,
    *,
    resolution: float | tuple[float, float] | None = None,
    resampling: str = "bilinear",
    progress: bool | None = None,
    max_pixels: int | None = None,
) -> Raster:
    """Reproject a raster to another Mars CRS (e.g. MARS_GEOGRAPHIC or a local metric CRS).

    Source and target must share a geographic frame: both on a sphere (any radius: the same
    longitude/latitude numbers), or both on the same ellipsoid with the same kind of latitude.
    Between frames PROJ silently "ballparks" (about 12 km off at Jezero), so that is refused.

    Parameters
    ----------
    raster
        The source.
    dst_crs
        Target Mars CRS.
    resolution
        Target pixel size > 0 in target CRS units, or a pair (x, y) (default: chosen by GDAL
        to keep the detail).
    resampling
        A rasterio resampling name: "nearest", "bilinear", "cubic", ...
    progress
        Show a progress bar (default: on a terminal, for large rasters).
    max_pixels
        Refuse results of more pixels than this (default :data:`MAX_PIXELS`).

    Returns
    -------
    Raster
        In ``dst_crs``, same name, units and synthetic flag.

    Raises
    ------
    marsgeo.errors.CRSError
        A target that is not a Mars CRS, or one on another geographic frame.
    marsgeo.errors.InputError
        A bad argument.
    marsgeo.errors.TooLargeError
        The result would hold more than ``max_pixels`` pixels (e.g. a tiny ``resolution``).
    """
    raster = as_raster(raster, name="raster")
    dst = raster_crs(dst_crs, name="dst_crs")
    res = _resolution(resolution)
    choice(resampling, name="resampling", options=sorted(_RESAMPLING))
    progress = optional_flag(progress, name="progress")
    bound = pixel_bound(max_pixels)
    if crs_frame(raster.crs) != crs_frame(dst):
        msg = (
            f"cannot reproject from {raster.crs.name!r} to {dst.name!r}: they sit on different "
            "geographic frames (sphere vs ellipsoid, or planetographic vs planetocentric), "
            "between which PROJ shifts positions by kilometres. Choose a target on the "
            "raster's own frame (for the Mars sphere: marsgeo.crs.MARS_GEOGRAPHIC or "
            "marsgeo.crs.local_crs(lon, lat))."
        )
        raise CRSError(msg)
    check_warpable(raster.crs, raster.bounds, name="raster crs")
    lon, lat = to_mars_lonlat(*_box_outline(*raster.bounds, 21), raster.crs)
    with np.errstate(invalid="ignore"):
        dx, dy = from_mars_lonlat(lon, lat, dst)
    ok = np.isfinite(dx) & np.isfinite(dy)
    if ok.any():
        dst_bounds = (dx[ok].min(), dy[ok].min(), dx[ok].max(), dy[ok].max())
        check_warpable(dst, tuple(float(v) for v in dst_bounds), name="dst_crs")  # type: ignore[arg-type]
    h, w = raster.shape
    left, bottom, right, top = raster.bounds
    src_rio, dst_rio = rio_crs(raster.crs), rio_crs(dst)
    try:
        transform, width, height = rasterio.warp.calculate_default_transform(
            src_rio, dst_rio, w, h, left, bottom, right, top, resolution=res
        )
    except OverflowError as exc:
        msg = (
            f"reprojecting with resolution={resolution!r} would need more pixels than "
            "a number can hold; pass a coarser resolution= (in the target CRS's units)."
        )
        raise TooLargeError(msg) from exc
    except (rasterio.errors.RasterioError, CPLE_BaseError, ValueError) as exc:
        msg = (
            f"raster cannot be reprojected to {dst.name!r} ({_gdal_message(exc)}); it may lie "
            "outside where that projection is defined. Choose a target CRS centred on it, "
            "e.g. marsgeo.crs.local_crs(lon, lat)."
        )
        raise CRSError(msg) from exc
    assert width is not None and height is not None
    floating = raster.data.dtype.kind == "f"
    dtype = raster.data.dtype if floating or resampling == "nearest" else np.dtype(np.float32)
    check_pixels(
        height,
        width,
        itemsize=np.dtype(dtype).itemsize,
        max_pixels=bound,
        what=f"reprojecting {raster.name or 'the raster'} to {dst.name!r}",
        alternative="Pass a coarser resolution=, or cut the raster to the area you need first",
    )
    if width < 1 or height < 1:  # pragma: no cover - GDAL gives at least one pixel for res > 0
        msg = f"resolution={resolution!r} gives an empty raster; pass a smaller pixel size."
        raise InputError(msg)
    src = raster.data.astype(dtype, copy=False)
    fill = np.nan if np.dtype(dtype).kind == "f" else (raster.nodata or 0)
    out = np.full((height, width), fill, dtype=dtype)
    strip = max(1, (16 * 2**20) // max(1, width * out.itemsize))
    starts = list(range(0, height, strip))
    show = progress if progress is not None else (None if len(starts) > 4 else False)
    with Progress(len(starts), "reprojecting", enabled=show) as bar:
        for r0 in starts:
            rows = min(strip, height - r0)
            part = out[r0 : r0 + rows]
            rasterio.warp.reproject(
                source=src,
                destination=part,
                src_transform=raster.transform,
                src_crs=src_rio,
                src_nodata=np.nan if floating else raster.nodata,
                dst_transform=row_offset(transform, r0),
                dst_crs=dst_rio,
                dst_nodata=fill,
                resampling=_RESAMPLING[resampling],
            )
            bar.update()
    return replace(raster, data=out, transform=transform, crs=dst)


# --- writing ---------------


def _write_fix(crs: pyproj.CRS) -> str:
    frame = crs_frame(crs)
    if frame[0] == "sphere":
        return "reproject_raster it to IAU_2015:49900 or IAU_2015:49910 first"
    return (
        "reproject_raster it to another CRS of its frame first (e.g. an equirectangular one: "
        f"{'IAU_2015:49911' if frame[0] == 'ographic' else 'IAU_2015:49912'})"
    )


def _check_written(tmp: Path, raster: Raster, path: Any) -> None:
    """Read a just-written file's georeferencing back: it must mean what the raster means.

    Sidecar files are ignored (GDAL puts a CRS it cannot write as GeoTIFF keys in one): the
    GeoTIFF alone must hold the georeferencing.
    """
    with rasterio.Env(GDAL_PAM_ENABLED="NO"), rasterio.open(tmp) as ds:
        if ds.crs is None:
            msg = (
                f"GeoTIFF cannot hold the CRS {raster.crs.name!r} (GDAL writes no "
                f"georeferencing for it), so {str(path)!r} was not written; "
                f"{_write_fix(raster.crs)}."
            )
            raise CRSError(msg)
        try:
            back = file_crs(ds, None, str(path))
        except CRSError:
            back = None
        if (
            back is None
            or not same_grid_meaning(back, raster.crs)
            or ds.transform != (raster.transform)
        ):
            msg = (
                f"GeoTIFF cannot hold the CRS {raster.crs.name!r} and grid of this raster "
                f"without changing their meaning, so {str(path)!r} was not written; "
                f"{_write_fix(raster.crs)}."
            )
            raise CRSError(msg)


def write_raster(raster: Raster, path: PathLike, *, compress: str = "deflate") -> Path:
    """Write a Raster to a tiled GeoTIFF, atomically (a temporary file, then a rename).

    The CRS (exactly, in the tag :data:`CRS_TAG` besides the GeoTIFF keys), nodata, units,
    name, description and the synthetic flag travel with the file. The written file is read
    back before it replaces ``path``: a CRS or grid GeoTIFF cannot hold is refused, and no
    file is left.

    Parameters
    ----------
    raster
        What to write.
    path
        The GeoTIFF to write; its folder must exist.
    compress
        One of :data:`COMPRESSIONS` (lossless).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    marsgeo.errors.InputError
        A bad argument, or data GeoTIFF cannot hold (e.g. float16).
    marsgeo.errors.CRSError
        A CRS GeoTIFF cannot hold without changing its meaning (the message names a fix).
    marsgeo.errors.DataFileError
        The file cannot be written (missing folder, no permission, disk full).
    """
    raster = as_raster(raster, name="raster")
    if not isinstance(compress, str) or compress.lower() not in COMPRESSIONS:
        msg = f"compress={compress!r} is not one of {list(COMPRESSIONS)}; pass one of them."
        raise InputError(msg)
    if not isinstance(path, (str, os.PathLike)) or (isinstance(path, str) and not path):
        msg = f"path={path!r} is not a file path; pass e.g. 'dtm.tif'."
        raise InputError(msg)
    if raster.transform == Affine.identity():
        msg = (
            "raster transform is Affine.identity(), which GeoTIFF readers take for 'no "
            "georeferencing'; give the raster its real transform before writing it."
        )
        raise InputError(msg)
    data = raster.data
    if data.dtype == bool:
        data = data.astype(np.uint8)
    if not rasterio.dtypes.check_dtype(data.dtype) or data.dtype.kind not in "uif":
        msg = (
            f"raster data of dtype {data.dtype} cannot be written to GeoTIFF; write "
            "raster.with_data(raster.data.astype('float32')) instead."
        )
        raise InputError(msg)
    h, w = raster.shape
    tiled = h >= 256 and w >= 256
    nodata = raster.nodata
    if nodata is None and data.dtype.kind == "f":
        nodata = float("nan")
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": w,
        "height": h,
        "count": 1,
        "dtype": data.dtype.name,
        "crs": rio_crs(raster.crs),
        "transform": raster.transform,
        "nodata": nodata,
        "compress": compress.lower(),
    }
    if tiled:
        profile.update(tiled=True, blockxsize=256, blockysize=256)
    tags = dict(raster.tags)
    tags[SYNTHETIC_TAG] = "yes" if raster.synthetic else "no"
    tags[CRS_TAG] = raster.crs.to_json()
    if raster.description:
        tags["DESCRIPTION"] = raster.description
    try:
        with atomic_target(path, example="dtm.tif") as tmp, warnings.catch_warnings():
            # a transform GDAL drops is caught when the file is read back below
            warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
            with rasterio.open(tmp, "w", **profile) as dst:
                dst.write(data, 1)
                dst.update_tags(**tags)
                dst.update_tags(1, NAME=raster.name, UNITS=raster.units)
                dst.set_band_description(1, raster.name)
                dst.set_band_unit(1, raster.units)
            _check_written(tmp, raster, path)
    except MarsGeoError:
        raise
    except OSError as exc:  # rasterio's I/O errors are OSErrors too
        msg = (
            f"path={str(path)!r} cannot be written ({_gdal_message(exc)}); check that its "
            "folder is writable and the disk has space."
        )
        raise DataFileError(msg) from exc
    return Path(path)
