"""Reprojection of rasters between Mars CRSs of one geographic frame (private).

The public name is in :mod:`marsgeo.basemap`. GDAL's warper reads a CRS as GeoTIFF keys do,
so CRSs whose axes it would misread are refused (:func:`marsgeo._raster_crs.check_warpable`),
and so are targets on another frame, between which PROJ "ballparks".
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import rasterio.errors
import rasterio.warp
from affine import Affine
from rasterio._err import CPLE_BaseError
from rasterio.enums import Resampling

from marsgeo._numbers import choice, optional_flag, real_number
from marsgeo._progress import Progress
from marsgeo._raster import Raster, as_raster, box_outline, check_pixels, pixel_bound
from marsgeo._raster_crs import check_warpable, crs_frame, raster_crs, rio_crs
from marsgeo._raster_open import gdal_message
from marsgeo.crs import from_mars_lonlat, to_mars_lonlat
from marsgeo.errors import CRSError, InputError, TooLargeError

if TYPE_CHECKING:
    from marsgeo.typing import CRSLike


_RESAMPLING = {r.name: r for r in Resampling}


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


def _row_offset(t: Affine, rows: int) -> Affine:
    """Shift a transform to start ``rows`` rows further down the same grid."""
    return Affine(t.a, t.b, t.c + t.b * rows, t.d, t.e, t.f + t.e * rows)


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
    lon, lat = to_mars_lonlat(*box_outline(*raster.bounds, 21), raster.crs)
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
            f"raster cannot be reprojected to {dst.name!r} ({gdal_message(exc)}); it may lie "
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
                dst_transform=_row_offset(transform, r0),
                dst_crs=dst_rio,
                dst_nodata=fill,
                resampling=_RESAMPLING[resampling],
            )
            bar.update()
    return replace(raster, data=out, transform=transform, crs=dst)
