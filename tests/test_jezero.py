from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion
from shapely.geometry import Polygon

import marsgeo
from marsgeo import crs as mcrs
from marsgeo.errors import CoordinateError, CRSError, DataFileError, InputError

from .reference import LANDING

R = 3_396_190.0


@pytest.fixture(scope="module")
def features() -> gpd.GeoDataFrame:
    return marsgeo.jezero_features()


def test_features_are_labelled(features: gpd.GeoDataFrame) -> None:
    assert features.crs == mcrs.MARS_GEOGRAPHIC and features.index.name == "feature_id"
    for col in ("name", "kind", "source", "confidence", "approximate", "note"):
        assert features[col].notna().all()
    assert set(features["kind"]) == {"place", "outline", "extent"}
    assert features.loc["jezero_rim", "approximate"]
    assert features.loc["jezero_crater_centre", "confidence"] == "approximate"
    assert not features.loc["octavia_e_butler_landing", "approximate"]
    keys = set(marsgeo.sources())
    for cell in features["source"]:
        assert {k.strip() for k in cell.split(";")} <= keys


def test_what_derives_from_inferred_positions_is_approximate(features: gpd.GeoDataFrame) -> None:
    # the reference: the centroid and extent derive from inferred positions, so approximate
    for fid in ("three_forks_depot", "three_forks_depot_extent"):
        assert features.loc[fid, "confidence"] == "approximate", fid
        assert features.loc[fid, "approximate"], fid
        assert "inferred" in features.loc[fid, "note"], fid
    from_waypoints = features["source"].str.contains("mmgis_waypoints")
    assert from_waypoints.sum() == 2
    assert (features.loc[from_waypoints, "confidence"] != "confirmed").all()


def test_sim3464_projection_is_labelled_inferred(features: gpd.GeoDataFrame) -> None:
    # the reference: extent confirmed; the Transverse Mercator CRS is inferred, not a USGS statement
    gives = marsgeo.sources()["usgs_sim3464"]["gives"]
    assert "17.7-18.7 N" in gives and "76.8-77.8 E" in gives
    tm = gives.index("Transverse Mercator")
    assert "inferred" in gives[tm:].lower() and "not a USGS statement" in gives
    note = features.loc["usgs_sim3464_extent", "note"]
    assert "Transverse Mercator" in note and "inferred" in note
    assert features.loc["usgs_sim3464_extent", "confidence"] == "confirmed"  # the extent itself


def test_places_are_where_the_reference_puts_them(features: gpd.GeoDataFrame) -> None:
    landing = features.loc["octavia_e_butler_landing", "geometry"]
    assert (landing.x, landing.y) == LANDING
    centre = features.loc["jezero_crater_centre", "geometry"]
    assert (centre.x, centre.y) == (77.58, 18.38)
    depot = features.loc["three_forks_depot", "geometry"]
    assert (depot.y, depot.x) == pytest.approx((18.45283, 77.40821), abs=1e-5)
    # every tube lies in the depot extent, and the depot lies inside the rim
    tubes = marsgeo.load_depot()
    extent = features.loc["three_forks_depot_extent", "geometry"]
    assert all(extent.buffer(1e-9).contains(p) for p in tubes.geometry)
    assert features.loc["jezero_rim", "geometry"].contains(depot)
    assert features.loc["usgs_sim3464_extent", "geometry"].contains(depot)


def test_rim_area_and_perimeter_match_spherical_cap_formulas(features: gpd.GeoDataFrame) -> None:
    r = 22_500.0  # 45 km diameter
    cap_area = 2 * math.pi * R**2 * (1 - math.cos(r / R))
    circumference = 2 * math.pi * R * math.sin(r / R)
    assert features.loc["jezero_rim", "area_m2"] == pytest.approx(cap_area, rel=1e-3)
    assert features.loc["jezero_rim", "perimeter_m"] == pytest.approx(circumference, rel=1e-3)


def test_map_extent_area_matches_the_zone_formula(features: gpd.GeoDataFrame) -> None:
    # area of a lon/lat box on a sphere: R^2 * dlon * (sin(lat2) - sin(lat1))
    expected = (
        R**2 * math.radians(1.0) * (math.sin(math.radians(18.7)) - math.sin(math.radians(17.7)))
    )
    assert features.loc["usgs_sim3464_extent", "area_m2"] == pytest.approx(expected, rel=1e-4)
    # points have no area
    assert features.loc["octavia_e_butler_landing", "area_m2"] == 0.0


def test_features_are_copies() -> None:
    a = marsgeo.jezero_features()
    a.loc["jezero_rim", "name"] = "changed"
    assert marsgeo.jezero_features().loc["jezero_rim", "name"] != "changed"


def _sim3464_crs() -> ProjectedCRS:
    # SIM 3464: Transverse Mercator, central meridian 77.5 E, k=1, on the Mars 2000 sphere
    base = CRS.from_proj4("+proj=longlat +R=3396190 +no_defs +type=crs")
    conv = TransverseMercatorConversion(
        latitude_natural_origin=0.0, longitude_natural_origin=77.5, scale_factor_natural_origin=1.0
    )
    return ProjectedCRS(conversion=conv, geodetic_crs=base)


def test_read_outline_from_a_projected_shapefile(tmp_path: Path) -> None:
    ring = [(77.3, 18.3), (77.5, 18.3), (77.5, 18.5), (77.3, 18.5)]
    unit = gpd.GeoDataFrame({"unit": ["Jf1"]}, geometry=[Polygon(ring)], crs=mcrs.MARS_GEOGRAPHIC)
    path = tmp_path / "units.shp"
    unit.to_crs(_sim3464_crs()).to_file(path)
    got = marsgeo.read_outline(path)
    assert got.crs == mcrs.MARS_GEOGRAPHIC and got["unit"].tolist() == ["Jf1"]
    # Shapefile stores outer rings clockwise: compare the normalised shapes vertex by vertex
    assert got.geometry.iloc[0].normalize().equals_exact(Polygon(ring).normalize(), 1e-9)
    assert got.loc[0, "area_m2"] == pytest.approx(
        float(marsgeo.geodesic_area_perimeter(unit)["area_m2"].iloc[0]), rel=1e-9
    )


def test_read_outline_geojson_tagged_crs84(tmp_path: Path) -> None:
    path = tmp_path / "rim.geojson"
    gpd.GeoDataFrame(geometry=[Polygon([(77, 18), (78, 18), (78, 19)])], crs="OGC:CRS84").to_file(
        path, driver="GeoJSON"
    )
    with pytest.raises(CRSError, match=r"crs=marsgeo\.crs\.MARS_GEOGRAPHIC"):
        marsgeo.read_outline(path)
    assert marsgeo.read_outline(path, crs="IAU_2015:49900").crs == mcrs.MARS_GEOGRAPHIC


def test_read_outline_without_crs_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nocrs.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
        '"geometry":{"type":"Point","coordinates":[77,18]}}]}'
    )
    gdf = gpd.read_file(path)
    assert gdf.crs is not None  # GDAL labels CRS-less GeoJSON as Earth; marsgeo must refuse it
    with pytest.raises(CRSError):
        marsgeo.read_outline(path)
    with pytest.raises(DataFileError):
        marsgeo.read_outline(tmp_path / "missing.shp")


def test_read_outline_applies_the_coordinate_range_rule(tmp_path: Path) -> None:
    for value in (None, 5, b"rim.gpkg"):
        with pytest.raises(InputError, match=r"path=.* is not a file path"):
            marsgeo.jezero.read_outline(value)  # type: ignore[arg-type]
    far = tmp_path / "far.gpkg"
    square = Polygon([(400, 18), (401, 18), (401, 19), (400, 19)])  # 400 E is no longitude
    gpd.GeoDataFrame({"name": ["far"]}, geometry=[square], crs=mcrs.MARS_GEOGRAPHIC).to_file(far)
    with pytest.raises(CoordinateError, match=r"rows 0 have longitude 400.0, 401.0 outside"):
        marsgeo.jezero.read_outline(far)
    with pytest.raises(CRSError, match=r"crs=ndarray"):
        marsgeo.jezero.read_outline(far, crs=np.zeros((3, 3)))


def test_fixed_places_come_from_the_data_file_with_their_provenance() -> None:
    import json
    from importlib import resources

    from marsgeo import jezero

    text = resources.files("marsgeo").joinpath("data/jezero_places.json").read_text("utf-8")
    places = {f["feature_id"]: f for f in json.loads(text)["features"]}
    sources = marsgeo.depot.sources()
    features = jezero.jezero_features()
    for fid, place in places.items():
        row = features.loc[fid]
        assert row["confidence"] == place["confidence"] in ("confirmed", "approximate", "inferred")
        for key in place["source"].split("; "):
            assert key in sources  # every source key is cited
    # the landing site as published (Octavia E. Butler Landing, 18.4447 N 77.4509 E)
    assert pytest.approx((77.4509, 18.4446), abs=1e-4) == jezero.LANDING_SITE
    landing = features.loc["octavia_e_butler_landing", "geometry"]
    assert (landing.x, landing.y) == jezero.LANDING_SITE
