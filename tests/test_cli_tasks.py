"""The command line does what the library does: each task run as a process, checked against
independent computations (tests/reference.py) or published facts."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion

import marsgeo
from marsgeo.cli import main

from .reference import LANDING, MARS_R, TUBE_LONLAT, TUBE_NAMES, haversine_m

LANDER = "77.4096,18.4524"
KML_NS = "{http://www.opengis.net/kml/2.2}"


def marsgeo_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "marsgeo", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def error_line(done: subprocess.CompletedProcess[str], command: str) -> str:
    lines = [ln for ln in done.stderr.splitlines() if ": note: " not in ln]
    assert done.returncode == 1 and done.stdout == "", done.stderr
    assert len(lines) == 1 and lines[0].startswith(f"marsgeo {command}: error: "), lines
    assert "Traceback" not in done.stderr
    return lines[0]


def bearing_deg(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Initial great-circle bearing on a sphere, written independently of the package."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def in_tm(geom: shapely.Geometry, crs: ProjectedCRS) -> shapely.Geometry:
    """A Mars lon/lat geometry in a local metric CRS, transformed with pyproj."""
    to_tm = Transformer.from_crs(CRS("IAU_2015:49900"), crs, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(to_tm.transform(xy[:, 0], xy[:, 1])))


def local_tm(lon: float, lat: float) -> ProjectedCRS:
    """A local Transverse Mercator on the Mars sphere, built here with pyproj alone."""
    return ProjectedCRS(
        conversion=TransverseMercatorConversion(
            latitude_natural_origin=lat,
            longitude_natural_origin=lon,
            scale_factor_natural_origin=1.0,
        ),
        geodetic_crs=CRS("IAU_2015:49900"),
    )


# --- 1. distances --from ---------------------------------------------------------------------


def test_distances_from_the_landing_site_match_a_haversine() -> None:
    done = marsgeo_cli("distances", "--from", "landing-site", "--format", "csv")
    assert done.returncode == 0, done.stderr
    got = pd.read_csv(io.StringIO(done.stdout), index_col="tube_id")
    lon, lat = np.array(TUBE_LONLAT).T
    expected = haversine_m(LANDING[0], LANDING[1], lon, lat)
    assert got.index.tolist() == list(range(1, 11))
    assert np.allclose(got["distance_m"], expected, rtol=0, atol=1e-3)
    assert ((got["distance_m"] > 2429) & (got["distance_m"] < 2472)).all()
    bearings = [bearing_deg(*LANDING, x, y) for x, y in TUBE_LONLAT]
    assert np.allclose(got["bearing_deg"], bearings, atol=1e-6)  # west-north-west, ~281 deg


def test_distances_from_a_point_and_the_depot_centroid() -> None:
    lon, lat = np.array(TUBE_LONLAT).T
    # the centroid as the mean unit vector, computed here
    v = np.column_stack(
        [
            np.cos(np.radians(lat)) * np.cos(np.radians(lon)),
            np.cos(np.radians(lat)) * np.sin(np.radians(lon)),
            np.sin(np.radians(lat)),
        ]
    ).mean(axis=0)
    c_lon = math.degrees(math.atan2(v[1], v[0]))
    c_lat = math.degrees(math.atan2(v[2], math.hypot(v[0], v[1])))
    done = marsgeo_cli("distances", "--from", "depot-centroid", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["distance_m"] for r in rows] == pytest.approx(
        haversine_m(c_lon, c_lat, lon, lat).tolist(), abs=1e-3
    )
    done = marsgeo_cli("distances", "--from", "77.40,18.45", "--format", "geojson")
    doc = json.loads(done.stdout)
    assert doc["crs"]["properties"]["name"] == "IAU_2015:49900"
    assert [f["properties"]["distance_m"] for f in doc["features"]] == pytest.approx(
        haversine_m(77.40, 18.45, lon, lat).tolist(), abs=1e-3
    )


def test_distances_help_names_the_landing_site_and_its_source() -> None:
    done = marsgeo_cli("distances", "--help")
    text = " ".join(done.stdout.split())
    assert done.returncode == 0
    assert "--from LON,LAT|landing-site|depot-centroid" in text
    assert "Octavia E. Butler Landing" in text and "NASA/JPL" in text
    assert "77.45088572" in text and "18.44462715" in text


# --- 2. plan: no-fly zones, hazards, the schedule, options of plan_pickup ------------------------


def _no_fly(path: Path, *, crs_name: str = "IAU_2015:49900") -> shapely.Polygon:
    """A box between the lander and the depot (Mars lon/lat), written as GeoJSON."""
    box = shapely.box(77.4088, 18.4521, 77.4091, 18.4531)
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": crs_name}},
        "features": [
            {"type": "Feature", "properties": {"name": "rocks"}, "geometry": box.__geo_interface__}
        ],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return box


def test_plan_avoids_a_no_fly_file_and_writes_the_schedule(tmp_path: Path) -> None:
    box = _no_fly(tmp_path / "zone.geojson")
    tm = local_tm(77.4085, 18.4527)
    zone = in_tm(box, tm)
    lander = tuple(float(v) for v in LANDER.split(","))
    straight = [in_tm(shapely.LineString([lander, t]), tm) for t in TUBE_LONLAT]
    assert any(line.intersects(zone) for line in straight)  # the zone is in the way
    schedule = tmp_path / "schedule.csv"
    done = marsgeo_cli(
        "plan", "--lander", LANDER, "--no-fly", str(tmp_path / "zone.geojson"),
        "--schedule-output", str(schedule), "--format", "geojson",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    legs = gpd.read_file(io.StringIO(done.stdout))
    flights = legs[legs["kind"].str.startswith("flight")]
    assert len(flights) >= 20
    for line in flights.geometry:
        assert not in_tm(line, tm).intersects(zone)
    trips = pd.read_csv(schedule)
    assert sorted(trips["tube_id"]) == list(range(1, 11)) and len(trips) == 10
    assert {"helicopter", "first_sol", "last_sol", "flight_m"} <= set(trips.columns)


def test_plan_no_fly_crs_relabels_a_crs84_file(tmp_path: Path) -> None:
    path = tmp_path / "zone.geojson"
    _no_fly(path, crs_name="urn:ogc:def:crs:OGC:1.3:CRS84")
    line = error_line(marsgeo_cli("plan", "--lander", LANDER, "--no-fly", str(path)), "plan")
    assert "--no-fly" in line and "--no-fly-crs IAU_2015:49900" in line and "crs=" not in line
    done = marsgeo_cli(
        "plan", "--lander", LANDER, "--no-fly", str(path), "--no-fly-crs", "IAU_2015:49900"
    )
    assert done.returncode == 0, done.stderr


def test_plan_hazards_from_zones_a_dtm_and_synthetic(tmp_path: Path) -> None:
    box = _no_fly(tmp_path / "hazard.geojson")
    done = marsgeo_cli(
        "plan", "--lander", LANDER, "--hazards", str(tmp_path / "hazard.geojson"),
        "--format", "geojson",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    legs = gpd.read_file(io.StringIO(done.stdout))
    tm = local_tm(77.4085, 18.4527)
    zone = gpd.GeoSeries([box], crs="IAU_2015:49900").to_crs(tm).iloc[0]
    flights = legs[legs["kind"].str.startswith("flight")].to_crs(tm)
    assert not flights.intersects(zone).any()
    dtm = marsgeo.basemap.write_raster(
        marsgeo.basemap.synthetic_dtm(size_m=600, resolution_m=2), tmp_path / "dtm.tif"
    )
    for source in (str(dtm), "synthetic"):
        done = marsgeo_cli("plan", "--lander", LANDER, "--hazards", source)
        assert done.returncode == 0, done.stderr
        assert "SYNTHETIC" in done.stdout  # the plan says its terrain is synthetic


def test_plan_passes_skip_unreachable_time_limit_nights_and_start_sol(tmp_path: Path) -> None:
    # a lander about 700 m east of the depot: with no relays, the tubes well within 700 m
    # can be reached and those well beyond cannot (the pad is 10 m from the lander)
    lon, lat = np.array(TUBE_LONLAT).T
    lander_lon = 77.42065
    reach = haversine_m(lander_lon, 18.4527, lon, lat)
    near = {i + 1 for i in np.flatnonzero(reach < 680)}
    far = {i + 1 for i in np.flatnonzero(reach > 720)}
    assert near and far
    schedule = tmp_path / "s.csv"
    done = marsgeo_cli(
        "plan", f"--lander={lander_lon},18.4527", "--max-relays", "0", "--skip-unreachable",
        "--time-limit", "2", "--nights-at-lander", "--start-sol", "1000",
        "--schedule-output", str(schedule), "--format", "csv",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    trips = pd.read_csv(schedule)
    # each tube needs at least its distance from the lander's pad (10 m from the lander)
    assert near <= set(trips["tube_id"]) and not far & set(trips["tube_id"])
    assert (trips["first_sol"] == trips["last_sol"]).all()  # nights at the lander
    legs = pd.read_csv(io.StringIO(done.stdout))
    first = pd.Timestamp(legs["utc"].dropna().iloc[0])
    # Mars 2020 landed 2021-02-18 20:55 UTC on sol 0 at about 15:53 LMST; a sol is 88775.244 s
    sol0_start = pd.Timestamp("2021-02-18T20:55Z") - pd.Timedelta(hours=15.88 * 1.0275)
    sol1000_start = sol0_start + pd.Timedelta(seconds=1000 * 88775.244)
    assert sol1000_start - pd.Timedelta(hours=1) < first < sol1000_start + pd.Timedelta(days=1.1)


# --- 3. catalogue columns ------------------------------------------------------------------------


def test_catalogue_columns_are_named_by_flags(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("code,east,north\nA7,77.40,18.45\nB2,77.40,18.4501\n", encoding="utf-8")
    done = marsgeo_cli(
        "distances", "--catalogue", str(path), "--lon-col", "east", "--lat-col", "north",
        "--id-col", "code", "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["tube_id"] for r in rows] == ["A7", "B2"] and rows[0]["nearest_tube_id"] == "B2"
    assert rows[0]["distance_m"] == pytest.approx(MARS_R * math.radians(0.0001), rel=1e-9)
    line = error_line(marsgeo_cli("tubes", "--catalogue", str(path), "--lon-col", "x_e"), "tubes")
    assert "--lon-col" in line and "lon_col" not in line


# --- 4. one --output, every format ----------------------------------------------------------------


def test_tubes_output_in_every_format_reads_back_on_mars(tmp_path: Path) -> None:
    for ext in ("gpkg", "fgb", "geojson", "csv", "shp", "kml"):
        done = marsgeo_cli("tubes", "--output", str(tmp_path / f"t.{ext}"))
        assert done.returncode == 0 and "wrote" in done.stdout, (ext, done.stderr)
        if ext in ("kml", "csv"):
            continue
        back = marsgeo.read_tubes(tmp_path / f"t.{ext}")
        assert marsgeo.crs.is_mars_crs(back.crs), ext
        assert np.allclose(np.column_stack([back.geometry.x, back.geometry.y]), TUBE_LONLAT)


def test_shapefile_keeps_a_mars_prj_and_reports_the_short_names(tmp_path: Path) -> None:
    done = marsgeo_cli("tubes", "--output", str(tmp_path / "t.shp"))
    assert done.returncode == 0, done.stderr
    notes = [ln for ln in done.stderr.splitlines() if ": note: " in ln]
    assert len(notes) == 2 and "sample_type_confidence -> sample_t" in notes[0]
    long = [i for i, t in marsgeo.load_depot()["collected_date_method"].items() if len(t) > 254]
    assert long and f"collected_date_method (rows {', '.join(map(str, long))})" in notes[1]
    prj = (tmp_path / "t.prj").read_text()
    assert "Mars" in prj and "3396190" in prj  # the IAU 2015 Mars sphere
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".cpg", ".dbf", ".prj", ".shp", ".shx"]
    back = marsgeo.read_tubes(tmp_path / "t.shp")
    assert back.crs == marsgeo.crs.MARS_GEOGRAPHIC
    assert back["name"].tolist() == TUBE_NAMES
    fields = [c for c in back.columns if c != "geometry"]
    assert all(len(c.encode()) <= 10 for c in fields)
    assert len({c.casefold() for c in fields}) == len(fields)


def test_kml_is_on_mars_in_mars_degrees(tmp_path: Path) -> None:
    done = marsgeo_cli("tubes", "--output", str(tmp_path / "t.kml"))
    assert done.returncode == 0, done.stderr
    root = ET.parse(tmp_path / "t.kml").getroot()
    assert root.tag == f"{KML_NS}kml" and root.get("hint") == "target=mars"
    marks = list(root.iter(f"{KML_NS}Placemark"))
    assert [m.findtext(f"{KML_NS}name") for m in marks] == TUBE_NAMES
    coords = [
        tuple(float(v) for v in m.findtext(f".//{KML_NS}coordinates").split(","))  # type: ignore[union-attr]
        for m in marks
    ]
    assert np.allclose(coords, TUBE_LONLAT, atol=1e-9)


def test_output_of_distances_and_plans(tmp_path: Path) -> None:
    done = marsgeo_cli("distances", "--from", "landing-site", "--output", str(tmp_path / "d.gpkg"))
    assert done.returncode == 0, done.stderr
    back = gpd.read_file(tmp_path / "d.gpkg")
    lon, lat = np.array(TUBE_LONLAT).T
    assert np.allclose(back["distance_m"], haversine_m(*LANDING, lon, lat), atol=1e-3)
    done = marsgeo_cli("plan", "--lander", LANDER, "--output", str(tmp_path / "legs.kml"))
    assert done.returncode == 0, done.stderr
    assert ET.parse(tmp_path / "legs.kml").getroot().get("hint") == "target=mars"
    line = error_line(
        marsgeo_cli("plan", "--lander", LANDER, "--output", str(tmp_path / "legs.shp")), "plan"
    )
    assert "--output" in line and "one" in line and ".gpkg" in line
    assert not list(tmp_path.glob("legs.s*"))


# --- 5. errors name flags -------------------------------------------------------------------------

PYTHON_WORDS = (
    "path=", "crs=", "layer=", "lon_col", "lat_col", "id_col", "range_m", "max_relays",
    "HelicopterSpec", "on_unreachable", "lander=", "no_fly", "hazard=", "source=", "origin",
    "MARS_GEOGRAPHIC", "time_limit_s", "start_sol",
)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["tubes", "--catalogue", "{missing}"], "--catalogue"),
        (["tubes", "--catalogue", "{csv}", "--crs", "EPSG:4326"], "--crs"),
        (["tubes", "--catalogue", "{csv}", "--crs", "not-a-crs"], "--crs"),
        (["tubes", "--catalogue", "{earth}"], "--crs IAU_2015:49900"),
        (["tubes", "--catalogue", "{gpkg}", "--layer", "nope"], "--layer"),
        (["tubes", "--catalogue", "{gpkg}"], "--layer"),
        (["tubes", "--catalogue", "{csv}", "--lat-col", "y_n"], "--lat-col"),
        (["tubes", "--catalogue", "{csv}", "--id-col", "code"], "--id-col"),
        (["tubes", "--catalogue", "{earth}", "--lon-col", "lon"], "--lon-col"),
        (["tubes", "--crs", "IAU_2015:49900"], "--catalogue"),
        (["tubes", "--output", "t.xlsx"], "--output"),
        (["plan", "--lander", LANDER, "--schedule-output", "s.gpkg"], "--schedule-output"),
        (["plan", "--lander=77.6,18.45", "--max-relays", "0"], "--max-relays"),
        (["plan", "--lander", LANDER, "--range", "5"], "--range"),
        (["plan", "--lander", LANDER, "--range", "5"], "--skip-unreachable"),
        (["plan", "--lander", "18.4524,77.4096"], "--lander 77.4096,18.4524"),
        (["plan", "--lander", LANDER, "--no-fly", "{missing}"], "--no-fly"),
        (["plan", "--lander", LANDER, "--no-fly", "{csv}"], "--no-fly"),
        (["plan", "--lander", LANDER, "--no-fly", "{zone}", "--no-fly-crs", "EPSG:4326"],
         "--no-fly-crs"),
        (["plan", "--lander", LANDER, "--no-fly", "{gpkg}", "--no-fly-layer", "x"],
         "--no-fly-layer"),
        (["plan", "--lander", LANDER, "--hazards", "{missing}"], "--hazards"),
        (["plan", "--lander", LANDER, "--dtm", "{missing}"], "--dtm"),
        (["distances", "--from", "18.45,77.41"], "--from 77.41,18.45"),
        (["map", "--basemap", "hirse", "--helicopters", "0"], "--basemap"),
        (["map", "--terrain", "{missing}", "--helicopters", "0"], "--terrain"),
        (["map", "--html", "m.txt"], "--html"),
    ],
)  # fmt: skip
def test_every_error_names_a_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], flag: str
) -> None:
    monkeypatch.chdir(tmp_path)
    csv = tmp_path / "mine.csv"
    csv.write_text("tube_id,lon,lat\na,77.40,18.45\nb,77.40,18.4501\n", encoding="utf-8")
    earth = tmp_path / "earth.geojson"
    earth.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"tube_id":1},"geometry":{"type":"Point","coordinates":[77.4,18.4]}}]}'
    )
    gpkg = tmp_path / "two.gpkg"
    zones = gpd.GeoDataFrame(geometry=[shapely.box(77.4088, 18.4521, 77.4091, 18.4531)] * 2)
    zones.set_crs("IAU_2015:49900").to_file(gpkg, layer="a")
    zones.set_crs("IAU_2015:49900").to_file(gpkg, layer="b")
    _no_fly(tmp_path / "zone.geojson")
    names = {"missing": tmp_path / "missing.tif", "csv": csv, "earth": earth, "gpkg": gpkg}
    names["zone"] = tmp_path / "zone.geojson"
    args = [a.format(**names) for a in args]
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdout=out, stderr=err)
    lines = [ln for ln in err.getvalue().splitlines() if ": note: " not in ln]
    assert code == 1 and len(lines) == 1, err.getvalue()
    assert lines[0].startswith(f"marsgeo {args[0]}: error: ")
    assert flag in lines[0]
    assert not [w for w in PYTHON_WORDS if w in lines[0]], lines[0]


def test_errors_name_flags_in_a_process(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("tube_id,lon,lat\na,77.40,18.45\n", encoding="utf-8")
    line = error_line(marsgeo_cli("plan", "--lander=77.6,18.45", "--max-relays", "0"), "plan")
    assert "--range 700 and --max-relays 0" in line and "--skip-unreachable" in line
    assert "range_m" not in line and "HelicopterSpec" not in line
    line = error_line(marsgeo_cli("tubes", "--catalogue", str(path), "--crs", "x"), "tubes")
    assert "--crs 'x'" in line and "crs=" not in line


@pytest.mark.parametrize(
    ("args", "fix"),
    [
        (["plan", "--lander", "18.45,77.41"], "(--lander 77.41,18.45)"),
        (["map", "--lander", "18.4524,77.4096", "--html", "m.html"], "(--lander 77.4096,18.4524)"),
        (["distances", "--from", "18.4526,77.4082"], "(--from 77.4082,18.4526)"),
    ],
)
def test_swapped_longitude_and_latitude_are_named(
    tmp_path: Path, args: list[str], fix: str
) -> None:
    # swapped back, each point is within 100 km of the depot (haversine from the reference)
    lat, lon = (float(v) for v in args[2].split(","))
    lons, lats = np.array(TUBE_LONLAT).T
    assert haversine_m(lon, lat, lons.mean(), lats.mean()) < 100_000
    line = error_line(marsgeo_cli(*args, cwd=tmp_path), args[0])
    assert f"did you swap longitude and latitude? {fix}" in line
    assert not (tmp_path / "m.html").exists()


def test_a_far_point_that_is_not_swapped_is_not_called_swapped() -> None:
    done = marsgeo_cli("distances", "--from", "0,0", "--format", "csv")
    assert done.returncode == 0, done.stderr
    got = pd.read_csv(io.StringIO(done.stdout))
    lon, lat = np.array(TUBE_LONLAT).T
    assert np.allclose(got["distance_m"], haversine_m(0, 0, lon, lat), rtol=1e-9)


# --- 6. fast start ------------------------------------------------------------------------------

HEAVY = ("folium", "rasterio", "scipy")


def loaded_after(script: str) -> set[str]:
    probe = (
        f"{script}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_help_tubes_and_import_load_nothing_heavy() -> None:
    run_cli = (
        "import contextlib, io\nfrom marsgeo.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main({args!r})\n    except SystemExit:\n        pass"
    )
    helped = loaded_after(run_cli.format(args=["--help"]))
    assert not helped & {*HEAVY, "pandas", "geopandas", "pyproj", "numpy"}, helped
    listed = loaded_after(run_cli.format(args=["tubes"]))
    assert "geopandas" in listed and not listed & set(HEAVY), listed
    for script in ("import marsgeo", "import marsgeo.distance", "from marsgeo import load_depot"):
        assert not loaded_after(script) & set(HEAVY), script
    done = marsgeo_cli("--help")
    assert done.returncode == 0
    assert all(c in done.stdout for c in ("tubes", "distances", "plan", "map", "info"))
