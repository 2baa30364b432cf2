"""The DTM to use: a real one from a file, or marsgeo's synthetic one (private).

Public names are re-exported by :mod:`marsgeo.basemap`. Elevations outside Mars's physical
range (:data:`MARS_LOWEST_ELEV_M` to :data:`MARS_HIGHEST_ELEV_M` from the areoid) are not
terrain: a corrupt block or an undeclared nodata value such as -3.4e38. :func:`load_dtm` makes
them no data and says how many cells and which blocks of the file. Slope and hillshade are in
:mod:`marsgeo._slope`, hazards in :mod:`marsgeo._hazards`, what makes a raster a DTM in
:mod:`marsgeo._dtm`.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
from affine import Affine

from marsgeo._dtm import check_dtm
from marsgeo._numbers import real_number, whole_number
from marsgeo._products import KIND_TAG, PRODUCT_TAG, UNITS_FROM_TAG, metre_unit
from marsgeo._products import MARS_HIGHEST_ELEV_M as MARS_HIGHEST_ELEV_M  # re-exported
from marsgeo._products import MARS_LOWEST_ELEV_M as MARS_LOWEST_ELEV_M  # re-exported
from marsgeo._raster import (
    FloatArray,
    Raster,
    check_pixels,
    no_data_cells,
    pixel_bound,
    pixel_xy,
)
from marsgeo._raster_crs import body_note, odd_radius
from marsgeo._raster_open import open_raster, source_name
from marsgeo._raster_read import read_window
from marsgeo._raster_sample import sample_raster
from marsgeo.crs import M2020_LOCAL_EQC, from_mars_lonlat
from marsgeo.errors import DataFileError, InputError, MarsGeoError

if TYPE_CHECKING:
    from marsgeo.typing import AreaLike, CRSLike, RasterSource


#: Seed of the synthetic terrain: the sol of the first drop at Three Forks.
SYNTHETIC_SEED = 653
#: Mean elevation of the ten tubes above the areoid [m] (reference positions table).
DEPOT_MEAN_ELEV_M = -2545.266
# MARS_LOWEST_ELEV_M and MARS_HIGHEST_ELEV_M, the elevations a Mars DTM can hold, are defined
# with the products (marsgeo._products), whose reader also uses them.
#: Tag that records elevations found outside that range and treated as no data.
BAD_ELEVATION_TAG = "MARSGEO_BAD_ELEVATION"
# pixels of the synthetic DTM generated at a time
_STRIP_PIXELS = 2**18


# --- elevation models from files ---------------


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


def _forced_units(units: Any) -> bool:
    """Check ``units=`` of load_dtm: None, or metres (which forces them)."""
    if units is None:
        return False
    if isinstance(units, str) and metre_unit(units) == "m":
        return True
    msg = (
        f"units={units!r}: load_dtm takes elevations in metres; pass units='m' to say the "
        "values are metres, or None to establish them from the product (convert other units "
        "first: raster.with_data(values_in_metres, units='m'))."
    )
    raise InputError(msg)


def _as_metres(raster: Raster) -> Raster:
    """Declare a raster's values elevations in metres (load_dtm's units='m')."""
    tags = {**raster.tags, KIND_TAG: "dtm", UNITS_FROM_TAG: "units='m' passed to load_dtm"}
    return raster.with_data(raster.data, units="m", tags=tags)


def _in_metres(dtm: Raster) -> Raster:
    return dtm if dtm.units == "m" else dtm.with_data(dtm.data, units="m")


def _dtm_where(dtm: Raster, name: str) -> str:
    """Name a DTM file for messages, with its body radius when it is not the IAU sphere."""
    product = dtm.tags.get(PRODUCT_TAG, "")
    named = f" (product {product})" if product and product not in name else ""
    radius = f", on {body_note(dtm.crs)}" if odd_radius(dtm.crs) is not None else ""
    return f"DTM {name!r}{named}{radius}"


def load_dtm(
    source: RasterSource | Raster | None = None,
    *,
    aoi: AreaLike | None = None,
    margin_m: float = 500.0,
    crs: CRSLike | None = None,
    max_pixels: int | None = None,
    units: str | None = None,
) -> Raster:
    """Load the DTM to use: a real one from a file or URL, or marsgeo's synthetic one.

    A file is recognised as the product it is (USGS Mars 2020 TRN HiRISE or CTX DTM,
    HiRISE PDS DTM ``DTEEC_*.IMG``, its ISIS3 cube, ...) and read in its own Mars CRS, with
    its body radius kept; the Raster names the product and its source in its description
    and tags. Its elevations are in metres when the file says so (band unit, PDS label
    ``UNIT``) or the product is a known DTM. An image (an orthomosaic, a HiRISE RDR, any
    8- or 16-bit unsigned raster without a unit) is refused: its values are brightness.

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
    units
        "m" to say the values are elevations in metres whatever the file or its name
        suggests (e.g. an integer DTM without a unit); None (default) to establish them
        from the product.

    Returns
    -------
    Raster
        ``units="m"``.

    Raises
    ------
    marsgeo.errors.DataFileError
        The file cannot be read, or holds no elevation data at the points of ``aoi``.
    marsgeo.errors.InputError
        A bad argument; an image or a raster in other units than metres; or a
        :class:`Raster` without elevation data at the points of ``aoi``.
    marsgeo.errors.TooLargeError
        The window holds more than ``max_pixels`` pixels.
    """
    bound = pixel_bound(max_pixels)
    margin_m = real_number(
        margin_m, name="margin_m", fix="pass a distance in metres >= 0, e.g. 500", low=0.0
    )
    forced = _forced_units(units)
    if source is None:
        return synthetic_dtm()
    if isinstance(source, Raster):
        given = _as_metres(source) if forced else source
        dtm = _clean_elevation(check_dtm(given, name="source"), where="the DTM")
        points = _aoi_points(aoi)
        if points is not None:
            check_elevation_at(dtm, points)
        return _in_metres(dtm)
    what = "points"
    if aoi is None:
        from marsgeo.depot import load_depot

        aoi, what = load_depot(), "tubes"
    with open_raster(source, crs=crs) as ds:
        raster, window = read_window(
            ds, aoi=aoi, margin_m=margin_m, band=1, progress=None, max_pixels=bound
        )
        raster = check_dtm(_as_metres(raster) if forced else raster, name="source")
        where = _dtm_where(raster, source_name(ds))
        blocks = _bad_blocks(raster, window, ds.block_shapes[0])
    dtm = _in_metres(_clean_elevation(raster, where=where, blocks=blocks))
    points = _aoi_points(aoi)
    if points is not None:
        check_elevation_at(dtm, points, where=where, what=what, error=DataFileError)
    return dtm


# --- synthetic terrain ---------------


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
    k = max(1, _STRIP_PIXELS // n)
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
