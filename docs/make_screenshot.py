"""Regenerate docs/img/three_forks_map.png: the offline Three Forks map in headless Chromium.

Usage: python docs/make_screenshot.py   (needs Debian's chromium and the test extras)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import marsgeo as mg
from marsgeo.routing import ASSUMED_LANDER

OUT = Path(__file__).parent / "img" / "three_forks_map.png"


def main() -> None:
    tubes = mg.load_depot()
    plan = mg.plan_pickup(tubes, lander=ASSUMED_LANDER)
    m = mg.depot_map(tubes, plan=plan, basemap=None, terrain="synthetic")
    with tempfile.TemporaryDirectory() as tmp:
        page_path = mg.save_map(m, Path(tmp) / "map.html", offline=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=["--no-sandbox", "--disable-gpu"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route(
                "**/*",
                lambda r: (
                    r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort()
                ),
            )
            page.goto(page_path.as_uri())
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT))
            browser.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
