"""The distance functions on ``dask_geopandas`` frames (reached through marsgeo.distance).

A frame of 10^7 - 10^8 points does not fit one process. The functions of
:mod:`marsgeo.distance` hand such a frame here, and each gives what it gives for the same
points in one GeoDataFrame, to the last bit (the same neighbours, ties and distances, the same
index), measured on the same body:

- per-point work (:func:`distances_from`, :func:`geodesic_area_perimeter`) runs partition by
  partition, lazily, with the one-process function;
- radius queries (:func:`pairwise_distances` with ``max_distance_m``,
  :func:`spacing_violations`) and nearest neighbours
  (:func:`~marsgeo.distance._dask_nearest.nearest_neighbours`) run on spatial partitions with
  a halo (:mod:`~marsgeo.distance._dask_partitions`).

Radius queries use the radius as the halo and keep each pair in the partition of its first
point (in input order). Neighbour and radius queries compute when called (the spatial sort
needs the data): the points are read, sorted and solved on the cluster, and the result is a
frame backed by the cluster's memory (``persist``), partitioned like the input, whose
remaining steps (back to the input's partitions and order, the result's columns) run when
computed.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from marsgeo.distance import _measure, _pairs
from marsgeo.distance._dask_partitions import (
    FloatArray,
    IntArray,
    back_to_input,
    checked_meta,
    dask_modules,
    index_name,
    spatial_partitions,
    stats_part,
    with_duplicates,
    with_halo,
)
from marsgeo.distance._kernel import (
    BYTES_PER_CANDIDATE,
    BYTES_PER_PAIR,
    body_geod,
    chord_at_most,
    directions,
    geodetic_lat,
    kdtree,
    refuse_if_too_large,
)

_FRAME = "a dask_geopandas frame of "
_ALTERNATIVES = (
    "for a dask_geopandas frame use nearest_neighbours(points) or "
    "pairwise_distances(points, max_distance_m=...), which run partition by partition, or pass "
    "a larger max_bytes= to gather the points into one process"
)


# --- per point, partition by partition -------------------------------------------------------


def _distances_part(
    part: Any, origin: tuple[float, float], geod: pyproj.Geod | None, meta: pd.DataFrame
) -> pd.DataFrame:
    if len(part) == 0:
        return meta.set_axis(part.index)
    return _measure.distances_from(part, origin, geod=geod)


def distances_from(points: Any, origin: Any, *, geod: pyproj.Geod | None) -> Any:
    """Lazy :func:`marsgeo.distance.distances_from`: a Dask DataFrame, partitioned as ``points``.

    The origin, the body and the CRS are checked now; the points when computed.
    """
    dask_modules()
    meta_in = checked_meta(points, name="points")
    body_geod(geod)
    origin_lonlat = _measure.origin_lonlat(origin)
    meta = pd.DataFrame(
        {"distance_m": np.zeros(0), "bearing_deg": np.zeros(0)}, index=meta_in.index[:0]
    )
    return points.map_partitions(_distances_part, origin_lonlat, geod, meta, meta=meta)


def _areas_part(part: Any, geod: pyproj.Geod | None, meta: pd.DataFrame) -> pd.DataFrame:
    if len(part) == 0:
        return meta.set_axis(part.index)
    return _measure.geodesic_area_perimeter(part, geod=geod)


def geodesic_area_perimeter(shapes: Any, *, geod: pyproj.Geod | None) -> Any:
    """Lazy :func:`marsgeo.distance.geodesic_area_perimeter`, partition by partition."""
    dask_modules()
    meta_in = checked_meta(shapes, name="shapes")
    body_geod(geod)
    meta = pd.DataFrame(
        {"area_m2": np.zeros(0), "perimeter_m": np.zeros(0)}, index=meta_in.index[:0]
    )
    return shapes.map_partitions(_areas_part, geod, meta, meta=meta)


# --- whole-set results that must fit one process ---------------------------------------------


def _count(points: Any) -> int:
    return int(points.map_partitions(len).sum().compute())


def distance_matrix(points: Any, *, geod: pyproj.Geod | None, limit: float) -> Any:
    """Compute the matrix of a frame small enough for ``limit`` bytes; refuse a larger one."""
    dask_modules()
    checked_meta(points, name="points")
    _pairs.refuse_matrix(_count(points), limit, of=_FRAME, instead=_ALTERNATIVES)
    return _pairs.distance_matrix(points.compute(), geod=geod, limit=limit)


def _all_pairwise(points: Any, *, geod: pyproj.Geod | None, limit: float) -> Any:
    _pairs.refuse_every_pair(_count(points), limit, of=_FRAME, instead=_ALTERNATIVES)
    return _pairs.pairwise_distances(points.compute(), max_distance_m=None, geod=geod, limit=limit)


# --- radius queries --------------------------------------------------------------------------


def _near_pairs(xq: FloatArray, xc: FloatArray, reach: float) -> tuple[IntArray, IntArray]:
    """Pairs (query k, candidate j) at most the chord ``reach`` apart (a k-d tree each)."""
    if len(xq) == 0 or len(xc) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    found = kdtree(xq).sparse_distance_matrix(kdtree(xc), reach, output_type="ndarray")
    return found["i"].astype(np.int64), found["j"].astype(np.int64)


def _pairs_part(
    core: pd.DataFrame,
    pieces: list[pd.DataFrame],
    reach: float,
    max_distance_m: float,
    g: pyproj.Geod,
    limit: float,
) -> pd.DataFrame:
    """Pairs within ``max_distance_m`` whose first point (in input order) is in this part."""
    pieces = [p for p in pieces if len(p)]
    every = pd.concat([core[["pos", "lon", "lat", "id"]], *pieces], ignore_index=True)
    m = len(core)
    if m == 0:
        every = every.iloc[:0]
    lon, lat, pos = every["lon"].to_numpy(), every["lat"].to_numpy(), every["pos"].to_numpy()
    x = directions(lon, lat)
    xc = x[:m]
    tree = kdtree(xc)
    within = np.array([reach])
    candidates = (int(tree.count_neighbors(tree, within)[0]) - m) // 2
    if len(every) > m:
        candidates += int(tree.count_neighbors(kdtree(x[m:]), within)[0])
    refuse_if_too_large(
        float(candidates) * BYTES_PER_CANDIDATE,
        limit,
        what=f"pairwise_distances: {candidates:,} candidate pairs in one partition",
        instead="pass a smaller max_distance_m, use more partitions, or a larger max_bytes=",
    )
    own = tree.query_pairs(reach, output_type="ndarray").astype(np.int64).reshape(-1, 2)
    i, j = np.minimum(own[:, 0], own[:, 1]), np.maximum(own[:, 0], own[:, 1])
    if len(every) > m:
        k, h = _near_pairs(xc, x[m:], reach)
        h = h + m
        later = pos[h] > pos[k]
        i, j = np.r_[i, k[later]], np.r_[j, h[later]]
    az, _, d = g.inv(lon[i], geodetic_lat(lat[i], g), lon[j], geodetic_lat(lat[j], g))
    d, az = np.asarray(d, dtype=float), np.asarray(az, dtype=float)
    keep = d <= max_distance_m
    refuse_if_too_large(
        float(keep.sum()) * BYTES_PER_PAIR,
        limit,
        what=f"pairwise_distances: {int(keep.sum()):,} pairs in one partition",
        instead="pass a smaller max_distance_m, use more partitions, or a larger max_bytes=",
    )
    i, j = i[keep], j[keep]
    ids = every["id"].array
    return pd.DataFrame(
        {
            "pos_from": pos[i],
            "pos_to": pos[j],
            "id_from": ids.take(i),
            "id_to": ids.take(j),
            "lon_from": lon[i],
            "lat_from": lat[i],
            "lon_to": lon[j],
            "lat_to": lat[j],
            "distance_m": d[keep],
            "az": az[keep],
        }
    )


def _in_pair_order(part: pd.DataFrame) -> pd.DataFrame:
    out = part.reset_index()
    order = np.lexsort((out["pos_to"].to_numpy(), out["pos_from"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def _pairs_frame(part: pd.DataFrame, start: int, name: str) -> gpd.GeoDataFrame:
    """Build the rows of :func:`marsgeo.distance.pairwise_distances`, numbered from ``start``."""
    return _pairs.pair_lines(
        {f"{name}_from": part["id_from"].to_numpy(), f"{name}_to": part["id_to"].to_numpy()},
        part[["lon_from", "lat_from"]].to_numpy(),
        part[["lon_to", "lat_to"]].to_numpy(),
        part["distance_m"].to_numpy(),
        part["az"].to_numpy(),
        pd.RangeIndex(start, start + len(part), name="pair_id"),
    )


def pairwise_distances(
    points: Any,
    *,
    max_distance_m: float | None,
    geod: pyproj.Geod | None,
    limit: float,
) -> Any:
    """:func:`marsgeo.distance.pairwise_distances` of a dask_geopandas frame.

    With ``max_distance_m``: the pairs, found partition by partition with the radius as the
    halo, numbered as the single-process function numbers them. Without: every pair, only if
    they fit ``limit`` bytes (computed in one process).
    """
    dask, dd = dask_modules()
    g = body_geod(geod)
    meta_in = checked_meta(points, name="points")
    if max_distance_m is None:
        return _all_pairwise(points, geod=geod, limit=limit)
    spatial, dups = spatial_partitions(dask, points, name="points")
    stats = spatial.map_partitions(stats_part, meta=stats_part(spatial._meta).iloc[:0])
    stats = with_duplicates(dask, stats, dups, meta_in)
    reach = float(chord_at_most(g, max_distance_m))
    args = (reach, max_distance_m, g, limit)
    found = with_halo(dask, spatial.to_delayed(), stats, reach, _pairs_part, *args)
    meta = _pairs_part(spatial._meta, [], *args)
    by_input = back_to_input(dd, found, meta, points.npartitions, "pos_from")
    ordered = by_input.map_partitions(
        _in_pair_order, meta=_in_pair_order(meta.set_index("pos_from"))
    )
    ordered = ordered.persist()
    lengths = ordered.map_partitions(len).compute().to_numpy()
    starts = np.r_[0, np.cumsum(lengths)]
    name = index_name(meta_in)
    divisions = None
    if (lengths > 0).all():
        divisions = (*(int(s) for s in starts[:-1]), int(starts[-1]) - 1)
    return dd.from_delayed(
        [
            dask.delayed(_pairs_frame)(p, int(s), name)
            for p, s in zip(ordered.to_delayed(), starts, strict=False)
        ],
        meta=_pairs_frame(_in_pair_order(meta.set_index("pos_from")), 0, name),
        divisions=divisions,
        verify_meta=False,
    )


def spacing_violations(
    points: Any, *, min_spacing_m: float, geod: pyproj.Geod | None, limit: float
) -> gpd.GeoDataFrame:
    """:func:`marsgeo.distance.spacing_violations` of a dask_geopandas frame.

    The pairs are found on the cluster; the violations (a check's findings, expected to be
    few) are gathered into one GeoDataFrame, refused if they would pass ``limit`` bytes.
    """
    pairs = pairwise_distances(points, max_distance_m=min_spacing_m, geod=geod, limit=limit)
    close = pairs[pairs["distance_m"] < min_spacing_m]
    n = int(close.map_partitions(len).sum().compute())
    refuse_if_too_large(
        float(n) * BYTES_PER_PAIR,
        limit,
        what=f"spacing_violations: {n:,} pairs closer than min_spacing_m={min_spacing_m!r}",
        instead="find them with pairwise_distances(points, max_distance_m=...), which stays "
        "on the cluster, or pass a larger max_bytes=",
    )
    return _pairs.closest_first(close.compute())
