"""What a marsgeo web map shows, as data (private; used by :mod:`marsgeo.webmap`).

Every value from data is turned into JSON-ready text here: shortened for display (the data
keeps it whole), isolated in its text direction, and never part of a template. Geometries
become Leaflet's ``[lat, lon]`` pairs in Mars planetocentric degrees, and the arguments of the
map functions are checked with messages that name the argument, the value and the fix.
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from marsgeo import _style
from marsgeo._validate import check_shapes, lonlat
from marsgeo.crs import require_mars_crs, to_mars_geographic
from marsgeo.depot import drop_order
from marsgeo.errors import InputError, raise_collected

#: Marker colour for each sample type (others: purple).
SAMPLE_COLORS = _style.SAMPLE_COLORS
OTHER_COLOR = _style.OTHER_COLOR
HELI_COLORS = _style.HELI_COLORS

#: How many characters of one value a map shows (names, then other values).
NAME_CHARS = 80
VALUE_CHARS = 300

# --- data to JSON ---------------


# explicit direction controls (shown as their code points: they must not reorder a label)
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, ...; presentation forms)
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff]")


def display_text(text: str, limit: int = VALUE_CHARS) -> str:
    """Return ``text`` as a map shows it: short, and isolated in its text direction.

    At most ``limit`` characters are kept (then how many there are), direction controls
    are shown as code points, and right-to-left text is isolated (U+2068 ... U+2069), so that
    no value can reorder the rest of a label.

    Examples
    --------
    >>> display_text("x" * 100, 5)
    'xxxxx… [100 characters]'
    >>> display_text("a\u202eb")
    'a[U+202E]b'
    """
    if len(text) > limit:
        text = f"{text[:limit]}… [{len(text):,} characters]"
    text = _BIDI_CONTROLS.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
    return f"\u2068{text}\u2069" if _RTL.search(text) else text


def value_text(v: Any, limit: int = VALUE_CHARS) -> str | None:
    """Return one value as a map shows it (see :func:`display_text`), or None if missing."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat(timespec="seconds")
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.8g}"
    return display_text(str(v), limit)


def tube_key(tube_id: Any) -> str:
    """Return the key that links a tube to what is drawn for it (lines, legs, circles).

    The key is made from the whole tube id (numbers by value: ``3``, ``np.int64(3)`` and
    ``3.0`` share one), not from the id as the map shows it, which is shortened: two ids that
    differ only after their first :data:`NAME_CHARS` characters get two keys.

    Examples
    --------
    >>> tube_key(3) == tube_key(3.0), tube_key("a" * 90 + "1") == tube_key("a" * 90 + "2")
    (True, False)
    >>> len(tube_key("any id"))
    21
    """
    if isinstance(tube_id, (np.integer, np.floating)):
        tube_id = tube_id.item()
    if isinstance(tube_id, float) and tube_id.is_integer():
        tube_id = int(tube_id)
    text = str(tube_id).encode("utf-8", "surrogatepass")
    return "t" + hashlib.blake2b(text, digest_size=10).hexdigest()


#: How the map names the sample type of a tube that has none (legend, search, marker).
UNKNOWN_TYPE = "unknown type"


def type_look(kind: Any) -> tuple[str, str, str]:
    """Return a sample type's colour, text and marker as a map shows them.

    A missing or blank type (None, NaN, "") is :data:`UNKNOWN_TYPE`, drawn like any other
    type that has no colour of its own.

    Examples
    --------
    >>> type_look(None) == type_look(float("nan")) == (OTHER_COLOR, "unknown type", "P")
    True
    """
    missing = (pd.api.types.is_scalar(kind) and bool(pd.isna(kind))) or not str(kind).strip()
    text = UNKNOWN_TYPE if missing else display_text(str(kind), NAME_CHARS)
    return SAMPLE_COLORS.get(str(kind), OTHER_COLOR), text, _style.sample_marker(kind)


def _tube_popup(row: pd.Series) -> list[list[str | None]]:
    if not {"designation", "dropped_sol"} <= set(row.index):
        return [
            [value_text(k, NAME_CHARS), value_text(v)] for k, v in row.items() if k != "geometry"
        ]

    def get(column: str) -> str | None:
        return value_text(row.get(column))

    def joined(*parts: str | None, confidence: str | None = None) -> str:
        text = ", ".join(p for p in parts if p)
        how = get(confidence) if confidence else None
        return f"{text} ({how})" if text and how else text

    def sol(column: str) -> str | None:
        value = get(column)
        return f"sol {value}" if value else None

    lmst = get("dropped_lmst")
    unc = get("position_uncertainty_m")
    elev = row.get("elev_m")
    return [
        ["PDS name", get("name_pds")],
        ["designation", get("designation")],
        [
            "sample",
            joined(
                get("sample_type"), get("sample_type_detail"), confidence="sample_type_confidence"
            ),
        ],
        [
            "source rock",
            joined(get("source_rock"), get("source_site"), confidence="source_confidence"),
        ],
        [
            "collected",
            joined(
                sol("collected_sol"), get("collected_date"), confidence="collected_date_confidence"
            ),
        ],
        ["collected date from", get("collected_date_method")],
        [
            "dropped",
            joined(
                sol("dropped_sol"),
                f"{lmst} LMST" if lmst else None,
                get("dropped_date"),
                confidence="dropped_date_confidence",
            ),
        ],
        ["dropped date from", get("dropped_date_method")],
        ["twin on rover", joined(get("twin") or "none", confidence="twin_confidence")],
        ["position", f"{row['lon']:.8f} E, {row['lat']:.8f} N"],
        [
            "position source",
            joined(get("position_confidence"), f"within about {unc} m" if unc else None),
        ],
        ["elevation", f"{float(elev):.2f} m (areoid)" if pd.notna(elev) else None],
        ["notes", get("notes")],
    ]


def tube_points(tubes: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Return the tubes (checked, Mars lon/lat) as the page's point data, with drop order.

    Each point has ``id`` (the tube's index value as the map shows it), ``key``
    (:func:`tube_key` of the index value: what lines, legs and circles drawn for the tube
    name in their ``tubes``), ``type`` (its sample type as the legend shows it,
    :func:`type_look`; "tube" without a ``sample_type`` column) and ``marker`` (the
    figures' matplotlib marker of that type, :func:`marsgeo._style.sample_marker`, which
    the page draws as the same shape).
    """
    lon, lat = lonlat(tubes)
    frame = tubes.assign(lon=lon, lat=lat)
    points = []
    ranks = drop_order(tubes).tolist()
    typed = "sample_type" in tubes.columns
    for order, (tid, row) in zip(ranks, frame.iterrows(), strict=True):
        color, kind, marker = type_look(row.get("sample_type"))
        name = value_text(row.get("name"), NAME_CHARS) or f"tube {value_text(tid, NAME_CHARS)}"
        points.append(
            {
                "lat": round(float(row["lat"]), 9),
                "lon": round(float(row["lon"]), 9),
                "name": name,
                "color": color,
                "order": order,
                "sol": value_text(row.get("dropped_sol")),
                "date": value_text(row.get("dropped_date")),
                "popup": [["tube id", value_text(tid, NAME_CHARS)], *_tube_popup(row)],
                "cls": "marsgeo-tube",
                "id": value_text(tid, NAME_CHARS) or "",
                "key": tube_key(tid),
                "type": kind if typed else "tube",
                "marker": marker,
            }
        )
    return points


def lines_from(
    gdf: gpd.GeoDataFrame, *, tubes: list[list[str]] | None = None, **style: Any
) -> list[dict[str, Any]]:
    """Return the LineStrings of ``gdf`` (Mars lon/lat) as line data with ``style``.

    ``tubes``, one list per line, gives the keys (:func:`tube_key`) of the tubes each line
    joins (replay and filtering take a line away with its tubes).
    """
    out = []
    for k, geom in enumerate(gdf.geometry):
        c = np.asarray(geom.coords)
        item = {"coords": [[round(y, 9), round(x, 9)] for x, y in c[:, :2]], **style}
        if tubes is not None:
            item["tubes"] = tubes[k]
        out.append(item)
    return out


def rings(poly: Any) -> list[list[list[float]]]:
    """Return a Polygon's rings as Leaflet ``[lat, lon]`` pairs."""
    parts = [poly.exterior, *poly.interiors]
    return [[[round(y, 9), round(x, 9)] for x, y in np.asarray(r.coords)[:, :2]] for r in parts]


def polygon_items(gdf: Any, **style: Any) -> list[dict[str, Any]]:
    """Polygons (and outlines) to draw; a GeoDataFrame's columns become each one's popup."""
    items = []
    g = to_mars_geographic(gdf)
    frame = g if isinstance(g, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=g)
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for fid, row in frame.iterrows():
        geom = row[frame.geometry.name]
        if geom is None or geom.is_empty:
            continue
        extra: dict[str, Any] = {}
        if columns:
            extra["popup"] = [[value_text(c, NAME_CHARS), value_text(row[c])] for c in columns]
            extra["title"] = f"{style.get('label', 'area')} {value_text(fid, NAME_CHARS)}"
            if "name" in columns and value_text(row["name"]):
                name = value_text(row["name"], NAME_CHARS)
                extra["label"] = f"{style.get('label', 'area')}: {name}"
        for part in getattr(geom, "geoms", [geom]):
            if part.geom_type == "Polygon":
                items.append({"rings": rings(part), **style, **extra})
            elif part.geom_type == "LineString":
                items.append(
                    {
                        "rings": [[[y, x] for x, y in np.asarray(part.coords)[:, :2]]],
                        **style,
                        **extra,
                        "fillOpacity": 0,
                    }
                )
    return items


# --- argument checks ---------------

POLYGONS = ("Polygon", "MultiPolygon")
PLACE_KINDS = ("Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


def _is_flag(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def flag_problems(**flags: Any) -> list[str]:
    """Problems with arguments that must be True or False (or None, if the name ends in _)."""
    problems = []
    for key, value in flags.items():
        name, optional = key.rstrip("_"), key.endswith("_")
        if _is_flag(value) or (optional and value is None):
            continue
        allowed = "True, False or None" if optional else "True or False"
        problems.append(f"{name}={value!r} must be {allowed}")
    return problems


def _row_ids(index: pd.Index, mask: Any, limit: int = 5) -> str:
    ids = [repr(v.item() if hasattr(v, "item") else v) for v in index[np.asarray(mask)][:limit]]
    more = int(np.count_nonzero(mask)) - len(ids)
    return ", ".join(ids) + (f" and {more} more" if more > 0 else "")


def check_shape_kinds(obj: Any, *, name: str, kinds: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Return ``obj`` as a GeoDataFrame in Mars longitude/latitude, every row drawable.

    Refused, naming the rows: missing or empty geometries, geometry types other than
    ``kinds``, and coordinates that break the coordinate range rule.
    """
    if isinstance(obj, gpd.GeoSeries):
        obj = gpd.GeoDataFrame(geometry=obj)
    if not isinstance(obj, gpd.GeoDataFrame):
        msg = (
            f"{name} must be a GeoDataFrame (or GeoSeries) of {' / '.join(kinds)} in a Mars "
            f"CRS, got {type(obj).__name__}; build one with geopandas.GeoDataFrame(geometry="
            "[...], crs=marsgeo.crs.MARS_GEOGRAPHIC)."
        )
        raise InputError(msg)
    if obj._geometry_column_name not in obj.columns:
        msg = f"{name} has no active geometry column; set one with {name}.set_geometry(column)."
        raise InputError(msg)
    require_mars_crs(obj, name=name)
    geoms = np.asarray(obj.geometry.values, dtype=object)
    problems = []
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        problems.append(f"rows {_row_ids(obj.index, missing)} have no geometry; drop them")
    kind = np.array([g.geom_type if g is not None else "" for g in geoms], dtype=object)
    wrong = ~missing & ~np.isin(kind, kinds)
    if wrong.any():
        found = sorted(set(kind[wrong]))
        problems.append(
            f"rows {_row_ids(obj.index, wrong)} are {', '.join(found)}; pass {' / '.join(kinds)}"
        )
    raise_collected(InputError, problems, what=name)
    return check_shapes(obj, name=name)  # the coordinate range rule, naming the rows
