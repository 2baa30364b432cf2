from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import CRS

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC, local_crs
from marsgeo.errors import DataFileError, InputError
from marsgeo.routing import ASSUMED_LANDER


@pytest.fixture(scope="module")
def results() -> dict[str, gpd.GeoDataFrame]:
    tubes = marsgeo.load_depot()
    plan = marsgeo.plan_pickup(tubes, lander=ASSUMED_LANDER)
    return {
        "tubes": tubes,
        "nearest": marsgeo.nearest_neighbours(tubes),
        "pairs": marsgeo.pairwise_distances(tubes),
        "legs": plan.legs,
        "spots": plan.spots,
        "places": marsgeo.jezero_features(),
    }


@pytest.mark.parametrize("ext", [".gpkg", ".fgb", ".geojson"])
@pytest.mark.parametrize("name", ["tubes", "nearest", "pairs", "legs", "spots", "places"])
def test_geo_files_read_back_on_mars(tmp_path: Path, results: dict, name: str, ext: str) -> None:
    data = results[name]
    path = marsgeo.export(data, tmp_path / f"{name}{ext}")
    back = gpd.read_file(path)  # plain geopandas, not marsgeo
    assert back.crs is not None
    assert CRS(back.crs).equals(MARS_GEOGRAPHIC, ignore_axis_order=True)
    assert len(back) == len(data)
    assert back.geometry.geom_type.tolist() == data.geometry.geom_type.tolist()
    a = back.geometry.get_coordinates().to_numpy()
    b = data.geometry.get_coordinates().to_numpy()
    assert abs(a - b).max() < 1e-9


def test_projected_data_keeps_its_crs_in_geopackage(tmp_path: Path) -> None:
    local = local_crs(77.408, 18.453)
    tubes = marsgeo.load_depot().to_crs(local)
    back = gpd.read_file(marsgeo.export(tubes, tmp_path / "local.gpkg"))
    assert CRS(back.crs).equals(local)
    # GeoJSON is always written in Mars lon/lat: a projected CRS there would read back as Earth
    doc = json.loads((marsgeo.export(tubes, tmp_path / "t.geojson")).read_text())
    assert doc["crs"]["properties"]["name"] == "IAU_2015:49900"
    assert doc["features"][0]["geometry"]["coordinates"] == pytest.approx(
        [77.40775321, 18.45263041]
    )


def test_csv_round_trips_through_read_tubes(tmp_path: Path) -> None:
    tubes = marsgeo.load_depot()
    path = marsgeo.export(tubes, tmp_path / "tubes.csv")
    back = marsgeo.read_tubes(path)
    assert back.crs == MARS_GEOGRAPHIC
    assert back.index.tolist() == tubes.index.tolist()
    assert back.geometry.x.tolist() == tubes.geometry.x.tolist()
    assert pd.read_csv(path)["dropped_utc"].iloc[0].startswith("2022-12-21T")


def test_tables_go_to_csv_only(tmp_path: Path) -> None:
    matrix = marsgeo.distance_matrix(marsgeo.load_depot())
    back = pd.read_csv(marsgeo.export(matrix, tmp_path / "m.csv"), index_col=0)
    assert back.shape == (10, 10)
    with pytest.raises(InputError, match="no geometry"):
        marsgeo.export(matrix, tmp_path / "m.gpkg")


def test_export_errors_and_atomicity(tmp_path: Path) -> None:
    tubes = marsgeo.load_depot()
    with pytest.raises(InputError, match="unknown extension"):
        marsgeo.export(tubes, tmp_path / "t.kml")
    with pytest.raises(DataFileError, match="does not exist"):
        marsgeo.export(tubes, tmp_path / "no" / "t.gpkg")
    with pytest.raises(marsgeo.errors.CRSError, match="Earth"):
        marsgeo.export(tubes.set_crs("EPSG:4326", allow_override=True), tmp_path / "e.gpkg")
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_full_precision_and_native_datetimes(tmp_path: Path) -> None:
    tubes = marsgeo.load_depot()
    csv = pd.read_csv(marsgeo.export(tubes, tmp_path / "t.csv"))
    assert csv["geometry_wkt"].iloc[0] == "POINT (77.40775321 18.45263041)"
    back = gpd.read_file(marsgeo.export(tubes, tmp_path / "t.gpkg"))
    assert isinstance(back["dropped_utc"].dtype, pd.DatetimeTZDtype)
    delta = (back["dropped_utc"] - tubes["dropped_utc"].reset_index(drop=True)).abs().max()
    assert delta < pd.Timedelta(milliseconds=1)
