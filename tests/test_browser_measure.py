"""The measuring tool and the DTM's elevations in a real headless Chromium, network blocked.

Measuring snaps to tubes (no popup, no pan), gives bearings and areas on the Mars sphere,
clears with Esc and copies its result; the cursor readout and the measured line's profile show
the DTM's elevation as :func:`marsgeo.basemap.sample_raster` gives it. Without a Chromium
these tests skip, unless MARSGEO_REQUIRE_BROWSER=1 (as CI sets).
"""

from __future__ import annotations

import itertools
import math
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import pytest
from shapely import points as shapely_points

import marsgeo
from marsgeo.basemap import sample_raster, synthetic_dtm
from marsgeo.crs import MARS_GEOGRAPHIC
from marsgeo.routing import ASSUMED_LANDER

from . import test_browser
from .reference import MARS_R
from .test_browser import Page

#: the headless Chromium of the map tests (a pytest fixture)
browser = test_browser.browser

#: the quantisation step of the synthetic DTM's embedded elevations [m] (range < 65.5 m)
STEP = 0.001


def initial_bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing, degrees clockwise from true north, 0-360."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def elevations(lonlat: list[tuple[float, float]]) -> np.ndarray:
    """sample_raster of the synthetic DTM at Mars lon/lat points (NaN off it)."""
    lon, lat = np.array(lonlat, dtype=float).T
    pts = gpd.GeoSeries(shapely_points(lon, lat), crs=MARS_GEOGRAPHIC)
    return sample_raster(synthetic_dtm(), pts, outside="nan").to_numpy()


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Page]:
    tmp = Path(tempfile.mkdtemp())
    tubes = marsgeo.load_depot()
    plan = marsgeo.plan_pickup(tubes, lander=ASSUMED_LANDER)
    m = marsgeo.depot_map(tubes, plan=plan, basemap=None, terrain="synthetic")
    p = Page(browser, marsgeo.save_map(m, tmp / "measure.html", offline=True))
    p.js("marsgeo.elevationReady.then(() => null)")  # the elevations are unpacked
    p.tubes = tubes  # type: ignore[attr-defined]
    p.view = p.js("[MAP.getCenter().lat, MAP.getCenter().lng, MAP.getZoom()]")  # type: ignore[attr-defined]
    yield p
    assert p.errors == []
    assert p.network() == []
    p.page.close()


@pytest.fixture
def measuring(page: Page) -> Iterator[Page]:
    """The page in measure mode at its opening view; measuring off again afterwards."""
    lat, lon, zoom = page.view  # type: ignore[attr-defined]
    page.js(
        f"void MAP.closePopup(); void MAP.stop(); void MAP.setView([{lat}, {lon}], {zoom}, "
        "{animate: false})"
    )
    # a closed popup fades out for 200 ms, catching clicks meanwhile
    page.page.wait_for_function("!document.querySelector('.leaflet-popup')")
    page.page.locator(".marsgeo-measure-button").click()
    assert page.js("marsgeo.measuring") is True
    yield page
    if page.js("marsgeo.measuring"):
        page.page.locator(".marsgeo-measure-button").click()
    assert page.js("marsgeo.measuring") is False


def tube_centre(p: Page, k: int) -> tuple[float, float]:
    """The screen centre of tube ``k``'s marker element."""
    box = p.js(f"marsgeo.tubes[{k}].marker.getElement().getBoundingClientRect().toJSON()")
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def tube_lonlat(p: Page, k: int) -> tuple[float, float]:
    name = p.js(f"marsgeo.tubes[{k}].name")
    row = p.tubes.loc[p.tubes["name"] == name].iloc[0]  # type: ignore[attr-defined]
    return float(row.geometry.x), float(row.geometry.y)


def tube_id(p: Page, k: int) -> Any:
    name = p.js(f"marsgeo.tubes[{k}].name")
    return p.tubes.index[p.tubes["name"] == name][0]  # type: ignore[attr-defined]


def test_measuring_snaps_to_tubes_without_popup_or_pan(measuring: Page) -> None:
    p = measuring
    a, b = 0, 7  # Malay and Skyland: 31 m apart, with other tubes and lines in between
    centre = p.js("(() => { const c = MAP.getCenter(); return [c.lat, c.lng, MAP.getZoom()]; })()")
    for k in (a, b):
        x, y = tube_centre(p, k)
        p.page.mouse.click(x, y)
        p.page.wait_for_timeout(350)  # an auto-pan would have started by now
    r = p.js("marsgeo.measureResult()")
    assert len(r["points"]) == 2
    for pt, k in zip(r["points"], (a, b), strict=True):
        lon, lat = tube_lonlat(p, k)
        assert (pt["lon"], pt["lat"]) == (lon, lat)  # the tube's own position
        assert pt["tube"] == p.js(f"marsgeo.tubes[{k}].name")
    expected = float(marsgeo.distance_matrix(p.tubes).loc[tube_id(p, a), tube_id(p, b)])  # type: ignore[attr-defined]
    assert r["total"] == pytest.approx(expected, rel=1e-6)
    (lon1, lat1), (lon2, lat2) = tube_lonlat(p, a), tube_lonlat(p, b)
    assert r["legs"][0]["bearing"] == pytest.approx(
        initial_bearing(lat1, lon1, lat2, lon2), abs=1e-6
    )
    assert p.page.locator(".leaflet-popup").count() == 0
    after = p.js("(() => { const c = MAP.getCenter(); return [c.lat, c.lng, MAP.getZoom()]; })()")
    assert after == centre
    text = p.page.locator(".marsgeo-measure-out").inner_text()
    assert f"{expected:.2f} m on Mars" in text and "bearing" in text
    p.shot("measure_tubes.png")


def test_a_click_near_a_tube_snaps_to_it(measuring: Page) -> None:
    p = measuring
    x, y = tube_centre(p, 2)
    p.page.mouse.click(x + 5, y - 4)  # beside the marker, within a few pixels
    far = tube_centre(p, 9)
    at = (round(far[0]) + 60, round(far[1]) + 60)
    p.page.mouse.click(*at)  # open ground: no snapping
    r = p.js("marsgeo.measureResult()")
    lon, lat = tube_lonlat(p, 2)
    assert (r["points"][0]["lon"], r["points"][0]["lat"]) == (lon, lat)
    assert r["points"][1]["tube"] is None
    clicked = p.js(
        f"(() => {{ const r = MAP.getContainer().getBoundingClientRect(); "
        f"const l = MAP.containerPointToLatLng([{at[0]} - r.left, {at[1]} - r.top]); "
        "return [l.lat, l.lng]; })()"
    )
    assert r["points"][1]["lat"] == pytest.approx(clicked[0], abs=1e-12)


def test_area_of_three_tubes_is_the_spherical_area(measuring: Page) -> None:
    p = measuring
    ks = (0, 5, 8)
    for k in ks:
        p.page.mouse.click(*tube_centre(p, k))
    r = p.js("marsgeo.measureResult()")
    lonlat = [tube_lonlat(p, k) for k in ks]
    geod = pyproj.Geod(a=MARS_R, b=MARS_R)
    area, perimeter = geod.polygon_area_perimeter([q[0] for q in lonlat], [q[1] for q in lonlat])
    assert r["area"] == pytest.approx(abs(area), rel=1e-6)
    legs = [leg["distance"] for leg in r["legs"]]
    closing = geod.inv(*lonlat[2], *lonlat[0])[2]
    assert sum(legs) + closing == pytest.approx(perimeter, rel=1e-9)
    for leg, (q1, q2) in zip(r["legs"], itertools.pairwise(lonlat), strict=True):
        assert leg["bearing"] == pytest.approx(
            initial_bearing(q1[1], q1[0], q2[1], q2[0]), abs=1e-6
        )
    shown = p.page.locator(".marsgeo-measure-out").inner_text()
    assert f"area {abs(area):.2f} m²" in shown


def test_escape_clears_then_leaves_measuring(measuring: Page) -> None:
    p = measuring
    p.page.mouse.click(*tube_centre(p, 1))
    p.page.mouse.click(*tube_centre(p, 3))
    assert len(p.js("marsgeo.measureResult().points")) == 2
    p.page.keyboard.press("Escape")
    assert p.js("marsgeo.measureResult().points") == []
    assert p.js("marsgeo.measureProfile()") == []
    assert p.js("marsgeo.measuring") is True
    p.page.keyboard.press("Escape")
    assert p.js("marsgeo.measuring") is False
    # out of measure mode a tube opens its popup again
    p.page.mouse.click(*tube_centre(p, 4))
    p.page.wait_for_function("marsgeo.tubes[4].marker.isPopupOpen()")
    p.js("void MAP.closePopup()")


def test_copy_falls_back_to_a_text_box_and_uses_the_clipboard(measuring: Page) -> None:
    p = measuring
    ks = (0, 5, 8)
    for k in ks:
        p.page.mouse.click(*tube_centre(p, k))
    r = p.js("marsgeo.measureResult()")
    # a page without the clipboard API (e.g. a file: page in some browsers)
    p.js("Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true})")
    p.page.get_by_role("button", name="Copy the measurement as text").click()
    box = p.page.locator(".marsgeo-measure-copy")
    assert box.is_visible()
    text = box.input_value()
    for k, pt in zip(ks, r["points"], strict=True):
        lon, lat = tube_lonlat(p, k)
        assert f"lon {lon:.8f} E, lat {lat:.8f} N" in text
        assert pt["tube"] in text
    for leg in r["legs"]:
        assert f"{leg['distance']:.4f} m" in text and f"{leg['bearing']:.4f} deg" in text
    assert f"total: {r['total']:.4f} m" in text
    assert f"{r['area']:.4f} m^2" in text
    assert p.js("document.activeElement.className") == "marsgeo-measure-copy"
    # with a clipboard, the same text goes to it
    p.js(
        "window.copied = null; Object.defineProperty(navigator, 'clipboard', {value: "
        "{writeText: t => { window.copied = t; return Promise.resolve(); }}, "
        "configurable: true})"
    )
    p.page.get_by_role("button", name="Copy the measurement as text").click()
    p.page.wait_for_function("window.copied !== null")
    assert p.js("window.copied") == text
    status = p.page.locator(".marsgeo-measure-status")
    assert status.inner_text() == "Copied to the clipboard."


def test_measure_button_works_from_the_keyboard(page: Page) -> None:
    p = page
    button = p.page.get_by_role("button", name="Measure distance, bearing and area on Mars")
    assert button.count() == 1
    assert button.get_attribute("aria-pressed") == "false"
    button.focus()
    p.page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "true" and p.js("marsgeo.measuring")
    p.page.keyboard.press("Escape")  # nothing measured: Esc leaves measuring
    assert button.get_attribute("aria-pressed") == "false" and not p.js("marsgeo.measuring")


def show_the_dtm(p: Page) -> None:
    """Frame the whole synthetic DTM (2 km) on screen."""
    w, s, e, n = synthetic_dtm().lonlat_bounds()
    p.js(f"void MAP.fitBounds([[{s}, {w}], [{n}, {e}]], {{animate: false}})")


def test_profile_across_the_synthetic_dtm_is_sample_raster(measuring: Page) -> None:
    p = measuring
    view = p.js("(() => { const c = MAP.getCenter(); return [c.lat, c.lng, MAP.getZoom()]; })()")
    try:
        show_the_dtm(p)
        size = p.js("MAP.getSize()")
        left = p.js("MAP.getContainer().getBoundingClientRect().toJSON()")
        # from off the DTM (west) across it to a point on it, then a second leg
        clicks = [(0.02, 0.55), (0.6, 0.4), (0.55, 0.75)]  # clear of the controls
        for fx, fy in clicks:
            p.page.mouse.click(left["x"] + size["x"] * fx, left["y"] + size["y"] * fy)
        prof = p.js("marsgeo.measureProfile()")
        r = p.js("marsgeo.measureResult()")
        assert len(r["points"]) == 3 and len(prof) == 201
        d = np.array([q["d"] for q in prof])
        assert d[0] == 0 and d[-1] == pytest.approx(r["total"], rel=1e-12)
        assert np.allclose(np.diff(d), r["total"] / 200, rtol=1e-9)  # even steps
        # every profile point is on the measured great circles
        geod = pyproj.Geod(a=MARS_R, b=MARS_R)
        first = geod.inv(
            r["points"][0]["lon"], r["points"][0]["lat"], prof[50]["lon"], prof[50]["lat"]
        )[2]
        assert first == pytest.approx(d[50], rel=1e-9)
        truth = elevations([(q["lon"], q["lat"]) for q in prof])
        shown = np.array([np.nan if q["z"] is None else q["z"] for q in prof])
        assert np.array_equal(np.isnan(shown), np.isnan(truth))
        assert np.isnan(truth).any() and (~np.isnan(truth)).sum() > 100
        assert np.nanmax(np.abs(shown - truth)) <= STEP / 2 + 1e-6
        chart = p.page.locator(".marsgeo-profile")
        text = chart.inner_text()
        assert "SYNTHETIC" in text
        lo, hi = np.nanmin(truth), np.nanmax(truth)
        labels = [
            float(v.replace("\u00a0", "").replace(" ", ""))
            for v in re.findall(r"(?:min|max) (-?[\d\u00a0 ]+\.\d) m", text)
        ]
        assert sorted(labels) == pytest.approx([lo, hi], abs=0.05 + STEP)
        p.shot("measure_profile.png")
    finally:
        p.js(f"void MAP.setView([{view[0]}, {view[1]}], {view[2]}, {{animate: false}})")


def test_cursor_readout_shows_the_dtm_elevation(page: Page) -> None:
    p = page
    view = p.js("(() => { const c = MAP.getCenter(); return [c.lat, c.lng, MAP.getZoom()]; })()")
    try:
        show_the_dtm(p)
        rect = p.js("MAP.getContainer().getBoundingClientRect().toJSON()")
        size = p.js("MAP.getSize()")
        for fx, fy in ((0.5, 0.5), (0.33, 0.62), (0.58, 0.3)):
            x, y = size["x"] * fx, size["y"] * fy
            p.page.mouse.move(rect["x"] + x, rect["y"] + y)
            text = p.page.locator(".marsgeo-mouse").inner_text()
            ll = p.js(
                f"(() => {{ const l = MAP.containerPointToLatLng([{x}, {y}]); "
                "return [l.lat, l.lng]; })()"
            )
            match = re.search(r"elevation (-?[\d\u00a0 ]+\.\d) m \((.*)\)", text)
            assert match, text
            shown = float(match.group(1).replace("\u00a0", "").replace(" ", ""))
            assert shown == pytest.approx(elevations([(ll[1], ll[0])])[0], abs=0.05 + STEP)
            assert "SYNTHETIC" in match.group(2)
        p.js("void MAP.setZoom(MAP.getZoom() - 2, {animate: false})")
        p.page.mouse.move(rect["x"] + 5, rect["y"] + size["y"] / 2)
        assert "off the DTM" in p.page.locator(".marsgeo-mouse").inner_text()
    finally:
        p.js(f"void MAP.setView([{view[0]}, {view[1]}], {view[2]}, {{animate: false}})")


def test_escape_in_a_text_field_leaves_the_measurement(measuring: Page) -> None:
    p = measuring
    p.page.mouse.click(*tube_centre(p, 1))
    p.page.mouse.click(*tube_centre(p, 3))
    points = "marsgeo.measureResult().points.length"
    assert p.js(points) == 2
    # the search box, the link's text and the measurement's copy box each take their Esc
    p.page.get_by_role("searchbox", name="Search tubes by name").focus()
    p.page.keyboard.press("Escape")
    assert p.js(points) == 2 and p.js("marsgeo.measuring") is True
    link = p.page.get_by_role("button", name="Copy a link to this view")
    link.click()
    p.page.get_by_role("textbox", name="Link to this view").focus()
    p.page.keyboard.press("Escape")
    assert p.js(points) == 2 and p.js("marsgeo.measuring") is True
    link.click()  # folded again
    p.js("Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true})")
    p.page.get_by_role("button", name="Copy the measurement as text").click()
    assert p.js("document.activeElement.className") == "marsgeo-measure-copy"
    p.page.keyboard.press("Escape")
    assert p.js(points) == 2 and p.js("marsgeo.measuring") is True
    # elsewhere, Esc clears the points
    p.js("document.activeElement.blur()")
    p.page.keyboard.press("Escape")
    assert p.js(points) == 0 and p.js("marsgeo.measuring") is True


def test_a_click_on_the_cursor_readout_or_the_scale_bar_is_no_point(measuring: Page) -> None:
    p = measuring
    points = "marsgeo.measureResult().points.length"
    for control in (".marsgeo-mouse", ".leaflet-control-scale"):
        box = p.page.locator(control).bounding_box()
        assert box is not None, control
        p.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert p.js(points) == 0, control
    p.page.mouse.click(*tube_centre(p, 2))  # the map still measures
    assert p.js(points) == 1
