"""The schedule as flown: continuous itineraries, the flight window, shared pad and arm, energy.

Positions are measured with pyproj on the Mars sphere (R = 3 396 190 m, from the IAU 2015
figures); times are checked against the model's own definitions (flight = distance / speed +
take-off and landing; drive = distance / drive speed), and UTC against marsgeo.sols' inverse.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

import marsgeo
from marsgeo.errors import InputError, PlanningError
from marsgeo.routing import ASSUMED_LANDER, HelicopterSpec, plan_pickup
from marsgeo.sols import SOL_S, utc_to_sol

GEOD = Geod(a=3_396_190.0, b=3_396_190.0)


def _m(a: Any, b: Any) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def _ends(geom: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    c = np.asarray(geom.coords, dtype=float)
    return (float(c[0, 0]), float(c[0, 1])), (float(c[-1, 0]), float(c[-1, 1]))


def _one_tube(distance_m: float, azimuth: float = 0.0) -> gpd.GeoDataFrame:
    lon, lat, _ = GEOD.fwd(*ASSUMED_LANDER, azimuth, distance_m)
    out = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([lon], [lat]), crs=marsgeo.crs.MARS_GEOGRAPHIC
    )
    out.index = pd.Index([1], name="tube_id")
    return out


@pytest.mark.parametrize("helicopters", [1, 2, 3])
def test_each_helicopter_flies_one_continuous_path(
    depot: gpd.GeoDataFrame, helicopters: int
) -> None:
    plan = plan_pickup(depot, lander=ASSUMED_LANDER, helicopters=helicopters)
    spec = plan.spec
    for _, legs in plan.legs.groupby("helicopter"):
        legs = legs.sort_values("start_s")
        first = _ends(legs.geometry.iloc[0])[0]
        assert _m(first, ASSUMED_LANDER) < 1e-6  # it starts beside the lander
        for prev, nxt in zip(legs.itertuples(), list(legs.itertuples())[1:], strict=False):
            assert _m(_ends(prev.geometry)[1], _ends(nxt.geometry)[0]) < 1e-6, (prev, nxt)
            assert nxt.start_s >= prev.end_s - 1e-6
        for leg in legs.itertuples():
            if leg.geometry.geom_type == "Point":
                continue
            c = np.asarray(leg.geometry.coords)
            d = sum(_m(a, b) for a, b in itertools.pairwise(c))
            assert leg.distance_m == pytest.approx(d, abs=1e-6)
            if str(leg.kind).startswith("flight"):
                assert d <= spec.range_m
                want = d / spec.cruise_speed_m_s + spec.takeoff_landing_s
            else:
                want = d / spec.drive_speed_m_s
            assert leg.duration_s == pytest.approx(want, rel=1e-9)
    # every trip ends with the tube handed over at the lander
    handed = plan.legs[plan.legs.kind == "handover"]
    assert sorted(handed.tube_id) == sorted(depot.index)
    for g in handed.geometry:
        assert _m((g.x, g.y), ASSUMED_LANDER) < 1e-6


def test_the_return_flight_takes_off_where_the_helicopter_is() -> None:
    # a tube 712 m north of the lander: the return flight is flown from the landing spot the
    # helicopter drove back to, and checked for range as flown
    plan = plan_pickup(_one_tube(712.0), lander=ASSUMED_LANDER, helicopters=1)
    legs = plan.legs.sort_values("start_s")
    kinds = legs.kind.tolist()
    back = kinds.index("flight_back")
    assert kinds[back - 1] == "drive_to_spot"
    spot = _ends(legs.geometry.iloc[back - 1])[1]
    assert _m(spot, _ends(legs.geometry.iloc[back])[0]) < 1e-6
    tube = legs.geometry.iloc[kinds.index("pickup")]
    assert _m(spot, (tube.x, tube.y)) >= plan.spec.tube_standoff_m
    for g in legs.loc[legs.kind.str.startswith("flight"), "geometry"]:
        a, b = _ends(g)
        assert _m(a, b) <= 700.0


def test_flights_keep_to_the_window_and_their_utc_is_their_lmst(
    depot: gpd.GeoDataFrame,
) -> None:
    plan = plan_pickup(depot, lander=ASSUMED_LANDER, helicopters=2, start_sol=1000)
    flights = plan.legs[plan.legs.kind.str.startswith("flight")]
    assert len(flights) == 20
    for leg in flights.itertuples():
        at = utc_to_sol(leg.utc)  # the inverse conversion, from UTC back to sol and LMST
        assert at.sol == 1000 + leg.sol - 1
        hours = at.lmst_hours
        assert hours >= 10.0 - 1e-6
        end_hours = hours + leg.duration_s / SOL_S * 24.0
        assert end_hours <= 14.0 + 1e-6
        assert leg.lmst == at.lmst
    assert "utc" not in plan_pickup(depot, lander=ASSUMED_LANDER).legs.columns


def test_the_pad_and_the_arm_serve_one_helicopter_at_a_time(depot: gpd.GeoDataFrame) -> None:
    plan = plan_pickup(depot, lander=ASSUMED_LANDER, helicopters=3)
    half = plan.spec.takeoff_landing_s / 2
    pad: list[tuple[float, float, int]] = []
    arm: list[tuple[float, float, int]] = []
    for (h, _), legs in plan.legs.groupby(["helicopter", "trip"]):
        legs = legs.sort_values("start_s")
        k = legs.kind.tolist()
        rows = list(legs.itertuples())
        # on the pad from driving onto it until clear of it after take-off ...
        out = rows[k.index("flight_out")]
        pad.append((rows[k.index("drive_to_pad")].start_s, out.start_s + half, h))
        # ... and from the final approach until it has driven off it
        last_back = rows[len(k) - 1 - k[::-1].index("flight_back")]
        pad.append((last_back.end_s - half, rows[k.index("drive_to_lander")].end_s, h))
        hand = rows[k.index("handover")]
        arm.append((hand.start_s, hand.end_s, h))
    for spans in (pad, arm):
        spans.sort()
        for (a0, a1, ha), (b0, b1, hb) in itertools.pairwise(spans):
            if ha != hb:
                assert b0 >= a1 - 1e-6, ((a0, a1, ha), (b0, b1, hb))
    assert plan.makespan_sols == plan.legs.sol.max()


def _energy_flights(
    battery: float, flight: float, recharge: float, per_sol: int, sols: int
) -> list[int]:
    """Cumulative flights by the end of each sol, flying whenever the charge allows."""
    charge, total, out = battery, 0, []
    for _ in range(sols):
        n = 0
        while n < per_sol and charge >= flight:
            charge -= flight
            n += 1
        total += n
        out.append(total)
        charge = min(battery, charge + recharge)
    return out


def test_energy_limits_the_flights_of_each_sol(depot: gpd.GeoDataFrame) -> None:
    spec = HelicopterSpec(battery_wh=40.0, flight_wh=30.0, recharge_wh_per_sol=12.0)
    # by hand: 40 -> fly (10) -> 22 -> 34 -> fly (4) -> 16 -> 28 -> 40 -> fly ...
    assert [spec.flights_by_end_of_sol(s) for s in range(1, 8)] == [1, 1, 2, 2, 2, 3, 3]
    plan = plan_pickup(depot.iloc[:3], lander=ASSUMED_LANDER, helicopters=1, spec=spec)
    flights = plan.legs[plan.legs.kind.str.startswith("flight")]
    by_sol = flights.groupby("sol").size()
    allowed = _energy_flights(40.0, 30.0, 12.0, 2, int(plan.makespan_sols))
    flown = np.cumsum([int(by_sol.get(s, 0)) for s in range(1, plan.makespan_sols + 1)])
    assert (flown <= np.asarray(allowed)).all()
    # six flights: the least sols with six allowed
    assert plan.makespan_sols == 1 + next(k for k, n in enumerate(allowed) if n >= 6)
    assert any("energy: ASSUMPTION" in a for a in plan.assumptions)
    one_in_three = HelicopterSpec(battery_wh=30.0, flight_wh=30.0, recharge_wh_per_sol=10.0)
    assert [one_in_three.flights_by_end_of_sol(s) for s in range(1, 8)] == [1, 1, 1, 2, 2, 2, 3]


def test_odd_flights_per_sol_spend_nights_away_unless_kept_at_the_lander(
    depot: gpd.GeoDataFrame,
) -> None:
    spec = HelicopterSpec(flights_per_sol=3)
    free = plan_pickup(depot, lander=ASSUMED_LANDER, helicopters=1, spec=spec)
    # 20 flights at 3 a sol: 7 sols, and trips straddle sols
    assert free.makespan_sols == math.ceil(20 / 3)
    away = free.trips[free.trips.first_sol != free.trips.last_sol]
    assert len(away) > 0
    assert any(f"{len(away)} trips span sols" in a for a in free.assumptions)
    home = plan_pickup(
        depot, lander=ASSUMED_LANDER, helicopters=1, spec=spec, nights_at_lander=True
    )
    assert (home.trips.first_sol == home.trips.last_sol).all()
    # one two-flight trip fits a sol of three flights: ten sols
    assert home.makespan_sols == 10 and home.lower_bound_sols == 10
    flights = home.legs[home.legs.kind.str.startswith("flight")]
    assert flights.groupby("sol").size().max() <= 3


def test_a_flight_longer_than_the_window_is_refused(depot: gpd.GeoDataFrame) -> None:
    spec = HelicopterSpec(flight_window_lmst=("10:00", "10:01"))
    with pytest.raises(PlanningError, match=r"longer than the flight window.*flight_window_lmst"):
        plan_pickup(depot, lander=ASSUMED_LANDER, spec=spec)
    anytime = plan_pickup(
        depot, lander=ASSUMED_LANDER, spec=HelicopterSpec(flight_window_lmst=None)
    )
    assert anytime.legs.start_s.min() == 0.0  # no window: the first helicopter leaves at once


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"time_limit_s": 0}, "time_limit_s=0"),
        ({"time_limit_s": math.inf}, "time_limit_s=inf"),
        ({"nights_at_lander": "yes"}, "nights_at_lander='yes'"),
        ({"start_sol": 1.5}, "start_sol=1.5"),
        ({"start_sol": True}, "start_sol=True"),
        (
            {
                "nights_at_lander": True,
                "spec": HelicopterSpec(battery_wh=40, flight_wh=30, recharge_wh_per_sol=12),
            },
            "energy model",
        ),
    ],
)
def test_schedule_options_are_checked(
    depot: gpd.GeoDataFrame, kwargs: dict[str, Any], words: str
) -> None:
    with pytest.raises(InputError, match=words):
        plan_pickup(depot, lander=ASSUMED_LANDER, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"flight_window_lmst": "10:00"}, "not a .start, end. pair"),
        ({"flight_window_lmst": ("14:00", "10:00")}, "ends before it starts"),
        ({"flight_window_lmst": ("10:00", "25:00")}, "25:00"),
        ({"battery_wh": 40.0}, "give all three"),
        ({"battery_wh": 10.0, "flight_wh": 30.0, "recharge_wh_per_sol": 5.0}, "no flight"),
        ({"battery_wh": -1.0, "flight_wh": 1.0, "recharge_wh_per_sol": 1.0}, "battery_wh=-1"),
    ],
)
def test_window_and_energy_figures_are_checked(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(InputError, match=words):
        HelicopterSpec(**kwargs)


def test_the_plan_names_figures_as_given_or_assumed(depot: gpd.GeoDataFrame) -> None:
    plan = plan_pickup(depot, lander=ASSUMED_LANDER, spec=HelicopterSpec(flights_per_sol=3))
    figures = next(a for a in plan.assumptions if a.startswith("helicopter figures"))
    assert "flights_per_sol=3 (given)" in figures
    assert "one round trip" not in figures  # the default's source is not claimed for 3
    assert "tube_standoff_m=3.0 (ASSUMPTION" in figures


def test_helicopters_may_be_any_whole_number_type(depot: gpd.GeoDataFrame) -> None:
    plain = plan_pickup(depot, lander=ASSUMED_LANDER, helicopters=2)
    for count in (np.int64(2), np.uint8(2), np.int32(2)):
        plan = plan_pickup(depot, lander=ASSUMED_LANDER, helicopters=count)
        assert plan.helicopters == 2 and plan.makespan_sols == plain.makespan_sols
    with pytest.raises(InputError, match="helicopters=True"):
        plan_pickup(depot, lander=ASSUMED_LANDER, helicopters=True)
