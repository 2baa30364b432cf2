"""Helicopter pickup planning for the Three Forks depot.

The model (sources in :class:`HelicopterSpec`): a Sample Retrieval Lander carries Sample
Recovery Helicopters, which wait beside it. For each tube a helicopter drives onto its pad,
takes off, flies to a landing spot beside the tube, drives onto the tube, grips it, drives
back to the landing spot, flies back to the pad and drives to the lander to hand the tube
over: one continuous path, every movement a leg with its duration. One tube per trip. A
flight is limited in range and flown inside a window of local mean solar time; a helicopter
flies at most ``flights_per_sol`` flights a sol (and, with the energy model, no more than
its battery allows); the pad and the lander's transfer arm serve one helicopter at a time.
Flights avoid no-fly zones and hazardous terrain; where a tube is beyond one flight's range,
the trip lands at relay spots on the way.

Nothing published fixes the lander's position: :func:`plan_pickup` takes it as an input, and
:data:`ASSUMED_LANDER` is an ASSUMPTION, labelled as one wherever it is used.

Objective, in order: fewest sols; then the least flight distance for the busiest helicopter.
Within each helicopter, trips are ordered to maximise the expected value delivered when
flights can fail (highest value per risk first).

Paths are planned in a local metric frame centred on the lander and the tubes
(:func:`marsgeo.crs.local_crs_around`); the pad and the landing spots are placed on the Mars
sphere itself, and every plan is checked against the clearances of its :class:`HelicopterSpec`
measured geodesically before it is returned.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely.geometry import LineString

from marsgeo import _optimise
from marsgeo._paths import (
    Miss,
    Site,
    close_pairs,
    far_tubes,
    hazard_zones,
    line_m,
    zones_from,
)
from marsgeo._schedule import Timing, Trip, check_plan, order_trips, schedule, spots_frame
from marsgeo._validate import check_points, lonlat
from marsgeo.crs import (
    lon_to_180,
    mars_geod,
    require_mars_crs,
    to_mars_geographic,
)
from marsgeo.depot import load_depot
from marsgeo.errors import (
    CoordinateError,
    InputError,
    PlanningError,
    TooLargeError,
    UnreachableError,
    raise_collected,
)
from marsgeo.sols import SOL_S, format_lmst, parse_lmst

__all__ = [
    "ASSUMED_LANDER",
    "ASSUMED_LANDER_NOTE",
    "MAX_PLAN_RADIUS_M",
    "MAX_RELAYS",
    "HelicopterSpec",
    "PickupPlan",
    "plan_pickup",
]

FloatArray = npt.NDArray[np.float64]

#: ASSUMPTION: a lander position for demonstrations, east-south-east of the depot centroid on
#: flat ground (:data:`ASSUMED_LANDER_NOTE` gives the distance and bearing). No lander position
#: or lander-to-depot distance was published; NASA named the Three Forks area only as a
#: potential landing site.
ASSUMED_LANDER = (77.40957, 18.45237)
#: The label that goes with :data:`ASSUMED_LANDER` wherever it is used: that it is an assumption,
#: and its distance and bearing from the depot centroid (the mean longitude and latitude of the
#: tubes of :func:`marsgeo.load_depot`), geodesic on the Mars sphere. Computed on first use.
ASSUMED_LANDER_NOTE: str

#: Most relay landings a plan uses on one way of a trip, whatever ``HelicopterSpec.max_relays``
#: allows: a trip that would need more is refused (:class:`~marsgeo.errors.TooLargeError`).
MAX_RELAYS = 1000
#: Tubes are planned within this distance [m] of the lander, in one local frame. A tube farther
#: away is out of reach, or, when the helicopters' reach (``range_m`` times the flights each
#: way) passes this distance, refused (:class:`~marsgeo.errors.TooLargeError`). Standoffs and
#: clearances of a :class:`HelicopterSpec` may not exceed it either.
MAX_PLAN_RADIUS_M = 100_000.0

_COMPASS_16 = (
    "N",
    "NNE",
    "NE",
    "ENE",
    "E",
    "ESE",
    "SE",
    "SSE",
    "S",
    "SSW",
    "SW",
    "WSW",
    "W",
    "WNW",
    "NW",
    "NNW",
)


@cache
def _assumed_lander_note() -> str:
    tubes = load_depot()
    lon, lat = float(tubes.geometry.x.mean()), float(tubes.geometry.y.mean())
    azimuth, _, distance_m = mars_geod().inv(lon, lat, *ASSUMED_LANDER)
    bearing = float(azimuth) % 360.0
    point = _COMPASS_16[round(bearing / 22.5) % 16]
    return (
        f"ASSUMPTION: lander position not published; this point, {float(distance_m):.0f} m "
        f"from the depot centroid at bearing {bearing:.0f} deg ({point}), is for demonstration "
        "only"
    )


if not TYPE_CHECKING:  # type checkers read the declaration above

    def __getattr__(name: str) -> str:
        # the note is computed from the tube catalogue, which `import marsgeo` does not load
        if name == "ASSUMED_LANDER_NOTE":
            return _assumed_lander_note()
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _finite(v: Any) -> float | None:
    """``v`` as a finite float, or None (not a number, a bool, NaN, infinite or too large)."""
    if not _is_number(v):
        return None
    try:
        f = float(v)
    except (OverflowError, ValueError, TypeError):
        return None
    return f if math.isfinite(f) else None


_COUNTS = {"flights_per_sol": 1, "tube_capacity": 1, "max_relays": 0}
_POSITIVE = {
    "range_m",
    "cruise_speed_m_s",
    "drive_speed_m_s",
    "tube_standoff_m",
    "lander_standoff_m",
}
_DISTANCES = {"tube_standoff_m", "tube_clearance_m", "lander_standoff_m", "obstacle_clearance_m"}


@dataclass(frozen=True)
class HelicopterSpec:
    """A Sample Recovery Helicopter as the planner models it.

    Figures from the Mars Sample Return backup plan as it stood in 2022-2023 (NASA/JPL): each
    helicopter about 2.3 kg, Ingenuity-sized (rotor span about 1.2 m), cruise about 5 m/s,
    range about 700 m per flight, flight altitude about 20 m, wheels to drive to a tube, a
    two-finger gripper, one tube at a time. Values marked ASSUMPTION were not published.

    Every value is checked: counts are whole numbers (not bools), the others finite numbers,
    > 0 for ranges, speeds and standoffs, >= 0 for clearances and times. Standoffs and
    clearances are at most :data:`MAX_PLAN_RADIUS_M`. A bad value raises
    :class:`~marsgeo.errors.InputError` naming every bad field.

    Attributes
    ----------
    range_m
        Longest single flight [m]. Published: about 700 m.
    cruise_speed_m_s
        Cruise speed [m/s]. Published: about 5 m/s.
    flights_per_sol
        Flights a helicopter can make in one sol (solar recharge). ASSUMPTION: 2, one round
        trip a sol.
    drive_speed_m_s
        Driving speed on its wheels [m/s]. ASSUMPTION: 0.05 m/s.
    tube_capacity
        Tubes carried per trip. Published: 1 (the only capacity the planner supports).
    tube_standoff_m
        Distance from the landing spot to the tube, driven on wheels [m]. ASSUMPTION: 3 m
        (rotor span 1.2 m plus margin).
    tube_clearance_m
        Least distance from a landing or relay spot, or the pad, to any other tube [m].
        ASSUMPTION: 1.5 m.
    lander_standoff_m
        Distance from the helicopters' pad to the lander, driven on wheels [m]. ASSUMPTION:
        10 m.
    obstacle_clearance_m
        Margin kept from no-fly zones and hazardous terrain [m]. ASSUMPTION: 2 m.
    takeoff_landing_s
        Time per flight for take-off, climb, descent and landing [s]. ASSUMPTION: 60 s.
    pickup_s, handover_s
        Time to grip a tube, and to hand it to the lander [s]. ASSUMPTION: 600 s each.
    max_relays
        Most relay landings allowed on one way of a trip. 0 forbids relays. Any whole number
        >= 0; a plan never uses more than :data:`MAX_RELAYS`, and refuses a trip that would
        need more (:class:`~marsgeo.errors.TooLargeError`).
    """

    range_m: float = 700.0
    cruise_speed_m_s: float = 5.0
    flights_per_sol: int = 2
    drive_speed_m_s: float = 0.05
    tube_capacity: int = 1
    tube_standoff_m: float = 3.0
    tube_clearance_m: float = 1.5
    lander_standoff_m: float = 10.0
    obstacle_clearance_m: float = 2.0
    takeoff_landing_s: float = 60.0
    pickup_s: float = 600.0
    handover_s: float = 600.0
    max_relays: int = 3
    flight_window_lmst: tuple[str, str] | None = ("10:00:00", "14:00:00")
    battery_wh: float | None = None
    flight_wh: float | None = None
    recharge_wh_per_sol: float | None = None

    #: Where each default comes from: "published" or "ASSUMPTION", with the words.
    SOURCES: ClassVar[dict[str, str]] = {
        "range_m": "published (MSR backup plan 2022-2023): about 700 m per flight",
        "cruise_speed_m_s": "published: cruise about 5 m/s",
        "flights_per_sol": "ASSUMPTION: one round trip (2 flights) per sol",
        "drive_speed_m_s": "ASSUMPTION: 0.05 m/s on its four ~10 cm wheels",
        "tube_capacity": "published: one tube at a time",
        "tube_standoff_m": "ASSUMPTION: 3 m (rotor span about 1.2 m, plus margin)",
        "tube_clearance_m": "ASSUMPTION: 1.5 m from other tubes",
        "lander_standoff_m": "ASSUMPTION: 10 m from the lander",
        "obstacle_clearance_m": "ASSUMPTION: 2 m from no-fly zones and hazards",
        "takeoff_landing_s": "ASSUMPTION: 60 s per flight",
        "pickup_s": "ASSUMPTION: 600 s to grip a tube",
        "handover_s": "ASSUMPTION: 600 s to hand a tube over",
        "max_relays": "planner setting: up to 3 relay landings each way",
        "flight_window_lmst": "ASSUMPTION: flights from 10:00 to 14:00 local mean solar time "
        "(late morning to early afternoon, as Ingenuity flew)",
        "battery_wh": "not modelled by default (flights_per_sol alone limits flying)",
        "flight_wh": "not modelled by default",
        "recharge_wh_per_sol": "not modelled by default",
    }
    _OPTIONAL: ClassVar[frozenset[str]] = frozenset(
        {"battery_wh", "flight_wh", "recharge_wh_per_sol"}
    )

    def __post_init__(self) -> None:
        problems = []
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "flight_window_lmst":
                problems.extend(self._check_window(v))
                continue
            if f.name in self._OPTIONAL:
                if v is None:
                    continue
                value = _finite(v)
                if value is None or value <= 0:
                    problems.append(f"{f.name}={v!r} must be None or a finite number > 0")
                else:
                    object.__setattr__(self, f.name, value)
                continue
            if f.name in _COUNTS:
                low = _COUNTS[f.name]
                if (
                    isinstance(v, (bool, np.bool_))
                    or not isinstance(v, numbers.Integral)
                    or v < low
                ):
                    problems.append(f"{f.name}={v!r} must be a whole number >= {low}")
                else:
                    object.__setattr__(self, f.name, int(v))
                continue
            kind = "> 0" if f.name in _POSITIVE else ">= 0"
            value = _finite(v)
            if value is None or value < 0 or (value == 0 and f.name in _POSITIVE):
                problems.append(f"{f.name}={v!r} must be a finite number {kind}")
            elif f.name in _DISTANCES and value > MAX_PLAN_RADIUS_M:
                problems.append(
                    f"{f.name}={v!r} is more than MAX_PLAN_RADIUS_M={MAX_PLAN_RADIUS_M:g} m; "
                    "pass metres (e.g. 3.0)"
                )
            else:
                object.__setattr__(self, f.name, value)
        if self.tube_capacity != 1 and not problems:
            problems.append(
                f"tube_capacity={self.tube_capacity} is not supported: the helicopters carry "
                "one tube at a time (pass 1)"
            )
        energy = [self.battery_wh, self.flight_wh, self.recharge_wh_per_sol]
        if not problems and any(e is not None for e in energy):
            if any(e is None for e in energy):
                problems.append(
                    "battery_wh, flight_wh and recharge_wh_per_sol model energy together: give "
                    "all three, or none"
                )
            elif self.flight_wh > self.battery_wh:  # type: ignore[operator]
                problems.append(
                    f"flight_wh={self.flight_wh:g} is more than battery_wh={self.battery_wh:g}: "
                    "no flight could take off; check the units (watt-hours)"
                )
        if problems:
            msg = "HelicopterSpec: " + "; ".join(problems) + "."
            raise InputError(msg)

    def _check_window(self, v: Any) -> list[str]:
        """Check ``flight_window_lmst`` and store it as two 'HH:MM:SS' strings."""
        if v is None:
            return []
        fix = "pass two local mean solar times, e.g. ('10:00', '14:00'), or None"
        if isinstance(v, (str, bytes)) or not isinstance(v, (tuple, list)) or len(v) != 2:
            return [f"flight_window_lmst={v!r} is not a (start, end) pair; {fix}"]
        try:
            hours = [parse_lmst(x) for x in v]
        except InputError as exc:
            return [f"flight_window_lmst={v!r}: {str(exc).rstrip('.')}"]
        if not hours[0] < hours[1]:
            return [
                f"flight_window_lmst={v!r} ends before it starts; {fix} (windows across "
                "midnight are not supported)"
            ]
        object.__setattr__(self, "flight_window_lmst", tuple(format_lmst(h) for h in hours))
        return []

    @property
    def window_s(self) -> tuple[float, float] | None:
        """The flight window in seconds after local midnight of a sol, or None."""
        if self.flight_window_lmst is None:
            return None
        a, b = (parse_lmst(x) / 24.0 * SOL_S for x in self.flight_window_lmst)
        return a, b

    def flights_by_end_of_sol(self, sol: int) -> int:
        """Most flights one helicopter can have flown by the end of a sol (sol 1 = the first).

        ``flights_per_sol`` a sol; with the energy model (``battery_wh``, ``flight_wh``,
        ``recharge_wh_per_sol``) also no more than its charge allows: it starts full, each
        flight uses ``flight_wh`` and each sol recharges ``recharge_wh_per_sol`` (up to
        ``battery_wh``). So "one flight every 2-3 sols" is ``recharge_wh_per_sol = flight_wh
        / 2.5``.

        Examples
        --------
        >>> spec = HelicopterSpec(battery_wh=40, flight_wh=30, recharge_wh_per_sol=12)
        >>> [spec.flights_by_end_of_sol(s) for s in range(1, 8)]
        [1, 1, 2, 2, 2, 3, 3]
        """
        if self.battery_wh is None:
            return int(sol) * self.flights_per_sol
        return _energy_flights(
            float(self.battery_wh),
            float(self.flight_wh),  # type: ignore[arg-type]
            float(self.recharge_wh_per_sol),  # type: ignore[arg-type]
            self.flights_per_sol,
            int(sol),
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the values, for reports."""
        return asdict(self)


# per energy model: the flights flown by the end of each sol so far, and the charge left then
_ENERGY: dict[tuple[float, float, float, int], tuple[list[int], list[float]]] = {}


def _energy_flights(battery: float, flight: float, recharge: float, per_sol: int, sol: int) -> int:
    """Flights flown by the end of ``sol`` when flying whenever the charge allows.

    Flying as soon as the charge allows flies the most: charge beyond the battery is lost.
    """
    if sol <= 0:
        return 0
    counts, charges = _ENERGY.setdefault((battery, flight, recharge, per_sol), ([0], [battery]))
    while len(counts) <= sol:
        charge = charges[-1]
        n = min(per_sol, math.floor(charge / flight + 1e-9))
        counts.append(counts[-1] + n)
        charges.append(min(battery, charge - n * flight + recharge))
    return counts[sol]


@dataclass(frozen=True)
class PickupPlan:
    """A pickup schedule and what is proven about it.

    Attributes
    ----------
    legs
        GeoDataFrame, one row per leg, index ``leg_id``, each helicopter's legs in order and
        continuous (each starts where the one before ended). Columns ``helicopter`` (1..H),
        ``trip`` (per helicopter), ``sol`` (1 = the first sol of operations), ``tube_id``,
        ``kind`` (a trip is "drive_to_pad", "flight_out" (one per flight), "drive_to_tube",
        "pickup", "drive_to_spot", "flight_back", "drive_to_lander", "handover"), ``flight``
        (the helicopter's flight number, for flights), ``distance_m``, ``duration_s``,
        ``start_s`` and ``end_s`` (seconds after local midnight of sol 1), ``lmst`` (local
        mean solar time of the start), ``utc`` (the start in UTC, only when ``start_sol`` was
        given); LineString (moves) or Point (pickup, handover) geometry.
    trips
        DataFrame indexed by ``tube_id``: ``helicopter``, ``trip``, ``first_sol``,
        ``last_sol``, ``start_s``, ``end_s``, ``flights``, ``relays`` (relay landings each
        way), ``path_m`` (pad to landing spot), ``flight_m`` (both ways), ``drive_m``,
        ``needed_range_m`` (longest flight), ``priority``, ``p_delivered``.
    spots
        GeoDataFrame of the lander, the pad, the tube landing spots and relay spots, with a
        ``kind`` and ``note`` (the lander's position note says when it is an assumption).
    makespan_sols
        Sols until the last tube is handed over.
    lower_bound_sols
        No plan can take fewer sols.
    total_flight_m
        Flight distance of all helicopters.
    busiest_flight_m, busiest_flight_lower_bound_m
        Flight distance of the busiest helicopter, and a bound no plan can beat.
    is_optimal
        True when both objectives are proven optimal: the fewest sols, and the busiest
        helicopter's flight distance within ``tolerance_m`` of a proven bound. Proven for the
        model: paths are shortest around the zones grown by ``obstacle_clearance_m``, and
        the sols are those of the schedule as flown (with its time window and shared pad).
    method
        How the assignment was found.
    helicopters
        Helicopters in the plan: those given, but at most one per planned tube (more could
        never fly); ``assumptions`` says when fewer than given.
    spec
        The helicopter figures used.
    expected_value, max_value
        Expected priority delivered with the given flight failure probability, and the total.
    unreachable
        Tubes left out (only with ``on_unreachable="skip"``), with the range they need
        (``needed_range_m``, NaN when range is not the reason) and ``why``.
    assumptions
        The assumptions this plan rests on, in words.
    tolerance_m
        The tolerance of the proof of the second objective [m].
    timed_out
        True when the optimiser's time limit ended the search (the plan is the best found).
    """

    legs: gpd.GeoDataFrame
    trips: pd.DataFrame
    spots: gpd.GeoDataFrame
    makespan_sols: int
    lower_bound_sols: int
    total_flight_m: float
    busiest_flight_m: float
    busiest_flight_lower_bound_m: float
    is_optimal: bool
    method: str
    helicopters: int
    spec: HelicopterSpec
    expected_value: float
    max_value: float
    unreachable: pd.DataFrame = field(default_factory=pd.DataFrame)
    assumptions: tuple[str, ...] = ()
    tolerance_m: float = 1.0
    timed_out: bool = False

    def __post_init__(self) -> None:
        kinds: dict[str, tuple[type, ...]] = {
            "legs": (gpd.GeoDataFrame,),
            "trips": (pd.DataFrame,),
            "spots": (gpd.GeoDataFrame,),
            "unreachable": (pd.DataFrame,),
            "spec": (HelicopterSpec,),
            "method": (str,),
            "is_optimal": (bool, np.bool_),
            "timed_out": (bool, np.bool_),
        }
        names = {bool: "True or False", np.bool_: ""}
        problems = []
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in kinds:
                ok = isinstance(v, kinds[f.name])
                want = " or ".join(n for t in kinds[f.name] if (n := names.get(t, t.__name__)))
            elif f.name in ("makespan_sols", "lower_bound_sols", "helicopters"):
                ok = isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))
                want = "a whole number"
            elif f.name == "assumptions":
                ok = isinstance(v, tuple) and all(isinstance(a, str) for a in v)
                want = "a tuple of str"
            else:
                ok = _is_number(v)
                want = "a number"
            if not ok:
                problems.append(f"{f.name} must be {want}, got {type(v).__name__}")
        raise_collected(InputError, problems, what="PickupPlan (made by marsgeo.plan_pickup)")

    def summary(self) -> str:
        """Describe the plan in a few lines for people."""
        if self.is_optimal:
            proof = f"proven optimal (busiest within {float(self.tolerance_m):g} m)"
        else:
            gap = float(self.busiest_flight_m) - float(self.busiest_flight_lower_bound_m)
            proof = (
                f"not proven optimal: at least {self.lower_bound_sols} sols (gap "
                f"{self.makespan_sols - self.lower_bound_sols}), busiest helicopter at least "
                f"{float(self.busiest_flight_lower_bound_m):.1f} m (gap {gap:.1f} m)"
            )
            if self.timed_out:
                proof += "; the best found before the time limit"
        lines = [
            f"{len(self.trips)} tubes, {self.helicopters} helicopter(s): {self.makespan_sols} "
            f"sols, {float(self.total_flight_m):.1f} m of flight in all, busiest helicopter "
            f"{float(self.busiest_flight_m):.1f} m; {proof}.",
            f"method: {self.method}",
            f"expected value delivered: {float(self.expected_value):.3f} of "
            f"{float(self.max_value):.3f}",
        ]
        if len(self.unreachable):
            lines.append(f"unreachable tubes left out: {list(self.unreachable.index)}")
        lines.extend(self.assumptions)
        return "\n".join(lines)


# --- inputs ------------------------------------------------------------------------------------

_LANDER_FIX = (
    "pass (lon, lat) in MARS_GEOGRAPHIC degrees, longitude first, or a shapely Point, or a "
    "one-point GeoSeries in a Mars CRS"
)


def _lander_lonlat(lander: Any) -> tuple[float, float]:
    """Read the lander's (lon, lat) from any accepted spelling; longitude in [-180, 180)."""
    shown = f"lander={lander!r}" if not hasattr(lander, "shape") else "lander"
    if isinstance(lander, (gpd.GeoSeries, gpd.GeoDataFrame)):
        require_mars_crs(lander, name="lander")
        if len(lander) != 1:
            msg = f"lander holds {len(lander)} geometries; {_LANDER_FIX}."
            raise CoordinateError(msg)
        g = to_mars_geographic(lander)
        lander = (g.geometry if isinstance(g, gpd.GeoDataFrame) else g).iloc[0]
        shown = f"lander (as {lander!r})" if lander is not None else "lander"
    if lander is None or isinstance(lander, (str, bytes, Mapping)):
        msg = f"{shown} is not a position; {_LANDER_FIX}."
        raise CoordinateError(msg)
    if isinstance(lander, shapely.Geometry):
        if lander.is_empty:
            msg = f"{shown} is empty; {_LANDER_FIX}."
            raise CoordinateError(msg)
        if lander.geom_type != "Point":
            msg = (
                f"lander is a {lander.geom_type}, not a point; {_LANDER_FIX} (for an area, "
                "pass its .representative_point())."
            )
            raise CoordinateError(msg)
        values: list[Any] = [lander.x, lander.y]
    else:
        try:
            values = list(itertools.islice(iter(lander), 3))
        except TypeError:
            msg = f"{shown} is not a position; {_LANDER_FIX}."
            raise CoordinateError(msg) from None
        if len(values) != 2 or not all(_is_number(v) for v in values):
            msg = f"{shown} is not two numbers; {_LANDER_FIX}."
            raise CoordinateError(msg)
    lon, lat = _finite(values[0]), _finite(values[1])
    if lon is None or lat is None or not -90.0 <= lat <= 90.0 or abs(lon) > 360.0:
        msg = (
            f"lander=({values[0]!r}, {values[1]!r}) is not a position: longitude must be a "
            f"finite angle in -360..360 and latitude in -90..90; {_LANDER_FIX}."
        )
        raise CoordinateError(msg)
    return float(lon_to_180(lon)), lat


def _check_options(
    spec: Any,
    helicopters: Any,
    p_fail_flight: Any,
    on_unreachable: Any,
    tolerance_m: Any,
    lander: Any,
    *,
    time_limit_s: Any,
    nights_at_lander: Any,
    start_sol: Any,
) -> tuple[HelicopterSpec, tuple[float, float]]:
    """Check the options and the lander together: every problem is reported at once."""
    problems = []
    if spec is None:
        spec = HelicopterSpec()
    elif not isinstance(spec, HelicopterSpec):
        problems.append(
            f"spec must be a marsgeo.HelicopterSpec, got {type(spec).__name__}; build one with "
            "marsgeo.HelicopterSpec(range_m=..., ...)"
        )
    if (
        isinstance(helicopters, (bool, np.bool_))
        or not isinstance(helicopters, numbers.Integral)
        or helicopters < 1
    ):
        problems.append(
            f"helicopters={helicopters!r} must be a whole number >= 1 (the 2022-2023 plan had 2)"
        )
    p = _finite(p_fail_flight)
    if p is None or not 0.0 <= p < 1.0:
        problems.append(f"p_fail_flight={p_fail_flight!r} must be a probability in [0, 1)")
    if not (isinstance(on_unreachable, str) and on_unreachable in ("raise", "skip")):
        problems.append(f"on_unreachable={on_unreachable!r} must be 'raise' or 'skip'")
    tol = _finite(tolerance_m)
    if tol is None or tol < 0:
        problems.append(f"tolerance_m={tolerance_m!r} must be a finite distance >= 0 in metres")
    limit = _finite(time_limit_s)
    if limit is None or limit <= 0:
        problems.append(f"time_limit_s={time_limit_s!r} must be a finite number of seconds > 0")
    if not isinstance(nights_at_lander, (bool, np.bool_)):
        problems.append(f"nights_at_lander={nights_at_lander!r} must be True or False")
    elif nights_at_lander and isinstance(spec, HelicopterSpec) and spec.battery_wh is not None:
        problems.append(
            "nights_at_lander=True needs a fixed number of flights a sol: pass a HelicopterSpec "
            "without the energy model (battery_wh=None), or nights_at_lander=False"
        )
    if start_sol is not None:
        from marsgeo.sols import SOL_MAX, SOL_MIN

        if (
            isinstance(start_sol, (bool, np.bool_))
            or not isinstance(start_sol, numbers.Integral)
            or not SOL_MIN <= int(start_sol) <= SOL_MAX
        ):
            problems.append(
                f"start_sol={start_sol!r} must be a whole Mars 2020 sol in {SOL_MIN}..{SOL_MAX} "
                "(e.g. 1500), or None"
            )
    try:
        lander_ll = _lander_lonlat(lander)
    except InputError as exc:
        if not problems:
            raise  # the lander alone: its own error (CoordinateError, CRSError)
        problems.append(str(exc).rstrip("."))
    raise_collected(InputError, problems, what="plan_pickup")
    assert isinstance(spec, HelicopterSpec)
    return spec, lander_ll


# --- planning ----------------------------------------------------------------------------------


def plan_pickup(
    tubes: Any,
    *,
    lander: Any,
    helicopters: int = 2,
    spec: HelicopterSpec | None = None,
    no_fly: Any = None,
    hazard: Any = None,
    priorities: Mapping[Any, float] | None = None,
    p_fail_flight: float = 0.0,
    on_unreachable: str = "raise",
    tolerance_m: float = 1.0,
    time_limit_s: float = 5.0,
    nights_at_lander: bool = False,
    start_sol: int | None = None,
) -> PickupPlan:
    """Plan the retrieval of the tubes by helicopter: which, who, which sol, which way.

    Parameters
    ----------
    tubes
        GeoDataFrame of tube Points in a Mars CRS, indexed by tube id (e.g. ``load_depot()``).
    lander
        The lander's (lon, lat) in MARS_GEOGRAPHIC degrees, a shapely Point, or a one-point
        GeoSeries/GeoDataFrame in a Mars CRS. No lander position was published: use
        :data:`ASSUMED_LANDER` only as a labelled assumption.
    helicopters
        Number of helicopters, a whole number >= 1. One tube per trip, so no more than one
        helicopter per tube can fly: the plan uses at most that many (and says so).
    spec
        Helicopter figures; :class:`HelicopterSpec` defaults to the published ones.
    no_fly
        Zones flights must avoid: a GeoDataFrame/GeoSeries in a Mars CRS, a shapely polygon
        or a list of them (MARS_GEOGRAPHIC lon/lat), WKT text or a list of WKT. Edges are
        straight in longitude and latitude; a zone may reach a pole or cover the planet. A
        zone crossing the antimeridian needs continuous longitudes (e.g. 179.9 to 180.1), as
        -180..180 longitudes would make it span the planet the other way. Self-intersecting
        zones are repaired (a bowtie avoids both lobes); zones with NaN, infinite or
        out-of-range vertices are refused.
    hazard
        Hazardous terrain, avoided like no-fly zones: zones as for ``no_fly``, a Raster (a
        boolean mask, a slope raster in degrees, or a DTM in metres, from
        :mod:`marsgeo.basemap`), or ``"synthetic"`` for :func:`marsgeo.basemap.synthetic_dtm`
        (as ``load_dtm(None)``; the plan then says its hazards are SYNTHETIC).
    priorities
        Value of each tube by tube id, a mapping or a Series, finite and >= 0 (default: the
        ``priority`` column, else 1 for every tube).
    p_fail_flight
        Probability that a flight fails and ends its helicopter's work, 0..1.
    on_unreachable
        "raise" (default): any tube that cannot be reached (out of range, or inside a no-fly
        zone or hazard) is an error naming it and the range it would need or the zone.
        "skip": plan the others and list those in ``plan.unreachable``.
    tolerance_m
        Distance within which the busiest helicopter's flight distance counts as proven
        optimal when it meets its lower bound; finite, >= 0.
    time_limit_s
        Time the optimiser may search for a proof [s], finite and > 0; then the best plan
        found is returned with its proven bounds (``is_optimal`` False, ``timed_out`` True).
    nights_at_lander
        False (default): a trip may span sols when the sol's flights or its flight window are
        used up, and the helicopter then spends the night where it landed (beside a tube or
        at a relay). True: every trip is flown within one sol, so every night is spent at
        the lander; a trip needing more flights than ``flights_per_sol`` is then refused.
    start_sol
        Mars 2020 mission sol of the first sol of operations: the legs then get their UTC
        times (``utc``), via :mod:`marsgeo.sols`. None (default): sols are counted from 1.

    Returns
    -------
    PickupPlan
        Checked before it is returned: every landing spot is ``tube_standoff_m`` plus the
        tube's ``position_uncertainty_m`` (a catalogue column; 0 without it) from its tube,
        every landing spot, relay and the pad at least ``tube_clearance_m`` plus their
        uncertainty from the other tubes, the pad ``lander_standoff_m`` from the lander
        (geodesic on the Mars sphere), every flight within ``range_m`` and
        ``obstacle_clearance_m`` clear of the zones, no drive through a zone, and each
        helicopter's legs continuous.

    Raises
    ------
    marsgeo.errors.InputError
        Bad helicopters, spec, probabilities, zones; a non-Mars CRS (CRSError); a bad lander
        (CoordinateError).
    marsgeo.errors.PlanningError
        The lander lies inside a no-fly zone or hazard, or (unless ``on_unreachable="skip"``)
        a tube does; no pad clear of obstacles.
    marsgeo.errors.UnreachableError
        Tubes no allowed flight can reach; the message names them and the range needed.
    marsgeo.errors.TooLargeError
        A trip would need more than :data:`MAX_RELAYS` relays each way, or tubes lie beyond
        :data:`MAX_PLAN_RADIUS_M` of the lander while the helicopters could reach farther.

    Examples
    --------
    >>> import marsgeo as mg
    >>> plan = mg.plan_pickup(mg.load_depot(), lander=mg.routing.ASSUMED_LANDER)
    >>> plan.makespan_sols, plan.is_optimal
    (5, True)
    """
    spec, lander_ll = _check_options(
        spec,
        helicopters,
        p_fail_flight,
        on_unreachable,
        tolerance_m,
        lander,
        time_limit_s=time_limit_s,
        nights_at_lander=nights_at_lander,
        start_sol=start_sol,
    )
    checked = check_points(tubes, name="tubes")
    ids = list(checked.index)
    lon, lat = lonlat(checked)
    tubes_ll = np.column_stack([lon_to_180(lon), lat]).astype(float)
    values = _priorities(checked, ids, priorities)
    zones = zones_from(no_fly, name="no_fly") + hazard_zones(hazard, tubes=checked)
    uncertainty = Site.uncertainty_from(checked)
    far, misses = far_tubes(
        ids, tubes_ll, lander_ll, spec, radius_m=MAX_PLAN_RADIUS_M, relay_cap=MAX_RELAYS
    )
    site = Site(
        tubes_ll,
        ~far,
        lander_ll,
        zones,
        spec,
        radius_m=MAX_PLAN_RADIUS_M,
        relay_cap=MAX_RELAYS,
        ids=ids,
        uncertainty_m=uncertainty,
    )
    inside = _inside(ids, site, on_unreachable)
    site.place_pad(spec)
    misses.extend(Miss(t, math.nan, f"inside {', '.join(z)}") for t, z in inside.items())

    trips: list[Trip] = []
    paths: list[LineString] = []
    too_large: list[str] = []
    to_plan = [int(k) for k in np.flatnonzero(~far) if ids[k] not in inside]
    for done in site.plan_trips(to_plan, spec):
        if isinstance(done, Miss):
            misses.append(done)
        elif isinstance(done, str):
            too_large.append(done)
        else:
            trips.append(done[0])
            paths.append(done[1])
    if too_large:
        msg = (
            "; ".join(too_large[:5])
            + f". A plan uses at most MAX_RELAYS={MAX_RELAYS} relays each way: raise range_m, "
            "or move the lander closer."
        )
        raise TooLargeError(msg)
    if misses and (on_unreachable == "raise" or not trips):
        raise UnreachableError(_unreachable_message(misses, trips, lander_ll, spec, ids))

    flights = [2 * t.flights_each_way for t in trips]
    dists = [2 * t.path_m for t in trips]
    _check_windows(trips, spec, nights_at_lander=bool(nights_at_lander))
    a = _optimise.assign(
        flights,
        dists,
        helicopters,
        spec.flights_per_sol,
        tolerance_m=tolerance_m,
        time_limit_s=float(time_limit_s),
        capacity=spec.flights_by_end_of_sol if spec.battery_wh is not None else None,
        whole_trips_per_sol=bool(nights_at_lander),
    )
    q = 1.0 - float(p_fail_flight)
    if nights_at_lander:
        # whole trips packed into sols: keep the packing, order the trips of each sol
        orders = [
            [i for day in days for i in order_trips(list(day), trips, flights, values, q)]
            for days in a.sol_plan
        ]
    else:
        orders = [order_trips(list(g), trips, flights, values, q) for g in a.groups]
    timing = Timing(
        capacity=spec.flights_by_end_of_sol,
        per_sol=spec.flights_per_sol,
        window_s=spec.window_s,
        nights_at_lander=bool(nights_at_lander),
        start_sol=None if start_sol is None else int(start_sol),
    )
    legs, trip_rows, exp_value = schedule(
        orders, trips, flights, values, q, spec, (site.pad_ll, lander_ll), timing
    )
    note = _assumed_lander_note() if _is_assumed(lander_ll) else "given"
    spots = spots_frame(trips, site.pad_ll, lander_ll, note)
    check_plan(
        spots,
        legs,
        paths,
        site.framed,
        ids,
        tubes_ll,
        site.tubes,
        lander_ll,
        site.frame,
        spec,
        uncertainty_m=uncertainty,
    )
    flown_sols = int(legs["sol"].max()) if len(legs) else 0
    lower = a.sols_lower_bound
    notes = [
        f"lander: {_assumed_lander_note()}"
        if _is_assumed(lander_ll)
        else f"lander at {lander_ll[0]:.6f} E, {lander_ll[1]:.6f} N (given)",
        "helicopter figures: " + _figures_note(spec),
    ]
    if spec.battery_wh is not None:
        notes.append(
            f"energy: ASSUMPTION battery_wh={spec.battery_wh:g}, flight_wh={spec.flight_wh:g}, "
            f"recharge_wh_per_sol={spec.recharge_wh_per_sol:g}"
        )
    if len(a.groups) < helicopters:
        notes.append(
            f"helicopters: {helicopters} given; one tube per trip, so at most {len(a.groups)} "
            "can fly"
        )
    away = trip_rows["first_sol"] != trip_rows["last_sol"]
    if away.any():
        notes.append(
            f"nights away from the lander: {int(away.sum())} trips span sols, the helicopter "
            "waiting where it landed (nights_at_lander=True keeps every night at the lander)"
        )
    if flown_sols > a.sols:
        notes.append(
            f"schedule: the flight window and the shared pad and arm stretch the "
            f"{a.sols} sols of the assignment to {flown_sols}"
        )
    close = close_pairs(tubes_ll, uncertainty)
    if close:
        shown = ", ".join(f"{ids[i]!r} and {ids[j]!r} ({d:.2f} m)" for i, j, d in close[:5])
        notes.append(
            f"tubes closer than their position uncertainties allow to tell apart: {shown}"
            + (f" and {len(close) - 5} more pairs" if len(close) > 5 else "")
            + "; a landing spot keeps clear of both, but check the catalogue"
        )
    if hazard is not None and _hazard_is_synthetic(hazard):
        notes.append("hazards from SYNTHETIC terrain: not a measurement")
    unreach = pd.DataFrame(
        [{"tube_id": m.tube_id, "needed_range_m": m.need_m, "why": m.why} for m in misses],
        columns=["tube_id", "needed_range_m", "why"],
    ).set_index("tube_id")
    return PickupPlan(
        legs=legs,
        trips=trip_rows,
        spots=spots,
        makespan_sols=flown_sols,
        # when the packing search proved fewer sols impossible, that is the bound
        lower_bound_sols=lower,
        total_flight_m=float(sum(dists)),
        busiest_flight_m=a.busiest_m,
        busiest_flight_lower_bound_m=a.busiest_lower_bound_m,
        # the schedule as flown can only take longer than the assignment: proven when it
        # still meets the bound
        is_optimal=bool(a.sols_proven and a.busiest_proven and flown_sols == lower),
        method=a.method,
        helicopters=len(a.groups),
        spec=spec,
        expected_value=exp_value,
        max_value=float(sum(values[t.tube_id] for t in trips)),
        unreachable=unreach,
        assumptions=tuple(notes),
        tolerance_m=float(tolerance_m),
        timed_out=bool(a.timed_out),
    )


def _figures_note(spec: HelicopterSpec) -> str:
    """Name the figures a plan assumes: defaults with their source, the others as given."""
    default = HelicopterSpec()
    parts = []
    for k, source in HelicopterSpec.SOURCES.items():
        value = getattr(spec, k)
        if value != getattr(default, k):
            parts.append(f"{k}={value} (given)")
        elif source.startswith("ASSUMPTION"):
            parts.append(f"{k}={value} ({source})")
    return "; ".join(parts)


def _check_windows(trips: list[Trip], spec: HelicopterSpec, *, nights_at_lander: bool) -> None:
    """Refuse flights (or, with nights at the lander, trips) longer than the flight window."""
    window = spec.window_s
    if window is None or not trips:
        return
    length = window[1] - window[0]
    fly = [
        [
            line_m(np.asarray(p.coords)) / spec.cruise_speed_m_s + spec.takeoff_landing_s
            for p in t.pieces
        ]
        for t in trips
    ]
    if nights_at_lander:
        need = [
            2 * sum(f)
            + spec.pickup_s
            + 2 * line_m(np.array([t.spot, t.tube])) / spec.drive_speed_m_s
            for f, t in zip(fly, trips, strict=True)
        ]
        what = "trip, take-off to landing,"
    else:
        need = [max(f) for f in fly]
        what = "flight"
    worst = int(np.argmax(need))
    if need[worst] > length:
        msg = (
            f"a {what} for tube {trips[worst].tube_id!r} takes {need[worst]:.0f} s, longer "
            f"than the flight window {spec.flight_window_lmst} ({length:.0f} s); widen "
            "HelicopterSpec(flight_window_lmst=...) or pass flight_window_lmst=None"
            + (", or nights_at_lander=False" if nights_at_lander else "")
            + "."
        )
        raise PlanningError(msg)


def _is_assumed(lander_ll: tuple[float, float]) -> bool:
    return math.isclose(lander_ll[0], ASSUMED_LANDER[0], abs_tol=1e-9) and math.isclose(
        lander_ll[1], ASSUMED_LANDER[1], abs_tol=1e-9
    )


def _hazard_is_synthetic(hazard: Any) -> bool:
    if isinstance(hazard, str):
        return hazard.strip().lower() == "synthetic"
    if getattr(hazard, "synthetic", False) is True:
        return True
    return bool(
        isinstance(hazard, gpd.GeoDataFrame)
        and "synthetic" in hazard.columns
        and hazard["synthetic"].astype(bool).any()
    )


def _priorities(checked: gpd.GeoDataFrame, ids: list[Any], priorities: Any) -> dict[Any, float]:
    where = "priorities"
    if priorities is None:
        if "priority" in checked.columns:
            raw = checked["priority"].to_dict()
            where = "column 'priority' of tubes"
        else:
            raw = dict.fromkeys(ids, 1.0)
    elif isinstance(priorities, pd.Series):
        if priorities.index.has_duplicates:
            dup = list(dict.fromkeys(priorities.index[priorities.index.duplicated()]))[:5]
            msg = (
                f"priorities gives tubes {dup} more than one value; give each tube one value "
                "(e.g. priorities.groupby(level=0).max())."
            )
            raise InputError(msg)
        return _priorities(checked, ids, priorities.to_dict())
    elif not isinstance(priorities, Mapping):
        msg = (
            f"priorities must map tube ids to values (a dict), got {type(priorities).__name__}; "
            "e.g. priorities={1: 2.0, 2: 1.0, ...}."
        )
        raise InputError(msg)
    else:
        missing = [t for t in ids if t not in priorities]
        if missing:
            msg = f"priorities has no value for tubes {missing[:5]}; give every tube a value."
            raise InputError(msg)
        raw = {t: priorities[t] for t in ids}
    bad = {t: v for t, v in raw.items() if (f := _finite(v)) is None or f < 0}
    if bad:
        msg = (
            f"{where}: tubes {list(bad)[:5]} have values {list(bad.values())[:5]}; give every "
            "tube a finite number >= 0."
        )
        raise InputError(msg)
    values = {t: float(v) for t, v in raw.items()}
    try:
        total = math.fsum(values.values())
    except OverflowError:
        total = math.inf
    if not math.isfinite(total):
        msg = f"{where}: the values add up to more than a float holds; scale them down."
        raise InputError(msg)
    return values


def _inside(ids: list[Any], site: Site, on_unreachable: str) -> dict[Any, list[str]]:
    """Find the tubes inside a zone, with the zones' labels.

    Raises PlanningError when the lander is inside one, or (unless skipping) a tube is.
    """
    framed, near = site.framed, site.planned
    if not framed:
        return {}
    tree = shapely.STRtree([g for _, g in framed])
    pts = shapely.points(np.vstack([site.tubes_xy.reshape(-1, 2), site.lander_xy.reshape(1, 2)]))
    which, zone = tree.query(pts, predicate="intersects")
    found: dict[int, list[str]] = {}
    for w, z in zip(which.tolist(), zone.tolist(), strict=True):
        found.setdefault(w, []).append(framed[z][0])
    inside = {ids[near[w]]: labels for w, labels in sorted(found.items()) if w < len(near)}
    problems = []
    if inside and on_unreachable == "raise":
        zones = sorted({z for labels in inside.values() for z in labels})
        problems.append(
            f"tubes {list(inside)} lie inside a no-fly zone or hazard ({', '.join(zones[:5])}); "
            "no helicopter may land there. Check the polygons, or leave those tubes out "
            "(on_unreachable='skip')"
        )
    if len(near) in found:
        problems.append(
            "the lander lies inside a no-fly zone or hazard "
            f"({', '.join(found[len(near)][:5])}); move the lander"
        )
    if problems:
        raise PlanningError("; ".join(problems) + ".")
    return inside


def _unreachable_message(
    misses: list[Miss],
    trips: list[Trip],
    lander: tuple[float, float],
    spec: HelicopterSpec,
    ids: list[Any],
) -> str:
    parts = []
    for m in misses:
        if math.isfinite(m.need_m):
            least = "at least " if m.lower_bound else ""
            text = f"needs a range of {least}{m.need_m:.0f} m"
            text += f"; {m.why}" if m.lower_bound else ""
        else:
            text = m.why
        parts.append(f"tube {m.tube_id!r} ({text})")
    if trips:
        head = f"{len(misses)} of {len(ids)} tubes cannot be reached"
    elif all(math.isfinite(m.need_m) for m in misses):
        head = f"the lander at ({lander[0]:.6f}, {lander[1]:.6f}) is out of reach of every tube"
    else:
        head = f"none of the {len(ids)} tubes can be reached"
    return (
        f"{head} with range_m={spec.range_m:g} and max_relays={spec.max_relays}: "
        + ", ".join(parts)
        + ". Move the lander closer, allow more relays "
        "(HelicopterSpec(max_relays=...)), or pass on_unreachable='skip'."
    )
