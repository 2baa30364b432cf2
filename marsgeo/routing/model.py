"""The helicopter model and the plan it yields: HelicopterSpec, PickupPlan, the assumed lander."""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from typing import Any, ClassVar

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from marsgeo._numbers import is_number, is_whole
from marsgeo.crs import (
    mars_geod,
)
from marsgeo.depot import load_depot
from marsgeo.errors import (
    InputError,
    raise_collected,
)
from marsgeo.sols import SOL_S, format_lmst, parse_lmst

FloatArray = npt.NDArray[np.float64]

#: ASSUMPTION: a lander position for demonstrations, east-south-east of the depot centroid on
#: flat ground (:data:`ASSUMED_LANDER_NOTE` gives the distance and bearing). No lander position
#: or lander-to-depot distance was published; NASA named the Three Forks area only as a
#: potential landing site.
ASSUMED_LANDER = (77.40957, 18.45237)

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
def assumed_lander_note() -> str:
    """Label :data:`ASSUMED_LANDER` as an assumption, with its distance and bearing."""
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


def is_whole_number(v: Any, low: int) -> bool:
    """Tell whether ``v`` is a whole number (any integer type, not a boolean) >= ``low``."""
    return is_whole(v) and int(v) >= low


def finite_number(v: Any) -> float | None:
    """``v`` as a finite float, or None (not a number, a bool, NaN, infinite or too large)."""
    if not is_number(v):
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
            if f.name == "flight_window_lmst":
                problems.extend(self._check_window(getattr(self, f.name)))
            else:
                problems.extend(self._check_number(f.name, getattr(self, f.name)))
        if self.tube_capacity != 1 and not problems:
            problems.append(
                f"tube_capacity={self.tube_capacity} is not supported: the helicopters carry "
                "one tube at a time (pass 1)"
            )
        if not problems:
            problems.extend(self._check_energy())
        if problems:
            msg = "HelicopterSpec: " + "; ".join(problems) + "."
            raise InputError(msg)

    def _check_number(self, name: str, v: Any) -> list[str]:
        """Check one numeric field and store it as int or float; give its problems."""
        if name in self._OPTIONAL and v is None:
            return []
        if name in _COUNTS:
            low = _COUNTS[name]
            if not is_whole_number(v, low):
                return [f"{name}={v!r} must be a whole number >= {low}"]
            object.__setattr__(self, name, int(v))
            return []
        value = finite_number(v)
        if name in self._OPTIONAL:
            if value is None or value <= 0:
                return [f"{name}={v!r} must be None or a finite number > 0"]
        elif value is None or value < 0 or (value == 0 and name in _POSITIVE):
            kind = "> 0" if name in _POSITIVE else ">= 0"
            return [f"{name}={v!r} must be a finite number {kind}"]
        if name in _DISTANCES and value > MAX_PLAN_RADIUS_M:
            return [
                f"{name}={v!r} is more than MAX_PLAN_RADIUS_M={MAX_PLAN_RADIUS_M:g} m; "
                "pass metres (e.g. 3.0)"
            ]
        object.__setattr__(self, name, value)
        return []

    def _check_energy(self) -> list[str]:
        """Check that the energy figures come together and allow a flight."""
        energy = [self.battery_wh, self.flight_wh, self.recharge_wh_per_sol]
        if all(e is None for e in energy):
            return []
        if any(e is None for e in energy):
            return [
                "battery_wh, flight_wh and recharge_wh_per_sol model energy together: give "
                "all three, or none"
            ]
        if self.flight_wh > self.battery_wh:  # type: ignore[operator]
            return [
                f"flight_wh={self.flight_wh:g} is more than battery_wh={self.battery_wh:g}: "
                "no flight could take off; check the units (watt-hours)"
            ]
        return []

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

    def flight_s(self, distance_m: float) -> float:
        """Give the duration [s] of a flight of ``distance_m``: cruise, take-off and landing."""
        return distance_m / self.cruise_speed_m_s + self.takeoff_landing_s

    def drive_s(self, distance_m: float) -> float:
        """Give the duration [s] of a drive of ``distance_m`` on the wheels."""
        return distance_m / self.drive_speed_m_s

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
                ok = is_number(v)
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

    def _repr_html_(self) -> str:
        """Show the plan in Jupyter: its summary and a schedule table, one row per trip.

        Plain HTML without scripts or styles from data: every value is escaped.
        """
        import html

        def cell(v: Any, tag: str = "td") -> str:
            return f"<{tag}>{html.escape(str(v), quote=True)}</{tag}>"

        heads = ["tube", "helicopter", "trip", "sols", "flights", "flight [m]", "needed range [m]"]
        rows = []
        trips = self.trips.sort_values(["helicopter", "trip"], kind="stable")
        for tube, t in trips.iterrows():
            first, last = int(t["first_sol"]), int(t["last_sol"])
            values = [
                tube,
                int(t["helicopter"]),
                int(t["trip"]),
                f"{first}" if first == last else f"{first}-{last}",
                int(t["flights"]),
                f"{float(t['flight_m']):.1f}",
                f"{float(t['needed_range_m']):.1f}",
            ]
            rows.append("<tr>" + "".join(cell(v) for v in values) + "</tr>")
        summary = html.escape(self.summary(), quote=True).replace("\n", "<br>\n")
        return (
            '<div class="marsgeo-plan">'
            f"<p><strong>PickupPlan</strong>: {summary}</p>"
            '<table class="marsgeo-schedule">'
            f"<thead><tr>{''.join(cell(h, 'th') for h in heads)}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )
