"""Trip ordering, the sol-by-sol schedule and the spots of a pickup plan (private).

Used by :mod:`marsgeo.routing`. Geometry here is in MARS_GEOGRAPHIC: the tubes, the lander, the
pad and the landing spots as placed on the sphere, the flights as converted from the plan's
local frame; lengths are geodesic on the Mars sphere. :func:`check_plan` checks a finished plan
against the clearances of its helicopter spec, measured on the sphere.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from marsgeo.crs import MARS_GEOGRAPHIC, mars_geod
from marsgeo.distance import geodesic_distance_m
from marsgeo.errors import PlanningError
from marsgeo.sols import SOL_S, format_lmst, sol_to_utc

if TYPE_CHECKING:
    from marsgeo._paths import Frame, TubeIndex
    from marsgeo.routing import HelicopterSpec

FloatArray = npt.NDArray[np.float64]


@dataclass
class Trip:
    """One tube's trip: where it lands and the flights out, in MARS_GEOGRAPHIC."""

    tube_id: Any
    tube: tuple[float, float]
    spot: tuple[float, float]
    path_m: float
    flights_each_way: int
    pieces: list[LineString]


def order_trips(
    group: list[int], trips: list[Trip], flights: list[int], values: dict[Any, float], q: float
) -> list[int]:
    """Trip order maximising sum v_i q^(flights before and during i).

    Exchange argument: i goes before j when v_i q^F_i / (1 - q^F_i) is larger. With no risk,
    the most valuable first, then the nearest.
    """

    def key(i: int) -> tuple[float, float, float]:
        v = values[trips[i].tube_id]
        f = flights[i]
        ratio = v * q**f / (1.0 - q**f) if q < 1.0 else v
        return (-ratio, trips[i].path_m, float(i))

    return sorted(group, key=key)


@dataclass(frozen=True)
class Timing:
    """When helicopters may fly, and what they share.

    ``capacity(S)`` is the most flights a helicopter can have flown by the end of sol S
    (1-based; non-decreasing), and ``per_sol`` the most it flies in any one sol. Flights
    start and end inside ``window_s`` (seconds after local midnight of their sol; None: any
    time). With ``nights_at_lander`` every trip's flights are flown within one sol. The pad
    and the lander's transfer arm serve one helicopter at a time.
    """

    capacity: Callable[[int], int]
    per_sol: int
    window_s: tuple[float, float] | None
    nights_at_lander: bool
    start_sol: int | None = None


class _Busy:
    """Intervals a shared resource is in use (disjoint, kept sorted), and when it is free."""

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.ends: list[float] = []

    def free(self, start: float, end: float) -> float:
        """Return ``start`` if [start, end) is free, else the end of the first span in the way."""
        k = bisect.bisect_right(self.ends, start)  # the first span ending after start
        if k < len(self.starts) and self.starts[k] < end:
            return self.ends[k]
        return start

    def take(self, start: float, end: float) -> None:
        """Reserve [start, end), which :meth:`free` found free."""
        k = bisect.bisect_right(self.starts, start)
        self.starts.insert(k, start)
        self.ends.insert(k, end)


def _sol_of(t: float) -> int:
    """Give the (1-based) sol of operations a moment falls in."""
    return int(t // SOL_S) + 1


def schedule(
    orders: list[list[int]],
    trips: list[Trip],
    flights: list[int],
    values: dict[Any, float],
    q: float,
    spec: HelicopterSpec,
    places: tuple[tuple[float, float], tuple[float, float]],
    timing: Timing,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, float]:
    """Build the legs and the per-trip table; return them and the expected value delivered.

    ``places`` holds the pad and the lander, (lon, lat) in MARS_GEOGRAPHIC. Each helicopter
    starts beside the lander, and every trip is one continuous path that ends there: drive
    to the pad, fly out (with relays), drive to the tube, pick it up, drive back to the
    landing spot, fly back, drive to the lander, hand the tube over. Legs are timed in
    seconds after local midnight of sol 1 of operations, helicopters taking the pad and the
    arm in turn; a flight waits for the next sol when the sol's flights or window are used
    up (the helicopter stays where it landed).
    """
    pad, lander = places
    geod = mars_geod()
    to_half = spec.takeoff_landing_s / 2.0
    pad_busy, arm_busy = _Busy(), _Busy()

    def length(coords: list[tuple[float, float]]) -> float:
        c = np.asarray(coords, dtype=float)
        _, _, d = geod.inv(c[:-1, 0], c[:-1, 1], c[1:, 0], c[1:, 1])
        return float(np.sum(d))

    def fly_s(d: float) -> float:
        return d / spec.cruise_speed_m_s + spec.takeoff_landing_s

    def drive_s(d: float) -> float:
        return d / spec.drive_speed_m_s

    class Heli:
        def __init__(self, number: int, order: list[int]) -> None:
            self.number, self.order = number, order
            self.t = 0.0  # ready at midnight of sol 1, beside the lander
            self.flown = 0
            self.on_sol: dict[int, int] = {}  # flights flown on each sol
            self.next_trip = 0

    def can_fly(h: Heli, t: float, dur: float, count: int) -> float:
        """Give the earliest start >= t for ``count`` flights of ``dur`` s in all, in one sol."""
        while True:
            sol = _sol_of(t)
            midnight = (sol - 1) * SOL_S
            if timing.window_s is not None:
                w0, w1 = timing.window_s
                if t < midnight + w0:
                    t = midnight + w0
                if t + dur > midnight + w1 + 1e-9:
                    t = sol * SOL_S + w0
                    continue
            if (
                h.flown + count > timing.capacity(sol)
                or h.on_sol.get(sol, 0) + count > timing.per_sol
            ):
                t = sol * SOL_S + (timing.window_s[0] if timing.window_s else 0.0)
                continue
            return t

    rows: list[dict[str, Any]] = []
    trip_rows: list[dict[str, Any]] = []
    expected = 0.0

    def add(
        h: Heli,
        no: int,
        t: Trip,
        kind: str,
        geom: Any,
        start: float,
        dur: float,
        dist: float,
        flight: int | None,
    ) -> float:
        rows.append(
            {
                "helicopter": h.number,
                "trip": no,
                "sol": _sol_of(start),
                "tube_id": t.tube_id,
                "kind": kind,
                "flight": flight if flight else pd.NA,
                "distance_m": dist,
                "duration_s": dur,
                "start_s": start,
                "end_s": start + dur,
                "geometry": geom,
            }
        )
        return start + dur

    def run_trip(h: Heli, i: int) -> None:
        nonlocal expected
        t = trips[i]
        no = h.next_trip + 1
        first = len(rows)
        outs = [list(p.coords) for p in t.pieces]
        backs = [c[::-1] for c in reversed(outs)]
        out_d = [length(c) for c in outs]
        back_d = out_d[::-1]
        to_pad = length([lander, pad])
        d_pad = drive_s(to_pad)
        # leave: drive onto the pad and take off, the pad held throughout
        spot_tube = length([t.spot, t.tube])
        if timing.nights_at_lander:
            # the whole trip, take-off to landing, inside one sol's window and flights
            count = 2 * len(outs)
            span = 2 * sum(fly_s(d) for d in out_d) + 2 * drive_s(spot_tube) + spec.pickup_s
        else:
            count, span = 1, fly_s(out_d[0])
        start = h.t
        while True:
            take_off = start + d_pad
            ok = can_fly(h, take_off, span, count)
            start = ok - d_pad
            clear = pad_busy.free(start, ok + to_half)
            if clear == start:
                break
            start = clear
        pad_busy.take(start, start + d_pad + to_half)
        now = add(h, no, t, "drive_to_pad", LineString([lander, pad]), start, d_pad, to_pad, None)
        for c, d in zip(outs, out_d, strict=True):
            at = can_fly(h, now, fly_s(d), 1)
            h.flown += 1
            h.on_sol[_sol_of(at)] = h.on_sol.get(_sol_of(at), 0) + 1
            now = add(h, no, t, "flight_out", LineString(c), at, fly_s(d), d, h.flown)
        now = add(
            h,
            no,
            t,
            "drive_to_tube",
            LineString([t.spot, t.tube]),
            now,
            drive_s(spot_tube),
            spot_tube,
            None,
        )
        now = add(h, no, t, "pickup", Point(t.tube), now, spec.pickup_s, 0.0, None)
        now = add(
            h,
            no,
            t,
            "drive_to_spot",
            LineString([t.tube, t.spot]),
            now,
            drive_s(spot_tube),
            spot_tube,
            None,
        )
        for k, (c, d) in enumerate(zip(backs, back_d, strict=True)):
            at = can_fly(h, now, fly_s(d), 1)
            if k == len(backs) - 1:
                # land on the pad only when it is free until the helicopter has driven off
                while True:
                    landing = at + fly_s(d) - to_half
                    clear = pad_busy.free(landing, at + fly_s(d) + d_pad)
                    if clear == landing:
                        break
                    at = can_fly(h, at + (clear - landing), fly_s(d), 1)
                pad_busy.take(at + fly_s(d) - to_half, at + fly_s(d) + d_pad)
            h.flown += 1
            h.on_sol[_sol_of(at)] = h.on_sol.get(_sol_of(at), 0) + 1
            now = add(h, no, t, "flight_back", LineString(c), at, fly_s(d), d, h.flown)
        now = add(h, no, t, "drive_to_lander", LineString([pad, lander]), now, d_pad, to_pad, None)
        hand = arm_busy.free(now, now + spec.handover_s)
        while hand != now:
            now = hand
            hand = arm_busy.free(now, now + spec.handover_s)
        arm_busy.take(now, now + spec.handover_s)
        now = add(h, no, t, "handover", Point(lander), now, spec.handover_s, 0.0, None)
        h.t = now
        h.next_trip += 1
        p_ok = q**h.flown
        expected += values[t.tube_id] * p_ok
        flown = [r for r in rows[first:] if r["flight"] is not pd.NA]
        trip_rows.append(
            {
                "tube_id": t.tube_id,
                "helicopter": h.number,
                "trip": no,
                "first_sol": rows[first]["sol"],
                "last_sol": rows[-1]["sol"],
                "start_s": rows[first]["start_s"],
                "end_s": now,
                "flights": flights[i],
                "relays": t.flights_each_way - 1,
                "path_m": t.path_m,
                "flight_m": float(sum(r["distance_m"] for r in flown)),
                "drive_m": 2 * spot_tube + 2 * to_pad,
                "needed_range_m": max(r["distance_m"] for r in flown),
                "priority": values[t.tube_id],
                "p_delivered": p_ok,
            }
        )

    helis = [Heli(n, order) for n, order in enumerate(orders, start=1)]
    # the helicopter that is ready first takes the pad first
    while True:
        waiting = [h for h in helis if h.next_trip < len(h.order)]
        if not waiting:
            break
        h = min(waiting, key=lambda x: (x.t, x.number))
        run_trip(h, h.order[h.next_trip])
    legs = gpd.GeoDataFrame(rows, geometry="geometry", crs=MARS_GEOGRAPHIC)
    legs = legs.sort_values(["helicopter", "start_s"], kind="stable")
    legs.index = pd.RangeIndex(len(legs), name="leg_id")
    legs["flight"] = legs["flight"].astype("Int64")
    hours = (legs["start_s"].to_numpy() % SOL_S) / SOL_S * 24.0
    legs["lmst"] = [format_lmst(float(x)) for x in hours]
    if timing.start_sol is not None:
        legs["utc"] = [
            sol_to_utc(timing.start_sol + int(s) - 1, float(x))
            for s, x in zip(legs["sol"], hours, strict=True)
        ]
    trips_df = pd.DataFrame(trip_rows).set_index("tube_id").sort_values(["helicopter", "trip"])
    return legs, trips_df, expected


def spots_frame(
    trips: list[Trip],
    pad: tuple[float, float],
    lander: tuple[float, float],
    lander_note: str,
) -> gpd.GeoDataFrame:
    """Tabulate the lander, the pad, the landing spots and the relay spots, as placed."""
    rows = [
        {
            "kind": "lander",
            "tube_id": pd.NA,
            "note": lander_note,
            "geometry": Point(lander),
        },
        {
            "kind": "pad",
            "tube_id": pd.NA,
            "note": "helicopters take off and land here",
            "geometry": Point(pad),
        },
    ]
    for t in trips:
        rows.append(
            {
                "kind": "landing_spot",
                "tube_id": t.tube_id,
                "note": "lands here, drives to the tube",
                "geometry": Point(t.spot),
            }
        )
        for piece in t.pieces[:-1]:
            rows.append(
                {
                    "kind": "relay",
                    "tube_id": t.tube_id,
                    "note": "relay landing",
                    "geometry": Point(piece.coords[-1]),
                }
            )
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=MARS_GEOGRAPHIC)
    out.index = pd.RangeIndex(len(out), name="spot_id")
    return out


def check_plan(
    spots: gpd.GeoDataFrame,
    legs: gpd.GeoDataFrame,
    paths: list[LineString],
    framed: list[tuple[str, Polygon | MultiPolygon]],
    ids: list[Any],
    tubes_ll: FloatArray,
    tubes: TubeIndex,
    lander_ll: tuple[float, float],
    frame: Frame,
    spec: HelicopterSpec,
    *,
    uncertainty_m: FloatArray,
) -> None:
    """Check the plan against its spec, measured on the sphere; raise if it breaks any.

    ``uncertainty_m`` is each tube's position uncertainty (catalogue order): a landing spot
    keeps ``tube_standoff_m`` plus it from its tube.
    """
    problems: list[str] = []
    kinds = spots["kind"].to_numpy()
    ll = shapely.get_coordinates(np.asarray(spots.geometry.values, dtype=object))
    where = {t: k for k, t in enumerate(ids)}
    spot = kinds == "landing_spot"
    own = np.full(len(kinds), -1)
    own[spot] = [where[t] for t in spots.loc[spot, "tube_id"]]
    if spot.any():
        mine = tubes_ll[own[spot]]
        d = geodesic_distance_m(ll[spot, 0], ll[spot, 1], mine[:, 0], mine[:, 1])
        need = spec.tube_standoff_m + uncertainty_m[own[spot]]
        if (d < need).any():
            k = int(np.argmin(d - need))
            problems.append(
                f"a landing spot {d[k]:.4f} m from its tube (tube_standoff_m plus the tube's "
                f"position uncertainty: {need[k]:.4f} m)"
            )
    landing = np.isin(kinds, ["landing_spot", "relay", "pad"])
    gap = tubes.nearest_m(
        ll[landing], frame.xy(ll[landing]), spec.tube_clearance_m, skip=own[landing]
    )
    if (gap < spec.tube_clearance_m).any():
        problems.append(f"a landing, relay or pad {gap.min():.4f} m from a tube")
    pad = ll[kinds == "pad"]
    d_pad = geodesic_distance_m(pad[:, 0], pad[:, 1], *lander_ll)
    if (d_pad < spec.lander_standoff_m).any():
        problems.append(f"the pad {d_pad.min():.4f} m from the lander")
    flown = legs.loc[legs["kind"].str.startswith("flight"), "distance_m"]
    if (flown > spec.range_m).any():
        problems.append(f"a flight of {flown.max():.4f} m")
    if framed and paths:
        tree = shapely.STRtree([g for _, g in framed])
        hit = tree.query(paths, predicate="intersects")
        if len(hit[0]):
            problems.append(f"a path through {framed[int(hit[1][0])][0]}")
        elif spec.obstacle_clearance_m > 0:
            near = tree.query(paths, predicate="dwithin", distance=spec.obstacle_clearance_m)
            if len(near[0]):
                k, z = int(near[0][0]), int(near[1][0])
                shortfall = float(shapely.distance(paths[k], framed[z][1]))
                problems.append(f"a path {shortfall:.4f} m from {framed[z][0]}")
    problems.extend(_itinerary_problems(legs, framed, frame))
    if problems:
        msg = (
            "the plan breaks its HelicopterSpec (" + "; ".join(problems) + "); this is an "
            "internal error of the planner."
        )
        raise PlanningError(msg)


def _itinerary_problems(
    legs: gpd.GeoDataFrame, framed: list[tuple[str, Polygon | MultiPolygon]], frame: Frame
) -> list[str]:
    """Problems with the helicopters' itineraries: gaps between legs, drives through zones."""
    problems = []
    coords = [np.asarray(g.coords, dtype=float)[:, :2] for g in legs.geometry]
    heli = legs["helicopter"].to_numpy()
    starts = np.array([c[0] for c in coords]).reshape(-1, 2)
    ends = np.array([c[-1] for c in coords]).reshape(-1, 2)
    same = heli[1:] == heli[:-1]
    if same.any():
        a, b = ends[:-1][same], starts[1:][same]
        gap = geodesic_distance_m(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
        if (gap > 1e-6).any():
            k = int(np.argmax(gap))
            problems.append(f"a leg starting {gap[k]:.4f} m from where the one before ended")
    t0, t1 = legs["start_s"].to_numpy(), legs["end_s"].to_numpy()
    if same.any() and (t0[1:][same] < t1[:-1][same] - 1e-6).any():
        problems.append("a leg starting before the one before ended")
    drives = legs["kind"].str.startswith("drive").to_numpy()
    if framed and drives.any():
        lines = [LineString(frame.xy(c)) for c, d in zip(coords, drives, strict=True) if d]
        tree = shapely.STRtree([g for _, g in framed])
        for i, z in zip(*tree.query(lines, predicate="intersects"), strict=True):
            if not shapely.touches(lines[int(i)], framed[int(z)][1]):
                problems.append(f"a drive through {framed[int(z)][0]}")
                break
    return problems
