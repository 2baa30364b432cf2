"""The points of a dask_geopandas frame, checked and sorted into spatial partitions with halos.

Shared by the Dask code of marsgeo.distance (:mod:`~marsgeo.distance._dask` and
:mod:`~marsgeo.distance._dask_nearest`). The position of a point is its partition number times
2^32 plus its row: "first in the input order" (the rule that breaks ties) is the lowest
position. The points' checked coordinates (position, lon, lat, id and a sort key: about 40
bytes a point) are sorted along a Hilbert curve over the points' bounds into spatial
partitions, and each partition is cut into up to 32 compact runs (median splits of its unit
vectors), whose boxes of unit vectors bound it closely. The halo of a partition is, from the
partitions around it, the points inside its runs' boxes widened by a chord.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from marsgeo._validate import check_points, lonlat, show_values
from marsgeo.crs import require_mars_crs
from marsgeo.distance._kernel import CHORD_SLACK, directions
from marsgeo.errors import CatalogueError, InputError, missing_extra, raise_collected

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# a point's position: its partition number << _POS_BITS | its row in the partition
_POS_BITS = 32
# bits per axis of the Hilbert key that sorts the points into spatial partitions (~1 cm)
_KEY_BITS = 31
# widening of a box of unit vectors beyond the halo, for the rounding of its bounds
BOX_SLACK = 1e-12
# compact runs of a partition's points whose boxes select its halo
_SUB_BOXES = 32


def dask_modules() -> tuple[Any, Any]:
    """Import Dask (``dask`` and ``dask.dataframe``) and dask-geopandas, or say how to install.

    Raises
    ------
    ImportError
        One of them is missing; the message names ``pip install "marsgeo[dask]"``.
    """
    try:
        import dask
        import dask.dataframe as dd
        import dask_geopandas  # noqa: F401  (registers the geo collections with Dask)
    except ImportError as exc:
        raise missing_extra("distances on dask_geopandas frames", "dask", exc) from exc
    return dask, dd


def checked_meta(frame: Any, *, name: str) -> Any:
    """Check what can be checked without computing: a geo collection in a Mars CRS."""
    meta = getattr(frame, "_meta", None)
    if not isinstance(meta, (gpd.GeoDataFrame, gpd.GeoSeries)):
        msg = (
            f"{name} is a {type(frame).__name__} without geometries; pass a "
            "dask_geopandas.GeoDataFrame or GeoSeries of points in a Mars CRS."
        )
        raise InputError(msg)
    require_mars_crs(meta, name=name)
    return meta


def index_name(meta: Any) -> Any:
    """Name the result's index as the single-process functions do."""
    return meta.index.name or "tube_id"


# --- the points' coordinates and their spatial partitions ------------------------------------


def _hilbert_key(lon: FloatArray, lat: FloatArray, bounds: tuple[float, ...]) -> IntArray:
    """Distance along a Hilbert curve over the points' (west, east, south, north) bounds.

    2^31 cells a side: points less than a centimetre apart may share a key.
    """
    side = 1 << _KEY_BITS
    west, east, south, north = bounds
    fx = (lon - west) / max(east - west, 1e-12) * side
    fy = (lat - south) / max(north - south, 1e-12) * side
    x = np.clip(fx.astype(np.int64), 0, side - 1)
    y = np.clip(fy.astype(np.int64), 0, side - 1)
    key = np.zeros(len(x), dtype=np.int64)
    s = side >> 1
    while s > 0:
        rx = ((x & s) > 0).astype(np.int64)
        ry = ((y & s) > 0).astype(np.int64)
        key += s * s * ((3 * rx) ^ ry)
        flip = (ry == 0) & (rx == 1)
        x = np.where(flip, side - 1 - x, x)
        y = np.where(flip, side - 1 - y, y)
        turn = ry == 0
        x, y = np.where(turn, y, x), np.where(turn, x, y)
        s >>= 1
    return key


def _coords_meta(meta: Any) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pos": np.zeros(0, dtype=np.int64),
            "lon": np.zeros(0),
            "lat": np.zeros(0),
            "id": meta.index[:0].array,
            "key": np.zeros(0, dtype=np.int64),
        }
    )


def _coords_part(part: Any, meta: pd.DataFrame, partition_info: Any = None) -> pd.DataFrame:
    """Check one partition of points and give their positions and MARS_GEOGRAPHIC lon/lat."""
    k = int(partition_info["number"]) if partition_info else 0
    if len(part) == 0:
        return meta
    if len(part) >= 1 << _POS_BITS:
        msg = f"points partition {k} holds {len(part):,} points; repartition to fewer each."
        raise InputError(msg)
    checked = check_points(part, name=f"points (partition {k})")
    lon, lat = lonlat(checked)
    return pd.DataFrame(
        {
            "pos": (np.int64(k) << _POS_BITS) + np.arange(len(lon), dtype=np.int64),
            "lon": lon,
            "lat": lat,
            "id": checked.index.array,
            "key": np.zeros(len(lon), dtype=np.int64),  # set once the bounds are known
        }
    )


def _keyed(part: pd.DataFrame, bounds: tuple[float, ...]) -> pd.DataFrame:
    out = part.copy()
    out["key"] = _hilbert_key(part["lon"].to_numpy(), part["lat"].to_numpy(), bounds)
    return out


def _duplicate_ids(coords: Any, n_parts: int) -> Any:
    """Lazy: some index values that occur more than once over all partitions (hash-shuffled)."""

    def found(part: pd.DataFrame) -> pd.Series:
        ids = part["id"]
        return ids[ids.duplicated()].drop_duplicates().head(5)

    ids = coords[["id"]].shuffle(on="id", npartitions=n_parts)
    return ids.map_partitions(found, meta=coords["id"]._meta)


def _by_position(part: pd.DataFrame) -> pd.DataFrame:
    return part.sort_values("pos", kind="stable").reset_index(drop=True)


def _ranges(part: pd.DataFrame) -> pd.DataFrame:
    """One row for a partition of coordinates: its count, bounds and lowest and highest id."""
    n = len(part)
    ids = part["id"]
    row = {
        "n": [n],
        "west": [part["lon"].min() if n else np.nan],
        "east": [part["lon"].max() if n else np.nan],
        "south": [part["lat"].min() if n else np.nan],
        "north": [part["lat"].max() if n else np.nan],
    }
    bounds: list[Any] = [ids.min(), ids.max()] if n else [None, None]
    return pd.DataFrame(row).assign(id_lo=bounds[:1], id_hi=bounds[1:])


def _disjoint(ranges: pd.DataFrame) -> bool:
    """Tell whether the partitions' id ranges are disjoint (False when ids do not compare)."""
    try:
        order = np.argsort(ranges["id_lo"].to_numpy(), kind="stable")
        lo, hi = ranges["id_lo"].to_numpy()[order], ranges["id_hi"].to_numpy()[order]
        return bool(np.all(hi[:-1] < lo[1:]))
    except TypeError:
        return False


def spatial_partitions(dask: Any, points: Any, *, name: str) -> tuple[Any, Any]:
    """Check the points and sort their coordinates into spatial partitions (persisted).

    Each partition is sorted by position. Returns them and, unless the ids are surely unique,
    a lazy series of ids found more than once (else None).
    """
    meta_in = checked_meta(points, name=name)
    meta = _coords_meta(meta_in)
    coords = points.map_partitions(_coords_part, meta, meta=meta).persist()
    ranges = coords.map_partitions(_ranges, meta=_ranges(meta).iloc[:0]).compute()
    ranges = ranges[ranges["n"] > 0]
    bounds = (0.0, 1.0, 0.0, 1.0)  # without points
    if len(ranges):
        bounds = (
            float(ranges["west"].min()),
            float(ranges["east"].max()),
            float(ranges["south"].min()),
            float(ranges["north"].max()),
        )
    # each partition checked its own ids; partitions whose id ranges are disjoint share none
    dups = None if _disjoint(ranges) else _duplicate_ids(coords, points.npartitions)
    keyed = coords.map_partitions(_keyed, bounds, meta=meta)
    spatial = keyed.sort_values("key", npartitions=points.npartitions)
    spatial = spatial.map_partitions(_by_position, meta=meta)
    return spatial.persist(), dups


def with_duplicates(dask: Any, stats: Any, dups: Any, meta: Any) -> pd.DataFrame:
    """Compute the partitions' stats, and check that no id is in two partitions."""
    if dups is None:
        found = stats.compute()
    else:
        found, dup_values = dask.compute(stats, dups)
        _refuse_duplicates(dup_values, meta)
    out: pd.DataFrame = found.reset_index(drop=True)
    return out


def _refuse_duplicates(dups: pd.Series, meta: Any) -> None:
    if len(dups):
        problem = (
            f"index {meta.index.name or ''} has duplicate values {show_values(dups.to_numpy())} "
            "in different partitions; every point needs its own id"
        )
        raise_collected(CatalogueError, [problem], what="points")


# --- boxes of unit vectors and halos ----------------------------------------------------------


def runs(x: FloatArray) -> IntArray:
    """Cut a partition's points (unit vectors) into up to :data:`_SUB_BOXES` compact runs.

    Halves the largest run at the median of its widest axis until there are enough; returns
    each point's run.
    """
    n = len(x)
    groups = [np.arange(n, dtype=np.int64)]
    while len(groups) < min(_SUB_BOXES, n):
        k = int(np.argmax([len(g) for g in groups]))
        rows = groups[k]
        if len(rows) < 2:
            break
        pts = x[rows]
        axis = int(np.argmax(pts.max(axis=0) - pts.min(axis=0)))
        half = len(rows) // 2
        split = np.argpartition(pts[:, axis], half)
        groups[k] = rows[split[:half]]
        groups.append(rows[split[half:]])
    run = np.zeros(n, dtype=np.int64)
    for k, rows in enumerate(groups):
        run[rows] = k
    return run


def stats_part(part: pd.DataFrame) -> pd.DataFrame:
    """One row for a partition: its count, its box of unit vectors and its runs' boxes.

    The runs' boxes (with each run's halo chord, where the partition has one) hug the
    partition's points more closely than its one box.
    """
    n = len(part)
    x = directions(part["lon"].to_numpy(), part["lat"].to_numpy())
    row: dict[str, Any] = {"n": n}
    lo = x.min(axis=0) if n else np.zeros(3)
    hi = x.max(axis=0) if n else np.zeros(3)
    for k, axis in enumerate("xyz"):
        row[f"{axis}_lo"], row[f"{axis}_hi"] = float(lo[k]), float(hi[k])
    run = part["run"].to_numpy() if "run" in part else runs(x)
    h = part["h"].to_numpy() if "h" in part else np.zeros(n)
    sub = np.zeros((int(run.max()) + 1 if n else 0, 7))
    for k in range(len(sub)):
        mine = run == k
        sub[k] = np.r_[x[mine].min(axis=0), x[mine].max(axis=0), h[mine][0]]
    row["sub"] = sub
    row["h"] = float(sub[:, 6].max()) if len(sub) else 0.0
    return pd.DataFrame([row])


def boxes(stats: pd.DataFrame) -> tuple[FloatArray, FloatArray]:
    """Return the partitions' boxes of unit vectors: lowest and highest corners (n, 3)."""
    lo = stats[["x_lo", "y_lo", "z_lo"]].to_numpy()
    hi = stats[["x_hi", "y_hi", "z_hi"]].to_numpy()
    return lo, hi


def _halo_sources(stats: pd.DataFrame, h: FloatArray) -> list[IntArray]:
    """For each partition, the other partitions whose box meets its box widened by ``h``."""
    lo, hi = boxes(stats)
    pad = (h * (1.0 + CHORD_SLACK) + BOX_SLACK)[:, None]
    wlo, whi = lo - pad, hi + pad
    filled = stats["n"].to_numpy() > 0
    meets = np.all(lo[None, :, :] <= whi[:, None, :], axis=2) & np.all(
        hi[None, :, :] >= wlo[:, None, :], axis=2
    )
    meets &= filled[None, :] & filled[:, None] & (h > 0)[:, None]
    np.fill_diagonal(meets, val=False)
    return [np.flatnonzero(row).astype(np.int64) for row in meets]


def _halo_boxes(stats: pd.DataFrame, p: int, h: float | None) -> tuple[FloatArray, FloatArray]:
    """Return the runs' boxes of partition ``p`` widened by ``h`` (None: by each run's own)."""
    sub = np.asarray(stats["sub"].iloc[p], dtype=float).reshape(-1, 7)
    chord = sub[:, 6] if h is None else np.full(len(sub), h)
    pad = (chord * (1.0 + CHORD_SLACK) + BOX_SLACK)[:, None]
    return sub[:, :3] - pad, sub[:, 3:6] + pad


def with_halo(
    dask: Any, parts: list[Any], stats: pd.DataFrame, reach: float | None, fn: Any, *args: Any
) -> list[Any]:
    """Tasks ``fn(part, halo pieces, *args)``, one per spatial partition.

    The halo of a partition is, from each partition whose box meets its own box widened by
    the halo chord, the points inside its runs' boxes widened by that chord: ``reach`` for
    all, or (None) each run's own.
    """
    filled = stats["n"].to_numpy() > 0
    h = stats["h"].to_numpy() if reach is None else np.where(filled, reach, 0.0)
    sources = _halo_sources(stats, h)
    tasks = []
    for p, part in enumerate(parts):
        lo, hi = _halo_boxes(stats, p, reach)
        pieces = [dask.delayed(_inside)(parts[q], lo, hi) for q in sources[p]]
        tasks.append(dask.delayed(fn)(part, pieces, *args))
    return tasks


def _inside(part: pd.DataFrame, lo: FloatArray, hi: FloatArray) -> pd.DataFrame:
    """Select the points of a partition inside any of the boxes [lo, hi] of unit vectors."""
    x = directions(part["lon"].to_numpy(), part["lat"].to_numpy())
    rows = np.zeros(0, dtype=np.int64)
    if len(lo):  # first the box around them all, then each
        rows = np.flatnonzero(np.all((x >= lo.min(axis=0)) & (x <= hi.max(axis=0)), axis=1))
    near = x[rows]
    keep = np.zeros(len(rows), dtype=bool)
    for b_lo, b_hi in zip(lo, hi, strict=True):
        keep |= np.all((near >= b_lo) & (near <= b_hi), axis=1)
    return part.iloc[rows[keep]][["pos", "lon", "lat", "id"]].reset_index(drop=True)


def _position_divisions(n_parts: int) -> tuple[int, ...]:
    return (*(k << _POS_BITS for k in range(n_parts)), (n_parts << _POS_BITS) - 1)


def back_to_input(dd: Any, parts: list[Any], meta: pd.DataFrame, n_parts: int, pos: str) -> Any:
    """Rows from spatial partitions, back in the input's partitions and order (by ``pos``)."""
    frame = dd.from_delayed(parts, meta=meta, verify_meta=False)
    return frame.set_index(pos, divisions=_position_divisions(n_parts))
