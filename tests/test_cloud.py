"""Large point sets on a web map: the point cloud's compact encoding, read from the page."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS
from scipy.spatial import cKDTree
from shapely import MultiPoint, Point

import marsgeo
from marsgeo._cloud import CLOUD_POINTS, STEP_DEG
from marsgeo.crs import MARS_GEOGRAPHIC, local_crs, to_mars_lonlat
from marsgeo.errors import TooLargeError
from marsgeo.webmap import NAME_CHARS, SAMPLE_COLORS, add_distances, add_tubes

from . import payloads
from .test_explore import WEST_OGRAPHIC, draws, legend, ographic_west

# one metre on the Mars sphere, in degrees of latitude
METRE_DEG = 180 / (np.pi * 3_396_190.0)
TYPES = ["igneous", "sedimentary", "regolith", "atmospheric"]


def ints(encoded: dict[str, str]) -> np.ndarray:
    """Little-endian unsigned integers from base64, as the page reads them."""
    width = {"u8": 1, "u16": 2, "u32": 4}[encoded["type"]]
    raw = base64.b64decode(encoded["b64"])
    return np.frombuffer(raw, dtype=f"<u{width}").astype(np.int64)


def positions(data: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes of a cloud's data: (reference + offset) * step."""
    step = data["step"]
    return (data["ref"][0] + ints(data["x"])) * step, (data["ref"][1] + ints(data["y"])) * step


def distinct(column: dict[str, Any]) -> list[str | None]:
    """A cloud column's distinct values: one text, cut at their lengths (UTF-16 code
    units, plus one; 0 for no value)."""
    raw = column["joined"].encode("utf-16-le")
    values: list[str | None] = []
    at = 0
    for length in ints(column["lengths"]):
        size = 2 * (int(length) - 1) if length else 0
        values.append(raw[at : at + size].decode("utf-16-le") if length else None)
        at += size
    return values


def texts(column: dict[str, Any]) -> list[str | None]:
    """Each point's text in a cloud column (picked by the codes, if there are any)."""
    values = distinct(column)
    return [values[k] for k in ints(column["codes"])] if "codes" in column else values


def catalogue(n: int, *, seed: int = 4, crs: Any = MARS_GEOGRAPHIC) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(77.38, 77.44, n)
    lat = rng.uniform(18.43, 18.47, n)
    gdf = gpd.GeoDataFrame(
        {
            "name": [f"tube {i}" for i in range(n)],
            "sample_type": rng.choice(TYPES, n),
            "elev_m": rng.normal(-2545, 3, n).round(2),
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=MARS_GEOGRAPHIC,
        index=pd_index(n),
    )
    return gdf.to_crs(crs) if crs is not MARS_GEOGRAPHIC else gdf


def pd_index(n: int) -> Any:
    import pandas as pd

    return pd.RangeIndex(1, n + 1, name="tube_id")


def shown(text: str, limit: int) -> str:
    """How a map shows a text: at most ``limit`` characters, then how long it is."""
    return text if len(text) <= limit else f"{text[:limit]}… [{len(text):,} characters]"


def page_of(m: Any) -> str:
    return str(m.get_root().render())


def clouds(page: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return draws(page, "cloud")


def test_positions_decode_to_within_half_a_step_of_the_data() -> None:
    # in a local metric CRS, so that the page's positions are a conversion of the data
    tubes = catalogue(CLOUD_POINTS + 500, crs=local_crs(77.41, 18.45))
    page = page_of(marsgeo.depot_map(tubes, basemap=None, places=None, nearest=False))
    ((meta, data),) = clouds(page)
    assert meta["name"] == "Tubes" and data["n"] == len(tubes)
    lon, lat = positions(data)
    want_lon, want_lat = to_mars_lonlat(tubes.geometry.x, tubes.geometry.y, tubes.crs)
    half = STEP_DEG / 2 * (1 + 1e-6)
    assert np.abs(lon - want_lon).max() <= half
    assert np.abs(lat - want_lat).max() <= half
    assert STEP_DEG / METRE_DEG < 0.006  # a step is under 6 mm on Mars


def test_explore_positions_from_a_west_positive_crs() -> None:
    gdf = catalogue(CLOUD_POINTS + 1)
    lon, lat = gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()
    west = [Point(*ographic_west(x, y)) for x, y in zip(lon, lat, strict=True)]
    data_west = gpd.GeoDataFrame(geometry=west, crs=CRS(WEST_OGRAPHIC))
    ((_, data),) = clouds(page_of(marsgeo.explore(data_west, basemap=None)))
    got_lon, got_lat = positions(data)
    half = STEP_DEG / 2 * (1 + 1e-6)
    assert np.abs(got_lon - lon).max() <= half + 1e-9  # 1e-9 deg: the formulas' rounding
    assert np.abs(got_lat - lat).max() <= half + 1e-9


def test_colours_are_palette_indices_by_sample_type() -> None:
    tubes = catalogue(CLOUD_POINTS + 10)
    ((_, data),) = clouds(page_of(add_tubes(marsgeo.explore(tubes.iloc[:1], basemap=None), tubes)))
    palette, codes = data["palette"], ints(data["colour"])
    assert data["colour"]["type"] == "u8" and len(palette) == len(set(tubes["sample_type"]))
    assert [palette[k] for k in codes] == [SAMPLE_COLORS[t] for t in tubes["sample_type"]]


def test_explore_column_colours_match_the_legend() -> None:
    gdf = catalogue(CLOUD_POINTS + 10)
    page = page_of(marsgeo.explore(gdf, column="sample_type", basemap=None))
    ((_, data),) = clouds(page)
    swatch = {text.split(" = ")[1]: colour for colour, text in legend(page)["items"]}
    colours = [data["palette"][k] for k in ints(data["colour"])]
    assert colours == [swatch[t] for t in gdf["sample_type"]]


def test_text_columns_hold_each_value_once_shortened_as_data(tmp_path: Path) -> None:
    n = CLOUD_POINTS + 1
    hostile = payloads.payloads(tmp_path / "pwned")
    gdf = catalogue(n)
    long_text = "é" * 1000
    gdf["remark"] = [long_text if i % 2 else hostile[i % len(hostile)] for i in range(n)]
    gdf.loc[gdf.index[: len(hostile)], "name"] = hostile
    before = gdf.copy()
    page = page_of(marsgeo.depot_map(gdf, basemap=None, places=None, nearest=False))
    ((_, data),) = clouds(page)
    by_name = {c["name"]: c for c in data["columns"]}
    # a column of few values holds each once, and one small code per point
    kinds = by_name["sample_type"]
    assert sorted(distinct(kinds)) == sorted(set(gdf["sample_type"]))
    assert kinds["codes"]["type"] == "u8"
    assert texts(kinds) == list(gdf["sample_type"])
    # long values are shortened for display (300 characters, then how many there are)
    long_shown = f"{'é' * 300}… [1,000 characters]"
    remark = by_name["remark"]
    assert texts(remark) == [long_shown if i % 2 else hostile[i % len(hostile)] for i in range(n)]
    assert distinct(remark).count(long_shown) == 1
    assert "codes" not in by_name["name"]  # all different: no codes
    # names are data: every payload is in the page only as JSON text, never evaluated
    names = [shown(t, NAME_CHARS) for t in hostile]
    assert texts(by_name["name"])[: len(hostile)] == names
    for text in hostile:
        assert payloads.as_data(text) in page
    assert payloads.EVALUATED not in page and "<script>window.PWNED" not in page
    assert data["show"]["name"] == list(by_name).index("name")
    assert texts(by_name["tube id"]) == [str(t) for t in gdf.index]
    assert gdf.equals(before)  # the input is not changed


def test_threshold_of_explore_point_layers() -> None:
    for extra in (0, 1):
        gdf = catalogue(CLOUD_POINTS + extra)
        page = page_of(marsgeo.explore(gdf, basemap=None, name="Many"))
        assert len(clouds(page)) == extra
        assert len(draws(page, "features")) == 1 - extra


def test_threshold_counts_the_parts_of_multipoints() -> None:
    half = CLOUD_POINTS // 2
    parts = [MultiPoint([(77.4 + 1e-5 * i, 18.45), (77.4 + 1e-5 * i, 18.451)]) for i in range(half)]
    gdf = gpd.GeoDataFrame(
        {"name": [f"pair {i}" for i in range(half + 1)]},
        geometry=[*parts, Point(77.39, 18.45)],
        crs=MARS_GEOGRAPHIC,
    )
    ((_, data),) = clouds(page_of(marsgeo.explore(gdf, basemap=None)))
    assert data["n"] == CLOUD_POINTS + 1
    tip = data["columns"][data["show"]["tip"][0]]
    assert texts(tip) == [f"pair {i}" for i in range(half) for _ in (0, 1)] + [f"pair {half}"]
    lon, lat = positions(data)
    assert abs(lat[1] - 18.451) <= STEP_DEG and abs(lon[-1] - 77.39) <= STEP_DEG


def test_threshold_of_add_tubes_and_add_distances() -> None:
    small, large = catalogue(CLOUD_POINTS), catalogue(CLOUD_POINTS + 1)
    page = page_of(marsgeo.depot_map(small, basemap=None, places=None, pairwise=False))
    assert clouds(page) == []
    assert page.count('"cls":"marsgeo-tube"') == CLOUD_POINTS
    page = page_of(marsgeo.depot_map(large, basemap=None, places=None, pairwise=False))
    names = [meta["name"] for meta, _ in clouds(page)]
    assert names == ["Nearest-neighbour distances", "Tubes"]
    assert '"cls":"marsgeo-tube"' not in page and '"cls":"marsgeo-nn"' not in page
    assert "marsgeo.timeline(" not in page  # no replay for a cloud
    notes = " ".join(legend(page)["notes"])
    assert f"{CLOUD_POINTS + 1:,} drawn as a point cloud" in notes and "replay" in notes


def test_nearest_lines_of_a_large_set_each_pair_once() -> None:
    tubes = catalogue(CLOUD_POINTS + 300)
    m = add_distances(marsgeo.explore(tubes.iloc[:1], basemap=None), tubes, pairwise=False)
    ((_, data),) = clouds(page_of(m))
    seg = data["segments"]
    lon, lat = positions(seg)
    k = seg["count"]
    got = {tuple(sorted(((lon[i], lat[i]), (lon[i + k], lat[i + k])))) for i in range(k)}
    # independent: nearest neighbours by chord between unit vectors on the sphere
    x, y = np.radians(tubes.geometry.x), np.radians(tubes.geometry.y)
    unit = np.column_stack([np.cos(y) * np.cos(x), np.cos(y) * np.sin(x), np.sin(y)])
    _, nn = cKDTree(unit).query(unit, k=2)
    pairs = {tuple(sorted((i, j))) for i, j in enumerate(nn[:, 1])}
    assert k == len(pairs) == len(got) < len(tubes)
    grid = np.column_stack([tubes.geometry.x, tubes.geometry.y])
    snapped = {
        tuple(sorted(tuple(np.rint(grid[i] / STEP_DEG) * STEP_DEG) for i in p)) for p in pairs
    }
    assert {
        tuple(sorted(tuple(np.rint(np.array(e) / STEP_DEG) * STEP_DEG) for e in s)) for s in got
    } == snapped


def test_all_pairs_of_a_large_set_are_refused() -> None:
    tubes = catalogue(CLOUD_POINTS + 1)
    m = marsgeo.explore(tubes.iloc[:1], basemap=None)
    with pytest.raises(TooLargeError, match="pairwise=False"):
        add_distances(m, tubes, pairwise=True)


def test_a_10000_point_page_is_small() -> None:
    tubes = catalogue(10_000)
    one = page_of(marsgeo.depot_map(tubes.iloc[:1], basemap=None, places=None, pairwise=False))
    page = page_of(marsgeo.depot_map(tubes, basemap=None, places=None, pairwise=False))
    per_point = (len(page.encode()) - len(one.encode())) / (len(tubes) - 1)
    assert per_point < 80  # one SVG marker per point took about 535 bytes
