"""The drop-order replay, search and filter, and the shareable link, in headless Chromium.

Every request outside ``file:`` is blocked. What should remain on the map is computed here
from the catalogue and the plan (drop times, names, sample types, nearest neighbours by the
haversine formula), never read from the page's data. Without a Chromium these tests skip,
unless MARSGEO_REQUIRE_BROWSER=1 (as CI sets).
"""

from __future__ import annotations

import itertools
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import marsgeo
from marsgeo.routing import ASSUMED_LANDER

from . import test_browser
from .reference import haversine_m
from .test_browser import XSS, Page

#: the headless Chromium of the map tests (a pytest fixture)
browser = test_browser.browser

ON_MAP = "marsgeo.tubes.filter(t => MAP.hasLayer(t.marker) && t.marker.getElement())"
SHOWN_NAMES = f"{ON_MAP}.map(t => t.name)"


def dropped_first(k: int) -> list[int]:
    """The ids of the first ``k`` tubes dropped, by drop time."""
    return list(marsgeo.load_depot().sort_values("dropped_utc").index[:k])


def fold(text: str) -> str:
    """A name as the search compares it: no case, no accents."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def nearest_pairs() -> set[frozenset[int]]:
    """Each tube and its nearest neighbour on the Mars sphere, as unordered pairs."""
    tubes = marsgeo.load_depot()
    pairs = set()
    for a, ra in tubes.iterrows():
        d = {
            b: haversine_m(ra["lon"], ra["lat"], rb["lon"], rb["lat"])
            for b, rb in tubes.iterrows()
            if b != a
        }
        pairs.add(frozenset((a, min(d, key=d.__getitem__))))
    return pairs


def open_at(p: Page, path: Path, fragment: str) -> None:
    """Load the page afresh with a fragment (``#...``) and wait for its tubes."""
    p.page.goto("about:blank")
    p.page.goto(path.as_uri() + fragment)
    p.page.wait_for_load_state("load")
    p.page.wait_for_function("window.marsgeo && window.marsgeo.tubes.length > 0")
    p.page.wait_for_timeout(200)


@pytest.fixture(scope="module")
def saved() -> Iterator[tuple[Path, Any]]:
    tmp = Path(tempfile.mkdtemp())
    tubes = marsgeo.load_depot()
    plan = marsgeo.plan_pickup(tubes, lander=ASSUMED_LANDER)
    m = marsgeo.depot_map(tubes, plan=plan, basemap=None)
    yield marsgeo.save_map(m, tmp / "replay.html", offline=True), plan


@pytest.fixture(scope="module")
def page(browser: Any, saved: tuple[Path, Any]) -> Iterator[Page]:
    p = Page(browser, saved[0])
    yield p
    assert p.errors == [] and p.dialogs == [] and p.network() == []
    p.page.close()


@pytest.fixture
def replay(page: Page) -> Iterator[Page]:
    """The module's page, back to every drop and no search after each test."""
    yield page
    page.js("MAP.closePopup(); marsgeo.searchTubes.set('', []); marsgeo.showDrops(10)")


def test_replay_removes_later_tubes_and_everything_drawn_for_them(
    replay: Page, saved: tuple[Path, Any]
) -> None:
    p, plan = replay, saved[1]
    tubes = marsgeo.load_depot()
    first = dropped_first(3)
    p.js("marsgeo.showDrops(3)")
    assert p.page.locator(".marsgeo-tube").count() == 3
    assert sorted(p.js(SHOWN_NAMES)) == sorted(tubes.loc[first, "name"])
    # legs and landing spots of later tubes are gone from the page; the lander and pad stay
    legs = plan.legs[plan.legs.geometry.geom_type == "LineString"]
    assert p.page.locator(".marsgeo-leg").count() == int(legs["tube_id"].isin(first).sum())
    spots = plan.spots[plan.spots["kind"] == "landing_spot"]
    kept_spots = int(spots["tube_id"].isin(first).sum())
    assert p.page.locator(".marsgeo-landing_spot").count() == kept_spots
    assert p.page.locator(".marsgeo-lander").count() == 1
    assert p.page.locator(".marsgeo-pad").count() == 1
    # nearest-neighbour lines: only those between two dropped tubes
    kept = {pair for pair in nearest_pairs() if pair <= set(first)}
    assert p.page.locator(".marsgeo-nn").count() == len(kept)
    drawn = p.js(
        "marsgeo.dependents.map(d => [d.tubes, d.layer.getElement && d.layer.getElement()])"
        ".filter(([t, e]) => e && document.contains(e) && e.classList.contains('marsgeo-nn'))"
        ".map(([t, e]) => t.map(k => marsgeo.tubes.find(x => x.key === k).id))"
    )
    assert {frozenset(int(t) for t in ids) for ids in drawn} == kept
    # the optional layer of all pairs, turned on now, has the pairs of dropped tubes only
    pairs = "marsgeo.registry.find(e => e.name === 'All tube pairs').layer"
    p.js(f"MAP.addLayer({pairs})")
    assert p.page.locator(".marsgeo-pair").count() == len(list(itertools.combinations(first, 2)))
    p.js(f"MAP.removeLayer({pairs})")
    # and everything is back after the last drop
    p.js("marsgeo.showDrops(10)")
    assert p.page.locator(".marsgeo-tube").count() == 10
    assert p.page.locator(".marsgeo-leg").count() == len(legs)
    assert p.page.locator(".marsgeo-nn").count() == len(nearest_pairs())


def test_a_removed_tube_has_no_popup_and_no_tooltip(replay: Page) -> None:
    p = replay
    tubes = marsgeo.load_depot()
    later = dropped_first(5)[-1]
    name = tubes.loc[later, "name"]
    k = p.js(f"marsgeo.tubes.findIndex(t => t.name === {name!r})")
    xy = p.js(
        f"(() => {{ const pt = MAP.latLngToContainerPoint(marsgeo.tubes[{k}].marker.getLatLng());"
        " const r = MAP.getContainer().getBoundingClientRect();"
        " return [pt.x + r.left, pt.y + r.top]; })()"
    )
    p.js("marsgeo.showDrops(4)")
    assert p.js(f"marsgeo.tubes[{k}].marker.getElement()") is None
    p.page.mouse.move(*xy)
    p.page.wait_for_timeout(150)
    p.page.mouse.click(*xy)
    p.page.wait_for_timeout(300)
    popups = p.js("Array.from(document.querySelectorAll('.leaflet-popup')).map(e => e.innerText)")
    assert not any(name in text for text in popups)
    tips = p.js("Array.from(document.querySelectorAll('.leaflet-tooltip')).map(e => e.innerText)")
    assert not any(name in text for text in tips)
    p.js(f"marsgeo.tubes[{k}].marker.openPopup()")  # even asked directly
    assert p.page.locator(".leaflet-popup").filter(has_text=name).count() == 0


def test_slider_is_named_keyboard_operable_and_says_sol_and_date(replay: Page) -> None:
    p = replay
    tubes = marsgeo.load_depot().sort_values("dropped_utc")
    slider = p.page.get_by_role("slider", name="Drop order")
    slider.focus()
    p.page.keyboard.press("Home")
    assert p.page.locator(".marsgeo-tube").count() == 0
    assert "before the first drop" in slider.get_attribute("aria-valuetext")
    for _ in range(3):
        p.page.keyboard.press("ArrowRight")
    third = tubes.iloc[2]
    text = slider.get_attribute("aria-valuetext")
    assert f"sol {third['dropped_sol']}, {third['dropped_date']}" in text
    assert third["name"] in text
    assert int(slider.input_value()) == third["dropped_sol"]  # the axis is in sols
    assert sorted(p.js(SHOWN_NAMES)) == sorted(tubes["name"].iloc[:3])
    p.page.keyboard.press("ArrowLeft")
    assert p.page.locator(".marsgeo-tube").count() == 2
    p.page.keyboard.press("End")
    assert p.page.locator(".marsgeo-tube").count() == 10
    # a sol between two drops: the tubes dropped by then
    between = int(tubes["dropped_sol"].iloc[3]) + 1  # the 4th drop, and not yet the 5th
    slider.fill(str(between))
    assert p.page.locator(".marsgeo-tube").count() == int((tubes["dropped_sol"] <= between).sum())
    assert f"sol {between}" in slider.get_attribute("aria-valuetext")


def test_play_steps_through_every_drop_and_stops_at_the_end(replay: Page) -> None:
    p = replay
    p.js(
        "marsgeo.replayStepMs = 30; marsgeo.showDrops(0); window.seen = [];"
        f"marsgeo.onFilter.push(() => window.seen.push({ON_MAP}.length))"
    )
    p.page.get_by_role("button", name="Play the drops in order").click()
    p.page.wait_for_function("!marsgeo.replay.playing()", timeout=10_000)
    assert p.js("window.seen") == list(range(1, 11))
    assert p.page.locator(".marsgeo-tube").count() == 10
    p.page.wait_for_timeout(150)
    assert p.js("window.seen.length") == 10  # stopped: no step after the last
    assert p.page.get_by_role("button", name="Play the drops in order").count() == 1
    p.js("marsgeo.onFilter.pop()")


def test_search_by_name_leaves_the_matching_tubes(replay: Page) -> None:
    p = replay
    names = list(marsgeo.load_depot()["name"])
    box = p.page.get_by_role("searchbox", name="Search tubes by name")
    for query in ("ma", "ATSA", "lake", "zzz"):
        box.fill(query)
        expected = [n for n in names if fold(query) in fold(n)]
        assert sorted(p.js(SHOWN_NAMES)) == sorted(expected), query
        assert p.page.locator(".marsgeo-tube").count() == len(expected)
    # one match: Enter goes to it and opens its popup
    box.fill("montden")
    box.press("Enter")
    popup = p.page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Montdenier" in popup.inner_text()
    lon, lat = marsgeo.load_depot().set_index("name").loc["Montdenier", ["lon", "lat"]]
    centre = p.js("[MAP.getCenter().lng, MAP.getCenter().lat]")
    assert haversine_m(centre[0], centre[1], lon, lat) < 2.0  # the map is on it (popup pan)


def test_type_filter_leaves_the_checked_types_and_combines_with_replay(replay: Page) -> None:
    p = replay
    tubes = marsgeo.load_depot()
    igneous = p.page.get_by_role("checkbox", name="igneous")
    igneous.uncheck()
    assert p.page.locator(".marsgeo-tube").count() == int((tubes["sample_type"] != "igneous").sum())
    p.page.get_by_role("checkbox", name="sedimentary").uncheck()
    kept = tubes[~tubes["sample_type"].isin(["igneous", "sedimentary"])]
    assert sorted(p.js(SHOWN_NAMES)) == sorted(kept["name"])
    p.js("marsgeo.showDrops(3)")
    first = tubes.loc[dropped_first(3)]
    expected = first[~first["sample_type"].isin(["igneous", "sedimentary"])]["name"]
    assert sorted(p.js(SHOWN_NAMES)) == sorted(expected)
    # a line is drawn only while both its tubes are: none of the remaining pairs survives
    shown_ids = {int(i) for i in p.js(f"{ON_MAP}.map(t => t.id)")}
    kept_nn = {pair for pair in nearest_pairs() if pair <= shown_ids}
    assert p.page.locator(".marsgeo-nn").count() == len(kept_nn)
    igneous.check()
    p.page.get_by_role("checkbox", name="sedimentary").check()
    assert p.page.locator(".marsgeo-tube").count() == 3


@pytest.mark.parametrize("query", [XSS, ".", "(.*)", "[", "\\", "a|b", "'\"--", "🪐" * 300])
def test_hostile_search_text_is_only_text(replay: Page, query: str) -> None:
    p = replay
    p.page.get_by_role("searchbox", name="Search tubes by name").fill(query)
    names = list(marsgeo.load_depot()["name"])
    expected = [n for n in names if fold(query[:200].strip()) in fold(n)]
    assert sorted(p.js(SHOWN_NAMES)) == sorted(expected)
    assert p.page.locator(".leaflet-container img").count() == 0
    assert p.dialogs == [] and p.errors == []


def test_link_round_trips_a_view(browser: Any, saved: tuple[Path, Any]) -> None:
    p = Page(browser, saved[0])
    try:
        open_at(p, saved[0], "#map=21/18.45/77.45")
        centre, zoom = p.js("[[MAP.getCenter().lat, MAP.getCenter().lng], MAP.getZoom()]")
        assert zoom == 21
        assert centre == pytest.approx([18.45, 77.45], abs=1e-9)
        # move, filter and replay: the address keeps it, and a page opened on it shows it
        p.js("MAP.setView([18.4527, 77.4081], 20, {animate: false}); marsgeo.showDrops(5)")
        p.page.get_by_role("searchbox", name="Search tubes by name").fill("o")
        p.page.get_by_role("checkbox", name="igneous").uncheck()
        shown = sorted(p.js(SHOWN_NAMES))
        p.page.get_by_role("button", name="Copy a link to this view").click()
        link = p.page.get_by_role("textbox", name="Link to this view").input_value()
        assert link == p.js("location.href") and "#map=20/" in link
        p.page.goto("about:blank")
        p.page.goto(link)
        p.page.wait_for_function("window.marsgeo && window.marsgeo.tubes.length > 0")
        centre, zoom = p.js("[[MAP.getCenter().lat, MAP.getCenter().lng], MAP.getZoom()]")
        assert zoom == 20 and centre == pytest.approx([18.4527, 77.4081], abs=1e-6)
        assert sorted(p.js(SHOWN_NAMES)) == shown
        assert p.page.get_by_role("searchbox", name="Search tubes by name").input_value() == "o"
        assert p.page.get_by_role("checkbox", name="igneous").is_checked() is False
        assert p.errors == [] and p.network() == []
    finally:
        p.page.close()


BAD = [
    "#map=99/18.45/77.45",
    "#map=21/95/77.45",
    "#map=21/18.45/200",
    "#map=21/NaN/77.45",
    "#map=21/18.45",
    "#map=21/18.45/77.45/3",
    "#map=0x10/18.45/77.45",
    "#map=1e3/18.45/77.45",
    "#map=%E0%A4%A",
    "#map=21//77.45",
    "#drop=-1&q=%ZZ&off=%",
    f"#{XSS}",
    "#" + "9" * 5000,
]


def test_bad_links_are_ignored(browser: Any, saved: tuple[Path, Any]) -> None:
    p = Page(browser, saved[0])
    try:
        plain = p.js("[MAP.getCenter().lat, MAP.getCenter().lng, MAP.getZoom()]")
        for bad in BAD[:2]:  # opened with a bad link: the usual opening view
            open_at(p, saved[0], bad)
            assert p.js("[MAP.getCenter().lat, MAP.getCenter().lng, MAP.getZoom()]") == plain
            assert p.page.locator(".marsgeo-tube").count() == 10
        for bad in BAD:  # every one, read as the page reads an address
            assert p.js(f"marsgeo.readHash(MAP, {bad!r}).view") is None, bad
            p.js(f"location.hash = {bad!r}")
            p.page.wait_for_timeout(20)
            assert p.js("[MAP.getCenter().lat, MAP.getCenter().lng, MAP.getZoom()]") == plain
            assert p.page.locator(".marsgeo-tube").count() == 10
        assert p.errors == [] and p.dialogs == [] and p.network() == []
    finally:
        p.page.close()


COUNT = "document.querySelector('.marsgeo-search-count').textContent"


def test_the_count_of_shown_tubes_follows_the_replay_and_links(replay: Page) -> None:
    p = replay
    names = marsgeo.load_depot().loc[dropped_first(10), "name"]
    p.js("marsgeo.showDrops(3)")
    assert p.js(COUNT) == "3 of 10 tubes shown"
    p.js("location.hash = '#drop=5'")  # a link's replay step
    p.page.wait_for_function("marsgeo.replay.step() === 5")
    assert p.js(COUNT) == "5 of 10 tubes shown"
    # the search and the replay together
    p.page.get_by_role("searchbox", name="Search tubes by name").fill("ma")
    p.js("marsgeo.showDrops(7)")
    expected = sum(fold("ma") in fold(n) for n in names.iloc[:7])
    assert p.js(COUNT) == f"{expected} of 10 tubes shown"
    assert p.page.locator(".marsgeo-tube").count() == expected


def save_depot(tubes: Any, name: str) -> Path:
    m = marsgeo.depot_map(tubes, basemap=None)
    return marsgeo.save_map(m, Path(tempfile.mkdtemp()) / name, offline=True)


def test_arrow_keys_move_one_drop_even_between_drops_on_one_sol(browser: Any) -> None:
    tubes = marsgeo.load_depot().sort_values("dropped_utc")
    sols = [int(s) for s in tubes["dropped_sol"]]
    for i in (1, 3, 6):  # drops 2, 4 and 7 on the sol of the drop before them
        sols[i] = sols[i - 1]
    tubes["dropped_sol"] = sols
    p = Page(browser, save_depot(tubes, "same_sol.html"))
    try:
        slider = p.page.get_by_role("slider", name="Drop order")
        slider.focus()
        p.page.keyboard.press("Home")
        steps = list(range(1, 11)) + list(range(9, -1, -1))
        keys = ["ArrowRight"] * 10 + ["ArrowLeft"] * 10
        for step, key in zip(steps, keys, strict=True):
            p.page.keyboard.press(key)
            assert p.js("marsgeo.replay.step()") == step, key
            assert sorted(p.js(SHOWN_NAMES)) == sorted(tubes["name"].iloc[:step])
            text = slider.get_attribute("aria-valuetext")
            if step:  # each step with its own sol and tube
                row = tubes.iloc[step - 1]
                assert text.startswith(f"sol {sols[step - 1]}, {row['dropped_date']}: ")
                assert f"drop {step} of 10, {row['name']}" in text
            else:
                assert text.startswith("before the first drop")
        assert p.errors == [] and p.network() == []
    finally:
        p.page.close()


def test_a_tube_without_a_drop_sol_is_told_without_one(browser: Any) -> None:
    tubes = marsgeo.load_depot().sort_values("dropped_utc")
    tubes["dropped_sol"] = tubes["dropped_sol"].astype("Int64")
    tubes.loc[tubes.index[3], "dropped_sol"] = None
    p = Page(browser, save_depot(tubes, "no_sol.html"))
    try:
        p.js("marsgeo.showDrops(4)")  # the 4th drop: the tube without a sol
        text = p.js("document.querySelector('.marsgeo-timeline-label').textContent")
        row = tubes.iloc[3]
        assert text == f"{row['dropped_date']}: drop 4 of 10, {row['name']}"
        p.js("marsgeo.showDrops(3)")
        text = p.js("document.querySelector('.marsgeo-timeline-label').textContent")
        row = tubes.iloc[2]
        when = f"sol {row['dropped_sol']}, {row['dropped_date']}"
        assert text == f"{when}: drop 3 of 10, {row['name']}"
        assert p.errors == [] and p.network() == []
    finally:
        p.page.close()
