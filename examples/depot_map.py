"""The Three Forks map: tubes, distances, a pickup plan and terrain, as one offline HTML page.

Usage: python examples/depot_map.py [OUTPUT_DIR]

Writes OUTPUT_DIR/three_forks_map.html (default ./out), a self-contained page: it needs no
network except for the NASA Mars Trek HiRISE tiles, and without them still shows the tubes,
the plan and marsgeo's SYNTHETIC terrain. The lander position is marsgeo's ASSUMED one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import marsgeo as mg
from marsgeo.routing import ASSUMED_LANDER


def main(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    tubes = mg.load_depot()
    plan = mg.plan_pickup(tubes, lander=ASSUMED_LANDER, helicopters=2)
    m = mg.depot_map(tubes, plan=plan, basemap="trek-hirise", terrain="synthetic")
    path = mg.save_map(m, out_dir / "three_forks_map.html", offline=True)
    print(f"wrote {path} ({path.stat().st_size // 1024} KiB); open it in a browser")
    return path


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out"))
