"""Maps in a real headless Chromium (Debian's chromium, driven by Playwright).

Every request to another host is blocked. Screenshots go to tests/artifacts/. Without a
Chromium these tests skip, unless MARSGEO_REQUIRE_BROWSER=1 (as CI sets), when they fail.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import marsgeo
from marsgeo.routing import ASSUMED_LANDER

from .reference import MARS_R

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("MARSGEO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
XSS = "<img src=x onerror=alert(1)>"


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * MARS_R * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("MARSGEO_REQUIRE_BROWSER") == "1":
            pytest.fail(f"no Chromium at {CHROMIUM}; install Debian's chromium")
        pytest.skip("no Chromium here; .ci/run installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


class Page:
    """A page with every non-file request blocked, and what it logged."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1200, "height": 850})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def route(r: Any) -> None:
            self.requests.append(r.request.url)
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                r.abort()

        self.page.route("**/*", route)
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        self.page.wait_for_function("window.marsgeo && window.marsgeo.tubes.length > 0")
        self.page.wait_for_timeout(300)  # let the initial view settle before clicking
        self.map = "(Object.values(window).find(v => v instanceof L.Map))"

    def js(self, code: str) -> Any:
        return self.page.evaluate(code.replace("MAP", self.map))

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name))

    def click_tube(self, k: int) -> None:
        box = self.js(f"marsgeo.tubes[{k}].marker._path.getBoundingClientRect().toJSON()")
        self.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.fixture(scope="module")
def offline_page(browser: Any) -> Iterator[Page]:
    tmp = Path(tempfile.mkdtemp())
    tubes = marsgeo.load_depot()
    plan = marsgeo.plan_pickup(tubes, lander=ASSUMED_LANDER)
    m = marsgeo.depot_map(tubes, plan=plan, basemap=None, terrain="synthetic")
    page = Page(browser, marsgeo.save_map(m, tmp / "depot.html", offline=True))
    page.plan = plan  # type: ignore[attr-defined]
    yield page
    page.page.close()


def test_offline_page_loads_clean(offline_page: Page) -> None:
    p = offline_page
    assert p.errors == []
    assert [u for u in p.requests if not u.startswith(("file:", "data:"))] == []
    assert p.page.locator(".marsgeo-tube").count() == 10
    lines = p.plan.legs[p.plan.legs.geometry.geom_type == "LineString"]  # type: ignore[attr-defined]
    assert p.page.locator(".marsgeo-leg").count() == len(lines)
    assert p.page.locator(".leaflet-image-layer").count() == 1  # the terrain overlay
    assert "SYNTHETIC" in p.page.locator(".marsgeo-legend").inner_text()
    p.shot("offline_depot.png")


def test_popup_opens_with_the_right_tube(offline_page: Page) -> None:
    p = offline_page
    p.click_tube(5)
    popup = p.page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Montdenier" in text and "M2020-00190-03" in text and "sol 672" in text
    assert "2023-01-10" in text and "inferred" in text
    p.shot("popup_montdenier.png")
    p.js("MAP.closePopup()")


def test_scale_bar_is_metres_on_mars(offline_page: Page) -> None:
    p = offline_page
    label = p.page.locator(".leaflet-control-scale-line").first
    text = label.inner_text().strip()
    value, unit = text.split()
    metres = float(value) * (1000 if unit == "km" else 1)
    width = p.js(
        "document.querySelector('.leaflet-control-scale-line').getBoundingClientRect().width"
    )
    a, b = p.js(f"""(() => {{ const m = MAP, s = m.getSize();
        const a = m.containerPointToLatLng([s.x / 2 - {width} / 2, s.y / 2]);
        const b = m.containerPointToLatLng([s.x / 2 + {width} / 2, s.y / 2]);
        return [[a.lat, a.lng], [b.lat, b.lng]]; }})()""")
    geodesic = haversine_m(a[0], a[1], b[0], b[1])
    assert metres == pytest.approx(geodesic, rel=0.01)


def test_measuring_tool_measures_on_mars(offline_page: Page) -> None:
    p = offline_page
    p.page.locator(".marsgeo-measure-button").click()
    size = p.js("MAP.getSize()")
    pts = [(size["x"] * 0.3, size["y"] * 0.5), (size["x"] * 0.7, size["y"] * 0.45)]
    for x, y in pts:
        p.page.mouse.click(x, y)
    lls = [
        p.js(
            f"(() => {{ const l = MAP.containerPointToLatLng([{x}, {y}]); "
            f"return [l.lat, l.lng]; }})()"
        )
        for x, y in pts
    ]
    expected = haversine_m(*lls[0], *lls[1])
    out = p.page.locator(".marsgeo-measure-out").inner_text()
    shown = float(out.split()[0]) * (1000 if " km " in f" {out} " else 1)
    assert shown == pytest.approx(expected, rel=1e-3)
    assert "on Mars" in out
    earth = expected * 6_371_008.8 / MARS_R
    assert abs(shown - earth) > 0.5 * expected  # not Leaflet's Earth radius
    p.shot("measure.png")
    p.page.locator(".marsgeo-measure-button").click()


def test_cursor_shows_mars_lonlat(offline_page: Page) -> None:
    p = offline_page
    size = p.js("MAP.getSize()")
    p.page.mouse.move(size["x"] / 2, size["y"] / 2)
    text = p.page.locator(".marsgeo-mouse").inner_text()
    centre = p.js("(() => { const c = MAP.getCenter(); return [c.lat, c.lng]; })()")
    lon = float(text.split()[1])
    assert lon == pytest.approx(centre[1], abs=1e-4) and "planetocentric" in text


def test_timeline_replays_the_drops(offline_page: Page) -> None:
    p = offline_page
    p.js("marsgeo.showDrops(3)")
    visible = p.js("marsgeo.tubes.filter(t => t.marker.options.opacity > 0).length")
    assert visible == 3
    label = p.page.locator(".marsgeo-timeline-label").inner_text()
    assert "sol 661" in label and "2022-12-29" in label and "Crosswind Lake" in label
    p.shot("timeline_3.png")
    p.js("marsgeo.showDrops(10)")


def test_hostile_tube_name_is_text(browser: Any, tmp_path: Path) -> None:
    tubes = marsgeo.load_depot()
    tubes.loc[1, "name"] = XSS
    m = marsgeo.depot_map(tubes, basemap=None)
    p = Page(browser, marsgeo.save_map(m, tmp_path / "xss.html", offline=True))
    p.click_tube(0)
    popup = p.page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert XSS in popup.inner_text()  # shown as text
    assert p.page.locator(".leaflet-popup-content img").count() == 0
    tooltips = p.js(
        "Array.from(document.querySelectorAll('.leaflet-tooltip')).map(t => t.innerHTML)"
    )
    assert not any("<img" in t for t in tooltips)
    p.page.wait_for_timeout(200)
    assert p.dialogs == [] and p.errors == []
    p.shot("xss_as_text.png")
    p.page.close()


def test_web_mercator_map_scale_on_mars(browser: Any, tmp_path: Path) -> None:
    m = marsgeo.depot_map(marsgeo.load_depot(), basemap="opm-basemap")
    p = Page(browser, marsgeo.save_map(m, tmp_path / "opm.html", offline=True))
    # tiles are requested and blocked; nothing else leaves the page
    others = {u.split("/")[2] for u in p.requests if not u.startswith(("file:", "data:"))}
    assert others <= {"cartocdn-gusc.global.ssl.fastly.net"}
    d = p.js("MAP.distance([18.45, 77.40], [18.46, 77.41])")
    assert d == pytest.approx(haversine_m(18.45, 77.40, 18.46, 77.41), rel=1e-6)
    p.page.close()


def test_timeline_uses_drop_time_even_when_rows_are_shuffled(browser: Any, tmp_path: Path) -> None:
    tubes = marsgeo.load_depot().sort_values("name")
    p = Page(
        browser,
        marsgeo.save_map(
            marsgeo.depot_map(tubes, basemap=None), tmp_path / "shuffled.html", offline=True
        ),
    )
    p.js("marsgeo.showDrops(1)")
    label = p.page.locator(".marsgeo-timeline-label").inner_text()
    assert "sol 653" in label and "Malay" in label
    p.js("marsgeo.showDrops(0)")
    assert "before the first drop" in p.page.locator(".marsgeo-timeline-label").inner_text()
    assert p.errors == []
    p.page.close()
