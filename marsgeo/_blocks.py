"""Terrain block by block (private): Horn's method on blocks with a one-pixel halo.

A raster is cut into blocks of at most :data:`BLOCK_PIXELS` pixels (strips of whole rows when
the raster is narrow enough, square tiles otherwise), so the temporary memory of slope,
hillshade and hazards stays bounded whatever the raster's size. Each block is read with the
one-pixel halo Horn's method needs from its neighbours; where a block lies on the raster's
border, the missing halo is extrapolated linearly (odd reflection: ``2 z[0] - z[1]``), which
is exact for planes (GDAL's edge replication would halve the gradient along the edges).
Every output pixel is computed from the same values in the same order whatever the blocks,
so blocks give exactly the whole-array result. The same block kernel (:func:`terrain_block`)
serves rasters in memory, files on disk and Dask chunks.

Hazard polygons are traced block by block in pixel coordinates (whole numbers, exact in
floating point); pieces that touch a block's inner edge are merged with their neighbours, and
every polygon is put in one form (no collinear vertices, normalised rings), so the result is
the polygons of the whole array.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import rasterio.features
import shapely
from affine import Affine

from marsgeo._steps import GridSteps

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Block = tuple[int, int, int, int]

#: Pixels of a block: its temporaries take about 100 bytes a pixel (25 MB).
BLOCK_PIXELS = 2**18
# a strip of whole rows is used when it holds at least this many rows
_MIN_STRIP_ROWS = 8


def blocks(shape: tuple[int, int], pixels: int | None = None) -> list[Block]:
    """Cut a grid into blocks ``(r0, r1, c0, c1)`` of at most ``pixels`` pixels (at least 1).

    Strips of whole rows when the grid is narrow enough for :data:`_MIN_STRIP_ROWS` rows of
    it, square tiles otherwise; in row-major order.
    """
    h, w = shape
    budget = max(1, BLOCK_PIXELS if pixels is None else int(pixels))
    if w * _MIN_STRIP_ROWS <= budget:
        k = budget // w
        return [(r0, min(h, r0 + k), 0, w) for r0 in range(0, h, k)]
    side = max(1, math.isqrt(budget))
    return [
        (r0, min(h, r0 + side), c0, min(w, c0 + side))
        for r0 in range(0, h, side)
        for c0 in range(0, w, side)
    ]


def block_transform(transform: Affine, r0: int, c0: int) -> Affine:
    """Give the transform of a block that starts at row ``r0``, column ``c0`` of a grid."""
    t = transform
    return Affine(t.a, t.b, t.c + t.a * c0 + t.b * r0, t.d, t.e, t.f + t.d * c0 + t.e * r0)


def halo(block: Block, shape: tuple[int, int]) -> tuple[Block, tuple[bool, bool, bool, bool]]:
    """Give the window of a block with its one-pixel halo (clipped), and the sides it lacks."""
    r0, r1, c0, c1 = block
    h, w = shape
    window = (max(r0 - 1, 0), min(r1 + 1, h), max(c0 - 1, 0), min(c1 + 1, w))
    return window, (r0 == 0, r1 == h, c0 == 0, c1 == w)


def clean(values: npt.NDArray[Any], nodata: float | None, low: float, high: float) -> FloatArray:
    """Elevations as float64, NaN where there is no data or a value outside [low, high]."""
    z = np.array(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        bad = z >= low
        bad &= z <= high
        np.logical_not(bad, out=bad)  # NaN too
        if nodata is not None and not math.isnan(nodata) and low <= nodata <= high:
            bad |= z == nodata
    z[bad] = np.nan
    return z


def with_borders(z: FloatArray, borders: tuple[bool, bool, bool, bool]) -> FloatArray:
    """Extend a block by odd reflection on the sides where the raster ends (top, bottom, ...)."""
    top, bottom, left, right = borders
    rows = [z]
    if top:
        rows.insert(0, 2 * z[:1] - z[1:2])
    if bottom:
        rows.append(2 * z[-1:] - z[-2:-1])
    if len(rows) > 1:
        z = np.vstack(rows)
    cols = [z]
    if left:
        cols.insert(0, 2 * z[:, :1] - z[:, 1:2])
    if right:
        cols.append(2 * z[:, -1:] - z[:, -2:-1])
    return np.hstack(cols) if len(cols) > 1 else z


def gradient(zp: FloatArray, k: tuple[FloatArray, ...]) -> tuple[FloatArray, FloatArray]:
    """Slope east and north (dz/dE, dz/dN) of the inner pixels of a block with its halo.

    ``k`` are the coefficients of :meth:`marsgeo._steps.GridSteps.block`.
    """
    dc = zp[:, 2:] - zp[:, :-2]  # along +column, every row of the halo
    gc = dc[:-2] + dc[2:]
    gc += 2.0 * dc[1:-1]
    del dc
    dr = zp[2:] - zp[:-2]  # along +row
    gr = dr[:, :-2] + dr[:, 2:]
    gr += 2.0 * dr[:, 1:-1]
    del dr
    east = gc * k[0]
    east += gr * k[1]
    gc *= k[2]
    gr *= k[3]
    gc += gr
    return east, gc


def slope_of(east: FloatArray, north: FloatArray) -> npt.NDArray[np.float32]:
    """Slope [deg] from its east and north gradients (consumes them)."""
    east *= east
    north *= north
    east += north
    np.sqrt(east, out=east)
    np.arctan(east, out=east)
    np.degrees(east, out=east)
    return east.astype(np.float32)


def shade_of(
    east: FloatArray, north: FloatArray, light: tuple[float, float, float]
) -> npt.NDArray[np.float32]:
    """Hillshade 0..1 from the east and north gradients and the unit vector to the sun."""
    shade = light[2] - east * light[0] - north * light[1]
    east *= east
    north *= north
    east += north
    east += 1.0
    np.sqrt(east, out=east)
    shade /= east
    np.clip(shade, 0.0, 1.0, out=shade)
    return shade.astype(np.float32)


def terrain_block(
    raw: npt.NDArray[Any],
    *,
    steps: GridSteps,
    block: Block,
    borders: tuple[bool, bool, bool, bool],
    nodata: float | None,
    valid: tuple[float, float],
    light: tuple[float, float, float] | None = None,
) -> npt.NDArray[np.float32]:
    """Slope [deg] (or, with ``light``, hillshade) of one block, as float32.

    ``raw`` holds the block's elevations with the halo its neighbours give (none on the
    ``borders`` sides, which are extrapolated); ``nodata`` and values outside ``valid``
    (low, high) are no data, which makes every pixel that uses them NaN.
    """
    z = with_borders(clean(raw, nodata, *valid), borders)
    east, north = gradient(z, steps.block(*block))
    del z
    return slope_of(east, north) if light is None else shade_of(east, north, light)


# --- hazard polygons ----------------------------------------------------------------------------


def _tidy_ring(xy: FloatArray) -> FloatArray:
    """Drop the vertices of a closed ring that lie on a straight line between their neighbours."""
    pts = xy[:-1]
    prev, nxt = np.roll(pts, 1, axis=0), np.roll(pts, -1, axis=0)
    a, b = pts - prev, nxt - pts
    keep = (a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]) != 0
    kept = pts[keep]
    return np.vstack([kept, kept[:1]])


def tidy(poly: shapely.Polygon) -> shapely.Polygon:
    """Put a polygon of pixel corners in one form: no collinear vertices, normalised rings."""
    shell = _tidy_ring(shapely.get_coordinates(poly.exterior))
    holes = [_tidy_ring(shapely.get_coordinates(r)) for r in poly.interiors]
    return shapely.normalize(shapely.Polygon(shell, holes))


def pieces(cells: BoolArray, block: Block, shape: tuple[int, int]) -> tuple[list[Any], list[Any]]:
    """Polygons of the True cells of one block, in pixel coordinates of the whole grid.

    Returns those inside the block and those that touch one of its inner edges (to merge).
    """
    r0, r1, c0, c1 = block
    h, w = shape
    closed: list[Any] = []
    open_: list[Any] = []
    if not cells.any():
        return closed, open_
    shapes = rasterio.features.shapes(
        cells.astype(np.uint8), mask=cells, transform=Affine(1.0, 0.0, c0, 0.0, 1.0, r0)
    )
    for geom, value in shapes:
        if value != 1:
            continue
        poly = shapely.geometry.shape(geom)
        x0, y0, x1, y1 = poly.bounds
        inner = (
            (x0 == c0 and c0 > 0)
            or (x1 == c1 and c1 < w)
            or (y0 == r0 and r0 > 0)
            or (y1 == r1 and r1 < h)
        )
        (open_ if inner else closed).append(poly)
    return closed, open_


def merged(closed: list[Any], open_: list[Any]) -> list[Any]:
    """All polygons, pieces across block edges merged, tidied, in the order of their top-left."""
    joined = list(shapely.get_parts(shapely.union_all(open_))) if open_ else []
    polys = [tidy(p) for p in [*closed, *joined]]

    def top_left(p: Any) -> tuple[float, float]:
        xy = shapely.get_coordinates(p.exterior)
        top = xy[:, 1].min()
        return (float(top), float(xy[xy[:, 1] == top, 0].min()))

    return sorted(polys, key=top_left)


def to_grid_crs(polys: list[Any], transform: Affine) -> Any:
    """Polygons of pixel corners -> the grid's CRS coordinates, as an array of geometries."""
    t = transform

    def apply(xy: FloatArray) -> FloatArray:
        c, r = xy[:, 0], xy[:, 1]
        return np.column_stack([t.c + t.a * c + t.b * r, t.f + t.d * c + t.e * r])

    return shapely.transform(np.asarray(polys, dtype=object), apply)
