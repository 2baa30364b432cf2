"""Benchmark: nearest_neighbours of a dask_geopandas frame on a LocalCluster, against one process.

The points (a quarter around the depot, the rest spread over Jezero crater) are made partition
by partition on the workers, as a frame read from files would be. Baseline: the single-process
``marsgeo.nearest_neighbours`` on the same points gathered into one GeoDataFrame. The Dask path
runs on ``LocalCluster(n_workers=2, threads_per_worker=1)`` (worker processes) and ends with its
result held on the cluster (``persist``), as a large result would stay; bringing it back to this
process is timed apart. The results are checked equal (to the last bit) in every round.
Prints time ratios, and each worker's peak memory above what it held before (its share of the
input frame and the imports), fitted over the two largest sizes as a fixed part plus bytes a
point, to estimate the memory 10^7 - 10^8 points need.
"""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

import geopandas as gpd
import numpy as np

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC

DEPOT = (77.40821, 18.45283)


def make_points(k: int, per_part: int) -> gpd.GeoDataFrame:
    """One partition of points: a quarter around the depot, the rest over the crater."""
    rng = np.random.default_rng(k)
    dense = rng.random(per_part) < 0.25
    lon = np.where(
        dense, DEPOT[0] + rng.normal(0, 3e-4, per_part), rng.uniform(77.3, 77.8, per_part)
    )
    lat = np.where(
        dense, DEPOT[1] + rng.normal(0, 3e-4, per_part), rng.uniform(18.2, 18.6, per_part)
    )
    index = k * per_part + np.arange(per_part)
    return gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(lon, lat), crs=MARS_GEOGRAPHIC, index=index
    ).rename_axis("rock")


def _warm_up() -> None:
    """In a worker: import what the search uses, so that the peaks measure data, not code."""
    import scipy.spatial  # noqa: F401

    import marsgeo.distance._dask_nearest  # noqa: F401


def _reset_peak() -> int:
    """In a worker: reset the peak resident set to the current one; return it [KiB]."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return _status_kib("VmRSS")


def _status_kib(field: str = "VmHWM") -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def run(client: Any, n: int, n_parts: int, repeat: int) -> tuple[float, float]:
    """Time and measure one size; return the points each worker held and its peak [bytes]."""
    import dask.dataframe as dd
    import dask_geopandas  # noqa: F401  (frames of geometries become geo frames)
    from distributed import wait

    per_part = n // n_parts
    meta = make_points(0, 1).iloc[:0]
    frame = dd.from_map(make_points, range(n_parts), per_part=per_part, meta=meta).persist()
    wait(frame)
    points = frame.compute()
    n = len(points)

    t_single, t_dask, t_gather = [], [], []
    peaks: dict[str, int] = {}
    for k in range(repeat):
        before = client.run(_reset_peak)
        t0 = time.perf_counter()
        result = marsgeo.nearest_neighbours(frame).persist()
        wait(result)
        t_dask.append(time.perf_counter() - t0)
        if k == 0:  # the workers' first run: memory they had not held before
            after = client.run(_status_kib)
            peaks = {w: kib - before[w] for w, kib in after.items()}
        t0 = time.perf_counter()
        got = result.compute()
        t_gather.append(time.perf_counter() - t0)
        del result

        t0 = time.perf_counter()
        single = marsgeo.nearest_neighbours(points)
        t_single.append(time.perf_counter() - t0)
        assert got.equals(single)  # the same frame, to the last bit
        del got, single

    ts, td, tg = min(t_single), min(t_dask), min(t_gather)
    print(f"  {n:>10,} points in {n_parts} partitions")
    print(f"    single process, one GeoDataFrame       {ts:8.2f} s")
    print(f"    Dask, 2 workers, result on the cluster {td:8.2f} s  ratio {td / ts:5.2f}x")
    print(f"    + bringing the result to this process  {tg:8.2f} s  ratio {(td + tg) / ts:5.2f}x")
    held = n / len(peaks)
    for k, kib in enumerate(sorted(peaks.values()), start=1):
        print(f"    worker {k}: peak +{kib / 1024:5.0f} MiB, {held:,.0f} points held on average")
    return held, max(peaks.values()) * 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[250_000, 1_000_000, 2_000_000])
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    # distributed logs the start and end of every shuffle at WARNING level; they are not news
    logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)
    print("nearest_neighbours: dask_geopandas frame on a LocalCluster vs one process")
    measured: list[tuple[float, float]] = []
    for n in args.sizes:  # fresh workers for each size, so that each peak is its own
        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(_warm_up)
            measured.append(run(client, n, args.partitions, args.repeat))
    if len(measured) < 2:
        return
    # the peak grows with the points a worker holds, above a fixed part (shuffle buffers, ...)
    (n0, m0), (n1, m1) = measured[-2], measured[-1]
    per_point = (m1 - m0) / (n1 - n0)
    fixed = m1 - per_point * n1
    print(
        f"  a worker's peak: about {fixed / 2**20:.0f} MiB + {per_point:.0f} bytes a point it holds"
    )
    for total, workers in ((10**7, 4), (10**8, 16), (10**8, 64)):
        need = fixed + per_point * total / workers
        print(
            f"    estimate: {total:.0e} points on {workers:>2} workers: {need / 2**30:5.1f} GiB "
            "a worker, above its share of the input frame"
        )


if __name__ == "__main__":
    main()
