"""The depot map on a phone and on a desktop screen, in headless Chromium.

Every request outside ``file:`` is blocked. Without a Chromium these tests skip, unless
MARSGEO_REQUIRE_BROWSER=1 (as CI sets).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import marsgeo
from marsgeo.routing import ASSUMED_LANDER

from . import test_browser
from .test_browser import Page

#: the headless Chromium of the map tests (a pytest fixture)
browser = test_browser.browser

PHONE = (390, 844)
DESKTOP = (1200, 850)

#: every tube marker's box against every map control's box, and the window
OVERLAPS = """(() => {
  const boxes = s => Array.from(document.querySelectorAll(s))
    .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
  const controls = boxes('.leaflet-control'), tubes = boxes('.marsgeo-tube');
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom &&
    b.top < a.bottom;
  return {tubes: tubes.length, controls: controls.length,
    under: tubes.filter(t => controls.some(c => hit(t, c))).length,
    outside: tubes.filter(t => t.left < 0 || t.top < 0 || t.right > innerWidth ||
      t.bottom > innerHeight).length};
})()"""


@pytest.fixture(scope="module")
def saved() -> Path:
    tubes = marsgeo.load_depot()
    plan = marsgeo.plan_pickup(tubes, lander=ASSUMED_LANDER)
    m = marsgeo.depot_map(tubes, plan=plan, basemap="trek-hirise", terrain="synthetic")
    return marsgeo.save_map(m, Path(tempfile.mkdtemp()) / "depot.html", offline=True)


def opened(browser: Any, path: Path, size: tuple[int, int]) -> Page:
    """The page loaded afresh in a window of ``size`` (width, height), at its opening view.

    Not a reload: the page keeps its view in its address (``#map=...``, written when the
    window's size changed), and a reload would open on that view of the other window.
    """
    p = Page(browser, path)
    p.page.set_viewport_size({"width": size[0], "height": size[1]})
    p.page.goto("about:blank")
    p.page.goto(path.as_uri())
    p.page.wait_for_function("window.marsgeo && window.marsgeo.tubes.length > 0")
    p.page.wait_for_function("marsgeo.viewSettled === true")
    return p


@pytest.fixture(scope="module")
def phone(browser: Any, saved: Path) -> Iterator[Page]:
    p = opened(browser, saved, PHONE)
    yield p
    p.page.close()


@pytest.fixture(scope="module")
def desktop(browser: Any, saved: Path) -> Iterator[Page]:
    p = opened(browser, saved, DESKTOP)
    yield p
    p.page.close()


def toggle(p: Page, name: str) -> Any:
    return p.page.get_by_role("button", name=name, exact=True)


def test_on_a_phone_the_legend_and_timeline_start_folded(phone: Page) -> None:
    p = phone
    for name, box in (("Legend", ".marsgeo-legend"), ("Drop order", ".marsgeo-timeline")):
        button = toggle(p, name)
        assert button.get_attribute("aria-expanded") == "false"
        height = p.js(f"document.querySelector({box!r}).getBoundingClientRect().height")
        assert height < 40, (name, height)
        button.click()  # and open when asked
        assert button.get_attribute("aria-expanded") == "true"
        assert p.page.locator(box).locator(".marsgeo-body").is_visible()
        button.click()
        assert button.get_attribute("aria-expanded") == "false"
    assert p.errors == [] and p.network() == []


@pytest.mark.parametrize("where", ["phone", "desktop"])
def test_no_tube_is_under_a_control_and_every_tube_is_in_view(
    where: str, request: pytest.FixtureRequest
) -> None:
    p: Page = request.getfixturevalue(where)
    found = p.js(OVERLAPS)
    assert found["tubes"] == 10 and found["controls"] >= 6
    assert found["under"] == 0 and found["outside"] == 0, found
    # the controls are in their place: folded on the phone, open on the desktop
    open_ = "false" if where == "phone" else "true"
    for name in ("Legend", "Drop order"):
        assert toggle(p, name).get_attribute("aria-expanded") == open_
    p.shot(f"depot_{where}.png")


def test_page_says_its_language(phone: Page, saved: Path) -> None:
    assert phone.js("document.documentElement.lang") == "en"
    assert '<html lang="en">' in saved.read_text(encoding="utf-8")


def test_the_opening_view_settles_with_every_tube_in_view_on_a_slow_phone(
    browser: Any, saved: Path
) -> None:
    p = Page(browser, saved)
    try:
        p.page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
        cdp = p.page.context.new_cdp_session(p.page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 6})  # a slow phone
        p.page.wait_for_timeout(400)  # the page keeps the resized view in its address
        assert p.js("location.hash").startswith("#map=")
        p.page.goto("about:blank")
        p.page.goto(saved.as_uri())
        p.page.wait_for_function("window.marsgeo && marsgeo.viewSettled === true", timeout=10_000)
        found = p.js(OVERLAPS)
        assert found["tubes"] == 10 and found["under"] == 0 and found["outside"] == 0, found
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        assert p.errors == [] and p.network() == []
    finally:
        p.page.close()
