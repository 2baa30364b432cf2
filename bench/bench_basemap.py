"""Benchmark: sampling 100 000 points and clipping a depot window from a 10 000 x 10 000 GeoTIFF.

marsgeo's path (sample_raster reads only the blocks holding points, with GDAL's cache bounded;
read_raster reads only the window around the depot) against what an analyst would write:
read the whole band, then index it. Each path runs in a fresh process so that its peak
memory (resident set, above what the process held before the work) is its own.
Prints time and peak-memory ratios. Aim: the windowed path uses under a tenth of the memory.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CHILD = r"""
import json, sys, time
import numpy as np
import geopandas as gpd
import rasterio
import marsgeo
from marsgeo import basemap as bm
from marsgeo.crs import MARS_GEOGRAPHIC, from_mars_lonlat

path, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(1)
with rasterio.open(path) as ds:
    left, bottom, right, top = ds.bounds
xs = rng.uniform(left, right, n)
ys = rng.uniform(bottom, top, n)
from marsgeo.crs import to_mars_lonlat, M2020_LOCAL_EQC
lon, lat = to_mars_lonlat(xs, ys, M2020_LOCAL_EQC)
pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=MARS_GEOGRAPHIC)
tubes = marsgeo.load_depot()


def status_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])


with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak resident set (VmHWM) to the current one
before = status_kib("VmRSS")
t0 = time.perf_counter()
if mode == "marsgeo":
    values = bm.sample_raster(path, pts).to_numpy()
    window = bm.read_raster(path, aoi=tubes, margin_m=200).data
else:
    with rasterio.open(path) as ds:
        band = ds.read(1)
        t = ds.transform
    px, py = from_mars_lonlat(lon, lat, M2020_LOCAL_EQC)
    cols = np.floor((px - t.c) / t.a).astype(int)
    rows = np.floor((py - t.f) / t.e).astype(int)
    values = band[rows, cols].astype(float)
    tx, ty = from_mars_lonlat(tubes.geometry.x.to_numpy(), tubes.geometry.y.to_numpy(),
                              M2020_LOCAL_EQC)
    c0, c1 = int((tx.min() - 200 - t.c) / t.a), int((tx.max() + 200 - t.c) / t.a) + 1
    r0, r1 = int((ty.max() + 200 - t.f) / t.e), int((ty.min() - 200 - t.f) / t.e) + 1
    window = band[r0:r1, c0:c1].copy()
elapsed = time.perf_counter() - t0
after = status_kib("VmHWM")
print(json.dumps({"seconds": elapsed, "peak_kib": after - before,
                  "checksum": float(np.nansum(values)), "window": list(window.shape)}))
"""


def make_raster(path: Path, size: int) -> None:
    import rasterio
    from affine import Affine
    from rasterio.crs import CRS as RioCRS  # noqa: N811

    from marsgeo.crs import M2020_LOCAL_EQC, from_mars_lonlat

    x0, y0 = (float(v[0]) for v in from_mars_lonlat([77.40821], [18.45283], M2020_LOCAL_EQC))
    res = 1.0
    t = Affine(res, 0, math.floor(x0 - size / 2), 0, -res, math.ceil(y0 + size / 2))
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "float32",
        "crs": RioCRS.from_wkt(M2020_LOCAL_EQC.to_wkt()),
        "transform": t,
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
        "nodata": float("nan"),
    }
    rng = np.random.default_rng(0)
    with rasterio.open(path, "w", **profile) as dst:
        step = 1024
        for r0 in range(0, size, step):
            h = min(step, size - r0)
            strip = (-2545.0 + rng.normal(0, 1, (h, size))).astype(np.float32)
            dst.write(strip, 1, window=rasterio.windows.Window(0, r0, size, h))


def run(path: Path, mode: str, n: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), mode, str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000, help="raster side [px]")
    parser.add_argument("--points", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.tif"
        t0 = time.perf_counter()
        make_raster(path, args.size)
        print(
            f"wrote a {args.size} x {args.size} float32 GeoTIFF (512 px tiles, "
            f"{path.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t0:.1f} s"
        )
        ours = run(path, "marsgeo", args.points)
        full = run(path, "full", args.points)
    assert math.isclose(ours["checksum"], full["checksum"], rel_tol=1e-9), (ours, full)
    print(
        f"sampling {args.points:,} points + clipping the depot window "
        f"({ours['window'][1]} x {ours['window'][0]} px)"
    )
    print(
        f"  marsgeo (blocks / window)   {ours['seconds']:7.2f} s   peak "
        f"{ours['peak_kib'] / 1024:8.1f} MiB"
    )
    print(
        f"  whole band, then index      {full['seconds']:7.2f} s   peak "
        f"{full['peak_kib'] / 1024:8.1f} MiB"
    )
    mem = ours["peak_kib"] / max(full["peak_kib"], 1)
    print(f"  ratio time  marsgeo/whole: {ours['seconds'] / full['seconds']:6.2f}x")
    print(
        f"  ratio memory marsgeo/whole: {mem:6.3f}x (aim < 0.1) {'OK' if mem < 0.1 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
