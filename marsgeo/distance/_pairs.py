"""Pairs of points in one process: the distance matrix, every pair, the pairs within a radius.

The one-process bodies of :func:`marsgeo.distance.distance_matrix`,
:func:`~marsgeo.distance.pairwise_distances` and :func:`~marsgeo.distance.spacing_violations`,
and :func:`pair_lines`, the frame of pairs as lines that every pair result is built as.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from marsgeo.crs import MARS_GEOGRAPHIC
from marsgeo.distance._kernel import (
    BYTES_PER_CANDIDATE,
    BYTES_PER_PAIR,
    FloatArray,
    IntArray,
    Points,
    bearing_0_360,
    blocks,
    chord_at_most,
    chord_surely_within,
    kdtree,
    prepared,
    refuse_if_too_large,
)

_ALTERNATIVES = (
    "for large sets ask for less: pairwise_distances(points, max_distance_m=...) gives only the "
    "pairs within a radius, nearest_neighbours(points) each point's closest; or pass a larger "
    "max_bytes= if the machine has the memory"
)


def pair_lines(
    columns: dict[str, Any],
    xy_from: FloatArray,
    xy_to: FloatArray,
    dist: FloatArray,
    az: FloatArray,
    index: pd.Index,
) -> gpd.GeoDataFrame:
    """Pairs as lines from ``xy_from`` to ``xy_to`` (lon/lat rows), in MARS_GEOGRAPHIC.

    Columns: ``columns`` (the ids), ``distance_m`` and ``azimuth_deg`` (the bearing of the
    azimuths ``az``; NaN where the distance is 0: two points at one place have no direction).
    """
    frame = pd.DataFrame(
        {
            **columns,
            "distance_m": dist,
            "azimuth_deg": np.where(dist > 0, bearing_0_360(az), np.nan),
        },
        index=index,
    )
    lines = shapely.linestrings(np.stack([xy_from, xy_to], axis=1).reshape(-1, 2, 2))
    return gpd.GeoDataFrame(frame, geometry=lines, crs=MARS_GEOGRAPHIC)


def refuse_matrix(n: int, limit: float, *, of: str = "", instead: str = _ALTERNATIVES) -> None:
    """Refuse the distance matrix of ``n`` points (8 n^2 bytes) if it would pass ``limit``.

    ``of`` names what holds the points, as in "a dask_geopandas frame of ".
    """
    refuse_if_too_large(
        8.0 * n * n, limit, what=f"distance_matrix of {of}{n:,} points", instead=instead
    )


def refuse_every_pair(n: int, limit: float, *, of: str = "", instead: str = _ALTERNATIVES) -> None:
    """Refuse every pair of ``n`` points as rows if they would pass ``limit`` bytes."""
    count = n * (n - 1) // 2
    refuse_if_too_large(
        float(count) * BYTES_PER_PAIR,
        limit,
        what=f"pairwise_distances of {of}{n:,} points ({count:,} pairs)",
        instead=instead,
    )


def distance_matrix(points: Any, *, geod: pyproj.Geod | None, limit: float) -> pd.DataFrame:
    """Compute :func:`marsgeo.distance.distance_matrix` in one process, within ``limit`` bytes."""
    if isinstance(points, (gpd.GeoDataFrame, gpd.GeoSeries)):  # refuse before any work
        refuse_matrix(len(points), limit)
    checked, pts = prepared(points, geod)
    out = pts.matrix()
    name = checked.index.name or "tube_id"
    index = checked.index.rename(name)
    # the array is ours and new: hand it over rather than let pandas copy 8 n^2 bytes
    return pd.DataFrame(out, index=index, columns=index.rename(f"to_{name}"), copy=False)


def pairwise_distances(
    points: Any, *, max_distance_m: float | None, geod: pyproj.Geod | None, limit: float
) -> gpd.GeoDataFrame:
    """Compute :func:`marsgeo.distance.pairwise_distances` in one process."""
    if max_distance_m is None and isinstance(points, (gpd.GeoDataFrame, gpd.GeoSeries)):
        refuse_every_pair(len(points), limit)
    checked, pts = prepared(points, geod)
    if max_distance_m is None:
        i, j, d, az = _all_pairs(pts)
    else:
        i, j, d, az = _pairs_within(pts, max_distance_m, limit)
    name = checked.index.name or "tube_id"
    ids = checked.index.to_numpy()
    xy = np.column_stack([pts.lon, pts.lat_c])
    return pair_lines(
        {f"{name}_from": ids[i], f"{name}_to": ids[j]},
        xy[i],
        xy[j],
        d,
        az,
        pd.RangeIndex(len(i), name="pair_id"),
    )


def closest_first(close: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the pairs found too close, closest first and numbered anew from 0."""
    ordered = close.sort_values("distance_m", kind="stable")
    return ordered.reset_index(drop=True).rename_axis("pair_id")


def spacing_violations(
    points: Any,
    *,
    spacing: float,
    min_spacing_m: float,
    geod: pyproj.Geod | None,
    limit: float,
) -> gpd.GeoDataFrame:
    """Compute :func:`marsgeo.distance.spacing_violations` in one process.

    ``spacing`` is ``min_spacing_m`` as checked, the radius of the query.
    """
    pairs = pairwise_distances(points, max_distance_m=spacing, geod=geod, limit=limit)
    return closest_first(pairs[pairs["distance_m"] < min_spacing_m])


def _triu_block(rows: slice, n: int) -> tuple[IntArray, IntArray]:
    """Upper-triangle pairs (i < j) whose first index lies in ``rows``."""
    r = np.arange(rows.start, rows.stop, dtype=np.intp)
    counts = n - 1 - r
    i = np.repeat(r, counts)
    starts = np.cumsum(counts) - counts
    j = np.arange(int(counts.sum()), dtype=np.intp) - np.repeat(starts, counts) + i + 1
    return i, j


_Pairs = tuple[IntArray, IntArray, FloatArray, FloatArray]  # i, j, distance [m], azimuth [deg]


def _inverse(pts: Points, i: IntArray, j: IntArray) -> tuple[FloatArray, FloatArray]:
    """Distances [m] and forward azimuths [deg] from points ``i`` to points ``j``, by PROJ."""
    az, _, d = pts.g.inv(pts.lon[i], pts.lat[i], pts.lon[j], pts.lat[j])
    return np.asarray(d, dtype=float), np.asarray(az, dtype=float)


def _joined(found: list[_Pairs]) -> _Pairs:
    """Join the pairs found block by block, in order (no block: no pairs)."""
    if not found:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0), np.zeros(0)
    i, j, d, az = zip(*found, strict=True)
    return np.concatenate(i), np.concatenate(j), np.concatenate(d), np.concatenate(az)


def _all_pairs(pts: Points) -> _Pairs:
    """Every pair i < j in input order, with its distance and azimuth, block by block."""
    found: list[_Pairs] = []
    for rows in blocks(pts.n, per_row=pts.n):
        i, j = _triu_block(rows, pts.n)
        found.append((i, j, *_inverse(pts, i, j)))
    return _joined(found)


def _pairs_within(pts: Points, max_distance_m: float, limit: float) -> _Pairs:
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
    tree = kdtree(pts.directions())
    r_hi = float(chord_at_most(g, max_distance_m))
    r_lo = chord_surely_within(g, max_distance_m)
    counts = tree.count_neighbors(tree, np.array([max(r_lo, 0.0), r_hi]))
    surely, maybe = ((int(c) - n) // 2 for c in counts)
    if r_lo < 0:
        surely = 0
    refuse_if_too_large(
        float(surely) * BYTES_PER_PAIR,
        limit,
        what=f"{what}: at least {surely:,} pairs within max_distance_m={max_distance_m!r}",
        instead=instead,
    )
    refuse_if_too_large(
        float(maybe) * BYTES_PER_CANDIDATE,
        limit,
        what=f"{what}: {maybe:,} candidate pairs near max_distance_m={max_distance_m!r}",
        instead=instead,
    )
    found = tree.query_pairs(r_hi, output_type="ndarray").astype(np.intp, copy=False)
    first, second = np.minimum(found[:, 0], found[:, 1]), np.maximum(found[:, 0], found[:, 1])
    order = np.lexsort((second, first))  # input order: by first point, then second
    first, second = first[order], second[order]
    within: list[_Pairs] = []
    kept = 0
    for block in blocks(len(first), per_row=1):
        i, j = first[block], second[block]
        d, az = _inverse(pts, i, j)
        m = d <= max_distance_m
        within.append((i[m], j[m], d[m], az[m]))
        kept += int(m.sum())
        refuse_if_too_large(
            float(kept) * BYTES_PER_PAIR,
            limit,
            what=f"{what}: more than {kept:,} pairs within max_distance_m={max_distance_m!r}",
            instead=instead,
        )
    return _joined(within)
