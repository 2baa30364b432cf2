"""Hazards of terrain: masks from slope and user layers, and their polygons (private).

Public names are re-exported by :mod:`marsgeo.basemap`. Masks and polygons are worked out block
by block (:mod:`marsgeo._blocks`); polygons that cross block edges are merged, so results are
those of the whole raster. Cells without elevation data are hazards (:data:`NO_DATA_RULE`):
unknown terrain is not safe terrain. A DataArray slope goes through :mod:`marsgeo._xarray`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import rasterio.warp

from marsgeo._blocks import Block, block_transform, blocks, merged, pieces, to_grid_crs
from marsgeo._dtm import NO_DATA_RULE, check_dtm
from marsgeo._horn import derived, gradient_block, show_progress
from marsgeo._numbers import optional_flag, real_number
from marsgeo._progress import Progress
from marsgeo._raster import Raster, as_raster, no_data_cells
from marsgeo._raster_crs import check_warpable, crs_frame, rio_crs
from marsgeo._steps import plan_steps
from marsgeo._terrain import synthetic_dtm
from marsgeo._xarray import is_dataarray
from marsgeo.crs import to_mars_geographic
from marsgeo.distance import geodesic_area_perimeter
from marsgeo.errors import InputError

if TYPE_CHECKING:
    import xarray as xr


def _onto(raster: Raster, like: Raster, block: Block) -> npt.NDArray[Any]:
    """Resample a raster onto a block of another's grid (nearest), e.g. a user hazard layer."""
    r0, r1, c0, c1 = block
    if (
        raster.shape == like.shape
        and raster.transform == like.transform
        and (raster.crs == like.crs)
    ):
        return raster.data[r0:r1, c0:c1]
    src = raster.data.astype(np.float32)
    out = np.full((r1 - r0, c1 - c0), np.nan, dtype=np.float32)
    rasterio.warp.reproject(
        src,
        out,
        src_transform=raster.transform,
        src_crs=rio_crs(raster.crs),
        src_nodata=np.nan,
        dst_transform=block_transform(like.transform, r0, c0),
        dst_crs=rio_crs(like.crs),
        dst_nodata=np.nan,
        resampling=rasterio.warp.Resampling.nearest,
    )
    return out


def _check_slope(slope: Any) -> Raster:
    if not isinstance(slope, Raster) or slope.units != "deg" or slope.data.dtype.kind == "b":
        msg = (
            "slope must be a slope Raster in degrees (from marsgeo.basemap.slope_deg); "
            f"got {getattr(slope, 'units', type(slope).__name__)!r}."
        )
        raise InputError(msg)
    return slope


def _extra_layers(extra: Any, like: Raster) -> list[Raster]:
    """Check the user's hazard layers (a Raster, a list of them, or None) against a grid."""
    if extra is None:
        layers = []
    elif isinstance(extra, Raster):
        layers = [extra]
    elif isinstance(extra, (list, tuple)):
        layers = list(extra)
    else:
        msg = (
            f"extra={extra!r} is not a Raster or a list of Rasters; pass your hazard "
            "rasters (non-zero = hazard)."
        )
        raise InputError(msg)
    for layer in layers:
        if not isinstance(layer, Raster):
            msg = f"extra holds a {type(layer).__name__}; pass marsgeo Rasters."
            raise InputError(msg)
        same = (
            layer.shape == like.shape
            and layer.transform == like.transform
            and layer.crs == like.crs
        )
        if same:
            continue
        if crs_frame(layer.crs) != crs_frame(like.crs):
            msg = (
                f"extra raster {layer.name!r} sits on another geographic frame than the slope "
                "raster; reproject it onto the same body frame first."
            )
            raise InputError(msg)
        check_warpable(layer.crs, layer.bounds, name=f"extra raster {layer.name!r}: crs")
        check_warpable(like.crs, like.bounds, name="slope raster crs")
    return layers


def _hazard_layers(
    values: npt.NDArray[Any],
    nodata: float | None,
    *,
    like: Raster,
    block: Block,
    max_slope_deg: float,
    layers: list[Raster],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Cells of a block of slopes that are hazards by slope or user layers, and no-data cells."""
    unknown = no_data_cells(values, nodata)
    with np.errstate(invalid="ignore"):
        steep = ~unknown & (values > max_slope_deg)
    for layer in layers:
        on = _onto(layer, like, block)
        steep |= np.nan_to_num(on.astype(np.float32), nan=0.0) != 0
    return steep, unknown


def _rule(max_slope_deg: float, layers: list[Raster]) -> str:
    return f"slope > {max_slope_deg:g} deg" + "".join(
        f" or {layer.name or 'user layer'}" for layer in layers
    )


def _max_slope(value: Any) -> float:
    return real_number(
        value,
        name="max_slope_deg",
        fix="pass an angle between 0 and 90 degrees (exclusive), e.g. 15",
        low=0.0,
        low_open=True,
        high=90.0,
        high_open=True,
    )


@overload
def hazard_mask(
    slope: Raster,
    *,
    max_slope_deg: float = 15.0,
    extra: Raster | list[Raster] | None = None,
    progress: bool | None = None,
) -> Raster: ...
@overload
def hazard_mask(
    slope: xr.DataArray,
    *,
    max_slope_deg: float = 15.0,
    extra: xr.DataArray | list[xr.DataArray] | None = None,
    progress: bool | None = None,
) -> xr.DataArray: ...
def hazard_mask(
    slope: Raster | xr.DataArray,
    *,
    max_slope_deg: float = 15.0,
    extra: Any = None,
    progress: bool | None = None,
) -> Raster | xr.DataArray:
    """Boolean hazard raster: too steep, unknown, or flagged by any extra raster.

    Parameters
    ----------
    slope
        Slope in degrees (from :func:`slope_deg`): a :class:`Raster`, or an
        :class:`xarray.DataArray` (lazy when it is Dask-backed).
    max_slope_deg
        Steepest safe slope, in (0, 90) degrees. Cells steeper than this are hazards.
    extra
        A Raster or a list of Rasters of user hazards (e.g. rock abundance thresholded by
        you): non-zero cells are hazards. Resampled (nearest) onto the slope grid. For a
        DataArray slope: DataArrays on the slope's own grid.
    progress
        Show a progress bar (default: in a terminal or Jupyter, for large rasters).

    Returns
    -------
    Raster or xarray.DataArray
        ``dtype=bool``, True = hazard. Cells with no slope value (no elevation data) are
        hazards: unknown terrain is not safe terrain. The ``HAZARD_RULE`` tag (attribute of a
        DataArray) says which rules made hazards, naming "no elevation data" when there was
        none somewhere (always, for a lazy result).
    """
    if is_dataarray(slope):
        from marsgeo._xarray import hazard_dataarray

        return hazard_dataarray(slope, max_slope_deg=_max_slope(max_slope_deg), extra=extra)
    raster = _check_slope(slope)
    limit = _max_slope(max_slope_deg)
    progress = optional_flag(progress, name="progress")
    layers = _extra_layers(extra, raster)
    mask = np.empty(raster.shape, dtype=bool)
    unknown_somewhere = False
    parts = blocks(raster.shape)
    with Progress(len(parts), "hazards", enabled=show_progress(progress, len(parts))) as bar:
        for block in parts:
            r0, r1, c0, c1 = block
            steep, unknown = _hazard_layers(
                raster.data[r0:r1, c0:c1],
                raster.nodata,
                like=raster,
                block=block,
                max_slope_deg=limit,
                layers=layers,
            )
            mask[r0:r1, c0:c1] = steep | unknown
            unknown_somewhere = unknown_somewhere or bool(unknown.any())
            bar.update()
    why = _rule(limit, layers)
    if unknown_somewhere:
        why += f" or {NO_DATA_RULE}"
    return raster.with_data(
        mask,
        name="hazard",
        units="",
        nodata=None,
        description=derived(raster, f"hazard ({why})"),
        tags={**raster.tags, "HAZARD_RULE": why},
    )


def _polygons(like: Raster, polys: list[Any], rule: str) -> gpd.GeoDataFrame:
    """Polygons of pixel corners on ``like``'s grid as a GeoDataFrame in MARS_GEOGRAPHIC."""
    gdf = gpd.GeoDataFrame(
        {"rule": [rule] * len(polys), "synthetic": [like.synthetic] * len(polys)},
        geometry=to_grid_crs(polys, like.transform) if polys else [],
        crs=like.crs,
    )
    gdf = to_mars_geographic(gdf)
    gdf["area_m2"] = geodesic_area_perimeter(gdf)["area_m2"].to_numpy()
    return gdf


def _finish(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gdf = gdf.reset_index(drop=True)
    gdf.index.name = "hazard_id"
    return gdf


class _Traced:
    """Polygon pieces of one kind of cell, gathered block by block and merged at the end."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = shape
        self.closed: list[Any] = []
        self.open: list[Any] = []

    def add(self, cells: npt.NDArray[np.bool_], block: Block) -> None:
        closed, open_ = pieces(cells, block, self.shape)
        self.closed += closed
        self.open += open_

    def polygons(self) -> list[Any]:
        return merged(self.closed, self.open)


def hazard_polygons(mask: Raster, *, progress: bool | None = None) -> gpd.GeoDataFrame:
    """Turn a boolean hazard raster into polygons in MARS_GEOGRAPHIC.

    Traced block by block; polygons that cross block edges are merged, so the result is that
    of the whole raster.

    Parameters
    ----------
    mask
        A boolean Raster, True = hazard (from :func:`hazard_mask`).
    progress
        Show a progress bar (default: in a terminal or Jupyter, for large rasters).

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``hazard_id``; columns ``rule`` (why it is a hazard), ``synthetic`` and
        ``area_m2`` (geodesic); Polygon geometry, in the order of their top-left pixels.
    """
    if not isinstance(mask, Raster) or mask.data.dtype != bool:
        msg = "mask must be a boolean Raster (from marsgeo.basemap.hazard_mask)."
        raise InputError(msg)
    progress = optional_flag(progress, name="progress")
    rule = mask.tags.get("HAZARD_RULE", mask.description)
    traced = _Traced(mask.shape)
    parts = blocks(mask.shape)
    with Progress(
        len(parts), "hazard polygons", enabled=show_progress(progress, len(parts))
    ) as bar:
        for block in parts:
            r0, r1, c0, c1 = block
            traced.add(mask.data[r0:r1, c0:c1], block)
            bar.update()
    return _finish(_polygons(mask, traced.polygons(), rule))


def hazard_areas(raster: Raster | str, *, progress: bool | None = None) -> gpd.GeoDataFrame:
    """Hazard polygons from a boolean mask, a slope raster [deg] or a DTM [m].

    A mask is taken as it is; slopes and DTMs use :func:`hazard_mask`'s default threshold,
    and cells without elevation data become polygons of their own, with the rule
    :data:`NO_DATA_RULE`, apart from those too steep. ``"synthetic"`` is marsgeo's labelled
    synthetic DTM (as ``load_dtm(None)``). The pickup planner's and the web map's hazards
    from terrain both come from here. A DTM is worked block by block straight to polygons,
    without a slope raster of its size.

    Parameters
    ----------
    raster
        A marsgeo Raster (mask, slope in degrees, or DTM in metres), or ``"synthetic"``.
    progress
        Show a progress bar (default: in a terminal or Jupyter, for large rasters).

    Returns
    -------
    geopandas.GeoDataFrame
        Polygons in the raster's CRS with a ``rule`` column saying why each is a hazard.
    """
    if isinstance(raster, str) and raster.strip().lower() == "synthetic":
        raster = synthetic_dtm()
    raster = as_raster(raster, name="hazard")
    if raster.data.dtype == bool:
        return hazard_polygons(raster, progress=progress)
    progress = optional_flag(progress, name="progress")
    steps = None
    if raster.units != "deg":  # a DTM: slopes block by block
        raster = check_dtm(raster, name="hazard")
        steps = plan_steps(raster.crs, raster.transform, raster.shape)
    steep, unknown = _Traced(raster.shape), _Traced(raster.shape)
    parts = blocks(raster.shape)
    with Progress(len(parts), "hazards", enabled=show_progress(progress, len(parts))) as bar:
        for block in parts:
            r0, r1, c0, c1 = block
            if steps is None:
                values: npt.NDArray[Any] = raster.data[r0:r1, c0:c1]
                nodata = raster.nodata
            else:
                values, nodata = gradient_block(raster, steps, block, None), None
            s, u = _hazard_layers(
                values, nodata, like=raster, block=block, max_slope_deg=15.0, layers=[]
            )
            steep.add(s, block)
            unknown.add(u, block)
            bar.update()
    parts_ = [_polygons(raster, steep.polygons(), _rule(15.0, []))]
    no_data = unknown.polygons()
    if no_data:
        parts_.append(_polygons(raster, no_data, NO_DATA_RULE))
    return _finish(pd.concat(parts_))
