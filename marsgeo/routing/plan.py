"""plan_pickup: the stages of a plan, from its inputs to the checked PickupPlan."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from marsgeo._numbers import is_number
from marsgeo._validate import check_points, lonlat
from marsgeo.crs import (
    lon_to_180,
    require_mars_crs,
    to_mars_geographic,
)
from marsgeo.errors import (
    CoordinateError,
    InputError,
    PlanningError,
    TooLargeError,
    UnreachableError,
    raise_collected,
)
from marsgeo.routing.check import check_plan
from marsgeo.routing.flights import line_m
from marsgeo.routing.frame import close_pairs
from marsgeo.routing.model import (
    ASSUMED_LANDER,
    MAX_PLAN_RADIUS_M,
    MAX_RELAYS,
    FloatArray,
    HelicopterSpec,
    PickupPlan,
    assumed_lander_note,
    finite_number,
    is_whole_number,
)
from marsgeo.routing.optimise import Assignment, assign
from marsgeo.routing.schedule import Timing, order_trips, schedule, spots_frame
from marsgeo.routing.site import Miss, Site, Trip, far_tubes
from marsgeo.routing.zones import Zone, hazard_zones, zones_from

if TYPE_CHECKING:
    from marsgeo._raster import Raster
    from marsgeo.typing import HazardLike, LonLatLike, PointFrame, ZonesLike

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
        if len(values) != 2 or not all(is_number(v) for v in values):
            msg = f"{shown} is not two numbers; {_LANDER_FIX}."
            raise CoordinateError(msg)
    lon, lat = finite_number(values[0]), finite_number(values[1])
    if lon is None or lat is None or not -90.0 <= lat <= 90.0 or abs(lon) > 360.0:
        msg = (
            f"lander=({values[0]!r}, {values[1]!r}) is not a position: longitude must be a "
            f"finite angle in -360..360 and latitude in -90..90; {_LANDER_FIX}."
        )
        raise CoordinateError(msg)
    return float(lon_to_180(lon)), lat


def _option_problems(options: dict[str, Any], spec: Any) -> list[str]:
    """Problems with plan_pickup's options (a dict by parameter name)."""
    problems = []
    p_fail, unreachable = options["p_fail_flight"], options["on_unreachable"]
    tolerance, limit = options["tolerance_m"], options["time_limit_s"]
    nights, start_sol = options["nights_at_lander"], options["start_sol"]
    p = finite_number(p_fail)
    if p is None or not 0.0 <= p < 1.0:
        problems.append(f"p_fail_flight={p_fail!r} must be a probability in [0, 1)")
    if not (isinstance(unreachable, str) and unreachable in ("raise", "skip")):
        problems.append(f"on_unreachable={unreachable!r} must be 'raise' or 'skip'")
    tol = finite_number(tolerance)
    if tol is None or tol < 0:
        problems.append(f"tolerance_m={tolerance!r} must be a finite distance >= 0 in metres")
    seconds = finite_number(limit)
    if seconds is None or seconds <= 0:
        problems.append(f"time_limit_s={limit!r} must be a finite number of seconds > 0")
    if not isinstance(nights, (bool, np.bool_)):
        problems.append(f"nights_at_lander={nights!r} must be True or False")
    elif nights and isinstance(spec, HelicopterSpec) and spec.battery_wh is not None:
        problems.append(
            "nights_at_lander=True needs a fixed number of flights a sol: pass a HelicopterSpec "
            "without the energy model (battery_wh=None), or nights_at_lander=False"
        )
    if start_sol is not None:
        from marsgeo.sols import SOL_MAX, SOL_MIN

        if not (is_whole_number(start_sol, SOL_MIN) and int(start_sol) <= SOL_MAX):
            problems.append(
                f"start_sol={start_sol!r} must be a whole Mars 2020 sol in {SOL_MIN}..{SOL_MAX} "
                "(e.g. 1500), or None"
            )
    return problems


def _check_options(
    spec: Any, helicopters: Any, lander: Any, options: dict[str, Any]
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
    if not is_whole_number(helicopters, 1):
        problems.append(
            f"helicopters={helicopters!r} must be a whole number >= 1 (the 2022-2023 plan had 2)"
        )
    problems.extend(_option_problems(options, spec))
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


def plan_pickup(  # noqa: PLR0913 - the public door: one keyword option per choice
    tubes: PointFrame,
    *,
    lander: LonLatLike,
    helicopters: int = 2,
    spec: HelicopterSpec | None = None,
    no_fly: ZonesLike | None = None,
    hazard: HazardLike | Raster | None = None,
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
    request = _inputs(
        tubes,
        lander=lander,
        helicopters=helicopters,
        spec=spec,
        zones=(no_fly, hazard),
        priorities=priorities,
        options={
            "p_fail_flight": p_fail_flight,
            "on_unreachable": on_unreachable,
            "tolerance_m": tolerance_m,
            "time_limit_s": time_limit_s,
            "nights_at_lander": nights_at_lander,
            "start_sol": start_sol,
        },
    )
    site, to_plan, misses = _local_frame(request)
    trips, paths = _trips(request, site, to_plan, misses)
    a = _assignment(request, trips)
    legs, trip_rows, expected = _schedule(request, site, trips, a)
    spots = spots_frame(trips, site.pad_ll, request.lander_ll, _lander_note(request))
    check_plan(spots, legs, paths, site, request.spec)
    return _plan(request, a, (legs, trip_rows, spots), trips, misses, expected)


@dataclass(frozen=True)
class _Request:
    """A plan's inputs, checked: the tubes, the lander, the zones, the figures, the options."""

    ids: list[Any]
    tubes_ll: FloatArray
    lander_ll: tuple[float, float]
    zones: list[tuple[str, Zone]]
    uncertainty_m: FloatArray
    values: dict[Any, float]
    spec: HelicopterSpec
    helicopters: int
    q: float
    on_unreachable: str
    tolerance_m: float
    time_limit_s: float
    nights_at_lander: bool
    start_sol: int | None
    hazard_synthetic: bool


def _inputs(
    tubes: Any,
    *,
    lander: Any,
    helicopters: Any,
    spec: Any,
    zones: tuple[Any, Any],
    priorities: Any,
    options: dict[str, Any],
) -> _Request:
    """Stage 1: check every input (the options together), read the zones."""
    spec, lander_ll = _check_options(spec, helicopters, lander, options)
    checked = check_points(tubes, name="tubes")
    ids = list(checked.index)
    lon, lat = lonlat(checked)
    no_fly, hazard = zones
    start_sol = options["start_sol"]
    return _Request(
        ids=ids,
        tubes_ll=np.column_stack([lon_to_180(lon), lat]).astype(float),
        lander_ll=lander_ll,
        zones=zones_from(no_fly, name="no_fly") + hazard_zones(hazard, tubes=checked),
        uncertainty_m=Site.uncertainty_from(checked),
        values=_priorities(checked, ids, priorities),
        spec=spec,
        helicopters=int(helicopters),
        q=1.0 - float(options["p_fail_flight"]),
        on_unreachable=str(options["on_unreachable"]),
        tolerance_m=float(options["tolerance_m"]),
        time_limit_s=float(options["time_limit_s"]),
        nights_at_lander=bool(options["nights_at_lander"]),
        start_sol=None if start_sol is None else int(start_sol),
        hazard_synthetic=hazard is not None and _hazard_is_synthetic(hazard),
    )


def _local_frame(request: _Request) -> tuple[Site, list[int], list[Miss]]:
    """Stage 2: the local frame around the lander and the tubes in reach, the zones, the pad.

    Returns the site, the tubes to plan (catalogue positions) and the tubes already left out
    (too far, or inside a zone).
    """
    spec = request.spec
    far, misses = far_tubes(
        request.ids,
        request.tubes_ll,
        request.lander_ll,
        spec,
        radius_m=MAX_PLAN_RADIUS_M,
        relay_cap=MAX_RELAYS,
    )
    site = Site(
        request.tubes_ll,
        ~far,
        request.lander_ll,
        request.zones,
        spec,
        ids=request.ids,
        uncertainty_m=request.uncertainty_m,
    )
    inside = _inside(request.ids, site, request.on_unreachable)
    site.place_pad(spec)
    misses.extend(Miss(t, math.nan, f"inside {', '.join(z)}") for t, z in inside.items())
    to_plan = [int(k) for k in np.flatnonzero(~far) if request.ids[k] not in inside]
    return site, to_plan, misses


def _trips(
    request: _Request, site: Site, to_plan: list[int], misses: list[Miss]
) -> tuple[list[Trip], list[LineString]]:
    """Stage 3: each tube's landing spot, path and flights; refuse what cannot be planned."""
    trips: list[Trip] = []
    paths: list[LineString] = []
    too_large: list[str] = []
    for done in site.plan_trips(to_plan, request.spec):
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
    if misses and (request.on_unreachable == "raise" or not trips):
        raise UnreachableError(
            _unreachable_message(misses, trips, request.lander_ll, request.spec, request.ids)
        )
    _check_windows(trips, request.spec, nights_at_lander=request.nights_at_lander)
    return trips, paths


def _assignment(request: _Request, trips: list[Trip]) -> Assignment:
    """Stage 4: which helicopter flies which trips: fewest sols, then the busiest's distance."""
    spec = request.spec
    return assign(
        [2 * t.flights_each_way for t in trips],
        [2 * t.path_m for t in trips],
        request.helicopters,
        spec.flights_per_sol,
        tolerance_m=request.tolerance_m,
        time_limit_s=request.time_limit_s,
        capacity=spec.flights_by_end_of_sol if spec.battery_wh is not None else None,
        whole_trips_per_sol=request.nights_at_lander,
    )


def _schedule(
    request: _Request, site: Site, trips: list[Trip], a: Assignment
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, float]:
    """Stage 5: order each helicopter's trips, then time every leg."""
    spec, q, values = request.spec, request.q, request.values
    flights = [2 * t.flights_each_way for t in trips]
    if request.nights_at_lander:
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
        nights_at_lander=request.nights_at_lander,
        start_sol=request.start_sol,
    )
    return schedule(
        orders,
        trips,
        values=values,
        q=q,
        spec=spec,
        places=(site.pad_ll, request.lander_ll),
        timing=timing,
    )


def _lander_note(request: _Request) -> str:
    return assumed_lander_note() if _is_assumed(request.lander_ll) else "given"


def _plan(
    request: _Request,
    a: Assignment,
    tables: tuple[gpd.GeoDataFrame, pd.DataFrame, gpd.GeoDataFrame],
    trips: list[Trip],
    misses: list[Miss],
    expected: float,
) -> PickupPlan:
    """Stage 6: the plan, with what is proven about it and the assumptions it rests on."""
    legs, trip_rows, spots = tables
    flown_sols = int(legs["sol"].max()) if len(legs) else 0
    unreach = pd.DataFrame(
        [{"tube_id": m.tube_id, "needed_range_m": m.need_m, "why": m.why} for m in misses],
        columns=["tube_id", "needed_range_m", "why"],
    ).set_index("tube_id")
    return PickupPlan(
        legs=legs,
        trips=trip_rows,
        spots=spots,
        makespan_sols=flown_sols,
        lower_bound_sols=a.sols_lower_bound,
        total_flight_m=float(sum(2 * t.path_m for t in trips)),
        busiest_flight_m=a.busiest_m,
        busiest_flight_lower_bound_m=a.busiest_lower_bound_m,
        # the schedule as flown can only take longer than the assignment: proven when it
        # still meets the bound
        is_optimal=bool(a.sols_proven and a.busiest_proven and flown_sols == a.sols_lower_bound),
        method=a.method,
        helicopters=len(a.groups),
        spec=request.spec,
        expected_value=expected,
        max_value=float(sum(request.values[t.tube_id] for t in trips)),
        unreachable=unreach,
        assumptions=tuple(_notes(request, a, trip_rows, flown_sols)),
        tolerance_m=request.tolerance_m,
        timed_out=bool(a.timed_out),
    )


def _notes(request: _Request, a: Assignment, trip_rows: pd.DataFrame, flown_sols: int) -> list[str]:
    """Say, in words, what a plan assumes and what a planner should know about it."""
    spec, lander_ll, ids = request.spec, request.lander_ll, request.ids
    notes = [
        f"lander: {assumed_lander_note()}"
        if _is_assumed(lander_ll)
        else f"lander at {lander_ll[0]:.6f} E, {lander_ll[1]:.6f} N (given)",
        "helicopter figures: " + _figures_note(spec),
    ]
    if spec.battery_wh is not None:
        notes.append(
            f"energy: ASSUMPTION battery_wh={spec.battery_wh:g}, flight_wh={spec.flight_wh:g}, "
            f"recharge_wh_per_sol={spec.recharge_wh_per_sol:g}"
        )
    if len(a.groups) < request.helicopters:
        notes.append(
            f"helicopters: {request.helicopters} given; one tube per trip, so at most "
            f"{len(a.groups)} can fly"
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
    close = close_pairs(request.tubes_ll, request.uncertainty_m)
    if close:
        shown = ", ".join(f"{ids[i]!r} and {ids[j]!r} ({d:.2f} m)" for i, j, d in close[:5])
        notes.append(
            f"tubes closer than their position uncertainties allow to tell apart: {shown}"
            + (f" and {len(close) - 5} more pairs" if len(close) > 5 else "")
            + "; a landing spot keeps clear of both, but check the catalogue"
        )
    if request.hazard_synthetic:
        notes.append("hazards from SYNTHETIC terrain: not a measurement")
    return notes


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
    fly = [[spec.flight_s(line_m(np.asarray(p.coords))) for p in t.pieces] for t in trips]
    if nights_at_lander:
        need = [
            2 * sum(f) + spec.pickup_s + 2 * spec.drive_s(line_m(np.array([t.spot, t.tube])))
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
    bad = {t: v for t, v in raw.items() if (f := finite_number(v)) is None or f < 0}
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
