"""Template-engine and HTML payloads, and every door through which text reaches a web map.

Each payload is ordinary text to marsgeo: a map must show it literally, run nothing and create
no file. ``{# open`` and ``close #}`` sit in different rows, so a comment spanning rows would
swallow what lies between them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import xyzservices
from shapely import Point, box

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC

# what "{{ 3*13579 }}" renders to if a template engine evaluates it
EVALUATED = "40737"


def payloads(marker: Path) -> list[str]:
    """The payloads; the shell one would create ``marker`` if it ever ran."""
    return [
        "{{ 3*13579 }}",
        "{% if 1 %}x{% endif %}",
        "{# open",
        "{% for i in range(3) %}L{% endfor %}",
        "close #}",
        """{{ "q'uo" ~ 'te"s' }}""",
        "{{ '<' }}/script><script>window.PWNED=1</script>",
        "</script><script>alert(1)</script><img src=x onerror=alert(2)>",
        f"{{{{ lipsum.__globals__['os'].popen('touch {marker}').read() }}}}",
    ]


def as_data(text: str) -> str:
    """How a string sits in the page's JSON data (see marsgeo._page.js_json)."""
    encoded = json.dumps(text, ensure_ascii=False)[1:-1]
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        encoded = encoded.replace(ch, esc)
    return encoded


def hostile_tubes(texts: list[str], *, text_ids: bool = False) -> gpd.GeoDataFrame:
    """The depot with a payload in every text column (one per row) and in a user column."""
    tubes = marsgeo.load_depot()
    for k, (tid, text) in enumerate(zip(tubes.index, texts, strict=False)):
        tubes.loc[tid, "name"] = text
        tubes.loc[tid, "notes"] = texts[-1 - k]
        tubes.loc[tid, "source_rock"] = text
    tubes.loc[tubes.index[0], "sample_type"] = texts[1]  # a legend line
    tubes["remark"] = [texts[k % len(texts)] for k in range(len(tubes))]
    if text_ids:
        tubes.index = [f"{t} {k}" for k, t in enumerate(tubes["name"])]
        tubes.index.name = "tube_id"
    return tubes


def zones(texts: list[str], *, lon: float, lat: float, column: str) -> gpd.GeoDataFrame:
    """Small square zones beside (lon, lat), one per payload, each naming it."""
    d = 0.0003
    geoms = [
        box(lon + k * d, lat + d, lon + (k + 0.5) * d, lat + 1.5 * d) for k in range(len(texts))
    ]
    return gpd.GeoDataFrame(
        {"name": texts, column: list(reversed(texts))}, geometry=geoms, crs=MARS_GEOGRAPHIC
    )


def places(texts: list[str]) -> gpd.GeoDataFrame:
    """Named places (points) and an outline, each with a payload."""
    lon, lat = 77.4082, 18.4528
    geoms: list[Any] = [Point(lon + 0.0002 * k, lat - 0.0004) for k in range(len(texts))]
    geoms.append(box(lon - 0.001, lat - 0.001, lon + 0.001, lat + 0.001))
    names = [*texts, " ".join(texts[:3])]
    return gpd.GeoDataFrame(
        {"name": names, "note": list(reversed(names))}, geometry=geoms, crs=MARS_GEOGRAPHIC
    )


def provider(texts: list[str]) -> xyzservices.TileProvider:
    """A Mars tile provider whose attribution is the first text and title the last."""
    return xyzservices.TileProvider(
        name="hostile",
        url="https://tiles.example.org/{z}/{y}/{x}.png",
        attribution=texts[0],
        title=texts[-1],
        grid="EPSG4326",
        body="Mars",
        max_zoom=17,
        min_zoom=0,
        kind="xyz",
    )


def hostile_dtm(path: Path, *, description: str, band: str) -> Path:
    """A small real (not synthetic) DTM GeoTIFF whose DESCRIPTION tag and band description
    are payloads."""
    from marsgeo.basemap import synthetic_dtm, write_raster

    dtm = synthetic_dtm(size_m=300, resolution_m=5)
    real = dtm.with_data(np.asarray(dtm.data), synthetic=False, description=description, name=band)
    return write_raster(real, path)
