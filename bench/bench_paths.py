"""Benchmark: landing spots and flight paths for many tubes, at once against one by one.

Layouts of 100, 1000 and 10 000 tubes within about 600 m of the assumed lander (at least 5 m apart),
without zones and with three no-fly zones (one of them U-shaped). marsgeo's batch planning
(``Site.plan_trips``: every candidate spot at once, one shortest-path tree from the pad) is
timed against the per-tube planning of the version before it (``git show
BASELINE:marsgeo/_paths.py``, imported under another name: a landing spot and an A* search per
tube), and the whole
``plan_pickup`` is timed too. Prints times and ratios measured in this run.
Aim: plan_pickup for 1000 tubes in under 2 s and 10 000 in under 30 s without zones, and 1000
tubes with the zones in a few seconds.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

import marsgeo as mg
from marsgeo.crs import MARS_GEOGRAPHIC, local_crs
from marsgeo.routing import ASSUMED_LANDER, MAX_PLAN_RADIUS_M, MAX_RELAYS, HelicopterSpec
from marsgeo.routing import site as _paths

FRAME = local_crs(*ASSUMED_LANDER)
TO_LL = pyproj.Transformer.from_crs(FRAME, MARS_GEOGRAPHIC, always_xy=True)

#: The version whose per-tube path building is the baseline (before paths were planned in
#: one batch per plan).
BASELINE = "de27c654402f4c9cb60e09a19cbb3cf80e002d7b"


def layout(n: int, *, radius_m: float = 600.0, seed: int = 1) -> np.ndarray:
    """(n, 2) frame points within ``radius_m`` of the lander, at least 5 m apart."""
    rng = np.random.default_rng(seed)
    step = max(6.0, float(np.sqrt(np.pi * radius_m**2 / n)) * 0.85)
    g = np.arange(-radius_m, radius_m + step, step)
    xy = np.array(np.meshgrid(g, g)).reshape(2, -1).T
    r = np.hypot(xy[:, 0], xy[:, 1])
    xy = xy[(r <= radius_m) & (r >= 25.0)]
    xy = xy[rng.permutation(len(xy))[:n]]
    # each point moves at most (step - 5) / 2 along each axis: any two stay 5 m apart
    jitter = (step - 5.0) / 2.0 / np.sqrt(2.0)
    return xy + rng.uniform(-jitter, jitter, xy.shape)


def zones_xy() -> list[shapely.Geometry]:
    u = shapely.union_all(
        [
            shapely.box(100, 200, 110, 320),
            shapely.box(170, 200, 180, 320),
            shapely.box(100, 200, 180, 210),
        ]
    )
    return [u, shapely.box(-250, -120, -200, 60), shapely.Point(50, -300).buffer(40)]


def to_ll_geom(geom: shapely.Geometry) -> shapely.Geometry:
    dense = shapely.segmentize(geom, 5.0)
    return shapely.transform(dense, lambda c: np.column_stack(TO_LL.transform(c[:, 0], c[:, 1])))


def tubes_frame(xy: np.ndarray, zones: list[shapely.Geometry]) -> gpd.GeoDataFrame:
    if zones:
        inside = shapely.intersects(shapely.union_all(zones).buffer(3.0), shapely.points(xy))
        xy = xy[~inside]
    lon, lat = TO_LL.transform(xy[:, 0], xy[:, 1])
    index = pd.Index(range(1, len(xy) + 1), name="tube_id")
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), index=index, crs=MARS_GEOGRAPHIC)


def head_paths() -> types.ModuleType | None:
    """The BASELINE marsgeo/_paths.py, imported as ``marsgeo_head_paths`` (None without git)."""
    root = Path(__file__).resolve().parent.parent
    try:
        src = subprocess.run(
            ["git", "show", f"{BASELINE}:marsgeo/_paths.py"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_loader("marsgeo_head_paths", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["marsgeo_head_paths"] = module
    # the baseline took its Trip record from a module that is now part of marsgeo.routing
    shim = types.ModuleType("marsgeo._schedule")
    shim.Trip = _paths.Trip  # type: ignore[attr-defined]
    sys.modules.setdefault("marsgeo._schedule", shim)
    exec(compile(src, f"{BASELINE}:marsgeo/_paths.py", "exec"), module.__dict__)
    return module


def site_args(tubes: gpd.GeoDataFrame, zones: list[shapely.Geometry]) -> tuple[Any, ...]:
    ll = np.column_stack([tubes.geometry.x, tubes.geometry.y])
    named = [(f"zone {k}", to_ll_geom(z)) for k, z in enumerate(zones)]
    return ll, np.ones(len(ll), dtype=bool), ASSUMED_LANDER, named


def batch(tubes: gpd.GeoDataFrame, zones: list[shapely.Geometry], spec: HelicopterSpec) -> int:
    ll, planned, lander, named = site_args(tubes, zones)
    site = _paths.Site(
        ll,
        planned,
        lander,
        named,
        spec,
        ids=list(tubes.index),
    )
    site.place_pad(spec)
    done = site.plan_trips(list(range(len(ll))), spec)
    return sum(isinstance(d, tuple) for d in done)


def one_by_one(
    module: types.ModuleType,
    tubes: gpd.GeoDataFrame,
    zones: list[shapely.Geometry],
    spec: HelicopterSpec,
) -> int:
    ll, planned, lander, named = site_args(tubes, zones)
    site = module.Site(
        ll, planned, lander, named, spec, radius_m=MAX_PLAN_RADIUS_M, relay_cap=MAX_RELAYS
    )
    site.place_pad(spec)
    ok = 0
    for k, tid in enumerate(tubes.index):
        ok += isinstance(module.plan_trip(tid, k, site, spec), tuple)
    return ok


def timed(fn: Any, *args: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10_000])
    parser.add_argument(
        "--baseline-limit",
        type=int,
        default=1000,
        help="time the baseline per-tube planning only up to this many tubes with zones",
    )
    args = parser.parse_args()
    spec = HelicopterSpec()
    head = head_paths()
    if head is None:
        print("git not available: no per-tube baseline")
    for n in args.sizes:
        for label, zones in (("no zones", []), ("3 no-fly zones", zones_xy())):
            tubes = tubes_frame(layout(n), zones)
            no_fly = [to_ll_geom(z) for z in zones] or None
            planned, t_batch = timed(batch, tubes, zones, spec)
            print(f"{len(tubes)} tubes, {label}:")
            print(f"  batch spots and paths     {t_batch:8.3f} s  ({planned} trips)")
            if head is not None and (not zones or n <= args.baseline_limit):
                base, t_base = timed(one_by_one, head, tubes, zones, spec)
                print(
                    f"  per tube (before)         {t_base:8.3f} s  ({base} trips); "
                    f"ratio per-tube/batch {t_base / t_batch:.1f}x"
                )
            plan, t_plan = timed(
                lambda t=tubes, z=no_fly: mg.plan_pickup(
                    t, lander=ASSUMED_LANDER, no_fly=z, on_unreachable="skip"
                )
            )
            print(
                f"  plan_pickup (whole plan)  {t_plan:8.3f} s  ({len(plan.trips)} trips, "
                f"{plan.makespan_sols} sols); paths are {t_batch / t_plan:.0%} of it"
            )


if __name__ == "__main__":
    main()
