"""Plans checked against the helicopter model by an independent validator (plan_validator.py).

The validator measures every leg itself on the Mars sphere; these tests hold the planner to
it on the depot, around a no-fly zone, among synthetic hazards and on random instances.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from marsgeo.errors import UnreachableError
from marsgeo.routing import ASSUMED_LANDER, HelicopterSpec, plan_pickup

from .plan_validator import GEOD, LocalFrame, geodesic_m, problems
from .reference import TUBE_LONLAT

CONTINUOUS = (
    "a helicopter's legs must form one continuous path (pad -> spot -> tube -> spot -> pad -> "
    "lander -> pad), with landing spots tube_standoff_m + position_uncertainty_m from the tube"
)


def _report(found: list[str], limit: int = 12) -> str:
    more = f"\n... and {len(found) - limit} more" if len(found) > limit else ""
    return CONTINUOUS + ":\n" + "\n".join(found[:limit]) + more


def _fwd(p: tuple[float, float], az: float, dist: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(p[0], p[1], az, dist)
    return (float(lon), float(lat))


def _az(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[0])


def _tubes(lonlat: list[tuple[float, float]], u: list[float] | None) -> gpd.GeoDataFrame:
    data: dict[str, Any] = {"name": [f"T{i + 1}" for i in range(len(lonlat))]}
    if u is not None:
        data["position_uncertainty_m"] = u
    gdf = gpd.GeoDataFrame(
        data,
        geometry=[Point(p) for p in lonlat],
        crs="IAU_2015:49900",
        index=pd.Index(range(1, len(lonlat) + 1), name="tube_id"),
    )
    return gdf


# --- the validator itself, on a plan built by hand from the model ---------------------------


def _hand_plan(spec: HelicopterSpec, *, with_u: bool = True) -> tuple[Any, gpd.GeoDataFrame]:
    """A one-helicopter plan for two tubes that follows the model to the letter."""
    lander = ASSUMED_LANDER
    t1, t2 = _fwd(lander, 250.0, 60.0), _fwd(lander, 300.0, 85.0)
    tubes = _tubes([t1, t2], [1.0, 2.0])
    pad = _fwd(lander, 90.0, spec.lander_standoff_m)
    rows: list[dict[str, Any]] = []
    spots = [
        {"kind": "lander", "tube_id": pd.NA, "geometry": Point(lander)},
        {"kind": "pad", "tube_id": pd.NA, "geometry": Point(pad)},
    ]
    trips = []
    flight = 0

    def move(kind: str, a: tuple[float, float], b: tuple[float, float], **kw: Any) -> None:
        nonlocal flight
        d = geodesic_m(a, b)
        if kind.startswith("flight"):
            flight += 1
            dur = d / spec.cruise_speed_m_s + spec.takeoff_landing_s
            fl: Any = flight
        else:
            dur = d / spec.drive_speed_m_s
            fl = pd.NA
        rows.append(
            {**kw, "kind": kind, "flight": fl, "distance_m": d, "duration_s": dur}
            | {"geometry": LineString([a, b])}
        )

    for trip, (tid, tube, u) in enumerate([(1, t1, 1.0), (2, t2, 2.0)], start=1):
        standoff = spec.tube_standoff_m + (u if with_u else 0.0)
        spot = _fwd(tube, _az(tube, pad), standoff)
        spots.append({"kind": "landing_spot", "tube_id": tid, "geometry": Point(spot)})
        kw = {"helicopter": 1, "trip": trip, "sol": trip, "tube_id": tid}
        move("flight_out", pad, spot, **kw)
        move("drive_to_tube", spot, tube, **kw)
        rows.append(
            {**kw, "kind": "pickup", "flight": pd.NA, "distance_m": 0.0}
            | {"duration_s": spec.pickup_s, "geometry": Point(tube)}
        )
        move("drive_back", tube, spot, **kw)
        move("flight_back", spot, pad, **kw)
        move("drive_to_lander", pad, lander, **kw)
        rows.append(
            {**kw, "kind": "handover", "flight": pd.NA, "distance_m": 0.0}
            | {"duration_s": spec.handover_s, "geometry": Point(lander)}
        )
        move("drive_to_pad", lander, pad, **kw)
        d = geodesic_m(pad, spot)
        trips.append(
            {"tube_id": tid, "helicopter": 1, "trip": trip, "first_sol": trip, "last_sol": trip}
            | {"flights": 2, "relays": 0, "path_m": d, "flight_m": 2 * d, "needed_range_m": d}
        )
    legs = gpd.GeoDataFrame(rows, geometry="geometry", crs="IAU_2015:49900")
    legs["flight"] = legs["flight"].astype("Int64")
    legs.index.name = "leg_id"
    total = float(legs.loc[legs["flight"].notna(), "distance_m"].sum())
    plan = SimpleNamespace(
        legs=legs,
        trips=pd.DataFrame(trips).set_index("tube_id"),
        spots=gpd.GeoDataFrame(spots, geometry="geometry", crs="IAU_2015:49900"),
        makespan_sols=2,
        lower_bound_sols=1,
        is_optimal=False,
        total_flight_m=total,
        busiest_flight_m=total,
        busiest_flight_lower_bound_m=total,
        helicopters=1,
        spec=spec,
        unreachable=pd.DataFrame({"needed_range_m": [], "why": []}),
    )
    return plan, tubes


def _drop(plan: Any, kind: str, trip: int) -> None:
    legs = plan.legs
    plan.legs = legs[~((legs["kind"] == kind) & (legs["trip"] == trip))]


def _set(plan: Any, kind: str, col: str, value: Any) -> None:
    legs = plan.legs.copy()
    legs.loc[legs["kind"] == kind, col] = value
    plan.legs = legs


MUTATIONS: dict[str, tuple[Callable[[Any], None], str]] = {
    # flight_back taking off from the landing spot while the helicopter is at the tube
    "no drive back from the tube": (lambda p: _drop(p, "drive_back", 1), "not continuous"),
    # next flight_out from the pad while the helicopter is at the lander
    "no drive back to the pad": (lambda p: _drop(p, "drive_to_pad", 1), "not continuous"),
    "flight longer than the range": (
        lambda p: setattr(p, "spec", dataclasses.replace(p.spec, range_m=50.0)),
        "exceeds range_m",
    ),
    "flight duration": (lambda p: _set(p, "flight_out", "duration_s", 100.0), "duration_s"),
    "distance column": (
        lambda p: _set(p, "drive_to_tube", "distance_m", p.spec.tube_standoff_m + 0.5),
        "distance_m",
    ),
    "four flights on one sol": (lambda p: _set(p, "flight_back", "sol", 1), "flights on sol"),
    "sols going back": (lambda p: _set(p, "handover", "sol", 1), "after sol"),
    "makespan": (lambda p: setattr(p, "makespan_sols", 1), "makespan_sols"),
    "optimal above its bound": (lambda p: setattr(p, "is_optimal", True), "is_optimal"),
    "trips table": (
        lambda p: setattr(p, "trips", p.trips.assign(flights=[2, 4])),
        "trips row for tube 2",
    ),
    "one tube picked up twice": (lambda p: _set(p, "pickup", "tube_id", 1), "picked up 2 times"),
    "tube never planned": (
        lambda p: setattr(p, "trips", p.trips.iloc[:1]),
        "neither planned nor listed",
    ),
}


def test_validator_accepts_a_plan_that_follows_the_model() -> None:
    plan, tubes = _hand_plan(HelicopterSpec())
    assert problems(plan, tubes, lander=ASSUMED_LANDER, require_uncertainty=True) == []


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_validator_reports_each_break_of_the_model(name: str) -> None:
    plan, tubes = _hand_plan(HelicopterSpec())
    mutate, expected = MUTATIONS[name]
    mutate(plan)
    found = problems(plan, tubes, lander=ASSUMED_LANDER)
    assert any(expected in p for p in found), found


def test_validator_reports_spots_that_ignore_the_uncertainty_and_crowd_tubes() -> None:
    plan, tubes = _hand_plan(HelicopterSpec(), with_u=False)
    assert problems(plan, tubes, lander=ASSUMED_LANDER) == []
    found = problems(plan, tubes, lander=ASSUMED_LANDER, require_uncertainty=True)
    assert any("position uncertainty" in p for p in found), found
    # a tube 1 m from the first landing spot
    spot = plan.spots.geometry.iloc[2]
    crowded = pd.concat([tubes, _tubes([_fwd((spot.x, spot.y), 0.0, 1.0)], [0.0])])
    crowded.index = pd.Index([1, 2, 3], name="tube_id")
    found = problems(plan, crowded, lander=ASSUMED_LANDER)
    assert any("from tube 3" in p for p in found), found


def test_validator_measures_obstacle_clearance_in_metres() -> None:
    plan, tubes = _hand_plan(HelicopterSpec())
    a, b = list(plan.legs.geometry.iloc[0].coords)
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    # a zone whose edge is 1.0 m (then 3.0 m) north of the first flight's midpoint
    for gap, bad in [(1.0, True), (3.0, False)]:
        south = _fwd(mid, 0.0, gap)[1]
        zone = box(mid[0] - 1e-5, south, mid[0] + 1e-5, south + 1e-4)
        found = problems(plan, tubes, lander=ASSUMED_LANDER, no_fly=zone)
        assert any("no-fly zone or hazard" in p for p in found) is bad, (gap, found)


def test_validator_reports_a_drive_through_a_zone() -> None:
    plan, tubes = _hand_plan(HelicopterSpec())
    drive = plan.legs.loc[plan.legs["kind"] == "drive_to_lander"].geometry.iloc[0]
    (x0, y0), (x1, y1) = drive.coords
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    zone = box(mx - 2e-5, my - 1e-5, mx + 2e-5, my + 1e-5)  # about 2 m x 1 m
    found = problems(plan, tubes, lander=ASSUMED_LANDER, no_fly=zone)
    assert any("drive_to_lander) drives" in p for p in found), found


@pytest.mark.parametrize(("sols", "valid"), [((2, 3), True), ((1, 2), False), ((1, 3), False)])
def test_validator_counts_fractional_flights_per_sol(sols: tuple[int, int], valid: bool) -> None:
    plan, tubes = _hand_plan(HelicopterSpec())
    # 1.5 flights a sol: at most 1 flight by the end of sol 1, 3 by sol 2, 4 by sol 3
    plan.spec = SimpleNamespace(**(plan.spec.as_dict() | {"flights_per_sol": 1.5}))
    plan.legs = plan.legs.assign(sol=plan.legs["trip"].map(dict(enumerate(sols, start=1))))
    plan.trips = plan.trips.assign(first_sol=list(sols), last_sol=list(sols))
    plan.makespan_sols = max(sols)
    found = problems(plan, tubes, lander=ASSUMED_LANDER)
    assert (found == []) is valid, found
    if not valid:
        assert all("flights by the end of sol" in p for p in found), found


# --- the planner on the depot -------------------------------------------------------------


@pytest.mark.parametrize("helicopters", [1, 2])
@pytest.mark.parametrize("flights_per_sol", [1, 2, 3, 4])
def test_depot_plan_follows_the_model(
    tubes: gpd.GeoDataFrame, helicopters: int, flights_per_sol: int
) -> None:
    spec = HelicopterSpec(flights_per_sol=flights_per_sol)
    plan = plan_pickup(tubes, lander=ASSUMED_LANDER, helicopters=helicopters, spec=spec)
    # every one of the ten published tubes is planned
    assert sorted(plan.trips.index) == list(range(1, len(TUBE_LONLAT) + 1))
    found = problems(plan, tubes, lander=ASSUMED_LANDER, require_uncertainty=True)
    assert found == [], _report(found)


def _wall_between_lander_and_depot() -> Any:
    lon, lat = ASSUMED_LANDER
    centroid = np.mean(np.array(TUBE_LONLAT), axis=0)
    mid = ((lon + centroid[0]) / 2, (lat + centroid[1]) / 2)
    return box(mid[0] - 0.0001, mid[1] - 0.0003, mid[0] + 0.0001, mid[1] + 0.0003)


@pytest.mark.parametrize(("range_m", "helicopters"), [(700.0, 2), (40.0, 1)])
def test_depot_plan_flies_around_a_no_fly_zone(
    tubes: gpd.GeoDataFrame, range_m: float, helicopters: int
) -> None:
    zone = _wall_between_lander_and_depot()
    frame = LocalFrame(ASSUMED_LANDER)
    lander_xy = frame.project(Point(ASSUMED_LANDER))
    centroid_xy = frame.project(Point(np.mean(np.array(TUBE_LONLAT), axis=0)))
    # the zone really stands between them, away from the lander and the tubes
    assert frame.project(zone).intersects(LineString([lander_xy, centroid_xy]))
    assert frame.project(zone).distance(lander_xy) > 20.0
    assert min(frame.project(zone).distance(frame.project(Point(p))) for p in TUBE_LONLAT) > 10.0
    spec = HelicopterSpec(range_m=range_m)
    plan = plan_pickup(
        tubes, lander=ASSUMED_LANDER, helicopters=helicopters, spec=spec, no_fly=zone
    )
    found = problems(plan, tubes, lander=ASSUMED_LANDER, no_fly=zone, require_uncertainty=True)
    assert found == [], _report(found)


@functools.cache
def _synthetic_hazards() -> gpd.GeoDataFrame:
    from marsgeo import basemap

    return basemap.hazard_areas(basemap.load_dtm(None))


def _lander_beyond_a_hazard(hazards: gpd.GeoDataFrame) -> tuple[float, float]:
    """A lander 640 m south-east of the depot, with a synthetic slope hazard in between."""
    centroid = tuple(np.mean(np.array(TUBE_LONLAT), axis=0))
    lander = _fwd(centroid, 139.5, 640.0)
    frame = LocalFrame(lander)
    blocked = [frame.project(g, densify=True) for g in hazards.geometry]
    line = LineString([frame.project(Point(lander)), frame.project(Point(centroid))])
    assert any(z.intersects(line) for z in blocked)
    assert min(z.distance(frame.project(Point(lander))) for z in blocked) > 20.0
    return lander


@pytest.mark.parametrize(("where", "helicopters"), [("assumed", 1), ("assumed", 2), ("beyond", 1)])
def test_depot_plan_avoids_synthetic_hazards(
    tubes: gpd.GeoDataFrame, where: str, helicopters: int
) -> None:
    hazards = _synthetic_hazards()
    assert len(hazards) > 0 and str(hazards.crs) == "IAU_2015:49900"
    lander = ASSUMED_LANDER if where == "assumed" else _lander_beyond_a_hazard(hazards)
    plan = plan_pickup(
        tubes, lander=lander, helicopters=helicopters, hazard="synthetic", on_unreachable="skip"
    )
    found = problems(plan, tubes, lander=lander, hazard_polygons=hazards, require_uncertainty=True)
    assert found == [], _report(found)


# --- the planner on random instances ------------------------------------------------------

RANDOM_CHUNKS = 6
RANDOM_PER_CHUNK = 50


def _random_instance(seed: int) -> dict[str, Any]:
    rng = np.random.default_rng([20261124, seed])
    lander = _fwd(ASSUMED_LANDER, rng.uniform(0, 360), rng.uniform(0, 300))
    tubes: list[tuple[float, float]] = []
    n_tubes = int(rng.integers(1, 9))
    while len(tubes) < n_tubes:
        p = _fwd(lander, rng.uniform(-180, 180), rng.uniform(50, 1500))
        if all(geodesic_m(p, q) >= 15.0 for q in tubes):
            tubes.append(p)
    kind = rng.integers(0, 3)  # no uncertainty column, zeros, random uncertainties
    u = None if kind == 0 else ([0.0] * len(tubes) if kind == 1 else rng.uniform(0, 2, len(tubes)))
    spec = HelicopterSpec(
        range_m=float(rng.uniform(300, 800)),
        flights_per_sol=int(rng.integers(1, 5)),
        max_relays=int(rng.choice([1, 2, 3, 3])),
    )
    frame = LocalFrame(lander)
    lander_xy = frame.project(Point(lander))
    zones: list[Polygon] = []
    n_zones = int(rng.integers(0, 3))
    while len(zones) < n_zones:
        c = _fwd(lander, rng.uniform(-180, 180), rng.uniform(40, 900))
        half_w, half_h = rng.uniform(5, 150, 2)
        dlat = math.degrees(half_h / 3_396_190.0)
        dlon = math.degrees(half_w / 3_396_190.0) / math.cos(math.radians(c[1]))
        zone = box(c[0] - dlon, c[1] - dlat, c[0] + dlon, c[1] + dlat)
        if frame.project(zone, densify=True).distance(lander_xy) > 40.0:
            zones.append(zone)
    return {
        "tubes": _tubes(tubes, None if u is None else [float(x) for x in u]),
        "lander": lander,
        "helicopters": int(rng.integers(1, 5)),
        "spec": spec,
        "no_fly": zones or None,
    }


def _out_of_reach(t: Any, inst: dict[str, Any]) -> str | None:
    """Why tube ``t`` is unreachable by a simple independent bound, or None if no bound says so.

    "far": even a straight path of the most flights allowed, from a pad next to the lander,
    ends before the tube's landing spot; "zone": the tube lies inside a no-fly zone;
    "near": no zone at all and a straight path fits with room to spare (it must be planned).
    """
    spec, lander, tubes = inst["spec"], inst["lander"], inst["tubes"]
    g = tubes.geometry.loc[t]
    u = 0.0
    if "position_uncertainty_m" in tubes.columns:
        u = float(tubes["position_uncertainty_m"].loc[t])
    reach = (spec.max_relays + 1) * spec.range_m
    d = geodesic_m(lander, (g.x, g.y))
    standoff = spec.tube_standoff_m + u
    if d - spec.lander_standoff_m - standoff > reach + 1e-6:
        return "far"
    frame = LocalFrame(lander)
    zones = [frame.project(z, densify=True) for z in inst["no_fly"] or []]
    if any(z.contains(frame.project(g)) for z in zones):
        return "zone"
    longest = d + spec.lander_standoff_m + standoff + 2 * spec.tube_clearance_m
    if not zones and longest < reach - 5.0:
        return "near"
    return None


def _skip_problems(plan: Any, inst: dict[str, Any]) -> list[str]:
    """Every tube left out is out of reach by a simple bound, inside a zone, or says why."""
    out = []
    for t, why in plan.unreachable["why"].items():
        verdict = _out_of_reach(t, inst)
        if verdict == "near":
            out.append(f"tube {t} skipped ({why}) but a straight path reaches it, with no zones")
        elif verdict is None and (not isinstance(why, str) or not why.strip()):
            out.append(f"tube {t} skipped without a reason")
    return out


@pytest.mark.parametrize("chunk", range(RANDOM_CHUNKS))
def test_random_plans_follow_the_model(chunk: int) -> None:
    failures = []
    for seed in range(chunk * RANDOM_PER_CHUNK, (chunk + 1) * RANDOM_PER_CHUNK):
        inst = _random_instance(seed)
        try:
            plan = plan_pickup(
                inst["tubes"],
                lander=inst["lander"],
                helicopters=inst["helicopters"],
                spec=inst["spec"],
                no_fly=inst["no_fly"],
                on_unreachable="skip",
            )
        except UnreachableError as err:
            # allowed only when no tube at all can be reached
            verdicts = {t: _out_of_reach(t, inst) for t in inst["tubes"].index}
            if not all(v in ("far", "zone") for v in verdicts.values()):
                failures.append(f"seed {seed}: {err} although {verdicts}")
            continue
        found = problems(
            plan,
            inst["tubes"],
            lander=inst["lander"],
            no_fly=inst["no_fly"],
            require_uncertainty=True,
        )
        found += _skip_problems(plan, inst)
        if found:
            failures.append(f"seed {seed}: {len(found)} problems, first: {found[0]}")
    assert failures == [], _report(failures)
