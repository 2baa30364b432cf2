"""A 10 000-tube map (a point cloud on one canvas) in a real headless Chromium.

Every request outside ``file:`` is blocked. Without a Chromium these tests skip, unless
MARSGEO_REQUIRE_BROWSER=1 (as CI sets).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC
from marsgeo.webmap import NAME_CHARS, SAMPLE_COLORS

from . import payloads, test_browser
from .test_browser import Page

#: the headless Chromium of the map tests (a pytest fixture)
browser = test_browser.browser

N = 10_000
TYPES = ["igneous", "sedimentary", "regolith", "atmospheric"]
# the pixel at a point's centre: its fill colour, opaque
FILL_ALPHA = 255


def shown(text: str, limit: int) -> str:
    """How the map shows a text: at most ``limit`` characters, then how long it is."""
    return text if len(text) <= limit else f"{text[:limit]}… [{len(text):,} characters]"


def rgb(colour: str) -> list[int]:
    return list(bytes.fromhex(colour.lstrip("#")))


def catalogue(marker: Path) -> gpd.GeoDataFrame:
    """10 000 tubes: a dense field, and a row of tubes apart from it named by the payloads."""
    rng = np.random.default_rng(15)
    hostile = payloads.payloads(marker)
    k = len(hostile)
    lon = np.concatenate([77.401 + 0.002 * np.arange(k), rng.uniform(77.400, 77.420, N - k)])
    lat = np.concatenate([np.full(k, 18.4480), rng.uniform(18.4500, 18.4620, N - k)])
    kinds = [TYPES[i % len(TYPES)] for i in range(k)] + list(rng.choice(TYPES, N - k))
    return gpd.GeoDataFrame(
        {
            "name": hostile + [f"tube {i}" for i in range(k, N)],
            "sample_type": kinds,
            "remark": [f"{hostile[(i + 3) % k]} \U0001f680 é {i}" for i in range(N)],
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=MARS_GEOGRAPHIC,
        index=pd.RangeIndex(1, N + 1, name="tube_id"),
    )


@pytest.fixture(scope="module")
def cloud_page(browser: Any) -> Iterator[Page]:
    tmp = Path(tempfile.mkdtemp())
    tubes = catalogue(tmp / "pwned")
    m = marsgeo.depot_map(tubes, basemap=None, places=None, pairwise=False)
    page = Page(browser, marsgeo.save_map(m, tmp / "cloud.html", offline=True), wait=False)
    page.page.wait_for_function("marsgeo.clouds && marsgeo.clouds.every(c => c.draws > 0)")
    page.tubes = tubes  # type: ignore[attr-defined]
    page.marker = tmp / "pwned"  # type: ignore[attr-defined]
    yield page
    page.page.close()


TUBES = "marsgeo.clouds.find(c => c.data.cls === 'marsgeo-cloud-tubes')"


def screen(p: Page, lon: float, lat: float, layer: str = TUBES) -> dict[str, float]:
    """Where (lon, lat) is on the screen (page coordinates) and in the canvas's pixels."""
    return p.js(  # type: ignore[no-any-return]
        f"""(() => {{
          const cv = {layer}._canvas, cp = MAP.latLngToContainerPoint([{lat}, {lon}]);
          const box = cv.getBoundingClientRect();
          const at = MAP.getContainer().getBoundingClientRect();
          const ratio = cv.width / box.width;
          return {{x: at.left + cp.x, y: at.top + cp.y,
                   cx: Math.round((at.left + cp.x - box.left) * ratio),
                   cy: Math.round((at.top + cp.y - box.top) * ratio),
                   w: at.width, h: at.height, left: at.left, top: at.top}};
        }})()"""
    )


def pixel(p: Page, lon: float, lat: float) -> list[int]:
    at = screen(p, lon, lat)
    return p.js(  # type: ignore[no-any-return]
        f"Array.from({TUBES}._canvas.getContext('2d')"
        f".getImageData({at['cx']}, {at['cy']}, 1, 1).data)"
    )


def row_points(p: Page) -> list[tuple[int, float, float, str, str]]:
    """The row of named tubes apart from the field: (position, lon, lat, name, colour)."""
    tubes = p.tubes  # type: ignore[attr-defined]
    k = len(payloads.payloads(Path("x")))
    return [
        (
            i,
            float(tubes.geometry.x.iloc[i]),
            float(tubes.geometry.y.iloc[i]),
            str(tubes["name"].iloc[i]),
            SAMPLE_COLORS[tubes["sample_type"].iloc[i]],
        )
        for i in range(k)
    ]


def in_view(p: Page, lon: float, lat: float) -> bool:
    at = screen(p, lon, lat)
    return 20 < at["x"] - at["left"] < at["w"] - 20 and 20 < at["y"] - at["top"] < at["h"] - 20


def assert_drawn_at_points(p: Page) -> int:
    seen = 0
    for _, lon, lat, _, colour in row_points(p):
        if not in_view(p, lon, lat):
            continue
        r, g, b, a = pixel(p, lon, lat)
        assert max(abs(u - v) for u, v in zip((r, g, b), rgb(colour), strict=True)) <= 2
        assert abs(a - FILL_ALPHA) <= 2
        seen += 1
    return seen


def test_cloud_page_loads_offline_and_draws_the_points(cloud_page: Page) -> None:
    p = cloud_page
    assert p.errors == [] and p.network() == []
    assert p.js(f"{TUBES}.n") == N
    assert p.page.locator("canvas.marsgeo-cloud").count() == 2  # the tubes, their nn lines
    assert p.page.locator(".marsgeo-tube").count() == 0  # no marker per tube
    assert assert_drawn_at_points(p) == len(row_points(p))
    # the last tube is drawn on top of the field: its colour is at its centre
    tubes = p.tubes  # type: ignore[attr-defined]
    last = tubes.iloc[-1]
    colour = pixel(p, last.geometry.x, last.geometry.y)
    assert colour == [*rgb(SAMPLE_COLORS[last["sample_type"]]), FILL_ALPHA]
    # between two tubes of the row, nothing is drawn
    (_, x0, y0, _, _), (_, x1, _, _, _) = row_points(p)[:2]
    assert pixel(p, (x0 + x1) / 2, y0)[3] == 0
    legend = p.page.locator(".marsgeo-legend").inner_text()
    assert "point cloud" in legend and f"{N:,}" in legend
    p.shot("cloud_10000.png")
    # the layer control lists the cloud as any layer; turned off, its canvas is gone
    names = p.page.locator(".leaflet-control-layers .marsgeo-layer-name").all_inner_texts()
    assert {"Tubes", "Nearest-neighbour distances"} <= set(names)
    group = "marsgeo.registry.find(e => e.name === 'Tubes').layer"
    p.js(f"MAP.removeLayer({group})")
    assert p.page.locator("canvas.marsgeo-cloud-tubes").count() == 0
    p.js(f"MAP.addLayer({group})")
    p.page.wait_for_function(f"{TUBES}._canvas && {TUBES}.grid")
    assert assert_drawn_at_points(p) == len(row_points(p))


def test_hover_shows_the_name_as_text(cloud_page: Page) -> None:
    p = cloud_page
    marker = p.marker  # type: ignore[attr-defined]
    for _, lon, lat, name, _ in row_points(p):
        at = screen(p, lon, lat)
        p.page.mouse.move(at["x"], at["y"])
        tip = p.page.locator(".marsgeo-cloud-tip").last  # the one before fades out
        tip.wait_for()
        assert tip.inner_text() == shown(name, NAME_CHARS)
    p.page.mouse.move(5, 400)  # off every tube: the tooltip goes
    p.page.locator(".marsgeo-cloud-tip").last.wait_for(state="detached")
    assert p.dialogs == [] and p.js("window.PWNED === undefined")
    assert not marker.exists()
    assert p.errors == [] and p.network() == []


def test_click_opens_the_popup_with_the_values(cloud_page: Page) -> None:
    p = cloud_page
    tubes = p.tubes  # type: ignore[attr-defined]
    for i, lon, lat, name, _ in row_points(p)[::4]:
        at = screen(p, lon, lat)
        p.page.mouse.click(at["x"], at["y"])
        popup = p.page.locator(".marsgeo-cloud-popup .leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        assert shown(name, NAME_CHARS) in text
        assert f"tube id\t{tubes.index[i]}" in text
        assert f"sample_type\t{tubes['sample_type'].iloc[i]}" in text
        assert shown(str(tubes["remark"].iloc[i]), 300) in text
        snapped = f"{round(lon * 1e7) / 1e7:.7f} E, {round(lat * 1e7) / 1e7:.7f} N"
        assert snapped in text
        p.js("MAP.closePopup()")
        p.page.wait_for_timeout(300)  # the popup's auto-pan, if any, ends
    assert p.dialogs == [] and p.errors == [] and p.network() == []


def test_points_are_redrawn_after_a_zoom(cloud_page: Page) -> None:
    p = cloud_page
    _, lon, lat, _, _ = row_points(p)[4]
    before = p.js(f"{TUBES}.draws")
    zoom = p.js("MAP.getZoom()")
    p.js(f"MAP.setView([{lat}, {lon}], MAP.getZoom() + 1)")  # animated, as a user zooms
    p.page.wait_for_function(
        f"{TUBES}.draws > {before} && !{p.map}._animatingZoom && {p.map}.getZoom() === {zoom + 1}"
    )
    p.page.wait_for_timeout(100)
    assert assert_drawn_at_points(p) >= 3
    assert p.errors == [] and p.network() == []
    p.shot("cloud_10000_zoomed.png")


def test_explore_cloud_shows_tooltip_columns_and_popup(browser: Any, tmp_path: Path) -> None:
    hostile = payloads.payloads(tmp_path / "pwned")
    n, k = 2_500, len(hostile)
    rng = np.random.default_rng(2)
    lon = np.concatenate([[77.3950], rng.uniform(77.400, 77.410, n - 1)])
    lat = np.concatenate([[18.4500], rng.uniform(18.450, 18.456, n - 1)])
    gdf = gpd.GeoDataFrame(
        {"unit": [hostile[i % k] for i in range(n)], "depth_m": np.arange(n) * 0.5},
        geometry=gpd.points_from_xy(lon, lat),
        crs=MARS_GEOGRAPHIC,
    )
    m = marsgeo.explore(gdf, column="unit", tooltip=["unit"], name=hostile[2], basemap=None)
    p = Page(browser, marsgeo.save_map(m, tmp_path / "explore.html", offline=True), wait=False)
    try:
        p.page.wait_for_function("marsgeo.clouds && marsgeo.clouds[0].draws > 0")
        layer = "marsgeo.clouds[0]"
        for i in (0, n - 1):  # apart from the field; drawn last, on top
            at = screen(p, lon[i], lat[i], layer)
            p.page.mouse.move(at["x"], at["y"])
            tip = p.page.locator(".marsgeo-cloud-tip").last
            tip.wait_for()
            assert tip.inner_text() == f"unit\t{shown(hostile[i % k], 300)}"
            p.page.mouse.click(at["x"], at["y"])
            popup = p.page.locator(".marsgeo-cloud-popup .leaflet-popup-content")
            popup.wait_for()
            text = popup.inner_text()
            assert text.startswith(f"{shown(hostile[2], NAME_CHARS)}: {i}\n")
            assert f"depth_m\t{i * 0.5:.8g}" in text and shown(hostile[i % k], 300) in text
            p.js("MAP.closePopup()")
            p.page.wait_for_timeout(300)
        assert p.dialogs == [] and p.js("window.PWNED === undefined")
        assert p.errors == [] and p.network() == []
    finally:
        p.page.close()
