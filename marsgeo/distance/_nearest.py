"""Nearest neighbours in one process, exactly, with a k-d tree of the points' directions.

:func:`nearest` is the search (the Dask code runs it on each spatial partition);
:func:`nearest_all_pairs` the O(n^2) scan it must agree with; :func:`nearest_neighbours` the
one-process body of :func:`marsgeo.distance.nearest_neighbours`.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pyproj

from marsgeo.distance._kernel import (
    CHORD_SLACK,
    FIRST_K_ELLIPSOID,
    FIRST_K_SPHERE,
    FloatArray,
    IntArray,
    Points,
    blocks,
    chord_at_most,
    kdtree,
    prepared,
)
from marsgeo.distance._pairs import pair_lines
from marsgeo.errors import InputError

TOO_FEW = "points has fewer than two points; a nearest neighbour needs at least two."


def _first_k(pts: Points) -> int:
    """Neighbours asked of the tree at first for each point (the point itself included)."""
    return FIRST_K_SPHERE if pts.sphere else FIRST_K_ELLIPSOID


def _places(pts: Points) -> tuple[IntArray, IntArray]:
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
    pts: Points,
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
    k = min(m, _first_k(pts))
    if first is None:
        first = _in_tree_order(tree, x, k)
    todo = first[0]
    while len(todo):
        unsettled = []
        for block in blocks(len(todo), per_row=k):
            rows = todo[block]
            if first is not None:  # the first round, already asked of the whole tree
                t, nb = first[1][block], first[2][block]
            else:
                t, nb = tree.query(x[rows], k=k)
            itself = nb == rows[:, None]
            if itself[:, 0].all():  # the usual case: each point is its own first neighbour
                nb, t, itself = nb[:, 1:], t[:, 1:], None
                if pts.sphere and nb.shape[1] > 1 and not distances:
                    # on the sphere the distance is monotone in the chord: a first neighbour
                    # clearly nearer than the second is the answer, with no distance computed
                    clear = t[:, 1] > t[:, 0] * (1.0 + 4.0 * CHORD_SLACK)
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
                settled = t[:, -1] > chord_at_most(pts.g, d_min)
            best[rows[settled]] = pick[settled]
            best_d[rows[settled]] = d_min[settled]
            unsettled.append(rows[~settled])
        todo = np.concatenate(unsettled)
        k = min(m, 4 * k)
        first = None
    return best, best_d


def nearest(pts: Points) -> IntArray:
    """Index of each point's nearest other point, ties to the lowest index (via the k-d tree).

    Points at one place are each other's nearest (at distance 0), the first of them in input
    order; the others are solved on one representative per place, the first of its points.
    """
    n = pts.n
    x = pts.directions()
    tree = kdtree(x)
    first = _in_tree_order(tree, x, min(n, _first_k(pts)))
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
    other, other_d = _nearest_of_tree(pts, kdtree(xr), xr, reps, None)
    g = group
    mine = np.where(np.arange(n) == reps[g], second[g], reps[g])  # first other point here
    shared = size[g] > 1
    return np.where(shared, np.where(other_d[g] == 0.0, np.minimum(mine, other[g]), mine), other[g])


def nearest_all_pairs(pts: Points) -> tuple[IntArray, FloatArray]:
    """Find each nearest by computing every pair, blockwise: O(n^2), the reference."""
    n = pts.n
    best = np.empty(n, dtype=np.intp)
    best_d = np.empty(n, dtype=float)
    for rows in blocks(n, per_row=n):
        r = np.arange(rows.start, rows.stop)
        block = pts.rows(rows, slice(0, n))
        block[np.arange(len(r)), r] = np.inf
        best[r] = np.argmin(block, axis=1)
        best_d[r] = block[np.arange(len(r)), best[r]]
    return best, best_d


def nearest_neighbours(points: Any, *, geod: pyproj.Geod | None) -> gpd.GeoDataFrame:
    """Compute :func:`marsgeo.distance.nearest_neighbours` in one process."""
    checked, pts = prepared(points, geod)
    if pts.n < 2:
        raise InputError(TOO_FEW)
    j = nearest(pts)
    lon, lat = pts.lon, pts.lat
    az, _, d = pts.g.inv(lon, lat, lon[j], lat[j])
    name = checked.index.name or "tube_id"
    xy = np.column_stack([lon, pts.lat_c])
    return pair_lines(
        {f"nearest_{name}": checked.index.to_numpy()[j]},
        xy,
        xy[j],
        np.asarray(d),
        np.asarray(az),
        checked.index.rename(name),
    )
