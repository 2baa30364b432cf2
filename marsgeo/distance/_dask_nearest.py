"""Nearest neighbours of a dask_geopandas frame, exactly as one process finds them.

Each spatial partition (:mod:`~marsgeo.distance._dask_partitions`) first solves its own points
with the one-process k-d tree (:func:`~marsgeo.distance._nearest.nearest`). That answer is a
real point, so the true neighbour is no farther and lies within a known chord of unit vectors
(:func:`~marsgeo.distance._kernel.chord_at_most`, with its slack). Each run takes a halo chord
``h`` (four times the 99th percentile of its points' chords, at most their largest), and the
partition receives, from the partitions around it, the points inside its runs' boxes widened
by their ``h``: a point whose chord is at most its run's ``h`` is settled by them, since every
point that could be as near lies in the widened box. The few points left (far from all
others, or alone in their partition) are searched for in every partition their search
reaches. Candidates are ranked by the kernel distance (:class:`~marsgeo.distance._kernel.Points`),
then by position, as the one-process search ranks them; a search asks its k-d tree for more
candidates until none farther could be as near.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from marsgeo.distance import _nearest, _pairs
from marsgeo.distance._dask_partitions import (
    BOX_SLACK,
    FloatArray,
    IntArray,
    back_to_input,
    boxes,
    checked_meta,
    dask_modules,
    index_name,
    runs,
    spatial_partitions,
    stats_part,
    with_duplicates,
    with_halo,
)
from marsgeo.distance._kernel import (
    CHORD_SLACK,
    FIRST_K_SPHERE,
    Points,
    body_geod,
    chord_at_most,
    directions,
    geodetic_lat,
    kdtree,
)
from marsgeo.errors import InputError

# the halo of a run: this many times the 99th percentile of its points' search chords
_HALO_FACTOR = 4.0


def _pair_distances(
    lon_a: FloatArray, lat_a: FloatArray, lon_b: FloatArray, lat_b: FloatArray, g: pyproj.Geod
) -> FloatArray:
    """Distances [m] from a[k] to b[k] with the one-process kernel (:class:`Points`), to the bit."""
    n = len(lon_a)
    if n == 0:
        return np.zeros(0)
    pts = Points(np.concatenate([lon_a, lon_b]), np.concatenate([lat_a, lat_b]), g)
    i = np.arange(n, dtype=np.intp)
    return pts.pairs(i, i + n)


def _core_part(part: pd.DataFrame, g: pyproj.Geod) -> pd.DataFrame:
    """Each point's nearest within its own partition (single-process), and its search chord."""
    m = len(part)
    out = part[["pos", "lon", "lat", "id", "key"]].copy()
    lon, lat = part["lon"].to_numpy(), part["lat"].to_numpy()
    nb = np.arange(m, dtype=np.intp)  # itself: no neighbour found yet
    d = np.full(m, np.inf)
    if m >= 2:
        pts = Points(lon, lat, g)
        nb = _nearest.nearest(pts)
        d = pts.pairs(np.arange(m, dtype=np.intp), nb)
    out["nb_pos"] = np.where(np.isfinite(d), part["pos"].to_numpy()[nb], -1)
    out["nb_lon"] = lon[nb]
    out["nb_lat"] = lat[nb]
    out["nb_id"] = part["id"].array.take(nb)
    out["nb_d"] = d
    r = np.asarray(chord_at_most(g, np.where(np.isfinite(d), d, 0.0)), dtype=float)
    r = np.where(np.isfinite(d), r, np.inf)
    out["r"] = r
    run = runs(directions(lon, lat))
    halo = np.zeros(int(run.max()) + 1 if m else 0)
    for k in range(len(halo)):  # a run's halo: a few times the 99th percentile of its chords
        mine = r[(run == k) & np.isfinite(r)]
        if len(mine):
            halo[k] = min(mine.max(), _HALO_FACTOR * np.quantile(mine, 0.99), 2.0)
    out["run"] = run
    out["h"] = halo[run]
    return out


def _first_per_row(rows: IntArray, d: FloatArray, pos: IntArray) -> IntArray:
    """For each row, the index of its best candidate: nearest, then first in the input order."""
    order = np.asarray(np.lexsort((pos, d, rows)), dtype=np.int64)
    rows_o = rows[order]
    first: IntArray = order[np.r_[True, rows_o[1:] != rows_o[:-1]][: len(order)]]
    return first


def _improve(best: pd.DataFrame, rows: IntArray, cand: pd.DataFrame, d: FloatArray) -> None:
    """Take, for rows ``rows`` of ``best``, the candidates that beat their neighbours.

    A candidate beats a neighbour when it is nearer, or as near and first in the input order
    (lower position); ``cand`` holds the candidates' pos, lon, lat and id.
    """
    if len(rows) == 0:
        return
    cpos = cand["pos"].to_numpy()
    pick = _first_per_row(rows, d, cpos)
    r, dc, pc = rows[pick], d[pick], cpos[pick]
    cur_d = best["nb_d"].to_numpy()[r]
    cur_pos = best["nb_pos"].to_numpy()[r]
    better = (dc < cur_d) | ((dc == cur_d) & (pc < cur_pos))
    r, pick = r[better], pick[better]
    if len(r) == 0:
        return
    # every frame here has a RangeIndex: labels are positions
    best.loc[r, "nb_pos"] = cpos[pick]
    best.loc[r, "nb_lon"] = cand["lon"].to_numpy()[pick]
    best.loc[r, "nb_lat"] = cand["lat"].to_numpy()[pick]
    best.loc[r, "nb_id"] = cand["id"].array.take(pick)
    best.loc[r, "nb_d"] = d[pick]


def _nearest_among(cand: pd.DataFrame, queries: pd.DataFrame, g: pyproj.Geod) -> pd.DataFrame:
    """Each query's best other point of ``cand`` at most its ``bound`` [m] away, exactly.

    As the single-process search does it: a k-d tree of the candidates gives each query its
    k nearest by chord (within the chord of its bound), ranked by the kernel distance and then
    by position; a query is settled once the farthest returned lies beyond the chord within
    which a point could be as near as its best, else it asks for four times as many. Returns
    the queries' row numbers ``q``, distances ``d`` and the chosen points' pos, lon, lat, id.
    """
    m, nq = len(cand), len(queries)
    if m == 0 or nq == 0:
        return _no_candidates(cand)
    cpos = cand["pos"].to_numpy()
    clon, clat = cand["lon"].to_numpy(), cand["lat"].to_numpy()
    qlon, qlat = queries["lon"].to_numpy(), queries["lat"].to_numpy()
    qpos, bound = queries["pos"].to_numpy(), queries["bound"].to_numpy()
    tree, xq = kdtree(directions(clon, clat)), directions(qlon, qlat)
    best_d, best_j = np.full(nq, np.inf), np.full(nq, -1, dtype=np.int64)
    todo, k = np.arange(nq, dtype=np.int64), min(FIRST_K_SPHERE, m)
    while len(todo):
        reach = np.asarray(chord_at_most(g, bound[todo]), dtype=float)
        t, nb = tree.query(xq[todo], k=k, distance_upper_bound=float(reach.max()))
        t, nb = t.reshape(len(todo), k), nb.reshape(len(todo), k)
        ok = (nb < m) & (t <= reach[:, None])
        nb = np.where(ok, nb, 0)
        ok &= cpos[nb] != qpos[todo][:, None]
        i, c = np.nonzero(ok)
        rows, j = todo[i], nb[i, c]
        d = _pair_distances(qlon[rows], qlat[rows], clon[j], clat[j], g)
        pick = _first_per_row(rows, d, cpos[j])
        r, dj, jj = rows[pick], d[pick], j[pick]
        old = best_j[r]
        better = (old < 0) | (dj < best_d[r]) | ((dj == best_d[r]) & (cpos[jj] < cpos[old]))
        best_d[r[better]], best_j[r[better]] = dj[better], jj[better]
        near = np.minimum(bound[todo], best_d[todo])
        done = (k == m) | ~np.isfinite(t[:, -1])
        done |= t[:, -1] > np.asarray(chord_at_most(g, near), dtype=float)
        todo, k = todo[~done], min(m, 4 * k)
    found = np.flatnonzero(best_j >= 0)
    out = cand.iloc[best_j[found]][["pos", "lon", "lat", "id"]].reset_index(drop=True)
    out["q"] = queries["q"].to_numpy()[found]
    out["d"] = best_d[found]
    return out


def _no_candidates(part: pd.DataFrame) -> pd.DataFrame:
    out = part.iloc[:0][["pos", "lon", "lat", "id"]].reset_index(drop=True)
    out["q"] = np.zeros(0, dtype=np.int64)
    out["d"] = np.zeros(0)
    return out


def _queries(best: pd.DataFrame, rows: IntArray) -> pd.DataFrame:
    out = best.iloc[rows][["pos", "lon", "lat"]].reset_index(drop=True)
    out["bound"] = best["nb_d"].to_numpy()[rows]
    out["q"] = rows
    return out


def _merge_halo(core: pd.DataFrame, pieces: list[pd.DataFrame], g: pyproj.Geod) -> Any:
    """Improve each point by the halo's points; mark those whose search the halo covers."""
    best = core.copy()
    r = best["r"].to_numpy()
    settled = np.isfinite(r) & (r <= best["h"].to_numpy())
    best["settled"] = settled
    pieces = [p for p in pieces if len(p)]
    rows = np.flatnonzero(settled).astype(np.int64)
    if not pieces or len(rows) == 0:
        return best
    found = _nearest_among(pd.concat(pieces, ignore_index=True), _queries(best, rows), g)
    _improve(best, found["q"].to_numpy(), found, found["d"].to_numpy())
    return best


def _unsettled(best: pd.DataFrame, p: int) -> pd.DataFrame:
    out = best.loc[~best["settled"].to_numpy()].drop(columns="settled").reset_index(drop=True)
    out["part"] = p
    return out


def _ball_reaches(queries: pd.DataFrame, lo: FloatArray, hi: FloatArray, g: pyproj.Geod) -> Any:
    """Which queries' searches (within the chord of their ``bound``) meet the box [lo, hi]."""
    x = directions(queries["lon"].to_numpy(), queries["lat"].to_numpy())
    gap = np.maximum(lo - x, 0.0) + np.maximum(x - hi, 0.0)
    reach = np.asarray(chord_at_most(g, queries["bound"].to_numpy()), dtype=float)
    return np.sqrt(np.einsum("ij,ij->i", gap, gap)) <= reach * (1.0 + CHORD_SLACK) + BOX_SLACK


def _settle_rest(
    dask: Any, parts: list[Any], stats: pd.DataFrame, rest: pd.DataFrame, g: pyproj.Geod
) -> pd.DataFrame:
    """Solve the points no halo settled against every partition their search reaches.

    Each partition gives each query its best point within the query's bound (the best found
    so far, or anywhere for a point alone in its partition); the best of those is the answer.
    """
    rest = rest.reset_index(drop=True)
    queries = _queries(rest, np.arange(len(rest), dtype=np.int64))
    lo, hi = boxes(stats)
    tasks = []
    for p in np.flatnonzero(stats["n"].to_numpy() > 0):
        near = queries.loc[_ball_reaches(queries, lo[p], hi[p], g)]
        if len(near):
            tasks.append(dask.delayed(_nearest_among)(parts[p], near.reset_index(drop=True), g))
    frames = [f for f in dask.compute(*tasks) if len(f)]
    if frames:
        cand = pd.concat(frames, ignore_index=True)
        _improve(rest, cand["q"].to_numpy(), cand, cand["d"].to_numpy())
    return rest


def _apply(best: pd.DataFrame, updates: pd.DataFrame | None) -> pd.DataFrame:
    out = best[["pos", "lon", "lat", "id", "nb_lon", "nb_lat", "nb_id"]]
    if updates is None or len(updates) == 0:
        return out
    out = out.copy()
    rows = np.searchsorted(out["pos"].to_numpy(), updates["pos"].to_numpy())
    for col in ("nb_lon", "nb_lat", "nb_id"):
        out.loc[rows, col] = updates[col].array
    return out


def _nearest_frame(part: pd.DataFrame, g: pyproj.Geod, name: str) -> gpd.GeoDataFrame:
    """Build the rows of :func:`marsgeo.distance.nearest_neighbours` of one input partition."""
    lon, lat = part["lon"].to_numpy(), part["lat"].to_numpy()
    nb_lon, nb_lat = part["nb_lon"].to_numpy(), part["nb_lat"].to_numpy()
    az, _, d = g.inv(lon, geodetic_lat(lat, g), nb_lon, geodetic_lat(nb_lat, g))
    return _pairs.pair_lines(
        # as the single-process frame builds it: from the ids as a NumPy array
        {f"nearest_{name}": part["nb_id"].to_numpy()},
        np.column_stack([lon, lat]),
        np.column_stack([nb_lon, nb_lat]),
        np.asarray(d, dtype=float),
        np.asarray(az, dtype=float),
        pd.Index(part["id"].array, name=name),
    )


def nearest_neighbours(points: Any, *, geod: pyproj.Geod | None) -> Any:
    """:func:`marsgeo.distance.nearest_neighbours` of a dask_geopandas frame, exactly."""
    dask, dd = dask_modules()
    g = body_geod(geod)
    meta_in = checked_meta(points, name="points")
    spatial, dups = spatial_partitions(dask, points, name="points")
    core = spatial.map_partitions(_core_part, g, meta=_core_part(spatial._meta, g)).persist()
    stats = core.map_partitions(stats_part, meta=stats_part(core._meta).iloc[:0])
    stats = with_duplicates(dask, stats, dups, meta_in)
    del spatial, dups  # the cluster may free what only they held
    if stats["n"].sum() < 2:
        raise InputError(_nearest.TOO_FEW)
    parts = core.to_delayed()
    merged = dask.persist(*with_halo(dask, parts, stats, None, _merge_halo, g))
    rest = pd.concat(
        dask.compute(*(dask.delayed(_unsettled)(m, p) for p, m in enumerate(merged))),
        ignore_index=True,
    )
    updates: dict[int, pd.DataFrame] = {}
    if len(rest):
        solved = _settle_rest(dask, parts, stats, rest, g)
        part = solved["part"].to_numpy()
        updates = {int(p): solved.loc[part == p] for p in np.unique(part)}
    final = [dask.delayed(_apply)(m, updates.get(p)) for p, m in enumerate(merged)]
    final = list(dask.persist(*final))
    meta = _apply(_merge_halo(core._meta, [], g), None)
    del parts, merged, core
    name = index_name(meta_in)
    by_input = back_to_input(dd, final, meta, points.npartitions, "pos")
    out_meta = _nearest_frame(meta, g, name)
    return dd.from_delayed(
        [dask.delayed(_nearest_frame)(p, g, name) for p in by_input.to_delayed()],
        meta=out_meta,
        divisions=points.divisions if points.known_divisions else None,
        verify_meta=False,
    )
