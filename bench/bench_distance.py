"""Benchmark: distance_matrix for 2000 points against the two baselines an analyst has.

(a) a per-pair Python loop over ``pyproj.Geod.inv`` (the code an analyst would write), and
(b) one bare vectorised ``Geod.inv`` call over the same n x n pairs.

Everything is measured in this run; the output is ratios. Aims: at least 100x faster than (a),
and no more than 1.3x the time of (b).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import geopandas as gpd
import numpy as np

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC, mars_geod


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument(
        "--loop-rows",
        type=int,
        default=100,
        help="rows of the matrix the Python loop computes; scaled to all rows",
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = args.points

    rng = np.random.default_rng(2022)
    # points scattered over Jezero crater (about 50 km across)
    lon = rng.uniform(77.35, 77.80, n)
    lat = rng.uniform(18.15, 18.60, n)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=MARS_GEOGRAPHIC)
    geod = mars_geod()

    def ours() -> object:
        return marsgeo.distance_matrix(pts)

    def bare() -> object:
        lon1, lon2 = np.repeat(lon, n), np.tile(lon, n)
        lat1, lat2 = np.repeat(lat, n), np.tile(lat, n)
        return geod.inv(lon1, lat1, lon2, lat2)[2].reshape(n, n)

    rows = min(args.loop_rows, n)

    def loop() -> object:
        out = np.zeros((rows, n))
        for i in range(rows):
            for j in range(n):
                out[i, j] = geod.inv(lon[i], lat[i], lon[j], lat[j])[2]
        return out

    # the results agree before anything is timed
    m = marsgeo.distance_matrix(pts).to_numpy()
    # the closed form and Karney agree to float precision (micrometres over tens of km)
    assert np.allclose(m, bare(), rtol=1e-9, atol=1e-6)
    assert np.allclose(m[:rows], loop(), rtol=1e-9, atol=1e-6)

    t_ours = best_of(ours, 2 * args.repeat)
    t_bare = best_of(bare, args.repeat)
    t_loop = best_of(loop, 2) * n / rows

    print(f"distance_matrix, {n} points ({n * n:,} pairs), geodesic on the Mars sphere")
    print(f"  marsgeo.distance_matrix      {t_ours:8.3f} s")
    print(f"  (b) bare vectorised Geod.inv {t_bare:8.3f} s")
    print(f"  (a) per-pair Python loop     {t_loop:8.3f} s  (timed on {rows} rows, scaled to {n})")
    speedup = t_loop / t_ours
    overhead = t_ours / t_bare
    print(
        f"  ratio (a)/ours: {speedup:8.1f}x faster than the loop     (aim >= 100x) "
        f"{'OK' if speedup >= 100 else 'MISSED'}"
    )
    print(
        f"  ratio ours/(b): {overhead:8.2f}x the bare vectorised call (aim <= 1.3x) "
        f"{'OK' if overhead <= 1.3 else 'MISSED'}"
    )

    # On the IAU ellipsoid marsgeo uses Karney's algorithm too: the like-for-like comparison.
    ell = pts.set_crs("IAU_2015:49902", allow_override=True)
    geod_e = mars_geod("IAU_2015:49902")
    lat_g = np.asarray(marsgeo.crs.ocentric_to_ographic_lat(lat))

    def ours_e() -> object:
        return marsgeo.distance_matrix(ell)

    def bare_e() -> object:
        lon1, lon2 = np.repeat(lon, n), np.tile(lon, n)
        lat1, lat2 = np.repeat(lat_g, n), np.tile(lat_g, n)
        return geod_e.inv(lon1, lat1, lon2, lat2)[2].reshape(n, n)

    assert np.allclose(marsgeo.distance_matrix(ell).to_numpy(), bare_e(), rtol=1e-12, atol=1e-9)
    t_ours_e = best_of(ours_e, args.repeat)
    t_bare_e = best_of(bare_e, args.repeat)
    print(
        f"on the IAU 2015 ellipsoid (Karney): marsgeo {t_ours_e:.3f} s, bare Geod.inv "
        f"{t_bare_e:.3f} s"
    )
    print(
        f"  ratio ours/(b): {t_ours_e / t_bare_e:8.2f}x the bare vectorised call (aim <= 1.3x) "
        f"{'OK' if t_ours_e / t_bare_e <= 1.3 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
