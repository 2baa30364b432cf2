"""Smoke test for an installed marsgeo (run by `make wheel-check` in a fresh venv).

Not collected by pytest: it runs against the installed package, outside the source tree.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

import marsgeo

assert "site-packages" in marsgeo.__file__, marsgeo.__file__  # the installed copy
assert marsgeo.__version__ == importlib.metadata.version("marsgeo")
tubes = marsgeo.load_depot()  # package data: the catalogue and sources
assert len(tubes) == 10 and tubes.crs.to_string() == "IAU_2015:49900"
assert marsgeo.sources()["mmgis_waypoints"]
assert "trek-hirise" in marsgeo.basemap.tile_providers()  # package data: providers
nn = marsgeo.nearest_neighbours(tubes)
assert 20.0 < float(nn["distance_m"].max()) < 20.3
plan = marsgeo.plan_pickup(tubes, lander=marsgeo.routing.ASSUMED_LANDER)
assert plan.makespan_sols == 5 and plan.is_optimal
with tempfile.TemporaryDirectory() as tmp:
    page = marsgeo.save_map(
        marsgeo.depot_map(tubes, basemap=None), Path(tmp) / "m.html", offline=True
    ).read_text(encoding="utf-8")
    assert "mg.points = function" in page  # package data: webmap.js
    assert "<script src=" not in page and "sha384-" not in page  # Leaflet inlined
# installed without extras: figures need the "plot" extra, and say so
assert importlib.util.find_spec("matplotlib") is None, "matplotlib came without the plot extra"
try:
    import marsgeo.plot
except ImportError as exc:
    assert 'pip install "marsgeo[plot]"' in str(exc), exc
else:
    raise AssertionError("marsgeo.plot imported without matplotlib")
exe = Path(sys.executable).with_name("marsgeo")
info = subprocess.run([str(exe), "info"], capture_output=True, text=True, check=True).stdout
assert "IAU_2015 Mars CRSs : available" in info
print(f"installed marsgeo {marsgeo.__version__}: smoke test passed")
