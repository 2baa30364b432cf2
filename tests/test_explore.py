"""marsgeo.explore and the add_* layer functions, checked on the page's data."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import LineString, MultiPoint, Point, Polygon

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC, to_mars_lonlat
from marsgeo.errors import CoordinateError, CRSError, InputError
from marsgeo.routing import ASSUMED_LANDER
from marsgeo.webmap import add_places, add_plan, add_tubes

from . import payloads

WEST_OGRAPHIC = "IAU_2015:49901"  # planetographic latitude, west-positive longitude
# Mars IAU 2015 ellipsoid (PROJ's IAU_2015:49901): equatorial and polar radii
A_M, B_M = 3_396_190.0, 3_376_200.0


def draws(page: str, kind: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The (meta, data) of every ``marsgeo.draw(map, kind, meta, data)`` call in the page."""
    out = []
    decoder = json.JSONDecoder()
    for found in re.finditer(r"marsgeo\.draw\(\w+, " + re.escape(json.dumps(kind)) + ", ", page):
        meta, end = decoder.raw_decode(page, found.end())
        data, _ = decoder.raw_decode(page, end + 2)
        out.append((meta, data))
    return out


def legend(page: str) -> dict[str, Any]:
    found = re.search(r"marsgeo\.legend\(\w+, ", page)
    assert found
    data, _ = json.JSONDecoder().raw_decode(page, found.end())
    return data  # type: ignore[no-any-return]


def ographic_west(lon_e: float, lat_c: float) -> tuple[float, float]:
    """Planetocentric east -> planetographic west, by the published formulas."""
    lat_g = math.degrees(math.atan(math.tan(math.radians(lat_c)) * (A_M / B_M) ** 2))
    return (-lon_e) % 360.0, lat_g


@pytest.fixture(scope="module")
def west_shapes() -> gpd.GeoDataFrame:
    """A traverse, a unit and a waypoint in west-positive planetographic degrees."""
    ll = [(77.4030, 18.4510), (77.4050, 18.4522), (77.4071, 18.4531)]
    west = [ographic_west(lon, lat) for lon, lat in ll]
    geoms = [
        LineString(west),
        Polygon([*west, west[0]]),
        MultiPoint(west[:2]),
    ]
    return gpd.GeoDataFrame(
        {"what": ["traverse", "unit", "waypoints"], "sol": [100, 200, np.nan]},
        geometry=geoms,
        crs=WEST_OGRAPHIC,
    )


@pytest.mark.parametrize("basemap", [None, "opm-basemap"])
def test_every_vertex_is_mars_lonlat_in_the_page(
    west_shapes: gpd.GeoDataFrame, basemap: str | None
) -> None:
    # the fixture's formulas hold for the landing site: 77.4508 E, 18.4447 N planetocentric is
    # 282.5492 W, 18.6487 N planetographic
    lon_w, lat_g = ographic_west(77.4508, 18.4447)
    assert (round(lon_w, 4), round(lat_g, 4)) == (282.5492, 18.6487)
    page = marsgeo.explore(west_shapes, basemap=basemap).get_root().render()
    grid = "EPSG3857" if basemap else "EPSG4326"
    assert f"crs: L.CRS.{grid}" in page
    ((meta, data),) = draws(page, "features")
    assert meta["name"] == "Layer 1"
    xy = shapely.get_coordinates(np.asarray(west_shapes.geometry.values, dtype=object))
    lon, lat = to_mars_lonlat(xy[:, 0], xy[:, 1], WEST_OGRAPHIC)
    expected = [[y, x] for x, y in zip(lon, lat, strict=True)]
    line = data["lines"][0]["coords"]
    ring = data["polygons"][0]["rings"][0]
    points = [[p["lat"], p["lon"]] for p in data["points"]]
    assert len(line) == 3 and len(ring) == 4 and len(points) == 2
    np.testing.assert_allclose(line + ring + points, expected, atol=1e-9, rtol=0)
    # and the planetocentric east values the fixture started from
    np.testing.assert_allclose(line[0], [18.4510, 77.4030], atol=1e-9)


def test_a_category_column_colours_and_lists_each_value() -> None:
    gdf = gpd.GeoDataFrame(
        {"unit": ["Seitah", "Maaz", "Seitah", None]},
        geometry=[Point(77.40 + k * 1e-4, 18.45) for k in range(4)],
        crs=MARS_GEOGRAPHIC,
    )
    page = marsgeo.explore(gdf, column="unit", name="Units", basemap=None).get_root().render()
    ((_, data),) = draws(page, "features")
    fills = [p["style"]["fillColor"] for p in data["points"]]
    assert fills[0] == fills[2] != fills[1]
    assert len(set(fills)) == 3  # two units and the missing value
    items = {text: colour for colour, text in legend(page)["items"]}
    assert items["unit = Seitah"] == fills[0] and items["unit = Maaz"] == fills[1]
    assert items["unit: no value"] == fills[3]
    assert legend(page)["title"] == "Units"


def test_a_numeric_column_takes_a_ramp_with_min_and_max_in_the_legend() -> None:
    gdf = gpd.GeoDataFrame(
        {"slope_deg": [2.5, 10.0, 17.5, math.nan]},
        geometry=[
            LineString([(77.40, 18.45 + k * 1e-4), (77.401, 18.45 + k * 1e-4)]) for k in range(4)
        ],
        crs=MARS_GEOGRAPHIC,
    )
    page = marsgeo.explore(gdf, column="slope_deg", basemap=None).get_root().render()
    ((_, data),) = draws(page, "features")
    colours = [item["style"]["color"] for item in data["lines"]]
    # the ends of the viridis ramp (matplotlib's published values) and its middle
    assert colours[0] == "#440154" and colours[2] == "#fde725" and colours[1] == "#21918c"
    assert colours[3] != colours[0] and colours[3] not in colours[:3]
    texts = [text for _, text in legend(page)["items"]]
    assert "slope_deg = 2.5 (lowest)" in texts and "slope_deg = 17.5 (highest)" in texts


def test_tooltip_and_popup_show_the_columns_asked_for(west_shapes: gpd.GeoDataFrame) -> None:
    page = (
        marsgeo.explore(west_shapes, tooltip=["what"], popup=False, basemap=None)
        .get_root()
        .render()
    )
    ((_, data),) = draws(page, "features")
    assert data["lines"][0]["tip"] == [["what", "traverse"]]
    assert all("popup" not in item for kind in data.values() for item in kind)
    page = marsgeo.explore(west_shapes, tooltip=False, basemap=None).get_root().render()
    ((_, data),) = draws(page, "features")
    unit = data["polygons"][0]
    assert "tip" not in unit
    assert unit["popup"] == [["what", "unit"], ["sol", "200"]]
    assert data["points"][0]["popup"][1] == ["sol", None]  # a missing value shows as nothing


def test_style_reaches_every_feature_and_the_column_colour_wins_the_fill() -> None:
    gdf = gpd.GeoDataFrame(
        {"k": ["a", "b"]},
        geometry=[Point(77.40, 18.45).buffer(1e-4), Point(77.41, 18.45).buffer(1e-4)],
        crs=MARS_GEOGRAPHIC,
    )
    style = {"color": "#000000", "weight": 4, "dashArray": "4 2", "fillOpacity": 0.5}
    page = marsgeo.explore(gdf, column="k", style=style, basemap=None).get_root().render()
    ((_, data),) = draws(page, "features")
    for item in data["polygons"]:
        assert {k: item["style"][k] for k in style} == style
    assert data["polygons"][0]["style"]["fillColor"] != data["polygons"][1]["style"]["fillColor"]


def test_layers_added_later_are_in_the_legend_and_layer_control() -> None:
    tubes = marsgeo.load_depot()
    plan = marsgeo.plan_pickup(tubes, lander=ASSUMED_LANDER)
    one_call = marsgeo.depot_map(tubes, plan=plan, basemap=None).get_root().render()
    m = marsgeo.depot_map(tubes, basemap=None)
    traverse = gpd.GeoDataFrame(
        {"name": ["drive"]},
        geometry=[LineString([(77.4060, 18.4520), (77.4080, 18.4530)])],
        crs=MARS_GEOGRAPHIC,
    )
    page = marsgeo.explore(traverse, m=add_plan(m, plan), name="Traverse").get_root().render()
    assert legend(page)["notes"] == legend(one_call)["notes"]
    assert legend(page)["items"][: len(legend(one_call)["items"])] == legend(one_call)["items"]
    assert legend(page)["items"][-1][1] == "Traverse"
    kinds = ("points", "tubeMarkers", "features")
    names = [meta["name"] for kind in kinds for meta, _ in draws(page, kind)]
    assert {"Tubes", "Lander, pad, landing and relay spots", "Traverse"} <= set(names)
    # every layer is drawn before the controls that list them
    last_layer = max(found.start() for found in re.finditer(r"marsgeo\.draw\(", page))
    assert last_layer < page.index("marsgeo.legend(") < page.index("marsgeo.layers(")


def test_depot_map_adds_to_an_explore_map_and_takes_its_title() -> None:
    rim = marsgeo.jezero_features()
    m = marsgeo.explore(rim, basemap=None, name="Jezero", tooltip=["name"])
    out = marsgeo.depot_map(marsgeo.load_depot(), m=m, places=None, title="Depot")
    assert out is m
    page = m.get_root().render()
    assert legend(page)["title"] == "Jezero"  # the map keeps its title
    assert page.count('"cls":"marsgeo-tube"') == 10
    assert "Tubes" in [meta["name"] for meta, _ in draws(page, "tubeMarkers")]
    assert "marsgeo.timeline(" in page


def test_add_functions_compose_into_depot_map() -> None:
    tubes = marsgeo.load_depot()
    m = marsgeo.explore(tubes.iloc[:1], basemap=None, name="first tube")
    add_places(m)
    add_tubes(m, tubes, timeline=False)
    page = m.get_root().render()
    assert '"Jezero places"' in page and '"Jezero outlines"' in page
    assert page.count('"cls":"marsgeo-tube"') == 10 and "marsgeo.timeline(" not in page
    assert "Tube positions: inferred, within about 2 m." in legend(page)["notes"]


def test_property_names_and_values_stay_data(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    texts = payloads.payloads(marker)
    zones = payloads.zones(texts, lon=77.4072, lat=18.4530, column="reason")
    zones[texts[0]] = texts  # a payload as a column name
    page = marsgeo.explore(zones, column=texts[0], name=texts[6]).get_root().render()
    for text in texts:
        assert payloads.as_data(text) in page
    assert payloads.EVALUATED not in page and not marker.exists()
    assert "<img src=x" not in page and "<script>alert" not in page


# --- refusals ---------------------------------------------------------------------------


def _points(**kw: Any) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": ["a", "b"]}, geometry=[Point(77.40, 18.45), Point(77.41, 18.45)], **kw
    )


def test_earth_or_no_crs_is_refused_with_the_fix() -> None:
    with pytest.raises(CRSError, match=r"Earth CRS.*set_crs\(marsgeo\.crs\.MARS_GEOGRAPHIC"):
        marsgeo.explore(_points(crs="EPSG:4326"))
    with pytest.raises(CRSError, match=r"no CRS.*set_crs"):
        marsgeo.explore(_points())


def test_empty_data_and_other_geometries_are_refused() -> None:
    with pytest.raises(InputError, match="empty"):
        marsgeo.explore(_points(crs=MARS_GEOGRAPHIC).iloc[:0])
    odd = gpd.GeoDataFrame(
        geometry=[shapely.GeometryCollection([Point(77.4, 18.45)])], crs=MARS_GEOGRAPHIC
    )
    with pytest.raises(InputError, match="GeometryCollection"):
        marsgeo.explore(odd)
    with pytest.raises(CoordinateError):
        marsgeo.explore(
            gpd.GeoDataFrame(geometry=[Point(77.4, 95.0)], crs=MARS_GEOGRAPHIC), basemap=None
        )


def test_bad_options_are_named_all_at_once() -> None:
    gdf = _points(crs=MARS_GEOGRAPHIC)
    with pytest.raises(InputError) as err:
        marsgeo.explore(
            gdf,
            tooltip=["name", "nope"],
            popup=["gone"],
            column="missing",
            style={"color": "red", "onclick": "x", "weight": -1},
        )
    text = str(err.value)
    for word in ("'nope'", "'gone'", "column='missing'", "'onclick'", "style['weight']=-1"):
        assert word in text


def test_maps_marsgeo_did_not_make_are_refused() -> None:
    gdf = _points(crs=MARS_GEOGRAPHIC)
    with pytest.raises(CRSError, match="did not make"):
        marsgeo.explore(gdf, m=folium.Map(tiles=None))
    with pytest.raises(CRSError, match="did not make"):
        marsgeo.depot_map(marsgeo.load_depot(), m=folium.Map(tiles=None))
    with pytest.raises(InputError, match="must be a map from marsgeo"):
        add_tubes("map", marsgeo.load_depot())  # type: ignore[arg-type]
