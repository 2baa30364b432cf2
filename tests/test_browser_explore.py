"""marsgeo.explore pages in a real headless Chromium, every request outside ``file:`` blocked.

Without a Chromium these tests skip, unless MARSGEO_REQUIRE_BROWSER=1 (as CI sets).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely import LineString, Polygon

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC, from_mars_lonlat, to_mars_lonlat

from . import payloads, test_browser
from .test_browser import Page

#: the headless Chromium of the map tests (a pytest fixture)
browser = test_browser.browser

WEST_OGRAPHIC = "IAU_2015:49901"


def shown(text: str, limit: int) -> str:
    """How the map shows a text: at most ``limit`` characters, then how long it is."""
    return text if len(text) <= limit else f"{text[:limit]}… [{len(text):,} characters]"


def layer_of(name: str) -> str:
    """JS: the Leaflet layers of the registered layer called ``name`` (as JSON)."""
    return f"marsgeo.registry.find(e => e.name === {name!r}).layer.getLayers()"


def open_text(p: Page, k: int, what: str) -> str:
    """Open feature ``k``'s popup or tooltip and return its text."""
    p.js(f"MAP.closePopup(); marsgeo.registry[0].layer.getLayers()[{k}].open{what}()")
    box = p.page.locator(f".leaflet-{what.lower()}").last
    box.wait_for()
    return str(box.inner_text())


def test_hostile_properties_are_shown_as_text(browser: Any, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    texts = payloads.payloads(marker)
    n = len(texts)
    geoms: list[Any] = []
    for k in range(n):
        x, y = 77.400 + 0.0004 * k, 18.450
        if k % 2:
            geoms.append(Polygon([(x, y), (x + 3e-4, y), (x + 3e-4, y + 3e-4), (x, y)]))
        else:
            geoms.append(LineString([(x, y), (x + 3e-4, y + 3e-4)]))
    # every payload is a column name, and every row holds every payload as a value
    columns = {text: [texts[(j + k) % n] for k in range(n)] for j, text in enumerate(texts)}
    gdf = gpd.GeoDataFrame(columns, geometry=geoms, crs=MARS_GEOGRAPHIC)
    m = marsgeo.explore(gdf, column=texts[0], name=texts[6], basemap=None)
    p = Page(browser, marsgeo.save_map(m, tmp_path / "hostile.html", offline=True), wait=False)
    p.page.wait_for_function("window.marsgeo && marsgeo.registry.length > 0")
    assert p.js("marsgeo.registry[0].layer.getLayers().length") == n
    # polygons are drawn first: the layers are rows 1, 3, 5, 7 (polygons), then 0, 2, ...
    for index, k in ((4, 0), (0, 1)):  # a line, a polygon
        for what in ("Popup", "Tooltip"):
            text = open_text(p, index, what)
            for j, name in enumerate(texts):
                row = f"{shown(name, 80)}\t{texts[(j + k) % n]}"
                assert row in text, (what, k, row)
    assert p.page.locator(".leaflet-popup img, .leaflet-tooltip img").count() == 0
    assert p.page.locator(".marsgeo-legend-title").inner_text() == texts[6]
    legend = p.page.locator(".marsgeo-legend").inner_text()
    assert f"{shown(texts[0], 80)} = {texts[0]}" in legend
    p.page.locator(".leaflet-control-layers").hover()
    assert texts[6] in p.page.locator(".leaflet-control-layers-overlays").inner_text()
    assert p.page.locator(".leaflet-control-layers img, .marsgeo-legend img").count() == 0
    p.page.wait_for_timeout(200)
    assert p.dialogs == [] and p.errors == [] and p.network() == []
    assert p.js("window.PWNED") is None and not marker.exists()
    p.shot("explore_hostile.png")
    p.page.close()


def test_explore_on_a_depot_map_shows_both_at_their_mars_positions(
    browser: Any, tmp_path: Path
) -> None:
    tubes = marsgeo.load_depot()
    # a traverse and a unit given in west-positive planetographic degrees
    lon = np.array([77.4040, 77.4056, 77.4071])
    lat = np.array([18.4512, 18.4524, 18.4531])
    x, y = from_mars_lonlat(lon, lat, WEST_OGRAPHIC)
    pts = list(zip(x, y, strict=True))
    data = gpd.GeoDataFrame(
        {"name": ["traverse", "unit"]},
        geometry=[LineString(pts), Polygon(pts)],
        crs=WEST_OGRAPHIC,
    )
    m = marsgeo.explore(data, m=marsgeo.depot_map(tubes, basemap=None), name="Traverse")
    p = Page(browser, marsgeo.save_map(m, tmp_path / "layered.html", offline=True))
    assert p.errors == [] and p.network() == []
    p.page.locator(".leaflet-control-layers").hover()
    overlays = p.page.locator(".leaflet-control-layers-overlays label")
    for name in ("Tubes", "Traverse"):
        label = overlays.filter(has_text=name)
        assert label.count() == 1 and label.locator("input").is_checked()
    # Leaflet's own latLng of every vertex, against the data converted independently
    # polygons are drawn first; Leaflet drops a ring's closing vertex
    poly, line = p.js(
        f"{layer_of('Traverse')}.map(l => l.getLatLngs().flat().map(v => [v.lng, v.lat]))"
    )
    xy = shapely.get_coordinates(np.asarray(data.geometry.values, dtype=object))
    e_lon, e_lat = to_mars_lonlat(xy[:, 0], xy[:, 1], WEST_OGRAPHIC)
    expected = np.column_stack([e_lon, e_lat])
    np.testing.assert_allclose(line, expected[:3], atol=1e-9, rtol=0)
    np.testing.assert_allclose(poly, expected[3:6], atol=1e-9, rtol=0)
    np.testing.assert_allclose(expected[:3], np.column_stack([lon, lat]), atol=1e-9)
    tube = p.js("marsgeo.tubes.map(t => [t.marker.getLatLng().lng, t.marker.getLatLng().lat])")
    np.testing.assert_allclose(
        sorted(tube),
        sorted(zip(tubes.geometry.x, tubes.geometry.y, strict=True)),
        atol=1e-9,
        rtol=0,
    )
    p.shot("explore_on_depot.png")
    p.page.close()
