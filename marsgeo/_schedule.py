"""Trip ordering, the sol-by-sol schedule and the spots of a pickup plan (private).

Used by :mod:`marsgeo.routing`; geometry here is converted from the plan's local metric CRS
to MARS_GEOGRAPHIC, and lengths are geodesic on the Mars sphere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import LineString, Point

from marsgeo.crs import MARS_GEOGRAPHIC, mars_geod

if TYPE_CHECKING:
    from marsgeo.routing import HelicopterSpec


@dataclass
class Trip:
    tube_id: Any
    tube: tuple[float, float]
    spot: tuple[float, float]
    path: list[tuple[float, float]]
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


def _ll(geom: Any, inv: pyproj.Transformer) -> Any:
    return shapely.transform(geom, lambda c: np.column_stack(inv.transform(c[:, 0], c[:, 1])))


def schedule(
    orders: list[list[int]],
    trips: list[Trip],
    flights: list[int],
    values: dict[Any, float],
    q: float,
    spec: HelicopterSpec,
    pad: tuple[float, float],
    lander: tuple[float, float],
    inv: pyproj.Transformer,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame, float]:
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
                        _ll(piece, inv),
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
                    _ll(LineString([t.spot, t.tube]), inv),
                    drive,
                    0,
                    here,
                )
            )
            rows.append(
                leg(h, trip_no, t, "pickup", _ll(Point(t.tube), inv), spec.pickup_s, 0, here)
            )
            for piece in reversed(t.pieces):
                flight_no += 1
                rows.append(
                    leg(
                        h,
                        trip_no,
                        t,
                        "flight_back",
                        _ll(LineString(list(piece.coords)[::-1]), inv),
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
                    _ll(LineString([pad, lander]), inv),
                    drive,
                    0,
                    here,
                )
            )
            rows.append(
                leg(h, trip_no, t, "handover", _ll(Point(lander), inv), spec.handover_s, 0, here)
            )
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
    lander_ll: tuple[float, float],
    inv: pyproj.Transformer,
    lander_note: str,
) -> gpd.GeoDataFrame:
    rows = [
        {
            "kind": "lander",
            "tube_id": pd.NA,
            "note": lander_note,
            "geometry": Point(lander_ll),
        },
        {
            "kind": "pad",
            "tube_id": pd.NA,
            "note": "helicopters take off and land here",
            "geometry": _ll(Point(pad), inv),
        },
    ]
    for t in trips:
        rows.append(
            {
                "kind": "landing_spot",
                "tube_id": t.tube_id,
                "note": "lands here, drives to the tube",
                "geometry": _ll(Point(t.spot), inv),
            }
        )
        for piece in t.pieces[:-1]:
            rows.append(
                {
                    "kind": "relay",
                    "tube_id": t.tube_id,
                    "note": "relay landing",
                    "geometry": _ll(Point(piece.coords[-1]), inv),
                }
            )
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=MARS_GEOGRAPHIC)
    out.index = pd.RangeIndex(len(out), name="spot_id")
    return out
