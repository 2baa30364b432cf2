"""Benchmark: reading real product shapes with marsgeo against plain rasterio, in one run.

For each shape (USGS Mars 2020 TRN DTM GeoTIFF, HiRISE PDS3 DTM ``DTEEC_*.IMG``, its ISIS3
cube, a HiRISE RDR JPEG 2000 with its detached PDS3 label) a file of ``--size`` pixels a side
is written (the RDR at half that: JPEG 2000 is slow to encode), then read whole by
``marsgeo.basemap.read_raster`` (which also recognises the product, establishes its units from
the label, the table or the values, and names it) and by what an analyst would write with
rasterio (open, read the band, nodata to NaN). The same for the window around the tubes
(``load_dtm`` against a windowed rasterio read), and for ``describe_file`` (header and a
256 px thumbnail) against opening the file with rasterio. Prints the times, best of three, and
the ratios marsgeo / rasterio, and what recognising the product costs on its own
(``identify_file`` on the band read: label, table, and for unknown float files a min/max
pass) as a share of marsgeo's whole-band read; aim: under 5 %. marsgeo's fixed cost per
open (about 50 ms here: the Mars CRS checks) dominates small reads.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import rasterio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import products  # noqa: E402 - the product writers of the test suite


def best(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def plain_read(path: Path) -> np.ndarray:
    with rasterio.open(path) as ds:
        data = ds.read(1)
        if data.dtype.kind == "f" and ds.nodata is not None:
            data = data.astype(data.dtype, copy=False)
            data[data == ds.nodata] = np.nan
    return data


def plain_window(path: Path, lonlat: list[tuple[float, float]], grid: Any) -> np.ndarray:
    rows, cols = zip(*(grid.pixel(lon, lat) for lon, lat in lonlat), strict=True)
    pad = 5  # the margin_m=5 of the marsgeo call, in 1 m pixels
    with rasterio.open(path) as ds:
        window = rasterio.windows.Window(
            min(cols) - pad,
            min(rows) - pad,
            max(cols) - min(cols) + 2 * pad + 1,
            max(rows) - min(rows) + 2 * pad + 1,
        )
        return ds.read(1, window=window)


def plain_header(path: Path) -> tuple[int, int]:
    with rasterio.open(path) as ds:
        thumb = ds.read(1, out_shape=(min(ds.height, 256), min(ds.width, 256)))
        return ds.width, int(thumb.size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=4000, help="raster side [px]")
    args = parser.parse_args()
    import marsgeo
    from marsgeo import basemap as bm
    from marsgeo._raster_open import open_raster
    from marsgeo._raster_read import _elevation_like, describe_file, identify_file
    from tests.reference import TUBE_LONLAT

    tubes = marsgeo.load_depot()
    n = args.size
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        shapes = {
            "USGS TRN DTM GeoTIFF": products.usgs_hirise_dtm(folder, n=n),
            "HiRISE PDS3 DTM .IMG": products.hirise_pds_dtm(folder, n=n),
            "ISIS3 cube": products.isis_cube_dtm(folder, n=n),
        }
        if products.has_jp2_driver():
            shapes["HiRISE RDR JP2 + .LBL"] = products.hirise_rdr_jp2(folder, n=n // 2)
        print(
            f"wrote {len(shapes)} product shapes of up to {n} x {n} px in "
            f"{time.perf_counter() - t0:.1f} s"
        )
        print(f"{'shape':24s} {'what':18s} {'marsgeo':>9s} {'rasterio':>9s} {'ratio':>7s}")
        worst = 0.0
        share = 0.0
        for label, product in shapes.items():
            path = product.open_path
            ours_t, ours = best(lambda p=path: bm.read_raster(p, max_pixels=n * n))
            base_t, base = best(lambda p=path: plain_read(p))
            ok = np.array_equal(ours.data, base, equal_nan=True)
            assert ok, label
            worst = max(worst, ours_t / base_t)
            with open_raster(path) as ds:
                band = plain_read(path)
                id_t, _ = best(lambda d=ds, b=band: identify_file(d, b, 1))
                # an unknown float file: nothing tells but the values (a min/max pass)
                mm_t, _ = best(lambda b=band: _elevation_like(b))
            share = max(share, (id_t + mm_t) / ours_t)
            rows = [("whole band", ours_t, base_t)]
            if ours.units == "m":
                win_t, _ = best(lambda p=path: bm.load_dtm(p, aoi=tubes, margin_m=5))
                pw_t, _ = best(lambda p=path, g=product.grid: plain_window(p, TUBE_LONLAT, g))
                rows.append(("depot window", win_t, pw_t))
            d_t, info = best(lambda p=path: describe_file(p))
            h_t, _ = best(lambda p=path: plain_header(p))
            rows.append(("describe / header", d_t, h_t))
            for what, a, b in rows:
                print(f"{label:24s} {what:18s} {a:8.3f}s {b:8.3f}s {a / b:6.2f}x")
            print(
                f"{'':24s} recognising it: {id_t * 1000:.2f} ms (+ {mm_t * 1000:.1f} ms "
                f"min/max pass if unknown) = {(id_t + mm_t) / ours_t:.1%} of the read"
            )
            print(f"{'':24s} -> {info['title']}, units {info['units'] or 'none'!r}, {info['kind']}")
        print(f"worst whole-band ratio marsgeo/rasterio: {worst:.2f}x")
        status = "OK" if share <= 0.05 else "MISSED"
        print(f"worst share of recognition in a whole-band read: {share:.1%} (aim < 5 %) {status}")
        assert math.isfinite(worst)


if __name__ == "__main__":
    main()
