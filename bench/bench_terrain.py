"""Benchmark: terrain at speed, with bounded memory, on one process and on a Dask cluster.

1. Slope of a 4000 x 4000 DTM (float32, equirectangular on the Mars sphere like the USGS
   products, in IAU_2015:49910) by marsgeo against a plain numpy Horn on the same array (fixed
   pixel size, no ground steps): time ratio (aim <= 2x) and peak memory as a multiple of the
   input array's bytes (aim <= 4x). Each runs in a fresh process; its peak is the peak
   resident set (VmHWM, reset before the work) above the resident set before the work.
2. A 20000 x 20000 float32 DTM on disk (1.6 GB of values; a tiled, compressed GeoTIFF of a
   smooth synthetic surface) turned into a slope GeoTIFF by write_terrain, block by block:
   the peak resident set of the whole process that does it (resource.getrusage of the
   process's own ru_maxrss, imports included), aim < 500 MB.
3. The slope of the 4000 x 4000 file through Dask (rioxarray chunks of 1000 px, computed on a
   distributed LocalCluster of 2 single-threaded worker processes) against the single-process
   path (read_raster, then slope_deg): time ratio, cluster start-up excluded, same values.
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

R = 3_396_190.0

CHILD_SLOPE = r"""
import json, math, sys, time
import numpy as np
from affine import Affine
from pyproj import CRS
import marsgeo.basemap as bm
from marsgeo.crs import MARS_SPHERE_RADIUS_M as R

n, mode = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(0)
cols = np.arange(n, dtype=np.float32)
z = np.empty((n, n), dtype=np.float32)
for r0 in range(0, n, 500):  # smooth hills plus a little noise, built in strips
    rows = np.arange(r0, min(n, r0 + 500), dtype=np.float32)[:, None]
    hills = 20 * np.sin(cols / 97.0) * np.cos(rows / 131.0)
    z[r0 : r0 + len(rows)] = -2545.0 + hills + rng.normal(0, 0.2, (len(rows), n))
res = 1.0
t = Affine(res, 0, math.radians(77.40) * R, 0, -res, math.radians(18.46) * R)
dtm = bm.Raster(z, t, CRS("IAU_2015:49910"), units="m")


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
    out = bm.slope_deg(dtm, progress=False).data
else:
    zz = np.pad(z.astype(float), 1, mode="edge")
    a, b, c = zz[:-2, :-2], zz[:-2, 1:-1], zz[:-2, 2:]
    d, f = zz[1:-1, :-2], zz[1:-1, 2:]
    g, h, i = zz[2:, :-2], zz[2:, 1:-1], zz[2:, 2:]
    gx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * res)
    gy = ((g + 2 * h + i) - (a + 2 * b + c)) / (8 * res)
    out = np.degrees(np.arctan(np.hypot(gx, gy))).astype(np.float32)
elapsed = time.perf_counter() - t0
peak = status_kib("VmHWM") - before
print(json.dumps({"seconds": elapsed, "peak_kib": peak, "input_bytes": z.nbytes,
                  "median": float(np.nanmedian(out[1:-1, 1:-1]))}))
"""

CHILD_FILE = r"""
import json, resource, sys, time
import marsgeo.basemap as bm

src, dst = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
bm.write_terrain(src, dst, kind="slope", progress=False)
# this process's own peak resident set [KiB on Linux], imports included
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": time.perf_counter() - t0, "peak_kib": peak}))
"""

CHILD_DASK = r"""
import json, sys, time, warnings
import numpy as np
warnings.filterwarnings("ignore", category=PendingDeprecationWarning)  # rioxarray and affine
import rioxarray
import distributed
import marsgeo.basemap as bm

path, chunk = sys.argv[1], int(sys.argv[2])
t0 = time.perf_counter()
single = bm.slope_deg(bm.read_raster(path), progress=False).data
t_single = time.perf_counter() - t0
with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                              dashboard_address=":0") as lc, distributed.Client(lc) as client:
    client.run(lambda: __import__("marsgeo.basemap"))  # warm the workers' imports
    t0 = time.perf_counter()
    da = rioxarray.open_rasterio(path, chunks={"band": 1, "y": chunk, "x": chunk})
    slope = bm.slope_deg(da)
    values = slope.data.compute()
    t_dask = time.perf_counter() - t0
same = bool(np.array_equal(np.asarray(values)[0], single, equal_nan=True))
print(json.dumps({"single": t_single, "dask": t_dask, "same": same}))
"""


def run(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def write_dtm(path: Path, n: int, *, block: int = 512) -> None:
    """A smooth synthetic DTM (hills on a tilt), tiled and compressed, written in strips."""
    import rasterio
    import rasterio.windows
    from affine import Affine
    from pyproj import CRS

    import marsgeo.basemap as bm
    from marsgeo._raster_crs import rio_crs

    res = 1.0
    t = Affine(res, 0, math.radians(77.40) * R, 0, -res, math.radians(18.46) * R)
    crs = CRS("IAU_2015:49910")
    profile = {
        "driver": "GTiff",
        "width": n,
        "height": n,
        "count": 1,
        "dtype": "float32",
        "crs": rio_crs(crs),
        "transform": t,
        "tiled": True,
        "blockxsize": block,
        "blockysize": block,
        "nodata": float("nan"),
        "compress": "deflate",
        "predictor": 3,
        "BIGTIFF": "IF_SAFER",
    }
    cols = np.arange(n, dtype=np.float32)
    with rasterio.open(path, "w", **profile) as dst:
        dst.update_tags(**{bm.CRS_TAG: crs.to_json()})
        dst.set_band_unit(1, "m")
        for r0 in range(0, n, block):
            rows = np.arange(r0, min(n, r0 + block), dtype=np.float32)[:, None]
            z = -2545.0 + 0.002 * cols + 30 * np.sin(cols / 450.0) * np.cos(rows / 610.0)
            window = rasterio.windows.Window(0, r0, n, len(rows))
            dst.write(z.astype(np.float32), 1, window=window)


def bench_slope(n: int) -> None:
    ours = run(CHILD_SLOPE, str(n), "marsgeo")
    plain = run(CHILD_SLOPE, str(n), "plain")
    mib = ours["input_bytes"] / 2**20
    print(f"1. slope of a {n} x {n} float32 DTM ({mib:.0f} MiB), equirectangular 49910")
    for name, r in (("marsgeo slope_deg", ours), ("plain numpy Horn", plain)):
        print(
            f"   {name:18s} {r['seconds']:7.2f} s   peak {r['peak_kib'] / 1024:7.1f} MiB "
            f"= {r['peak_kib'] * 1024 / r['input_bytes']:4.1f}x the input"
        )
    ratio = ours["seconds"] / plain["seconds"]
    mem = ours["peak_kib"] * 1024 / ours["input_bytes"]
    print(
        f"   time ratio marsgeo/plain: {ratio:5.2f}x (aim <= 2) {'OK' if ratio <= 2 else 'MISSED'}"
    )
    print(f"   peak / input bytes:       {mem:5.2f}x (aim <= 4) {'OK' if mem <= 4 else 'MISSED'}")


def bench_file(n: int, tmp: Path) -> None:
    src, dst = tmp / "big_dtm.tif", tmp / "big_slope.tif"
    t0 = time.perf_counter()
    write_dtm(src, n)
    size = src.stat().st_size / 2**20
    print(
        f"2. write_terrain of a {n} x {n} float32 DTM on disk ({n * n * 4 / 2**30:.2f} GiB of "
        f"values, {size:.0f} MiB compressed; written in {time.perf_counter() - t0:.0f} s)"
    )
    r = run(CHILD_FILE, str(src), str(dst))
    peak = r["peak_kib"] / 1024
    print(
        f"   {r['seconds']:.0f} s, slope GeoTIFF {dst.stat().st_size / 2**20:.0f} MiB; peak "
        f"resident set of that process {peak:.0f} MiB, imports included "
        f"(aim < 500) {'OK' if peak < 500 else 'MISSED'}"
    )
    src.unlink()
    dst.unlink()


def bench_dask(n: int, tmp: Path, chunk: int) -> None:
    path = tmp / "dtm.tif"
    write_dtm(path, n)
    r = run(CHILD_DASK, str(path), str(chunk))
    print(
        f"3. slope of the {n} x {n} file: single process (read_raster + slope_deg) "
        f"{r['single']:.2f} s; Dask on a LocalCluster of 2 workers (chunks {chunk} px) "
        f"{r['dask']:.2f} s; same values: {r['same']}"
    )
    print(f"   time ratio dask/single: {r['dask'] / r['single']:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=4000, help="side of the DTM of 1 and 3 [px]")
    parser.add_argument("--big", type=int, default=20_000, help="side of the DTM on disk [px]")
    parser.add_argument("--chunk", type=int, default=1000, help="Dask chunk side [px]")
    parser.add_argument("--only", choices=("1", "2", "3"), help="run only this benchmark")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if args.only in (None, "1"):
            bench_slope(args.size)
        if args.only in (None, "3"):
            bench_dask(args.size, tmp, args.chunk)
        if args.only in (None, "2"):
            bench_file(args.big, tmp)


if __name__ == "__main__":
    main()
