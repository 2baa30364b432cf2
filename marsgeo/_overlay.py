"""Rasters drawn as PNG overlays for web maps, with exact bounds (private).

Public names are re-exported by :mod:`marsgeo.basemap`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyproj
import rasterio.errors
from rasterio.io import MemoryFile

from marsgeo._numbers import is_number, real_number
from marsgeo._products import TITLE_TAG, product_credit
from marsgeo._raster import Raster, as_raster, pixel_bound
from marsgeo._raster_reproject import reproject_raster
from marsgeo.crs import MARS_GEOGRAPHIC
from marsgeo.errors import InputError, raise_collected

GRIDS = ("EPSG4326", "EPSG3857")


@dataclass(frozen=True)
class PngOverlay:
    """A raster rendered for a web map: PNG bytes and its exact geographic bounds.

    Attributes
    ----------
    png
        RGBA PNG; transparent where the raster has no data.
    bounds
        ((south, west), (north, east)) in MARS_GEOGRAPHIC degrees, as Leaflet wants them.
    grid
        The Leaflet CRS the image is gridded for: "EPSG4326" (equal steps in longitude and
        latitude) or "EPSG3857" (Mercator on the Mars sphere).
    attribution
        Where the pixels came from ("SYNTHETIC terrain ..." for marsgeo's own).
    """

    png: bytes
    bounds: tuple[tuple[float, float], tuple[float, float]]
    grid: str
    attribution: str
    width: int
    height: int

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.png, bytes) or not self.png.startswith(b"\x89PNG"):
            problems.append("png must be the bytes of a PNG image")
        try:
            (south, west), (north, east) = self.bounds
            corners = [float(v) for v in (south, west, north, east) if is_number(v)]
            good = len(corners) == 4 and all(math.isfinite(v) for v in corners)
            good = good and -90 <= south < north <= 90 and west < east
        except (TypeError, ValueError):
            good = False
        if not good:
            problems.append(
                f"bounds={self.bounds!r} must be ((south, west), (north, east)) in degrees"
            )
        if not isinstance(self.grid, str) or self.grid not in GRIDS:
            problems.append(f"grid={self.grid!r} must be one of {list(GRIDS)}")
        if not isinstance(self.attribution, str):
            problems.append(f"attribution={self.attribution!r} must be text")
        for name in ("width", "height"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(f"{name}={value!r} must be a whole number of pixels >= 1")
        raise_collected(InputError, problems, what="PngOverlay")


_MARS_MERCATOR = pyproj.CRS.from_proj4(
    "+proj=merc +R=3396190 +lon_0=0 +x_0=0 +y_0=0 +units=m +type=crs"
)


def render_png(
    raster: Raster,
    *,
    grid: str = "EPSG4326",
    vmin: float | None = None,
    vmax: float | None = None,
    color: tuple[int, int, int] | None = None,
    opacity: float = 1.0,
    attribution: str | None = None,
    max_pixels: int | None = None,
) -> PngOverlay:
    """Render a raster to a PNG whose pixels line up exactly with a web map's grid.

    The raster is reprojected onto the grid of the Leaflet CRS the map uses, so that
    Leaflet's linear image placement between the corner coordinates is exact.

    Parameters
    ----------
    raster
        Values to draw (elevation, hillshade, a boolean mask, ...). Must be on the Mars sphere.
    grid
        "EPSG4326" (maps with NASA Mars Trek tiles) or "EPSG3857" (Web-Mercator tiles).
    vmin, vmax
        Value range mapped to black..white (default: the data's 2nd and 98th percentiles).
    color
        For boolean masks: the RGB colour of True pixels (False is transparent).
    opacity
        Alpha of drawn pixels, 0..1.
    attribution
        Credit for the layer; by default from the raster: the product and its source for a
        known product (e.g. "hillshade of JEZ_..._1m_...tif (USGS Mars 2020 TRN HiRISE DTM
        mosaic, 1 m; USGS Astrogeology Science Center ...)"), else its description
        (synthetic rasters say so).
    max_pixels
        Refuse images of more pixels than this (default ``MAX_PIXELS``).

    Returns
    -------
    PngOverlay

    Raises
    ------
    marsgeo.errors.InputError
        A bad argument.
    marsgeo.errors.TooLargeError
        The image would hold more than ``max_pixels`` pixels.
    """
    raster = as_raster(raster, name="raster")
    if not isinstance(grid, str) or grid not in GRIDS:
        msg = f"grid={grid!r} must be 'EPSG4326' or 'EPSG3857' (the web map's Leaflet CRS)."
        raise InputError(msg)
    opacity = real_number(opacity, name="opacity", fix="pass a number from 0 to 1", low=0, high=1)
    fix = "pass a finite number in the raster's units, or None for its 2nd/98th percentile"
    lo_set = None if vmin is None else real_number(vmin, name="vmin", fix=fix)
    hi_set = None if vmax is None else real_number(vmax, name="vmax", fix=fix)
    if lo_set is not None and hi_set is not None and not lo_set < hi_set:
        msg = f"vmin={vmin!r} must be below vmax={vmax!r}; swap them or widen the range."
        raise InputError(msg)
    if color is not None and not (
        isinstance(color, (tuple, list))
        and len(color) == 3
        and all(
            isinstance(c, int | np.integer) and not isinstance(c, bool) and 0 <= c <= 255
            for c in color
        )
    ):
        msg = f"color={color!r} must be (red, green, blue) with whole numbers 0..255, or None."
        raise InputError(msg)
    if attribution is not None and not isinstance(attribution, str):
        msg = f"attribution={attribution!r} must be text, or None for the raster's own."
        raise InputError(msg)
    bound = pixel_bound(max_pixels)
    is_mask = raster.data.dtype == bool
    src = raster.with_data(raster.data.astype(np.float32)) if is_mask else raster
    target = MARS_GEOGRAPHIC if grid == "EPSG4326" else _MARS_MERCATOR
    on_grid = reproject_raster(
        src, target, resampling="nearest" if is_mask else "bilinear", max_pixels=bound
    )
    values = on_grid.data.astype(float)
    rgba = _rgba(values, is_mask=is_mask, color=color, opacity=opacity, vrange=(lo_set, hi_set))
    hgt, wid = values.shape
    with MemoryFile() as mem, warnings.catch_warnings():
        # the PNG is plain pixels on purpose: its placement travels as `bounds`
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with mem.open(driver="PNG", width=wid, height=hgt, count=4, dtype="uint8") as png:
            png.write(rgba)
        data = mem.read()
    west, south, east, north = on_grid.lonlat_bounds()
    credit = attribution if attribution is not None else raster_credit(raster)
    return PngOverlay(
        png=data,
        bounds=((south, west), (north, east)),
        grid=grid,
        attribution=credit,
        width=wid,
        height=hgt,
    )


def raster_credit(raster: Raster) -> str:
    """Credit a raster by default: the product and its source, else its description."""
    if raster.tags.get(TITLE_TAG) and not raster.synthetic:
        # a known product (e.g. a USGS DTM mosaic): its name and source, with what was made
        # of it (a hillshade, a slope)
        named = product_credit(raster.tags)
        return named if raster.name in ("", "elevation") else f"{raster.name} of {named}"
    credit = raster.description or raster.name or "raster"
    if raster.synthetic and "SYNTHETIC" not in credit.upper():
        credit = f"SYNTHETIC terrain generated by marsgeo: {credit}"
    return credit


def _rgba(
    values: npt.NDArray[np.float64],
    *,
    is_mask: bool,
    color: tuple[int, int, int] | None,
    opacity: float,
    vrange: tuple[float | None, float | None],
) -> npt.NDArray[np.uint8]:
    """Colour the values: a mask in one colour, others in grey between the range's ends."""
    valid = np.isfinite(values)
    rgba = np.zeros((4, *values.shape), dtype=np.uint8)
    alpha = round(255 * opacity)
    if is_mask:
        on = valid & (values >= 0.5)
        rgb = color or (220, 40, 40)
        for k in range(3):
            rgba[k][on] = rgb[k]
        rgba[3][on] = alpha
        return rgba
    lo_set, hi_set = vrange
    if valid.any():
        lo = float(np.percentile(values[valid], 2)) if lo_set is None else lo_set
        hi = float(np.percentile(values[valid], 98)) if hi_set is None else hi_set
    else:
        lo, hi = 0.0, 1.0
    span = hi - lo if hi > lo else 1.0
    gray = np.clip((np.nan_to_num(values, nan=lo) - lo) / span, 0, 1)
    level = np.round(gray * 255).astype(np.uint8)
    for k in range(3):
        rgba[k] = level
    rgba[3][valid] = alpha
    return rgba
