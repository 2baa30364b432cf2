"""Benchmark: 100 000 points on a web map, page bytes per point and time to first render.

The same points (random, seeded, around Jezero crater, in IAU_2015:49900) with the same
tooltip (the name) and popup (id, name, sample type, elevation), on three offline pages:

- marsgeo: ``marsgeo.explore`` (coloured by sample type) and ``marsgeo.depot_map`` of the
  points as a tube catalogue (``pairwise=False``; nearest-neighbour lines drawn), both saved
  with ``save_map(offline=True)``: the points are a point cloud on one canvas;
- a loop of ``folium.CircleMarker`` (the baseline): one SVG marker with its own tooltip and
  popup per point;
- ``folium.GeoJson`` with ``GeoJsonTooltip`` / ``GeoJsonPopup``: folium refuses Mars data
  (it reprojects to EPSG:4326, which PROJ refuses for Mars), so the same longitudes and
  latitudes are relabelled as EPSG:4326 for it (numbers unchanged, a wrong label that only
  this comparison tolerates).

The folium pages load Leaflet inline from the xstatic-leaflet package (the file marsgeo
inlines) instead of from CDNs, and their popups' one use of jQuery, ``$(html)[0]``, is given
by a one-line equivalent, so that every page runs offline.

Bytes per point: (page bytes - bytes of the same page of one point) / (N - 1).
First render: headless Chromium (every request outside ``file:`` blocked), from navigation
start to the second animation frame after the page's scripts have run (a script at the end
of every page records it), so the frame that shows the points has been painted; measured the
same way for all pages, up to 90 s (a page that takes longer is reported as such). A zoom
step: ``map.zoomIn()`` to the second frame after the map's ``zoomend``. Ratios are against
the folium loop, measured in this run.
Aims: marsgeo's first render within 2 s, its bytes per point at most 1/3 of the loop's.

Run: ``.venv/bin/python bench/bench_webmap_points.py [N]`` (default 100 000; a few minutes,
most of it folium building and Chromium opening the loop's page).
"""

from __future__ import annotations

import math
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CAP_S = 90  # a page not rendered by then is reported as such (folium.GeoJson takes minutes)
COLOURS = {"igneous": "#d62728", "sedimentary": "#ff9f1c", "regolith": "#8d6e63"}
# recorded at the end of every page: the second frame after its scripts ran
PAINTED = (
    "<script>requestAnimationFrame(function () { requestAnimationFrame(function () {"
    " window.benchPainted = performance.now(); }); });</script>"
)
# the one jQuery call folium's popups make: $(`<div ...>...</div>`)[0]
DOLLAR = (
    "<script>window.$ = function (html) { var t = document.createElement('template');"
    " t.innerHTML = html.trim(); return [t.content.firstChild]; };</script>"
)


def points(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(15)
    lon = rng.uniform(77.25, 77.65, n)
    lat = rng.uniform(18.25, 18.65, n)
    gdf = gpd.GeoDataFrame(
        {
            "name": [f"point {i}" for i in range(n)],
            "sample_type": rng.choice(list(COLOURS), n),
            "elev_m": rng.normal(-2545, 5, n).round(2),
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=MARS_GEOGRAPHIC,
    )
    gdf.index.name = "tube_id"
    return gdf


def leaflet_inline() -> str:
    from marsgeo._page import leaflet_files

    js, css = leaflet_files()
    js = js.replace("</script", "<\\/script")
    return f"<style>{css}</style><script>{js}</script>"


def folium_map(gdf: gpd.GeoDataFrame) -> folium.Map:
    m = folium.Map(tiles=None, crs="EPSG4326", control_scale=True)
    m.default_js = []
    m.default_css = []
    m.get_root().header.add_child(folium.Element(leaflet_inline() + DOLLAR))
    w, s, e, n = gdf.total_bounds
    m.fit_bounds([[s, w], [n, e]])
    return m


def popup_text(tid: Any, row: Any) -> str:
    return (
        f"tube id {tid}<br>name {row.name}<br>sample_type {row.sample_type}<br>elev_m {row.elev_m}"
    )


def loop_page(gdf: gpd.GeoDataFrame) -> str:
    m = folium_map(gdf)
    for tid, row in zip(gdf.index, gdf.itertuples(index=False), strict=True):
        folium.CircleMarker(
            [row.geometry.y, row.geometry.x],
            radius=5,
            color="#111111",
            weight=1,
            fill=True,
            fill_color=COLOURS[row.sample_type],
            fill_opacity=0.9,
            tooltip=row.name,
            popup=folium.Popup(popup_text(tid, row)),
        ).add_to(m)
    return str(m.get_root().render())


def geojson_page(gdf: gpd.GeoDataFrame) -> str:
    m = folium_map(gdf)
    earth = gdf.reset_index().set_crs("EPSG:4326", allow_override=True)  # relabelled only
    folium.GeoJson(
        earth,
        marker=folium.CircleMarker(radius=5, color="#111111", weight=1, fill=True),
        style_function=lambda f: {
            "fillColor": COLOURS[f["properties"]["sample_type"]],
            "fillOpacity": 0.9,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name"]),
        popup=folium.GeoJsonPopup(fields=["tube_id", "name", "sample_type", "elev_m"]),
    ).add_to(m)
    return str(m.get_root().render())


def explore_page(gdf: gpd.GeoDataFrame, path: Path) -> str:
    m = marsgeo.explore(gdf, column="sample_type", tooltip="name", basemap=None, name="Points")
    return marsgeo.save_map(m, path, offline=True).read_text(encoding="utf-8")


def depot_page(gdf: gpd.GeoDataFrame, path: Path) -> str:
    m = marsgeo.depot_map(gdf, basemap=None, places=None, pairwise=False, title="Points")
    return marsgeo.save_map(m, path, offline=True).read_text(encoding="utf-8")


def write(folder: Path, name: str, page: str) -> Path:
    path = folder / name
    path.write_text(page.replace("</html>", PAINTED + "</html>"), encoding="utf-8")
    return path


def in_chromium(browser: Any, path: Path) -> tuple[float, float, list[str]]:
    """Seconds to first render and to a zoom step, and what went wrong, for one page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = browser.new_page(viewport={"width": 1200, "height": 850})
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            problems.append(f"request {r.request.url}")
            r.abort()

    page.route("**/*", route)
    try:
        page.goto(path.as_uri(), timeout=CAP_S * 1000)
        page.wait_for_function("window.benchPainted", timeout=CAP_S * 1000, polling=100)
    except PlaywrightTimeout:
        page.close()
        return math.inf, math.inf, [f"no first render within {CAP_S} s"]
    first = float(page.evaluate("window.benchPainted")) / 1000
    zoom = page.evaluate(
        """() => new Promise(done => {
          const map = Object.values(window).find(v => v instanceof L.Map);
          const t0 = performance.now();
          map.once("zoomend", () => requestAnimationFrame(() => requestAnimationFrame(
            () => done(performance.now() - t0))));
          map.zoomIn(1, {animate: false});
        })"""
    )
    page.close()
    return first, float(zoom) / 1000, problems


def main() -> None:
    from playwright.sync_api import sync_playwright

    gdf = points(N)
    one = gdf.iloc[:1]
    folder = Path(tempfile.mkdtemp(prefix="bench_points_"))
    builders = {
        "marsgeo.explore": lambda g, p: explore_page(g, p),
        "marsgeo.depot_map": lambda g, p: depot_page(g, p),
        "folium.CircleMarker loop": lambda g, p: loop_page(g),
        "folium.GeoJson (relabelled)": lambda g, p: geojson_page(g),
    }
    rows = {}
    for k, (label, build) in enumerate(builders.items()):
        base = build(one, folder / f"one{k}.html")
        t0 = time.perf_counter()
        page = build(gdf, folder / f"page{k}.html")
        built = time.perf_counter() - t0
        per_point = (len(page.encode()) - len(base.encode())) / (N - 1)
        rows[label] = (write(folder, f"page{k}.html", page), len(page.encode()), per_point, built)
        print(f"built {label}: {built:.1f} s", flush=True)
    print(f"\n{N:,} points, same tooltip and popup; Chromium {CHROMIUM}, network blocked")
    print(f"{'page':28s} build s      MiB  B/point  x loop  first s  x loop  zoom s")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        timed = {label: in_chromium(browser, row[0]) for label, row in rows.items()}
        browser.close()
    _, _, loop_bytes, _ = rows["folium.CircleMarker loop"]
    loop_first = timed["folium.CircleMarker loop"][0]
    for label, (_, size, per_point, built) in rows.items():
        first, zoom, problems = timed[label]
        print(
            f"{label:28s} {built:7.1f} {size / 2**20:8.2f} {per_point:8.1f} "
            f"{per_point / loop_bytes:7.3f} {first:8.2f} {first / loop_first:7.3f} {zoom:7.2f}"
            + (f"  PROBLEMS: {problems[:3]}" if problems else "")
        )
    for label in ("marsgeo.explore", "marsgeo.depot_map"):
        _, _, per_point, _ = rows[label]
        first = timed[label][0]
        ok_t = "OK" if first <= 2 else "MISSED"
        ok_b = "OK" if per_point <= loop_bytes / 3 else "MISSED"
        print(
            f"aims, {label}: first render {first:.2f} s <= 2 s {ok_t}; "
            f"bytes per point {per_point / loop_bytes:.3f} of the loop's <= 1/3 {ok_b}"
        )
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
