from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import CRS

import marsgeo
import marsgeo._atomic
import marsgeo.basemap
from marsgeo._atomic import atomic_target
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


# --- permissions of written files ----------------------------------------------------------------


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def write_csv(path: Path) -> Path:
    return marsgeo.export(marsgeo.load_depot(), path)


def write_geojson(path: Path) -> Path:
    return marsgeo.export(marsgeo.load_depot(), path)


def write_html(path: Path) -> Path:
    return marsgeo.save_map(marsgeo.depot_map(marsgeo.load_depot(), basemap=None), path)


def write_geotiff(path: Path) -> Path:
    dtm = marsgeo.basemap.synthetic_dtm(size_m=200, resolution_m=10)
    return marsgeo.basemap.write_raster(dtm, path)


WRITERS = {
    "depot.csv": write_csv,
    "depot.geojson": write_geojson,
    "depot.html": write_html,
    "dtm.tif": write_geotiff,
}
# what `touch` or open(path, "w") gives a new file under each mask (0o666 less the mask)
NEW_FILE_MODE = {0o022: 0o644, 0o027: 0o640}


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="Unix permissions")
@pytest.mark.parametrize("mask", sorted(NEW_FILE_MODE), ids=lambda m: f"umask{m:03o}")
@pytest.mark.parametrize("name", sorted(WRITERS))
@pytest.mark.parametrize("umask_source", ["proc", "os.umask"])
def test_new_files_get_the_mode_the_umask_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, mask: int, umask_source: str
) -> None:
    if umask_source == "os.umask":  # as on a system without /proc
        monkeypatch.setattr(marsgeo._atomic, "_PROC_STATUS", tmp_path / "no-proc-status")
    with umask(mask):
        path = WRITERS[name](tmp_path / name)
        touched = tmp_path / "touched"
        touched.touch()  # the system's own answer, for comparison
        current = os.umask(mask)  # the writer left the process's mask alone
    assert current == mask
    assert mode_of(path) == NEW_FILE_MODE[mask] == mode_of(touched)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "touched"])


@pytest.mark.skipif(os.name != "posix", reason="Unix permissions")
@pytest.mark.parametrize("name", sorted(WRITERS))
@pytest.mark.parametrize("kept", [0o640, 0o600, 0o664], ids=lambda m: f"{m:04o}")
def test_an_existing_file_keeps_its_mode(tmp_path: Path, name: str, kept: int) -> None:
    target = tmp_path / name
    target.write_text("old")
    target.chmod(kept)
    with umask(0o022):
        WRITERS[name](target)
    assert target.read_bytes() != b"old"
    assert mode_of(target) == kept
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_failed_write_leaves_no_temporary_file_and_the_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "depot.html"
    target.write_text("old")
    target.chmod(0o640)
    with pytest.raises(RuntimeError, match="disk full"), atomic_target(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_text("half a page")
        raise RuntimeError("disk full")
    assert [p.name for p in tmp_path.iterdir()] == ["depot.html"]
    assert target.read_text() == "old"
    if os.name == "posix":
        assert mode_of(target) == 0o640
