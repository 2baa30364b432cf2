"""Trip ordering, the sol-by-sol schedule and the spots of a pickup plan (private).

Used by :mod:`marsgeo.routing`. Geometry here is in MARS_GEOGRAPHIC: the tubes, the lander, the
pad and the landing spots as placed on the sphere, the flights as converted from the plan's
local frame; lengths are geodesic on the Mars sphere. :func:`check_plan` checks a finished plan
against the clearances of its helicopter spec, measured on the sphere.
"""

from __future__ import annotations

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


def schedule(
    orders: list[list[int]],
    trips: list[Trip],
    flights: list[int],
    values: dict[Any, float],
    q: float,
    spec: HelicopterSpec,
    pad: tuple[float, float],
    lander: tuple[float, float],
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, float]:
    """Build the legs and the per-trip table; return them and the expected value delivered.

    ``pad`` and ``lander`` are (lon, lat) in MARS_GEOGRAPHIC.
    """
    geod = mars_geod()
    rows: list[dict[str, Any]] = []
    trip_rows: list[dict[str, Any]] = []
    expected = 0.0

    def length(line_ll: Any) -> float:
        c = np.asarray(line_ll.coords)
        if len(c) < 2:
            return 0.0
        _, _, d = geod.inv(c[:-1, 0], c[:-1, 1], c[1:, 0], c[1:, 1])
        return float(np.sum(d))

    def leg(
        h: int,
        trip_no: int,
        t: Trip,
        kind: str,
        geom: Any,
        dur: float | Callable[[float], float],
        flight: int,
        sol: int,
    ) -> dict[str, Any]:
        dist = length(geom) if geom.geom_type == "LineString" else 0.0
        return {
            "helicopter": h,
            "trip": trip_no,
            "sol": sol,
            "tube_id": t.tube_id,
            "kind": kind,
            "flight": flight if flight else pd.NA,
            "distance_m": dist,
            "duration_s": dur(dist) if callable(dur) else dur,
            "geometry": geom,
        }

    f = spec.flights_per_sol
    fly = lambda d: d / spec.cruise_speed_m_s + spec.takeoff_landing_s  # noqa: E731
    drive = lambda d: d / spec.drive_speed_m_s  # noqa: E731
    for h, order in enumerate(orders, start=1):
        flight_no = 0
        for trip_no, i in enumerate(order, start=1):
            t = trips[i]
            first_sol = flight_no // f + 1
            trip_start = len(rows)
            for piece in t.pieces:
                flight_no += 1
                rows.append(
                    leg(
                        h,
                        trip_no,
                        t,
                        "flight_out",
                        piece,
                        fly,
                        flight_no,
                        (flight_no - 1) // f + 1,
                    )
                )
            here = (flight_no - 1) // f + 1  # ground work happens on the sol of the landing
            rows.append(
                leg(
                    h,
                    trip_no,
                    t,
                    "drive_to_tube",
                    LineString([t.spot, t.tube]),
                    drive,
                    0,
                    here,
                )
            )
            rows.append(leg(h, trip_no, t, "pickup", Point(t.tube), spec.pickup_s, 0, here))
            for piece in reversed(t.pieces):
                flight_no += 1
                rows.append(
                    leg(
                        h,
                        trip_no,
                        t,
                        "flight_back",
                        LineString(list(piece.coords)[::-1]),
                        fly,
                        flight_no,
                        (flight_no - 1) // f + 1,
                    )
                )
            here = (flight_no - 1) // f + 1
            rows.append(
                leg(
                    h,
                    trip_no,
                    t,
                    "drive_to_lander",
                    LineString([pad, lander]),
                    drive,
                    0,
                    here,
                )
            )
            rows.append(leg(h, trip_no, t, "handover", Point(lander), spec.handover_s, 0, here))
            p_ok = q**flight_no
            expected += values[t.tube_id] * p_ok
            trip_rows.append(
                {
                    "tube_id": t.tube_id,
                    "helicopter": h,
                    "trip": trip_no,
                    "first_sol": first_sol,
                    "last_sol": here,
                    "flights": flights[i],
                    "relays": t.flights_each_way - 1,
                    "path_m": t.path_m,
                    "flight_m": 2 * t.path_m,
                    "needed_range_m": max(
                        r["distance_m"] for r in rows[trip_start:] if r["flight"] is not pd.NA
                    ),
                    "priority": values[t.tube_id],
                    "p_delivered": p_ok,
                }
            )
    legs = gpd.GeoDataFrame(rows, geometry="geometry", crs=MARS_GEOGRAPHIC)
    legs.index = pd.RangeIndex(len(legs), name="leg_id")
    legs["flight"] = legs["flight"].astype("Int64")
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
) -> None:
    """Check the plan against its spec, measured on the sphere; raise if it breaks any."""
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
        if (d < spec.tube_standoff_m).any():
            problems.append(f"a landing spot {d.min():.4f} m from its tube")
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
    if problems:
        msg = (
            "the plan breaks its HelicopterSpec (" + "; ".join(problems) + "); this is an "
            "internal error of the planner."
        )
        raise PlanningError(msg)
