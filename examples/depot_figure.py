"""Figures for a paper: the depot on terrain, the pickup plan with its schedule, a profile.

Usage: python examples/depot_figure.py [OUTPUT_DIR]

Writes into OUTPUT_DIR (default ./out):
- three_forks.png (200 dpi) and three_forks.pdf: the ten tubes by sample type on the hillshade
  of marsgeo's SYNTHETIC DTM, with their nearest-neighbour distances, in metres on Mars, with
  a scale bar measured on Mars, a north arrow to true north and the credit of every layer;
- pickup_plan.png: the pickup plan by helicopter on the depot (the lander position is
  marsgeo's ASSUMED one), above its schedule by sol;
- profile.png: the terrain's elevation along the plan's longest flight, distances geodesic.
The terrain is synthetic, and the figures drawn on it say SYNTHETIC.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window

import matplotlib.pyplot as plt

import marsgeo as mg
from marsgeo import plot
from marsgeo.basemap import synthetic_dtm
from marsgeo.routing import ASSUMED_LANDER

#: The figures written, in the order written.
FIGURES = ("three_forks.png", "three_forks.pdf", "pickup_plan.png", "profile.png")


def main(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    tubes = mg.load_depot()
    dtm = synthetic_dtm()  # SYNTHETIC: pass mg.basemap.load_dtm(path) for a real DTM
    plan = mg.plan_pickup(tubes, lander=ASSUMED_LANDER, helicopters=2)

    # the depot: one call, one Axes; the same figure as PNG and as vector PDF
    ax = plot.plot_depot(tubes, raster=dtm, nearest=True, figsize=(7, 6))
    written = [
        plot.save_figure(ax, out_dir / "three_forks.png", dpi=200),
        plot.save_figure(ax, out_dir / "three_forks.pdf"),
    ]
    plt.close(ax.figure)

    # the plan on the depot, and its schedule below it
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(7, 8.5), height_ratios=(3, 1), layout="constrained"
    )
    plot.plot_depot(tubes, ax=top, raster=dtm, plan=plan)
    plot.plot_schedule(plan, ax=bottom)
    written.append(plot.save_figure(fig, out_dir / "pickup_plan.png", dpi=200))
    plt.close(fig)

    # the ground under the longest flight
    flights = plan.legs[plan.legs["kind"].str.startswith("flight")]
    longest = flights["distance_m"].idxmax()
    fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
    plot.plot_profile(dtm, flights.geometry.loc[[longest]], ax=ax)
    written.append(plot.save_figure(fig, out_dir / "profile.png", dpi=200))
    plt.close(fig)

    for path in written:
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")
    return written


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out"))
