"""Terrain from a DTM: slope, hillshade, hazard masks; and marsgeo's synthetic DTM (private).

Public names are re-exported by :mod:`marsgeo.basemap`.

Elevations outside Mars's physical range (:data:`MARS_LOWEST_ELEV_M` to
:data:`MARS_HIGHEST_ELEV_M` from the areoid) are not terrain: a corrupt block
or an undeclared nodata value such as -3.4e38. They count as "no elevation data", never as a
cliff. Slope and hillshade work in strips of rows, so their temporary memory stays small
whatever the DTM's size.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import rasterio.features
import rasterio.warp
import shapely
from affine import Affine

from marsgeo._raster import (
    STRIP_PIXELS,
    Raster,
    as_raster,
    check_pixels,
    check_warpable,
    crs_frame,
    no_data_cells,
    open_raster,
    pixel_bound,
    pixel_xy,
    read_window,
    real_number,
    rio_crs,
    sample_raster,
    whole_number,
)
from marsgeo.crs import (
    M2020_LOCAL_EQC,
    from_mars_lonlat,
    mars_geod,
    to_mars_geographic,
    to_mars_lonlat,
)
from marsgeo.distance import geodesic_area_perimeter, geodetic_lat
from marsgeo.errors import DataFileError, InputError, MarsGeoError

if TYPE_CHECKING:
    from marsgeo.typing import AreaLike, CRSLike, RasterSource

FloatArray = npt.NDArray[np.float64]

#: Seed of the synthetic terrain: the sol of the first drop at Three Forks.
SYNTHETIC_SEED = 653
#: Mean elevation of the ten tubes above the areoid [m] (reference positions table).
DEPOT_MEAN_ELEV_M = -2545.266
#: Lowest elevation a Mars DTM can hold [m]: the floor of Hellas lies about 8.2 km below the
#: areoid (approximate).
MARS_LOWEST_ELEV_M = -9000.0
#: Highest elevation a Mars DTM can hold [m]: Olympus Mons rises about 21-22 km above the
#: areoid (approximate).
MARS_HIGHEST_ELEV_M = 22000.0
#: Tag that records elevations found outside that range and treated as no data.
BAD_ELEVATION_TAG = "MARSGEO_BAD_ELEVATION"
NO_DATA_RULE = "no elevation data (unknown terrain)"
_METRES = ("m", "metre", "meter", "metres", "meters", "")


def _ground_steps(
    raster: Raster, r0: int, r1: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per pixel of rows r0..r1-1: ground length [m] of a column and a row step, and azimuths.

    Measured as geodesics on the raster's body between the midpoints of opposite pixel
    edges, so projection scale (e.g. 1/cos(lat) in a global equirectangular), west-positive
    axes and grid convergence are all accounted for.
    """
    w = raster.shape[1]
    t = raster.transform
    rows = np.arange(r0, r1) + 0.5
    cols = np.arange(w) + 0.5
    # left/right edge midpoints of every pixel, and top/bottom ones
    cl, rl = np.meshgrid(cols - 0.5, rows)
    cr, rr = np.meshgrid(cols + 0.5, rows)
    ct, rt = np.meshgrid(cols, rows - 0.5)
    cb, rb = np.meshgrid(cols, rows + 0.5)
    g = mars_geod(raster.crs)

    def lonlat(c: FloatArray, r: FloatArray) -> tuple[FloatArray, FloatArray]:
        x, y = pixel_xy(t, c.ravel(), r.ravel())
        lon, lat = to_mars_lonlat(x, y, raster.crs, check=False)
        return lon, geodetic_lat(lat, g)

    l_lon, l_lat = lonlat(cl, rl)
    r_lon, r_lat = lonlat(cr, rr)
    t_lon, t_lat = lonlat(ct, rt)
    b_lon, b_lat = lonlat(cb, rb)
    az_c, _, dx = g.inv(l_lon, l_lat, r_lon, r_lat)
    az_r, _, dy = g.inv(t_lon, t_lat, b_lon, b_lat)
    shape = (r1 - r0, w)
    return (
        np.asarray(dx).reshape(shape),
        np.asarray(dy).reshape(shape),
        np.radians(np.asarray(az_c)).reshape(shape),
        np.radians(np.asarray(az_r)).reshape(shape),
    )


def _check_dtm(value: Any, *, name: str = "dtm") -> Raster:
    dtm = as_raster(value, name=name)
    if dtm.units not in _METRES:
        msg = (
            f"{name} has units {dtm.units!r}; slope needs elevations in metres. Convert "
            "the values and pass dtm.with_data(values, units='m')."
        )
        raise InputError(msg)
    if dtm.data.dtype.kind == "b":
        msg = (
            f"{name} holds True/False values (a mask?); terrain needs elevations in metres, "
            "e.g. from load_dtm or read_raster."
        )
        raise InputError(msg)
    if min(dtm.shape) < 3:
        msg = f"{name} is {dtm.shape[1]}x{dtm.shape[0]} px; terrain needs at least 3x3."
        raise InputError(msg)
    return dtm


def _elevations(dtm: Raster, r0: int, r1: int) -> FloatArray:
    """Rows r0..r1-1 of a DTM as float metres; no data and impossible values become NaN."""
    part = dtm.data[r0:r1]
    z = part.astype(float)
    z[no_data_cells(part, dtm.nodata) | _impossible(part, dtm.nodata)] = np.nan
    return z


def _strips(dtm: Raster) -> list[tuple[int, int]]:
    h, w = dtm.shape
    k = max(1, STRIP_PIXELS // w)
    return [(r0, min(h, r0 + k)) for r0 in range(0, h, k)]


def _gradient_en(dtm: Raster, r0: int, r1: int) -> tuple[FloatArray, FloatArray]:
    """dz/d(east) and dz/d(north) by Horn's method, for rows r0..r1-1.

    The border is extrapolated linearly (odd reflection), which is exact for planes; GDAL's
    edge replication would halve the gradient along the edges.
    """
    h = dtm.shape[0]
    z = _elevations(dtm, max(r0 - 1, 0), min(r1 + 1, h))
    if r0 == 0:
        z = np.vstack([2 * z[0] - z[1], z])
    if r1 == h:
        z = np.vstack([z, 2 * z[-1] - z[-2]])
    z = np.pad(z, ((0, 0), (1, 1)), mode="reflect", reflect_type="odd")
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g_, hh, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dx, dy, az_c, az_r = _ground_steps(dtm, r0, r1)
    gc = ((c + 2 * f + i) - (a + 2 * d + g_)) / (8.0 * dx)  # along +column
    gr = ((g_ + 2 * hh + i) - (a + 2 * b + c)) / (8.0 * dy)  # along +row
    dzde = gc * np.sin(az_c) + gr * np.sin(az_r)
    dzdn = gc * np.cos(az_c) + gr * np.cos(az_r)
    return dzde, dzdn


def slope_deg(dtm: Raster) -> Raster:
    """Slope [deg] of a DTM by Horn's method, with true ground pixel sizes on Mars.

    Worked out in strips of rows, so the memory it needs beyond the result stays small for
    any DTM size.

    Parameters
    ----------
    dtm
        Elevations in metres, in any Mars CRS (projected or geographic).

    Returns
    -------
    Raster
        Same grid, ``name="slope"``, ``units="deg"``; NaN where the DTM has no data (or holds
        values outside Mars's elevation range).
    """
    dtm = _check_dtm(dtm)
    out = np.empty(dtm.shape, dtype=np.float32)
    for r0, r1 in _strips(dtm):
        dzde, dzdn = _gradient_en(dtm, r0, r1)
        out[r0:r1] = np.degrees(np.arctan(np.hypot(dzde, dzdn)))
    return dtm.with_data(
        out,
        name="slope",
        units="deg",
        nodata=None,
        description=_derived(dtm, "slope (Horn's method)"),
    )


def hillshade(dtm: Raster, *, azimuth_deg: float = 315.0, altitude_deg: float = 45.0) -> Raster:
    """Hillshade of a DTM: the cosine of the angle between sun and surface normal, 0..1.

    Parameters
    ----------
    dtm
        Elevations in metres.
    azimuth_deg
        Direction the light comes from, clockwise from north (315 = north-west).
    altitude_deg
        Sun elevation above the horizon, in (0, 90].

    Returns
    -------
    Raster
        Same grid, ``name="hillshade"``, values 0 (in shadow) .. 1 (facing the sun).
    """
    azimuth_deg = real_number(
        azimuth_deg, name="azimuth_deg", fix="pass a finite azimuth in degrees, e.g. 315"
    )
    altitude_deg = real_number(
        altitude_deg,
        name="altitude_deg",
        fix="pass a sun altitude in (0, 90] degrees",
        low=0.0,
        low_open=True,
        high=90.0,
    )
    dtm = _check_dtm(dtm)
    az, alt = math.radians(azimuth_deg), math.radians(altitude_deg)
    light = (math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt))
    out = np.empty(dtm.shape, dtype=np.float32)
    for r0, r1 in _strips(dtm):
        dzde, dzdn = _gradient_en(dtm, r0, r1)
        shade = (-dzde * light[0] - dzdn * light[1] + light[2]) / np.sqrt(1 + dzde**2 + dzdn**2)
        out[r0:r1] = np.clip(shade, 0, 1)
    return dtm.with_data(
        out,
        name="hillshade",
        units="",
        nodata=None,
        description=_derived(dtm, "hillshade"),
    )


def _derived(src: Raster, what: str) -> str:
    origin = src.description or src.name or "a DTM"
    prefix = "SYNTHETIC: " if src.synthetic else ""
    return f"{prefix}{what} of {origin}"


def _onto(raster: Raster, like: Raster) -> npt.NDArray[Any]:
    """Resample a raster onto another's grid (nearest), e.g. a user hazard layer."""
    if (
        raster.shape == like.shape
        and raster.transform == like.transform
        and (raster.crs == like.crs)
    ):
        return raster.data
    if crs_frame(raster.crs) != crs_frame(like.crs):
        msg = (
            f"extra raster {raster.name!r} sits on another geographic frame than the slope "
            "raster; reproject it onto the same body frame first."
        )
        raise InputError(msg)
    check_warpable(raster.crs, raster.bounds, name=f"extra raster {raster.name!r}: crs")
    check_warpable(like.crs, like.bounds, name="slope raster crs")
    src = raster.data.astype(np.float32)
    out = np.full(like.shape, np.nan, dtype=np.float32)
    rasterio.warp.reproject(
        src,
        out,
        src_transform=raster.transform,
        src_crs=rio_crs(raster.crs),
        src_nodata=np.nan,
        dst_transform=like.transform,
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


def _hazard_layers(
    slope: Raster, max_slope_deg: float, extra: Any
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], str]:
    """Cells that are hazards by slope or user layers, cells without data, and the rule."""
    values = slope.data
    unknown = no_data_cells(values, slope.nodata)
    with np.errstate(invalid="ignore"):
        steep = ~unknown & (values > max_slope_deg)
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
    names = []
    for layer in layers:
        if not isinstance(layer, Raster):
            msg = f"extra holds a {type(layer).__name__}; pass marsgeo Rasters."
            raise InputError(msg)
        on = _onto(layer, slope)
        steep |= np.nan_to_num(on.astype(np.float32), nan=0.0) != 0
        names.append(layer.name or "user layer")
    why = f"slope > {max_slope_deg:g} deg" + "".join(f" or {n}" for n in names)
    return steep, unknown, why


def hazard_mask(
    slope: Raster, *, max_slope_deg: float = 15.0, extra: Raster | list[Raster] | None = None
) -> Raster:
    """Boolean hazard raster: too steep, unknown, or flagged by any extra raster.

    Parameters
    ----------
    slope
        Slope raster in degrees (from :func:`slope_deg`).
    max_slope_deg
        Steepest safe slope, in (0, 90) degrees. Cells steeper than this are hazards.
    extra
        A Raster or a list of Rasters of user hazards (e.g. rock abundance thresholded by
        you): non-zero cells are hazards. Resampled (nearest) onto the slope grid.

    Returns
    -------
    Raster
        ``dtype=bool``, True = hazard. Cells with no slope value (no elevation data) are
        hazards: unknown terrain is not safe terrain. The ``HAZARD_RULE`` tag says which
        rules made hazards, naming "no elevation data" when there was none somewhere.
    """
    slope = _check_slope(slope)
    max_slope_deg = real_number(
        max_slope_deg,
        name="max_slope_deg",
        fix="pass an angle between 0 and 90 degrees (exclusive), e.g. 15",
        low=0.0,
        low_open=True,
        high=90.0,
        high_open=True,
    )
    steep, unknown, why = _hazard_layers(slope, max_slope_deg, extra)
    if unknown.any():
        why += f" or {NO_DATA_RULE}"
    return slope.with_data(
        steep | unknown,
        name="hazard",
        units="",
        nodata=None,
        description=_derived(slope, f"hazard ({why})"),
        tags={**slope.tags, "HAZARD_RULE": why},
    )


def _polygons(mask: Raster, cells: npt.NDArray[np.bool_], rule: str) -> gpd.GeoDataFrame:
    shapes = rasterio.features.shapes(cells.astype(np.uint8), mask=cells, transform=mask.transform)
    polys = [shapely.geometry.shape(geom) for geom, value in shapes if value == 1]
    gdf = gpd.GeoDataFrame(
        {"rule": [rule] * len(polys), "synthetic": [mask.synthetic] * len(polys)},
        geometry=polys,
        crs=mask.crs,
    )
    gdf = to_mars_geographic(gdf)
    gdf["area_m2"] = geodesic_area_perimeter(gdf)["area_m2"].to_numpy()
    return gdf


def _finish(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gdf = gdf.reset_index(drop=True)
    gdf.index.name = "hazard_id"
    return gdf


def hazard_polygons(mask: Raster) -> gpd.GeoDataFrame:
    """Turn a boolean hazard raster into polygons in MARS_GEOGRAPHIC.

    Parameters
    ----------
    mask
        A boolean Raster, True = hazard (from :func:`hazard_mask`).

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``hazard_id``; columns ``rule`` (why it is a hazard), ``synthetic`` and
        ``area_m2`` (geodesic); Polygon geometry.
    """
    if not isinstance(mask, Raster) or mask.data.dtype != bool:
        msg = "mask must be a boolean Raster (from marsgeo.basemap.hazard_mask)."
        raise InputError(msg)
    rule = mask.tags.get("HAZARD_RULE", mask.description)
    return _finish(_polygons(mask, mask.data, rule))


def hazard_areas(raster: Raster | str) -> gpd.GeoDataFrame:
    """Hazard polygons from a boolean mask, a slope raster [deg] or a DTM [m].

    A mask is taken as it is; slopes and DTMs use :func:`hazard_mask`'s default threshold,
    and cells without elevation data become polygons of their own, with the rule
    :data:`NO_DATA_RULE`, apart from those too steep. ``"synthetic"`` is marsgeo's labelled
    synthetic DTM (as ``load_dtm(None)``). The pickup planner's and the web map's hazards
    from terrain both come from here.

    Parameters
    ----------
    raster
        A marsgeo Raster (mask, slope in degrees, or DTM in metres), or ``"synthetic"``.

    Returns
    -------
    geopandas.GeoDataFrame
        Polygons in the raster's CRS with a ``rule`` column saying why each is a hazard.
    """
    if isinstance(raster, str) and raster.strip().lower() == "synthetic":
        raster = synthetic_dtm()
    raster = as_raster(raster, name="hazard")
    if raster.data.dtype == bool:
        return hazard_polygons(raster)
    slope = raster if raster.units == "deg" else slope_deg(raster)
    steep, unknown, why = _hazard_layers(slope, 15.0, None)
    parts = [_polygons(slope, steep, why)]
    if unknown.any():
        parts.append(_polygons(slope, unknown, NO_DATA_RULE))
    return _finish(pd.concat(parts))


# --- elevation models from files ----------------------------------------------------------------


def _impossible(values: npt.NDArray[Any], nodata: float | None) -> npt.NDArray[np.bool_]:
    """Cells that hold data outside Mars's elevation range (NaN and nodata excluded)."""
    with np.errstate(invalid="ignore"):
        outside = (values < MARS_LOWEST_ELEV_M) | (values > MARS_HIGHEST_ELEV_M)
    return outside & ~no_data_cells(values, nodata)


def _clean_elevation(dtm: Raster, *, where: str, blocks: str = "") -> Raster:
    """Set elevations outside Mars's range to no data, saying so in the description and tags."""
    z = dtm.data
    bad = _impossible(z, dtm.nodata)
    if not bad.any():
        return dtm
    clean = z.astype(np.float32 if z.itemsize <= 4 else np.float64)
    clean[no_data_cells(z, dtm.nodata)] = np.nan
    clean[bad] = np.nan
    note = (
        f"{int(bad.sum()):,} cells of {where}{blocks} hold values outside Mars's elevation "
        f"range ({MARS_LOWEST_ELEV_M:g} to {MARS_HIGHEST_ELEV_M:g} m) and are treated as no "
        "data: the file may be corrupt there, or not an elevation model in metres"
    )
    desc = f"{dtm.description}. {note}" if dtm.description else note
    return dtm.with_data(
        clean, nodata=None, description=desc, tags={**dtm.tags, BAD_ELEVATION_TAG: note}
    )


def _bad_blocks(dtm: Raster, window: Any, block: tuple[int, int]) -> str:
    """Name the blocks of the file that hold impossible elevations, for messages."""
    bad = _impossible(dtm.data, dtm.nodata)
    if not bad.any():
        return ""
    rows, cols = np.nonzero(bad)
    bh, bw = block
    found = sorted(
        set(
            zip(
                ((rows + int(window.row_off)) // bh).tolist(),
                ((cols + int(window.col_off)) // bw).tolist(),
                strict=True,
            )
        )
    )
    shown = ", ".join(f"(row {r}, column {c})" for r, c in found[:8])
    more = f" and {len(found) - 8} more" if len(found) > 8 else ""
    return f" (blocks {shown}{more} of {bh}x{bw} px)"


def _aoi_points(aoi: Any) -> Any:
    """Return an area of interest if it is points (e.g. the tubes), else None."""
    if isinstance(aoi, (gpd.GeoDataFrame, gpd.GeoSeries)) and len(aoi):
        geoms = aoi.geometry if isinstance(aoi, gpd.GeoDataFrame) else aoi
        if (geoms.geom_type == "Point").all():
            return aoi
    return None


def check_elevation_at(
    dtm: Raster,
    points: Any,
    *,
    where: str = "the DTM",
    what: str = "points",
    error: type[MarsGeoError] = InputError,
) -> None:
    """Raise ``error`` if a DTM has no elevation data at any of ``points`` (e.g. the tubes).

    Without this, no data under a tube would surface later as "a tube inside a hazard".
    The message names the points without data and why (nodata, outside the DTM, or
    elevations outside Mars's range).
    """
    values = sample_raster(dtm, points, outside="nan")
    missing = values.index[values.isna()]
    if len(missing) == 0:
        return
    ids = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in missing[:10])
    more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
    bad = dtm.tags.get(BAD_ELEVATION_TAG)
    why = f" ({bad})" if bad else " (nodata, or outside its extent)"
    msg = (
        f"{where} has no elevation data at {what} {ids}{more}{why}; use a DTM that covers "
        f"them with valid elevations, or leave those {what} out."
    )
    raise error(msg)


def load_dtm(
    source: RasterSource | Raster | None = None,
    *,
    aoi: AreaLike | None = None,
    margin_m: float = 500.0,
    crs: CRSLike | None = None,
    max_pixels: int | None = None,
) -> Raster:
    """Load the DTM to use: a real one from a file or URL, or marsgeo's synthetic one.

    Elevations outside Mars's range (:data:`MARS_LOWEST_ELEV_M` to
    :data:`MARS_HIGHEST_ELEV_M`), as a corrupt block gives, become no data; the description
    and the ``MARSGEO_BAD_ELEVATION`` tag say how many cells and which blocks of the file.

    Parameters
    ----------
    source
        None for :func:`synthetic_dtm`; otherwise a path, a COG URL (e.g. a USGS HiRISE
        1 m DTM), an open dataset or a :class:`Raster`.
    aoi
        Area to read (default: the Three Forks tubes). When it is points, the DTM must hold
        elevations at every one of them.
    margin_m
        Margin around ``aoi`` [m].
    crs
        The raster's CRS if the file has none, or if its own is ambiguous.
    max_pixels
        Refuse windows of more pixels than this (default ``MAX_PIXELS``).

    Returns
    -------
    Raster

    Raises
    ------
    marsgeo.errors.DataFileError
        The file cannot be read, or holds no elevation data at the points of ``aoi``.
    marsgeo.errors.InputError
        A bad argument, or a :class:`Raster` without elevation data at the points of ``aoi``.
    marsgeo.errors.TooLargeError
        The window holds more than ``max_pixels`` pixels.
    """
    bound = pixel_bound(max_pixels)
    margin_m = real_number(
        margin_m, name="margin_m", fix="pass a distance in metres >= 0, e.g. 500", low=0.0
    )
    if source is None:
        return synthetic_dtm()
    if isinstance(source, Raster):
        dtm = _clean_elevation(_check_dtm(source, name="source"), where="the DTM")
        points = _aoi_points(aoi)
        if points is not None:
            check_elevation_at(dtm, points)
        return dtm
    what = "points"
    if aoi is None:
        from marsgeo.depot import load_depot

        aoi, what = load_depot(), "tubes"
    with open_raster(source, crs=crs) as ds:
        raster, window = read_window(
            ds, aoi=aoi, margin_m=margin_m, band=1, progress=None, max_pixels=bound
        )
        where = f"DTM {ds.name!r}"
        blocks = _bad_blocks(raster, window, ds.block_shapes[0])
    dtm = _clean_elevation(raster, where=where, blocks=blocks)
    points = _aoi_points(aoi)
    if points is not None:
        check_elevation_at(dtm, points, where=where, what=what, error=DataFileError)
    return dtm


# --- synthetic terrain ----------------------------------------------------------------------------


def _depot_centre() -> tuple[float, float]:
    from marsgeo.depot import load_depot

    tubes = load_depot()
    return float(tubes.geometry.x.mean()), float(tubes.geometry.y.mean())


# impact craters (offset east, offset north, radius [m]), none within 150 m of the depot
_CRATERS = [
    (-250, 300, 40),
    (300, -350, 60),
    (420, 380, 25),
    (-700, -450, 80),
    (150, 560, 18),
    (-100, -600, 30),
    (620, 60, 45),
    (230, 180, 12),
]


def _synthetic_rows(
    transform: Affine,
    n: int,
    r0: int,
    r1: int,
    centre: tuple[float, float, float],
    waves: list[tuple[float, float, float]],
) -> FloatArray:
    """Elevations of rows r0..r1-1 of the synthetic DTM."""
    x0, y0, lat0 = centre
    cols, rows = np.meshgrid(np.arange(n) + 0.5, np.arange(r0, r1) + 0.5)
    x, y = pixel_xy(transform, cols, rows)
    # ground offsets from the depot centre [m] (eqc scale is 1 at lat_ts = 18.4663, ~1.0001 here)
    e = (x - x0) * math.cos(math.radians(18.4663)) / math.cos(math.radians(lat0))
    nn = y - y0
    z = np.full(e.shape, DEPOT_MEAN_ELEV_M)
    z += -0.004 * e  # the ground rises gently westwards, towards the delta
    # a scarp 500 m west: the foot of the delta front, about 25 m high
    front = e + 500.0 + 30.0 * np.sin(nn / 200.0)
    with np.errstate(over="ignore"):  # far east of the scarp exp() overflows to inf: 0 m
        z += 25.0 / (1.0 + np.exp(front / 12.0))
    for ce, cn, radius in _CRATERS:
        r = np.hypot(e - ce, nn - cn) / radius
        depth, rim = 0.4 * radius, 0.08 * radius
        inside = r < 1
        z[inside] += depth * (r[inside] ** 2 - 1) + rim
        z[~inside] += rim * np.minimum(1.0, r[~inside] ** -3)
    # rolling ground: a few long waves, damped on the flat ground of the depot
    rough = np.zeros_like(z)
    for wavelength, theta, phase in waves:
        amp = 0.012 * wavelength**0.8
        k = 2 * math.pi / wavelength
        rough += amp * np.sin(k * (e * math.cos(theta) + nn * math.sin(theta)) + phase)
    z += rough * (1.0 - np.exp(-((np.hypot(e, nn) / 140.0) ** 2)))
    return z


@lru_cache(maxsize=4)
def _synthetic(size_m: float, resolution_m: float, seed: int) -> Raster:
    lon0, lat0 = _depot_centre()
    x0, y0 = (float(v[0]) for v in from_mars_lonlat([lon0], [lat0], M2020_LOCAL_EQC))
    n = round(size_m / resolution_m)
    left = math.floor((x0 - size_m / 2) / resolution_m) * resolution_m
    top = math.ceil((y0 + size_m / 2) / resolution_m) * resolution_m
    transform = Affine(resolution_m, 0, left, 0, -resolution_m, top)
    rng = np.random.default_rng(seed)
    waves = []
    for _ in range(14):
        wavelength = rng.uniform(25.0, 320.0)
        theta = rng.uniform(0, 2 * math.pi)
        phase = rng.uniform(0, 2 * math.pi)
        waves.append((wavelength, theta, phase))
    data = np.empty((n, n), dtype=np.float32)
    k = max(1, STRIP_PIXELS // n)
    for r0 in range(0, n, k):
        r1 = min(n, r0 + k)
        data[r0:r1] = _synthetic_rows(transform, n, r0, r1, (x0, y0, lat0), waves)
    description = (
        f"SYNTHETIC terrain generated by marsgeo (seed {seed}): {size_m:g} m square at "
        f"{resolution_m:g} m around the Three Forks depot. Not a measurement: shaped only to "
        "sit at the depot's mean tube elevation above the areoid, with a scarp, craters and "
        "rolling ground for testing and demonstration."
    )
    return Raster(
        data=data,
        transform=transform,
        crs=M2020_LOCAL_EQC,
        nodata=None,
        name="elevation",
        units="m",
        synthetic=True,
        description=description,
        tags={"MARSGEO_SEED": str(seed)},
    )


def synthetic_dtm(
    *,
    size_m: float = 2000.0,
    resolution_m: float = 2.0,
    seed: int = SYNTHETIC_SEED,
    max_pixels: int | None = None,
) -> Raster:
    """Generate a deterministic SYNTHETIC DTM around Three Forks, for demos, docs and tests.

    In the Mars 2020 team's local projection (``+proj=eqc +R=3396190 +lat_ts=18.4663``),
    centred on the depot. Flat, gently rolling ground at the depot; a 25 m scarp 500 m to the
    west (the foot of the delta front, placed by hand) and eight impact craters.
    It is labelled synthetic in its ``synthetic`` flag, its description and, when written,
    its GeoTIFF tags. A real DTM replaces it with one argument: see :func:`load_dtm`.

    Parameters
    ----------
    size_m
        Side of the square [m], up to 20 000.
    resolution_m
        Pixel size [m], at most ``size_m / 3``.
    seed
        Seed of the rolling ground (a whole number >= 0; the craters and scarp are fixed).
    max_pixels
        Refuse DTMs of more pixels than this (default ``MAX_PIXELS``).

    Returns
    -------
    Raster
        ``name="elevation"``, ``units="m"``, ``synthetic=True``.

    Raises
    ------
    marsgeo.errors.InputError
        A bad argument.
    marsgeo.errors.TooLargeError
        ``(size_m / resolution_m) ** 2`` pixels are more than ``max_pixels``.

    Examples
    --------
    >>> dtm = synthetic_dtm(size_m=400, resolution_m=4)
    >>> dtm.synthetic, dtm.shape
    (True, (100, 100))
    """
    size_m = real_number(
        size_m,
        name="size_m",
        fix="pass a side in metres > 0 and <= 20000",
        low=0.0,
        low_open=True,
        high=20_000.0,
    )
    resolution_m = real_number(
        resolution_m,
        name="resolution_m",
        fix=f"pass a pixel size in metres > 0 and <= size_m / 3 ({size_m / 3:g})",
        low=0.0,
        low_open=True,
        high=size_m / 3,
    )
    seed = whole_number(seed, name="seed", fix="pass a whole number >= 0, e.g. 653", low=0)
    bound = pixel_bound(max_pixels)
    n = round(min(size_m / resolution_m, 1e300))  # a subnormal resolution_m gives inf
    finest = size_m / math.isqrt(bound)
    check_pixels(
        n,
        n,
        itemsize=4,
        max_pixels=bound,
        what=f"synthetic_dtm(size_m={size_m:g}, resolution_m={resolution_m:g})",
        alternative=(
            f"Pass resolution_m >= {finest:.3g} for this size_m, or a smaller size_m "
            "(read a real DTM's window around the depot with load_dtm instead)"
        ),
    )
    r = _synthetic(size_m, resolution_m, seed)
    return r.with_data(r.data.copy())
