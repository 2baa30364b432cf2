"""What the depot map draws for tubes, as data: one distance line per pair, the tubes each line
joins, uncertainty circles, and a marker shape per sample type (the figures' shape)."""

from __future__ import annotations

import json
import re
from itertools import combinations
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from shapely import Point

import marsgeo
from marsgeo import _style
from marsgeo.crs import MARS_GEOGRAPHIC

from .test_explore import draws


def layer(page: str, kind: str, name: str) -> dict[str, Any]:
    (data,) = [data for meta, data in draws(page, kind) if meta["name"] == name]
    return data


def tube_ids(page: str) -> dict[str, str]:
    """Each drawn tube's id by its key (what the lines and circles drawn for it name)."""
    (data,) = [d for _, d in draws(page, "tubeMarkers")]
    return {p["key"]: p["id"] for p in data["points"]}


def legend_notes(page: str) -> list[str]:
    found = re.search(r"marsgeo\.legend\(\w+, ", page)
    assert found
    data, _ = json.JSONDecoder().raw_decode(page, found.end())
    return list(data["notes"])


@pytest.fixture(scope="module")
def depot() -> gpd.GeoDataFrame:
    return marsgeo.load_depot()


@pytest.fixture(scope="module")
def page(depot: gpd.GeoDataFrame) -> str:
    return str(marsgeo.depot_map(depot, basemap=None).get_root().render())


def ends(line: dict[str, Any]) -> set[tuple[float, float]]:
    return {tuple(line["coords"][0]), tuple(line["coords"][-1])}


def position(depot: gpd.GeoDataFrame, tid: str) -> tuple[float, float]:
    geom = depot.geometry.loc[int(tid)]
    return (geom.y, geom.x)


def test_one_nearest_neighbour_line_per_pair(page: str, depot: gpd.GeoDataFrame) -> None:
    # each tube's nearest neighbour, from the distance matrix (mutual pairs count once)
    d = marsgeo.distance_matrix(depot).to_numpy(copy=True)
    np.fill_diagonal(d, np.inf)
    ids = [str(t) for t in depot.index]
    expected = {frozenset((ids[i], ids[int(np.argmin(d[i]))])) for i in range(len(ids))}
    assert len(expected) == 6  # Three Forks: four mutual pairs, two one-way
    lines = layer(page, "tubeLines", "Nearest-neighbour distances")["lines"]
    named = tube_ids(page)
    drawn = [frozenset(named[t] for t in line["tubes"]) for line in lines]
    assert len(drawn) == len(set(drawn)) == len(expected)
    assert set(drawn) == expected
    for line in lines:
        a, b = (named[t] for t in line["tubes"])
        # the line joins the tubes it names, and says their distance
        assert ends(line) == {position(depot, a), position(depot, b)}
        assert line["label"] == f"{d[ids.index(a), ids.index(b)]:.2f} m"
        assert line["permanent"] is True


def test_every_pair_line_names_its_two_tubes(page: str, depot: gpd.GeoDataFrame) -> None:
    lines = layer(page, "tubeLines", "All tube pairs")["lines"]
    ids = [str(t) for t in depot.index]
    named = tube_ids(page)
    assert sorted(frozenset(named[t] for t in line["tubes"]) for line in lines) == sorted(
        frozenset(p) for p in combinations(ids, 2)
    )
    for line in lines:
        assert ends(line) == {position(depot, named[t]) for t in line["tubes"]}


def test_uncertainty_circles_have_the_catalogue_radius(page: str, depot: gpd.GeoDataFrame) -> None:
    meta, data = next((m, d) for m, d in draws(page, "tubeCircles"))
    assert meta["name"] == "Position uncertainty"
    circles = data["circles"]
    assert len(circles) == len(depot)
    named = tube_ids(page)
    for c in circles:
        (tid,) = (named[t] for t in c["tubes"])
        assert c["radius_m"] == depot.loc[int(tid), "position_uncertainty_m"]
        assert (c["lat"], c["lon"]) == pytest.approx(position(depot, tid), abs=1e-9)
    # the legend says what a circle's radius is, and how the positions are known
    (note,) = [n for n in legend_notes(page) if n.startswith("Circles:")]
    assert "position_uncertainty_m" in note and "inferred" in note and "MMGIS" in note


def test_each_sample_type_has_the_figures_marker(page: str, depot: gpd.GeoDataFrame) -> None:
    (points,) = [d["points"] for _, d in draws(page, "tubeMarkers")]
    assert [p["name"] for p in points] == list(depot["name"])
    for p, (tid, row) in zip(points, depot.iterrows(), strict=True):
        assert p["id"] == str(tid)
        assert p["type"] == row["sample_type"]
        assert p["marker"] == _style.SAMPLE_MARKERS[row["sample_type"]]
    # five sample types, five shapes
    assert len({p["marker"] for p in points}) == len(set(depot["sample_type"])) == 5


def test_labels_only_for_small_sets(depot: gpd.GeoDataFrame) -> None:
    # 61 tubes on a 8 m grid: no permanent labels (names or distances), still one per pair
    lon0, lat0, step = 77.4080, 18.4528, 8 / 59274.0
    pts = [Point(lon0 + step * (k % 8), lat0 + step * (k // 8)) for k in range(61)]
    many = gpd.GeoDataFrame({"name": [f"t{k}" for k in range(61)]}, geometry=pts)
    many = many.set_crs(MARS_GEOGRAPHIC)
    page = marsgeo.depot_map(many, basemap=None, places=None).get_root().render()
    (data,) = [d for _, d in draws(page, "tubeMarkers")]
    assert data["labels"] is False
    lines = layer(page, "tubeLines", "Nearest-neighbour distances")["lines"]
    assert not any(line["permanent"] for line in lines)
    pairs = [frozenset(line["tubes"]) for line in lines]
    assert len(pairs) == len(set(pairs))
    # a catalogue without position_uncertainty_m gets no circles
    assert draws(page, "tubeCircles") == []
