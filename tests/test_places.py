"""PDS PLACES rover localizations: reading the tables, and the tube positions they give."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
from hypothesis import given
from hypothesis import strategies as st

import marsgeo
from marsgeo.errors import (
    CatalogueError,
    CoordinateError,
    DataFileError,
    InputError,
)
from marsgeo.places import (
    PLACES_COLUMNS,
    PLACES_TABLE_COLUMNS,
    read_places,
    tube_positions_from_places,
)

from .places_table import (
    COLUMNS,
    DROP_SOLS,
    M2020,
    M2020_PRODUCT,
    MSL,
    MSL_DATA_SET_ID,
    PUBLISHED_MSL_LINES,
    Row,
    cells,
    depot_rows,
    gale_rows,
    moved,
    ned_m,
    quaternion,
    with_times,
    write_places,
)
from .reference import LANDING, MARS_R, TUBE_LONLAT, TUBE_NAMES, haversine_m

GEOD = pyproj.Geod(a=MARS_R, b=MARS_R)
HEADER = ",".join(COLUMNS)
PIXELS = ["map_pixel_line", "map_pixel_sample", "dem_pixel_line", "dem_pixel_sample"]


@pytest.fixture
def m2020(tmp_path: Path) -> tuple[Path, list[Row], dict[int, Row]]:
    rows, parking = depot_rows()
    return write_places(tmp_path / "localized_interp.csv", rows), rows, parking


def _lonlat(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(gdf.geometry.x), np.asarray(gdf.geometry.y)


def _small_table(tmp_path: Path, header: str, *lines: str, name: str = "places.csv") -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join([header, *lines]) + "\r\n", encoding="utf-8")
    return path


def _nullable(values: list[int]) -> list[object]:
    """Counts as read: -1 is missing."""
    return [pd.NA if v == -1 else v for v in values]


def _as_list(series: pd.Series) -> list[object]:
    return [pd.NA if pd.isna(v) else int(v) for v in series]


# --- the helper's tables are shaped like the archive's -------------------------------------------


def test_the_helper_writes_the_published_rows() -> None:
    # the synthetic tables follow the archive's conventions: the published ROVER row of MSL
    # (Bradbury Landing, sol 0) written by the helper from its position and attitude alone
    published = dict(zip(COLUMNS, PUBLISHED_MSL_LINES[1].split(","), strict=True))
    lon, lat = MSL.landing
    row = Row("ROVER", 1, 0, 0, lon, lat, MSL.landing_elev, 0, 397502188, -2.414, -3.612, 112.722)
    written = cells(row, mission=MSL)
    quats = ["quat_s", "quat_v1", "quat_v2", "quat_v3"]
    for column in COLUMNS:
        if column in quats or column == "planetodetic_latitude":
            # the angles are published to 0.001 deg, so the quaternion agrees to about 1e-5
            tolerance = 1e-5 if column in quats else 2e-9
            assert float(written[column]) == pytest.approx(float(published[column]), abs=tolerance)
        else:
            assert written[column] == published[column], column
    assert math.hypot(*quaternion(-2.414, -3.612, 112.722)) == pytest.approx(1.0)


def test_the_table_columns_are_the_archive_s() -> None:
    assert PLACES_TABLE_COLUMNS == COLUMNS
    assert len(COLUMNS) == 26


# --- reading -------------------------------------------------------------------------------------


def test_published_rows_read_as_published(tmp_path: Path) -> None:
    path = _small_table(tmp_path, HEADER, *PUBLISHED_MSL_LINES, name="localized_interp.csv")
    places = read_places(path)
    assert places["frame"].tolist() == ["SITE", "ROVER"]
    # the SITE row's -1 and 0 are "none", not numbers
    assert _as_list(places["site"]) == [1, 1]
    assert _as_list(places["drive"]) == [pd.NA, 0]
    assert _as_list(places["pose"]) == [pd.NA, 0]
    assert _as_list(places["sol"]) == [pd.NA, 0]
    assert _as_list(places["sclk"]) == [pd.NA, 397502188]
    for column in ("site", "drive", "pose", "sol", "sclk"):
        assert places[column].dtype == "Int64"
    assert places.geometry.x.tolist() == [137.441632997] * 2
    assert places.geometry.y.tolist() == [-4.589466996] * 2
    assert places["elevation_m"].tolist() == [-4501.040] * 2
    assert places.loc[3, ["roll_deg", "pitch_deg", "yaw_deg"]].tolist() == [-2.414, -3.612, 112.722]
    assert places.loc[3, "quat_v3"] == 0.831578882
    # every column is there: the 26 of the table, read or kept
    assert len(places.columns) == 26 + 1
    assert set(PIXELS) <= set(places.columns)
    assert places.attrs["label"] is None
    assert places.attrs["label_notes"] == []


def test_reads_the_real_shape(m2020: tuple[Path, list[Row], dict]) -> None:
    path, rows, _ = m2020
    places = read_places(path)
    assert places.crs.to_authority() == ("IAU_2015", "49900")
    assert places.index.name == "line"
    assert places.index.tolist() == list(range(2, len(rows) + 2))  # line 1 is the header
    lon, lat = _lonlat(places)
    assert np.abs(lon - [r.lon for r in rows]).max() < 1e-9
    assert np.abs(lat - [r.lat for r in rows]).max() < 1e-9
    assert places["lon"].tolist() == pytest.approx(lon, abs=0)
    for col in ("sol", "site", "drive", "pose", "sclk"):
        assert places[col].dtype == "Int64"
    for col in ("sol", "site", "drive", "pose"):
        assert _as_list(places[col]) == _nullable([getattr(r, col) for r in rows])
    assert _as_list(places["sclk"]) == [r.sclk or pd.NA for r in rows]
    assert places["frame"].tolist() == [r.frame for r in rows]
    site = places["frame"] == "SITE"
    assert site.sum() == 2  # sites 41 and 42
    assert places.loc[site, ["sol", "drive", "pose", "sclk"]].isna().all().all()
    # every drive has a pose -1 summary row
    summaries = places[(places["frame"] == "ROVER") & places["pose"].isna()]
    assert len(summaries) == 20
    # written to the millimetre, as the archive writes them
    assert places["elevation_m"].to_numpy() == pytest.approx([r.elev for r in rows], abs=5e-4)
    # columns beyond those read are kept, as numbers
    for column in ("planetodetic_latitude", "northing", "easting", "quat_s", *PIXELS):
        assert places[column].dtype == np.float64


def test_sclk_increases_with_sols(m2020: tuple[Path, list[Row], dict]) -> None:
    places = read_places(m2020[0])
    rover = places[places["sclk"].notna()].sort_values(["sol", "sclk"])
    assert rover["sclk"].is_monotonic_increasing
    # a sol is 88 775.244 s of spacecraft clock, whole seconds
    by_sol = rover.groupby("sol")["sclk"].min()
    assert (by_sol.diff().dropna() > 88_775 * 0.5).all()


def test_landing_relative_x_is_north_and_y_east(m2020: tuple[Path, list[Row], dict]) -> None:
    places = read_places(m2020[0])
    lon, lat = _lonlat(places)
    x, y = places["x_north_m"].to_numpy(), places["y_east_m"].to_numpy()
    # the horizontal distance in the tangent plane is the great-circle distance from the
    # landing site (to a few cm over 2.5 km: curvature and the 25 m climb)
    ground = haversine_m(LANDING[0], LANDING[1], lon, lat)
    assert np.abs(np.hypot(x, y) - ground).max() < 0.05
    # and the bearing is the geodesic azimuth: the depot lies about 2.45 km WNW of the
    # landing site, at about 281 degrees (published)
    az, _, dist = GEOD.inv(np.full_like(lon, LANDING[0]), np.full_like(lat, LANDING[1]), lon, lat)
    bearing = np.degrees(np.arctan2(y, x)) % 360
    assert np.abs(bearing - az % 360).max() < 0.01
    assert 2400 < dist.mean() < 2500
    assert abs(bearing.mean() - 281) < 1.5
    # Z points down: the depot is about 25 m above the landing site
    assert places["z_m"].mean() == pytest.approx(-(-2545.3 + 2569.9), abs=1.0)


def test_provenance_from_a_pds4_label(m2020: tuple[Path, list[Row], dict]) -> None:
    path = m2020[0]
    places = read_places(path)
    assert places.attrs["source"] == str(path)
    assert places.attrs["label"] == str(path.with_suffix(".xml"))
    assert places.attrs["product_id"] == M2020_PRODUCT
    assert places.attrs["product_version"] == "1.0"
    assert "Mars 2020" in places.attrs["title"]
    assert places.attrs["columns"]["lat"] == "planetocentric_latitude"
    assert places.attrs["columns"]["sclk"] == "sclk"
    assert places.attrs["units"]["planetocentric_latitude"] == "deg"
    assert places.attrs["units"]["landing_x"] == "m"
    assert "sclk" not in places.attrs["units"]
    assert places.attrs["label_notes"] == []
    assert places.attrs["skipped_lines"] == []


def test_a_pds3_label_of_msl_s_shape(tmp_path: Path) -> None:
    rows = gale_rows()
    path = write_places(tmp_path / "localized_interp.csv", rows, mission=MSL, label="pds3")
    label = path.with_suffix(".lbl")
    text = label.read_text(encoding="ascii")
    assert "FIELDS = 22" in text
    assert text.count("  OBJECT = FIELD\n") == 22
    places = read_places(path)
    assert places.attrs["label"] == str(label)
    assert places.attrs["product_id"] == f"{MSL_DATA_SET_ID}:localized_interp.csv"
    assert places.attrs["product_version"] == "1.0"
    units = places.attrs["units"]
    assert units["landing_x"] == "m"  # UNIT = "METER"
    assert units["planetocentric_latitude"] == "deg"  # UNIT = "DEGREE"
    assert units["yaw"] == "deg"
    assert not set(PIXELS) & set(units)
    # the header wins: 26 columns read, the 4 the label does not list are said
    assert set(PIXELS) <= set(places.columns)
    (note,) = places.attrs["label_notes"]
    assert "22 fields for the header's 26 columns" in note
    assert "'map_pixel_line'" in note
    lon, lat = _lonlat(places)
    assert lon == pytest.approx([r.lon for r in rows], abs=1e-9)
    assert lat == pytest.approx([r.lat for r in rows], abs=1e-9)
    assert places.geometry.y.iloc[1] == -4.589466996  # the published landing row
    # X north and Y east of Bradbury Landing, as written: 30 m north and 10 m east per sol
    last = places[places["pose"].notna() & (places["sol"] == 5)].iloc[-1]
    assert (last["x_north_m"], last["y_east_m"]) == pytest.approx((150.0, 50.0), abs=0.01)


def test_pds3_label_that_is_older_than_its_table(tmp_path: Path) -> None:
    rows = gale_rows()
    path = write_places(
        tmp_path / "localized_interp.csv",
        rows,
        mission=MSL,
        label="pds3",
        listed=list(COLUMNS),  # 26 FIELD objects, but FIELDS = 22
        count=22,
        units={"roll": "rad"},
    )
    label = path.with_suffix(".lbl")
    text = label.read_text(encoding="ascii")
    assert text.count("  OBJECT = FIELD\n") == 26
    # a count that is not the header's alone is said, not refused
    places = read_places(path)
    assert set(PIXELS) <= set(places.columns)
    assert places.attrs["label_notes"] == ["the label lists 22 fields for the header's 26 columns"]
    # rows counted for another version of the table, a field named as the header no longer
    # names it: the table is read, the units of the fields that fit are applied
    stale = text.replace(f"ROWS = {len(rows)}", "ROWS = 41632").replace('"ELEVATION"', '"ELEV"')
    label.write_text(stale, encoding="ascii")
    places = read_places(path)
    notes = " / ".join(places.attrs["label_notes"])
    assert "label fields 'ELEV' are no column of the header" in notes
    assert f"counts 41632 rows, the table has {len(rows)}" in notes
    assert "elevation" not in places.attrs["units"]
    assert places["elevation_m"].iloc[0] == MSL.landing_elev
    # the fields that fit keep their units: roll in radians (UNIT = "RADIAN") is converted
    assert places.attrs["units"]["roll"] == "rad"
    assert places["roll_deg"].iloc[1] == pytest.approx(math.degrees(-2.414))


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ('UNIT = "METER"', 'UNIT = "FURLONG"', "unit 'FURLONG'"),
        ('^SPREADSHEET = ("localized_interp.csv"', '^SPREADSHEET = ("best.csv"', "'best.csv'"),
        ("PDS_VERSION_ID = PDS3", "PDS_VERSION_ID = PDS4", "PDS_VERSION_ID = PDS3"),
        ("OBJECT = SPREADSHEET", "OBJECT = IMAGE", "OBJECT = SPREADSHEET or TABLE"),
        ('DATA_SET_ID = "', "DATA_SET_ID = ", "cannot be read as a PDS3 label"),
        ("FIELDS = 22", "FIELDS = (22", "never closed"),
    ],
)
def test_bad_pds3_labels(tmp_path: Path, old: str, new: str, match: str) -> None:
    path = write_places(tmp_path / "localized_interp.csv", gale_rows(), mission=MSL, label="pds3")
    label = path.with_suffix(".lbl")
    text = label.read_text(encoding="ascii")
    assert old in text
    label.write_text(text.replace(old, new, 1), encoding="ascii")
    with pytest.raises(DataFileError, match=match):
        read_places(path)


@given(data=st.data())
def test_damaged_pds3_labels_read_or_raise_a_data_file_error(data: st.DataObject) -> None:
    # any cut, any inserted text: the table is read (what does not fit is noted), or the
    # label is refused with a DataFileError; never another exception
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "localized_interp.csv"
        rows = gale_rows()[:3]
        write_places(path, rows, mission=MSL, label="pds3")
        label = path.with_suffix(".lbl")
        text = label.read_text(encoding="ascii")
        start = data.draw(st.integers(0, len(text)), label="start")
        end = data.draw(st.integers(start, min(len(text), start + 200)), label="end")
        alphabet = st.sampled_from(list("=(){},\"'<>/*\n OBJECTEND_9-.^"))
        insert = data.draw(st.text(alphabet, max_size=20), label="insert")
        label.write_text(text[:start] + insert + text[end:], encoding="utf-8")
        try:
            places = read_places(path)
        except (CoordinateError, DataFileError):  # a coordinate error: a unit cut short
            return
        assert len(places) == len(rows)


def test_reads_without_its_label(tmp_path: Path) -> None:
    rows, _ = depot_rows()
    with_label = read_places(write_places(tmp_path / "a.csv", rows))
    alone = read_places(write_places(tmp_path / "b.csv", rows, label=None))
    assert not (tmp_path / "b.xml").exists()
    assert alone.attrs["product_id"] is None
    assert alone.attrs["label"] is None
    pd.testing.assert_frame_equal(
        alone.drop(columns="geometry"), with_label.drop(columns="geometry")
    )


def test_a_pds4_label_may_list_fewer_fields(tmp_path: Path) -> None:
    rows, _ = depot_rows()
    listed = [c for c in COLUMNS if c not in PIXELS]
    places = read_places(write_places(tmp_path / "t.csv", rows, listed=listed))
    assert set(PIXELS) <= set(places.columns)
    assert places.attrs["units"]["elevation"] == "m"
    assert "22 fields for the header's 26 columns" in places.attrs["label_notes"][0]


def test_headerless_table_takes_its_names_from_the_label(tmp_path: Path) -> None:
    rows, _ = depot_rows()
    path = write_places(tmp_path / "localized_interp.csv", rows, header=False)
    assert "<Header>" not in path.with_suffix(".xml").read_text(encoding="utf-8")
    places = read_places(path)
    assert places.index.tolist() == list(range(1, len(rows) + 1))
    assert _as_list(places["drive"]) == _nullable([r.drive for r in rows])
    assert np.abs(_lonlat(places)[1] - [r.lat for r in rows]).max() < 1e-9
    # a PDS3 label that lists fewer fields cannot name a headerless table's columns
    msl = write_places(tmp_path / "m.csv", gale_rows(), mission=MSL, label="pds3", header=False)
    with pytest.raises(DataFileError, match="do not have the 22 fields its label"):
        read_places(msl)


@pytest.mark.parametrize("lon_360", [False, True])
def test_longitudes_0_360_and_180_read_alike(tmp_path: Path, lon_360: bool) -> None:
    # Opportunity at Eagle crater, 354.4734 E = -5.5266 E: the two conventions differ there
    lon_e, lat = -5.5266, -1.9462
    eagle = replace(MSL, landing=(lon_e, lat), landing_elev=-1400.0)
    rows = [
        Row("ROVER", 1, 0, 0, lon_e, lat, -1400.0, 1, 100),
        Row("ROVER", 1, 2, 0, lon_e + 0.001, lat, -1400.0, 2, 200),
    ]
    path = write_places(tmp_path / "eagle.csv", rows, lon_360=lon_360, mission=eagle)
    written = path.read_text(encoding="utf-8").splitlines()[1]
    assert ("354.47" in written) is lon_360
    places = read_places(path)
    lon, got_lat = _lonlat(places)
    assert lon == pytest.approx([lon_e, lon_e + 0.001], abs=1e-9)
    assert got_lat == pytest.approx([lat, lat], abs=1e-9)
    assert places["lon"].between(-180, 180).all()


def test_longitudes_written_minus_360_are_wrapped(tmp_path: Path) -> None:
    path = _small_table(
        tmp_path, "sol,planetocentric_latitude,longitude", "653,18.45263041,-282.59224679"
    )
    places = read_places(path)
    assert places.geometry.x.iloc[0] == pytest.approx(360 - 282.59224679, abs=1e-9)


_VALUES = {"text": "ROVER", "count": "7", "clock": "397502188", "length": "12.5", "angle": "3.25"}
_KIND = {
    "frame": "text",
    "sol": "count",
    "sclk": "clock",
    "site": "count",
    "drive": "count",
    "pose": "count",
    "x_north_m": "length",
    "y_east_m": "length",
    "z_m": "length",
    "elevation_m": "length",
    "roll_deg": "angle",
    "pitch_deg": "angle",
    "yaw_deg": "angle",
}
_VARIANTS = [(out, name) for out, names in PLACES_COLUMNS.items() for name in names]


@pytest.mark.parametrize(("out", "name"), _VARIANTS)
def test_every_accepted_column_name(tmp_path: Path, out: str, name: str) -> None:
    lat, lon = "18.45263041", "77.40775321"
    if out == "lat":
        path = _small_table(tmp_path, f"{name.upper()},longitude", f"{lat},{lon}")
    elif out == "lon":
        path = _small_table(tmp_path, f"planetocentric_latitude,{name.title()}", f"{lat},{lon}")
    elif out == "utc":
        header = f"{name},planetocentric_latitude,longitude"
        path = _small_table(tmp_path, header, f"2022-12-21T17:15:36Z,{lat},{lon}")
    else:
        value = _VALUES[_KIND[out]]
        path = _small_table(
            tmp_path, f"{name},planetocentric_latitude,longitude", f"{value},{lat},{lon}"
        )
    places = read_places(path)
    assert places.geometry.x.iloc[0] == pytest.approx(77.40775321, abs=1e-12)
    assert places.geometry.y.iloc[0] == pytest.approx(18.45263041, abs=1e-12)
    got = places[out].iloc[0]
    if out == "utc":
        assert got == pd.Timestamp("2022-12-21T17:15:36", tz="UTC")
    elif out in _KIND:
        assert str(got) == _VALUES[_KIND[out]] or float(got) == float(_VALUES[_KIND[out]])


def test_names_match_whatever_their_case_and_spacing(tmp_path: Path) -> None:
    path = _small_table(
        tmp_path,
        "Frame , Planetocentric Latitude,LONGITUDE,Landing X,SCLK",
        "ROVER,-4.5,137.4,3.5,397502188",
    )
    places = read_places(path)
    assert places["frame"].tolist() == ["ROVER"]
    assert places["x_north_m"].tolist() == [3.5]
    assert places["sclk"].tolist() == [397502188]
    assert places.geometry.y.tolist() == [-4.5]


def test_none_values_and_counts_that_are_refused(tmp_path: Path) -> None:
    header = "frame,site,drive,pose,planetocentric_latitude,longitude,sclk,sol"
    path = _small_table(
        tmp_path,
        header,
        "SITE,-1,-1,-1,18.4,77.4,0,-1",
        "ROVER,3,-1,7,18.4,77.4,397502188.75,0",
    )
    places = read_places(path)
    for column in ("site", "drive", "pose", "sol"):
        assert places[column].iloc[0] is pd.NA
    assert places["sclk"].tolist() == [pd.NA, 397502188]  # whole seconds: the fraction dropped
    assert places["pose"].iloc[1] == 7
    bad = _small_table(
        tmp_path, header, "ROVER,1,-2,0,18.4,77.4,-5,1", "ROVER,1,2,0.5,18.4,77.4,9,-7", name="b"
    )
    with pytest.raises(DataFileError) as info:
        read_places(bad)
    text = str(info.value)
    assert "column 'drive' lines 2 hold '-2'; write whole numbers >= 0, or -1 for none" in text
    assert "column 'pose' lines 3 hold '0.5'" in text
    assert "column 'sol' lines 3 hold '-7'" in text
    assert "column 'sclk' lines 2 hold '-5'; write whole seconds of the spacecraft clock" in text


def test_pds_day_of_year_times(tmp_path: Path) -> None:
    # 2022-355 is 2022-12-21
    path = _small_table(
        tmp_path, "scet_utc,latitude,longitude", "2022-355T17:15:36.5,18.4,77.4", ",18.4,77.4"
    )
    places = read_places(path)
    assert places["utc"].iloc[0] == pd.Timestamp("2022-12-21T17:15:36.5", tz="UTC")
    assert pd.isna(places["utc"].iloc[1])


def test_label_units_are_applied(tmp_path: Path) -> None:
    rows = [Row("ROVER", 1, 0, 0, 77.4, 18.45, -2545.0, 1, 100, roll=1.25)]
    path = write_places(tmp_path / "t.csv", rows, units={"elevation": "km", "roll": "rad"})
    places = read_places(path)
    assert places["elevation_m"].iloc[0] == pytest.approx(-2545.0 * 1000)
    assert places["roll_deg"].iloc[0] == pytest.approx(math.degrees(1.25))
    assert places.attrs["units"]["elevation"] == "km"
    msl = write_places(tmp_path / "m.csv", rows, label="pds3", units={"elevation": "km"})
    assert 'UNIT = "KILOMETER"' in msl.with_suffix(".lbl").read_text(encoding="ascii")
    assert read_places(msl)["elevation_m"].iloc[0] == pytest.approx(-2545.0 * 1000)


def test_frame_selects_rows(m2020: tuple[Path, list[Row], dict]) -> None:
    path, rows, _ = m2020
    assert len(read_places(path)) == len(rows)
    rover = read_places(path, frame="rover")
    assert len(rover) == len(rows) - 2
    assert set(rover["frame"]) == {"ROVER"}
    assert set(read_places(path, frame="SITE")["site"]) == {41, 42}
    with pytest.raises(InputError, match=r"frame='ORBITAL'.*'ROVER', 'SITE'"):
        read_places(path, frame="ORBITAL")
    with pytest.raises(InputError, match="frame=5"):
        read_places(path, frame=5)


def test_rows_without_a_position_are_skipped_and_listed(tmp_path: Path) -> None:
    path = _small_table(
        tmp_path,
        "sol,site,drive,pose,planetocentric_latitude,longitude",
        "1,1,0,0,18.4,77.4",
        "1,1,2,0,,",
        "2,1,4,0,NaN,NaN",
        "2,1,6,0,18.5,77.5",
    )
    places = read_places(path)
    assert places.index.tolist() == [2, 5]
    assert places.attrs["skipped_lines"] == [3, 4]
    assert places["drive"].tolist() == [0, 6]


# --- hostile input -------------------------------------------------------------------------------


def test_missing_position_columns(tmp_path: Path) -> None:
    path = _small_table(tmp_path, "frame,sol,site,drive,pose,elevation", "ROVER,1,1,0,0,-2545")
    with pytest.raises(DataFileError, match=r"places\.csv.*no latitude and longitude.*'frame'"):
        read_places(path)
    only_ographic = _small_table(
        tmp_path, "planetodetic_latitude,longitude", "18.6,77.4", name="g.csv"
    )
    with pytest.raises(DataFileError, match="ographic_to_ocentric_lat"):
        read_places(only_ographic)


def test_non_numeric_cells_name_the_line_and_column(tmp_path: Path) -> None:
    path = _small_table(
        tmp_path,
        "sol,site,drive,pose,planetocentric_latitude,longitude",
        "1,1,0,0,18.4,77.4",
        "1,1,2,0,north,77.4",
        "1.5,1,4,0,18.4,77.4",
    )
    with pytest.raises(DataFileError) as info:
        read_places(path)
    text = str(info.value)
    assert "column 'planetocentric_latitude' lines 3 hold 'north'" in text
    assert "column 'sol' lines 4 hold '1.5'" in text
    assert "places.csv" in text


def test_latitude_95_names_the_line(tmp_path: Path) -> None:
    path = _small_table(
        tmp_path, "sol,planetocentric_latitude,longitude", "1,18.4,77.4", "2,95,77.4"
    )
    with pytest.raises(CoordinateError, match=r"rows 3 have latitude 95\.0 outside -90\.\.90"):
        read_places(path)
    far = _small_table(tmp_path, "latitude,longitude", "18.4,400", name="far.csv")
    with pytest.raises(CoordinateError, match=r"longitude 400\.0 outside -360\.\.360"):
        read_places(far)


def test_half_a_position_is_an_error(tmp_path: Path) -> None:
    path = _small_table(tmp_path, "latitude,longitude", "18.4,77.4", "18.4,")
    with pytest.raises(DataFileError, match="lines 3 have a latitude or a longitude but not both"):
        read_places(path)


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "localized_interp.csv"
    path.write_bytes(content)
    with pytest.raises(DataFileError, match="is empty"):
        read_places(path)


def test_header_only_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no localization"):
        read_places(_small_table(tmp_path, "sol,latitude,longitude"))
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff")
    with pytest.raises(DataFileError, match=r"b\.csv"):
        read_places(binary)
    with pytest.raises(DataFileError, match="does not exist"):
        read_places(tmp_path / "missing.csv")


def test_ragged_line(tmp_path: Path) -> None:
    path = _small_table(tmp_path, "sol,latitude,longitude", "1,18.4,77.4", "2,18.4")
    with pytest.raises(DataFileError, match="lines 3"):
        read_places(path)


def test_template_and_script_text_is_kept_as_data(tmp_path: Path) -> None:
    hostile = ["{{ config.items() }}", "<script>alert('x')</script>", "{% raw %}", 'a,b "q"']
    rows = [Row(t, 1, k, 0, 77.4, 18.45, -2545.0, 1, 100, note=t) for k, t in enumerate(hostile)]
    places = read_places(write_places(tmp_path / "t.csv", rows, columns=(*COLUMNS, "note")))
    assert places["note"].tolist() == hostile
    assert places["frame"].tolist() == [t.strip() for t in hostile]


def test_pds4_label_that_does_not_fit_the_table(tmp_path: Path) -> None:
    rows, _ = depot_rows()
    path = write_places(tmp_path / "localized_interp.csv", rows)
    label = path.with_suffix(".xml")
    xml = label.read_text(encoding="utf-8")
    # cut short: the label counts more records than the table holds
    path.write_bytes(b"\r\n".join(path.read_bytes().split(b"\r\n")[:-3]) + b"\r\n")
    with pytest.raises(DataFileError, match=rf"has {len(rows) - 2} rows, but .* says {len(rows)}"):
        read_places(path)
    write_places(path, rows)
    label.write_text(xml.replace("<name>elevation</name>", "<name>altitude</name>"), "utf-8")
    with pytest.raises(DataFileError, match=r"the label's fields 'altitude' are not in the table"):
        read_places(path)
    label.write_text(xml.replace("localized_interp.csv<", "best_interp.csv<"), "utf-8")
    with pytest.raises(DataFileError, match=r"describes the file 'best_interp\.csv'"):
        read_places(path)
    label.write_text(xml.replace("<unit>m</unit>", "<unit>furlong</unit>", 1), "utf-8")
    with pytest.raises(DataFileError, match="unit 'furlong'"):
        read_places(path)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("<Product_Ancillary><unclosed>", "not well-formed XML"),
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "DOCTYPE"),
        ("<html><body>not a label</body></html>", "not a PDS4 product label"),
        ("<Product_Ancillary><Table_Character/></Product_Ancillary>", "no Table_Delimited"),
    ],
)
def test_bad_pds4_labels(tmp_path: Path, text: str, match: str) -> None:
    path = _small_table(tmp_path, "latitude,longitude", "18.4,77.4")
    path.with_suffix(".xml").write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=match):
        read_places(path)


# --- tube positions ------------------------------------------------------------------------------


def _check_reproduces(found: gpd.GeoDataFrame, parking: dict[int, Row]) -> None:
    depot = marsgeo.load_depot()
    assert found.index.equals(depot.index)
    assert found.crs.to_authority() == ("IAU_2015", "49900")
    lon, lat = _lonlat(found)
    _, _, d = GEOD.inv(lon, lat, depot.geometry.x.to_numpy(), depot.geometry.y.to_numpy())
    assert d.max() < 0.01
    # the reference positions, typed independently of the shipped catalogue
    ref_lon, ref_lat = np.array(TUBE_LONLAT).T
    assert GEOD.inv(lon, lat, ref_lon, ref_lat)[2].max() < 0.01
    assert (found["distance_m"] < 0.01).all()
    got = found[["sol", "site", "drive", "pose", "sclk"]].astype(int).to_numpy().tolist()
    assert got == [[p.sol, p.site, p.drive, p.pose, p.sclk] for p in parking.values()]
    assert set(found["frame"]) == {"ROVER"}


def test_tube_positions_reproduce_the_catalogue(m2020: tuple[Path, list[Row], dict]) -> None:
    path, _, parking = m2020
    found = tube_positions_from_places(read_places(path))
    _check_reproduces(found, parking)
    assert found["name"].tolist() == TUBE_NAMES
    assert found["dropped_sol"].tolist() == DROP_SOLS
    assert found["elev_m"].to_numpy() == pytest.approx(marsgeo.load_depot()["elev_m"], abs=1e-6)
    assert found["sclk"].dtype == "Int64"
    assert found.attrs["product_id"] == M2020_PRODUCT
    assert "drop sol" in found.attrs["rule"]
    # the same from the path, and from the ROVER rows alone
    assert tube_positions_from_places(path)["line"].tolist() == found["line"].tolist()
    rover = read_places(path, frame="ROVER")
    assert tube_positions_from_places(rover)["line"].tolist() == found["line"].tolist()


def test_rule_follows_the_motion_counter_not_file_order(tmp_path: Path) -> None:
    rows, parking = depot_rows()
    shuffled = [rows[k] for k in np.random.default_rng(7).permutation(len(rows))]
    found = tube_positions_from_places(read_places(write_places(tmp_path / "s.csv", shuffled)))
    _check_reproduces(found, parking)


def test_site_rows_are_never_a_parking_spot(tmp_path: Path) -> None:
    # a table whose SITE rows carry sols: on Montdenier's sol the SITE row of site 42 is the
    # last row of the sol in motion order, 8 m from the tube, and is still not taken
    rows, parking = depot_rows()
    site_42 = next(k for k, r in enumerate(rows) if r.frame == "SITE" and r.site == 42)
    dated = replace(rows[site_42], sol=672, drive=99, pose=0, sclk=rows[site_42 + 1].sclk + 10**6)
    rows[site_42] = dated
    found = tube_positions_from_places(read_places(write_places(tmp_path / "t.csv", rows)))
    _check_reproduces(found, parking)
    with pytest.raises(InputError, match=r"no ROVER-frame row.*'SITE'"):
        tube_positions_from_places(read_places(tmp_path / "t.csv", frame="SITE"))


def test_a_summary_row_counts_only_for_a_drive_without_poses(tmp_path: Path) -> None:
    rows, parking = depot_rows()
    # Malay's drive: keep its summary row (pose -1, the mean of the poses) and drop its poses
    park = parking[1]
    alone = [r for r in rows if (r.site, r.drive) != (park.site, park.drive) or r.pose == -1]
    found = tube_positions_from_places(read_places(write_places(tmp_path / "a.csv", alone)))
    summary = next(r for r in rows if (r.site, r.drive, r.pose) == (park.site, park.drive, -1))
    assert pd.isna(found.loc[1, "pose"])
    assert found.loc[1, "distance_m"] == pytest.approx(
        haversine_m(park.lon, park.lat, summary.lon, summary.lat), abs=1e-3
    )
    assert found.loc[1, "distance_m"] > 1.0
    # with its poses, a drive's summary row is not used, even where it is the only row of the
    # drive a time keeps: the rover drives on 4 m after the drop; that drive's poses are timed
    # after the drop, its summary row has no time
    depot = marsgeo.load_depot()
    drop = depot.loc[1, "dropped_utc"]
    after = [
        Row("ROVER", park.site, park.drive + 1, pose, *moved(park.lon, park.lat, 4, 0), park.elev)
        for pose in (0, -1)
    ]
    after = [
        replace(after[0], sol=653, sclk=1, utc=(drop + pd.Timedelta(minutes=40)).isoformat()),
        replace(after[1], sol=653, sclk=1),
    ]
    timed = write_places(tmp_path / "t.csv", [*rows, *after], columns=(*COLUMNS, "utc"))
    found = tube_positions_from_places(read_places(timed))
    _check_reproduces(found, parking)


def test_the_clock_orders_repeated_counters(tmp_path: Path) -> None:
    # the same pose localized twice: the later clock is the later position, whatever the order
    rows, parking = depot_rows()
    park = parking[3]
    earlier = replace(park, sclk=park.sclk - 60, lon=moved(park.lon, park.lat, 2, 2)[0])
    k = rows.index(park)
    rows = [*rows[: k + 1], earlier, *rows[k + 1 :]]
    found = tube_positions_from_places(read_places(write_places(tmp_path / "t.csv", rows)))
    _check_reproduces(found, parking)


def test_positions_after_the_drop_time_are_left_out(tmp_path: Path) -> None:
    rows, parking = depot_rows()
    depot = marsgeo.load_depot()
    times, extra = {}, []
    for tube_id, park in parking.items():
        drop = depot.loc[tube_id, "dropped_utc"]
        times[rows.index(park)] = (drop - pd.Timedelta(minutes=20)).isoformat()
        # the rover drives on after the drop, 4 m further, the same sol
        later = Row(
            "ROVER",
            park.site,
            park.drive + 1,
            0,
            *moved(park.lon, park.lat, 4, 0),
            park.elev,
            park.sol,
            park.sclk + 3600,
            utc=(drop + pd.Timedelta(minutes=40)).isoformat(),
        )
        extra.append(later)
    timed = [*with_times(rows, times), *extra]
    found = tube_positions_from_places(
        read_places(write_places(tmp_path / "t.csv", timed, columns=(*COLUMNS, "utc")))
    )
    _check_reproduces(found, parking)
    # without times (as PLACES tables are: sclk only), the last position of the sol is taken:
    # the one after the drop
    untimed = tube_positions_from_places(read_places(write_places(tmp_path / "u.csv", timed)))
    assert untimed["distance_m"].to_numpy() == pytest.approx(4.0, abs=0.01)


def test_table_without_sols_uses_times(tmp_path: Path) -> None:
    rows, parking = depot_rows()
    epoch = pd.Timestamp("2000-01-01T11:58:55.816", tz="UTC")
    timed = [
        replace(r, utc=(epoch + pd.Timedelta(seconds=r.sclk)).isoformat()) if r.sclk else r
        for r in rows
    ]
    columns = tuple(c for c in (*COLUMNS, "utc") if c != "sol")
    places = read_places(write_places(tmp_path / "t.csv", timed, columns=columns))
    assert "sol" not in places.columns
    found = tube_positions_from_places(places)
    lon, lat = _lonlat(found)
    ref_lon, ref_lat = np.array(TUBE_LONLAT).T
    assert GEOD.inv(lon, lat, ref_lon, ref_lat)[2].max() < 0.01
    got = found[["site", "drive", "pose"]].astype(int).to_numpy().tolist()
    assert got == [[p.site, p.drive, p.pose] for p in parking.values()]


def test_a_drop_sol_without_localization_names_tube_and_sol(tmp_path: Path) -> None:
    rows, _ = depot_rows()
    kept = [r for r in rows if r.sol not in (672, 690)]
    places = read_places(write_places(tmp_path / "t.csv", kept))
    with pytest.raises(InputError) as info:
        tube_positions_from_places(places)
    text = str(info.value)
    assert "tube 6 (Montdenier): sol 672" in text
    assert "tube 10 (Amalik Witness): sol 690" in text
    assert "tube 5" not in text


def test_user_catalogues(m2020: tuple[Path, list[Row], dict]) -> None:
    places = read_places(m2020[0])
    tubes = marsgeo.load_depot().loc[[3, 9]]
    found = tube_positions_from_places(places, tubes=tubes)
    assert found.index.tolist() == [3, 9]
    assert (found["distance_m"] < 0.01).all()
    with pytest.raises(CatalogueError, match="no 'dropped_sol' column"):
        tube_positions_from_places(places, tubes=tubes.drop(columns="dropped_sol"))


def test_places_without_sols_or_times(m2020: tuple[Path, list[Row], dict]) -> None:
    places = read_places(m2020[0]).drop(columns="sol")
    with pytest.raises(InputError, match="neither a 'sol' nor a 'utc' column"):
        tube_positions_from_places(places)
    with pytest.raises(InputError, match="GeoDataFrame"):
        tube_positions_from_places(places.to_numpy())


def test_x_y_of_the_helper_are_a_tangent_plane() -> None:
    # the helper's frame itself: 100 m due north of the landing site is X = 100, Y = 0
    lon, lat = moved(*LANDING, 100.0, 0.0)
    x, y, z = ned_m(lon, lat, M2020.landing_elev)
    assert (x, y) == pytest.approx((100.0, 0.0), abs=1e-6)
    assert z == pytest.approx(100.0**2 / (2 * MARS_R), abs=1e-6)  # the ground falls away
