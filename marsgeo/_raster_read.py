"""Reading rasters: the window around an area of interest, and what product a file is (private).

Public names are in :mod:`marsgeo.basemap`. Areas of interest are moved into the raster's CRS
with :func:`marsgeo.crs.from_mars_lonlat` (never a PROJ transformation between IAU families),
and only the blocks a request needs are read. The product a file is (see
:mod:`marsgeo._products`) is named in the description and tags of the Raster read from it.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pyproj
import rasterio.errors
import rasterio.windows
import shapely
from affine import Affine
from rasterio.enums import Resampling

from marsgeo._numbers import is_number, optional_flag, real_number
from marsgeo._products import (
    MARS_HIGHEST_ELEV_M,
    MARS_LOWEST_ELEV_M,
    PRODUCT_TAGS,
    Identity,
    file_name,
    identify,
    product_description,
    product_tags,
)
from marsgeo._progress import Progress
from marsgeo._raster import (
    SYNTHETIC_TAG,
    FloatArray,
    Raster,
    box_outline,
    check_pixels,
    fmt_bounds,
    lonlat_bounds_of,
    pixel_bound,
)
from marsgeo._raster_crs import CRS_TAG, body_note
from marsgeo._raster_open import gdal_env, gdal_message, open_raster, read_block, source_name
from marsgeo._raster_pds import file_label, label_text, label_value
from marsgeo.crs import MARS_GEOGRAPHIC, from_mars_lonlat, local_crs_around
from marsgeo.errors import CoordinateError, DataFileError, InputError

if TYPE_CHECKING:
    from rasterio.io import DatasetReader

    from marsgeo.typing import AreaLike, CRSLike, RasterSource


# a margin this wide is no longer "around" an area of interest [m]
_MAX_MARGIN_M = 1_000_000.0
#: Side of the thumbnail :func:`describe_file` reads to judge a file's values [px].
_THUMBNAIL_PX = 256


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
    ex, ey = box_outline(left, bottom, right, top, 21)
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


# --- what a file is ---------------


def _unit_hints(ds: DatasetReader, band: int, label: dict[str, Any]) -> list[tuple[str, str]]:
    """List what a file says of its values' unit, most direct first: (unit, where said)."""
    hints = [
        (ds.units[band - 1] or "", "the file's band unit"),
        (ds.tags(band).get("UNITS", ""), "the file's UNITS tag"),
    ]
    pds = label_text(label_value(label, "IMAGE", "UNIT"))
    hints.append((pds, f"the PDS label: UNIT = {pds}"))
    isis = label_text(label_value(label, "BandBin", "Unit"))
    hints.append((isis, f"the ISIS label: Unit = {isis}"))
    return [(unit, where) for unit, where in hints if unit]


def _elevation_like(values: npt.NDArray[Any]) -> bool:
    """Float values, all within Mars's elevation range and not confined to 0..1."""
    if values.dtype.kind != "f" or values.size == 0:
        return False
    low, high = float(np.fmin.reduce(values, axis=None)), float(np.fmax.reduce(values, axis=None))
    if math.isnan(low):  # all NaN: no values at all
        return False
    in_range = low >= MARS_LOWEST_ELEV_M and high <= MARS_HIGHEST_ELEV_M
    return in_range and not (low >= 0.0 and high <= 1.0)


def identify_file(ds: DatasetReader, values: npt.NDArray[Any], band: int) -> Identity:
    """Which product an open raster is, its kind and its units (see :mod:`marsgeo._products`)."""
    label = file_label(ds)
    product_id = label_text(label.get("PRODUCT_ID")) or label_text(
        label_value(label, "Archive", "ProductId")
    )
    return identify(
        file=file_name(source_name(ds)),
        product_id=product_id,
        unit_hints=_unit_hints(ds, band, label),
        dtype=values.dtype,
        elevation_like=lambda: _elevation_like(values),
    )


def _raster_from(ds: DatasetReader, data: npt.NDArray[Any], transform: Affine, band: int) -> Raster:
    """Make the Raster of values read from a file, naming the product, source, units, body."""
    tags = {k: str(v) for k, v in ds.tags().items() if k != CRS_TAG}
    band_tags = ds.tags(band)
    nodata = ds.nodata
    if nodata is not None and data.dtype.kind == "f" and not math.isnan(nodata):
        data[data == nodata] = np.nan  # data is this call's own array
    found = identify_file(ds, data, band)
    body = body_note(ds.mars_crs)
    # a product named when the file was first read (then written by marsgeo) keeps its name
    earlier = {k: v for k, v in tags.items() if k in PRODUCT_TAGS}
    tags = {**tags, **product_tags(found, body=body), **earlier}
    desc = tags.get("DESCRIPTION", "") or (ds.descriptions[band - 1] or "")
    if not desc:
        desc = product_description(found, crs_name=ds.mars_crs.name, body=body)
    name = band_tags.get("NAME", "") or (ds.descriptions[band - 1] or "")
    return Raster(
        data=data,
        transform=transform,
        crs=ds.mars_crs,
        nodata=nodata,
        name=name or ("elevation" if found.kind == "dtm" else ""),
        units=found.units,
        synthetic=tags.get(SYNTHETIC_TAG, "").lower() == "yes",
        description=desc,
        tags=tags,
    )


# --- reading ---------------


def check_band(ds: DatasetReader, band: Any) -> int:
    """Return ``band`` if it is a band number of ``ds``, or raise InputError naming it."""
    if (
        isinstance(band, (bool, np.bool_))
        or not isinstance(band, numbers.Integral)
        or not 1 <= int(band) <= ds.count
    ):
        msg = f"band={band!r} is not a band of {source_name(ds)!r}, which has bands 1..{ds.count}."
        raise InputError(msg)
    return int(band)


def _window_transform(t: Affine, window: rasterio.windows.Window) -> Affine:
    """Compute the transform of a window (rasterio's helper warns under affine >= 3.1)."""
    c, r = float(window.col_off), float(window.row_off)
    return Affine(t.a, t.b, t.c + t.a * c + t.b * r, t.d, t.e, t.f + t.d * c + t.e * r)


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
    band = check_band(ds, band)
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
            have = lonlat_bounds_of(tuple(ds.bounds), ds.mars_crs)
            want = lonlat_bounds_of((left, bottom, right, top), ds.mars_crs)
            msg = (
                f"aoi (lon/lat {fmt_bounds(want)}) lies outside raster {source_name(ds)!r} "
                f"(lon/lat {fmt_bounds(have)}, in {ds.mars_crs.name!r} on "
                f"{body_note(ds.mars_crs)}); pass an area the raster covers."
            )
            raise InputError(msg)
        window = rasterio.windows.Window(c0, r0, c1 - c0, r1 - r0)
    dtype = np.dtype(ds.dtypes[band - 1])
    check_pixels(
        int(window.height),
        int(window.width),
        itemsize=dtype.itemsize,
        max_pixels=max_pixels,
        what=f"reading {'all of' if aoi is None else 'the window of'} raster {source_name(ds)!r}",
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
    """Read a band of a raster file, only the window around an area of interest.

    The file is read in its own Mars CRS (see :func:`open_raster` for the formats). The
    product it is (e.g. a USGS Mars 2020 TRN HiRISE DTM, a HiRISE PDS DTM ``DTEEC_*.IMG``)
    is recognised from its name and label and named in the Raster's description and tags
    (``MARSGEO_PRODUCT``, ``MARSGEO_SOURCE``, ``MARSGEO_KIND``, ``MARSGEO_BODY``, ...),
    with the body radius its CRS uses. The units are the file's own (band unit, PDS label
    ``UNIT``), else metres for a known DTM or for float values within Mars's elevation range
    (``MARSGEO_UNITS_FROM`` says which); images have none.

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
        The window, in the raster's own CRS; float bands hold NaN for nodata. Named
        "elevation" for a DTM whose file gives no band name.

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
    with open_raster(source, crs=crs) as ds, gdal_env(source):
        raster, _ = read_window(
            ds, aoi=aoi, margin_m=margin_m, band=band, progress=progress, max_pixels=bound
        )
        return raster


def describe_file(
    source: RasterSource, *, band: int = 1, crs: CRSLike | None = None
) -> dict[str, str]:
    """Say what a raster file is, reading only its header and a thumbnail.

    Parameters
    ----------
    source
        Path, cloud-optimised GeoTIFF URL, or open rasterio dataset.
    band
        Band number, from 1.
    crs
        The raster's CRS if the file has none, or if its own is ambiguous.

    Returns
    -------
    dict
        Text by field: ``file``, ``product``, ``title``, ``source``, ``citation``, ``kind``
        ("dtm", "image" or "unknown"), ``units``, ``units_from``, ``format``, ``size``,
        ``pixel_size``, ``crs``, ``body`` (the body figure and radius) and ``nodata``.

    Raises
    ------
    marsgeo.errors.DataFileError, marsgeo.errors.CRSError
        As :func:`open_raster`.
    """
    with open_raster(source, crs=crs) as ds, gdal_env(source):
        band = check_band(ds, band)
        shape = (min(ds.height, _THUMBNAIL_PX), min(ds.width, _THUMBNAIL_PX))
        try:
            thumb = ds.read(band, out_shape=shape, resampling=Resampling.nearest)
        except rasterio.errors.RasterioIOError as exc:
            msg = f"raster {source_name(ds)!r} cannot be read ({gdal_message(exc)})."
            raise DataFileError(msg) from exc
        if ds.nodata is not None and thumb.dtype.kind == "f" and not math.isnan(ds.nodata):
            thumb[thumb == ds.nodata] = np.nan
        found = identify_file(ds, thumb, band)
        unit = ds.mars_crs.axis_info[0].unit_name
        return {
            "file": found.file,
            "product": found.product,
            "title": found.title() or "(not a product marsgeo knows)",
            "source": found.source() or "not stated in the file",
            "citation": found.known.citation if found.known and found.known.citation else "",
            "kind": found.kind,
            "units": found.units,
            "units_from": found.units_from,
            "format": getattr(ds, "mars_driver", None) or ds.driver,
            "size": f"{ds.width} x {ds.height} px, {ds.count} band(s), {ds.dtypes[band - 1]}",
            "pixel_size": f"{abs(ds.transform.a):g} x {abs(ds.transform.e):g} {unit}",
            "crs": ds.mars_crs.name,
            "body": body_note(ds.mars_crs),
            "nodata": "none" if ds.nodata is None else repr(ds.nodata),
        }


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
    with Progress(len(starts), f"reading {file_name(source_name(ds))}", enabled=show) as bar:
        for r0 in starts:
            h = min(strip, int(window.height) - r0)
            sub = rasterio.windows.Window(window.col_off, window.row_off + r0, window.width, h)
            out[r0 : r0 + h] = read_block(ds, band, sub)
            bar.update()
    return out
