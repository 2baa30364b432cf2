"""The schedule as flown: trip order, continuous legs, the flight window, shared pad and arm."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point

from marsgeo.crs import (
    MARS_GEOGRAPHIC,
    mars_geod,
)
from marsgeo.routing.model import HelicopterSpec
from marsgeo.routing.site import Trip
from marsgeo.sols import SOL_S, format_lmst, sol_to_utc


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
    *,
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
    up (the helicopter stays where it landed). The helicopter that is ready first takes the
    pad first.
    """
    run = _Scheduler(spec, places, timing)
    helis = [_Heli(n, order) for n, order in enumerate(orders, start=1)]
    while waiting := [h for h in helis if h.next_trip < len(h.order)]:
        h = min(waiting, key=lambda x: (x.t, x.number))
        run.trip(h, trips[h.order[h.next_trip]], values, q)
    legs, table = run.tables(timing)
    return legs, table, run.expected


class _Heli:
    """One helicopter as the schedule unfolds: where it is in its trips, and its flights."""

    def __init__(self, number: int, order: list[int]) -> None:
        self.number, self.order = number, order
        self.t = 0.0  # ready at midnight of sol 1, beside the lander
        self.flown = 0
        self.on_sol: dict[int, int] = {}  # flights flown on each sol
        self.next_trip = 0


class _Scheduler:
    """Times the legs of every trip, giving out the pad and the arm one helicopter at a time."""

    def __init__(
        self,
        spec: HelicopterSpec,
        places: tuple[tuple[float, float], tuple[float, float]],
        timing: Timing,
    ) -> None:
        self.spec, self.timing = spec, timing
        self.pad, self.lander = places
        self.geod = mars_geod()
        self.to_half = spec.takeoff_landing_s / 2.0
        self.pad_busy, self.arm_busy = _Busy(), _Busy()
        self.to_pad = self.length([self.lander, self.pad])
        self.d_pad = spec.drive_s(self.to_pad)
        self.rows: list[dict[str, Any]] = []
        self.trip_rows: list[dict[str, Any]] = []
        self.expected = 0.0

    def length(self, coords: list[tuple[float, float]]) -> float:
        """Give the geodesic length [m] of a lon/lat polyline."""
        c = np.asarray(coords, dtype=float)
        _, _, d = self.geod.inv(c[:-1, 0], c[:-1, 1], c[1:, 0], c[1:, 1])
        return float(np.sum(d))

    def can_fly(self, h: _Heli, t: float, dur: float, count: int) -> float:
        """Give the earliest start >= t for ``count`` flights of ``dur`` s in all, in one sol."""
        timing = self.timing
        w0, w1 = timing.window_s if timing.window_s is not None else (0.0, SOL_S)
        while True:
            sol = _sol_of(t)
            midnight = (sol - 1) * SOL_S
            t = max(t, midnight + w0)
            over = t + dur > midnight + w1 + 1e-9
            full = (
                h.flown + count > timing.capacity(sol)
                or h.on_sol.get(sol, 0) + count > timing.per_sol
            )
            if not (over or full):
                return t
            t = sol * SOL_S + w0

    def add(
        self, h: _Heli, t: Trip, kind: str, geom: Any, start: float, dist: float = 0.0
    ) -> float:
        """Add a leg of helicopter ``h``'s current trip; return when it ends."""
        spec = self.spec
        flight: int | None = None
        if kind.startswith("flight"):
            dur = self.spec.flight_s(dist)
            h.flown += 1
            h.on_sol[_sol_of(start)] = h.on_sol.get(_sol_of(start), 0) + 1
            flight = h.flown
        elif kind.startswith("drive"):
            dur = spec.drive_s(dist)
        else:
            dur = spec.pickup_s if kind == "pickup" else spec.handover_s
        self.rows.append(
            {
                "helicopter": h.number,
                "trip": h.next_trip + 1,
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

    def trip(self, h: _Heli, t: Trip, values: dict[Any, float], q: float) -> None:
        """Schedule one trip of helicopter ``h``, leg by leg, from the lander back to it."""
        first = len(self.rows)
        outs = [list(p.coords) for p in t.pieces]
        out_d = [self.length(c) for c in outs]
        spot_tube = self.length([t.spot, t.tube])
        now = self._leave(h, t, out_d, spot_tube)
        for c, d in zip(outs, out_d, strict=True):
            now = self.add(
                h, t, "flight_out", LineString(c), self.can_fly(h, now, self.spec.flight_s(d), 1), d
            )
        now = self.add(h, t, "drive_to_tube", LineString([t.spot, t.tube]), now, spot_tube)
        now = self.add(h, t, "pickup", Point(t.tube), now)
        now = self.add(h, t, "drive_to_spot", LineString([t.tube, t.spot]), now, spot_tube)
        backs = [c[::-1] for c in reversed(outs)]
        for k, (c, d) in enumerate(zip(backs, out_d[::-1], strict=True)):
            at = self.can_fly(h, now, self.spec.flight_s(d), 1)
            if k == len(backs) - 1:
                at = self._land_on_pad(h, at, d)
            now = self.add(h, t, "flight_back", LineString(c), at, d)
        now = self.add(
            h, t, "drive_to_lander", LineString([self.pad, self.lander]), now, self.to_pad
        )
        now = self.add(h, t, "handover", Point(self.lander), self._arm_free(now))
        h.t = now
        self._trip_row(h, t, first, values, q, drive_m=2 * spot_tube + 2 * self.to_pad)
        h.next_trip += 1

    def _leave(self, h: _Heli, t: Trip, out_d: list[float], spot_tube: float) -> float:
        """Drive onto the pad and take off, the pad held throughout; return the take-off."""
        spec = self.spec
        if self.timing.nights_at_lander:
            # the whole trip, take-off to landing, inside one sol's window and flights
            count = 2 * len(out_d)
            span = (
                2 * sum(self.spec.flight_s(d) for d in out_d)
                + 2 * spec.drive_s(spot_tube)
                + spec.pickup_s
            )
        else:
            count, span = 1, self.spec.flight_s(out_d[0])
        start = h.t
        while True:
            ok = self.can_fly(h, start + self.d_pad, span, count)
            start = ok - self.d_pad
            clear = self.pad_busy.free(start, ok + self.to_half)
            if clear == start:
                break
            start = clear
        self.pad_busy.take(start, start + self.d_pad + self.to_half)
        return self.add(
            h, t, "drive_to_pad", LineString([self.lander, self.pad]), start, self.to_pad
        )

    def _land_on_pad(self, h: _Heli, at: float, d: float) -> float:
        """Delay the last flight back until the pad is free from landing to driving off it."""
        dur = self.spec.flight_s(d)
        while True:
            landing = at + dur - self.to_half
            clear = self.pad_busy.free(landing, at + dur + self.d_pad)
            if clear == landing:
                break
            at = self.can_fly(h, at + (clear - landing), dur, 1)
        self.pad_busy.take(at + dur - self.to_half, at + dur + self.d_pad)
        return at

    def _arm_free(self, now: float) -> float:
        """Wait for the transfer arm; take it for the hand-over."""
        hand = self.arm_busy.free(now, now + self.spec.handover_s)
        while hand != now:
            now = hand
            hand = self.arm_busy.free(now, now + self.spec.handover_s)
        self.arm_busy.take(now, now + self.spec.handover_s)
        return now

    def _trip_row(
        self, h: _Heli, t: Trip, first: int, values: dict[Any, float], q: float, *, drive_m: float
    ) -> None:
        """Tabulate the trip just scheduled, and what it adds to the expected value."""
        rows = self.rows
        p_ok = q**h.flown
        self.expected += values[t.tube_id] * p_ok
        flown = [r for r in rows[first:] if r["flight"] is not pd.NA]
        self.trip_rows.append(
            {
                "tube_id": t.tube_id,
                "helicopter": h.number,
                "trip": h.next_trip + 1,
                "first_sol": rows[first]["sol"],
                "last_sol": rows[-1]["sol"],
                "start_s": rows[first]["start_s"],
                "end_s": h.t,
                "flights": 2 * t.flights_each_way,
                "relays": t.flights_each_way - 1,
                "path_m": t.path_m,
                "flight_m": float(sum(r["distance_m"] for r in flown)),
                "drive_m": drive_m,
                "needed_range_m": max(r["distance_m"] for r in flown),
                "priority": values[t.tube_id],
                "p_delivered": p_ok,
            }
        )

    def tables(self, timing: Timing) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
        """Give the legs (with LMST, and UTC when the start sol is known) and the trips."""
        legs = gpd.GeoDataFrame(self.rows, geometry="geometry", crs=MARS_GEOGRAPHIC)
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
        trips = pd.DataFrame(self.trip_rows).set_index("tube_id")
        return legs, trips.sort_values(["helicopter", "trip"])


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
