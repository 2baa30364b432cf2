"""A raster under a map figure: a DTM as its hillshade, an image as itself, warped (private).

The raster is warped from its own Mars CRS onto a grid over the figure's extent in the
figure's frame (:mod:`marsgeo.plot._frame`), so that one axis unit is one metre on the ground
whatever CRS the raster came in (e.g. the USGS ``Eqc_latTs0`` products, whose x unit is about
5 % shorter than a metre of ground at Jezero). Only the part of the raster inside the extent
is shaded and warped, at about the raster's own resolution but no finer than the figure can
show when printed. A DTM is shaded on its own pixels before it is warped.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import rasterio.warp
from affine import Affine
from rasterio.enums import Resampling

from marsgeo._numbers import is_number, real_number
from marsgeo._overlay import raster_credit
from marsgeo._products import PRODUCT_TAG
from marsgeo._raster import (
    Raster,
    box_outline,
    no_data_cells,
    pixel_bound,
    pixel_xy,
)
from marsgeo._raster_crs import check_warpable, crs_frame, rio_crs
from marsgeo.crs import from_mars_lonlat, mars_geod, to_mars_lonlat
from marsgeo.errors import CRSError, InputError
from marsgeo.plot._frame import Frame, frame_for, frame_of
from marsgeo.plot._furniture import axes_inches

if TYPE_CHECKING:
    import numpy.typing as npt
    from matplotlib.axes import Axes
    from matplotlib.image import AxesImage

__all__ = ["PRINT_DPI", "draw_raster"]

#: The underlay has enough pixels for the figure printed at this many dots per inch (or at
#: the figure's own dpi, if higher); finer detail could not be seen.
PRINT_DPI = 300
#: Units that say a raster holds elevations (a DTM), drawn as its hillshade.
_METRES = ("m", "metre", "meter", "metres", "meters")
#: Source pixels added around the extent: Horn's method and bilinear weights reach one.
_PAD = 2
#: Points per edge when a box is carried into another CRS.
_EDGE_POINTS = 41
_COMPASS = (
    "north",
    "north-east",
    "east",
    "south-east",
    "south",
    "south-west",
    "west",
    "north-west",
)

Extent = tuple[float, float, float, float]


def draw_raster(
    ax: Axes,
    raster: Raster | str,
    *,
    extent: tuple[float, float, float, float] | None = None,
    max_pixels: int | None = None,
    alpha: float = 1.0,
) -> AxesImage:
    """Draw a raster under a map figure, warped into the figure's metric frame.

    A DTM (units metres, not already a hillshade) is drawn as its hillshade, shaded on the
    DTM's own pixels; any other raster (an orthoimage, a slope) as itself, in grey between its
    2nd and 98th percentiles. The layer's credit goes to the frame's attribution, and a
    synthetic raster marks the figure SYNTHETIC (see :func:`marsgeo.plot._furniture.furnish`).

    Parameters
    ----------
    ax
        The axes. Its frame is used; without one, a frame centred on the raster is made.
    raster
        A :class:`marsgeo.basemap.Raster` in any Mars CRS, or "synthetic" for
        :func:`marsgeo.basemap.synthetic_dtm`. Masks (True/False) are not underlays: draw
        hazards as polygons.
    extent
        (xmin, xmax, ymin, ymax) in the frame's metres: the area to cover (default: the
        axes' current limits, or the raster's footprint on axes without a frame).
    max_pixels
        Most pixels of the warped image (default :data:`marsgeo.basemap.MAX_PIXELS`; the
        figure's size at :data:`PRINT_DPI` usually bounds it first).
    alpha
        Opacity of the image, 0..1.

    Returns
    -------
    matplotlib.image.AxesImage
        The image (gid "marsgeo-underlay"), under every other layer (zorder 0).

    Raises
    ------
    marsgeo.errors.InputError
        ``raster`` is not a Raster or "synthetic", is a mask, or lies outside the extent (the
        message says how far away and in which direction); a bad ``extent`` or ``alpha``.
    marsgeo.errors.CRSError
        The raster's CRS is on another geographic frame than the figure's, or has axes
        GDAL's warper would misread.
    """
    source = _as_underlay(raster)
    alpha = real_number(alpha, name="alpha", fix="pass an opacity from 0 to 1", low=0.0, high=1.0)
    bound = pixel_bound(max_pixels)
    frame = frame_of(ax)
    fresh = frame is None
    if frame is None:
        frame = frame_for(ax, *_raster_centre(source))
    box = _footprint_extent(source, frame) if extent is None and fresh else _extent(ax, extent)
    _check_overlap(source, frame, box)
    _check_warp(source, frame, box)
    window = _window(source, frame, box)
    shown, what = _shown(window)
    cols, rows, resampling = _target_grid(ax, shown, frame, box, bound)
    values = _warp(shown, frame, box, (cols, rows), resampling)
    vmin, vmax = (0.0, 1.0) if what == "hillshade" else _stretch(values)
    image = ax.imshow(
        np.ma.masked_invalid(values),
        cmap="gray",
        vmin=vmin,
        vmax=vmax,
        extent=(box[0], box[1], box[2], box[3]),
        origin="upper",
        zorder=0,
        interpolation="nearest",
        alpha=alpha,
    )
    image.set_gid("marsgeo-underlay")
    if fresh or ax.get_autoscale_on():
        ax.set_xlim(box[0], box[1])
        ax.set_ylim(box[2], box[3])
    ax.set_aspect("equal")
    _record(frame, source, shown, what)
    return image


# --- the raster ---------------


def _as_underlay(raster: Any) -> Raster:
    """Return the Raster to draw: a Raster, or the synthetic DTM for "synthetic"."""
    if isinstance(raster, str) and raster == "synthetic":
        from marsgeo.basemap import synthetic_dtm

        return synthetic_dtm()
    if not isinstance(raster, Raster):
        shown = repr(raster) if isinstance(raster, str) else type(raster).__name__
        msg = (
            f"raster={shown} is not a marsgeo Raster; pass one (e.g. from "
            "marsgeo.basemap.read_raster(path) or load_dtm(path)) or 'synthetic' for marsgeo's "
            "synthetic terrain around Three Forks."
        )
        raise InputError(msg)
    if raster.data.dtype.kind == "b":
        msg = (
            f"raster {_name(raster)!r} holds True/False values (a mask); an underlay is a DTM "
            "or an image. Draw hazards as polygons instead (hazard= of plot_depot, from "
            "marsgeo.basemap.hazard_polygons)."
        )
        raise InputError(msg)
    return raster


def _name(raster: Raster) -> str:
    return raster.tags.get(PRODUCT_TAG) or raster.name or "raster"


def _is_dtm(raster: Raster) -> bool:
    return raster.units in _METRES and raster.name != "hillshade"


def _raster_centre(raster: Raster) -> tuple[Any, Any]:
    left, bottom, right, top = raster.bounds
    return to_mars_lonlat([(left + right) / 2], [(bottom + top) / 2], raster.crs, check=False)


# --- where to draw ---------------


def _extent(ax: Axes, extent: Any) -> Extent:
    """Check ``extent`` (xmin, xmax, ymin, ymax), or take the axes' current limits."""
    if extent is None:
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        return (min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1))
    good = (
        isinstance(extent, (tuple, list))
        and len(extent) == 4
        and all(is_number(v) and math.isfinite(float(v)) for v in extent)
    )
    if good:
        xmin, xmax, ymin, ymax = (float(v) for v in extent)
        if xmin < xmax and ymin < ymax:
            return (xmin, xmax, ymin, ymax)
    msg = (
        f"extent={extent!r} must be (xmin, xmax, ymin, ymax) in the figure's metres with "
        "xmin < xmax and ymin < ymax, or None for the axes' limits."
    )
    raise InputError(msg)


def _outline_in_frame(raster: Raster, frame: Frame) -> tuple[Any, Any]:
    """Return the raster's edges, densified, in the frame's metres."""
    lon, lat = to_mars_lonlat(*box_outline(*raster.bounds, _EDGE_POINTS), raster.crs, check=False)
    with np.errstate(invalid="ignore"):
        return frame.xy(lon, lat)


def _footprint_extent(raster: Raster, frame: Frame) -> Extent:
    x, y = _outline_in_frame(raster, frame)
    ok = np.isfinite(x) & np.isfinite(y)
    return (float(x[ok].min()), float(x[ok].max()), float(y[ok].min()), float(y[ok].max()))


def _check_overlap(raster: Raster, frame: Frame, box: Extent) -> None:
    """Refuse a raster outside the extent, saying how far away it is and where."""
    import shapely
    from shapely.ops import nearest_points

    x, y = _outline_in_frame(raster, frame)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() >= 4:
        footprint = shapely.Polygon(np.column_stack([x[ok], y[ok]])).buffer(0)
        area = shapely.box(box[0], box[2], box[1], box[3])
        if footprint.intersects(area):
            return
        centre = area.centroid
        near = nearest_points(footprint, centre)[0]
        far = _distance_text(frame, (centre.x, centre.y), (near.x, near.y))
    else:  # pragma: no cover - a raster the frame's projection cannot hold at all
        far = "outside where the figure's CRS is defined"
    msg = (
        f"raster {_name(raster)!r} does not overlap the figure: its nearest edge is {far}. "
        "Pass a raster that covers the figure (e.g. marsgeo.basemap.read_raster(path, "
        "aoi=tubes, margin_m=100)), an extent= that overlaps it, or 'synthetic' for "
        "marsgeo's synthetic terrain around Three Forks."
    )
    raise InputError(msg)


def _distance_text(frame: Frame, start: tuple[float, float], end: tuple[float, float]) -> str:
    """'2.41 km north-west of the figure's centre (77.40821E, 18.45283N)', measured on Mars."""
    lon, lat = frame.lonlat([start[0], end[0]], [start[1], end[1]])
    azimuth, _, dist = mars_geod(frame.crs).inv(lon[0], lat[0], lon[1], lat[1])
    direction = _COMPASS[round((float(azimuth) % 360) / 45) % 8]
    shown = f"{dist / 1000:,.2f} km" if dist >= 1000 else f"{dist:,.1f} m"
    return (
        f"{shown} {direction} of the figure's centre ({float(lon[0]):.5f}E, "
        f"{float(lat[0]):.5f}N), measured on Mars"
    )


def _check_warp(raster: Raster, frame: Frame, box: Extent) -> None:
    """Refuse a warp between geographic frames, or through axes GDAL would misread."""
    if crs_frame(raster.crs) != crs_frame(frame.crs):
        msg = (
            f"raster {_name(raster)!r} is in {raster.crs.name!r}, on another geographic frame "
            f"(sphere vs ellipsoid, or planetographic vs planetocentric) than the figure's "
            f"{frame.crs.name!r}; PROJ would shift it by kilometres. Draw it in a figure CRS on "
            "the raster's own frame (crs= of plot_depot), or reproject the raster first."
        )
        raise CRSError(msg)
    check_warpable(raster.crs, raster.bounds, name="raster crs")
    check_warpable(frame.crs, (box[0], box[2], box[1], box[3]), name="the figure's crs")


def _window(raster: Raster, frame: Frame, box: Extent) -> Raster:
    """Cut the part of the raster under the extent, with a margin of :data:`_PAD` pixels."""
    lon, lat = frame.lonlat(*box_outline(box[0], box[2], box[1], box[3], _EDGE_POINTS))
    with np.errstate(invalid="ignore"):
        x, y = from_mars_lonlat(lon, lat, raster.crs)
    ok = np.isfinite(x) & np.isfinite(y)
    h, w = raster.shape
    if not ok.any():  # pragma: no cover - the overlap check has passed
        return raster
    inv = ~raster.transform
    cols = inv.a * x[ok] + inv.b * y[ok] + inv.c
    rows = inv.d * x[ok] + inv.e * y[ok] + inv.f
    c0, c1 = _span(np.min(cols), np.max(cols), w)
    r0, r1 = _span(np.min(rows), np.max(rows), h)
    if (r0, r1, c0, c1) == (0, h, 0, w):
        return raster
    t = raster.transform
    moved = Affine(t.a, t.b, t.c + t.a * c0 + t.b * r0, t.d, t.e, t.f + t.d * c0 + t.e * r0)
    return raster.with_data(raster.data[r0:r1, c0:c1], transform=moved)


def _span(low: float, high: float, size: int) -> tuple[int, int]:
    """Pixels from ``low`` to ``high`` with the margin, inside 0..size, at least 3 wide."""
    start = max(0, math.floor(low) - _PAD)
    stop = min(size, math.ceil(high) + _PAD)
    while stop - start < min(3, size):
        start, stop = max(0, start - 1), min(size, stop + 1)
    return start, stop


# --- what to show ---------------


def _shown(window: Raster) -> tuple[Raster, str]:
    """Give the values to warp: a DTM's hillshade, or the raster's own with NaN for no data."""
    if _is_dtm(window):
        from marsgeo.basemap import hillshade

        return hillshade(window, progress=False), "hillshade"
    values = window.data.astype(np.float32)
    values[no_data_cells(window.data, window.nodata)] = np.nan
    return window.with_data(values, nodata=None), window.name or "image"


def _target_grid(
    ax: Axes, shown: Raster, frame: Frame, box: Extent, bound: int
) -> tuple[int, int, Resampling]:
    """Columns and rows of the warped image, and how to resample onto them.

    About the raster's own resolution, but never more pixels than the axes have when printed
    at :data:`PRINT_DPI` (or the figure's dpi), nor than ``bound``.
    """
    h, w = shown.shape
    cols = np.array([w / 2, w / 2 + 1, w / 2])
    rows = np.array([h / 2, h / 2, h / 2 + 1])
    x, y = pixel_xy(shown.transform, cols, rows)
    lon, lat = to_mars_lonlat(x, y, shown.crs, check=False)
    fx, fy = frame.xy(lon, lat)
    step = float(
        min(math.hypot(fx[1] - fx[0], fy[1] - fy[0]), math.hypot(fx[2] - fx[0], fy[2] - fy[0]))
    )
    width, height = box[1] - box[0], box[3] - box[2]
    fig = ax.get_figure(root=True)
    dpi = max(PRINT_DPI, float(fig.dpi)) if fig is not None else PRINT_DPI
    inches = axes_inches(ax)
    finest = max(width / max(1.0, inches[0] * dpi), height / max(1.0, inches[1] * dpi))
    res = max(step if math.isfinite(step) and step > 0 else finest, finest)
    res = max(res, math.sqrt(width * height / bound))
    n_cols, n_rows = _cells(width, height, res)
    while n_cols * n_rows > bound:  # rounding up may pass the bound by a row or column
        res *= 1.01
        n_cols, n_rows = _cells(width, height, res)
    coarser = res > 1.5 * step
    return n_cols, n_rows, Resampling.average if coarser else Resampling.bilinear


def _cells(width: float, height: float, res: float) -> tuple[int, int]:
    return max(1, math.ceil(width / res - 1e-9)), max(1, math.ceil(height / res - 1e-9))


def _warp(
    shown: Raster, frame: Frame, box: Extent, size: tuple[int, int], resampling: Resampling
) -> npt.NDArray[np.float32]:
    """Warp the values onto ``size`` = (columns, rows) pixels over the extent, NaN outside."""
    cols, rows = size
    out = np.full((rows, cols), np.nan, dtype=np.float32)
    transform = Affine((box[1] - box[0]) / cols, 0, box[0], 0, -(box[3] - box[2]) / rows, box[3])
    rasterio.warp.reproject(
        source=shown.data.astype(np.float32, copy=False),
        destination=out,
        src_transform=shown.transform,
        src_crs=rio_crs(shown.crs),
        src_nodata=np.nan,
        dst_transform=transform,
        dst_crs=rio_crs(frame.crs),
        dst_nodata=np.nan,
        resampling=resampling,
    )
    return out


def _stretch(values: npt.NDArray[np.float32]) -> tuple[float, float]:
    """Return the 2nd and 98th percentiles of the values shown (0..1 when there are none)."""
    valid = values[np.isfinite(values)]
    if valid.size == 0:
        return (0.0, 1.0)
    lo, hi = (float(v) for v in np.percentile(valid, [2, 98]))
    return (lo, hi) if hi > lo else (lo - 0.5, lo + 0.5)


def _record(frame: Frame, source: Raster, shown: Raster, what: str) -> None:
    """Credit the layer on the frame; mark it synthetic if it is."""
    if source.synthetic:
        seed = source.tags.get("MARSGEO_SEED")
        of = f"marsgeo's synthetic DTM (seed {seed})" if seed else _name(source)
        frame.mark_synthetic(f"{what} of {of}" if what == "hillshade" else of)
        return
    frame.credit(raster_credit(shown))
