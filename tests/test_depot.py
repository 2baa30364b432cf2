from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

import marsgeo
from marsgeo import crs as mcrs
from marsgeo.errors import CatalogueError, CoordinateError, CRSError, DataFileError, InputError

from .reference import LANDING, TUBE_NAMES

# (designation, collected sol, dropped sol) per drop order, typed from the reference table
REFERENCE_SOLS = [
    ("M2020-00337-08", 337, 653),
    ("M2020-00579-17", 579, 655),
    ("M2020-00639-21", 639, 661),
    ("M2020-00164-02", 164, 666),
    ("M2020-00271-06", 271, 668),
    ("M2020-00190-03", 190, 672),
    ("M2020-00516-15", 516, 675),
    ("M2020-00495-12", 495, 680),
    ("M2020-00374-10", 374, 682),
    ("M2020-00586-18", 586, 690),
]


def test_ten_tubes_in_drop_order(depot: gpd.GeoDataFrame) -> None:
    assert depot.index.name == "tube_id"
    assert depot.index.tolist() == list(range(1, 11))
    assert depot["name"].tolist() == TUBE_NAMES
    assert depot.crs.to_authority() == ("IAU_2015", "49900")
    got = list(zip(depot["designation"], depot["collected_sol"], depot["dropped_sol"], strict=True))
    assert got == REFERENCE_SOLS
    # drops between sol 653 (2022-12-21) and sol 690 (2023-01-28), strictly in order
    assert depot["dropped_sol"].is_monotonic_increasing
    assert depot["dropped_utc"].is_monotonic_increasing
    assert depot["dropped_date"].iloc[0] == "2022-12-21"
    assert depot["dropped_date"].iloc[-1] == "2023-01-28"


def test_designation_encodes_the_collection_sol(depot: gpd.GeoDataFrame) -> None:
    sol_in_name = depot["designation"].str.slice(6, 11).astype(int)
    assert (sol_in_name == depot["collected_sol"]).all()


def test_sample_mix_matches_nasa(depot: gpd.GeoDataFrame) -> None:
    # 7 rock cores (igneous and sedimentary), 1 regolith, 1 atmospheric, 1 witness
    counts = depot["sample_type"].value_counts()
    assert counts["igneous"] + counts["sedimentary"] == 7
    assert (counts["regolith"], counts["atmospheric"], counts["witness"]) == (1, 1, 1)
    assert depot.loc[4, "name"] == "Roubion" and depot.loc[4, "sample_type"] == "atmospheric"


def test_column_types(depot: gpd.GeoDataFrame) -> None:
    assert str(depot["sample_number"].dtype) == "Int64"
    assert depot["sample_number"].isna().tolist() == [False] * 9 + [True]
    assert depot["dropped_sol"].dtype == np.int64
    assert isinstance(depot["dropped_utc"].dtype, pd.DatetimeTZDtype)
    assert str(depot["dropped_utc"].dt.tz) == "UTC"
    assert depot["elev_m"].between(-2546, -2545).all()


def test_provenance_is_kept(depot: gpd.GeoDataFrame) -> None:
    conf_cols = [c for c in depot.columns if c.endswith("_confidence")]
    assert len(conf_cols) >= 6
    for col in conf_cols:
        assert depot[col].isin(["confirmed", "approximate", "inferred"]).all(), col
    # positions are inferred from the rover's parking spots, never presented as confirmed
    assert (depot["position_confidence"] == "inferred").all()
    assert depot["position_uncertainty_m"].between(1.0, 2.0).all()
    # confirmed vs computed dates as the reference marks them
    assert depot.loc[[1, 6, 10], "dropped_date_confidence"].eq("confirmed").all()
    assert depot.loc[[2, 3, 4, 5, 7, 8, 9], "dropped_date_confidence"].eq("inferred").all()
    assert depot.loc[2, "twin_confidence"] == "inferred"
    keys = set(marsgeo.sources())
    for cell in pd.concat([depot["facts_source"], depot["position_source"]]):
        for key in cell.split(";"):
            assert key.strip() in keys


# Earth dates the reference marks (c), computed with Mars24: tube -> sol
COMPUTED_COLLECTED = {2: 579, 5: 271, 8: 495, 9: 374}
COMPUTED_DROPPED = {2: 655, 3: 661, 4: 666, 5: 668, 7: 675, 8: 680, 9: 682}


def test_date_labels_follow_the_reference_corrections(depot: gpd.GeoDataFrame) -> None:
    # Amalik Witness: 2022-10-14 does not fit sol 586 (13 October in UTC and US Pacific time)
    assert depot.loc[10, "collected_date"] == "2022-10-14"
    assert depot.loc[10, "collected_date_confidence"] == "approximate"
    why = depot.loc[10, "collected_date_method"]
    assert "sol 586" in why and "2022-10-13" in why and "US Pacific" in why
    # Crosswind Lake: a UTC conversion of the published US date, "Dec 6"
    assert depot.loc[3, "collected_date"] == "2022-12-07"
    assert depot.loc[3, "collected_date_confidence"] == "inferred"
    how = depot.loc[3, "collected_date_method"]
    assert "Dec 6" in how and "UTC" in how and "sol 639" in how and "Mars24" in how
    # Malay: source rock Issole and twin Robine from secondary sources
    assert (depot.loc[1, "source_rock"], depot.loc[1, "twin"]) == ("Issole", "Robine")
    assert depot.loc[1, ["source_confidence", "twin_confidence"]].tolist() == ["approximate"] * 2


def test_computed_dates_carry_their_method(depot: gpd.GeoDataFrame) -> None:
    for tid, sol in COMPUTED_COLLECTED.items():
        assert depot.loc[tid, "collected_date_confidence"] == "inferred"
        how = depot.loc[tid, "collected_date_method"]
        assert how.startswith(f"Mars24 conversion of sol {sol} "), tid
        # the date lies in the sol, and the UTC span written down is the sol's
        start, end = marsgeo.sols.sol_span_utc(sol)
        day = depot.loc[tid, "collected_date"]
        assert start.date().isoformat() <= day <= end.date().isoformat(), tid
        span = f"{start.round('min'):%Y-%m-%d %H:%M} to {end.round('min'):%Y-%m-%d %H:%M} UTC"
        assert span in how, tid
    # Atsá: sol 374 runs 2022-03-09/10 (UTC); 2022-03-10 is the date of its afternoon
    afternoon = marsgeo.sols.sol_to_utc(374, "15:00:00")
    assert afternoon.date().isoformat() == depot.loc[9, "collected_date"] == "2022-03-10"
    for tid in COMPUTED_DROPPED:
        assert "Mars24" in depot.loc[tid, "dropped_date_method"], tid
    # a date that is not confirmed always says why
    for kind in ("collected", "dropped"):
        doubtful = depot[f"{kind}_date_confidence"] != "confirmed"
        assert (depot.loc[doubtful, f"{kind}_date_method"].str.len() > 20).all()
        assert (depot[f"{kind}_date_method"] != "").all()


def test_method_columns_are_documented(depot: gpd.GeoDataFrame) -> None:
    root = Path(__file__).parents[1]
    readme = (root / "marsgeo" / "data" / "README.md").read_text(encoding="utf-8")
    provenance = (root / "docs" / "provenance.md").read_text(encoding="utf-8")
    doc = marsgeo.load_depot.__doc__ or ""
    method_cols = [c for c in depot.columns if c.endswith("_method")]
    assert set(method_cols) == {"collected_date_method", "dropped_date_method"}
    for col in method_cols:
        assert f"``{col}``" in doc and f"`{col}`" in readme and f"`{col}`" in provenance, col


def test_user_catalogues_need_no_method_columns(tmp_path: Path, depot: gpd.GeoDataFrame) -> None:
    bare = depot.drop(columns=["collected_date_method", "dropped_date_method"])
    assert len(marsgeo.validate_tubes(bare)) == 10
    p = _csv(tmp_path, "tube_id,lon,lat,collected_date_confidence\n1,77.4,18.4,inferred\n")
    assert marsgeo.read_tubes(p).loc[1, "collected_date_confidence"] == "inferred"


def test_positions_match_reference_and_checks(depot: gpd.GeoDataFrame) -> None:
    # tube 1 and tube 10 typed from the reference position table
    assert (depot.geometry.x[1], depot.geometry.y[1]) == (77.40775321, 18.45263041)
    assert (depot.geometry.x[10], depot.geometry.y[10]) == (77.40844748, 18.45337040)
    # centroid about 18.45283 N, 77.40821 E
    assert depot.geometry.y.mean() == pytest.approx(18.45283, abs=1e-5)
    assert depot.geometry.x.mean() == pytest.approx(77.40821, abs=1e-5)


def test_depot_extent_about_48_by_50_m(depot: gpd.GeoDataFrame) -> None:
    lat_mid = math.radians(depot.geometry.y.mean())
    r = mcrs.MARS_SPHERE_RADIUS_M
    ew = math.radians(depot.geometry.x.max() - depot.geometry.x.min()) * r * math.cos(lat_mid)
    ns = math.radians(depot.geometry.y.max() - depot.geometry.y.min()) * r
    assert ew == pytest.approx(48, abs=2.5)
    assert ns == pytest.approx(50, abs=2.5)


def test_depot_is_about_2_45_km_wnw_of_the_landing(depot: gpd.GeoDataFrame) -> None:
    geod = mcrs.mars_geod()
    az, _, d = geod.inv(*LANDING, depot.geometry.x.mean(), depot.geometry.y.mean())
    assert d == pytest.approx(2450, abs=25)
    assert az % 360 == pytest.approx(281, abs=1.0)


def test_load_depot_returns_independent_copies() -> None:
    a = marsgeo.load_depot()
    a.loc[1, "name"] = "changed"
    a.loc[1, "geometry"] = Point(0, 0)
    b = marsgeo.load_depot()
    assert b.loc[1, "name"] == "Malay"
    assert b.geometry.iloc[0] == Point(77.40775321, 18.45263041)


def test_shipped_data_file_is_plain_and_citable() -> None:
    from importlib import resources

    text = resources.files("marsgeo").joinpath("data").joinpath("three_forks_tubes.csv")
    df = pd.read_csv(str(text))
    assert len(df) == 10 and {"lon", "lat", "position_source"} <= set(df.columns)
    src = json.loads(
        resources.files("marsgeo")
        .joinpath("data")
        .joinpath("sources.json")
        .read_text(encoding="utf-8")
    )
    assert "inferred" in src["mmgis_waypoints"]["gives"].lower()


# --- read_tubes: users' catalogues --------------------------------------------------------------


def _csv(tmp_path: Path, text: str, name: str = "tubes.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_read_csv_catalogue(tmp_path: Path) -> None:
    p = _csv(tmp_path, "tube_id,name,Longitude,Latitude\nA,one,77.40,18.45\nB,two,77.41,18.46\n")
    got = marsgeo.read_tubes(p)
    assert got.index.tolist() == ["A", "B"] and got.index.name == "tube_id"
    assert got.crs == mcrs.MARS_GEOGRAPHIC
    assert got.geometry.x.tolist() == [77.40, 77.41]
    assert got["name"].tolist() == ["one", "two"]


def test_read_csv_numbers_tubes_without_ids(tmp_path: Path) -> None:
    p = _csv(tmp_path, "lon,lat\n77.40,18.45\n77.41,18.46\n77.42,18.47\n")
    assert marsgeo.read_tubes(p).index.tolist() == [1, 2, 3]


def test_read_csv_planetographic_west(tmp_path: Path) -> None:
    lat_g = float(mcrs.ocentric_to_ographic_lat(LANDING[1]))
    p = _csv(tmp_path, f"tube_id,lon_w,lat_g\n1,{360 - LANDING[0]},{lat_g}\n")
    got = marsgeo.read_tubes(p, crs="IAU_2015:49901", lon_col="lon_w", lat_col="lat_g")
    assert (got.geometry.x[1], got.geometry.y[1]) == pytest.approx(LANDING, abs=1e-9)


def test_read_geopackage_in_a_projected_mars_crs(tmp_path: Path, depot: gpd.GeoDataFrame) -> None:
    local = mcrs.local_crs(77.408, 18.453)
    path = tmp_path / "tubes.gpkg"
    depot[["name", "geometry"]].to_crs(local).to_file(path)
    got = marsgeo.read_tubes(path)
    assert got.crs == mcrs.MARS_GEOGRAPHIC
    assert np.allclose(got.geometry.x, depot.geometry.x, atol=1e-10)
    assert np.allclose(got.geometry.y, depot.geometry.y, atol=1e-10)


@pytest.mark.parametrize(
    "code", ["IAU_2015:49901", "IAU_2015:49902", "IAU_2015:49911", "IAU_2015:49912"]
)
@pytest.mark.parametrize("ext", ["gpkg", "fgb"])
def test_files_in_the_ellipsoid_families_read_back_in_place(
    tmp_path: Path, code: str, ext: str
) -> None:
    # GDAL stores these as WKT1, which loses west axes and spherical coordinate systems
    x, y = mcrs.from_mars_lonlat([LANDING[0]], [LANDING[1]], code)
    path = tmp_path / f"t.{ext}"
    gpd.GeoDataFrame({"tube_id": [1]}, geometry=[Point(x[0], y[0], -2569.9)], crs=code).to_file(
        path
    )
    got = marsgeo.read_tubes(path)
    assert (got.geometry.x[1], got.geometry.y[1]) == pytest.approx(LANDING, abs=1e-9)
    assert got.geometry.iloc[0].z == pytest.approx(-2569.9)  # elevation kept


def test_shapefile_on_the_ellipsoid_is_refused_not_guessed(tmp_path: Path) -> None:
    x, y = mcrs.from_mars_lonlat([LANDING[0]], [LANDING[1]], "IAU_2015:49901")
    path = tmp_path / "t.shp"
    gpd.GeoDataFrame({"tube_id": [1]}, geometry=[Point(x[0], y[0])], crs="IAU_2015:49901").to_file(
        path
    )
    with pytest.raises(CRSError, match=r"kept no CRS code.*crs=\.\.\."):
        marsgeo.read_tubes(path)
    got = marsgeo.read_tubes(path, crs="IAU_2015:49901")
    assert (got.geometry.x[1], got.geometry.y[1]) == pytest.approx(LANDING, abs=1e-9)


def test_ids_keep_their_spelling_and_id_col_is_checked(tmp_path: Path) -> None:
    p = _csv(tmp_path, "tube_id,lon,lat\n007,77.4,18.4\n07,77.5,18.5\n")
    assert marsgeo.read_tubes(p).index.tolist() == ["007", "07"]
    with pytest.raises(CatalogueError, match=r"id_col='nmae' is not a column.*\['tube_id'"):
        marsgeo.read_tubes(p, id_col="nmae")
    q = _csv(tmp_path, "code,lon,lat\nA,77.4,18.4\n", name="named.csv")
    assert marsgeo.read_tubes(q, id_col="code").index.tolist() == ["A"]


def test_longitudes_out_of_range_are_refused(tmp_path: Path) -> None:
    p = _csv(tmp_path, "tube_id,lon,lat\n1,437.4,18.4\n")
    with pytest.raises(CoordinateError, match=r"437.4.*-360..360"):
        marsgeo.read_tubes(p)


def test_error_messages_name_the_file_once(tmp_path: Path) -> None:
    p = _csv(tmp_path, "tube_id,lon,lat\n,77.4,18.4\n2,77.5,18.5\n", name="holes.csv")
    with pytest.raises(CatalogueError) as info:
        marsgeo.read_tubes(p)
    assert str(info.value).count("holes.csv") == 1


def test_read_geojson_tagged_crs84_needs_explicit_relabel(tmp_path: Path) -> None:
    path = tmp_path / "mmgis.geojson"
    gpd.GeoDataFrame({"tube_id": [1]}, geometry=[Point(77.4, 18.45)], crs="OGC:CRS84").to_file(
        path, driver="GeoJSON"
    )
    with pytest.raises(CRSError, match=r"labelled OGC:CRS84.*pass crs=marsgeo.crs.MARS_GEOGRAPHIC"):
        marsgeo.read_tubes(path)
    got = marsgeo.read_tubes(path, crs=mcrs.MARS_GEOGRAPHIC)
    assert got.crs == mcrs.MARS_GEOGRAPHIC and got.geometry.x[1] == pytest.approx(77.4)


@pytest.mark.parametrize(
    ("text", "error", "words"),
    [
        ("tube_id,lon,lat\n1,77.4,18.4\n1,77.5,18.5\n", CatalogueError, ["duplicate", "1"]),
        ("tube_id,lon,lat\n1,77.4,\n2,77.5,18.5\n", CoordinateError, ["NaN", "1"]),
        (
            "tube_id,lon,lat\n1,77.4,95.0\n",
            CoordinateError,
            ["95.0", "-90..90", "longitude comes first"],
        ),
        ("tube_id,x_m\n1,3\n", CatalogueError, ["lon", "lon_col="]),
        ("tube_id,lon,lat\n1,east,18\n", CatalogueError, ["non-numbers"]),
    ],
)
def test_bad_catalogues_are_refused(
    tmp_path: Path, text: str, error: type, words: list[str]
) -> None:
    with pytest.raises(error) as info:
        marsgeo.read_tubes(_csv(tmp_path, text))
    for w in words:
        assert w in str(info.value)


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    p = _csv(tmp_path, "tube_id,lon,lat\n1,77.4,\n2,77.5,99\n")
    with pytest.raises(CoordinateError, match="2 problems") as info:
        marsgeo.read_tubes(p)
    assert "NaN" in str(info.value) and "99" in str(info.value)


def test_missing_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="does not exist"):
        marsgeo.read_tubes(tmp_path / "nope.csv")
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"this is not a geopackage")
    with pytest.raises(DataFileError, match="cannot be read"):
        marsgeo.read_tubes(junk)
    with pytest.raises(OSError):  # builtin still catches it
        marsgeo.read_tubes(tmp_path)


def test_validate_tubes_refuses_earth_and_missing_crs(depot: gpd.GeoDataFrame) -> None:
    with pytest.raises(CRSError, match="Earth"):
        marsgeo.validate_tubes(depot.set_crs("EPSG:4326", allow_override=True))
    with pytest.raises(CRSError, match="has no CRS"):
        marsgeo.validate_tubes(gpd.GeoDataFrame(geometry=[Point(1, 2)]))


def test_validate_tubes_refuses_non_points_and_unknown_types(depot: gpd.GeoDataFrame) -> None:
    bad = depot.copy()
    bad.loc[2, "geometry"] = LineString([(77.4, 18.4), (77.5, 18.5)])
    with pytest.raises(CatalogueError, match=r"rows 2 are not Points"):
        marsgeo.validate_tubes(bad)
    typo = depot.copy()
    typo.loc[3, "sample_type"] = "ignoeus"
    with pytest.raises(CatalogueError, match="ignoeus"):
        marsgeo.validate_tubes(typo)
    mixed = depot.astype({"sample_type": object})
    mixed.loc[3, "sample_type"] = 7
    mixed.loc[4, "sample_type"] = "x"
    with pytest.raises(CatalogueError, match="not one of"):  # not a TypeError from sorting
        marsgeo.validate_tubes(mixed)
    numbered = depot.rename(columns={"name": 0})
    assert len(marsgeo.validate_tubes(numbered)) == 10  # non-text column names are fine


# --- the columns maps and popups format, wrong argument types ----------------------------------


def test_validate_tubes_checks_every_column_maps_format(depot: gpd.GeoDataFrame) -> None:
    bad = depot.astype(
        {
            "dropped_sol": object,
            "collected_sol": object,
            "dropped_utc": object,
            "elev_m": object,
            "position_uncertainty_m": object,
        }
    )
    bad.loc[2, "dropped_sol"] = "six"
    bad.loc[3, "dropped_sol"] = 661.5
    bad.loc[4, "collected_sol"] = -1
    bad.loc[5, "collected_sol"] = True
    bad.loc[6, "dropped_utc"] = "notadate"
    bad.loc[7, "dropped_lmst"] = "1:38"
    bad.loc[8, "elev_m"] = "high"
    bad.loc[9, "position_uncertainty_m"] = -2.0
    with pytest.raises(CatalogueError, match="6 problems") as info:
        marsgeo.validate_tubes(bad)
    text = str(info.value)
    for expected in (
        "column 'dropped_sol' rows 2, 3 hold 'six', 661.5; write whole sol numbers",
        "column 'collected_sol' rows 4, 5 hold -1, True",
        "column 'dropped_utc' rows 6 hold 'notadate'; write dates and times in ISO 8601",
        "column 'dropped_lmst' rows 7 hold '1:38'; write local mean solar times as HH:MM:SS",
        "column 'elev_m' rows 8 hold 'high'",
        "column 'position_uncertainty_m' rows 9 hold -2.0; write finite numbers of metres >= 0",
    ):
        assert expected in text


def test_validate_tubes_types_the_columns_it_checks(depot: gpd.GeoDataFrame) -> None:
    text = depot.astype({"dropped_sol": str, "elev_m": str})
    text["dropped_utc"] = [t.isoformat() for t in depot["dropped_utc"]]
    text["dropped_lmst"] = text["dropped_lmst"].astype(object)
    text.loc[10, "elev_m"] = ""  # an empty cell is a missing value
    got = marsgeo.validate_tubes(text)
    assert got["dropped_sol"].tolist() == depot["dropped_sol"].tolist()
    assert pd.api.types.is_integer_dtype(got["dropped_sol"])
    assert got["elev_m"].iloc[:9].tolist() == depot["elev_m"].iloc[:9].tolist()
    assert np.isnan(got.loc[10, "elev_m"])
    assert isinstance(got["dropped_utc"].dtype, pd.DatetimeTZDtype)
    assert (got["dropped_utc"] == depot["dropped_utc"]).all()


def test_a_tube_id_column_beside_the_index(depot: gpd.GeoDataFrame) -> None:
    same = depot.assign(tube_id=depot.index)
    assert "tube_id" not in marsgeo.validate_tubes(same).columns  # a repeat of the index
    flat = depot.reset_index()  # ids 1..10 in a column, 0..9 in the index
    with pytest.raises(CatalogueError, match=r"'tube_id' differs from the index.*set_index"):
        marsgeo.validate_tubes(flat)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda p: marsgeo.read_tubes(None), InputError, "path=None is not a file path"),
        (lambda p: marsgeo.read_tubes(7), InputError, "path=7 is not a file path"),
        (lambda p: marsgeo.read_tubes(""), InputError, "path is empty"),
        (lambda p: marsgeo.read_tubes(p, id_col=5), InputError, "id_col=5 is not a column name"),
        (lambda p: marsgeo.read_tubes(p, lon_col=[1]), InputError, r"lon_col=\[1\]"),
        (lambda p: marsgeo.read_tubes(p, crs=np.zeros((3, 3))), CRSError, "crs=ndarray"),
        (lambda p: marsgeo.validate_tubes(marsgeo.load_depot(), name=5), InputError, "name=5"),
    ],
)
def test_wrong_argument_types_get_marsgeo_errors(
    tmp_path: Path, call, error: type, match: str
) -> None:  # type: ignore[no-untyped-def]
    p = _csv(tmp_path, "tube_id,lon,lat\n1,77.4,18.4\n")
    with pytest.raises(error, match=match):
        call(p)


def test_layer_must_name_a_layer(tmp_path: Path, depot: gpd.GeoDataFrame) -> None:
    path = tmp_path / "t.gpkg"
    depot[["name", "geometry"]].to_file(path, layer="tubes")
    with pytest.raises(InputError, match=r"layer=1.5 is not a layer name or number"):
        marsgeo.read_tubes(path, layer=1.5)  # type: ignore[arg-type]
    with pytest.raises(DataFileError, match=r"has no layer 9223372036854775808; its layers are"):
        marsgeo.read_tubes(path, layer=2**63)
    assert len(marsgeo.read_tubes(path, layer=0)) == 10


def test_drop_order_follows_the_drop_times_whatever_the_row_order() -> None:
    depot = marsgeo.load_depot()
    shuffled = depot.iloc[[4, 9, 0, 7, 2, 1, 8, 3, 6, 5]]
    order = marsgeo.depot.drop_order(shuffled)
    # independently: sort the published drop sols and LMSTs (the catalogue's source columns)
    by_time = sorted(
        shuffled.index,
        key=lambda t: (int(depot.loc[t, "dropped_sol"]), str(depot.loc[t, "dropped_lmst"])),
    )
    assert order.sort_values().index.tolist() == by_time
    assert sorted(order) == list(range(1, 11))
    # without times: row order
    bare = shuffled.drop(columns=["dropped_utc", "dropped_sol"])
    assert marsgeo.depot.drop_order(bare).tolist() == list(range(1, 11))
