from __future__ import annotations

import itertools
import math
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon

import marsgeo
from marsgeo import basemap as bm
from marsgeo import crs as mcrs
from marsgeo.errors import CRSError, InputError, PlanningError, UnreachableError
from marsgeo.routing import ASSUMED_LANDER, HelicopterSpec, plan_pickup

from .reference import TUBE_LONLAT


def brute_force(flights, dist, helicopters, f):  # type: ignore[no-untyped-def]
    """Every assignment of trips to helicopters: (fewest sols, least busiest distance)."""
    best = None
    for a in itertools.product(range(helicopters), repeat=len(flights)):
        fl = [0] * helicopters
        d = [0.0] * helicopters
        for i, h in enumerate(a):
            fl[h] += flights[i]
            d[h] += dist[i]
        key = (max(math.ceil(x / f) for x in fl), max(d))
        if best is None or key[0] < best[0] or (key[0] == best[0] and key[1] < best[1] - 1e-9):
            best = key
    return best


# --- the Three Forks depot ---------------


@pytest.fixture(scope="module")
def depot() -> gpd.GeoDataFrame:
    return marsgeo.load_depot()


@pytest.fixture(scope="module")
def plan(depot: gpd.GeoDataFrame) -> marsgeo.PickupPlan:
    return plan_pickup(depot, lander=ASSUMED_LANDER)


def test_depot_plan_is_the_proven_minimum(plan: marsgeo.PickupPlan) -> None:
    # 10 tubes x 2 flights, 2 helicopters x 2 flights a sol: no plan beats 5 sols
    assert plan.makespan_sols == plan.lower_bound_sols == 5
    assert plan.is_optimal
    assert sorted(plan.trips.index) == list(range(1, 11))  # every tube exactly once
    assert plan.trips.groupby("helicopter").size().tolist() == [5, 5]
    # the busiest helicopter's distance is the best of every split (independent brute force)
    flights = plan.trips["flights"].tolist()
    dist = plan.trips["flight_m"].tolist()
    assert plan.busiest_flight_m == pytest.approx(brute_force(flights, dist, 2, 2)[1])


def test_every_tube_picked_once_and_delivered(plan: marsgeo.PickupPlan) -> None:
    legs = plan.legs
    assert legs.crs == mcrs.MARS_GEOGRAPHIC
    assert legs[legs.kind == "pickup"].tube_id.sort_values().tolist() == list(range(1, 11))
    assert legs[legs.kind == "handover"].tube_id.sort_values().tolist() == list(range(1, 11))
    for _, trip in legs.groupby(["helicopter", "trip"]):
        kinds = trip["kind"].tolist()
        assert kinds.index("pickup") < kinds.index("flight_back") < kinds.index("handover")


def test_flights_within_range_and_per_sol(plan: marsgeo.PickupPlan) -> None:
    flights = plan.legs[plan.legs.kind.str.startswith("flight")]
    assert (flights["distance_m"] <= plan.spec.range_m).all()
    per_sol = flights.groupby(["helicopter", "sol"]).size()
    assert (per_sol <= plan.spec.flights_per_sol).all()
    # distances are geodesic on Mars: recompute one flight independently
    line = flights.geometry.iloc[0]
    (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
    r = 3_396_190.0
    p1, p2 = math.radians(y0), math.radians(y1)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(x1 - x0) / 2) ** 2
    )
    assert flights["distance_m"].iloc[0] == pytest.approx(2 * r * math.asin(math.sqrt(h)), rel=1e-6)
    assert plan.total_flight_m == pytest.approx(flights["distance_m"].sum(), rel=1e-9)


def test_landing_spots_keep_clear_of_other_tubes(
    plan: marsgeo.PickupPlan, depot: gpd.GeoDataFrame
) -> None:
    spots = plan.spots[plan.spots.kind == "landing_spot"]
    assert len(spots) == 10
    for row in spots.itertuples():
        d = marsgeo.geodesic_distance_m(
            row.geometry.x, row.geometry.y, depot.geometry.x.to_numpy(), depot.geometry.y.to_numpy()
        )
        own = depot.index.get_loc(row.tube_id)
        # each tube may lie anywhere within its position uncertainty (2 m in the catalogue)
        u = depot["position_uncertainty_m"].to_numpy()
        assert (u == 2.0).all()
        assert d[own] == pytest.approx(plan.spec.tube_standoff_m + u[own], abs=0.01)
        others = np.delete(d, own) - np.delete(u, own)
        assert (others >= plan.spec.tube_clearance_m - 1e-6).all()


def test_assumed_lander_is_labelled(plan: marsgeo.PickupPlan) -> None:
    lander = plan.spots[plan.spots.kind == "lander"].iloc[0]
    assert "ASSUMPTION" in lander["note"]
    assert any("ASSUMPTION" in a and "lander" in a for a in plan.assumptions)
    assert "ASSUMPTION" in plan.summary()
    given = plan_pickup(marsgeo.load_depot(), lander=(77.4096, 18.4523))
    assert given.spots[given.spots.kind == "lander"].iloc[0]["note"] == "given"


def reference_lander_offset() -> tuple[float, float, str]:
    """Distance [m], bearing [deg] and 16-point compass name of ASSUMED_LANDER from the centroid
    of the reference tube positions: haversine and initial bearing on the Mars sphere."""
    r = 3_396_190.0
    lon0 = sum(p[0] for p in TUBE_LONLAT) / len(TUBE_LONLAT)
    lat0 = sum(p[1] for p in TUBE_LONLAT) / len(TUBE_LONLAT)
    p1, p2 = math.radians(lat0), math.radians(ASSUMED_LANDER[1])
    dlmb = math.radians(ASSUMED_LANDER[0] - lon0)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    dist = 2 * r * math.asin(math.sqrt(h))
    y = math.sin(dlmb) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dlmb)
    bearing = math.degrees(math.atan2(y, x)) % 360
    names = ["N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE"]
    names += ["S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"]
    return dist, bearing, names[int((bearing + 11.25) // 22.5) % 16]


def test_assumed_lander_note_gives_its_true_distance_and_bearing(
    plan: marsgeo.PickupPlan,
) -> None:
    dist, bearing, point = reference_lander_offset()
    assert dist == pytest.approx(81.3, abs=0.05) and bearing == pytest.approx(109.6, abs=0.05)
    words = f"{dist:.0f} m from the depot centroid at bearing {bearing:.0f} deg ({point})"
    assert words == "81 m from the depot centroid at bearing 110 deg (ESE)"
    from marsgeo.routing import ASSUMED_LANDER_NOTE

    assert ASSUMED_LANDER_NOTE.startswith("ASSUMPTION: lander position not published")
    assert words in ASSUMED_LANDER_NOTE and "150 m" not in ASSUMED_LANDER_NOTE
    assert plan.assumptions[0] == f"lander: {ASSUMED_LANDER_NOTE}"
    lander = plan.spots[plan.spots.kind == "lander"].iloc[0]
    assert lander["note"] == ASSUMED_LANDER_NOTE
    docs = (Path(__file__).parents[1] / "docs" / "routing.md").read_text(encoding="utf-8")
    prose = " ".join(docs.split())
    assert "150 m" not in prose and words in prose  # the worked example's output
    assert f"{dist:.0f} m from the depot centroid at a bearing of {bearing:.0f} degrees" in prose


def test_importing_routing_does_not_load_the_catalogue() -> None:
    code = (
        "import marsgeo.routing, marsgeo.depot; "
        "assert marsgeo.depot._depot_frame.cache_info().currsize == 0; "
        "from marsgeo.routing import ASSUMED_LANDER_NOTE; "
        "assert marsgeo.depot._depot_frame.cache_info().currsize == 1; "
        "import marsgeo.routing as r; r.no_such_name"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "AttributeError: module 'marsgeo.routing' has no attribute 'no_such_name'"
    )


def _around(lon: float, lat: float, half_m: float, dx_m: float = 0.0) -> Polygon:
    local = mcrs.local_crs(lon, lat)
    inv = pyproj.Transformer.from_crs(local, mcrs.MARS_GEOGRAPHIC, always_xy=True)
    xs = [dx_m - half_m, dx_m + half_m, dx_m + half_m, dx_m - half_m]
    ys = [-half_m, -half_m, half_m, half_m]
    return Polygon(zip(*inv.transform(xs, ys), strict=True))


def test_no_leg_crosses_a_no_fly_zone(depot: gpd.GeoDataFrame, plan: marsgeo.PickupPlan) -> None:
    # a 40 m square halfway between the lander and the depot
    mid = ((ASSUMED_LANDER[0] + 77.40821) / 2, (ASSUMED_LANDER[1] + 18.45283) / 2)
    zone = gpd.GeoSeries([_around(*mid, 20.0)], crs=mcrs.MARS_GEOGRAPHIC)
    routed = plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=zone)
    flights = routed.legs[routed.legs.kind.str.startswith("flight")]
    assert not flights.intersects(zone.iloc[0]).any()
    assert plan.legs[plan.legs.kind.str.startswith("flight")].intersects(zone.iloc[0]).any()
    assert routed.total_flight_m > plan.total_flight_m  # the detour costs distance


def test_flights_avoid_synthetic_hazards(depot: gpd.GeoDataFrame) -> None:
    dtm = bm.synthetic_dtm()
    hazards = bm.hazard_polygons(bm.hazard_mask(bm.slope_deg(dtm)))
    # north-east of the depot, beyond a synthetic crater that the direct flights cross
    far = _from_centroid(depot, 51.0, 360.0)
    plain = plan_pickup(depot, lander=far)
    assert (
        plain.legs[plain.legs.kind.str.startswith("flight")].intersects(hazards.union_all()).any()
    )
    routed = plan_pickup(depot, lander=far, hazard=dtm)
    flights = routed.legs[routed.legs.kind.str.startswith("flight")]
    assert not flights.intersects(hazards.union_all()).any()
    assert any("SYNTHETIC" in a for a in routed.assumptions)


def _from_centroid(depot: gpd.GeoDataFrame, azimuth: float, dist_m: float) -> tuple[float, float]:
    lon, lat, _ = mcrs.mars_geod().fwd(
        depot.geometry.x.mean(), depot.geometry.y.mean(), azimuth, dist_m
    )
    return float(lon), float(lat)


def test_relays_when_the_lander_is_far(depot: gpd.GeoDataFrame) -> None:
    far = _from_centroid(depot, 90.0, 1800.0)  # 1.8 km east: 2 or 3 flights each way
    routed = plan_pickup(depot, lander=far)
    assert (routed.trips["relays"] >= 2).all()
    flights = routed.legs[routed.legs.kind.str.startswith("flight")]
    assert (flights["distance_m"] <= 700.0 + 1e-6).all()
    assert (routed.spots.kind == "relay").sum() == routed.trips["relays"].sum()
    per_sol = flights.groupby(["helicopter", "sol"]).size()
    assert (per_sol <= 2).all()
    with pytest.raises(UnreachableError, match=r"needs a range of \d+ m") as info:
        plan_pickup(depot, lander=far, spec=HelicopterSpec(max_relays=0))
    assert "out of reach of every tube" in str(info.value)


def test_some_tubes_unreachable_skip(depot: gpd.GeoDataFrame) -> None:
    # 705 m south of the centroid: the southern tubes (2, 1) are within 700 m of the pad,
    # the northern witness tube (10, 32 m north of the centroid) is not
    lander = _from_centroid(depot, 180.0, 705.0)
    spec = HelicopterSpec(max_relays=0)
    with pytest.raises(UnreachableError, match="tubes cannot be reached") as info:
        plan_pickup(depot, lander=lander, spec=spec)
    skipped = plan_pickup(depot, lander=lander, spec=spec, on_unreachable="skip")
    assert len(skipped.unreachable) >= 1
    assert set(skipped.unreachable.index).isdisjoint(skipped.trips.index)
    assert (skipped.unreachable["needed_range_m"] > 700).all()
    for tid in skipped.unreachable.index:
        assert f"tube {tid!r}" in str(info.value)


def test_risk_ordering_maximises_expected_value(depot: gpd.GeoDataFrame) -> None:
    prio = {t: float(v) for t, v in zip(depot.index, [5, 1, 1, 3, 1, 8, 1, 2, 1, 0.5], strict=True)}
    p = 0.05
    risky = plan_pickup(depot, lander=ASSUMED_LANDER, priorities=prio, p_fail_flight=p)
    q = 1 - p
    total = 0.0
    for _, trips in risky.trips.groupby("helicopter"):
        ordered = trips.sort_values("trip")
        values = [prio[t] for t in ordered.index]
        fl = ordered["flights"].tolist()

        def ev(order: tuple[int, ...], fl: list[int] = fl, values: list[float] = values) -> float:
            done, s = 0, 0.0
            for k in order:
                done += fl[k]
                s += values[k] * q**done
            return s

        got = ev(tuple(range(len(values))))
        best = max(ev(o) for o in itertools.permutations(range(len(values))))
        assert got == pytest.approx(best)
        total += got
    assert risky.expected_value == pytest.approx(total)
    assert risky.max_value == pytest.approx(sum(prio.values()))
    # the most valuable tube goes first for its helicopter
    assert risky.trips.loc[6, "trip"] == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"helicopters": 0}, InputError, "helicopters=0"),
        ({"helicopters": 1.5}, InputError, "helicopters=1.5"),
        ({"spec": "fast"}, InputError, "HelicopterSpec"),
        ({"p_fail_flight": 1.5}, InputError, "p_fail_flight"),
        ({"lander": (float("nan"), 18.4)}, InputError, "lander"),
        ({"lander": "nearby"}, InputError, "lander"),
        ({"on_unreachable": "ignore"}, InputError, "on_unreachable"),
        ({"priorities": {1: 1.0}}, InputError, "priorities has no value"),
    ],
)
def test_bad_arguments(depot: gpd.GeoDataFrame, kwargs: dict, error: type, match: str) -> None:
    args = {"lander": ASSUMED_LANDER, **kwargs}
    with pytest.raises(error, match=match):
        plan_pickup(depot, **args)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("range_m", 0.0),
        ("range_m", -700.0),
        ("cruise_speed_m_s", 0),
        ("drive_speed_m_s", -1),
        ("flights_per_sol", 0),
        ("tube_capacity", 2),
        ("pickup_s", float("nan")),
    ],
)
def test_bad_spec(field: str, value: float) -> None:
    with pytest.raises(InputError, match=field):
        HelicopterSpec(**{field: value})


def test_tube_or_lander_inside_a_no_fly_zone(depot: gpd.GeoDataFrame) -> None:
    zone = gpd.GeoSeries(
        [_around(depot.geometry.x[3], depot.geometry.y[3], 1.0)], crs=mcrs.MARS_GEOGRAPHIC
    )
    with pytest.raises(PlanningError, match=r"tubes \[3\] lie inside a no-fly zone"):
        plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=zone)
    around_lander = [_around(*ASSUMED_LANDER, 5.0)]
    with pytest.raises(PlanningError, match="lander lies inside"):
        plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=around_lander)


def test_non_mars_input_is_refused(depot: gpd.GeoDataFrame) -> None:
    with pytest.raises(CRSError, match="Earth"):
        plan_pickup(depot.set_crs("EPSG:4326", allow_override=True), lander=ASSUMED_LANDER)
    earth_zone = gpd.GeoSeries([Point(77.4, 18.4).buffer(0.001)], crs="EPSG:4326")
    with pytest.raises(CRSError, match="Earth"):
        plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=earth_zone)


def test_one_helicopter_and_more_flights_per_sol(depot: gpd.GeoDataFrame) -> None:
    solo = plan_pickup(
        depot, lander=ASSUMED_LANDER, helicopters=1, spec=HelicopterSpec(flights_per_sol=4)
    )
    assert solo.makespan_sols == 5 and solo.is_optimal  # 20 flights at 4 a sol
    assert solo.busiest_flight_m == pytest.approx(solo.total_flight_m)
    legs = pd.DataFrame(solo.legs.drop(columns="geometry"))
    assert legs[legs.kind.str.startswith("flight")].groupby("sol").size().max() == 4


def test_relays_never_stretch_a_flight_past_the_range() -> None:
    # a tube sits right where the single relay of a 1.4 km trip would land
    lon0, lat0 = 77.40, 18.45
    geod = mcrs.mars_geod()
    far = geod.fwd(lon0, lat0, 90.0, 1411.0)
    mid = geod.fwd(lon0, lat0, 90.0, 709.0)
    tubes = gpd.GeoDataFrame(
        geometry=[Point(far[0], far[1]), Point(mid[0], mid[1])], crs=mcrs.MARS_GEOGRAPHIC
    )
    plan = plan_pickup(tubes, lander=(lon0, lat0), helicopters=1)
    flights = plan.legs[plan.legs.kind.str.startswith("flight")]
    assert (flights["distance_m"] <= 700.0 * (1 + 1e-9)).all()
    for tid, trip in plan.trips.iterrows():
        longest = flights.loc[flights.tube_id == tid, "distance_m"].max()
        assert trip["needed_range_m"] == pytest.approx(longest)
    relays = plan.spots[plan.spots.kind == "relay"]
    for p in relays.geometry:
        d = marsgeo.geodesic_distance_m(
            p.x, p.y, tubes.geometry.x.to_numpy(), tubes.geometry.y.to_numpy()
        )
        assert (d >= plan.spec.tube_clearance_m - 1e-6).all()


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-300, 300), st.floats(-300, 300)), min_size=1, max_size=6),
    st.integers(1, 3),
    st.integers(1, 4),
)
def test_random_layouts_are_optimal_end_to_end(
    offsets: list[tuple[float, float]], helicopters: int, fps: int
) -> None:
    # tubes scattered up to 300 m around a lander, at least 5 m apart
    geod = mcrs.mars_geod()
    pts: list[tuple[float, float]] = []
    for dx, dy in offsets:
        az = math.degrees(math.atan2(dx, dy))
        lon, lat, _ = geod.fwd(77.40, 18.45, az, max(math.hypot(dx, dy), 30.0))
        if all(marsgeo.geodesic_distance_m(lon, lat, p[0], p[1]) >= 5 for p in pts):
            pts.append((float(lon), float(lat)))
    tubes = gpd.GeoDataFrame(geometry=[Point(p) for p in pts], crs=mcrs.MARS_GEOGRAPHIC)
    plan = plan_pickup(
        tubes,
        lander=(77.40, 18.45),
        helicopters=helicopters,
        spec=HelicopterSpec(flights_per_sol=fps),
    )
    sols, busiest = brute_force(
        plan.trips["flights"].tolist(), plan.trips["flight_m"].tolist(), helicopters, fps
    )
    assert plan.makespan_sols == sols and plan.is_optimal
    assert plan.busiest_flight_m == pytest.approx(busiest, abs=1e-6)
    assert sorted(plan.trips.index) == list(range(len(pts)))
