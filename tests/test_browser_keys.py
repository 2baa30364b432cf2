"""Tubes whose ids look the same on the map keep their own lines and circles, in Chromium.

Ten tube ids share their first 85 characters (a map shows 80). Replaying the drops must take
away exactly what belongs to the tubes not yet dropped. What should remain is computed here
from the catalogue (drop order, positions, nearest neighbours by the haversine formula) and
matched to what the page draws by position. Every request outside ``file:`` is blocked.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest

import marsgeo

from . import test_browser
from .reference import haversine_m
from .test_browser import Page

#: the headless Chromium of the map tests (a pytest fixture)
browser = test_browser.browser

LONG_IDS = ["A" * 85 + str(k) for k in range(10)]
TUBES: gpd.GeoDataFrame = marsgeo.load_depot().set_axis(pd.Index(LONG_IDS, name="tube_id"), axis=0)
#: the ids in drop order (by drop time)
DROPPED = [str(t) for t in TUBES.sort_values("dropped_utc").index]

# the centres of the drawn circles and the ends of the drawn lines of a class, in the page
CIRCLES = (
    "marsgeo.dependents.filter(d => d.layer instanceof L.Circle && d.layer.getElement() "
    "&& d.layer.getElement().isConnected).map(d => [d.layer.getLatLng().lat, "
    "d.layer.getLatLng().lng])"
)


def line_ends(cls: str) -> str:
    return (
        "marsgeo.dependents.filter(d => d.layer.getElement && d.layer.getElement() && "
        f"d.layer.getElement().isConnected && d.layer.getElement().classList.contains('{cls}'))"
        ".map(d => { const c = d.layer.getLatLngs(); "
        "return [[c[0].lat, c[0].lng], [c[c.length - 1].lat, c[c.length - 1].lng]]; })"
    )


def at(latlon: list[float]) -> str:
    """The id of the catalogue's tube at ``[lat, lon]`` (within a millimetre)."""
    found = [
        str(tid)
        for tid, g in TUBES.geometry.items()
        if haversine_m(g.x, g.y, latlon[1], latlon[0]) < 1e-3
    ]
    assert len(found) == 1, latlon
    return found[0]


def nearest_pairs() -> set[frozenset[str]]:
    """Each tube and its nearest neighbour on the Mars sphere, as unordered pairs."""
    pairs = set()
    for a, ga in TUBES.geometry.items():
        d = {b: haversine_m(ga.x, ga.y, gb.x, gb.y) for b, gb in TUBES.geometry.items() if b != a}
        pairs.add(frozenset((str(a), str(min(d, key=d.__getitem__)))))
    return pairs


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Page]:
    tmp = Path(tempfile.mkdtemp())
    path = marsgeo.save_map(
        marsgeo.depot_map(TUBES, basemap=None), tmp / "long_ids.html", offline=True
    )
    p = Page(browser, path)
    yield p
    assert p.errors == [] and p.dialogs == [] and p.network() == []
    p.page.close()


@pytest.mark.parametrize("drops", [9, 5, 2])
def test_replay_keeps_the_lines_and_circles_of_the_dropped_tubes(page: Page, drops: int) -> None:
    p = page
    down = set(DROPPED[:drops])
    p.js(f"marsgeo.showDrops({drops})")
    try:
        shown = p.js(
            "marsgeo.tubes.filter(t => MAP.hasLayer(t.marker)).map(t => "
            "[t.marker.getLatLng().lat, t.marker.getLatLng().lng])"
        )
        assert sorted(at(c) for c in shown) == sorted(down)
        # the nearest-neighbour lines between two dropped tubes, and nothing else
        lines = [frozenset((at(a), at(b))) for a, b in p.js(line_ends("marsgeo-nn"))]
        expected = {pair for pair in nearest_pairs() if pair <= down}
        assert len(lines) == len(set(lines)) == len(expected)
        assert set(lines) == expected
        # a circle around each dropped tube
        assert sorted(at(c) for c in p.js(CIRCLES)) == sorted(down)
        # the optional layer of all pairs, turned on: the pairs of dropped tubes
        pairs = "marsgeo.registry.find(e => e.name === 'All tube pairs').layer"
        p.js(f"MAP.addLayer({pairs})")
        drawn = [frozenset((at(a), at(b))) for a, b in p.js(line_ends("marsgeo-pair"))]
        assert sorted(drawn, key=sorted) == sorted(
            (frozenset(pair) for pair in combinations(down, 2)), key=sorted
        )
        p.js(f"MAP.removeLayer({pairs})")
    finally:
        p.js("marsgeo.showDrops(10)")
    # all back after the last drop
    assert len(p.js(line_ends("marsgeo-nn"))) == len(nearest_pairs())
    assert len(p.js(CIRCLES)) == len(TUBES)


def test_a_tube_taken_away_takes_only_its_own_lines(page: Page) -> None:
    p = page
    last = DROPPED[-1]
    row = TUBES.geometry.loc[last]
    # the marker of one tube, found by position: its id as shown is the same for all ten
    tube = (
        "marsgeo.tubes.find(t => Math.abs(t.marker.getLatLng().lat - "
        f"{row.y}) < 1e-9 && Math.abs(t.marker.getLatLng().lng - {row.x}) < 1e-9)"
    )
    p.js(f"{tube}.group.removeLayer({tube}.marker)")  # its followers go with it
    try:
        lines = {frozenset((at(a), at(b))) for a, b in p.js(line_ends("marsgeo-nn"))}
        assert lines == {pair for pair in nearest_pairs() if last not in pair}
        assert sorted(at(c) for c in p.js(CIRCLES)) == sorted(DROPPED[:-1])
    finally:
        p.js(f"{tube}.group.addLayer({tube}.marker)")
    assert len(p.js(line_ends("marsgeo-nn"))) == len(nearest_pairs())
