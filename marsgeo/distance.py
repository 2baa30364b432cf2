"""Geodesic maths on the Mars body: distances, matrices, pair lines, neighbours, spacing.

Which body: every distance, azimuth and area here is measured on the IAU Mars sphere of
:data:`~marsgeo.crs.MARS_GEOGRAPHIC` (R = 3 396 190 m), whatever Mars CRS the input is in:
points in a planetographic, west-longitude, ellipsoidal or projected Mars CRS are first
converted to MARS_GEOGRAPHIC (planetocentric latitude, east longitude), as the tube
catalogue, the pickup plans and the maps are. So the same places give the same distances
through every door. ``geod=`` (a :class:`pyproj.Geod`) is the one explicit override: pass
``marsgeo.crs.mars_geod("IAU_2015:49901")`` to measure on the IAU ellipsoid instead (about
0.06 % apart at Jezero). Never WGS84: on Earth's ellipsoid the same pair of Jezero points is
1.88 times as far apart.

Everything here is vectorised: one call into PROJ per block of pairs, no per-pair Python loop.
Nearest neighbours and radius queries use a k-d tree on unit vectors (SciPy, imported when
first needed), so their memory and work grow with the number of points, not its square.
Pure computation: no I/O, no drawing.

Coordinates are judged by marsgeo's one coordinate range rule
(:func:`marsgeo.crs.coordinate_problems`). Memory is bounded: a call whose result and work
arrays would take more than :data:`MAX_BYTES` (or its ``max_bytes=``) is refused with a
:class:`~marsgeo.errors.TooLargeError` before anything is allocated, naming the size and what
to do instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyproj
import shapely

from marsgeo._validate import check_length, check_points, check_shapes, lonlat
from marsgeo.crs import (
    MARS_GEOGRAPHIC,
    coordinate_problems,
    is_real_number,
    mars_geod,
    ocentric_to_ographic_lat,
    real_numbers,
    require_mars_crs,
)
from marsgeo.errors import CoordinateError, InputError, TooLargeError, raise_collected

if TYPE_CHECKING:
    from marsgeo.typing import LonLatLike, PointFrame, ShapeFrame

__all__ = [
    "MAX_BYTES",
    "distance_matrix",
    "distances_from",
    "geodesic_area_perimeter",
    "geodesic_distance_m",
    "nearest_neighbours",
    "pairwise_distances",
    "spacing_violations",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# Pairs handed to PROJ at once by the blockwise functions: bounds memory at about 100 MB.
_BLOCK_PAIRS = 2_000_000

#: Memory [bytes] a distance function may take for its result and work arrays unless its
#: ``max_bytes=`` says otherwise: 2 GiB. Read at each call, so setting
#: ``marsgeo.distance.MAX_BYTES`` changes the bound for every later call.
MAX_BYTES = 2 * 1024**3
# measured: one row of pairwise_distances (ids, distance, azimuth, LineString) takes about
# 560 bytes at its peak; geodesic_distance_m about 16 float arrays per value
_BYTES_PER_PAIR = 600
_BYTES_PER_VALUE = 128
# a candidate pair of a radius query before its distance is known: two indices in SciPy's
# list and in its array, then the sort order and the sorted copy
_BYTES_PER_CANDIDATE = 64
_ALTERNATIVES = (
    "for large sets ask for less: pairwise_distances(points, max_distance_m=...) gives only the "
    "pairs within a radius, nearest_neighbours(points) each point's closest; or pass a larger "
    "max_bytes= if the machine has the memory"
)


def _size(n_bytes: float) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:,.1f} {unit}"
    return f"{n_bytes:,.0f} bytes"


def _byte_limit(max_bytes: Any) -> float:
    """Return the memory bound of a call: ``max_bytes``, else :data:`MAX_BYTES` now."""
    if max_bytes is None:
        return float(MAX_BYTES)
    if is_real_number(max_bytes) and not math.isnan(float(max_bytes)) and float(max_bytes) > 0:
        return float(max_bytes)
    msg = (
        f"max_bytes={max_bytes!r} is not a memory size; pass a number of bytes > 0, e.g. "
        "8 * 1024**3, or None for marsgeo.distance.MAX_BYTES."
    )
    raise InputError(msg)


def _refuse_if_too_large(needed: float, limit: float, *, what: str, instead: str) -> None:
    if needed > limit:
        msg = (
            f"{what} would take about {_size(needed)} of memory, more than max_bytes "
            f"({_size(limit)}); {instead}."
        )
        raise TooLargeError(msg)


def _body_geod(geod: pyproj.Geod | None) -> pyproj.Geod:
    """Return the body distances are measured on: ``geod``, else the MARS_GEOGRAPHIC sphere."""
    if geod is not None:
        if not isinstance(geod, pyproj.Geod):
            msg = f"geod={geod!r} is not a pyproj.Geod; pass e.g. marsgeo.crs.mars_geod()."
            raise InputError(msg)
        return geod
    return mars_geod()


def geodetic_lat(lat_c: FloatArray, geod: pyproj.Geod) -> FloatArray:
    """Planetocentric latitude -> the geodetic latitude Geod expects on its ellipsoid."""
    if geod.f == 0.0:
        return lat_c
    return ocentric_to_ographic_lat(lat_c, a_m=geod.a, b_m=geod.b)


def _prepared(
    points: Any, geod: pyproj.Geod | None, *, name: str = "points"
) -> tuple[gpd.GeoDataFrame, _Points]:
    """Check ``points`` (converted to MARS_GEOGRAPHIC) and prepare them for the kernels."""
    checked = check_points(points, name=name)
    g = _body_geod(geod)
    lon, lat_c = lonlat(checked)
    return checked, _Points(lon, lat_c, g)


# --- distance kernels ---------------------------------------------------------------------------
# On a sphere the geodesic is the great circle, and a closed form is exact to float precision
# and much cheaper than Karney's general algorithm: marsgeo uses it there, and pyproj.Geod.inv
# on an ellipsoid. Two sphere forms:
# - pairs: the central angle atan2(|a x b|, a . b) of unit vectors, accurate at every angle;
# - matrices: 2 asin(|a - b| / 2), the chord, which costs a third as much, is accurate to
#   ~1e-16 R at short range, and falls back to the atan2 form past ~89 degrees, where asin
#   loses precision.

_ASIN_SAFE_HALF_CHORD = 0.7  # half-chord 0.7 <-> central angle 88.9 degrees


def _unit_vectors(lon: FloatArray, lat: FloatArray) -> FloatArray:
    lam, phi = np.radians(lon), np.radians(lat)
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)])


def _central_angle(a: FloatArray, b: FloatArray) -> FloatArray:
    """Central angle [rad] between unit vectors (3, m) and (3, m), stable at every angle."""
    cross = np.cross(a, b, axis=0)
    return np.asarray(
        np.arctan2(np.sqrt(np.einsum("ij,ij->j", cross, cross)), np.einsum("ij,ij->j", a, b)),
        dtype=float,
    )


def _may_have_wide_pairs(v: FloatArray) -> bool:
    """Tell whether some pair may be over ~88 degrees apart (not all within a 44-deg cap)."""
    mean = v.mean(axis=1)
    norm = float(np.linalg.norm(mean))
    if norm < 0.5:
        return True
    cos_min = float(np.min((mean / norm) @ v))
    return cos_min < float(np.cos(np.radians(44.0)))


def _sphere_block(
    v: FloatArray,
    rows: slice,
    cols: slice,
    radius_m: float,
    out: FloatArray,
    tmp: FloatArray,
    *,
    check_wide: bool,
) -> None:
    """Fill ``out`` (rows x cols) with great-circle distances between unit vectors."""
    np.subtract(v[0, rows, None], v[0, None, cols], out=out)
    np.multiply(out, out, out=out)
    for k in (1, 2):
        np.subtract(v[k, rows, None], v[k, None, cols], out=tmp)
        np.multiply(tmp, tmp, out=tmp)
        out += tmp
    np.sqrt(out, out=out)
    out *= 0.5
    wide = np.nonzero(out > _ASIN_SAFE_HALF_CHORD) if check_wide else None
    np.minimum(out, 1.0, out=out)
    np.arcsin(out, out=out)
    if wide is not None and len(wide[0]):
        i = np.arange(rows.start, rows.stop)[wide[0]]
        j = np.arange(cols.start, cols.stop)[wide[1]]
        out[wide] = _central_angle(v[:, i], v[:, j]) / 2.0
    out *= 2.0 * radius_m


class _Points:
    """Coordinates prepared once for the kernels."""

    def __init__(self, lon: FloatArray, lat_c: FloatArray, g: pyproj.Geod) -> None:
        self.lon, self.lat_c, self.g = lon, lat_c, g
        self.lat = geodetic_lat(lat_c, g)  # geodetic on g's body
        self.n = len(lon)
        self.sphere = g.f == 0.0
        if self.sphere:
            self.v = _unit_vectors(lon, lat_c)
            self.check_wide = _may_have_wide_pairs(self.v)

    def directions(self) -> FloatArray:
        """Return unit vectors (n, 3) from the body's centre towards the points."""
        v = self.v if self.sphere else _unit_vectors(self.lon, self.lat_c)
        return np.ascontiguousarray(v.T)

    def pairs(self, i: npt.NDArray[np.intp], j: npt.NDArray[np.intp]) -> FloatArray:
        """Distances [m] from points ``i`` to points ``j`` (index arrays of one shape).

        The same arithmetic, operation by operation, as :meth:`rows`, so that a distance is
        the same to the last bit whichever of the two computes it.
        """
        if not self.sphere:
            _, _, d = self.g.inv(
                self.lon[i].ravel(), self.lat[i].ravel(), self.lon[j].ravel(), self.lat[j].ravel()
            )
            return np.asarray(d, dtype=float).reshape(i.shape)
        v = self.v
        out = np.subtract(v[0, i], v[0, j])
        np.multiply(out, out, out=out)
        tmp = np.empty_like(out)
        for k in (1, 2):
            np.subtract(v[k, i], v[k, j], out=tmp)
            np.multiply(tmp, tmp, out=tmp)
            out += tmp
        np.sqrt(out, out=out)
        out *= 0.5
        wide = np.nonzero(out > _ASIN_SAFE_HALF_CHORD) if self.check_wide else None
        np.minimum(out, 1.0, out=out)
        np.arcsin(out, out=out)
        if wide is not None and len(wide[0]):
            out[wide] = _central_angle(v[:, i[wide]], v[:, j[wide]]) / 2.0
        out *= 2.0 * self.g.a
        return np.asarray(out, dtype=float)

    def rows(self, rows: slice, cols: slice) -> FloatArray:
        """Distances [m] from points ``rows`` to points ``cols``, shape (rows, cols)."""
        nr, nc = rows.stop - rows.start, cols.stop - cols.start
        if self.sphere:
            out = np.empty((nr, nc))
            _sphere_block(
                self.v, rows, cols, self.g.a, out, np.empty((nr, nc)), check_wide=self.check_wide
            )
            return out
        ri = np.repeat(np.arange(rows.start, rows.stop), nc)
        cj = np.tile(np.arange(cols.start, cols.stop), nr)
        _, _, d = self.g.inv(self.lon[ri], self.lat[ri], self.lon[cj], self.lat[cj])
        return np.asarray(d, dtype=float).reshape(nr, nc)

    def matrix(self) -> FloatArray:
        """Compute the full symmetric matrix, each unordered pair once."""
        n = self.n
        out = np.zeros((n, n))
        if n < 2:
            return out
        if self.sphere:
            block = 64
            tmp = np.empty((block, n))
            for s in range(0, n, block):
                e = min(n, s + block)
                blk = out[s:e, s:]
                _sphere_block(
                    self.v,
                    slice(s, e),
                    slice(s, n),
                    self.g.a,
                    blk,
                    tmp[: e - s, : n - s],
                    check_wide=self.check_wide,
                )
                out[s:, s:e] = blk.T
            np.fill_diagonal(out, 0.0)
            return out
        i, j = np.triu_indices(n, k=1)
        _, _, d = self.g.inv(self.lon[i], self.lat[i], self.lon[j], self.lat[j])
        out[i, j] = d
        out[j, i] = d
        return out


def geodesic_distance_m(
    lon1: npt.ArrayLike,
    lat1: npt.ArrayLike,
    lon2: npt.ArrayLike,
    lat2: npt.ArrayLike,
    *,
    geod: pyproj.Geod | None = None,
    max_bytes: float | None = None,
) -> FloatArray:
    """Geodesic distance [m] between points given in MARS_GEOGRAPHIC degrees (vectorised).

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Planetocentric degrees, east longitude (-360..360), latitude -90..90; numbers or
        arrays of numbers that broadcast together.
    geod
        The body; the IAU Mars sphere (:func:`marsgeo.crs.mars_geod`) by default. For an
        ellipsoid, the planetocentric latitudes are converted to its geodetic latitude first.
    max_bytes
        Memory bound of the call (default :data:`MAX_BYTES`); the work takes about 128 bytes
        per distance.

    Returns
    -------
    numpy.ndarray
        Distances in metres, in the broadcast shape.

    Raises
    ------
    marsgeo.errors.CoordinateError
        Values that are not numbers (booleans, text, None), NaN, infinite or out-of-range
        coordinates (see :func:`marsgeo.crs.coordinate_problems`).
    marsgeo.errors.InputError
        Shapes that do not broadcast together.
    marsgeo.errors.TooLargeError
        More distances than ``max_bytes`` allows at once: compute them in blocks.

    Examples
    --------
    From the Octavia E. Butler Landing to (77.4 E, 18.46 N):

    >>> float(geodesic_distance_m(77.4508, 18.4447, 77.4, 18.46)).__round__(2)
    2996.86
    """
    g = _body_geod(geod)
    limit = _byte_limit(max_bytes)
    names = ("lon1", "lat1", "lon2", "lat2")
    given = (lon1, lat1, lon2, lat2)
    values: list[FloatArray] = []
    problems = []
    for nm, v in zip(names, given, strict=True):
        try:
            values.append(real_numbers(v, name=nm))
        except CoordinateError as exc:
            problems.append(str(exc).rstrip("."))
    raise_collected(CoordinateError, problems, what="geodesic_distance_m")
    try:
        shape = np.broadcast_shapes(*(a.shape for a in values))
    except ValueError:
        shapes = ", ".join(f"{nm} {a.shape}" for nm, a in zip(names, values, strict=True))
        msg = (
            f"geodesic_distance_m: the shapes {shapes} do not broadcast together; pass "
            "numbers, or arrays of one shape."
        )
        raise InputError(msg) from None
    count = math.prod(shape)
    _refuse_if_too_large(
        count * _BYTES_PER_VALUE,
        limit,
        what=f"geodesic_distance_m of {count:,} distances",
        instead="compute them in blocks, or pass a larger max_bytes=",
    )
    arrays = np.broadcast_arrays(*values)
    problems = coordinate_problems(arrays[0], arrays[1], x_name="lon1", y_name="lat1")
    problems += coordinate_problems(arrays[2], arrays[3], x_name="lon2", y_name="lat2")
    if problems:
        msg = "; ".join(problems) + ". Pass finite degrees, longitude first."
        raise CoordinateError(msg)
    a_lon, a_lat, b_lon, b_lat = (np.ascontiguousarray(a).ravel() for a in arrays)
    if g.f == 0.0:
        angle = _central_angle(_unit_vectors(a_lon, a_lat), _unit_vectors(b_lon, b_lat))
        return np.asarray(angle * g.a, dtype=float).reshape(shape)
    _, _, dist = g.inv(a_lon, geodetic_lat(a_lat, g), b_lon, geodetic_lat(b_lat, g))
    return np.asarray(dist, dtype=float).reshape(shape)


_ORIGIN_FORMS = (
    "pass (lon, lat) in MARS_GEOGRAPHIC degrees (planetocentric, east longitude, longitude "
    "first), a shapely Point in MARS_GEOGRAPHIC, or a one-point GeoSeries/GeoDataFrame in a "
    "Mars CRS"
)


def _origin_lonlat(origin: Any) -> tuple[float, float]:
    """Return ``origin`` as planetocentric (lon, lat) degrees after the coordinate range rule."""
    if isinstance(origin, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if len(origin) != 1:
            msg = f"origin holds {len(origin):,} points, not one; {_ORIGIN_FORMS}."
            raise CoordinateError(msg)
        xs, ys = lonlat(check_points(origin, name="origin"))
        return float(xs[0]), float(ys[0])
    if isinstance(origin, shapely.Geometry):
        if not isinstance(origin, shapely.Point) or origin.is_empty:
            msg = f"origin={origin.wkt[:80]!r} is not a point; {_ORIGIN_FORMS}."
            raise CoordinateError(msg)
        given: Any = (origin.x, origin.y)
    elif isinstance(origin, (str, bytes, dict)) or not hasattr(origin, "__len__"):
        msg = f"origin={origin!r} is not a place; {_ORIGIN_FORMS}."
        raise CoordinateError(msg)
    else:
        given = origin
    try:
        values = real_numbers(given, name=f"origin={origin!r}")
    except CoordinateError as exc:
        msg = f"{str(exc).rstrip('.')}; {_ORIGIN_FORMS}."
        raise CoordinateError(msg) from None
    if values.shape != (2,):
        msg = f"origin={origin!r} is not one (lon, lat) pair; {_ORIGIN_FORMS}."
        raise CoordinateError(msg)
    lon, lat = float(values[0]), float(values[1])
    problems = coordinate_problems(
        [lon], [lat], x_name="origin longitude", y_name="origin latitude"
    )
    if problems:
        msg = (
            f"origin={origin!r}: "
            + "; ".join(problems)
            + f". {_ORIGIN_FORMS[0].upper()}{_ORIGIN_FORMS[1:]}."
        )
        raise CoordinateError(msg)
    return lon, lat


def distances_from(
    points: PointFrame, origin: LonLatLike, *, geod: pyproj.Geod | None = None
) -> pd.DataFrame:
    """Geodesic distance [m] and initial bearing [deg] of every point from one origin.

    Measured like every other distance of this module (on the MARS_GEOGRAPHIC sphere unless
    ``geod=`` names another body), one vectorised call for all points: memory grows with
    the number of points only.

    Parameters
    ----------
    points
        GeoDataFrame/GeoSeries of Points in a Mars CRS; its index labels the result.
    origin
        Where to measure from: ``(lon, lat)`` in :data:`~marsgeo.crs.MARS_GEOGRAPHIC`
        degrees (planetocentric, east longitude, longitude first), a shapely Point in
        MARS_GEOGRAPHIC, or a GeoSeries/GeoDataFrame of one Point in a Mars CRS.
    geod
        Override the body (default: the MARS_GEOGRAPHIC sphere).

    Returns
    -------
    pandas.DataFrame
        Index as the points' (its name kept); columns ``distance_m`` (geodesic distance from
        the origin) and ``bearing_deg`` (initial bearing at the origin towards the point,
        clockwise from north, 0..360; NaN where the distance is 0, as at the origin itself).

    Raises
    ------
    marsgeo.errors.CoordinateError
        An origin that is not one place, or whose coordinates break the coordinate range
        rule (:func:`marsgeo.crs.coordinate_problems`); points that do.

    Examples
    --------
    From the Octavia E. Butler Landing to the depot's first and last tubes:

    >>> from marsgeo import load_depot
    >>> d = distances_from(load_depot(), (77.4508, 18.4447))
    >>> d.loc[[1, 10]].round(1).values.tolist()
    [[2465.7, 281.0], [2436.2, 282.2]]
    """
    checked, pts = _prepared(points, geod)
    lon0, lat0 = _origin_lonlat(origin)
    g = pts.g
    lat0_body = float(geodetic_lat(np.array([lat0]), g)[0])
    az, _, d = g.inv(np.full(pts.n, lon0), np.full(pts.n, lat0_body), pts.lon, pts.lat)
    dist = np.asarray(d, dtype=float)
    bearing = np.where(dist > 0, _bearing_0_360(np.asarray(az, dtype=float)), np.nan)
    return pd.DataFrame({"distance_m": dist, "bearing_deg": bearing}, index=checked.index.copy())


def distance_matrix(
    points: PointFrame, *, geod: pyproj.Geod | None = None, max_bytes: float | None = None
) -> pd.DataFrame:
    """Geodesic distance [m] between every pair of points.

    Each unordered pair is computed once (the matrix is symmetric), in one vectorised call.
    The matrix takes 8 n^2 bytes: 800 MB for 10 000 points, 80 GB for 100 000. A matrix
    larger than ``max_bytes`` is refused before anything is allocated; for large sets use
    :func:`pairwise_distances` with ``max_distance_m`` (a radius query) or
    :func:`nearest_neighbours`.

    Parameters
    ----------
    points
        GeoDataFrame/GeoSeries of Points in a Mars CRS; its index labels the result.
    geod
        Override the body (default: the MARS_GEOGRAPHIC sphere).
    max_bytes
        Memory bound of the call (default :data:`MAX_BYTES`, 2 GiB: about 16 000 points).

    Returns
    -------
    pandas.DataFrame
        Square, index and columns the points' index (named like it, default ``tube_id``),
        zero diagonal, metres.

    Raises
    ------
    marsgeo.errors.TooLargeError
        The matrix would take more than ``max_bytes``.

    Examples
    --------
    >>> from marsgeo import load_depot
    >>> d = distance_matrix(load_depot())
    >>> d.shape, round(float(d.loc[3, 4]), 2)
    ((10, 10), 5.5)
    """
    limit = _byte_limit(max_bytes)
    if isinstance(points, (gpd.GeoDataFrame, gpd.GeoSeries)):  # refuse before any work
        n = len(points)
        _refuse_if_too_large(
            8.0 * n * n, limit, what=f"distance_matrix of {n:,} points", instead=_ALTERNATIVES
        )
    checked, pts = _prepared(points, geod)
    out = pts.matrix()
    name = checked.index.name or "tube_id"
    index = checked.index.rename(name)
    # the array is ours and new: hand it over rather than let pandas copy 8 n^2 bytes
    return pd.DataFrame(out, index=index, columns=index.rename(f"to_{name}"), copy=False)


def _triu_block(rows: slice, n: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Upper-triangle pairs (i < j) whose first index lies in ``rows``."""
    r = np.arange(rows.start, rows.stop, dtype=np.intp)
    counts = n - 1 - r
    i = np.repeat(r, counts)
    starts = np.cumsum(counts) - counts
    j = np.arange(int(counts.sum()), dtype=np.intp) - np.repeat(starts, counts) + i + 1
    return i, j


def _blocks(n: int) -> Iterator[slice]:
    rows = max(1, _BLOCK_PAIRS // max(n, 1))
    for start in range(0, n, rows):
        yield slice(start, min(n, start + rows))


def _bearing_0_360(az: FloatArray) -> FloatArray:
    """Azimuths [deg] in -180..180 as bearings in 0..360 (a tiny negative one is 0, not 360)."""
    out = np.mod(az, 360.0)
    out[out >= 360.0] = 0.0
    return np.asarray(out, dtype=float)


def _pairs_frame(
    checked: gpd.GeoDataFrame,
    i: npt.NDArray[np.intp],
    j: npt.NDArray[np.intp],
    dist: FloatArray,
    az: FloatArray,
    lon_c: FloatArray,
    lat_c: FloatArray,
) -> gpd.GeoDataFrame:
    name = checked.index.name or "tube_id"
    ids = checked.index.to_numpy()
    coords = np.stack(
        [np.column_stack([lon_c[i], lat_c[i]]), np.column_stack([lon_c[j], lat_c[j]])], axis=1
    )
    lines = shapely.linestrings(coords)
    frame = pd.DataFrame(
        {
            f"{name}_from": ids[i],
            f"{name}_to": ids[j],
            "distance_m": dist,
            # two points at the same place have no direction between them
            "azimuth_deg": np.where(dist > 0, _bearing_0_360(az), np.nan),
        },
        index=pd.RangeIndex(len(i), name="pair_id"),
    )
    return gpd.GeoDataFrame(frame, geometry=lines, crs=MARS_GEOGRAPHIC)


def pairwise_distances(
    points: PointFrame,
    *,
    max_distance_m: float | None = None,
    geod: pyproj.Geod | None = None,
    max_bytes: float | None = None,
) -> gpd.GeoDataFrame:
    """Every unordered pair of points as a line, with its geodesic distance and azimuth.

    n points have n (n - 1) / 2 pairs, each row taking about 600 bytes: 3 GB for 3 200
    points. Without ``max_distance_m``, a result larger than ``max_bytes`` is refused before
    anything is computed. With it (a radius query), a k-d tree of the points' directions
    gives the candidate pairs, so the work grows with the pairs found rather than with n^2;
    the pairs are counted first, and the call is refused before they are gathered if they
    would pass ``max_bytes``. The geodesic distance decides each pair, so the pairs are the
    ones every pair's distance would give, in the same order.

    Parameters
    ----------
    points
        GeoDataFrame/GeoSeries of Points in a Mars CRS.
    max_distance_m
        Keep only pairs at most this far apart [m], a finite number >= 0 (a radius query,
        for large catalogues).
    geod
        Override the body (default: the MARS_GEOGRAPHIC sphere).
    max_bytes
        Memory bound of the call (default :data:`MAX_BYTES`, 2 GiB: about 3.5 million pairs).

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``pair_id``; columns ``<id>_from``, ``<id>_to`` (``tube_id_from``/``tube_id_to``
        for a tube catalogue, from < to in input order), ``distance_m``, ``azimuth_deg``
        (forward azimuth at the first point, clockwise from north, 0..360); LineString
        geometry from the first point to the second, in MARS_GEOGRAPHIC.

    Raises
    ------
    marsgeo.errors.TooLargeError
        The pairs would take more than ``max_bytes``.

    Examples
    --------
    >>> from marsgeo import load_depot
    >>> pairs = pairwise_distances(load_depot())
    >>> len(pairs), list(pairs.columns[:2])
    (45, ['tube_id_from', 'tube_id_to'])
    """
    max_distance_m = check_length(
        max_distance_m, name="max_distance_m", example="e.g. 50.0", allow_none=True
    )
    limit = _byte_limit(max_bytes)
    if max_distance_m is None and isinstance(points, (gpd.GeoDataFrame, gpd.GeoSeries)):
        n = len(points)
        count = n * (n - 1) // 2
        _refuse_if_too_large(
            float(count) * _BYTES_PER_PAIR,
            limit,
            what=f"pairwise_distances of {n:,} points ({count:,} pairs)",
            instead=_ALTERNATIVES,
        )
    checked, pts = _prepared(points, geod)
    if max_distance_m is None:
        i, j, d, az = _all_pairs(pts)
    else:
        i, j, d, az = _pairs_within(pts, max_distance_m, limit)
    return _pairs_frame(checked, i, j, d, az, pts.lon, pts.lat_c)


def _all_pairs(pts: _Points) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Every pair i < j in input order, with its distance and azimuth, block by block."""
    n, g = pts.n, pts.g
    keep_i, keep_j, keep_d, keep_a = [], [], [], []
    for rows in _blocks(n):
        i, j = _triu_block(rows, n)
        az, _, d = g.inv(pts.lon[i], pts.lat[i], pts.lon[j], pts.lat[j])
        keep_i.append(i)
        keep_j.append(j)
        keep_d.append(np.asarray(d, dtype=float))
        keep_a.append(np.asarray(az, dtype=float))
    return (
        np.concatenate(keep_i),
        np.concatenate(keep_j),
        np.concatenate(keep_d),
        np.concatenate(keep_a),
    )


def _pairs_within(
    pts: _Points, max_distance_m: float, limit: float
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Pairs i < j at most ``max_distance_m`` apart, in input order, from the k-d tree.

    The tree gives every pair within the chord that bounds ``max_distance_m`` from above (a
    superset); the geodesic distance then decides, as for every other pair.
    """
    n, g = pts.n, pts.g
    what = f"pairwise_distances of {n:,} points"
    instead = (
        "pass a smaller max_distance_m, use nearest_neighbours(points) for each point's "
        "closest, or pass a larger max_bytes="
    )
    tree = _kdtree(pts.directions())
    r_hi = float(_chord_at_most(pts, max_distance_m))
    r_lo = _chord_surely_within(pts, max_distance_m)
    counts = tree.count_neighbors(tree, np.array([max(r_lo, 0.0), r_hi]))
    surely, maybe = ((int(c) - n) // 2 for c in counts)
    if r_lo < 0:
        surely = 0
    _refuse_if_too_large(
        float(surely) * _BYTES_PER_PAIR,
        limit,
        what=f"{what}: at least {surely:,} pairs within max_distance_m={max_distance_m!r}",
        instead=instead,
    )
    _refuse_if_too_large(
        float(maybe) * _BYTES_PER_CANDIDATE,
        limit,
        what=f"{what}: {maybe:,} candidate pairs near max_distance_m={max_distance_m!r}",
        instead=instead,
    )
    found = tree.query_pairs(r_hi, output_type="ndarray").astype(np.intp, copy=False)
    first, second = np.minimum(found[:, 0], found[:, 1]), np.maximum(found[:, 0], found[:, 1])
    order = np.lexsort((second, first))  # input order: by first point, then second
    first, second = first[order], second[order]
    keep_i, keep_j, keep_d, keep_a = [], [], [], []
    kept = 0
    for start in range(0, len(first), _BLOCK_PAIRS):
        i, j = first[start : start + _BLOCK_PAIRS], second[start : start + _BLOCK_PAIRS]
        az, _, d = g.inv(pts.lon[i], pts.lat[i], pts.lon[j], pts.lat[j])
        d, az = np.asarray(d, dtype=float), np.asarray(az, dtype=float)
        m = d <= max_distance_m
        i, j, d, az = i[m], j[m], d[m], az[m]
        kept += len(i)
        _refuse_if_too_large(
            float(kept) * _BYTES_PER_PAIR,
            limit,
            what=f"{what}: more than {kept:,} pairs within max_distance_m={max_distance_m!r}",
            instead=instead,
        )
        keep_i.append(i)
        keep_j.append(j)
        keep_d.append(d)
        keep_a.append(az)
    if not keep_i:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0), np.zeros(0)
    return (
        np.concatenate(keep_i),
        np.concatenate(keep_j),
        np.concatenate(keep_d),
        np.concatenate(keep_a),
    )


# --- the k-d tree ---------------------------------------------------------------------------
# The tree holds unit vectors (directions from the body's centre). On the sphere the distance
# is 2 R asin(c / 2) of their chord c, monotone in c, so the nearest by chord is the nearest
# on the body. On an ellipsoid (an explicit geod=) the chord only bounds the distance s:
#   s >= r_min c          (the straight line is shortest, and both points are >= r_min out),
#   s <= r_max' theta     (the central angle theta, along the radial image of the great circle),
# with r_min the smaller semi-axis and r_max' = hypot(r_max, max |dr/dlat|); so candidates by
# chord are re-ranked by the geodesic, and a query is widened until it holds every point that
# could be as near as the best candidate.

# relative slack on the chord bounds: far above float rounding of chords, far below the
# difference between any two distances that matter
_CHORD_SLACK = 1e-9
# absolute slack [m]: the radius queries keep what the all-pairs filter kept (d <= D (1 + 1e-9)
# + 1e-9 m before the exact test), and a geodesic at a pole may be 0 between distinct vectors
_DISTANCE_SLACK_M = 1e-6
# neighbours asked of the tree at first (the point itself included); more for rows whose
# answer the first ones do not settle
_FIRST_K_SPHERE = 3
_FIRST_K_ELLIPSOID = 6


def _kdtree(x: FloatArray) -> Any:
    """Return a :class:`scipy.spatial.cKDTree` of the rows of ``x`` (SciPy imported here)."""
    from scipy.spatial import cKDTree  # type: ignore[import-untyped,unused-ignore]

    # sliding-midpoint splits: built in about 60 % of the time of median splits, queried as fast
    return cKDTree(x, balanced_tree=False)


def _radii(g: pyproj.Geod) -> tuple[float, float]:
    """(r_min, r_max') of the body, bounding a geodesic s by r_min c <= s <= r_max' theta."""
    a, b = float(g.a), float(g.b)
    if g.f == 0.0:
        return a, a
    lo, hi = min(a, b), max(a, b)
    # |dr/dlat| of r(lat) = a b / sqrt(b^2 cos^2 + a^2 sin^2) is at most a b |a^2 - b^2| / 2 lo^3
    slope = a * b * abs(a * a - b * b) / (2.0 * lo**3)
    return lo, math.hypot(hi, slope)


def _chord_of_angle(theta: FloatArray) -> FloatArray:
    """Chord of unit vectors [-] for central angles [rad] (2 beyond half a turn: everything)."""
    return np.asarray(2.0 * np.sin(np.minimum(theta, math.pi) / 2.0), dtype=float)


def _chord_at_most(pts: _Points, distance_m: Any) -> Any:
    """Chord of unit vectors that every pair at most ``distance_m`` apart lies within."""
    r_min, r_max = _radii(pts.g)
    # no geodesic is longer than half a turn (pi r_max'): clip far beyond it, before any overflow
    d = np.minimum(np.asarray(distance_m, dtype=float), 4.0 * r_max)
    d = d * (1.0 + _CHORD_SLACK) + _DISTANCE_SLACK_M
    if pts.sphere:  # s = R theta exactly, and the chord is 2 sin(theta / 2)
        return _chord_of_angle(d / r_min) * (1.0 + _CHORD_SLACK)
    return np.minimum(d / r_min, 2.0) * (1.0 + _CHORD_SLACK)


def _chord_surely_within(pts: _Points, distance_m: float) -> float:
    """Chord of unit vectors within which every pair is surely at most ``distance_m`` apart.

    Negative when there is none (``distance_m`` 0: only the distance itself can tell).
    """
    if distance_m <= 0.0:
        return -1.0
    _, r_max = _radii(pts.g)
    theta = min(distance_m, 4.0 * r_max) * (1.0 - _CHORD_SLACK) / r_max
    return float(_chord_of_angle(np.array(theta))) * (1.0 - _CHORD_SLACK)


def _places(pts: _Points) -> tuple[IntArray, IntArray]:
    """Group the points by place (equal coordinates to the bit).

    Returns the group of each point and, per group, its members' indices in input order as
    one array sorted by group (first member first).
    """
    order = np.lexsort((np.arange(pts.n), pts.lat, pts.lon))
    lon, lat = pts.lon[order], pts.lat[order]
    new = np.ones(pts.n, dtype=bool)
    new[1:] = (lon[1:] != lon[:-1]) | (lat[1:] != lat[:-1])
    group = np.empty(pts.n, dtype=np.intp)
    group[order] = np.cumsum(new) - 1
    return group, order


def _in_tree_order(tree: Any, x: FloatArray, k: int) -> tuple[IntArray, Any, Any]:
    """Query every point of ``tree`` for its ``k`` nearest, in the tree's own order.

    Neighbouring queries then walk the same branches (about a quarter faster than in input
    order). Returns the rows queried (tree positions) and the query's distances and indices.
    """
    rows = np.asarray(tree.indices, dtype=np.intp)
    t, nb = tree.query(x[rows], k=k)
    return rows, t, nb


def _nearest_of_tree(
    pts: _Points,
    tree: Any,
    x: FloatArray,
    ids: IntArray,
    first: tuple[IntArray, Any, Any] | None,
    *,
    distances: bool = True,
) -> tuple[IntArray, FloatArray]:
    """For each point of the tree, the nearest other point of it and the distance to it.

    ``ids`` are the input indices of the tree's points (rows ``x``). Ties (equal distances to
    the bit, as the kernels compute them) go to the lowest input index. ``first`` is a first
    query of the whole tree (:func:`_in_tree_order`), if already made. A row is settled once
    the farthest point the tree returned lies beyond the chord within which a point could be
    as near as the best candidate; unsettled rows ask for four times as many neighbours.
    Without ``distances``, a distance is left at infinity where the tree alone settles the
    neighbour.
    """
    m = len(ids)
    best = np.full(m, pts.n, dtype=np.intp)
    best_d = np.full(m, np.inf)
    if m < 2:
        return best, best_d
    k = min(m, _FIRST_K_SPHERE if pts.sphere else _FIRST_K_ELLIPSOID)
    if first is None:
        first = _in_tree_order(tree, x, k)
    todo = first[0]
    while len(todo):
        unsettled = []
        step = max(1, _BLOCK_PAIRS // k)
        for start in range(0, len(todo), step):
            rows = todo[start : start + step]
            if first is not None:  # the first round, already asked of the whole tree
                t, nb = first[1][start : start + step], first[2][start : start + step]
            else:
                t, nb = tree.query(x[rows], k=k)
            itself = nb == rows[:, None]
            if itself[:, 0].all():  # the usual case: each point is its own first neighbour
                nb, t, itself = nb[:, 1:], t[:, 1:], None
                if pts.sphere and nb.shape[1] > 1 and not distances:
                    # on the sphere the distance is monotone in the chord: a first neighbour
                    # clearly nearer than the second is the answer, with no distance computed
                    clear = t[:, 1] > t[:, 0] * (1.0 + 4.0 * _CHORD_SLACK)
                    best[rows[clear]] = ids[nb[clear, 0]]
                    rows, t, nb = rows[~clear], t[~clear], nb[~clear]
            cand = ids[nb]
            d = pts.pairs(np.broadcast_to(ids[rows][:, None], cand.shape), cand)
            if itself is not None:
                d[itself] = np.inf
            d_min = d.min(axis=1)
            pick = np.where(d == d_min[:, None], cand, pts.n).min(axis=1)
            if k == m:
                settled = np.ones(len(rows), dtype=bool)
            else:
                settled = t[:, -1] > _chord_at_most(pts, d_min)
            best[rows[settled]] = pick[settled]
            best_d[rows[settled]] = d_min[settled]
            unsettled.append(rows[~settled])
        todo = np.concatenate(unsettled)
        k = min(m, 4 * k)
        first = None
    return best, best_d


def _nearest(pts: _Points) -> IntArray:
    """Index of each point's nearest other point, ties to the lowest index (via the k-d tree).

    Points at one place are each other's nearest (at distance 0), the first of them in input
    order; the others are solved on one representative per place, the first of its points.
    """
    n = pts.n
    x = pts.directions()
    tree = _kdtree(x)
    first = _in_tree_order(tree, x, min(n, _FIRST_K_SPHERE if pts.sphere else _FIRST_K_ELLIPSOID))
    if not (first[1][:, 1] == 0.0).any():  # no two points share a direction, nor a place
        ids = np.arange(n, dtype=np.intp)
        best, _ = _nearest_of_tree(pts, tree, x, ids, first, distances=False)
        return best
    del first, tree
    group, members = _places(pts)
    starts = np.flatnonzero(np.r_[True, group[members[1:]] != group[members[:-1]]])
    reps = members[starts]  # the first point of each place
    size = np.diff(np.r_[starts, n])
    second = np.where(size > 1, members[np.minimum(starts + 1, n - 1)], n)
    xr = np.ascontiguousarray(x[reps])
    other, other_d = _nearest_of_tree(pts, _kdtree(xr), xr, reps, None)
    g = group
    mine = np.where(np.arange(n) == reps[g], second[g], reps[g])  # first other point here
    shared = size[g] > 1
    return np.where(shared, np.where(other_d[g] == 0.0, np.minimum(mine, other[g]), mine), other[g])


def _nearest_all_pairs(pts: _Points) -> tuple[IntArray, FloatArray]:
    """Find each nearest by computing every pair, blockwise: O(n^2), the reference."""
    n = pts.n
    best = np.empty(n, dtype=np.intp)
    best_d = np.empty(n, dtype=float)
    for rows in _blocks(n):
        r = np.arange(rows.start, rows.stop)
        block = pts.rows(rows, slice(0, n))
        block[np.arange(len(r)), r] = np.inf
        best[r] = np.argmin(block, axis=1)
        best_d[r] = block[np.arange(len(r)), best[r]]
    return best, best_d


def nearest_neighbours(points: PointFrame, *, geod: pyproj.Geod | None = None) -> gpd.GeoDataFrame:
    """Each point's nearest other point, its distance and azimuth.

    Found with a k-d tree of the points' directions, exactly (on the sphere the nearest by
    chord is the nearest on the body; on an ellipsoid passed as ``geod=`` candidates are
    re-ranked by the geodesic until none further out could be nearer): work grows as
    n log n and memory as n, so a million points are routine.

    Ties: of several points equally near (to the last bit of the distance as computed), the
    one first in the input order is the neighbour. Points at one place (equal coordinates)
    are each other's neighbours at distance 0, each taking the first other point there.

    Parameters
    ----------
    points
        GeoDataFrame/GeoSeries of at least two Points in a Mars CRS.
    geod
        Override the body (default: the MARS_GEOGRAPHIC sphere).

    Returns
    -------
    geopandas.GeoDataFrame
        Index as the input's (``tube_id``); columns ``nearest_<id>`` (``nearest_tube_id``),
        ``distance_m``, ``azimuth_deg`` (towards the neighbour); LineString geometry from the
        point to its neighbour, in MARS_GEOGRAPHIC.

    Examples
    --------
    >>> from marsgeo import load_depot
    >>> nn = nearest_neighbours(load_depot())
    >>> int(nn.loc[10, "nearest_tube_id"]), round(float(nn.loc[10, "distance_m"]), 1)
    (9, 20.1)
    """
    checked, pts = _prepared(points, geod)
    if pts.n < 2:
        msg = "points has fewer than two points; a nearest neighbour needs at least two."
        raise InputError(msg)
    j = _nearest(pts)
    i = np.arange(pts.n)
    lon, lat = pts.lon, pts.lat
    az, _, d = pts.g.inv(lon, lat, lon[j], lat[j])
    pairs = _pairs_frame(checked, i, j, np.asarray(d), np.asarray(az), lon, pts.lat_c)
    name = checked.index.name or "tube_id"
    out = pairs.drop(columns=[f"{name}_from"]).rename(columns={f"{name}_to": f"nearest_{name}"})
    out.index = checked.index.rename(name)
    return out


def spacing_violations(
    points: PointFrame,
    *,
    min_spacing_m: float,
    geod: pyproj.Geod | None = None,
    max_bytes: float | None = None,
) -> gpd.GeoDataFrame:
    """Pairs of points closer than ``min_spacing_m``.

    The Three Forks tubes were laid 5 to 15 m apart so that a recovery helicopter meets one
    tube at a time; this finds layouts that break such a rule.

    Parameters
    ----------
    points
        GeoDataFrame/GeoSeries of Points in a Mars CRS.
    min_spacing_m
        Minimum allowed distance [m], a finite number > 0.
    geod
        Override the body (default: the MARS_GEOGRAPHIC sphere).
    max_bytes
        Memory bound of the call, as for :func:`pairwise_distances`.

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`pairwise_distances`, only the pairs with ``distance_m < min_spacing_m``,
        closest first. Empty when the layout is fine.

    Examples
    --------
    >>> from marsgeo import load_depot
    >>> len(spacing_violations(load_depot(), min_spacing_m=5.0))
    0
    >>> close = spacing_violations(load_depot(), min_spacing_m=6.0)
    >>> close[["tube_id_from", "tube_id_to"]].values.tolist()
    [[3, 4], [5, 6]]
    """
    spacing = check_length(
        min_spacing_m, name="min_spacing_m", example="e.g. 5.0", allow_zero=False
    )
    pairs = pairwise_distances(points, max_distance_m=spacing, geod=geod, max_bytes=max_bytes)
    close = pairs[pairs["distance_m"] < min_spacing_m].sort_values("distance_m", kind="stable")
    return close.reset_index(drop=True).rename_axis("pair_id")


def _ring_area_perimeter(ring: Any, g: pyproj.Geod) -> tuple[float, float]:
    """Area enclosed by one ring (whatever its winding) and its length, on the body."""
    xy = shapely.get_coordinates(ring)
    area, perimeter = g.polygon_area_perimeter(xy[:, 0], xy[:, 1])
    return abs(float(area)), float(perimeter)


def _line_length(line: Any, g: pyproj.Geod) -> float:
    xy = shapely.get_coordinates(line)
    if len(xy) < 2:
        return 0.0
    return float(g.line_length(xy[:, 0], xy[:, 1]))


def _area_perimeter(geom: Any, g: pyproj.Geod) -> tuple[float, float]:
    """Area and perimeter of one geometry whose latitudes are already on the body."""
    if geom is None or geom.is_empty:
        return 0.0, 0.0
    kind = geom.geom_type
    if kind in ("Point", "MultiPoint"):
        return 0.0, 0.0
    if kind in ("LineString", "LinearRing"):
        # a line encloses nothing; it is not closed into a ring (Geod.geometry_area_perimeter
        # would, doubling a two-point line and giving a three-point line a triangle's area)
        return 0.0, _line_length(geom, g)
    if kind == "Polygon":
        # each ring on its own and unsigned, so that a hole is subtracted however it is wound
        area, perimeter = _ring_area_perimeter(geom.exterior, g)
        for hole in geom.interiors:
            hole_area, hole_perimeter = _ring_area_perimeter(hole, g)
            area -= hole_area
            perimeter += hole_perimeter
        return area, perimeter
    # MultiLineString, MultiPolygon, GeometryCollection: the sum of the parts
    area = perimeter = 0.0
    for part in geom.geoms:
        part_area, part_perimeter = _area_perimeter(part, g)
        area += part_area
        perimeter += part_perimeter
    return area, perimeter


def geodesic_area_perimeter(shapes: ShapeFrame, *, geod: pyproj.Geod | None = None) -> pd.DataFrame:
    """Geodesic area [m^2] and perimeter [m] of each geometry, on the Mars body.

    Polygon edges are taken as geodesics (densify lines of latitude before calling). Each
    ring of a polygon is measured on its own, so the result does not depend on the winding
    of the shell or of the holes. A ring is taken to enclose the smaller of the two regions
    it bounds on the body.

    Parameters
    ----------
    shapes
        GeoDataFrame or GeoSeries in a Mars CRS, its coordinates keeping marsgeo's coordinate
        range rule (:func:`marsgeo.crs.coordinate_problems`).
    geod
        Override the body (default: the MARS_GEOGRAPHIC sphere).

    Returns
    -------
    pandas.DataFrame
        Index as the input's, and two columns:

        ``area_m2``
            For a polygon, the area of its shell minus the areas of its holes; 0 for
            points and lines (a line is never closed into a ring, even when its ends meet).
        ``perimeter_m``
            For a polygon, the length of its whole boundary: the shell *and* every hole, as
            shapely's ``length`` counts it; for a line, its geodesic length; 0 for points.

        Multi-part geometries and geometry collections get the sums over their parts; empty
        and missing geometries get 0.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString, box
    >>> from marsgeo.crs import MARS_GEOGRAPHIC
    >>> shapes = gpd.GeoSeries([box(0, 0, 1, 1), LineString([(0, 0), (1, 0)])], crs=MARS_GEOGRAPHIC)
    >>> measures = geodesic_area_perimeter(shapes)
    >>> (measures["area_m2"] / 1e6).round().tolist()
    [3513.0, 0.0]
    >>> (measures["perimeter_m"] / 1e3).round(3).tolist()
    [237.09, 59.275]
    """
    mars = check_shapes(shapes, name="shapes")
    require_mars_crs(shapes, name="shapes")
    g = _body_geod(geod)
    geoms = mars.geometry if hasattr(mars, "geometry") else mars

    def _on_body(coords: FloatArray) -> FloatArray:
        return np.column_stack([coords[:, 0], geodetic_lat(coords[:, 1], g)])

    body = shapely.transform(np.asarray(geoms.values, dtype=object), _on_body)
    area = np.zeros(len(body))
    perim = np.zeros(len(body))
    for k, geom in enumerate(body):
        area[k], perim[k] = _area_perimeter(geom, g)
    return pd.DataFrame({"area_m2": area, "perimeter_m": perim}, index=geoms.index)
