"""Users' tube catalogues through every door: files, coordinates, the command line, round trips.

Positions and names are typed from the reference tables (tests/reference.py), not taken from
the package's data files.
"""

from __future__ import annotations

import io
import json
import math
import os
import pathlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import CRS, Transformer
from shapely.geometry import Point

import marsgeo
from marsgeo import crs as mcrs
from marsgeo.cli import main
from marsgeo.errors import CatalogueError, CoordinateError, CRSError, DataFileError, InputError

from .reference import TUBE_LONLAT, TUBE_NAMES

R = 3_396_190.0  # the IAU 2015 Mars sphere, from the reference


def _catalogue_csv(path: Path, *, extra: str = "", cells: list[str] | None = None) -> Path:
    lines = [f"tube_id,name,lon,lat{extra}"]
    for k, ((lon, lat), name) in enumerate(zip(TUBE_LONLAT, TUBE_NAMES, strict=True)):
        tail = "" if cells is None else cells[k]
        lines.append(f"{k + 1},{name},{lon!r},{lat!r}{tail}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _catalogue_geojson(path: Path) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"tube_id": k + 1, "name": name},
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }
        for k, ((lon, lat), name) in enumerate(zip(TUBE_LONLAT, TUBE_NAMES, strict=True))
    ]
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "IAU_2015:49900"}},
        "features": features,
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# --- the id column becomes the index, and every command reads a user's catalogue ------------


@pytest.mark.parametrize("kind", ["csv", "geojson"])
def test_every_command_reads_a_catalogue_with_a_tube_id_column(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = (
        _catalogue_csv(tmp_path / "mine.csv")
        if kind == "csv"
        else _catalogue_geojson(tmp_path / "mine.geojson")
    )
    commands = [
        ["tubes"],
        ["tubes", "--format", "csv"],
        ["distances", "--kind", "nearest"],
        ["distances", "--kind", "matrix"],
        ["distances", "--kind", "pairs"],
        ["plan"],
        ["map", "--basemap", "none", "--terrain", "none", "--html", "m.html"],
    ]
    for argv in commands:
        code, out, err = _run([*argv, "--catalogue", str(path)])
        assert code == 0, (argv, err)
        assert "error" not in err, (argv, err)
    code, out, _ = _run(["tubes", "--format", "csv", "--catalogue", str(path)])
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns).count("tube_id") == 1
    assert table["tube_id"].tolist() == list(range(1, 11))
    assert table["name"].tolist() == TUBE_NAMES
    assert (tmp_path / "m.html").stat().st_size > 0


def test_the_id_column_becomes_the_index_only(tmp_path: Path) -> None:
    tubes = marsgeo.read_tubes(_catalogue_csv(tmp_path / "mine.csv"))
    assert "tube_id" not in tubes.columns and tubes.index.name == "tube_id"
    flat = tubes.reset_index()  # the README's own next step
    assert list(flat.columns).count("tube_id") == 1
    assert flat["tube_id"].tolist() == list(range(1, 11))
    with pytest.raises(CatalogueError, match=r"also has a 'tube_id' column.*id_col='tube_id'"):
        marsgeo.read_tubes(tmp_path / "mine.csv", id_col="name")
    no_ids = tmp_path / "names.csv"
    no_ids.write_text(
        "name,lon,lat\n"
        + "".join(f"{n},{x!r},{y!r}\n" for n, (x, y) in zip(TUBE_NAMES, TUBE_LONLAT, strict=True)),
        encoding="utf-8",
    )
    named = marsgeo.read_tubes(no_ids, id_col="name")
    assert named.index.tolist() == TUBE_NAMES and "name" not in named.columns


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".fgb", ".csv"])
def test_user_catalogue_export_round_trip(tmp_path: Path, suffix: str) -> None:
    tubes = marsgeo.read_tubes(_catalogue_csv(tmp_path / "mine.csv"))
    written = marsgeo.export(tubes, tmp_path / f"out{suffix}")
    if suffix == ".csv":
        header = written.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header.count("tube_id") == 1
    back = marsgeo.read_tubes(written)
    assert back.index.tolist() == list(range(1, 11)) and "tube_id" not in back.columns
    assert back["name"].tolist() == TUBE_NAMES
    lon, lat = np.array(TUBE_LONLAT).T
    assert np.allclose(back.geometry.x, lon, rtol=0, atol=1e-12)
    assert np.allclose(back.geometry.y, lat, rtol=0, atol=1e-12)


def test_csv_round_trip_keeps_every_value(tmp_path: Path) -> None:
    depot = marsgeo.load_depot()
    assert (depot["notes"] == "").any() and (depot["twin"] == "").any()  # empty text exists
    back = marsgeo.read_tubes(marsgeo.export(depot, tmp_path / "depot.csv"))
    assert back.index.tolist() == depot.index.tolist()
    for col in depot.columns.drop("geometry"):
        want = depot[col].astype(object).where(depot[col].notna(), None).tolist()
        got = back[col].astype(object).where(back[col].notna(), None).tolist()
        assert got == want, col
    # empty text stays empty text: a note that says nothing is not a missing note
    assert (back["notes"] == "").sum() == (depot["notes"] == "").sum()
    assert str(back["sample_number"].dtype) == "Int64"
    assert isinstance(back["dropped_utc"].dtype, pd.DatetimeTZDtype)


def test_text_is_kept_as_written(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text('tube_id,lon,lat,name,notes\n1,77.4,18.4,NA,""\n2,77.5,18.5,None,x\n')
    got = marsgeo.read_tubes(p)
    assert got["name"].tolist() == ["NA", "None"]  # names, not missing values
    assert got["notes"].tolist() == ["", "x"]


# --- one coordinate range rule, whatever the door ----------------------------------------------


def _geojson_points(path: Path, coords: list[tuple[float, float]]) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": {"tube_id": k + 1},
            "geometry": {"type": "Point", "coordinates": list(c)},
        }
        for k, c in enumerate(coords)
    ]
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "IAU_2015:49900"}},
        "features": features,
    }
    # json.dumps writes 1e300 as a number; GDAL reads it back as one
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _door_csv(tmp: Path, lon: Any, lat: Any) -> object:
    p = tmp / "door.csv"  # one row: a column of True / False alone is read as booleans
    p.write_text(f"tube_id,lon,lat\n1,{lon},{lat}\n", encoding="utf-8")
    return marsgeo.read_tubes(p)


def _door_geojson(tmp: Path, lon: Any, lat: Any) -> object:
    return marsgeo.read_tubes(_geojson_points(tmp / "door.geojson", [(lon, lat), (77.4, 18.4)]))


def _door_outline(tmp: Path, lon: Any, lat: Any) -> object:
    return marsgeo.jezero.read_outline(_geojson_points(tmp / "outline.geojson", [(lon, lat)]))


def _door_frame(tmp: Path, lon: Any, lat: Any) -> object:
    gdf = gpd.GeoDataFrame(geometry=[Point(lon, lat), Point(77.4, 18.4)], crs=mcrs.MARS_GEOGRAPHIC)
    return marsgeo.distance_matrix(gdf)


def _door_validate(tmp: Path, lon: Any, lat: Any) -> object:
    gdf = gpd.GeoDataFrame(geometry=[Point(lon, lat)], crs=mcrs.MARS_GEOGRAPHIC)
    return marsgeo.validate_tubes(gdf)


DOORS: dict[str, Callable[[Path, Any, Any], object]] = {
    "read_tubes csv": _door_csv,
    "read_tubes geojson": _door_geojson,
    "read_outline": _door_outline,
    "distance_matrix": _door_frame,
    "validate_tubes": _door_validate,
    "geodesic_distance_m": lambda tmp, lon, lat: marsgeo.geodesic_distance_m(lon, lat, 77.4, 18.4),
    "local_crs": lambda tmp, lon, lat: mcrs.local_crs(lon, lat),
    "lmst_hours": lambda tmp, lon, lat: marsgeo.sols.lmst_hours("2022-12-21", lon_e=lon),
}
# what a value can be at each door: a CSV holds text, other files and geometries hold numbers
TEXT_DOORS = {"read_tubes csv"}
PYTHON_DOORS = {"geodesic_distance_m", "local_crs", "lmst_hours"}


@pytest.mark.parametrize("door", sorted(DOORS))
def test_one_coordinate_range_rule_at_every_door(tmp_path: Path, door: str) -> None:
    call = DOORS[door]
    lon_only = door == "lmst_hours"
    bad: list[tuple[Any, Any]] = [(361.0, 18.4), (-360.5, 18.4), (1e300, 18.4)]
    if not lon_only:
        bad += [(77.4, 90.5), (77.4, -91.0)]
    if door in TEXT_DOORS:
        bad += [("True", 18.4), ("False", 18.4), ("nan", 18.4), ("inf", 18.4)]
    elif door in PYTHON_DOORS:
        bad += [(True, 18.4), (False, 18.4), ("77.4", 18.4), (math.nan, 18.4), (None, 18.4)]
    else:
        bad += [(math.nan, 18.4), (math.inf, 18.4)]
    for lon, lat in bad:
        with pytest.raises(InputError):
            call(tmp_path, lon, lat)
    # the limits themselves are kept: both longitude conventions, the poles
    good = [(359.9, 18.4), (-359.9, 18.4)] + ([] if lon_only else [(77.4, 90.0), (77.4, -90.0)])
    for lon, lat in good:
        call(tmp_path, lon, lat)


def test_garbage_longitudes_in_files_are_refused_by_name(tmp_path: Path) -> None:
    p = tmp_path / "bool.csv"
    p.write_text("tube_id,lon,lat\n1,True,18.4\n2,False,18.5\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"'lon'.*'True' on line 2, 'False' on line 3"):
        marsgeo.read_tubes(p)
    for value in (400.0, 1e300):
        path = _geojson_points(tmp_path / "far.geojson", [(value, 18.4), (77.4, 18.4)])
        expected = rf"rows 1 have longitude {re.escape(repr(value))} outside -360..360"
        with pytest.raises(CoordinateError, match=expected):
            marsgeo.read_tubes(path)
        gpkg = tmp_path / "far.gpkg"
        gpd.GeoDataFrame(
            {"tube_id": [1, 2]},
            geometry=[Point(value, 18.4), Point(77.4, 18.4)],
            crs=mcrs.MARS_GEOGRAPHIC,
        ).to_file(gpkg)
        with pytest.raises(CoordinateError, match=r"-360..360"):
            marsgeo.read_tubes(gpkg)


def _half_circumference_m() -> float:
    return math.pi * R  # 10 669 km: no place on Mars is farther along the surface


@pytest.mark.parametrize(
    "crs",
    [
        CRS("IAU_2015:49910"),  # equirectangular: x spans the equator, -pi R .. pi R
        mcrs.local_crs(77.408, 18.453),  # transverse Mercator at the depot
    ],
    ids=["equirectangular", "local TM"],
)
def test_projected_points_beyond_the_planet_are_refused_not_wrapped(
    tmp_path: Path, crs: CRS
) -> None:
    # a point one and a half times around the planet's width east of the origin
    far = Point(3.0 * _half_circumference_m(), 0.0)
    here = Transformer.from_crs(mcrs.MARS_GEOGRAPHIC, crs, always_xy=True).transform(77.4, 18.4)
    gdf = gpd.GeoDataFrame({"tube_id": [1, 2]}, geometry=[far, Point(here)], crs=crs)
    path = tmp_path / "projected.gpkg"
    gdf.to_file(path)
    with pytest.raises(CoordinateError, match=r"rows 1 have x, y .*off the map"):
        marsgeo.read_tubes(path)
    with pytest.raises(CoordinateError, match=r"off the map"):
        marsgeo.distance_matrix(gdf.set_index("tube_id"))
    csv = tmp_path / "projected.csv"
    csv.write_text(f"tube_id,x,y\n1,{far.x},{far.y}\n2,{here[0]},{here[1]}\n", encoding="utf-8")
    with pytest.raises(CoordinateError, match=r"off the map"):
        marsgeo.read_tubes(csv, crs=crs)
    # the point on the map is read where it is, and the map reaches all round the planet
    csv.write_text(f"x,y\n{here[0]!r},{here[1]!r}\n", encoding="utf-8")
    good = marsgeo.read_tubes(csv, crs=crs)
    assert (good.geometry.x[1], good.geometry.y[1]) == pytest.approx((77.4, 18.4), abs=1e-9)
    edge = 0.999 * _half_circumference_m()
    marsgeo.distance_matrix(gpd.GeoDataFrame(geometry=[Point(edge, 0.0)], crs=crs))


# --- misleading messages when reading --------------------------------------------------------


def test_semicolon_and_tab_catalogues_are_read(tmp_path: Path) -> None:
    semi = tmp_path / "semi.csv"
    semi.write_text(
        "tube_id;name;lon;lat\n1;Malay;77,40775321;18,45263041\n2;Mageik;77,40784155;18,45253023\n",
        encoding="utf-8",
    )
    got = marsgeo.read_tubes(semi)
    assert got["name"].tolist() == TUBE_NAMES[:2]
    assert got.geometry.x.tolist() == [TUBE_LONLAT[0][0], TUBE_LONLAT[1][0]]
    tab = tmp_path / "tab.csv"
    tab.write_text("tube_id\tlon\tlat\n1\t77.40775321\t18.45263041\n", encoding="utf-8")
    assert marsgeo.read_tubes(tab).geometry.y.tolist() == [TUBE_LONLAT[0][1]]


def test_ragged_lines_are_named(tmp_path: Path) -> None:
    p = tmp_path / "ragged.csv"
    p.write_text("tube_id,lon,lat\n1,77.4,18.4,9\n2,77.5\n3,77.6,18.6\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        marsgeo.read_tubes(p)
    text = str(info.value)
    assert "lines 2 (4 fields), 3 (2 fields)" in text and "header (line 1) has 3" in text
    assert "non-number" not in text


def test_environment_errors_name_the_path_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = tmp_path / "loop.csv"
    os.symlink(loop, loop)
    with pytest.raises(DataFileError, match=r"loop.csv' is a symbolic link loop"):
        marsgeo.read_tubes(loop)
    with pytest.raises(DataFileError, match=r"is a folder, not a file"):
        marsgeo.read_tubes(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a catalogue\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"notes.txt' does not look like a CSV table"):
        marsgeo.read_tubes(notes)
    locked = _catalogue_csv(tmp_path / "locked.csv")
    real_open = pathlib.Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "locked.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", refuse)
    with pytest.raises(DataFileError, match=r"locked.csv' cannot be opened: permission denied"):
        marsgeo.read_tubes(locked)


def test_a_file_with_several_layers_needs_one_named(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    for layer, (lon, lat) in (("first", TUBE_LONLAT[0]), ("second", TUBE_LONLAT[1])):
        gpd.GeoDataFrame(
            {"tube_id": [1]}, geometry=[Point(lon, lat)], crs=mcrs.MARS_GEOGRAPHIC
        ).to_file(path, layer=layer)
    with pytest.raises(DataFileError, match=r"2 layers: 'first' \(Point\), 'second'.*layer="):
        marsgeo.read_tubes(path)
    with pytest.raises(DataFileError, match=r"2 layers.*layer="):
        marsgeo.jezero.read_outline(path)
    got = marsgeo.read_tubes(path, layer="second")
    assert (got.geometry.x[1], got.geometry.y[1]) == TUBE_LONLAT[1]
    with pytest.raises(DataFileError, match=r"no layer 'third'; its layers are 'first', 'second'"):
        marsgeo.read_tubes(path, layer="third")


def test_gdal_warnings_become_errors_not_noise(tmp_path: Path) -> None:
    # a point with four coordinates: GDAL keeps three and warns (filterwarnings=error here)
    path = tmp_path / "four.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "IAU_2015:49900"}},
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"tube_id": 1},
                        "geometry": {"type": "Point", "coordinates": [77.4, 18.4, 5.0, 6.0]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match=r"four.geojson' was read with warnings.*too many"):
        marsgeo.read_tubes(path)


# --- the columns maps and popups format ------------------------------------------------------


def test_map_of_a_catalogue_with_some_mission_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # designation and dropped_sol, but no elevation or position uncertainty
    cells = [f",M2020-{337 + k:05d}-01,{653 + k}" for k in range(10)]
    ok = _catalogue_csv(tmp_path / "some.csv", extra=",designation,dropped_sol", cells=cells)
    code, _, err = _run(["map", "--basemap", "none", "--terrain", "none", "--catalogue", str(ok)])
    assert code == 0, err
    bad = [*cells]
    bad[1] = ",M2020-00338-01,six"
    wrong = _catalogue_csv(tmp_path / "bad.csv", extra=",designation,dropped_sol", cells=bad)
    code, _, err = _run(
        ["map", "--basemap", "none", "--terrain", "none", "--catalogue", str(wrong)]
    )
    assert code == 1
    assert "column 'dropped_sol' rows 2 hold 'six'; write whole sol numbers" in err
    dates = [",2022-12-21T17:15:36Z"] * 10
    dates[3] = ",notadate"
    when = _catalogue_csv(tmp_path / "when.csv", extra=",dropped_utc", cells=dates)
    code, _, err = _run(["map", "--basemap", "none", "--terrain", "none", "--catalogue", str(when)])
    assert code == 1
    assert "column 'dropped_utc' rows 4 hold 'notadate'; write dates and times in ISO 8601" in err


def test_an_unnamed_east_positive_ellipsoid_crs_is_not_taken_for_a_west_positive_code(
    tmp_path: Path,
) -> None:
    # an equirectangular CRS on the IAU ellipsoid, east-positive, unnamed: PROJ's loose match
    # offers IAU_2015:49911 (west-positive), which would put the point at 77.4 W
    crs = "+proj=eqc +a=3396190 +rf=169.894447 +type=crs"
    x = 3_396_190 * math.radians(77.4)
    path = tmp_path / "east.gpkg"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(x, 1000.0)], crs=crs).to_file(path)
    with pytest.raises(CRSError, match="crs="):
        marsgeo.read_tubes(path)
    # said what it is, it is read where it is: 77.4 E
    tubes = marsgeo.read_tubes(path, crs=crs)
    assert float(tubes.geometry.x.iloc[0]) == pytest.approx(77.4, abs=1e-9)


# --- column picking and cell types never change what the file says ---------------------------


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_one_column_cannot_be_both_coordinates(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", "tube_id,lon,lat\n1,77.4,18.4\n2,77.41,18.41\n")
    with pytest.raises(InputError, match=r"lon_col and lat_col both name column 'lat'"):
        marsgeo.read_tubes(path, lon_col="lat", lat_col="lat")


def test_an_exact_column_name_wins_and_case_twins_are_ambiguous(tmp_path: Path) -> None:
    same = _write(tmp_path, "same.csv", "tube_id,lon,lat,Lat\n1,77.4,18.4,18.4\n")
    tubes = marsgeo.read_tubes(same)
    assert tubes.geometry.y.tolist() == [18.4] and tubes["Lat"].tolist() == [18.4]
    exact = _write(tmp_path, "exact.csv", "tube_id,lon,lat,Lat\n1,77.4,18.4,5\n")
    # the exact name gives the points; the other says something else and is refused, not
    # dropped (before, it silently won: the tube was put at latitude 5)
    with pytest.raises(CatalogueError, match=r"column 'Lat' says rows 1 are at latitude 5"):
        marsgeo.read_tubes(exact)
    twins = _write(tmp_path, "twins.csv", "tube_id,lon,LAT,Lat\n1,77.4,18.4,5\n")
    with pytest.raises(CatalogueError, match=r"'LAT'.*'Lat'.*lat_col="):
        marsgeo.read_tubes(twins)


def test_cells_keep_their_values_and_gaps(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "t.csv",
        "tube_id,lon,lat,flag,big,code\n"
        "1,77.4,18.4,true,9007199254740993,007\n"
        "2,77.41,18.41,,,012\n"
        "3,77.42,18.42,false,5,100\n",
    )
    tubes = marsgeo.read_tubes(path)
    flags = tubes["flag"].tolist()
    assert flags[0] is True and flags[2] is False and flags[1] is pd.NA
    assert tubes["big"].tolist()[0] == 9007199254740993 and tubes["big"].tolist()[1] is pd.NA
    assert tubes["code"].tolist() == ["007", "012", "100"]  # codes, not numbers


def test_a_decimal_comma_is_judged_per_file_not_forced_on_other_columns(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "t.csv", "tube_id;lon;lat;count\n1;77.4;18.4;1,234\n2;77.41;18.41;2,5\n"
    )
    tubes = marsgeo.read_tubes(path)
    assert tubes["count"].tolist() == ["1,234", "2,5"]  # not 1.234: the file writes points
    commas = _write(tmp_path, "c.csv", "tube_id;lon;lat\n1;77,4;18,4\n2;77,41;18,41\n")
    back = marsgeo.read_tubes(commas)
    assert back.geometry.x.tolist() == [77.4, 77.41]
    assert back.geometry.y.tolist() == [18.4, 18.41]


def test_vector_coordinate_columns_must_agree_with_the_geometry(tmp_path: Path) -> None:
    def geojson(name: str, lon: float, lat: float) -> Path:
        doc = {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "IAU_2015:49900"}},
            "features": [
                {
                    "type": "Feature",
                    "properties": {"tube_id": 1, "lon": lon, "lat": lat},
                    "geometry": {"type": "Point", "coordinates": [77.4, 18.4]},
                }
            ],
        }
        return _write(tmp_path, name, json.dumps(doc))

    agree = marsgeo.read_tubes(geojson("agree.geojson", 77.4, 18.4))
    assert agree["lon"].tolist() == [77.4] and agree["lat"].tolist() == [18.4]
    with pytest.raises(
        CatalogueError, match=r"(?s)'lon'.*longitude 5.0.*'lat'.*latitude 6.0.*drop or rename"
    ):
        marsgeo.read_tubes(geojson("disagree.geojson", 5.0, 6.0))
    code, out, err = _run(["tubes", "--catalogue", str(tmp_path / "disagree.geojson")])
    assert code == 1 and "5.0" not in out and err.count("\n") == 1


def test_a_csv_geometry_column_is_refused_not_replaced(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", "tube_id,lon,lat,geometry\n1,77.4,18.4,POINT (0 0)\n")
    with pytest.raises(CatalogueError, match=r"'geometry'.*rename"):
        marsgeo.read_tubes(path)


def test_a_frame_with_several_index_levels_is_refused_naming_them() -> None:
    depot = marsgeo.load_depot()
    multi = depot.set_index([depot.index, depot["name"]])
    for call in (marsgeo.validate_tubes, marsgeo.depot_map):
        with pytest.raises(CatalogueError, match=r"2 levels \('tube_id', 'name'\)"):
            call(multi)


def test_a_header_without_rows_says_so(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", "tube_id,lon,lat\n")
    with pytest.raises(CatalogueError, match=r"no rows") as info:
        marsgeo.read_tubes(path)
    assert "non-numbers" not in str(info.value)


def test_every_column_type_survives_a_csv_round_trip(tmp_path: Path) -> None:
    frame = marsgeo.read_tubes(_catalogue_csv(tmp_path / "mine.csv")).iloc[:4].copy()
    frame["text"] = ["a", "", "c {{ 1 }}", "d,e"]
    frame["flag"] = pd.array([True, None, False, True], dtype="boolean")
    frame["count"] = pd.array([9007199254740993, None, -5, 0], dtype="Int64")
    frame["value"] = [0.1, math.nan, 1e-300, -2.5]
    frame["when"] = pd.to_datetime(
        [
            "2022-12-21T17:15:36.123456Z",
            "2022-12-22T00:00:00.000001Z",
            "2023-01-28T12:00:00Z",
            "2023-01-29T01:02:03.5Z",
        ],
        format="ISO8601",
    )
    back = marsgeo.read_tubes(marsgeo.export(frame, tmp_path / "out.csv"))
    assert back["text"].tolist() == frame["text"].tolist()
    assert back["flag"].tolist()[1] is pd.NA
    assert back["flag"].tolist()[::2] == [True, False]
    assert back["count"].tolist()[0] == 9007199254740993 and back["count"].tolist()[1] is pd.NA
    assert back["count"].tolist()[2:] == [-5, 0]
    assert np.array_equal(back["value"].to_numpy(), frame["value"].to_numpy(), equal_nan=True)
    assert back["when"].tolist() == frame["when"].tolist()
