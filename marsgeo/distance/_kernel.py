"""The kernels every distance of marsgeo.distance is computed with, in one process or on Dask.

Shared within the package (its names carry no leading underscore here, the module does):
the body a call measures on, the memory bound of a call, points prepared once for the
kernels (:class:`Points`), the sphere and ellipsoid distance kernels, unit vectors and the
chord bounds of the k-d tree, and the blocks that bound the work handed to PROJ at once.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pyproj

from marsgeo._validate import check_points, lonlat
from marsgeo.crs import is_real_number, mars_geod, ocentric_to_ographic_lat
from marsgeo.errors import InputError, TooLargeError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# Pairs handed to PROJ at once by the blockwise functions: bounds memory at about 100 MB.
BLOCK_PAIRS = 2_000_000

# measured: one row of pairwise_distances (ids, distance, azimuth, LineString) takes about
# 560 bytes at its peak; geodesic_distance_m about 16 float arrays per value
BYTES_PER_PAIR = 600
BYTES_PER_VALUE = 128
# a candidate pair of a radius query before its distance is known: two indices in SciPy's
# list and in its array, then the sort order and the sorted copy
BYTES_PER_CANDIDATE = 64


def blocks(n: int, *, per_row: int) -> Iterator[slice]:
    """Slices of ``range(n)``, each of rows that give at most :data:`BLOCK_PAIRS` pairs.

    A row gives ``per_row`` pairs; a block holds at least one row.
    """
    rows = max(1, BLOCK_PAIRS // max(per_row, 1))
    for start in range(0, n, rows):
        yield slice(start, min(n, start + rows))


# --- the memory bound of a call ------------------------------------------------------------------


def _size(n_bytes: float) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:,.1f} {unit}"
    return f"{n_bytes:,.0f} bytes"


def byte_limit(max_bytes: Any, *, default: float) -> float:
    """Return the memory bound of a call: ``max_bytes``, else ``default`` (MAX_BYTES now)."""
    if max_bytes is None:
        return float(default)
    if is_real_number(max_bytes) and not math.isnan(float(max_bytes)) and float(max_bytes) > 0:
        return float(max_bytes)
    msg = (
        f"max_bytes={max_bytes!r} is not a memory size; pass a number of bytes > 0, e.g. "
        "8 * 1024**3, or None for marsgeo.distance.MAX_BYTES."
    )
    raise InputError(msg)


def refuse_if_too_large(needed: float, limit: float, *, what: str, instead: str) -> None:
    """Refuse a call that needs more than ``limit`` bytes, saying what to do ``instead``."""
    if needed > limit:
        msg = (
            f"{what} would take about {_size(needed)} of memory, more than max_bytes "
            f"({_size(limit)}); {instead}."
        )
        raise TooLargeError(msg)


# --- the body and the points ---------------------------------------------------------------------


def on_dask(data: Any) -> bool:
    """Tell whether ``data`` is a Dask collection (dask_geopandas's), without importing Dask."""
    return type(data).__module__.partition(".")[0] in ("dask", "dask_geopandas")


def body_geod(geod: pyproj.Geod | None) -> pyproj.Geod:
    """Return the body distances are measured on: ``geod``, else the MARS_GEOGRAPHIC sphere."""
    if geod is not None:
        if not isinstance(geod, pyproj.Geod):
            msg = f"geod={geod!r} is not a pyproj.Geod; pass e.g. marsgeo.crs.mars_geod()."
            raise InputError(msg)
        return geod
    return mars_geod()


def geodetic_lat(lat_c: FloatArray, geod: pyproj.Geod) -> FloatArray:
    """Return planetocentric latitudes [deg] as the geodetic ones ``geod`` takes on its body."""
    if geod.f == 0.0:
        return lat_c
    return ocentric_to_ographic_lat(lat_c, a_m=geod.a, b_m=geod.b)


def prepared(
    points: Any, geod: pyproj.Geod | None, *, name: str = "points"
) -> tuple[gpd.GeoDataFrame, Points]:
    """Check ``points`` (converted to MARS_GEOGRAPHIC) and prepare them for the kernels."""
    checked = check_points(points, name=name)
    g = body_geod(geod)
    lon, lat_c = lonlat(checked)
    return checked, Points(lon, lat_c, g)


# --- distance kernels ---------------------------------------------------------------------------
# On a sphere the geodesic is the great circle, and a closed form is exact to float precision
# and much cheaper than Karney's general algorithm: marsgeo uses it there, and pyproj.Geod.inv
# on an ellipsoid. Two sphere forms:
# - pairs: the central angle atan2(|a x b|, a . b) of unit vectors, accurate at every angle;
# - matrices: 2 asin(|a - b| / 2), the chord, which costs a third as much, is accurate to
#   ~1e-16 R at short range, and falls back to the atan2 form past ~89 degrees, where asin
#   loses precision.

_ASIN_SAFE_HALF_CHORD = 0.7  # half-chord 0.7 <-> central angle 88.9 degrees


def unit_vectors(lon: FloatArray, lat: FloatArray) -> FloatArray:
    """Return unit vectors (3, n) from the body's centre towards planetocentric lon/lat [deg]."""
    lam, phi = np.radians(lon), np.radians(lat)
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)])


def directions(lon: FloatArray, lat: FloatArray) -> FloatArray:
    """Return unit vectors as rows (n, 3), as the k-d tree takes them."""
    return np.ascontiguousarray(unit_vectors(lon, lat).T)


def central_angle(a: FloatArray, b: FloatArray) -> FloatArray:
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
        out[wide] = central_angle(v[:, i], v[:, j]) / 2.0
    out *= 2.0 * radius_m


class Points:
    """Coordinates prepared once for the kernels."""

    def __init__(self, lon: FloatArray, lat_c: FloatArray, g: pyproj.Geod) -> None:
        self.lon, self.lat_c, self.g = lon, lat_c, g
        self.lat = geodetic_lat(lat_c, g)  # geodetic on g's body
        self.n = len(lon)
        self.sphere = g.f == 0.0
        if self.sphere:
            self.v = unit_vectors(lon, lat_c)
            self.check_wide = _may_have_wide_pairs(self.v)

    def directions(self) -> FloatArray:
        """Return unit vectors (n, 3) from the body's centre towards the points."""
        if self.sphere:
            return np.ascontiguousarray(self.v.T)
        return directions(self.lon, self.lat_c)

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
            out[wide] = central_angle(v[:, i[wide]], v[:, j[wide]]) / 2.0
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


def bearing_0_360(az: FloatArray) -> FloatArray:
    """Azimuths [deg] in -180..180 as bearings in 0..360 (a tiny negative one is 0, not 360)."""
    out = np.mod(az, 360.0)
    out[out >= 360.0] = 0.0
    return np.asarray(out, dtype=float)


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
CHORD_SLACK = 1e-9
# absolute slack [m]: the radius queries keep what the all-pairs filter kept (d <= D (1 + 1e-9)
# + 1e-9 m before the exact test), and a geodesic at a pole may be 0 between distinct vectors
_DISTANCE_SLACK_M = 1e-6
# neighbours asked of the tree at first (the point itself included); more for rows whose
# answer the first ones do not settle
FIRST_K_SPHERE = 3
FIRST_K_ELLIPSOID = 6


def kdtree(x: FloatArray) -> Any:
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


def chord_at_most(g: pyproj.Geod, distance_m: Any) -> Any:
    """Chord of unit vectors that every pair at most ``distance_m`` apart on ``g`` lies within."""
    r_min, r_max = _radii(g)
    # no geodesic is longer than half a turn (pi r_max'): clip far beyond it, before any overflow
    d = np.minimum(np.asarray(distance_m, dtype=float), 4.0 * r_max)
    d = d * (1.0 + CHORD_SLACK) + _DISTANCE_SLACK_M
    if g.f == 0.0:  # s = R theta exactly, and the chord is 2 sin(theta / 2)
        return _chord_of_angle(d / r_min) * (1.0 + CHORD_SLACK)
    return np.minimum(d / r_min, 2.0) * (1.0 + CHORD_SLACK)


def chord_surely_within(g: pyproj.Geod, distance_m: float) -> float:
    """Chord of unit vectors within which every pair is surely at most ``distance_m`` apart.

    Negative when there is none (``distance_m`` 0: only the distance itself can tell).
    """
    if distance_m <= 0.0:
        return -1.0
    _, r_max = _radii(g)
    theta = min(distance_m, 4.0 * r_max) * (1.0 - CHORD_SLACK) / r_max
    return float(_chord_of_angle(np.array(theta))) * (1.0 - CHORD_SLACK)
