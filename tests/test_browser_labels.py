"""Tube names, distance labels, shapes, keyboard and uncertainty circles in headless Chromium.

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
from marsgeo import _style
from marsgeo.routing import ASSUMED_LANDER

from . import test_browser
from .test_browser import Page, haversine_m

#: the headless Chromium of the map tests (a pytest fixture)
browser = test_browser.browser

DEPOT = marsgeo.load_depot()
NAMES = list(DEPOT.sort_values("dropped_sol")["name"])

#: matplotlib's names of the figures' markers (matplotlib.markers.MarkerStyle.markers)
MATPLOTLIB_NAMES = {
    "o": "circle",
    "s": "square",
    "D": "diamond",
    "^": "triangle-up",
    "v": "triangle-down",
    "P": "plus",
}

# JS: the boxes of the tube markers on the map and of the labels in the page
BOXES = """(() => {
  const box = e => { const r = e.getBoundingClientRect();
                     return {x: r.left, y: r.top, r: r.right, b: r.bottom}; };
  const tubes = marsgeo.tubes.filter(t => MAP.hasLayer(t.marker))
    .map(t => Object.assign(box(t.marker.getElement()), {name: t.name}));
  const labels = Array.from(document.querySelectorAll('.marsgeo-maplabel')).map(e =>
    Object.assign(box(e), {text: e.textContent, name: e.classList.contains('marsgeo-name-label'),
                           shown: getComputedStyle(e).visibility === 'visible'}));
  const tips = Array.from(document.querySelectorAll('.leaflet-tooltip'))
    .filter(e => getComputedStyle(e).visibility === 'visible')
    .map(e => Object.assign(box(e), {text: e.textContent}));
  const c = MAP.getContainer().getBoundingClientRect();
  return {tubes, labels, tips, view: {x: c.left, y: c.top, r: c.right, b: c.bottom}};
})()"""


# JS: the text of every label in the page
SHOWN = "Array.from(document.querySelectorAll('.marsgeo-maplabel')).map(e => e.textContent)"


def overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two boxes share more than a hair of area (sub-pixel text widths aside)."""
    return min(a["r"], b["r"]) - max(a["x"], b["x"]) > 0.5 and (
        min(a["b"], b["b"]) - max(a["y"], b["y"]) > 0.5
    )


def settle(p: Page) -> None:
    """Wait until the labels are placed (they are, one animation frame after a change)."""
    p.page.wait_for_timeout(50)
    p.js("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def check_boxes(p: Page) -> dict[str, Any]:
    """The page's boxes, after checking no label covers a tube or another label."""
    found: dict[str, Any] = p.js(BOXES)
    labels = found["labels"]
    assert all(label["shown"] for label in labels)  # a hidden label is out of the page
    for label in labels:
        for tube in found["tubes"]:
            assert not overlap(label, tube), (label["text"], tube["name"])
        inside = found["view"]
        assert inside["x"] <= label["x"] and label["r"] <= inside["r"]
        assert inside["y"] <= label["y"] and label["b"] <= inside["b"]
    for tip in found["tips"]:  # the permanent tooltips of other layers (the lander's)
        for other in found["tubes"] + labels:
            assert not overlap(tip, other), (tip["text"], other.get("name"), other.get("text"))
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not overlap(a, b), (a["text"], b["text"])
    return found


def home(p: Page) -> None:
    """Go back to the view the page opened on."""
    centre, zoom = p.opening  # type: ignore[attr-defined]
    p.js(
        f"MAP.closePopup(); MAP.setView([{centre['lat']}, {centre['lng']}], {zoom}, "
        "{animate: false})"
    )
    settle(p)


def opened(p: Page) -> Page:
    settle(p)
    p.opening = p.js("[MAP.getCenter(), MAP.getZoom()]")  # type: ignore[attr-defined]
    return p


def save(m: Any, name: str) -> Path:
    return marsgeo.save_map(m, Path(tempfile.mkdtemp()) / name, offline=True)


@pytest.fixture(scope="module")
def depot_page(browser: Any) -> Iterator[Page]:
    page = opened(Page(browser, save(marsgeo.depot_map(DEPOT, basemap=None), "depot.html")))
    yield page
    page.page.close()


@pytest.fixture(scope="module")
def plan_page(browser: Any) -> Iterator[Page]:
    plan = marsgeo.plan_pickup(DEPOT, lander=ASSUMED_LANDER)
    m = marsgeo.depot_map(DEPOT, plan=plan, basemap=None, terrain="synthetic")
    page = opened(Page(browser, save(m, "plan.html")))
    yield page
    page.page.close()


@pytest.mark.parametrize("which", ["depot_page", "plan_page"])
def test_no_label_covers_a_tube_at_the_opening_zoom(which: str, request: Any) -> None:
    p: Page = request.getfixturevalue(which)
    home(p)
    assert p.errors == [] and p.network() == []
    found = check_boxes(p)
    names = [label["text"] for label in found["labels"] if label["name"]]
    assert sorted(names) == sorted(NAMES)  # every tube's name, without hovering
    distances = [label["text"] for label in found["labels"] if not label["name"]]
    assert distances and len(distances) == len(set(distances))
    # tube names and distances are not Leaflet's permanent tooltips (which cannot move)
    tips = [tip["text"] for tip in found["tips"]]
    assert not set(tips) & (set(NAMES) | set(distances))
    p.shot(f"labels_{which}.png")


@pytest.mark.parametrize("which", ["depot_page", "plan_page"])
def test_zoomed_out_labels_hide_rather_than_cover_tubes(which: str, request: Any) -> None:
    p: Page = request.getfixturevalue(which)
    home(p)
    try:
        for z in (17, 15):
            p.js(f"MAP.setZoom({z}, {{animate: false}})")
            settle(p)
            found = check_boxes(p)
        # at zoom 15 the depot is a few pixels wide: most labels have nowhere to go
        assert len(found["labels"]) < 10
        p.shot(f"labels_{which}_z15.png")
    finally:
        home(p)
    assert len([label for label in check_boxes(p)["labels"] if label["name"]]) == 10


@pytest.mark.parametrize("basemap", [None, "opm-basemap"])
def test_uncertainty_circles_are_metres_on_mars(browser: Any, basemap: str | None) -> None:
    p = Page(browser, save(marsgeo.depot_map(DEPOT, basemap=basemap), "circles.html"))
    try:
        grid = p.js("MAP.options.crs === L.CRS.EPSG4326 ? 'EPSG4326' : 'EPSG3857'")
        assert grid == ("EPSG4326" if basemap is None else "EPSG3857")
        circles = p.js("""marsgeo.registry.find(e => e.name === 'Position uncertainty').layer
            .getLayers().map(c => { const q = c._point, a = MAP.layerPointToLatLng(q),
                b = MAP.layerPointToLatLng([q.x + c._radius, q.y]),
                r = c.getElement().getBoundingClientRect();
              return {id: marsgeo.tubes.find(t => t.key === c.marsgeo.tubes[0]).id,
                      a: [a.lat, a.lng], b: [b.lat, b.lng],
                      px: c._radius, drawn: r.width / 2, on: MAP.hasLayer(c)}; })""")
        assert len(circles) == len(DEPOT)
        for c in circles:
            metres = DEPOT.loc[int(c["id"]), "position_uncertainty_m"]
            # the circle's radius in pixels, back to metres on the Mars sphere
            assert haversine_m(*c["a"], *c["b"]) == pytest.approx(metres, rel=1e-3)
            assert c["on"] and abs(c["drawn"] - c["px"]) <= 1.0  # SVG draws whole pixels
            tube = DEPOT.geometry.loc[int(c["id"])]
            assert haversine_m(*c["a"], tube.y, tube.x) < 0.01 * metres  # centred on it
        legend = p.page.locator(".marsgeo-legend").inner_text()
        assert "position_uncertainty_m" in legend
    finally:
        p.page.close()


def test_tab_reaches_each_tube_in_drop_order_and_enter_opens_it(depot_page: Page) -> None:
    p = depot_page
    home(p)
    p.js("document.activeElement && document.activeElement.blur()")
    reached = []
    for _ in range(40):
        p.page.keyboard.press("Tab")
        focused = p.js(
            "(() => { const e = document.activeElement, t = marsgeo.tubes.find(t => "
            "t.marker.getElement() === e); return t ? {name: t.name, type: t.type, "
            "label: e.getAttribute('aria-label'), role: e.getAttribute('role'), "
            "outline: getComputedStyle(e).outlineStyle, "
            "width: parseFloat(getComputedStyle(e).outlineWidth)} : null; })()"
        )
        if focused is None:
            if reached:
                break
            continue
        reached.append(focused["name"])
        # its accessible name says what it is; a visible ring shows where the focus is
        row = DEPOT[DEPOT["name"] == focused["name"]].iloc[0]
        assert focused["label"] == f"{row['name']}, {row['sample_type']}"
        assert focused["role"] == "button"
        assert focused["outline"] == "solid" and focused["width"] >= 2
        if len(reached) == 6:
            p.shot("tube_focused.png")
        p.page.keyboard.press("Enter")
        title = p.page.locator(".leaflet-popup-content .marsgeo-popup-title")
        title.wait_for()
        assert title.inner_text() == focused["name"]
        p.js("MAP.closePopup()")
        # a closed popup fades out for 200 ms: gone before the next one opens
        p.page.wait_for_function("!document.querySelector('.leaflet-popup')")
    assert reached == NAMES


def test_each_sample_type_has_the_shape_of_the_figures(depot_page: Page) -> None:
    p = depot_page
    drawn = p.js(
        "marsgeo.tubes.map(t => { const s = t.marker.getElement().querySelector('svg'); "
        "return {type: t.type, shape: s.getAttribute('data-shape'), "
        "d: s.querySelector('path').getAttribute('d'), "
        "fill: s.querySelector('path').getAttribute('fill')}; })"
    )
    by_type: dict[str, set[str]] = {}
    for t in drawn:
        assert t["shape"] == MATPLOTLIB_NAMES[_style.sample_marker(t["type"])]
        assert t["fill"] == _style.sample_color(t["type"])
        by_type.setdefault(t["type"], set()).add(t["d"])
    # one outline per type, and a different outline for each type
    assert all(len(d) == 1 for d in by_type.values())
    assert len({d for ds in by_type.values() for d in ds}) == len(by_type) == 5
    # the legend shows the same shapes
    legend = p.js(
        "Array.from(document.querySelectorAll('.marsgeo-legend-row')).map(r => { "
        "const s = r.querySelector('svg'); return [r.textContent.trim(), "
        "s && s.getAttribute('data-shape')]; })"
    )
    shapes = dict(legend)
    for kind in by_type:
        assert shapes[kind] == MATPLOTLIB_NAMES[_style.sample_marker(kind)]


def test_a_removed_tube_takes_its_labels_and_lines_away(depot_page: Page) -> None:
    p = depot_page
    home(p)
    # Montdenier (6) is Coulettes' (5) and Bearwallow's (7) nearest neighbour
    gone = "marsgeo.tubes.find(t => t.id === '6')"
    lines = (
        f"marsgeo.dependents.filter(d => d.tubes.indexOf({gone}.key) >= 0 && "
        "d.layer instanceof L.Polyline && !(d.layer instanceof L.Polygon))"
    )
    before = p.js(f"{lines}.filter(d => MAP.hasLayer(d.layer)).length")
    assert before == 2  # the nearest-neighbour lines 5-6 and 7-6 (the pair layer is off)
    labels = f"{lines}.map(d => d.layer.marsgeo.label)"
    texts = p.js(labels)
    shown = p.js(SHOWN)
    assert "Montdenier" in shown
    try:
        p.js(f"{gone}.group.removeLayer({gone}.marker)")
        settle(p)
        shown = p.js(SHOWN)
        assert "Montdenier" not in shown
        assert not set(texts) & set(shown)
        # its lines and its circle are off the map and out of the page
        assert p.js(f"{lines}.filter(d => MAP.hasLayer(d.layer)).length") == 0
        drawn = f"{lines}.filter(d => d.layer.getElement() && d.layer.getElement().isConnected)"
        assert p.js(f"{drawn}.length") == 0
        circle = (
            "marsgeo.dependents.find(d => d.layer instanceof L.Circle && "
            f"d.tubes[0] === {gone}.key)"
        )
        assert p.js(f"MAP.hasLayer({circle}.layer)") is False
        check_boxes(p)
    finally:
        p.js(f"{gone}.group.addLayer({gone}.marker)")
        settle(p)
    assert p.js(f"{lines}.filter(d => MAP.hasLayer(d.layer)).length") == 2
    shown = p.js(SHOWN)
    assert "Montdenier" in shown
    check_boxes(p)


# JS: the name of the tube that has the focus, else what has it
FOCUSED = (
    "(() => { const e = document.activeElement, t = marsgeo.tubes.find(t => "
    "t.marker.getElement() === e); return t ? t.name : e.tagName + '.' + e.className; })()"
)


def test_tab_from_the_map_reaches_the_tubes_first_in_drop_order(plan_page: Page) -> None:
    p = plan_page  # lines, spots, places and areas with hover boxes, and the tubes
    home(p)
    p.js("MAP.getContainer().focus()")
    reached = []
    for _ in range(4 + len(NAMES)):
        p.page.keyboard.press("Tab")
        reached.append(p.js(FOCUSED))
    first = reached.index(NAMES[0])
    assert first < 4, reached  # within a handful of stops
    assert reached[first : first + len(NAMES)] == NAMES


def test_escape_closes_a_tubes_popup_and_a_removed_tube_hands_its_focus_on(
    plan_page: Page,
) -> None:
    p = plan_page
    home(p)
    p.js(f"marsgeo.tubes.find(t => t.name === {NAMES[4]!r}).marker.getElement().focus()")
    p.page.keyboard.press("Enter")
    title = p.page.locator(".leaflet-popup-content .marsgeo-popup-title")
    title.wait_for()
    assert title.inner_text() == NAMES[4]
    p.page.keyboard.press("Escape")
    p.page.wait_for_function("!document.querySelector('.leaflet-popup')", timeout=5000)
    assert p.js(FOCUSED) == NAMES[4]  # the focus stays on the tube
    try:
        p.js("marsgeo.showDrops(3)")  # the replay takes the focused tube away
        slider = p.page.get_by_role("slider", name="Drop order")
        assert p.js("document.activeElement") == slider.evaluate("e => e")
        assert p.js("document.activeElement !== document.body")
    finally:
        p.js(f"marsgeo.showDrops({len(NAMES)})")
        settle(p)
