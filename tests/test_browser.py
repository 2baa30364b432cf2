"""Maps in a real headless Chromium (Debian's chromium, driven by Playwright).

Every request to another host is blocked. Screenshots go to tests/artifacts/. Without a
Chromium these tests skip, unless MARSGEO_REQUIRE_BROWSER=1 (as CI sets), when they fail.
"""

from __future__ import annotations

import io
import math
import os
import re
import shlex
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


def leaflet_file(url: str) -> bytes | None:
    """The bytes of a Leaflet CDN file, from the xstatic-leaflet package (the same release)."""
    from marsgeo import _page

    dist = _page.LEAFLET_JS_URL.rsplit("/", 1)[0] + "/"
    if not url.startswith(dist):
        return None
    import xstatic.pkg.leaflet as xleaflet

    path = Path(xleaflet.BASE_DIR) / url[len(dist) :]  # leaflet.js, leaflet.css, images/...
    return path.read_bytes() if path.is_file() else None


class Page:
    """A page with every request outside ``file:`` aborted and counted, and what it logged.

    ``cdn="xstatic"`` answers the Leaflet CDN's two URLs with the xstatic-leaflet files
    (as the CDN would, with CORS), ``cdn="tampered"`` with those files one byte longer.
    """

    def __init__(
        self, browser: Any, path: Path, *, cdn: str | None = None, wait: bool = True
    ) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.served: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1200, "height": 850})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith("file:"):
                r.continue_()
                return
            body = leaflet_file(url) if cdn else None
            if body is None:
                self.requests.append(url)
                r.abort()
                return
            self.served.append(url)
            if cdn == "tampered":
                body += b" "
            kind = "text/css" if url.endswith(".css") else "application/javascript"
            r.fulfill(
                status=200,
                body=body,
                headers={"Content-Type": kind, "Access-Control-Allow-Origin": "*"},
            )

        self.page.route("**/*", route)
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        if wait:
            self.page.wait_for_function(
                "window.marsgeo && window.marsgeo.tubes.length > 0 && marsgeo.viewSettled"
            )
            self.page.wait_for_timeout(300)  # let the initial view settle before clicking
        self.map = "(Object.values(window).find(v => v instanceof L.Map))"

    def network(self) -> list[str]:
        """Requests that left the page for anything but a local file (all aborted)."""
        return list(self.requests)

    def js(self, code: str) -> Any:
        return self.page.evaluate(code.replace("MAP", self.map))

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name))

    def click_tube(self, k: int) -> None:
        """Click tube ``k`` as a user would, once the map has stopped moving (a popup's
        auto-pan animates), and wait for its popup."""
        where = f"marsgeo.tubes[{k}].marker.getElement().getBoundingClientRect().toJSON()"
        for _ in range(3):
            box, before = self.js(where), None
            for _ in range(50):
                if box == before:
                    break
                self.page.wait_for_timeout(100)
                before, box = box, self.js(where)
            self.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            opened = f"marsgeo.tubes[{k}].marker.isPopupOpen()"
            for _ in range(20):
                if self.js(opened):
                    return
                self.page.wait_for_timeout(100)


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
    assert p.network() == []
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


def test_scale_bar_is_metric_and_below_a_metre_at_the_deepest_zoom(offline_page: Page) -> None:
    p = offline_page
    lines = p.page.locator(".leaflet-control-scale-line")
    assert lines.count() == 1  # no feet or miles
    centre, zoom = p.js("[MAP.getCenter(), MAP.getZoom()]")
    try:  # zoom 23, the deepest the map's tiles and layers go
        p.js(f"MAP.setView([{centre['lat']}, {centre['lng']}], 23, {{animate: false}})")
        text = lines.first.inner_text().strip()
        value, unit = text.split()
        assert unit == "m" and float(value) < 1.0, text
        width = p.js("document.querySelector('.leaflet-control-scale-line').offsetWidth")
        a, b = p.js(f"""(() => {{ const m = MAP, s = m.getSize();
            const a = m.containerPointToLatLng([s.x / 2 - {width} / 2, s.y / 2]);
            const b = m.containerPointToLatLng([s.x / 2 + {width} / 2, s.y / 2]);
            return [[a.lat, a.lng], [b.lat, b.lng]]; }})()""")
        assert float(value) == pytest.approx(haversine_m(a[0], a[1], b[0], b[1]), rel=0.02)
        assert width <= 100  # the bar keeps to its room (Leaflet's maxWidth)
    finally:
        p.js(f"MAP.setView([{centre['lat']}, {centre['lng']}], {zoom}, {{animate: false}})")


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
    # the tubes not yet dropped are off the map, not faded: not in the page at all
    on_map = p.js("marsgeo.tubes.filter(t => MAP.hasLayer(t.marker)).map(t => t.order)")
    assert sorted(on_map) == [1, 2, 3]
    assert p.page.locator(".marsgeo-tube").count() == 3
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
    # an offline page requests nothing: the Web-Mercator basemap is off until turned on
    assert p.network() == []
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


# --- the make demo map: no request at all -------------------------------------------------


def demo_map_args(out: Path) -> list[str]:
    """The `marsgeo map` arguments `make demo` uses, read from the Makefile, writing to out/."""
    makefile = (Path(__file__).parent.parent / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"^\t\$\(BIN\)/marsgeo (map .*)$", makefile, re.MULTILINE)
    assert found, "make demo no longer writes the map with `marsgeo map`"
    return shlex.split(found.group(1).replace("$(OUT)", str(out)))


@pytest.fixture(scope="module")
def demo_page(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    from marsgeo.cli import main

    out = tmp_path_factory.mktemp("demo")
    args = demo_map_args(out)
    assert "--offline" in args
    assert main(args, stdout=io.StringIO(), stderr=io.StringIO()) == 0
    (html,) = out.glob("*.html")
    page = Page(browser, html)
    yield page
    page.page.close()


def test_demo_map_loads_and_zooms_with_no_request(demo_page: Page) -> None:
    p = demo_page
    assert p.network() == [] and p.errors == []
    assert p.page.locator(".marsgeo-tube").count() == 10
    for zoom in (23, 21, 17, 12, 8, 3, 19):
        p.js(f"MAP.setZoom({zoom}, {{animate: false}})")
        p.page.wait_for_timeout(150)
        p.js("MAP.panBy([200, -120], {animate: false})")
        p.page.wait_for_timeout(150)
        assert p.network() == [], f"requests at zoom {zoom}"
    p.js("MAP.fitBounds(L.featureGroup(marsgeo.tubes.map(t => t.marker)).getBounds())")
    p.page.wait_for_timeout(200)
    assert p.page.locator(".marsgeo-tube").count() == 10
    inside = p.js(
        "marsgeo.tubes.filter(t => MAP.getBounds().contains(t.marker.getLatLng())).length"
    )
    assert inside == 10 and p.network() == [] and p.errors == []
    # the legend says which layer needs a network and that it is off
    legend = p.page.locator(".marsgeo-legend").inner_text()
    assert "Off until you turn them on (they need a network): NASA Mars Trek" in legend
    p.shot("demo_offline.png")


def test_demo_map_labels_its_synthetic_terrain(demo_page: Page) -> None:
    p = demo_page
    # with no real basemap on screen the synthetic terrain shows, stamped and credited as such
    assert p.page.locator(".leaflet-image-layer").count() == 1
    assert p.js("document.querySelectorAll('.marsgeo-stamp canvas').length") > 0
    stamped = p.js(
        """Array.from(document.querySelectorAll('.marsgeo-stamp canvas')).some(c => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true;
            return false; })"""
    )
    assert stamped  # the word is drawn, not just an empty canvas
    attribution = p.page.locator(".leaflet-control-attribution").inner_text()
    assert "SYNTHETIC terrain generated by marsgeo" in attribution
    assert "HiRISE" not in attribution  # the basemap is off: its credit is not shown


def test_turning_on_the_basemap_is_the_only_way_out(demo_page: Page) -> None:
    p = demo_page
    p.page.locator(".leaflet-control-layers").hover()
    label = p.page.locator(".leaflet-control-layers-base label").filter(has_text="HiRISE")
    assert "(needs a network)" in label.inner_text()
    label.click()
    p.page.wait_for_timeout(300)
    hosts = {u.split("/")[2] for u in p.network()}
    assert hosts == {"trek.nasa.gov"}  # tiles, asked for only now, and blocked here
    # the synthetic terrain steps aside for the real basemap, and says whose tiles show
    assert p.page.locator(".leaflet-image-layer").count() == 0
    attribution = p.page.locator(".leaflet-control-attribution").inner_text()
    assert "HiRISE: NASA/JPL-Caltech/University of Arizona" in attribution
    assert "SYNTHETIC" not in attribution


# --- online pages: Leaflet pinned by Subresource Integrity --------------------------------


@pytest.fixture(scope="module")
def online_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    m = marsgeo.depot_map(marsgeo.load_depot(), basemap="trek-hirise", terrain="synthetic")
    return marsgeo.save_map(m, tmp_path_factory.mktemp("online") / "online.html")


def test_online_page_runs_with_the_pinned_leaflet(browser: Any, online_html: Path) -> None:
    p = Page(browser, online_html, cdn="xstatic")
    assert {u.rsplit("/", 1)[1] for u in p.served} >= {"leaflet.js", "leaflet.css"}
    # the only errors are the tile requests this test blocks
    assert [e for e in p.errors if "Failed to load resource" not in e] == []
    assert p.page.locator(".marsgeo-tube").count() == 10
    # a real basemap is on, so the synthetic terrain is not drawn over it (but offered)
    assert p.page.locator(".leaflet-image-layer").count() == 0
    p.page.locator(".leaflet-control-layers").hover()
    terrain = p.page.locator(".leaflet-control-layers-overlays label").filter(has_text="SYNTHETIC")
    assert terrain.locator("input").is_checked() is False
    assert {u.split("/")[2] for u in p.network()} == {"trek.nasa.gov"}
    p.page.close()


@pytest.mark.parametrize("cdn", ["tampered", None])
def test_online_page_explains_when_leaflet_cannot_load(
    browser: Any, online_html: Path, cdn: str | None
) -> None:
    p = Page(browser, online_html, cdn=cdn, wait=False)
    box = p.page.locator(".marsgeo-no-leaflet")
    box.wait_for()
    text = box.inner_text()
    assert "could not load" in text and "offline=True" in text and "--offline" in text
    assert p.js("typeof L") == "undefined"  # an altered file never ran
    if cdn == "tampered":
        assert any("integrity" in e.lower() for e in p.errors)
    p.shot(f"no_leaflet_{cdn}.png")
    p.page.close()


# --- text from data is shown as text, never run ------------------------------------------


def test_hostile_text_through_every_door_is_shown_literally(browser: Any, tmp_path: Path) -> None:
    from . import payloads

    marker = tmp_path / "pwned"
    texts = payloads.payloads(marker)
    tubes = payloads.hostile_tubes(texts)
    m = marsgeo.depot_map(
        tubes,
        title=texts[6],
        places=payloads.places(texts),
        no_fly=payloads.zones(texts, lon=77.4072, lat=18.4530, column="reason"),
        basemap=payloads.provider(texts),
        plan=marsgeo.plan_pickup(tubes, lander=ASSUMED_LANDER),
    )
    p = Page(browser, marsgeo.save_map(m, tmp_path / "hostile.html", offline=True))
    assert p.page.locator(".marsgeo-tube").count() == 10
    assert p.dialogs == [] and p.errors == [] and p.network() == []
    assert p.js("window.PWNED") is None and not marker.exists()
    assert p.page.locator(".marsgeo-legend .marsgeo-legend-title").inner_text() == texts[6]
    names = p.js("marsgeo.tubes.map(t => t.name)")
    # names show up to 80 characters, then how long they are (the data keeps them whole)
    shown = [t if len(t) <= 80 else f"{t[:80]}… [{len(t):,} characters]" for t in texts]
    assert names[: len(texts)] == shown
    for k in (0, 2, 4, 7):
        p.click_tube(k)
        title = p.page.locator(".leaflet-popup-content .marsgeo-popup-title")
        title.wait_for()
        assert title.inner_text() == shown[k]
        p.js("MAP.closePopup()")
    p.page.locator(".leaflet-control-layers").hover()
    base = p.page.locator(".leaflet-control-layers-base").inner_text()
    assert shown[-1] in base  # the provider's title, as text
    assert p.page.locator(".leaflet-control-layers img, .marsgeo-legend img").count() == 0
    p.page.wait_for_timeout(200)
    assert p.dialogs == [] and p.js("window.PWNED") is None
    p.shot("hostile_text.png")
    p.page.close()


def test_long_values_stay_in_a_bounded_label(browser: Any, tmp_path: Path) -> None:
    tubes = marsgeo.load_depot()
    tubes.loc[1, "name"] = "Ab" * 50_000
    tubes.loc[2, "notes"] = "word " * 20_000
    tubes.loc[3, "name"] = "Roubion \u202e(reversed?) tube"
    m = marsgeo.depot_map(tubes, basemap=None, places=None)
    page = marsgeo.save_map(m, tmp_path / "long.html", offline=True)
    assert page.stat().st_size < 1_000_000  # the 200 KB of text is not copied into the page
    p = Page(browser, page)
    p.js("marsgeo.tubes[0].marker.openTooltip()")
    width = p.js("document.querySelector('.leaflet-tooltip').getBoundingClientRect().width")
    assert 0 < width < 450
    p.click_tube(1)
    popup = p.page.locator(".leaflet-popup-content")
    popup.wait_for()
    box = p.js("document.querySelector('.leaflet-popup').getBoundingClientRect().toJSON()")
    assert box["width"] < 450 and box["height"] < 900
    assert "[100,000 characters]" in popup.inner_text()
    p.js("MAP.closePopup()")
    assert "[U+202E]" in p.js("marsgeo.tubes[2].name")
    p.page.close()
