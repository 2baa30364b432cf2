"""Values of rasters at points (private; the public name is in :mod:`marsgeo.basemap`).

A file is read only in the blocks that hold points, each once, with GDAL's cache bounded; an
xarray DataArray goes through :mod:`marsgeo._xarray`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import rasterio.windows

from marsgeo._numbers import choice, optional_flag
from marsgeo._progress import Progress
from marsgeo._raster import Raster, fmt_bounds, lonlat_bounds_of, no_data_cells
from marsgeo._raster_open import check_source, gdal_env, open_raster, read_block
from marsgeo._raster_read import check_band
from marsgeo._validate import check_points, lonlat
from marsgeo.crs import from_mars_lonlat
from marsgeo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd
    import pyproj
    from affine import Affine

    from marsgeo.typing import CRSLike, PointFrame, RasterSource


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
            f"points {shown}{more} lie outside raster {where} (lon/lat {fmt_bounds(bounds)}); "
            "pass outside='nan' to get NaN for them, or use a raster that covers them."
        )
        raise InputError(msg)


def _sample_dataarray(source: Any, points: Any, *, band: int, outside: str) -> pd.Series:
    """Values of an xarray DataArray raster at points (Dask-backed ones computed)."""
    from marsgeo._xarray import dataarray_grid, pick

    grid = dataarray_grid(source, name="source", band=band)
    ids, row, col = _points_rowcol(check_points(points, name="points"), grid.crs, grid.transform)
    h, w = grid.shape
    inside = (row >= 0) & (row < h) & (col >= 0) & (col < w)
    where = f"{grid.name or 'DataArray'}"
    _outside(ids, inside, outside, where, grid.raster().lonlat_bounds())
    values = np.full(len(ids), np.nan)
    values[inside] = pick(grid, row[inside], col[inside])
    return pd.Series(values, index=ids, name=grid.name or "value")


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
        A :class:`Raster`, a path, a COG URL, an open rasterio dataset, or an
        :class:`xarray.DataArray` with a Mars CRS (``source.rio.crs``), 2-D or with bands, as
        ``rioxarray.open_rasterio(path, chunks=...)`` gives (Dask-backed values are computed,
        only the chunks that hold points; extra ``marsgeo[dask]``).
    points
        GeoDataFrame/GeoSeries of Points in a Mars CRS.
    band
        Band number, from 1 (files and DataArrays with bands).
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
    from marsgeo._xarray import is_dataarray

    if is_dataarray(source):
        return _sample_dataarray(source, points, band=band, outside=outside)
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
    check_source(source)
    checked = check_points(points, name="points")
    with open_raster(source, crs=crs) as ds, gdal_env(source):
        band = check_band(ds, band)
        ids, row, col = _points_rowcol(checked, ds.mars_crs, ds.transform)
        inside = (row >= 0) & (row < ds.height) & (col >= 0) & (col < ds.width)
        _outside(
            ids, inside, outside, repr(ds.name), lonlat_bounds_of(tuple(ds.bounds), ds.mars_crs)
        )
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
