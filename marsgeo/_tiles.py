"""Mars tile providers, kept as data in ``marsgeo/data/tile_providers.json`` (private module).

Public names are re-exported by :mod:`marsgeo.basemap`.
"""

from __future__ import annotations

import difflib
import json
import math
import numbers
import re
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import xyzservices

from marsgeo.errors import CatalogueError, InputError, raise_collected

GRIDS = ("EPSG4326", "EPSG3857")
KINDS = ("xyz", "wms")
#: Deepest zoom level :func:`tile_index` serves (Leaflet's practical limit is far below).
MAX_ZOOM = 30
_REQUIRED = ("name", "title", "kind", "url", "attribution", "min_zoom", "max_zoom", "grid", "body")


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _validate(entries: list[dict[str, Any]]) -> list[str]:
    problems = []
    seen: set[str] = set()
    for k, e in enumerate(entries):
        label = e.get("name", f"entry {k}")
        missing = [f for f in _REQUIRED if not e.get(f) and e.get(f) != 0]
        if missing:
            problems.append(f"{label}: missing {missing}")
            continue
        if e["kind"] not in KINDS:
            problems.append(f"{label}: kind {e['kind']!r} not one of {KINDS}")
        if e["grid"] not in GRIDS:
            problems.append(f"{label}: grid {e['grid']!r} not one of {GRIDS}")
        if e["body"] != "Mars":
            problems.append(f"{label}: body {e['body']!r} is not Mars")
        if not (0 <= e["min_zoom"] <= e["max_zoom"] <= 24):
            problems.append(f"{label}: zoom range {e['min_zoom']}..{e['max_zoom']} is not valid")
        if e["kind"] == "xyz" and not all(t in e["url"] for t in ("{x}", "{y}", "{z}")):
            problems.append(f"{label}: xyz url lacks {{x}}, {{y}} or {{z}}")
        if e["kind"] == "wms" and not e.get("layers"):
            problems.append(f"{label}: a wms entry needs 'layers'")
        if not str(e["url"]).startswith("https://"):
            problems.append(f"{label}: url must be https")
        for n in [e["name"], *e.get("aliases", [])]:
            if _key(n) in seen:
                problems.append(f"{label}: name or alias {n!r} is used twice")
            seen.add(_key(n))
    return problems


def load_catalogue(text: str) -> xyzservices.Bunch:
    """Parse and validate a provider catalogue (JSON text) into a Bunch of TileProviders."""
    try:
        data = json.loads(text)
        entries = data["providers"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        msg = f"tile provider catalogue is not valid JSON with a 'providers' list ({exc})"
        raise CatalogueError(msg) from exc
    raise_collected(CatalogueError, _validate(entries), what="tile provider catalogue")
    bunch = xyzservices.Bunch()
    for e in entries:
        bunch[e["name"]] = xyzservices.TileProvider(e)
    return bunch


@cache
def _catalogue() -> xyzservices.Bunch:
    text = (
        resources.files("marsgeo")
        .joinpath("data")
        .joinpath("tile_providers.json")
        .read_text(encoding="utf-8")
    )
    return load_catalogue(text)


def tile_providers() -> xyzservices.Bunch:
    """Return the Mars tile providers marsgeo knows, by name.

    Returns
    -------
    xyzservices.Bunch
        Name -> :class:`xyzservices.TileProvider`. Besides the xyzservices keys (``url``,
        ``attribution``, ``min_zoom``, ``max_zoom``) each records ``kind`` ("xyz" or "wms"),
        ``grid`` (the Leaflet CRS its tiles need: "EPSG4326" for geographic-grid tiles such as
        NASA Mars Trek, "EPSG3857" for Web Mercator), ``body`` ("Mars"), ``coverage``,
        ``resolution_m`` and ``checked_live`` (False: URL templates were not fetched).

    Examples
    --------
    >>> sorted(tile_providers())
    ['opm-basemap', 'trek-ctx', 'trek-hirise', 'trek-mola', 'trek-viking', 'usgs-wms']
    """
    return xyzservices.Bunch({k: xyzservices.TileProvider(v) for k, v in _catalogue().items()})


def tile_provider(name: str) -> xyzservices.TileProvider:
    """Look up a Mars tile provider by name or alias, forgiving case, spaces and punctuation.

    Parameters
    ----------
    name
        e.g. ``"trek-hirise"``, ``"HiRISE"``, ``"trek_ctx"``, ``"MOLA"``.

    Returns
    -------
    xyzservices.TileProvider

    Raises
    ------
    marsgeo.errors.InputError
        Unknown name; the message lists the known names and the closest match.

    Examples
    --------
    >>> tile_provider("HiRISE")["grid"]
    'EPSG4326'
    """
    if not isinstance(name, str):
        msg = f"name={name!r} is not a provider name; pass one of {sorted(_catalogue())}."
        raise InputError(msg)
    wanted = _key(name)
    index: dict[str, str] = {}
    for pname, prov in _catalogue().items():
        for n in [pname, *prov.get("aliases", [])]:
            index[_key(n)] = pname
    if wanted in index:
        return xyzservices.TileProvider(_catalogue()[index[wanted]])
    close = difflib.get_close_matches(wanted, list(index), n=1)
    hint = f" Did you mean {index[close[0]]!r}?" if close else ""
    msg = (
        f"basemap {name!r} is not a known Mars tile provider.{hint} Known: {sorted(_catalogue())}."
    )
    raise InputError(msg)


def tile_index(lon: float, lat: float, zoom: int, *, grid: str = "EPSG4326") -> tuple[int, int]:
    """Column and row of the tile holding (lon, lat) at ``zoom`` on a Leaflet tile grid.

    Parameters
    ----------
    lon, lat
        Planetocentric degrees, east longitude.
    zoom
        Zoom level, 0 to :data:`MAX_ZOOM`.
    grid
        "EPSG4326" (geographic: level 0 is 2 x 1 tiles, as NASA Mars Trek) or "EPSG3857"
        (Web Mercator: level 0 is one tile, latitude limited to +-85.0511).

    Returns
    -------
    (x, y)
        Tile column (from 180 W eastwards) and row (from the north).

    Examples
    --------
    >>> tile_index(77.4082, 18.4528, 0)
    (1, 0)
    """
    if not isinstance(grid, str) or grid not in GRIDS:
        msg = f"grid={grid!r} is not one of {GRIDS}; pass one of them."
        raise InputError(msg)
    if (
        isinstance(zoom, (bool, np.bool_))
        or not isinstance(zoom, numbers.Integral)
        or not 0 <= zoom <= MAX_ZOOM
    ):
        msg = f"zoom={zoom!r} must be a whole number from 0 to {MAX_ZOOM}."
        raise InputError(msg)
    zoom = int(zoom)
    numeric = all(
        isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in (lon, lat)
    )
    if not (numeric and math.isfinite(lon) and math.isfinite(lat) and -90 <= lat <= 90):
        msg = (
            f"(lon, lat)=({lon!r}, {lat!r}) is not a position; pass finite degrees, longitude "
            "first, latitude in -90..90."
        )
        raise InputError(msg)
    lon, lat = float(lon), float(lat)
    lon = (lon + 180.0) % 360.0 - 180.0
    if grid == "EPSG4326":
        n = 2**zoom
        x = math.floor((lon + 180.0) / 180.0 * n)
        y = math.floor((90.0 - lat) / 180.0 * n)
        return min(x, 2 * n - 1), min(y, n - 1)
    n = 2**zoom
    lat = max(-85.0511287798, min(85.0511287798, lat))
    x = math.floor((lon + 180.0) / 360.0 * n)
    phi = math.radians(lat)
    y = math.floor((1.0 - math.log(math.tan(phi) + 1.0 / math.cos(phi)) / math.pi) / 2.0 * n)
    return min(x, n - 1), min(max(y, 0), n - 1)
