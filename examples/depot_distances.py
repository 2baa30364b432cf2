"""Write the Three Forks depot and its tube-to-tube distances to files a GIS can open.

Usage: python examples/depot_distances.py [OUTPUT_DIR]   (default: ./out)

Writes, in OUTPUT_DIR:
- three_forks.gpkg   layers "tubes" (points) and "nearest" (lines to each tube's nearest
                     neighbour), in the Mars CRS IAU_2015:49900
- distances.csv      the geodesic distance matrix in metres, tube_id x tube_id
"""

from __future__ import annotations

import sys
from pathlib import Path

import marsgeo as mg


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    tubes = mg.load_depot()
    nearest = mg.nearest_neighbours(tubes)

    gpkg = out_dir / "three_forks.gpkg"
    gpkg.unlink(missing_ok=True)
    # GeoPackage has no timezone-aware datetime type: keep the UTC instants as ISO text
    plain = tubes.assign(
        **{
            c: tubes[c].map(lambda t: t.isoformat())
            for c in ("dropped_utc", "collected_sol_start_utc", "collected_sol_end_utc")
        }
    )
    plain.to_file(gpkg, layer="tubes")
    nearest.to_file(gpkg, layer="nearest")

    matrix = mg.distance_matrix(tubes)
    matrix.round(3).to_csv(out_dir / "distances.csv")

    nn = nearest["distance_m"]
    print(f"wrote {gpkg} and {out_dir / 'distances.csv'}")
    print(
        f"nearest-neighbour spacing {nn.min():.2f}-{nn.max():.2f} m; "
        f"longest pair {matrix.to_numpy().max():.1f} m"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out"))
