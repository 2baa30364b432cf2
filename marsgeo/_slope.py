"""Slope and hillshade of a DTM: a Raster, or an xarray DataArray (private).

Public names are re-exported by :mod:`marsgeo.basemap`. A Raster is worked out in memory block
by block (:mod:`marsgeo._horn`); a DataArray goes through :mod:`marsgeo._xarray`, lazily when it
is Dask-backed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

from marsgeo._horn import check_sun, hillshade_raster, slope_raster
from marsgeo._xarray import is_dataarray

if TYPE_CHECKING:
    import xarray as xr

    from marsgeo._raster import Raster


@overload
def slope_deg(dtm: Raster, *, progress: bool | None = None) -> Raster: ...
@overload
def slope_deg(dtm: xr.DataArray, *, progress: bool | None = None) -> xr.DataArray: ...
def slope_deg(dtm: Raster | xr.DataArray, *, progress: bool | None = None) -> Raster | xr.DataArray:
    """Slope [deg] of a DTM by Horn's method, with true ground pixel sizes on Mars.

    Worked out block by block (with the one-pixel overlap Horn's method needs), so the
    memory it needs beyond the result stays small for any DTM size. Ground steps are
    geodesics on the DTM's body, measured once per row on geographic and cylindrical grids
    (the USGS equirectangular products) and on a checked lattice on other projections.

    Parameters
    ----------
    dtm
        Elevations in metres, in any Mars CRS (projected or geographic): a :class:`Raster`,
        or an :class:`xarray.DataArray` with a Mars CRS (``dtm.rio.crs``), 2-D or with one
        ``band``, as ``rioxarray.open_rasterio(path, chunks=...)`` gives (extra
        ``marsgeo[dask]``). A Dask-backed array gives a lazy result, computed with
        ``dask.array.map_overlap`` wherever Dask runs (a ``dask.distributed`` cluster too).
    progress
        Show a progress bar (default: in a terminal or Jupyter, for large DTMs; a lazy
        result shows none: Dask's own diagnostics follow its computation).

    Returns
    -------
    Raster or xarray.DataArray
        As ``dtm``: same grid, ``name="slope"``, ``units="deg"``; NaN where the DTM has no
        data (or holds values outside Mars's elevation range).

    Examples
    --------
    >>> from marsgeo.basemap import synthetic_dtm
    >>> slope = slope_deg(synthetic_dtm(size_m=400, resolution_m=4))
    >>> slope.units, slope.shape, bool(float(slope.data.max()) < 90)
    ('deg', (100, 100), True)
    """
    if is_dataarray(dtm):
        from marsgeo._xarray import terrain_dataarray

        return terrain_dataarray(dtm, sun=None, progress=progress)
    return slope_raster(dtm, progress=progress)


@overload
def hillshade(
    dtm: Raster,
    *,
    azimuth_deg: float = 315.0,
    altitude_deg: float = 45.0,
    progress: bool | None = None,
) -> Raster: ...
@overload
def hillshade(
    dtm: xr.DataArray,
    *,
    azimuth_deg: float = 315.0,
    altitude_deg: float = 45.0,
    progress: bool | None = None,
) -> xr.DataArray: ...
def hillshade(
    dtm: Raster | xr.DataArray,
    *,
    azimuth_deg: float = 315.0,
    altitude_deg: float = 45.0,
    progress: bool | None = None,
) -> Raster | xr.DataArray:
    """Hillshade of a DTM: the cosine of the angle between sun and surface normal, 0..1.

    Worked out block by block, as :func:`slope_deg`.

    Parameters
    ----------
    dtm
        Elevations in metres: a :class:`Raster` or an :class:`xarray.DataArray` (see
        :func:`slope_deg`).
    azimuth_deg
        Direction the light comes from, clockwise from north (315 = north-west).
    altitude_deg
        Sun elevation above the horizon, in (0, 90].
    progress
        Show a progress bar (default: in a terminal or Jupyter, for large DTMs).

    Returns
    -------
    Raster or xarray.DataArray
        As ``dtm``: same grid, ``name="hillshade"``, values 0 (in shadow) .. 1 (facing the
        sun).
    """
    sun = check_sun(azimuth_deg, altitude_deg)
    if is_dataarray(dtm):
        from marsgeo._xarray import terrain_dataarray

        return terrain_dataarray(dtm, sun=sun, progress=progress)
    return hillshade_raster(dtm, azimuth_deg=sun[0], altitude_deg=sun[1], progress=progress)
