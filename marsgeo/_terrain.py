"""Terrain from a DTM: slope, hillshade, hazard masks; and marsgeo's synthetic DTM (private).

Public names are re-exported by :mod:`marsgeo.basemap`.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import rasterio.features
import rasterio.warp
import shapely
from affine import Affine

from marsgeo._raster import Raster, _rio_crs, pixel_xy, read_raster
from marsgeo.crs import (
    M2020_LOCAL_EQC,
    from_mars_lonlat,
    mars_geod,
    to_mars_geographic,
    to_mars_lonlat,
)
from marsgeo.distance import _geodetic_lat, geodesic_area_perimeter
from marsgeo.errors import InputError

FloatArray = npt.NDArray[np.float64]

#: Seed of the synthetic terrain: the sol of the first drop at Three Forks.
SYNTHETIC_SEED = 653
#: Mean elevation of the ten tubes above the areoid [m] (reference positions table).
DEPOT_MEAN_ELEV_M = -2545.266


def _ground_steps(raster: Raster) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per pixel: ground length [m] of one column step and one row step, and their azimuths.

    Measured as geodesics on the raster's body between the midpoints of opposite pixel
    edges, so projection scale (e.g. 1/cos(lat) in a global equirectangular), west-positive
    axes and grid convergence are all accounted for.
    """
    h, w = raster.shape
    t = raster.transform
    rows = np.arange(h) + 0.5
    cols = np.arange(w) + 0.5
    # left/right edge midpoints of every pixel, and top/bottom ones
    cl, rl = np.meshgrid(cols - 0.5, rows)
    cr, rr = np.meshgrid(cols + 0.5, rows)
    ct, rt = np.meshgrid(cols, rows - 0.5)
    cb, rb = np.meshgrid(cols, rows + 0.5)
    g = mars_geod(raster.crs)

    def lonlat(c: FloatArray, r: FloatArray) -> tuple[FloatArray, FloatArray]:
        x, y = pixel_xy(t, c.ravel(), r.ravel())
        lon, lat = to_mars_lonlat(x, y, raster.crs)
        return lon, _geodetic_lat(lat, g)

    l_lon, l_lat = lonlat(cl, rl)
    r_lon, r_lat = lonlat(cr, rr)
    t_lon, t_lat = lonlat(ct, rt)
    b_lon, b_lat = lonlat(cb, rb)
    az_c, _, dx = g.inv(l_lon, l_lat, r_lon, r_lat)
    az_r, _, dy = g.inv(t_lon, t_lat, b_lon, b_lat)
    shape = (h, w)
    return (
        np.asarray(dx).reshape(shape),
        np.asarray(dy).reshape(shape),
        np.radians(np.asarray(az_c)).reshape(shape),
        np.radians(np.asarray(az_r)).reshape(shape),
    )


def _check_dtm(dtm: Raster, *, name: str = "dtm") -> FloatArray:
    if not isinstance(dtm, Raster):
        msg = (
            f"{name} must be a marsgeo Raster (from read_raster or synthetic_dtm), got "
            f"{type(dtm).__name__}."
        )
        raise InputError(msg)
    if dtm.units not in ("m", "metre", "meter", "metres", "meters", ""):
        msg = (
            f"{name} has units {dtm.units!r}; slope needs elevations in metres. Convert "
            "the values and pass dtm.with_data(values, units='m')."
        )
        raise InputError(msg)
    if min(dtm.shape) < 3:
        msg = f"{name} is {dtm.shape[1]}x{dtm.shape[0]} px; terrain needs at least 3x3."
        raise InputError(msg)
    return dtm.data.astype(float)


def _gradient_en(dtm: Raster) -> tuple[FloatArray, FloatArray]:
    """dz/d(east) and dz/d(north) by Horn's method.

    The border is extrapolated linearly (odd reflection), which is exact for planes; GDAL's
    edge replication would halve the gradient along the edges.
    """
    z = np.pad(_check_dtm(dtm), 1, mode="reflect", reflect_type="odd")
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g_, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dx, dy, az_c, az_r = _ground_steps(dtm)
    gc = ((c + 2 * f + i) - (a + 2 * d + g_)) / (8.0 * dx)  # along +column
    gr = ((g_ + 2 * h + i) - (a + 2 * b + c)) / (8.0 * dy)  # along +row
    dzde = gc * np.sin(az_c) + gr * np.sin(az_r)
    dzdn = gc * np.cos(az_c) + gr * np.cos(az_r)
    return dzde, dzdn


def slope_deg(dtm: Raster) -> Raster:
    """Slope [deg] of a DTM by Horn's method, with true ground pixel sizes on Mars.

    Parameters
    ----------
    dtm
        Elevations in metres, in any Mars CRS (projected or geographic).

    Returns
    -------
    Raster
        Same grid, ``name="slope"``, ``units="deg"``; NaN where the DTM has no data.
    """
    dzde, dzdn = _gradient_en(dtm)
    slope = np.degrees(np.arctan(np.hypot(dzde, dzdn)))
    return dtm.with_data(
        slope.astype(np.float32),
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
        Sun elevation above the horizon.

    Returns
    -------
    Raster
        Same grid, ``name="hillshade"``, values 0 (in shadow) .. 1 (facing the sun).
    """
    if not (math.isfinite(azimuth_deg) and math.isfinite(altitude_deg) and 0 < altitude_deg <= 90):
        msg = (
            f"azimuth_deg={azimuth_deg!r}, altitude_deg={altitude_deg!r}: pass a finite "
            "azimuth and an altitude in (0, 90] degrees."
        )
        raise InputError(msg)
    dzde, dzdn = _gradient_en(dtm)
    az, alt = math.radians(azimuth_deg), math.radians(altitude_deg)
    light = (math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt))
    shade = (-dzde * light[0] - dzdn * light[1] + light[2]) / np.sqrt(1 + dzde**2 + dzdn**2)
    return dtm.with_data(
        np.clip(shade, 0, 1).astype(np.float32),
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
    from marsgeo._raster import _frame

    if _frame(raster.crs) != _frame(like.crs):
        msg = (
            f"extra raster {raster.name!r} sits on another geographic frame than the slope "
            "raster; reproject it onto the same body frame first."
        )
        raise InputError(msg)
    src = raster.data.astype(np.float32)
    out = np.full(like.shape, np.nan, dtype=np.float32)
    rasterio.warp.reproject(
        src,
        out,
        src_transform=raster.transform,
        src_crs=_rio_crs(raster.crs),
        src_nodata=np.nan,
        dst_transform=like.transform,
        dst_crs=_rio_crs(like.crs),
        dst_nodata=np.nan,
        resampling=rasterio.warp.Resampling.nearest,
    )
    return out


def hazard_mask(slope: Raster, *, max_slope_deg: float = 15.0, extra: Any = None) -> Raster:
    """Boolean hazard raster: too steep, unknown, or flagged by any extra raster.

    Parameters
    ----------
    slope
        Slope raster in degrees (from :func:`slope_deg`).
    max_slope_deg
        Steepest safe slope. Cells steeper than this are hazards.
    extra
        A Raster or a list of Rasters of user hazards (e.g. rock abundance thresholded by
        you): non-zero cells are hazards. Resampled (nearest) onto the slope grid.

    Returns
    -------
    Raster
        ``dtype=bool``, True = hazard. Cells with no slope value (no DTM data) are hazards:
        unknown terrain is not safe terrain.
    """
    if not isinstance(slope, Raster) or slope.units != "deg":
        msg = (
            "slope must be a slope Raster in degrees (from marsgeo.basemap.slope_deg); "
            f"got {getattr(slope, 'units', type(slope).__name__)!r}."
        )
        raise InputError(msg)
    if not (math.isfinite(max_slope_deg) and 0 < max_slope_deg < 90):
        msg = f"max_slope_deg={max_slope_deg!r} must be an angle between 0 and 90 degrees."
        raise InputError(msg)
    values = slope.data.astype(float)
    mask = ~np.isfinite(values) | (values > max_slope_deg)
    layers = [] if extra is None else ([extra] if isinstance(extra, Raster) else list(extra))
    names = []
    for layer in layers:
        if not isinstance(layer, Raster):
            msg = f"extra holds a {type(layer).__name__}; pass marsgeo Rasters."
            raise InputError(msg)
        on = _onto(layer, slope).astype(float)
        mask |= np.nan_to_num(on, nan=0.0) != 0
        names.append(layer.name or "user layer")
    why = f"slope > {max_slope_deg:g} deg" + "".join(f" or {n}" for n in names)
    return slope.with_data(
        mask,
        name="hazard",
        units="",
        nodata=None,
        description=_derived(slope, f"hazard ({why})"),
        tags={**slope.tags, "HAZARD_RULE": why},
    )


def hazard_polygons(mask: Raster) -> gpd.GeoDataFrame:
    """Turn a boolean hazard raster into polygons in MARS_GEOGRAPHIC.

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``hazard_id``; columns ``rule`` (why it is a hazard), ``synthetic`` and
        ``area_m2`` (geodesic); Polygon geometry.
    """
    if not isinstance(mask, Raster) or mask.data.dtype != bool:
        msg = "mask must be a boolean Raster (from marsgeo.basemap.hazard_mask)."
        raise InputError(msg)
    shapes = rasterio.features.shapes(
        mask.data.astype(np.uint8), mask=mask.data, transform=mask.transform
    )
    polys = [shapely.geometry.shape(geom) for geom, value in shapes if value == 1]
    rule = mask.tags.get("HAZARD_RULE", mask.description)
    gdf = gpd.GeoDataFrame(
        {"rule": [rule] * len(polys), "synthetic": [mask.synthetic] * len(polys)},
        geometry=polys,
        crs=mask.crs,
    )
    gdf = to_mars_geographic(gdf)
    gdf["area_m2"] = geodesic_area_perimeter(gdf)["area_m2"].to_numpy()
    gdf.index.name = "hazard_id"
    return gdf


def hazard_areas(raster: Raster) -> gpd.GeoDataFrame:
    """Hazard polygons from a boolean mask, a slope raster [deg] or a DTM [m].

    A mask is taken as it is; slopes and DTMs use :func:`hazard_mask`'s default threshold.
    """
    if raster.data.dtype == bool:
        return hazard_polygons(raster)
    if raster.units == "deg":
        return hazard_polygons(hazard_mask(raster))
    return hazard_polygons(hazard_mask(slope_deg(raster)))


# --- synthetic terrain ----------------------------------------------------------------------------


def _depot_centre() -> tuple[float, float]:
    from marsgeo.depot import load_depot

    tubes = load_depot()
    return float(tubes.geometry.x.mean()), float(tubes.geometry.y.mean())


@cache
def _synthetic(size_m: float, resolution_m: float, seed: int) -> Raster:
    lon0, lat0 = _depot_centre()
    x0, y0 = (float(v[0]) for v in from_mars_lonlat([lon0], [lat0], M2020_LOCAL_EQC))
    n = round(size_m / resolution_m)
    left = math.floor((x0 - size_m / 2) / resolution_m) * resolution_m
    top = math.ceil((y0 + size_m / 2) / resolution_m) * resolution_m
    transform = Affine(resolution_m, 0, left, 0, -resolution_m, top)
    cols, rows = np.meshgrid(np.arange(n) + 0.5, np.arange(n) + 0.5)
    x, y = pixel_xy(transform, cols, rows)
    # ground offsets from the depot centre [m] (eqc scale is 1 at lat_ts = 18.4663, ~1.0001 here)
    e = (x - x0) * math.cos(math.radians(18.4663)) / math.cos(math.radians(lat0))
    nn = y - y0
    rng = np.random.default_rng(seed)
    z = np.full(e.shape, DEPOT_MEAN_ELEV_M)
    z += -0.004 * e  # the ground rises gently westwards, towards the delta
    # a scarp 500 m west: the foot of the delta front, about 25 m high
    front = e + 500.0 + 30.0 * np.sin(nn / 200.0)
    z += 25.0 / (1.0 + np.exp(front / 12.0))
    # impact craters (offset east, offset north, radius), none within 150 m of the depot
    for ce, cn, radius in [
        (-250, 300, 40),
        (300, -350, 60),
        (420, 380, 25),
        (-700, -450, 80),
        (150, 560, 18),
        (-100, -600, 30),
        (620, 60, 45),
        (230, 180, 12),
    ]:
        r = np.hypot(e - ce, nn - cn) / radius
        depth, rim = 0.4 * radius, 0.08 * radius
        inside = r < 1
        z[inside] += depth * (r[inside] ** 2 - 1) + rim
        z[~inside] += rim * np.minimum(1.0, r[~inside] ** -3)
    # rolling ground: a few long waves, damped on the flat ground of the depot
    rough = np.zeros_like(z)
    for _ in range(14):
        wavelength = rng.uniform(25.0, 320.0)
        theta = rng.uniform(0, 2 * math.pi)
        amp = 0.012 * wavelength**0.8
        phase = rng.uniform(0, 2 * math.pi)
        k = 2 * math.pi / wavelength
        rough += amp * np.sin(k * (e * math.cos(theta) + nn * math.sin(theta)) + phase)
    z += rough * (1.0 - np.exp(-((np.hypot(e, nn) / 140.0) ** 2)))
    description = (
        f"SYNTHETIC terrain generated by marsgeo (seed {seed}): {size_m:g} m square at "
        f"{resolution_m:g} m around the Three Forks depot. Not a measurement: shaped only to "
        "sit at the depot's mean tube elevation above the areoid, with a scarp, craters and "
        "rolling ground for testing and demonstration."
    )
    return Raster(
        data=z.astype(np.float32),
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
    *, size_m: float = 2000.0, resolution_m: float = 2.0, seed: int = SYNTHETIC_SEED
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
        Side of the square [m].
    resolution_m
        Pixel size [m].
    seed
        Seed of the rolling ground (the craters and scarp are fixed).

    Returns
    -------
    Raster
        ``name="elevation"``, ``units="m"``, ``synthetic=True``.

    Examples
    --------
    >>> dtm = synthetic_dtm(size_m=400, resolution_m=4)
    >>> dtm.synthetic, dtm.shape
    (True, (100, 100))
    """
    if not (
        math.isfinite(size_m)
        and math.isfinite(resolution_m)
        and 0 < resolution_m <= size_m / 3
        and size_m <= 20_000
    ):
        msg = (
            f"size_m={size_m!r}, resolution_m={resolution_m!r}: pass 0 < resolution_m <= "
            "size_m / 3 and size_m <= 20000."
        )
        raise InputError(msg)
    r = _synthetic(float(size_m), float(resolution_m), int(seed))
    return r.with_data(r.data.copy())


def load_dtm(
    source: Any = None, *, aoi: Any = None, margin_m: float = 500.0, crs: Any = None
) -> Raster:
    """Load the DTM to use: a real one from a file or URL, or marsgeo's synthetic one.

    Parameters
    ----------
    source
        None for :func:`synthetic_dtm`; otherwise a path, a COG URL (e.g. a USGS HiRISE
        1 m DTM), an open dataset or a :class:`Raster`.
    aoi
        Area to read (default: the Three Forks tubes).
    margin_m
        Margin around ``aoi`` [m].
    crs
        The raster's CRS if the file has none.

    Returns
    -------
    Raster
    """
    if source is None:
        return synthetic_dtm()
    if isinstance(source, Raster):
        return source
    if aoi is None:
        from marsgeo.depot import load_depot

        aoi = load_depot()
    return read_raster(source, aoi=aoi, margin_m=margin_m, crs=crs)
