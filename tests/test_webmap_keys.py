"""How a depot map ties what it draws to the tubes, names tubes without a sample type, and
refuses a too large set before drawing, checked on the page's data.

Tube ids that differ only after the characters a map shows must still name different tubes:
every line, leg, spot and circle drawn for a tube is matched to it here by position (from
the catalogue and the plan), never by the page's own ids.
"""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import marsgeo
from marsgeo import _style
from marsgeo._cloud import CLOUD_POINTS
from marsgeo._mapstate import map_state
from marsgeo.errors import InputError, TooLargeError
from marsgeo.routing import ASSUMED_LANDER
from marsgeo.webmap import add_distances, add_tubes

from .reference import haversine_m
from .test_explore import draws, legend

#: ten ids whose first 85 characters are the same (a map shows 80)
LONG_IDS = ["A" * 85 + str(k) for k in range(10)]


def long_id_tubes() -> gpd.GeoDataFrame:
    tubes = marsgeo.load_depot()
    return tubes.set_axis(pd.Index(LONG_IDS, name="tube_id"), axis=0)


@pytest.fixture(scope="module")
def long_ids() -> tuple[gpd.GeoDataFrame, marsgeo.PickupPlan, str]:
    tubes = long_id_tubes()
    plan = marsgeo.plan_pickup(tubes, lander=ASSUMED_LANDER)
    page = marsgeo.depot_map(tubes, plan=plan, basemap=None).get_root().render()
    return tubes, plan, str(page)


def at(tubes: gpd.GeoDataFrame, latlon: list[float]) -> str:
    """The id of the catalogue's tube at ``[lat, lon]`` (within a millimetre)."""
    found = [
        tid
        for tid, g in tubes.geometry.items()
        if haversine_m(g.x, g.y, latlon[1], latlon[0]) < 1e-3
    ]
    assert len(found) == 1, latlon
    return str(found[0])


def nearest_pairs(tubes: gpd.GeoDataFrame) -> set[frozenset[str]]:
    """Each tube and its nearest neighbour on the Mars sphere, as unordered pairs of ids."""
    pairs = set()
    for a, ga in tubes.geometry.items():
        d = {b: haversine_m(ga.x, ga.y, gb.x, gb.y) for b, gb in tubes.geometry.items() if b != a}
        pairs.add(frozenset((str(a), str(min(d, key=d.__getitem__)))))
    return pairs


def test_long_ids_give_each_tube_its_own_key(long_ids: tuple[Any, Any, str]) -> None:
    tubes, _, page = long_ids
    (points,) = [d["points"] for _, d in draws(page, "tubeMarkers")]
    assert len({p["id"] for p in points}) == 1  # the ids as shown are all the same ...
    keys = {p["key"]: at(tubes, [p["lat"], p["lon"]]) for p in points}
    assert len(keys) == len(tubes)  # ... the keys are not
    assert sorted(keys.values()) == sorted(LONG_IDS)


def test_lines_circles_legs_and_spots_name_their_tubes_by_key(
    long_ids: tuple[Any, Any, str],
) -> None:
    tubes, plan, page = long_ids
    (points,) = [d["points"] for _, d in draws(page, "tubeMarkers")]
    tube_of = {p["key"]: at(tubes, [p["lat"], p["lon"]]) for p in points}
    lines = {meta["name"]: data["lines"] for meta, data in draws(page, "tubeLines")}
    # nearest-neighbour lines: one per pair, naming the two tubes at their ends
    nn = lines["Nearest-neighbour distances"]
    assert {frozenset(tube_of[k] for k in line["tubes"]) for line in nn} == nearest_pairs(tubes)
    for line in nn:
        ends = {at(tubes, line["coords"][0]), at(tubes, line["coords"][-1])}
        assert {tube_of[k] for k in line["tubes"]} == ends
    pairs = {frozenset(tube_of[k] for k in line["tubes"]) for line in lines["All tube pairs"]}
    assert pairs == {frozenset(p) for p in combinations(LONG_IDS, 2)}
    # each circle names the tube it is centred on
    ((_, circles),) = draws(page, "tubeCircles")
    named = [tube_of[k] for c in circles["circles"] for k in c["tubes"]]
    assert named == [at(tubes, [c["lat"], c["lon"]]) for c in circles["circles"]]
    assert sorted(named) == sorted(LONG_IDS)
    # each helicopter leg names the tube the plan flies it for
    legs = [line for _, d in draws(page, "lines") for line in d["lines"]]
    expected = plan.legs[plan.legs.geometry.geom_type == "LineString"]["tube_id"]
    assert sorted(tube_of[k] for leg in legs for k in leg["tubes"]) == sorted(expected)
    # landing spots too; the lander and the pad belong to no tube
    spots = [p for _, d in draws(page, "points") for p in d["points"] if "tubes" in p]
    landing = plan.spots[plan.spots["tube_id"].notna()]
    assert len(spots) == len(landing)
    for spot in spots:
        (tid,) = [tube_of[k] for k in spot["tubes"]]
        row = landing[landing["tube_id"] == tid]
        assert len(row) == 1
        assert (
            haversine_m(row.geometry.x.iloc[0], row.geometry.y.iloc[0], spot["lon"], spot["lat"])
            < 1e-3
        )


def test_layers_added_one_by_one_agree_on_the_keys() -> None:
    tubes = long_id_tubes()
    m = marsgeo.explore(marsgeo.jezero_features(), basemap=None)
    add_distances(m, tubes, pairwise=False)
    add_tubes(m, tubes.iloc[::-1])  # another row order
    page = str(m.get_root().render())
    (points,) = [d["points"] for _, d in draws(page, "tubeMarkers")]
    tube_of = {p["key"]: at(tubes, [p["lat"], p["lon"]]) for p in points}
    (nn,) = [d["lines"] for meta, d in draws(page, "tubeLines")]
    assert {frozenset(tube_of[k] for k in line["tubes"]) for line in nn} == nearest_pairs(tubes)


def test_numeric_ids_share_a_key_whatever_their_type() -> None:
    # a plan's tube ids may come back as another integer or float type than the index
    tubes = marsgeo.load_depot()
    floats = tubes.set_axis(tubes.index.astype(float), axis=0)
    pages = [str(marsgeo.depot_map(t, basemap=None).get_root().render()) for t in (tubes, floats)]
    keys = [
        [p["key"] for _, d in draws(page, "tubeMarkers") for p in d["points"]] for page in pages
    ]
    assert keys[0] == keys[1] and len(set(keys[0])) == len(tubes)


# --- a tube without a sample type ---------------


@pytest.mark.parametrize("missing", [None, math.nan], ids=["None", "NaN"])
def test_a_missing_sample_type_is_unknown_type(missing: Any) -> None:
    tubes = marsgeo.load_depot().astype({"sample_type": object})
    tubes.loc[tubes.index[2], "sample_type"] = missing
    page = str(marsgeo.depot_map(tubes, basemap=None).get_root().render())
    items = legend(page)["items"]
    texts = [item[1] for item in items]
    assert "unknown type" in texts
    assert not {"None", "nan", "NaN", "<NA>"} & set(texts)
    # drawn like any type without a colour of its own, in the legend and on the map
    (row,) = [item for item in items if item[1] == "unknown type"]
    assert row[0] == _style.OTHER_COLOR and row[2] == _style.OTHER_MARKER
    (points,) = [d["points"] for _, d in draws(page, "tubeMarkers")]
    point = points[2]
    assert point["name"] == tubes["name"].iloc[2]
    assert (point["type"], point["color"], point["marker"]) == (
        "unknown type",
        _style.OTHER_COLOR,
        _style.OTHER_MARKER,
    )
    # the other tubes keep their types
    assert [p["type"] for k, p in enumerate(points) if k != 2] == [
        t for k, t in enumerate(tubes["sample_type"]) if k != 2
    ]


# --- more tubes than a page draws one by one ---------------


def many_tubes(n: int = CLOUD_POINTS + 1) -> gpd.GeoDataFrame:
    tubes = marsgeo.load_depot()
    rng = np.random.default_rng(0)
    big = tubes.iloc[np.arange(n) % len(tubes)].copy()
    lon = 77.408 + rng.normal(0, 0.002, n)
    lat = 18.4528 + rng.normal(0, 0.002, n)
    big = big.set_geometry(gpd.points_from_xy(lon, lat), crs=tubes.crs)
    big = big.drop(columns=["lon", "lat"])
    return big.set_axis(pd.Index([f"T{k}" for k in range(n)], name="tube_id"), axis=0)


def test_pairwise_over_the_cloud_size_is_refused_before_drawing() -> None:
    m = marsgeo.explore(marsgeo.jezero_features(), basemap=None)
    state = map_state(m)
    before = (list(m._children), list(state.legend), list(state.notes), list(state.controls))
    with pytest.raises(TooLargeError, match=r"pairwise=True with 2,001 tubes") as err:
        marsgeo.depot_map(many_tubes(), m=m, pairwise=True, terrain="synthetic")
    assert isinstance(err.value, InputError)
    assert "pairwise=False" in str(err.value)
    after = (list(m._children), list(state.legend), list(state.notes), list(state.controls))
    assert after == before


def test_a_tube_cloud_says_how_positions_are_known_and_names_unknown_types() -> None:
    big = many_tubes().astype({"sample_type": object})
    big.loc[big.index[3], "sample_type"] = None
    m = marsgeo.explore(marsgeo.jezero_features(), basemap=None)
    page = str(add_tubes(m, big).get_root().render())
    assert draws(page, "cloud") and not draws(page, "tubeMarkers")
    drawn = legend(page)
    # the catalogue's confidence and largest uncertainty, as for a few tubes
    depot = marsgeo.load_depot()
    conf = str(depot["position_confidence"].iloc[0])
    small = legend(str(marsgeo.depot_map(depot, basemap=None).get_root().render()))
    (note,) = [n for n in small["notes"] if n.startswith("Tube positions:")]
    assert conf in note and f"{depot['position_uncertainty_m'].max():g} m" in note
    assert note in drawn["notes"]
    texts = [item[1] for item in drawn["items"]]
    assert "unknown type" in texts and "None" not in texts
