from __future__ import annotations

import math
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


def test_compare_strategies_example(tmp_path: Path) -> None:
    done = run_example("compare_strategies.py", tmp_path)
    assert done.returncode == 0, done.stderr
    table = [line for line in done.stdout.splitlines() if line.startswith("|")]
    # the docs show the table as the example prints it
    docs = (EXAMPLES.parent / "docs" / "routing.md").read_text(encoding="utf-8")
    assert "\n".join(table) in docs
    rows = pd.read_csv(tmp_path / "strategies.csv")
    near = rows[rows["lander"].str.startswith("near")]
    far = rows[rows["lander"].str.startswith("far")]
    # near the depot: one round trip per tube, 2 flights each; 2 flights a sol per helicopter
    assert (near["flights"].astype(int) == 2 * 10).all()
    assert near["sols"].astype(int).tolist() == [10, 10, 5, 5]  # ceil(20 / (h x 2))
    # 1.2 km away with a 700 m range: no flight reaches without a relay; with one relay each way
    # four flights a trip
    assert (far.loc[far["max relays"] == 0, "sols"] == "unreachable").all()
    relayed = far[far["max relays"] == 3]
    assert (relayed["flights"].astype(int) == 4 * 10).all()
    assert (relayed["relay landings"].astype(int) == 2 * 10).all()
    expected_sols = [
        math.ceil(40 / (h * f))
        for h, f in zip(relayed["helicopters"], relayed["flights a sol"], strict=True)
    ]
    assert relayed["sols"].astype(int).tolist() == expected_sols
    # the chance that every flight succeeds, 0.98 per flight
    for frame, n in ((near, 20), (relayed, 40)):
        assert np.allclose(frame["P(all 10)"].astype(float), round(0.98**n, 3))
    home = relayed[relayed["nights"] == "at the lander"]
    assert len(home) == 2 and (home["trips with a night away"].astype(int) == 0).all()
    away = relayed[(relayed["nights"] != "at the lander")]
    assert (away["trips with a night away"].astype(int) == 10).all()  # 2 flights a sol, 4 a trip


def test_depot_figure_example(tmp_path: Path) -> None:
    done = run_example("depot_figure.py", tmp_path)
    assert done.returncode == 0, done.stderr
    for name in ("three_forks.png", "pickup_plan.png", "profile.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), name
    header = (tmp_path / "three_forks.png").read_bytes()[16:24]
    size = (int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big"))
    assert size == (7 * 200, 6 * 200)  # 7 x 6 in at 200 dpi
    assert (tmp_path / "three_forks.pdf").read_bytes().startswith(b"%PDF-")
    assert done.stdout.count("wrote ") == 4
