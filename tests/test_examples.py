from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

import marsgeo

from .reference import TUBE_LONLAT, haversine_m, reference_nearest_m

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name: str, out_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run an example script as a user would, writing into out_dir."""
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), str(out_dir)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_depot_distances_example(tmp_path: Path) -> None:
    done = run_example("depot_distances.py", tmp_path)
    assert done.returncode == 0, done.stderr
    ref = reference_nearest_m()  # independent haversine on the reference coordinates
    assert f"{min(ref):.2f}-{max(ref):.2f} m" in done.stdout
    # the GeoPackage reads back in the Mars CRS, with the tubes where load_depot puts them
    tubes = marsgeo.read_tubes(tmp_path / "three_forks.gpkg", layer="tubes")
    assert tubes.crs == marsgeo.crs.MARS_GEOGRAPHIC
    assert np.allclose(tubes.geometry.x, marsgeo.load_depot().geometry.x, rtol=0, atol=1e-12)
    lines = gpd.read_file(tmp_path / "three_forks.gpkg", layer="nearest")
    assert marsgeo.crs.is_mars_crs(lines.crs) and len(lines) == 10
    matrix = pd.read_csv(tmp_path / "distances.csv", index_col=0)
    lon, lat = np.array(TUBE_LONLAT).T
    assert matrix.shape == (10, 10)
    assert matrix.loc[3, "4"] == round(float(haversine_m(lon[2], lat[2], lon[3], lat[3])), 3)


def test_depot_terrain_example(tmp_path: Path) -> None:
    done = run_example("depot_terrain.py", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SYNTHETIC terrain")
    table = pd.read_csv(tmp_path / "terrain.csv", index_col=0)
    assert len(table) == 10 and (table["terrain"] == "SYNTHETIC").all()
    assert (table["slope_deg"] < 5).all()
    hs = marsgeo.basemap.read_raster(tmp_path / "hillshade.tif")
    assert hs.synthetic and 0 <= float(np.nanmin(hs.data)) <= float(np.nanmax(hs.data)) <= 1
    hazards = gpd.read_file(tmp_path / "hazards.gpkg", layer="hazards")
    assert len(hazards) > 0 and marsgeo.crs.is_mars_crs(hazards.crs)


def test_pickup_plan_example(tmp_path: Path) -> None:
    done = run_example("pickup_plan.py", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ASSUMPTION" in done.stdout and "SYNTHETIC" in done.stdout
    schedule = pd.read_csv(tmp_path / "schedule.csv", index_col=0)
    assert sorted(schedule.index) == list(range(1, 11))
    legs = gpd.read_file(tmp_path / "plan.gpkg", layer="legs")
    assert marsgeo.crs.is_mars_crs(legs.crs)
    flights = legs[legs["kind"].str.startswith("flight")]
    assert (flights["distance_m"] <= 700).all()
    spots = gpd.read_file(tmp_path / "plan.gpkg", layer="spots")
    assert "ASSUMPTION" in spots.loc[spots["kind"] == "lander", "note"].iloc[0]


def test_depot_map_example(tmp_path: Path) -> None:
    done = run_example("depot_map.py", tmp_path)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "three_forks_map.html").read_text(encoding="utf-8")
    assert "L.CRS.Earth.R = L.CRS.EPSG3857.R = L.CRS.EPSG4326.R = radius" in page
    assert "marsgeo.setup(3396190.0," in page  # the Mars radius, set before L.map(
    assert '<script src="http' not in page  # self-contained
    assert page.count('"cls":"marsgeo-tube"') == 10 and "SYNTHETIC" in page


def test_every_example_is_run_by_a_test() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    for script in sorted(EXAMPLES.glob("*.py")):
        assert f'"{script.name}"' in source, f"{script.name} has no test"
