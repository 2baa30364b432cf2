"""Plan the helicopter pickup of the Three Forks tubes from a chosen lander position.

Usage: python examples/pickup_plan.py [OUTPUT_DIR] [LON LAT]

Without LON LAT the lander is marsgeo's ASSUMED position (no lander position was published).
Hazards come from marsgeo's SYNTHETIC terrain. Writes, in OUTPUT_DIR (default ./out):
- schedule.csv     one row per tube: helicopter, trip, sols, flights, relays, distances
- plan.gpkg        layers "legs" (every flight and drive) and "spots" (lander, pad, landing
                   and relay spots), in IAU_2015:49900
"""

from __future__ import annotations

import sys
from pathlib import Path

import marsgeo as mg
from marsgeo import basemap as bm
from marsgeo.routing import ASSUMED_LANDER


def main(out_dir: Path, lander: tuple[float, float] = ASSUMED_LANDER) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = mg.plan_pickup(mg.load_depot(), lander=lander, helicopters=2, hazard=bm.synthetic_dtm())
    plan.trips.round(3).to_csv(out_dir / "schedule.csv")
    gpkg = out_dir / "plan.gpkg"
    gpkg.unlink(missing_ok=True)
    plan.legs.to_file(gpkg, layer="legs")
    plan.spots.to_file(gpkg, layer="spots")
    print(plan.summary())
    print(f"wrote {out_dir / 'schedule.csv'} and {gpkg}")


if __name__ == "__main__":
    args = sys.argv[1:]
    where = Path(args[0]) if args else Path("out")
    if len(args) >= 3:
        main(where, (float(args[1]), float(args[2])))
    else:
        main(where)
