"""Benchmark: the depot figure over a 2000 x 2000 DTM against a plain imshow + scatter.

marsgeo's path: ``plot_depot(tubes, raster=dtm)`` on a 3.5 x 3.5 in figure rendered to PNG at
300 dpi (a paper figure): the part of the DTM under the depot shaded and warped into the
figure's metric frame, tubes by sample type with labels, scale bar, north arrow, ticks and
attribution. The baseline is what an analyst would write first with the same data: the whole
DTM's elevations with ``ax.imshow`` in its own CRS (no shading, no warp) and the tubes with
``ax.scatter``, rendered alike. Also timed: the underlay and furniture alone (``draw_raster`` +
``furnish``). Each is run ``--repeat`` times after one warm-up; medians are compared.
Prints time ratios against the baseline measured in the same run. Aim: plot_depot < 5x
(OK or MISSED is printed beside it).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

import marsgeo
from marsgeo.basemap import synthetic_dtm
from marsgeo.crs import from_mars_lonlat

SIZE_IN = (3.5, 3.5)
DPI = 300


def render(fig: Figure) -> int:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.tell()


def baseline(dtm: Any, tubes: Any) -> int:
    fig = Figure(figsize=SIZE_IN)
    ax = fig.add_subplot()
    left, bottom, right, top = dtm.bounds
    ax.imshow(dtm.data, cmap="gray", extent=(left, right, bottom, top))
    x, y = from_mars_lonlat(tubes.geometry.x, tubes.geometry.y, dtm.crs)
    ax.scatter(x, y, s=12, c="red")
    return render(fig)


def depot_figure(dtm: Any, tubes: Any) -> int:
    from marsgeo.plot import plot_depot

    fig = Figure(figsize=SIZE_IN)
    ax = fig.add_subplot()
    plot_depot(tubes, ax=ax, raster=dtm)
    return render(fig)


def underlay_and_furniture(dtm: Any, tubes: Any) -> int:
    from marsgeo.plot._frame import frame_for
    from marsgeo.plot._furniture import furnish
    from marsgeo.plot._underlay import draw_raster

    fig = Figure(figsize=SIZE_IN)
    ax = fig.add_subplot()
    frame = frame_for(ax, tubes.geometry.x, tubes.geometry.y)
    x, y = frame.xy(tubes.geometry.x, tubes.geometry.y)
    ax.set_xlim(float(x.min()) - 15, float(x.max()) + 15)
    ax.set_ylim(float(y.min()) - 15, float(y.max()) + 15)
    draw_raster(ax, dtm)
    ax.scatter(x, y, s=12, c="red")
    furnish(ax)
    return render(fig)


def whole_dtm(dtm: Any, tubes: Any) -> int:
    """The whole DTM shaded and warped (a 2 km figure): the worst case of the underlay."""
    from marsgeo.plot._frame import frame_for
    from marsgeo.plot._furniture import furnish
    from marsgeo.plot._underlay import draw_raster

    fig = Figure(figsize=SIZE_IN)
    ax = fig.add_subplot()
    frame = frame_for(ax, tubes.geometry.x, tubes.geometry.y)
    draw_raster(ax, dtm, extent=(-1000.0, 1000.0, -1000.0, 1000.0))
    x, y = frame.xy(tubes.geometry.x, tubes.geometry.y)
    ax.scatter(x, y, s=12, c="red")
    furnish(ax)
    return render(fig)


def timed(work: Callable[[Any, Any], int], dtm: Any, tubes: Any, repeat: int) -> float:
    work(dtm, tubes)  # warm-up: imports, font cache
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        work(dtm, tubes)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=2000, help="DTM side in pixels (1 m each)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    dtm = synthetic_dtm(size_m=float(args.size), resolution_m=1.0)
    tubes = marsgeo.load_depot()
    print(
        f"depot figure over a {args.size} x {args.size} DTM (1 m, SYNTHETIC), "
        f"{SIZE_IN[0]} x {SIZE_IN[1]} in PNG at {DPI} dpi, median of {args.repeat}"
    )
    base = timed(baseline, dtm, tubes, args.repeat)
    print(f"   baseline imshow(dtm.data) + scatter:  {base:7.3f} s   1.00x")
    alone = timed(underlay_and_furniture, dtm, tubes, args.repeat)
    print(f"   draw_raster + furnish + scatter:      {alone:7.3f} s  {alone / base:5.2f}x")
    try:
        full = timed(depot_figure, dtm, tubes, args.repeat)
    except NotImplementedError:
        print("   plot_depot: not available in this build")
        return
    ratio = full / base
    verdict = "OK" if ratio < 5 else "MISSED"
    print(f"   plot_depot(tubes, raster=dtm):        {full:7.3f} s  {ratio:5.2f}x {verdict}")
    whole = timed(whole_dtm, dtm, tubes, args.repeat)
    print(f"   draw_raster of the whole DTM + scatter: {whole:5.3f} s  {whole / base:5.2f}x")


if __name__ == "__main__":
    main()
