"""Large point sets on a web map, drawn on one canvas from a compact encoding (private).

Above :data:`CLOUD_POINTS` points, one SVG marker per point (each with its own JSON object,
tooltip and popup) makes a page of about 450 to 535 bytes per point that opens and zooms
slowly (10 000 tubes: 1.7 s to the first render, 0.3 s per zoom step in headless Chromium on
two cores; 100 000 markers take tens of seconds). A point cloud is instead one layer, drawn
by ``webmap_cloud.js`` on a single canvas and redrawn (once per frame, however many moves
asked) after every move and zoom, from data that holds each value once:

- coordinates as unsigned 32-bit integer offsets, in steps of :data:`STEP_DEG` (1e-7 degree,
  about 6 mm on Mars), from a reference longitude and latitude (also in steps); a decoded
  position is within half a step of the data;
- colours as indices into a small palette;
- texts (names, popup values) by column: its distinct values once, joined into one text
  with their lengths (a page parses one long text at once, but many short ones slowly),
  and, unless they are all different, each point's index into them;
- integer arrays as little-endian bytes in base64 (``u8``, ``u16`` or ``u32``, the smallest
  that fits).

Points are painted into the canvas's pixels: opaque ones (the default) as whole pixel words,
translucent ones (a ``fillOpacity`` or ``opacity`` below 1) blended pixel by pixel, which is
slower. Hovering a point shows its name (or its tooltip columns), clicking it opens its
popup; both find the point through a grid index of the drawn points, and every text is
written as text.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from marsgeo._mapdata import NAME_CHARS, OTHER_COLOR, type_look, value_text
from marsgeo._mapstate import RANKS, add_position_note, attach, map_state
from marsgeo._page import DataLayer
from marsgeo._validate import lonlat
from marsgeo.errors import TooLargeError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import folium
    import geopandas as gpd

#: Point layers with more points than this are drawn as a point cloud on one canvas. Up to
#: here each point is its own marker, with what only a marker has (its CSS class, keyboard
#: focus, a place in the drop-order replay and the search): 2 000 tube markers make an offline
#: page of about 1 MB that headless Chromium on two cores renders in about 1.4 s, and every
#: further marker adds about 0.5 KB and 0.7 ms, where a cloud point adds about 50 bytes and
#: next to nothing to the first render (2 001 tubes: 0.33 MB, 0.24 s).
CLOUD_POINTS = 2000
#: The step of the encoded coordinates [degree]: 1e-7 degree is 5.9 mm on Mars's equator.
STEP_DEG = 1e-7
_TYPES = (("u8", np.uint8), ("u16", np.uint16), ("u32", np.uint32))
# the look of a cloud's points and of its segments unless a layer says otherwise
_POINT_LOOK = {"radius": 5.0, "color": "#111111", "weight": 1.0, "opacity": 1.0, "fillOpacity": 1.0}
# (solid: Chromium rasterises tens of thousands of dashed lines several times slower)
_NN_LOOK = {"color": "#222222", "weight": 1.0, "opacity": 0.7, "dashArray": None}


def int_array(values: Any) -> dict[str, str]:
    """Encode non-negative integers as little-endian bytes in base64, in the smallest type.

    Examples
    --------
    >>> int_array([1, 2, 300])
    {'type': 'u16', 'b64': 'AQACACwB'}
    """
    a = np.asarray(values, dtype=np.int64)
    top = int(a.max()) if a.size else 0
    if a.size and int(a.min()) < 0:
        msg = f"int_array takes non-negative integers, got a minimum of {int(a.min())}"
        raise ValueError(msg)
    for name, kind in _TYPES:
        if top <= np.iinfo(kind).max:
            raw = a.astype(np.dtype(kind).newbyteorder("<")).tobytes()
            return {"type": name, "b64": base64.b64encode(raw).decode("ascii")}
    msg = f"int_array takes integers below 2**32, got {top}"
    raise ValueError(msg)


def int_values(encoded: dict[str, str]) -> np.ndarray:
    """Decode :func:`int_array`'s encoding (as the page does)."""
    kind = dict(_TYPES)[encoded["type"]]
    raw = base64.b64decode(encoded["b64"])
    return np.frombuffer(raw, dtype=np.dtype(kind).newbyteorder("<")).astype(np.int64)


def encode_lonlat(lon: Any, lat: Any) -> dict[str, Any]:
    """Encode Mars longitudes and latitudes as integer offsets in steps of :data:`STEP_DEG`.

    Returns ``{"step", "ref": [lon, lat] in steps, "x", "y"}`` (``x``/``y``: :func:`int_array`
    offsets from ``ref``); :func:`decode_lonlat` gives the positions back within half a step.

    Examples
    --------
    >>> data = encode_lonlat([77.40775321, 77.4084474], [18.45263041, 18.4533704])
    >>> data["ref"], int_values(data["x"]).tolist(), int_values(data["y"]).tolist()
    ([774077532, 184526304], [0, 6942], [0, 7400])
    """
    x = np.rint(np.asarray(lon, dtype=float) / STEP_DEG).astype(np.int64)
    y = np.rint(np.asarray(lat, dtype=float) / STEP_DEG).astype(np.int64)
    rx = int(x.min()) if x.size else 0
    ry = int(y.min()) if y.size else 0
    return {"step": STEP_DEG, "ref": [rx, ry], "x": int_array(x - rx), "y": int_array(y - ry)}


def decode_lonlat(data: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Return the longitudes and latitudes :func:`encode_lonlat` encoded (as the page does)."""
    rx, ry = data["ref"]
    step = float(data["step"])
    lon = (rx + int_values(data["x"])).astype(float) * step
    lat = (ry + int_values(data["y"])).astype(float) * step
    return lon, lat


def text_column(name: Any, values: Sequence[str | None]) -> dict[str, Any]:
    """Return one column of texts (already shortened for display), each value once.

    The distinct values are joined into one text, ``joined``, with ``lengths`` (in UTF-16
    code units, as JavaScript counts them; plus one, 0 for a missing value): a page parses
    one long text in milliseconds, where 100 000 separate texts take seconds. A column of
    all different values is that alone; any other also has ``codes``, each point's index
    into the distinct values.

    Examples
    --------
    >>> column = text_column("type", ["igneous", "regolith", "igneous", None])
    >>> column["joined"], int_values(column["lengths"]).tolist()
    ('igneousregolith', [8, 9, 0])
    >>> int_values(column["codes"]).tolist()
    [0, 1, 0, 2]
    """
    header = value_text(name, NAME_CHARS) or ""
    codes, uniques = pd.factorize(pd.Series(list(values), dtype=object), use_na_sentinel=False)
    distinct = [None if pd.isna(v) else str(v) for v in uniques]
    lengths = [0 if v is None else len(v.encode("utf-16-le")) // 2 + 1 for v in distinct]
    joined = "".join(v for v in distinct if v)
    out: dict[str, Any] = {"name": header, "joined": joined, "lengths": int_array(lengths)}
    if len(distinct) < len(values):
        out["codes"] = int_array(codes)
    return out


def column_texts(column: dict[str, Any]) -> list[str | None]:
    """Return each point's text of a :func:`text_column` (as the page reads it)."""
    raw = column["joined"].encode("utf-16-le")
    out: list[str | None] = []
    at = 0
    for length in int_values(column["lengths"]):
        end = at + 2 * max(int(length) - 1, 0)
        out.append(raw[at:end].decode("utf-16-le") if length else None)
        at = end
    if "codes" in column:
        return [out[k] for k in int_values(column["codes"])]
    return out


def colour_codes(colours: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """Return a palette and each point's index into it (:func:`int_array`)."""
    codes, palette = pd.factorize(pd.Series(list(colours), dtype=object))
    return [str(c) for c in palette], int_array(codes)


def cloud_data(
    lon: Any,
    lat: Any,
    colours: Sequence[str],
    *,
    columns: list[dict[str, Any]],
    show: dict[str, Any],
    look: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return a point cloud's page data: positions, palette, text columns and what to show.

    ``show`` says which columns (by position in ``columns``) the page shows: ``name`` (the
    hover text), ``tip`` (rows on hover, instead of the name), ``popup`` (rows on click),
    ``title`` (the popup's title, after ``prefix``), and ``position`` (a popup row with the
    point's decoded longitude and latitude).
    """
    palette, codes = colour_codes(colours)
    return {
        "n": len(colours),
        **encode_lonlat(lon, lat),
        "palette": palette,
        "colour": codes,
        "look": {**_POINT_LOOK, **(look or {})},
        "columns": columns,
        "show": show,
    }


def _nearest_segments(tubes: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each tube's nearest-neighbour segment as a pair of row positions, each pair once."""
    from marsgeo import distance

    nn = distance.nearest_neighbours(tubes)
    other = nn.columns[0]  # nearest_<index name>, the neighbour's id
    a = np.arange(len(tubes))
    b = tubes.index.get_indexer(nn[other])
    pairs = np.unique(np.sort(np.column_stack([a, b]), axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1]


# --- layers of a marsgeo map ---------------


def tube_cloud(m: folium.Map, tubes: gpd.GeoDataFrame) -> folium.Map:
    """Draw checked tubes (more than :data:`CLOUD_POINTS`) as a point cloud called "Tubes".

    Colours are by sample type as for a few tubes; hovering shows a tube's name, clicking
    its id, columns and position. There is no drop-order replay: it works tube by tube.
    The legend says how the positions are known, as for a few tubes.
    """
    state = map_state(m)
    lon, lat = lonlat(tubes)
    looks = [type_look(k) for k in tubes.get("sample_type", pd.Series([None] * len(tubes)))]
    colours = [colour for colour, _, _ in looks]
    ids = [value_text(t, NAME_CHARS) for t in tubes.index]
    names = [
        value_text(v, NAME_CHARS) or f"tube {t}"
        for v, t in zip(tubes.get("name", [None] * len(tubes)), ids, strict=True)
    ]
    geometry = tubes.geometry.name
    others = [c for c in tubes.columns if c not in (geometry, "name")]
    columns = [text_column("tube id", ids), text_column("name", names)]
    columns += [text_column(c, [value_text(v) for v in tubes[c]]) for c in others]
    show = {"name": 1, "popup": list(range(len(columns))), "title": 1, "position": True}
    data = cloud_data(lon, lat, colours, columns=columns, show=show)
    data["cls"] = "marsgeo-cloud-tubes"
    attach(m, DataLayer("cloud", data, "Tubes"))
    typed = "sample_type" in tubes.columns
    legend = list(dict.fromkeys((c, t) for c, t, _ in looks)) if typed else []
    for colour, text in legend or [(OTHER_COLOR, "tube")]:
        if (RANKS["tubes"], colour, text) not in state.legend:
            state.legend.append((RANKS["tubes"], colour, text))
    add_position_note(state, tubes)
    state.notes.append(
        (
            RANKS["tubes"],
            f"Tubes: {len(tubes):,} drawn as a point cloud on one canvas (more than "
            f"{CLOUD_POINTS:,}): hover a point for its name, click it for its values. No "
            "drop-order replay: it shows and hides tubes one by one, which is slow at this size.",
        )
    )
    return m


def check_pairwise(n: int, *, pairwise: bool | None) -> None:
    """Refuse ``pairwise=True`` for more than :data:`CLOUD_POINTS` tubes (``n``).

    Raises
    ------
    marsgeo.errors.TooLargeError
        A pair line for every two of so many tubes is too many lines for a page.
    """
    if pairwise and n > CLOUD_POINTS:
        msg = (
            f"pairwise=True with {n:,} tubes would draw {n * (n - 1) // 2:,} lines; pass "
            f"pairwise=False (or None), or at most {CLOUD_POINTS:,} tubes, and get the pairs "
            "as data from marsgeo.pairwise_distances."
        )
        raise TooLargeError(msg)


def distance_cloud(
    m: folium.Map, tubes: gpd.GeoDataFrame, *, nearest: bool, pairwise: bool | None
) -> folium.Map:
    """Draw the nearest-neighbour lines of many checked tubes on one canvas, without labels.

    ``pairwise=True`` is refused (a pair line for every two of so many tubes is too many
    lines for a page); None or False draws no pairs.
    """
    n = len(tubes)
    check_pairwise(n, pairwise=pairwise)
    if not nearest or n < 2:
        return m
    state = map_state(m)
    lon, lat = lonlat(tubes)
    a, b = _nearest_segments(tubes)
    ends = encode_lonlat(np.concatenate([lon[a], lon[b]]), np.concatenate([lat[a], lat[b]]))
    data = {"n": 0, "segments": {"count": len(a), **ends, "look": dict(_NN_LOOK)}}
    data["cls"] = "marsgeo-cloud-nn"
    attach(m, DataLayer("cloud", data, "Nearest-neighbour distances"))
    state.notes.append(
        (
            RANKS["tubes"],
            f"Nearest-neighbour lines: {len(a):,} on one canvas, without distance labels "
            "(measure one with the measuring tool, or get them all from "
            "marsgeo.nearest_neighbours).",
        )
    )
    return m
