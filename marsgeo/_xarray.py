"""Terrain and sampling on :class:`xarray.DataArray` rasters, Dask-backed or not (private).

Needs the optional extra ``marsgeo[dask]`` (xarray, rioxarray, Dask), imported only here and
only when a DataArray is passed. A DataArray is a raster when it is 2-D ``(y, x)``, or 3-D
``(band, y, x)`` as ``rioxarray.open_rasterio(path, chunks=...)`` gives it, with a Mars CRS
that rioxarray reads (``da.rio.crs``; marsgeo's exact CRS attribute :data:`CRS_TAG` is
preferred when it means the same grid, as for GeoTIFFs) and a north-up transform.

Dask-backed DataArrays give Dask-backed results: slope and hillshade come from
``dask.array.map_overlap`` with a one-pixel overlap and the block kernel of
:mod:`marsgeo._blocks`, so each chunk is computed as a block of the whole raster (the raster's
own border extrapolated, chunk edges taken from the neighbours) and a ``dask.distributed``
cluster runs the graph unchanged. Numpy-backed DataArrays are computed at once, as a
:class:`Raster` would be.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyproj
from affine import Affine

from marsgeo._blocks import Block, terrain_block
from marsgeo._numbers import optional_flag
from marsgeo._raster import SYNTHETIC_TAG, Raster, no_data_cells
from marsgeo._raster_crs import CRS_TAG, raster_crs, same_grid_meaning
from marsgeo._steps import GridSteps, plan_steps
from marsgeo.errors import CRSError, InputError, missing_extra

if TYPE_CHECKING:
    import xarray as xr


def is_dataarray(value: Any) -> bool:
    """Tell whether ``value`` is an :class:`xarray.DataArray` (without importing xarray)."""
    xr_ = sys.modules.get("xarray")
    return xr_ is not None and isinstance(value, xr_.DataArray)


def require_extra() -> Any:
    """Import xarray, rioxarray and Dask; return xarray, or raise ImportError naming the extra."""
    try:
        import dask.array  # noqa: F401
        import rioxarray  # noqa: F401  (registers the .rio accessor)
        import xarray
    except ImportError as exc:
        raise missing_extra("rasters as xarray DataArrays", "dask", exc) from exc
    return xarray


@dataclass(frozen=True)
class Grid:
    """A DataArray seen as one raster band: its 2-D values and their georeferencing."""

    data: Any  # 2-D numpy or Dask array
    crs: pyproj.CRS
    transform: Affine
    nodata: float | None
    units: str
    name: str
    description: str
    synthetic: bool

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return (int(self.data.shape[0]), int(self.data.shape[1]))

    @property
    def lazy(self) -> bool:
        """True for Dask-backed values."""
        return not isinstance(self.data, np.ndarray)

    def raster(self, values: npt.NDArray[Any] | None = None) -> Raster:
        """Give a Raster of this grid with ``values`` (default: one zero broadcast to its shape)."""
        dtype = np.dtype(self.data.dtype)
        if values is None:
            values = np.broadcast_to(np.zeros((), dtype=dtype), self.shape)
        nodata = self.nodata
        if nodata is not None and dtype.kind in "biu" and not float(nodata).is_integer():
            nodata = None  # e.g. NaN for whole numbers: nothing to mask
        return Raster(
            data=values,
            transform=self.transform,
            crs=self.crs,
            nodata=nodata,
            name=self.name,
            units=self.units,
            synthetic=self.synthetic,
            description=self.description,
        )


def _crs_of(da: xr.DataArray, name: str) -> pyproj.CRS:
    """Give the Mars CRS of a DataArray, read by rioxarray (the exact attribute preferred)."""
    try:
        rio = da.rio.crs
    except Exception as exc:  # rioxarray raises its own errors for odd CRS attributes
        msg = (
            f"{name} has a CRS rioxarray cannot read ({exc}); write a Mars CRS with "
            f"{name}.rio.write_crs(crs)."
        )
        raise CRSError(msg) from exc
    if rio is None:
        msg = (
            f"{name} has no CRS; marsgeo never assumes one. Write it with "
            f"{name}.rio.write_crs(crs), e.g. marsgeo.crs.M2020_LOCAL_EQC for the Mars 2020 "
            "team's local map projection."
        )
        raise CRSError(msg)
    found = raster_crs(pyproj.CRS.from_wkt(rio.to_wkt()), name=f"{name} crs")
    tag = da.attrs.get(CRS_TAG)
    if isinstance(tag, str):
        try:
            exact = pyproj.CRS.from_json(tag)
        except (pyproj.exceptions.CRSError, ValueError, TypeError):
            exact = None
        if exact is not None and same_grid_meaning(exact, found):
            return raster_crs(exact, name=f"{name} crs")
    return found


def _transform_of(da: xr.DataArray, name: str) -> Affine:
    t: Affine = da.rio.transform()
    if not all(math.isfinite(v) for v in t[:6]) or t.b != 0 or t.d != 0 or t.a == 0 or t.e == 0:
        msg = (
            f"{name} has transform {tuple(t)[:6]}; marsgeo needs north-up grids with finite, "
            "non-zero pixel sizes (x and y coordinates evenly spaced)."
        )
        raise InputError(msg)
    if t == Affine.identity():
        msg = f"{name} has no x and y coordinates; give it the coordinates of its pixel centres."
        raise InputError(msg)
    return t


def _plane(da: xr.DataArray, name: str, band: int | None) -> Any:
    """Give the 2-D values (rows, columns) of a DataArray, picking one band of a 3-D one."""
    y, x = da.rio.y_dim, da.rio.x_dim
    if da.ndim == 2 and da.dims == (y, x):
        return da.data
    if da.ndim == 3 and da.dims[1:] == (y, x):
        count = int(da.shape[0])
        if band is None and count == 1:
            return da.data[0]
        if band is not None and 1 <= band <= count:
            return da.data[band - 1]
        what = "one band" if band is None else f"band={band!r}"
        msg = (
            f"{name} has {count} bands along {da.dims[0]!r}; {what} is needed: pass "
            f"{name}.isel({da.dims[0]}=0) or a band from 1 to {count}."
        )
        raise InputError(msg)
    msg = (
        f"{name} has dimensions {da.dims}; a raster DataArray is ({y!r}, {x!r}) or "
        f"(band, {y!r}, {x!r}): transpose it, e.g. {name}.transpose('band', 'y', 'x')."
    )
    raise InputError(msg)


def _nodata_of(da: xr.DataArray) -> float | None:
    value = da.rio.nodata
    if value is None:
        value = da.rio.encoded_nodata
    return None if value is None else float(value)


def dataarray_grid(da: Any, *, name: str, band: int | None = None) -> Grid:
    """Check a DataArray raster and give its band as a :class:`Grid` (see the module notes)."""
    require_extra()
    import xarray

    if not isinstance(da, xarray.DataArray):  # pragma: no cover - callers check first
        msg = f"{name} is not an xarray.DataArray."
        raise InputError(msg)
    from rioxarray.exceptions import MissingSpatialDimensionError

    try:
        data = _plane(da, name, band)
    except MissingSpatialDimensionError as exc:
        msg = f"{name} has no x and y dimensions rioxarray recognises ({exc})."
        raise InputError(msg) from exc
    if np.dtype(data.dtype).kind not in "biuf":
        msg = f"{name} has dtype {data.dtype}; a raster holds numbers."
        raise InputError(msg)
    attrs = da.attrs
    units = attrs.get("units", attrs.get("UNITS", ""))
    return Grid(
        data=data,
        crs=_crs_of(da, name),
        transform=_transform_of(da, name),
        nodata=_nodata_of(da),
        units=str(units),
        name=str(da.name or attrs.get("NAME", "") or attrs.get("long_name", "") or ""),
        description=str(attrs.get("DESCRIPTION", "")),
        synthetic=str(attrs.get(SYNTHETIC_TAG, "")).lower() == "yes",
    )


def _like(da: xr.DataArray, grid: Grid, values: Any, attrs: dict[str, Any]) -> xr.DataArray:
    """Put ``values`` on ``da``'s (one-band) coordinates, with the exact CRS."""
    import xarray

    data = values[None] if da.ndim == 3 else values
    bare = xarray.DataArray(data, coords=da.coords, dims=da.dims, name=attrs.get("name"))
    out: xr.DataArray = bare.rio.write_crs(grid.crs.to_wkt())
    out.attrs.update({k: v for k, v in attrs.items() if k != "name"})
    out.attrs[CRS_TAG] = grid.crs.to_json()
    return out


def _with_nan(da: xr.DataArray) -> xr.DataArray:
    """Declare NaN the no-data value of a float result."""
    out: xr.DataArray = da.rio.write_nodata(np.nan, encoded=False)
    return out


def _chunk_block(
    x: npt.NDArray[Any],
    *,
    steps: GridSteps,
    chunks: tuple[tuple[int, ...], tuple[int, ...]],
    nodata: float | None,
    valid: tuple[float, float],
    light: tuple[float, float, float] | None,
    block_id: tuple[int, int] | None = None,
) -> npt.NDArray[np.float32]:
    """Terrain of one chunk, given with the halo ``map_overlap`` adds inside the raster."""
    assert block_id is not None
    i, j = block_id
    r0 = sum(chunks[0][:i])
    c0 = sum(chunks[1][:j])
    block: Block = (r0, r0 + chunks[0][i], c0, c0 + chunks[1][j])
    borders = (i == 0, i == len(chunks[0]) - 1, j == 0, j == len(chunks[1]) - 1)
    return terrain_block(
        x, steps=steps, block=block, borders=borders, nodata=nodata, valid=valid, light=light
    )


def terrain_dataarray(
    da: Any, *, sun: tuple[float, float] | None, progress: bool | None
) -> xr.DataArray:
    """Slope (``sun=None``) or hillshade of a DataArray DTM, lazily when it is Dask-backed.

    ``sun`` is the checked (azimuth, altitude) of the light [deg].
    """
    # the Raster-only kernels (marsgeo._slope's slope_deg and hillshade call this function)
    from marsgeo._dtm import check_elevation_grid
    from marsgeo._horn import describe, hillshade_raster, slope_raster, sun_vector
    from marsgeo._products import MARS_HIGHEST_ELEV_M, MARS_LOWEST_ELEV_M

    progress = optional_flag(progress, name="progress")
    grid = dataarray_grid(da, name="dtm")
    check_elevation_grid(grid.raster(), name="dtm")
    what = "slope" if sun is None else "hillshade"
    attrs = {
        "name": what,
        "units": "deg" if sun is None else "",
        "long_name": what,
        "DESCRIPTION": describe(
            "slope (Horn's method)" if sun is None else "hillshade",
            origin=grid.description or grid.name,
            synthetic=grid.synthetic,
        ),
        SYNTHETIC_TAG: "yes" if grid.synthetic else "no",
    }
    if not grid.lazy:
        raster = grid.raster(np.asarray(grid.data))
        if sun is None:
            done = slope_raster(raster, progress=progress)
        else:
            done = hillshade_raster(
                raster, azimuth_deg=sun[0], altitude_deg=sun[1], progress=progress
            )
        return _with_nan(_like(da, grid, done.data, attrs))
    data = grid.data
    kernel = partial(
        _chunk_block,
        steps=plan_steps(grid.crs, grid.transform, grid.shape),
        chunks=data.chunks,
        nodata=grid.nodata,
        valid=(MARS_LOWEST_ELEV_M, MARS_HIGHEST_ELEV_M),
        light=None if sun is None else sun_vector(*sun),
    )
    out = data.map_overlap(
        kernel,
        depth=1,
        boundary="none",
        trim=False,
        chunks=data.chunks,
        dtype=np.float32,
        meta=np.array((), dtype=np.float32),
    )
    return _with_nan(_like(da, grid, out, attrs))


def _hazard_chunk(
    values: npt.NDArray[Any], *extras: npt.NDArray[Any], limit: float, nodata: float | None
) -> npt.NDArray[np.bool_]:
    unknown = no_data_cells(values, nodata)
    with np.errstate(invalid="ignore"):
        hazard = ~unknown & (values > limit)
    for extra in extras:
        hazard |= np.nan_to_num(extra.astype(np.float32), nan=0.0) != 0
    return hazard | unknown


def _as_list(extra: Any) -> list[Any]:
    if extra is None:
        return []
    return list(extra) if isinstance(extra, (list, tuple)) else [extra]


def _extra_planes(extra: Any, grid: Grid) -> list[Any]:
    """Give the 2-D values of the user's hazard DataArrays, which must share the slope's grid."""
    planes = []
    for k, layer in enumerate(_as_list(extra)):
        if not is_dataarray(layer):
            msg = (
                f"extra holds a {type(layer).__name__}; with a DataArray slope pass DataArrays "
                "on its grid (layer.rio.reproject_match(slope) puts one there)."
            )
            raise InputError(msg)
        other = dataarray_grid(layer, name=f"extra[{k}]")
        if other.shape != grid.shape or other.transform != grid.transform:
            msg = (
                f"extra[{k}] is on another grid than the slope ({other.shape} px, "
                f"{tuple(other.transform)[:6]}); put it on the slope's grid first with "
                "layer.rio.reproject_match(slope, resampling=Resampling.nearest)."
            )
            raise InputError(msg)
        if not same_grid_meaning(other.crs, grid.crs):
            msg = f"extra[{k}] is in another CRS than the slope; reproject it onto its grid."
            raise CRSError(msg)
        planes.append(other.data)
    return planes


def hazard_dataarray(slope: Any, *, max_slope_deg: float, extra: Any) -> xr.DataArray:
    """Hazard mask of a DataArray slope [deg], lazily when it is Dask-backed.

    The rule names cells without data whenever the result is lazy (they are hazards, if any).
    """
    from marsgeo._dtm import NO_DATA_RULE

    grid = dataarray_grid(slope, name="slope")
    if grid.units != "deg" or np.dtype(grid.data.dtype).kind == "b":
        msg = (
            "slope must be a slope in degrees (from marsgeo.basemap.slope_deg, units 'deg'); "
            f"got units {grid.units!r}."
        )
        raise InputError(msg)
    planes = _extra_planes(extra, grid)
    names = [str(getattr(p, "name", None) or "user layer") for p in _as_list(extra)]
    rule = f"slope > {max_slope_deg:g} deg" + "".join(f" or {n}" for n in names)
    kernel = partial(_hazard_chunk, limit=max_slope_deg, nodata=grid.nodata)
    if grid.lazy:
        import dask.array as dsa_

        dsa: Any = dsa_  # untyped
        planes = [dsa.asarray(p).rechunk(grid.data.chunks) for p in planes]
        values = dsa.map_blocks(
            kernel, grid.data, *planes, dtype=bool, meta=np.array((), dtype=bool)
        )
    else:
        values = kernel(np.asarray(grid.data), *[np.asarray(p) for p in planes])
    if grid.lazy or no_data_cells(np.asarray(grid.data), grid.nodata).any():
        rule += f" or {NO_DATA_RULE}"
    attrs = {
        "name": "hazard",
        "units": "",
        "HAZARD_RULE": rule,
        "DESCRIPTION": f"hazard ({rule}) of {grid.description or grid.name or 'a slope'}",
        SYNTHETIC_TAG: "yes" if grid.synthetic else "no",
    }
    return _like(slope, grid, values, attrs)


def pick(grid: Grid, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64]) -> Any:
    """Values of a grid at pixels, as floats (NaN for no data); computes Dask-backed ones."""
    if grid.lazy:
        picked = np.asarray(grid.data.vindex[rows, cols].compute())
    else:
        picked = np.asarray(grid.data)[rows, cols]
    values = picked.astype(float)
    values[no_data_cells(picked, grid.nodata)] = np.nan
    return values
