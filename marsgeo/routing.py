"""Helicopter pickup planning for the Three Forks depot.

The model (sources in :class:`HelicopterSpec`): a Sample Retrieval Lander carries Sample
Recovery Helicopters. For each tube a helicopter takes off from its pad near the lander, flies
to a landing spot beside the tube, drives onto the tube, grips it, flies back to the pad and
drives to the lander to hand the tube over. One tube per trip. A flight is limited in range;
a helicopter flies at most ``flights_per_sol`` flights a sol (solar recharge). Flights avoid
no-fly zones and hazardous terrain; where a tube is beyond one flight's range, the trip lands
at relay spots on the way.

Nothing published fixes the lander's position: :func:`plan_pickup` takes it as an input, and
:data:`ASSUMED_LANDER` is an ASSUMPTION, labelled as one wherever it is used.

Objective, in order: fewest sols; then the least flight distance for the busiest helicopter.
Within each helicopter, trips are ordered to maximise the expected value delivered when
flights can fail (highest value per risk first).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import LineString, Point, Polygon

from marsgeo import _optimise
from marsgeo._paths import Field, landing_spot, split_path
from marsgeo._schedule import Trip, order_trips, schedule, spots_frame
from marsgeo._validate import check_points, lonlat
from marsgeo.crs import MARS_GEOGRAPHIC, local_crs, mars_geod, require_mars_crs, to_mars_geographic
from marsgeo.depot import load_depot
from marsgeo.errors import CoordinateError, InputError, PlanningError, UnreachableError

__all__ = ["ASSUMED_LANDER", "ASSUMED_LANDER_NOTE", "HelicopterSpec", "PickupPlan", "plan_pickup"]

#: ASSUMPTION: a lander position for demonstrations, east-south-east of the depot centroid on
#: flat ground (:data:`ASSUMED_LANDER_NOTE` gives the distance and bearing). No lander position
#: or lander-to-depot distance was published; NASA named the Three Forks area only as a
#: potential landing site.
ASSUMED_LANDER = (77.40957, 18.45237)
#: The label that goes with :data:`ASSUMED_LANDER` wherever it is used: that it is an assumption,
#: and its distance and bearing from the depot centroid (the mean longitude and latitude of the
#: tubes of :func:`marsgeo.load_depot`), geodesic on the Mars sphere. Computed on first use.
ASSUMED_LANDER_NOTE: str

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


@dataclass(frozen=True)
class HelicopterSpec:
    """A Sample Recovery Helicopter as the planner models it.

    Figures from the Mars Sample Return backup plan as it stood in 2022-2023 (NASA/JPL): each
    helicopter about 2.3 kg, Ingenuity-sized (rotor span about 1.2 m), cruise about 5 m/s,
    range about 700 m per flight, flight altitude about 20 m, wheels to drive to a tube, a
    two-finger gripper, one tube at a time. Values marked ASSUMPTION were not published.

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
        Least distance from a landing or relay spot to any other tube [m]. ASSUMPTION: 1.5 m.
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
        Most relay landings allowed on one way of a trip. 0 forbids relays.
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
    }

    def __post_init__(self) -> None:
        problems = []
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("flights_per_sol", "tube_capacity", "max_relays"):
                low = 0 if f.name == "max_relays" else 1
                if isinstance(v, bool) or not isinstance(v, int) or v < low:
                    problems.append(f"{f.name}={v!r} must be a whole number >= {low}")
            elif (
                not isinstance(v, (int, float))
                or not math.isfinite(v)
                or v < 0
                or (v == 0 and f.name in ("range_m", "cruise_speed_m_s", "drive_speed_m_s"))
            ):
                kind = (
                    "> 0"
                    if f.name in ("range_m", "cruise_speed_m_s", "drive_speed_m_s")
                    else ">= 0"
                )
                problems.append(f"{f.name}={v!r} must be a finite number {kind}")
        if self.tube_capacity != 1 and not problems:
            problems.append(
                f"tube_capacity={self.tube_capacity} is not supported: the helicopters carry "
                "one tube at a time (pass 1)"
            )
        if problems:
            msg = "HelicopterSpec: " + "; ".join(problems) + "."
            raise InputError(msg)

    def as_dict(self) -> dict[str, Any]:
        """Return the values, for reports."""
        return asdict(self)


@dataclass(frozen=True)
class PickupPlan:
    """A pickup schedule and what is proven about it.

    Attributes
    ----------
    legs
        GeoDataFrame, one row per leg, index ``leg_id``. Columns ``helicopter`` (1..H),
        ``trip`` (per helicopter), ``sol`` (1 = the first sol of operations), ``tube_id``,
        ``kind`` ("flight_out", "drive_to_tube", "pickup", "flight_back", "drive_to_lander",
        "handover"), ``flight`` (the helicopter's flight number, for flights), ``distance_m``,
        ``duration_s``; LineString (moves) or Point (pickup, handover) geometry.
    trips
        DataFrame indexed by ``tube_id``: ``helicopter``, ``trip``, ``first_sol``,
        ``last_sol``, ``flights``, ``relays`` (relay landings each way), ``path_m`` (pad to
        landing spot), ``flight_m`` (both ways), ``needed_range_m`` (longest flight),
        ``priority``, ``p_delivered``.
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
        True when both objectives are proven optimal (the second within ``tolerance_m``).
    method
        How the assignment was found.
    expected_value, max_value
        Expected priority delivered with the given flight failure probability, and the total.
    unreachable
        Tubes left out (only with ``on_unreachable="skip"``), with the range they need.
    assumptions
        The assumptions this plan rests on, in words.
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

    def summary(self) -> str:
        """Describe the plan in a few lines for people."""
        proof = (
            "proven optimal"
            if self.is_optimal
            else (
                f"not proven optimal (lower bound {self.lower_bound_sols} sols, busiest "
                f"helicopter >= {self.busiest_flight_lower_bound_m:.1f} m)"
            )
        )
        lines = [
            f"{len(self.trips)} tubes, {self.helicopters} helicopter(s): {self.makespan_sols} "
            f"sols, {self.total_flight_m:.1f} m of flight in all, busiest helicopter "
            f"{self.busiest_flight_m:.1f} m; {proof}.",
            f"method: {self.method}",
            f"expected value delivered: {self.expected_value:.3f} of {self.max_value:.3f}",
        ]
        if len(self.unreachable):
            lines.append(f"unreachable tubes left out: {list(self.unreachable.index)}")
        lines.extend(self.assumptions)
        return "\n".join(lines)


# --- inputs ------------------------------------------------------------------------------------


def _lander_lonlat(lander: Any) -> tuple[float, float]:
    if isinstance(lander, Point):
        lon, lat = lander.x, lander.y
    elif isinstance(lander, (gpd.GeoSeries, gpd.GeoDataFrame)):
        g = to_mars_geographic(lander)
        geom = (g.geometry if hasattr(g, "geometry") else g).iloc[0]
        lon, lat = geom.x, geom.y
    else:
        try:
            lon, lat = (float(v) for v in lander)
        except (TypeError, ValueError):
            msg = (
                f"lander={lander!r} is not a position; pass (lon, lat) in MARS_GEOGRAPHIC degrees."
            )
            raise CoordinateError(msg) from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -90 <= lat <= 90 and abs(lon) <= 360):
        msg = (
            f"lander=({lon!r}, {lat!r}) is not a position; pass (lon, lat) in degrees, "
            "longitude first."
        )
        raise CoordinateError(msg)
    return float(lon), float(lat)


def _polygons(obj: Any, *, name: str) -> list[Polygon]:
    """Obstacle polygons in MARS_GEOGRAPHIC from a GeoDataFrame/GeoSeries, geometry or list."""
    if obj is None:
        return []
    if isinstance(obj, (gpd.GeoDataFrame, gpd.GeoSeries)):
        require_mars_crs(obj, name=name)
        g = to_mars_geographic(obj)
        geoms = list((g.geometry if hasattr(g, "geometry") else g).values)
    elif isinstance(obj, shapely.Geometry):
        geoms = [obj]
    else:
        try:
            geoms = list(obj)
        except TypeError:
            msg = f"{name} must be polygons (GeoDataFrame in a Mars CRS, or shapely polygons)."
            raise InputError(msg) from None
    out: list[Polygon] = []
    for geom in geoms:
        if not isinstance(geom, shapely.Geometry) or geom.is_empty:
            continue
        if geom.geom_type == "Polygon":
            out.append(geom)
        elif geom.geom_type == "MultiPolygon":
            out.extend(geom.geoms)
        else:
            msg = f"{name} holds a {geom.geom_type}; pass polygons."
            raise InputError(msg)
    return out


def _hazard_polygons(hazard: Any) -> list[Polygon]:
    if hazard is None:
        return []
    from marsgeo._raster import Raster
    from marsgeo._terrain import hazard_areas

    if isinstance(hazard, Raster):
        return _polygons(hazard_areas(hazard), name="hazard")
    return _polygons(hazard, name="hazard")


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
) -> PickupPlan:
    """Plan the retrieval of the tubes by helicopter: which, who, which sol, which way.

    Parameters
    ----------
    tubes
        GeoDataFrame of tube Points in a Mars CRS, indexed by tube id (e.g. ``load_depot()``).
    lander
        The lander's (lon, lat) in MARS_GEOGRAPHIC degrees, or a Point. No lander position
        was published: use :data:`ASSUMED_LANDER` only as a labelled assumption.
    helicopters
        Number of helicopters, >= 1.
    spec
        Helicopter figures; :class:`HelicopterSpec` defaults to the published ones.
    no_fly
        Polygons flights must avoid (GeoDataFrame in a Mars CRS, or shapely polygons in
        MARS_GEOGRAPHIC).
    hazard
        Hazardous terrain, avoided like no-fly zones: polygons, or a Raster (a boolean mask,
        a slope raster in degrees, or a DTM in metres, from :mod:`marsgeo.basemap`).
    priorities
        Value of each tube by tube id (default: the ``priority`` column, else 1 for every
        tube).
    p_fail_flight
        Probability that a flight fails and ends its helicopter's work, 0..1.
    on_unreachable
        "raise" (default): any tube that cannot be reached is an error naming it and the
        range it would need. "skip": plan the others and list those in ``plan.unreachable``.
    tolerance_m
        Distance within which the busiest helicopter's flight distance counts as proven
        optimal when it meets its lower bound.

    Returns
    -------
    PickupPlan

    Raises
    ------
    marsgeo.errors.InputError
        Bad helicopters, spec, probabilities; a non-Mars CRS (CRSError).
    marsgeo.errors.PlanningError
        The lander or a tube lies inside a no-fly zone or hazard.
    marsgeo.errors.UnreachableError
        Tubes no allowed flight can reach; the message names them and the range needed.

    Examples
    --------
    >>> import marsgeo as mg
    >>> plan = mg.plan_pickup(mg.load_depot(), lander=mg.routing.ASSUMED_LANDER)
    >>> plan.makespan_sols, plan.is_optimal
    (5, True)
    """
    spec = HelicopterSpec() if spec is None else spec
    if not isinstance(spec, HelicopterSpec):
        msg = f"spec must be a marsgeo.HelicopterSpec, got {type(spec).__name__}."
        raise InputError(msg)
    if isinstance(helicopters, bool) or not isinstance(helicopters, int) or helicopters < 1:
        msg = f"helicopters={helicopters!r} must be a whole number >= 1 (the 2022-2023 plan had 2)."
        raise InputError(msg)
    if not (isinstance(p_fail_flight, (int, float)) and 0.0 <= p_fail_flight < 1.0):
        msg = f"p_fail_flight={p_fail_flight!r} must be a probability in [0, 1)."
        raise InputError(msg)
    if on_unreachable not in ("raise", "skip"):
        msg = f"on_unreachable={on_unreachable!r} must be 'raise' or 'skip'."
        raise InputError(msg)
    checked = check_points(tubes, name="tubes")
    ids = list(checked.index)
    lon, lat = lonlat(checked)
    lander_ll = _lander_lonlat(lander)
    values = _priorities(checked, ids, priorities)

    # local metric frame at the depot
    c_lon, c_lat = float(np.mean(lon)), float(np.mean(lat))
    local = local_crs(c_lon, c_lat)
    fwd = pyproj.Transformer.from_crs(MARS_GEOGRAPHIC, local, always_xy=True)
    inv = pyproj.Transformer.from_crs(local, MARS_GEOGRAPHIC, always_xy=True)
    tx, ty = fwd.transform(lon, lat)
    tubes_xy = [(float(x), float(y)) for x, y in zip(tx, ty, strict=True)]
    lx, ly = fwd.transform(*lander_ll)
    lander_xy = (float(lx), float(ly))

    obstacles_ll = _polygons(no_fly, name="no_fly") + _hazard_polygons(hazard)
    obstacles = [
        shapely.transform(p, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))
        for p in obstacles_ll
    ]
    _check_inside(ids, tubes_xy, lander_xy, obstacles)
    field_ = Field(obstacles, clearance_m=spec.obstacle_clearance_m)

    # the pad: lander_standoff_m from the lander towards the depot, clear of obstacles
    depot_xy = (float(np.mean(tx)), float(np.mean(ty)))
    pad = _pad(lander_xy, depot_xy, field_, spec)

    trips: list[Trip] = []
    unreachable: list[tuple[Any, float, str]] = []
    for k, tid in enumerate(ids):
        others = tubes_xy[:k] + tubes_xy[k + 1 :]
        spot = landing_spot(
            tubes_xy[k],
            others,
            pad,
            field_,
            standoff_m=spec.tube_standoff_m,
            clearance_m=spec.tube_clearance_m,
        )
        if spot is None:
            unreachable.append((tid, math.nan, "no landing spot clear of other tubes and hazards"))
            continue
        path = field_.shortest_path(pad, spot)
        if path is None:
            unreachable.append((tid, math.nan, "no flight path around the no-fly zones"))
            continue
        path_m = _path_length_m(path, inv)
        # planar lengths in the local CRS run ~1e-8 short of geodesic ones: keep a margin
        scale = LineString(path).length / path_m if path_m > 0 else 1.0
        each_way = max(1, math.ceil(path_m / spec.range_m - 1e-12))
        pieces = None
        while each_way - 1 <= spec.max_relays:
            pieces = split_path(
                path, each_way, tubes_xy, spec.tube_clearance_m, spec.range_m * scale * (1 - 1e-9)
            )
            if pieces is not None:
                break
            each_way += 1  # a relay could not be placed clear of the tubes: one more
        if pieces is None:
            need = path_m / (spec.max_relays + 1)
            unreachable.append((tid, need, f"path {path_m:.0f} m long"))
            continue
        trips.append(Trip(tid, tubes_xy[k], spot, path, path_m, each_way, pieces))

    if unreachable and (on_unreachable == "raise" or not trips):
        raise UnreachableError(_unreachable_message(unreachable, trips, lander_ll, spec, ids))

    flights = [2 * t.flights_each_way for t in trips]
    dists = [2 * t.path_m for t in trips]
    a = _optimise.assign(flights, dists, helicopters, spec.flights_per_sol, tolerance_m=tolerance_m)
    q = 1.0 - p_fail_flight
    orders = [order_trips(list(g), trips, flights, values, q) for g in a.groups]
    legs, trip_rows, exp_value = schedule(
        orders, trips, flights, values, q, spec, pad, lander_xy, inv
    )
    spots = spots_frame(
        trips,
        pad,
        lander_xy,
        lander_ll,
        inv,
        _assumed_lander_note() if _is_assumed(lander_ll) else "given",
    )
    total = float(sum(dists))
    notes = [
        f"lander: {_assumed_lander_note()}"
        if _is_assumed(lander_ll)
        else f"lander at {lander_ll[0]:.6f} E, {lander_ll[1]:.6f} N (given)",
        "helicopter figures: "
        + "; ".join(
            f"{k}={getattr(spec, k)} ({v})"
            for k, v in HelicopterSpec.SOURCES.items()
            if v.startswith("ASSUMPTION") and k in {f.name for f in fields(spec)}
        ),
    ]
    if hazard is not None and _hazard_is_synthetic(hazard):
        notes.append("hazards from SYNTHETIC terrain: not a measurement")
    unreach = pd.DataFrame(
        [{"tube_id": t, "needed_range_m": r, "why": w} for t, r, w in unreachable],
        columns=["tube_id", "needed_range_m", "why"],
    ).set_index("tube_id")
    return PickupPlan(
        legs=legs,
        trips=trip_rows,
        spots=spots,
        makespan_sols=a.sols,
        # when the packing search proved fewer sols impossible, that is the bound
        lower_bound_sols=a.sols if a.sols_proven else a.sols_lower_bound,
        total_flight_m=total,
        busiest_flight_m=a.busiest_m,
        busiest_flight_lower_bound_m=a.busiest_lower_bound_m,
        is_optimal=a.sols_proven and a.busiest_proven,
        method=a.method,
        helicopters=helicopters,
        spec=spec,
        expected_value=exp_value,
        max_value=float(sum(values[t.tube_id] for t in trips)),
        unreachable=unreach,
        assumptions=tuple(notes),
    )


def _is_assumed(lander_ll: tuple[float, float]) -> bool:
    return math.isclose(lander_ll[0], ASSUMED_LANDER[0], abs_tol=1e-9) and math.isclose(
        lander_ll[1], ASSUMED_LANDER[1], abs_tol=1e-9
    )


def _hazard_is_synthetic(hazard: Any) -> bool:
    if getattr(hazard, "synthetic", False):
        return True
    return bool(
        isinstance(hazard, gpd.GeoDataFrame)
        and "synthetic" in hazard.columns
        and hazard["synthetic"].any()
    )


def _priorities(
    checked: gpd.GeoDataFrame, ids: list[Any], priorities: Mapping[Any, float] | None
) -> dict[Any, float]:
    if priorities is None:
        if "priority" in checked.columns:
            raw = checked["priority"].to_dict()
        else:
            raw = dict.fromkeys(ids, 1.0)
    else:
        missing = [t for t in ids if t not in priorities]
        if missing:
            msg = f"priorities has no value for tubes {missing[:5]}; give every tube a value."
            raise InputError(msg)
        raw = {t: priorities[t] for t in ids}
    bad = {
        t: v
        for t, v in raw.items()
        if not (
            isinstance(v, (int, float, np.number)) and math.isfinite(float(v)) and float(v) >= 0
        )
    }
    if bad:
        msg = f"priorities {dict(list(bad.items())[:5])} must be finite numbers >= 0."
        raise InputError(msg)
    return {t: float(v) for t, v in raw.items()}


def _check_inside(
    ids: list[Any],
    tubes_xy: list[tuple[float, float]],
    lander_xy: tuple[float, float],
    obstacles: list[Polygon],
) -> None:
    if not obstacles:
        return
    inside = [
        tid
        for tid, p in zip(ids, tubes_xy, strict=True)
        if any(o.contains(Point(p)) for o in obstacles)
    ]
    problems = []
    if inside:
        problems.append(
            f"tubes {inside} lie inside a no-fly zone or hazard; no helicopter "
            "may land there. Check the polygons, or leave those tubes out"
        )
    if any(o.contains(Point(lander_xy)) for o in obstacles):
        problems.append("the lander lies inside a no-fly zone or hazard; move the lander")
    if problems:
        raise PlanningError("; ".join(problems) + ".")


def _pad(
    lander: tuple[float, float], depot: tuple[float, float], field_: Field, spec: HelicopterSpec
) -> tuple[float, float]:
    base = math.atan2(depot[0] - lander[0], depot[1] - lander[1])
    for turn in range(0, 360, 10):
        for sign in (1, -1):
            a = base + sign * math.radians(turn)
            p = (
                lander[0] + spec.lander_standoff_m * math.sin(a),
                lander[1] + spec.lander_standoff_m * math.cos(a),
            )
            if not field_.blocked(p):
                return p
    msg = "no clear pad within lander_standoff_m of the lander: obstacles surround it."
    raise PlanningError(msg)


def _path_length_m(path: list[tuple[float, float]], inv: pyproj.Transformer) -> float:
    x, y = zip(*path, strict=True)
    lon, lat = inv.transform(np.array(x), np.array(y))
    _, _, d = mars_geod().inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    return float(np.sum(d))


def _unreachable_message(
    unreachable: list[tuple[Any, float, str]],
    trips: list[Trip],
    lander: tuple[float, float],
    spec: HelicopterSpec,
    ids: list[Any],
) -> str:
    parts = []
    for tid, need, why in unreachable:
        need_txt = f"needs a range of {need:.0f} m" if math.isfinite(need) else why
        parts.append(f"tube {tid!r} ({need_txt})")
    head = (
        f"the lander at ({lander[0]:.6f}, {lander[1]:.6f}) is out of reach of every tube"
        if not trips
        else f"{len(unreachable)} of {len(ids)} tubes cannot be reached"
    )
    return (
        f"{head} with range_m={spec.range_m:g} and max_relays={spec.max_relays}: "
        + ", ".join(parts)
        + ". Move the lander closer, allow more relays "
        "(HelicopterSpec(max_relays=...)), or pass on_unreachable='skip'."
    )
