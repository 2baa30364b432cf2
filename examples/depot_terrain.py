"""Terrain under the Three Forks tubes: elevation, slope and hazards from a DTM.

Usage: python examples/depot_terrain.py [OUTPUT_DIR] [DTM]

DTM is a GeoTIFF path or a cloud-optimised GeoTIFF URL in a Mars CRS (for example the USGS
Mars 2020 HiRISE 1 m DTM of Jezero). Without it, marsgeo's SYNTHETIC terrain is used, and every
output says so.

Writes, in OUTPUT_DIR (default ./out):
- terrain.csv       elevation [m] and slope [deg] under each tube
- hillshade.tif     hillshade of the DTM (GeoTIFF, Mars CRS)
- hazards.gpkg      polygons steeper than 15 degrees (layer "hazards", IAU_2015:49900)
"""

from __future__ import annotations

import sys
from pathlib import Path

import marsgeo as mg
from marsgeo import basemap as bm


def main(out_dir: Path, dtm_source: str | None = None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    tubes = mg.load_depot()
    dtm = bm.load_dtm(dtm_source)  # None: the synthetic DTM
    slope = bm.slope_deg(dtm)
    table = tubes[["name"]].assign(
        elev_m=bm.sample_raster(dtm, tubes),
        slope_deg=bm.sample_raster(slope, tubes),
        terrain="SYNTHETIC" if dtm.synthetic else "measured",
    )
    table.round(3).to_csv(out_dir / "terrain.csv")
    bm.write_raster(bm.hillshade(dtm), out_dir / "hillshade.tif")
    hazards = bm.hazard_polygons(bm.hazard_mask(slope, max_slope_deg=15))
    gpkg = out_dir / "hazards.gpkg"
    gpkg.unlink(missing_ok=True)
    hazards.to_file(gpkg, layer="hazards")
    label = "SYNTHETIC terrain" if dtm.synthetic else "terrain"
    print(
        f"{label}: tubes at {table['elev_m'].min():.2f} to {table['elev_m'].max():.2f} m, "
        f"slopes under {table['slope_deg'].max():.1f} deg; {len(hazards)} hazard areas; "
        f"wrote {out_dir}"
    )


if __name__ == "__main__":
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out"),
        sys.argv[2] if len(sys.argv) > 2 else None,
    )
