"""``marsgeo map --add``: the user's own Mars vector files on the depot map."""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import LineString, Point, Polygon

from marsgeo.cli import main
from marsgeo.crs import MARS_GEOGRAPHIC, to_mars_lonlat

from . import payloads
from .test_explore import WEST_OGRAPHIC, draws, ographic_west


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def base(html: Path) -> list[str]:
    return ["map", "--basemap", "none", "--terrain", "none", "--helicopters", "0", "-o", str(html)]


@pytest.fixture(scope="module")
def west_units(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, gpd.GeoDataFrame]:
    """A traverse and a unit in west-positive planetographic degrees, in a GeoPackage."""
    ll = [(77.4030, 18.4510), (77.4050, 18.4522), (77.4071, 18.4531)]
    west = [ographic_west(lon, lat) for lon, lat in ll]
    gdf = gpd.GeoDataFrame(
        {"what": ["traverse", "unit"]},
        geometry=[LineString(west), Polygon([*west, west[0]])],
        crs=WEST_OGRAPHIC,
    )
    path = tmp_path_factory.mktemp("add") / "units.gpkg"
    gdf.to_file(path, driver="GPKG")
    return path, gdf


def test_added_file_is_a_layer_in_mars_lonlat(
    tmp_path: Path, west_units: tuple[Path, gpd.GeoDataFrame]
) -> None:
    path, gdf = west_units
    html = tmp_path / "map.html"
    code, _, err = run(*base(html), "--add", str(path))
    assert code == 0, err
    page = html.read_text(encoding="utf-8")
    ((meta, data),) = draws(page, "features")
    assert meta["name"] == "units.gpkg"
    xy = shapely.get_coordinates(np.asarray(gdf.geometry.values, dtype=object))
    lon, lat = to_mars_lonlat(xy[:, 0], xy[:, 1], WEST_OGRAPHIC)
    expected = [[y, x] for x, y in zip(lon, lat, strict=True)]
    drawn = data["lines"][0]["coords"] + data["polygons"][0]["rings"][0]
    np.testing.assert_allclose(drawn, expected, atol=1e-9, rtol=0)
    np.testing.assert_allclose(drawn[0], [18.4510, 77.4030], atol=1e-9)  # where it started


def test_several_files_and_hostile_values_stay_data(tmp_path: Path) -> None:
    texts = payloads.payloads(tmp_path / "ran")
    gdf = gpd.GeoDataFrame(
        {"note": texts},
        geometry=[Point(77.4040 + k * 1e-5, 18.4515) for k in range(len(texts))],
        crs=MARS_GEOGRAPHIC,
    )
    one, two = tmp_path / "notes.geojson", tmp_path / "{{ 3*13579 }}.geojson"
    gdf.to_file(one, driver="GeoJSON")
    gdf.iloc[:2].to_file(two, driver="GeoJSON")
    html = tmp_path / "map.html"
    code, _, err = run(
        *base(html), "--add", str(one), "--add", str(two), "--add-crs", "IAU_2015:49900"
    )
    assert code == 0, err
    page = html.read_text(encoding="utf-8")
    names = [meta["name"] for meta, _ in draws(page, "features")]
    assert names == ["notes.geojson", "{{ 3*13579 }}.geojson"]
    ((_, first), _) = draws(page, "features")
    shown = [row[1] for p in first["points"] for row in p["popup"] if row[0] == "note"]
    assert sorted(shown) == sorted(texts)  # each shorter than a popup value's limit
    assert payloads.EVALUATED not in page and not (tmp_path / "ran").exists()


def test_earth_file_names_the_flag_that_relabels_it(tmp_path: Path) -> None:
    earth = tmp_path / "earth.geojson"
    gpd.GeoDataFrame({"x": [1]}, geometry=[Point(77.404, 18.4515)], crs=4326).to_file(earth)
    html = tmp_path / "map.html"
    code, out, err = run(*base(html), "--add", str(earth))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("marsgeo map: error: --add ")
    assert "--add-crs IAU_2015:49900" in err and "command line" not in err
    assert not html.exists()  # nothing half-written
    code, _, err = run(*base(html), "--add", str(earth), "--add-crs", "IAU_2015:49900")
    assert code == 0, err
    ((_, data),) = draws(html.read_text(encoding="utf-8"), "features")
    assert data["points"][0]["lon"] == pytest.approx(77.404, abs=1e-9)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--add", "nope.geojson"], ["--add", "nope.geojson", "does not exist"]),
        (["--add-crs", "IAU_2015:49900"], ["--add-crs", "no --add PATH"]),
        (["--add-layer", "x"], ["--add-layer", "no --add PATH"]),
    ],
)
def test_bad_add_arguments_are_one_line_errors(
    tmp_path: Path, extra: list[str], words: list[str]
) -> None:
    html = tmp_path / "map.html"
    code, out, err = run(*base(html), *extra)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert all(w in err for w in words), err
    assert not html.exists()
