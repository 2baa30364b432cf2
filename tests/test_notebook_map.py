"""marsgeo.inline_map: a map in a notebook that needs no network (Chromium, requests blocked).

Without a Chromium the browser tests skip, unless MARSGEO_REQUIRE_BROWSER=1 (as CI sets).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import folium
import pytest

import marsgeo
from marsgeo.errors import CRSError, InputError

from . import payloads, test_browser
from .test_browser import Page

#: the headless Chromium of the map tests (a pytest fixture)
browser = test_browser.browser


def notebook_page(tmp: Path, cell_output: str) -> Path:
    """A page standing for a notebook: one cell whose output is ``cell_output``."""
    path = tmp / "notebook.html"
    path.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>notebook</title>"
        f"</head><body><div class='output'>{cell_output}</div></body></html>",
        encoding="utf-8",
    )
    return path


def short(text: str, limit: int) -> str:
    """How a map shows a text: at most ``limit`` characters, then how long it is."""
    return text if len(text) <= limit else f"{text[:limit]}… [{len(text):,} characters]"


def map_frame(p: Page) -> Any:
    """The map's frame inside the notebook page, once its map has drawn its tubes."""
    frames = [f for f in p.page.frames if f != p.page.main_frame]
    assert len(frames) == 1
    frame = frames[0]
    frame.wait_for_function("window.marsgeo && window.L && window.marsgeo.tubes.length > 0")
    return frame


def test_inline_map_draws_in_a_notebook_with_no_network(browser: Any, tmp_path: Path) -> None:
    tubes = marsgeo.load_depot()
    m = marsgeo.depot_map(tubes, basemap="trek-hirise")
    p = Page(browser, notebook_page(tmp_path, marsgeo.inline_map(m)._repr_html_()), wait=False)
    frame = map_frame(p)
    assert frame.evaluate("marsgeo.tubes.length") == len(tubes)
    names = frame.evaluate("marsgeo.tubes.map(t => t.name)")
    assert sorted(names) == sorted(tubes["name"])
    # the tile basemap needs a network: off, so the frame asked for nothing
    assert p.network() == []
    assert p.errors == []
    # Leaflet works in the frame: the map measures on Mars
    d = frame.evaluate("marsgeo.registry.length > 0 && L.CRS.EPSG4326.R")
    assert d == pytest.approx(3_396_190.0)
    p.page.close()


def test_the_plain_folium_display_needs_the_network(browser: Any, tmp_path: Path) -> None:
    """What inline_map is for: folium's own notebook display loads Leaflet from a CDN."""
    m = marsgeo.depot_map(marsgeo.load_depot(), basemap=None)
    p = Page(browser, notebook_page(tmp_path, m._repr_html_()), wait=False)
    frames = [f for f in p.page.frames if f != p.page.main_frame]
    alert = frames[0].wait_for_selector(".marsgeo-no-leaflet")
    assert "marsgeo.inline_map(m)" in alert.inner_text()  # what to do instead
    assert any("cdn.jsdelivr.net" in url for url in p.network())
    p.page.close()


def test_inline_map_sandboxes_its_frame_and_keeps_hostile_text_as_text(
    browser: Any, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    texts = payloads.payloads(marker)
    tubes = payloads.hostile_tubes(texts)
    title = " ".join(texts)
    m = marsgeo.depot_map(tubes, basemap=None, title=title)
    out = marsgeo.inline_map(m)._repr_html_()
    # one element: an iframe whose whole page is one attribute value (its quotes escaped)
    frame_tag = r'<iframe srcdoc="[^"]*" sandbox="allow-scripts allow-popups"[^<]*</iframe>'
    assert re.fullmatch(frame_tag, out)
    assert payloads.EVALUATED not in html.unescape(out)
    p = Page(browser, notebook_page(tmp_path, out), wait=False)
    frame = map_frame(p)
    shown = frame.evaluate("marsgeo.tubes.map(t => t.name)")
    # every payload literally (names longer than 80 characters shortened, saying so)
    assert sorted(shown) == sorted(short(n, 80) for n in tubes["name"])
    assert frame.evaluate("document.title") == title
    assert frame.evaluate("window.PWNED") is None
    # the frame cannot reach the notebook page around it
    reach = "(() => { try { return !!window.parent.document; } catch (e) { return 'no'; } })()"
    assert frame.evaluate(reach) == "no"
    assert p.dialogs == [] and p.network() == []
    assert not marker.exists()
    p.page.close()


def test_layers_added_after_inline_map_are_shown() -> None:
    m = marsgeo.depot_map(marsgeo.load_depot(), basemap=None)
    view = marsgeo.inline_map(m)
    marsgeo.explore(marsgeo.jezero_features(), m=m, name="Jezero added later")
    page = html.unescape(view._repr_html_())
    assert '"Jezero added later"' in page


@pytest.mark.parametrize("height", [0, 99, 4001, 520.5, "520", True, None])
def test_inline_map_refuses_a_bad_height(height: Any) -> None:
    m = marsgeo.depot_map(marsgeo.load_depot(), basemap=None)
    with pytest.raises(InputError, match=r"height=.*pixels"):
        marsgeo.inline_map(m, height=height)


def test_inline_map_refuses_what_is_not_a_marsgeo_map() -> None:
    with pytest.raises(CRSError, match="marsgeo did not make"):
        marsgeo.inline_map(folium.Map())
    with pytest.raises(InputError, match="must be a map from marsgeo"):
        marsgeo.inline_map("map.html")  # type: ignore[arg-type]


def test_an_embedded_map_offers_no_link_to_its_frame(browser: Any, tmp_path: Path) -> None:
    m = marsgeo.depot_map(marsgeo.load_depot(), basemap=None)
    p = Page(browser, notebook_page(tmp_path, marsgeo.inline_map(m)._repr_html_()), wait=False)
    frame = map_frame(p)
    # the frame's own address is no address to share (about:srcdoc)
    assert frame.evaluate("location.href") == "about:srcdoc"
    assert frame.locator(".marsgeo-link").count() == 0
    assert frame.get_by_role("button", name="Copy a link to this view").count() == 0
    # the other controls are there
    measure = frame.get_by_role("button", name="Measure distance, bearing and area on Mars")
    assert measure.count() == 1
    assert p.errors == [] and p.network() == []
    p.page.close()
