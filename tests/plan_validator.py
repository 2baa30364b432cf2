"""An independent check of a pickup plan against the helicopter model.

Written from the model alone (docs/routing.md, the PickupPlan and HelicopterSpec docstrings),
with its own geodesy: a Mars-sphere ``pyproj.Geod`` and a local azimuthal equidistant frame on
the Mars sphere centred on the lander. Nothing here calls the planner's helpers.

The model: helicopters wait beside the lander and drive onto a pad ``lander_standoff_m`` from
it before each trip (starting at the pad itself is accepted too). For each tube one
helicopter flies from the pad to a landing spot beside the tube (through relay landings, every
flight at most ``range_m``), drives to the tube (``tube_standoff_m``, plus the tube's position
uncertainty when the plan allows for it), picks it up, drives back to the landing spot, flies
back through the same relays in reverse to the pad, drives to the lander, hands the tube over
and drives back to the pad before its next trip. Legs are classified by geometry: flights carry
a flight number, drives are LineStrings without one, pickups and hand-overs are Points.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import AzimuthalEquidistantConversion
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

MARS_R = 3_396_190.0
GEOD = pyproj.Geod(a=MARS_R, b=MARS_R)
MARS_GEOGRAPHIC = pyproj.CRS("IAU_2015:49900")

CONTINUITY_TOL_M = 1e-6  # a leg starts where the previous one ended
LENGTH_TOL_M = 1e-6  # distance_m against the geometry; flights against range_m
PLACE_TOL_M = 1e-3  # standoffs and clearances (positions placed by the planner)
DURATION_TOL_S = 1e-6
ZONE_STEP_DEG = 1e-4  # zone edges are straight in lon/lat: densify before projecting

Coord = tuple[float, float]


def geodesic_m(a: Coord, b: Coord) -> float:
    """Geodesic distance on the Mars sphere between two (lon, lat) points."""
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def line_length_m(geom: BaseGeometry) -> float:
    """Geodesic length of a LineString (sum of its segments); 0 for a Point."""
    if isinstance(geom, Point):
        return 0.0
    xy = np.asarray(geom.coords)[:, :2]
    if len(xy) < 2:
        return 0.0
    _, _, d = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    return float(np.sum(d))


def as_lonlat(where: Any) -> Coord:
    """A (lon, lat) pair from a tuple or a shapely Point."""
    if isinstance(where, Point):
        return (float(where.x), float(where.y))
    lon, lat = where
    return (float(lon), float(lat))


class LocalFrame:
    """Azimuthal equidistant metres on the Mars sphere, centred on a point."""

    def __init__(self, centre: Coord) -> None:
        conversion = AzimuthalEquidistantConversion(
            latitude_natural_origin=centre[1], longitude_natural_origin=centre[0]
        )
        crs = ProjectedCRS(conversion=conversion, geodetic_crs=MARS_GEOGRAPHIC)
        self._to = pyproj.Transformer.from_crs(MARS_GEOGRAPHIC, crs, always_xy=True)

    def project(self, geom: BaseGeometry, *, densify: bool = False) -> BaseGeometry:
        """Project lon/lat geometry; ``densify`` first for edges straight in lon/lat."""
        if densify:
            geom = shapely.segmentize(geom, ZONE_STEP_DEG)

        def fwd(xy: np.ndarray) -> np.ndarray:
            x, y = self._to.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])

        return shapely.transform(geom, fwd)


def zones_lonlat(zones: Any) -> list[BaseGeometry]:
    """Zones as lon/lat polygons: a GeoDataFrame/GeoSeries, a shapely polygon, or a list."""
    if zones is None:
        return []
    if isinstance(zones, gpd.GeoDataFrame | gpd.GeoSeries):
        series = zones.geometry if isinstance(zones, gpd.GeoDataFrame) else zones
        if series.crs is not None:
            series = series.to_crs(MARS_GEOGRAPHIC)
        return [g for g in series if g is not None and not g.is_empty]
    if isinstance(zones, BaseGeometry):
        return [zones]
    out: list[BaseGeometry] = []
    for z in zones:
        out.extend(zones_lonlat(z))
    return out


def tube_table(tubes: gpd.GeoDataFrame) -> pd.DataFrame:
    """Tube lon, lat and position uncertainty [m] (0 when the catalogue has none)."""
    geo = tubes.geometry
    if geo.crs is not None and not pyproj.CRS(geo.crs).equals(MARS_GEOGRAPHIC):
        geo = geo.to_crs(MARS_GEOGRAPHIC)
    u = (
        pd.to_numeric(tubes["position_uncertainty_m"], errors="coerce").fillna(0.0)
        if "position_uncertainty_m" in tubes.columns
        else pd.Series(0.0, index=tubes.index)
    )
    return pd.DataFrame(
        {"lon": geo.x.to_numpy(float), "lat": geo.y.to_numpy(float), "u": u.to_numpy(float)},
        index=tubes.index,
    )


@dataclass
class Leg:
    """One leg of a plan with what the validator measured."""

    leg_id: Any
    helicopter: int
    sol: Any
    tube_id: Any
    trip: Any
    kind: str
    flight: int | None
    move: str  # "F" flight, "D" drive, "P" pickup point, "H" hand-over at the lander, "?"
    start: Coord
    end: Coord
    length_m: float
    distance_m: float
    duration_s: float
    geom: BaseGeometry
    times: tuple[float, float] | None = None


@dataclass
class Chunk:
    """The legs of one trip of one helicopter, from leaving the pad to the hand-over."""

    helicopter: int
    legs: list[Leg] = field(default_factory=list)


def _is_na(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _read_legs(legs: gpd.GeoDataFrame, lander: Coord, out: list[str]) -> list[Leg]:
    if legs.crs is None or not pyproj.CRS(legs.crs).equals(MARS_GEOGRAPHIC):
        out.append(f"legs: CRS is {legs.crs}, expected IAU_2015:49900")
    has_times = {"start_s", "end_s"} <= set(legs.columns)
    rows: list[Leg] = []
    for leg_id, r in legs.iterrows():
        g = r.geometry
        flight = None if _is_na(r.get("flight")) else int(r["flight"])
        if isinstance(g, Point) and flight is None:
            start = end = (float(g.x), float(g.y))
            move = "H" if _near(start, lander, PLACE_TOL_M) else "P"
        elif isinstance(g, LineString) and len(g.coords) >= 2:
            move = "F" if flight is not None else "D"
            start = (float(g.coords[0][0]), float(g.coords[0][1]))
            end = (float(g.coords[-1][0]), float(g.coords[-1][1]))
        else:
            out.append(
                f"leg {leg_id}: geometry {g.geom_type if g is not None else None} with flight "
                f"{flight} is neither a flight, a drive nor a pickup/hand-over point"
            )
            move = "?"
            start = end = (math.nan, math.nan)
        times = (float(r["start_s"]), float(r["end_s"])) if has_times else None
        rows.append(
            Leg(
                leg_id=leg_id,
                helicopter=int(r["helicopter"]),
                sol=r["sol"],
                tube_id=None if _is_na(r["tube_id"]) else r["tube_id"],
                trip=r.get("trip"),
                kind=str(r["kind"]),
                flight=flight,
                move=move,
                start=start,
                end=end,
                length_m=line_length_m(g) if move != "?" else math.nan,
                distance_m=float(r["distance_m"]),
                duration_s=float(r["duration_s"]),
                geom=g,
                times=times,
            )
        )
    return rows


def _check_leg(leg: Leg, spec: Any, out: list[str]) -> None:
    """Length column, range and duration of one leg."""
    if leg.move == "?":
        return
    where = f"leg {leg.leg_id} (helicopter {leg.helicopter}, {leg.kind})"
    if not abs(leg.length_m - leg.distance_m) <= LENGTH_TOL_M:
        out.append(
            f"{where}: distance_m {leg.distance_m!r} but its geometry is {leg.length_m!r} m long"
        )
    if leg.move == "F":
        if not leg.length_m <= spec.range_m + LENGTH_TOL_M:
            out.append(f"{where}: flight of {leg.length_m:.6f} m exceeds range_m {spec.range_m}")
        want = leg.length_m / spec.cruise_speed_m_s + spec.takeoff_landing_s
    elif leg.move == "D":
        want = leg.length_m / spec.drive_speed_m_s
    elif leg.move == "H":
        want = spec.handover_s
    else:
        want = spec.pickup_s
    if not abs(leg.duration_s - want) <= DURATION_TOL_S + 1e-9 * abs(want):
        out.append(f"{where}: duration_s {leg.duration_s!r}, the model gives {want!r}")
    if leg.times is not None:
        t0, t1 = leg.times
        if not abs((t1 - t0) - leg.duration_s) <= DURATION_TOL_S + 1e-9 * abs(leg.duration_s):
            out.append(f"{where}: end_s - start_s = {t1 - t0!r} but duration_s {leg.duration_s!r}")
    sol = leg.sol
    if _is_na(sol) or float(sol) != int(sol) or int(sol) < 1:
        out.append(f"{where}: sol {sol!r} is not a whole number >= 1")


def _near(a: Coord, b: Coord, tol: float) -> bool:
    return geodesic_m(a, b) <= tol


def _flights_per_sol(h: int, legs: list[Leg], spec: Any, out: list[str]) -> None:
    if not hasattr(spec, "flights_per_sol"):
        return
    cap = float(spec.flights_per_sol)
    per_sol = Counter(int(leg.sol) for leg in legs if leg.move == "F" and not _is_na(leg.sol))
    if cap == int(cap):
        for sol, n in sorted(per_sol.items()):
            if n > cap:
                out.append(f"helicopter {h}: {n} flights on sol {sol}, flights_per_sol is {cap:g}")
    else:
        done = 0
        for sol in sorted(per_sol):
            done += per_sol[sol]
            allowed = math.floor(sol * cap + 1e-9)
            if done > allowed:
                out.append(
                    f"helicopter {h}: {done} flights by the end of sol {sol}, "
                    f"{cap:g} a sol allows {allowed}"
                )


def _walk(
    h: int, legs: list[Leg], pads: list[Coord], out: list[str], lander: Coord
) -> tuple[list[Chunk], Coord | None]:
    """Continuity, sols, flight numbers, times; split the path into trips at hand-overs."""
    home = next((p for p in pads if legs and _near(legs[0].start, p, CONTINUITY_TOL_M)), None)
    if (
        legs
        and home is None
        and legs[0].move == "D"
        and _near(legs[0].start, lander, CONTINUITY_TOL_M)
    ):
        # waiting beside the lander, it drives onto the pad first
        home = next((p for p in pads if _near(legs[0].end, p, CONTINUITY_TOL_M)), None)
    if legs and home is None:
        out.append(
            f"helicopter {h}: first leg {legs[0].leg_id} starts at {legs[0].start}, not at a pad"
            " (helicopters start at the pad)"
        )
        home = next((p for p in pads if _near(legs[0].end, p, CONTINUITY_TOL_M)), None)
    pos: Coord | None = None
    last_sol = -math.inf
    last_end_s: float | None = None
    flight_numbers = [leg.flight for leg in legs if leg.move == "F"]
    if flight_numbers != list(range(1, len(flight_numbers) + 1)):
        out.append(f"helicopter {h}: flight numbers {flight_numbers} are not 1, 2, 3, ...")
    chunks: list[Chunk] = [Chunk(h)]
    for leg in legs:
        if leg.move == "?":
            pos = None
            continue
        if pos is not None and not _near(pos, leg.start, CONTINUITY_TOL_M):
            gap = geodesic_m(pos, leg.start)
            out.append(
                f"helicopter {h}: leg {leg.leg_id} ({leg.kind}) starts {gap:.3f} m from where "
                "the previous leg left the helicopter (the itinerary is not continuous)"
            )
        pos = leg.end
        if leg.sol != last_sol:
            last_end_s = None  # times may count from the start of each sol
        if not _is_na(leg.sol):
            if float(leg.sol) < last_sol:
                out.append(
                    f"helicopter {h}: leg {leg.leg_id} on sol {leg.sol} after sol {last_sol:g}"
                )
            last_sol = max(last_sol, float(leg.sol))
        if leg.times is not None:
            t0, t1 = leg.times
            if last_end_s is not None and t0 < last_end_s - DURATION_TOL_S:
                out.append(
                    f"helicopter {h}: leg {leg.leg_id} starts at {t0} s, before the previous "
                    f"leg ends at {last_end_s} s"
                )
            last_end_s = t1
        chunks[-1].legs.append(leg)
        if leg.move == "H":
            chunks.append(Chunk(h))
        elif leg.move == "D" and chunks[-1].legs == [leg]:
            # the drive back from the lander to the pad closes the previous trip; a drive
            # before the first trip is reported above (a helicopter starts at the pad)
            chunks[-1].legs.pop()
            if len(chunks) > 1:
                chunks[-2].legs.append(leg)
    if not chunks[-1].legs:
        chunks.pop()
    return chunks, home


TRIP_PATTERN = re.compile(r"^(F+)DPD(F+)DH(D?)$")


def _check_trip(
    chunk: Chunk,
    home: Coord | None,
    lander: Coord,
    tt: pd.DataFrame,
    spec: Any,
    out: list[str],
) -> dict[str, Any] | None:
    """Check one trip against the model; return what the trips table must say."""
    legs = chunk.legs
    h = chunk.helicopter
    ids = f"helicopter {h}, legs {legs[0].leg_id}..{legs[-1].leg_id}"
    pattern = "".join(leg.move for leg in legs)
    if (
        pattern.count("P") != 1
        or pattern.count("H") != 1
        or pattern.index("P") > pattern.index("H")
    ):
        out.append(f"{ids}: moves {pattern}: a trip picks up one tube, then hands it over")
        return None
    i_p, i_h = pattern.index("P"), pattern.index("H")
    # the drive back to the pad after the hand-over may carry either trip's tube
    tubes_named = {leg.tube_id for leg in legs[: i_h + 1] if leg.tube_id is not None}
    if len(tubes_named) != 1:
        out.append(f"{ids}: legs name tubes {sorted(map(str, tubes_named))}, one trip is one tube")
    pickup, handover = legs[i_p], legs[i_h]
    tube_id = pickup.tube_id
    if tube_id not in tt.index:
        out.append(f"{ids}: pickup of tube {tube_id!r}, which is not in the catalogue")
        return None
    if handover.tube_id != tube_id:
        out.append(f"{ids}: picks up tube {tube_id} but hands over {handover.tube_id}")
    row = tt.loc[tube_id]
    tube = (float(row["lon"]), float(row["lat"]))
    u = float(row["u"])
    if not _near(pickup.start, tube, PLACE_TOL_M):
        out.append(
            f"{ids}: pickup of tube {tube_id} at {geodesic_m(pickup.start, tube):.4f} m "
            "from the tube"
        )
    out_f = [leg for leg in legs[:i_p] if leg.move == "F"]
    back_f = [leg for leg in legs[i_p:] if leg.move == "F"]
    if not out_f or not back_f:
        out.append(f"{ids}: the trip for tube {tube_id} does not fly out and back")
        return None
    spot = out_f[-1].end
    d_spot = geodesic_m(spot, tube)
    if not spec.tube_standoff_m - PLACE_TOL_M <= d_spot <= spec.tube_standoff_m + u + PLACE_TOL_M:
        out.append(
            f"{ids}: landing spot {d_spot:.4f} m from tube {tube_id}, the model puts it "
            f"tube_standoff_m {spec.tube_standoff_m} (+ uncertainty {u}) from the tube"
        )
    if home is not None and not _near(out_f[0].start, home, CONTINUITY_TOL_M):
        out.append(f"{ids}: the trip for tube {tube_id} does not take off from the pad")
    landings_out = [out_f[0].start] + [f.end for f in out_f]
    landings_back = [back_f[0].start] + [f.end for f in back_f]
    same = len(landings_out) == len(landings_back) and all(
        _near(a, b, CONTINUITY_TOL_M)
        for a, b in zip(landings_out, landings_back[::-1], strict=True)
    )
    if not same:
        out.append(
            f"{ids}: the flights back from tube {tube_id} do not retrace the relays of the "
            f"flights out ({len(out_f)} out, {len(back_f)} back)"
        )
    m = TRIP_PATTERN.match(pattern)
    if m is None:
        out.append(
            f"{ids}: moves {pattern} (F flight, D drive, P pickup, H hand-over) do not follow "
            "the model: flights out, drive to the tube, pickup, drive back, flights back, "
            "drive to the lander, hand-over, drive back to the pad"
        )
    else:
        drive_in, drive_back = legs[i_p - 1], legs[i_p + 1]
        to_lander = legs[i_h - 1]
        if not _near(drive_in.start, spot, CONTINUITY_TOL_M):
            out.append(f"{ids}: the drive to tube {tube_id} does not start at its landing spot")
        if not _near(drive_back.end, spot, CONTINUITY_TOL_M):
            out.append(f"{ids}: the drive back from tube {tube_id} does not end at its spot")
        if not _near(to_lander.start, landings_out[0], CONTINUITY_TOL_M):
            out.append(f"{ids}: the drive to the lander does not start at the pad")
        if m.group(3) and not _near(legs[-1].end, landings_out[0], CONTINUITY_TOL_M):
            out.append(f"{ids}: the drive after the hand-over does not end at the pad")
    flights = out_f + back_f
    sols = [float(leg.sol) for leg in legs[: i_h + 1] if not _is_na(leg.sol)]
    return {
        "tube_id": tube_id,
        "helicopter": h,
        "trip": {leg.trip for leg in legs[: i_h + 1] if not _is_na(leg.trip)},
        "flights": len(flights),
        "relays_out": len(out_f) - 1,
        "relays_back": len(back_f) - 1,
        "path_m": sum(f.length_m for f in out_f),
        "flight_m": sum(f.length_m for f in flights),
        "needed_range_m": max(f.length_m for f in flights),
        "first_sol": min(sols) if sols else math.nan,
        "last_sols": {max(float(leg.sol) for leg in legs), float(handover.sol)},
        "spot_excess_m": d_spot - spec.tube_standoff_m - u,
        "u": u,
    }


def _clearance_problems(
    points: Iterable[tuple[Coord, Any, str]],
    tt: pd.DataFrame,
    need_m: np.ndarray,
    out: list[str],
) -> None:
    """Each point at least ``need_m`` (per tube) from every tube but its own."""
    lon, lat = tt["lon"].to_numpy(float), tt["lat"].to_numpy(float)
    ids = tt.index.to_list()
    seen: set[tuple[float, float, Any]] = set()
    for p, own, what in points:
        key = (round(p[0], 12), round(p[1], 12), own)
        if key in seen:
            continue
        seen.add(key)
        _, _, d = GEOD.inv(np.full(len(lon), p[0]), np.full(len(lon), p[1]), lon, lat)
        short = d < need_m - PLACE_TOL_M
        for i in np.flatnonzero(short):
            if own is not None and ids[i] == own:
                continue
            out.append(
                f"{what} at {p} is {d[i]:.4f} m from tube {ids[i]}, the model needs "
                f"{need_m[i]:.4f} m (tube_clearance_m + uncertainty)"
            )


def _obstacle_problems(
    legs: list[Leg],
    spots: Sequence[tuple[Coord, str]],
    zones: list[BaseGeometry],
    lander: Coord,
    spec: Any,
    out: list[str],
) -> None:
    if not zones:
        return
    frame = LocalFrame(lander)
    blocked = shapely.union_all([frame.project(z, densify=True) for z in zones])
    shapely.prepare(blocked)
    need = spec.obstacle_clearance_m - PLACE_TOL_M
    for leg in legs:
        if leg.move == "F":
            d = frame.project(leg.geom).distance(blocked)
            if d < need:
                out.append(
                    f"leg {leg.leg_id} (helicopter {leg.helicopter}, flight {leg.flight}) passes "
                    f"{d:.4f} m from a no-fly zone or hazard, obstacle_clearance_m is "
                    f"{spec.obstacle_clearance_m}"
                )
        elif leg.move == "D":
            inside = frame.project(leg.geom).intersection(blocked).length
            if inside > PLACE_TOL_M:
                out.append(
                    f"leg {leg.leg_id} (helicopter {leg.helicopter}, {leg.kind}) drives "
                    f"{inside:.3f} m inside a no-fly zone or hazard"
                )
    for p, what in spots:
        d = frame.project(Point(p)).distance(blocked)
        if d < need:
            out.append(
                f"{what} at {p} is {d:.4f} m from a no-fly zone or hazard, "
                f"obstacle_clearance_m is {spec.obstacle_clearance_m}"
            )


def _close(a: float, b: float, tol: float = LENGTH_TOL_M) -> bool:
    return abs(float(a) - float(b)) <= tol + 1e-12 * abs(float(b))


def _check_trips_table(
    trips: pd.DataFrame, found: dict[Any, dict[str, Any]], out: list[str]
) -> None:
    for tube_id, want in found.items():
        if tube_id not in trips.index:
            continue
        row = trips.loc[tube_id]
        bad: list[str] = []
        if int(row["helicopter"]) != want["helicopter"]:
            bad.append(f"helicopter {row['helicopter']} (legs: {want['helicopter']})")
        if "trip" in row and want["trip"] and want["trip"] != {row["trip"]}:
            bad.append(f"trip {row['trip']} (legs: {sorted(want['trip'])})")
        if int(row["flights"]) != want["flights"]:
            bad.append(f"flights {row['flights']} (legs: {want['flights']})")
        if "relays" in row and not int(row["relays"]) == want["relays_out"] == want["relays_back"]:
            bad.append(
                f"relays {row['relays']} (legs: {want['relays_out']} out, "
                f"{want['relays_back']} back)"
            )
        for col in ("path_m", "flight_m", "needed_range_m"):
            if col in row and not _close(row[col], want[col]):
                bad.append(f"{col} {row[col]!r} (legs: {want[col]!r})")
        if "first_sol" in row and float(row["first_sol"]) != want["first_sol"]:
            bad.append(f"first_sol {row['first_sol']} (legs: {want['first_sol']:g})")
        if "last_sol" in row and float(row["last_sol"]) not in want["last_sols"]:
            bad.append(f"last_sol {row['last_sol']} (legs: {sorted(want['last_sols'])})")
        if bad:
            out.append(f"trips row for tube {tube_id} disagrees with its legs: " + "; ".join(bad))


def problems(
    plan: Any,
    tubes: gpd.GeoDataFrame,
    *,
    lander: Any,
    no_fly: Any = None,
    hazard_polygons: Any = None,
    require_uncertainty: bool = False,
) -> list[str]:
    """Everything in ``plan`` that breaks the model, in words; empty when the plan is valid.

    ``require_uncertainty`` demands that landing spots allow for each tube's
    ``position_uncertainty_m``; otherwise it is detected from the spots' distances.
    """
    out: list[str] = []
    spec = plan.spec
    tt = tube_table(tubes)
    lander_ll = as_lonlat(lander)
    legs = _read_legs(plan.legs, lander_ll, out)

    pads = [
        (float(g.x), float(g.y))
        for k, g in zip(plan.spots["kind"], plan.spots.geometry, strict=True)
        if str(k) == "pad"
    ]
    if not pads:
        out.append("spots: no pad")
    for p in pads:
        d = geodesic_m(p, lander_ll)
        if not abs(d - spec.lander_standoff_m) <= PLACE_TOL_M:
            out.append(
                f"pad at {p} is {d:.4f} m from the lander, lander_standoff_m is "
                f"{spec.lander_standoff_m}"
            )

    for leg in legs:
        _check_leg(leg, spec, out)

    by_heli: dict[int, list[Leg]] = {}
    for leg in legs:
        by_heli.setdefault(leg.helicopter, []).append(leg)
    n_heli = int(plan.helicopters)
    if any(not 1 <= h <= n_heli for h in by_heli):
        out.append(f"legs: helicopters {sorted(by_heli)} outside 1..{n_heli}")

    found: dict[Any, dict[str, Any]] = {}
    for h, hl in sorted(by_heli.items()):
        _flights_per_sol(h, hl, spec, out)
        chunks, home = _walk(h, hl, pads, out, lander_ll)
        for chunk in chunks:
            info = _check_trip(chunk, home, lander_ll, tt, spec, out)
            if info is not None:
                if info["tube_id"] in found:
                    out.append(f"tube {info['tube_id']} is picked up on more than one trip")
                found[info["tube_id"]] = info

    # each tube once, only planned tubes, every tube accounted for
    picked = Counter(leg.tube_id for leg in legs if leg.move == "P")
    handed = Counter(leg.tube_id for leg in legs if leg.move == "H")
    planned = set(plan.trips.index)
    skipped = set(plan.unreachable.index) if plan.unreachable is not None else set()
    for t in sorted(set(picked) | set(handed), key=str):
        if picked[t] != 1 or handed[t] != 1:
            out.append(f"tube {t}: picked up {picked[t]} times, handed over {handed[t]} times")
    if set(picked) != planned:
        out.append(f"tubes picked up {sorted(picked, key=str)} but trips lists {sorted(planned)}")
    leg_tubes = {leg.tube_id for leg in legs if leg.tube_id is not None}
    if not leg_tubes <= planned:
        out.append(f"legs name tubes {sorted(leg_tubes - planned, key=str)} without a trip")
    if not planned <= set(tt.index):
        out.append(f"trips lists tubes {sorted(planned - set(tt.index))} not in the catalogue")
    if planned & skipped:
        out.append(f"tubes {sorted(planned & skipped)} are both planned and unreachable")
    if planned | skipped != set(tt.index):
        out.append(
            f"tubes {sorted(set(tt.index) - planned - skipped)} are neither planned nor listed "
            "as unreachable"
        )
    if skipped:
        for t, why in plan.unreachable["why"].items():
            if not isinstance(why, str) or not why.strip():
                out.append(f"unreachable tube {t} has no reason")

    # standoffs with the position uncertainty, detected or required
    any_u = bool((tt["u"] > 0).any())
    uses_u = any_u and all(f["spot_excess_m"] >= -PLACE_TOL_M for f in found.values())
    if require_uncertainty and any_u:
        for f in found.values():
            if f["spot_excess_m"] < -PLACE_TOL_M:
                out.append(
                    f"landing spot of tube {f['tube_id']} is "
                    f"{f['spot_excess_m'] + spec.tube_standoff_m + f['u']:.4f} m from it: "
                    f"tube_standoff_m {spec.tube_standoff_m} + position uncertainty {f['u']} "
                    "needed"
                )
        uses_u = True

    # clearances from the other tubes, of the pad, landing spots and relays
    need = spec.tube_clearance_m + (tt["u"].to_numpy(float) if uses_u else 0.0)
    need = np.broadcast_to(need, (len(tt),)).astype(float)
    points: list[tuple[Coord, Any, str]] = [(p, None, "pad") for p in pads]
    for leg in legs:
        if leg.move == "F":
            for p in (leg.start, leg.end):
                points.append((p, leg.tube_id, f"flight {leg.flight} end"))
    spot_points: list[tuple[Coord, str]] = [(p, "pad") for p in pads]
    for k, t, g in zip(plan.spots["kind"], plan.spots["tube_id"], plan.spots.geometry, strict=True):
        if str(k) in ("lander", "pad"):
            continue
        p = (float(g.x), float(g.y))
        own = None if _is_na(t) else t
        points.append((p, own, f"{k} spot"))
        spot_points.append((p, f"{k} spot"))
    _clearance_problems(points, tt, need, out)

    # every landing place of the legs is in the spots table
    spot_xy = [(float(g.x), float(g.y)) for g in plan.spots.geometry]
    for leg in legs:
        if leg.move != "F":
            continue
        for p in (leg.start, leg.end):
            if not any(_near(p, s, CONTINUITY_TOL_M) for s in spot_xy):
                out.append(f"leg {leg.leg_id}: landing place {p} is not in plan.spots")
                break

    zones = zones_lonlat(no_fly) + zones_lonlat(hazard_polygons)
    _obstacle_problems(legs, spot_points, zones, lander_ll, spec, out)

    # the trips table and the plan's figures
    _check_trips_table(plan.trips, found, out)
    sols = [float(leg.sol) for leg in legs if not _is_na(leg.sol)]
    if sols and plan.makespan_sols != max(sols):
        out.append(f"makespan_sols {plan.makespan_sols} but the last leg is on sol {max(sols):g}")
    if not sols and plan.makespan_sols != 0:
        out.append(f"makespan_sols {plan.makespan_sols} for a plan without legs")
    if not plan.lower_bound_sols <= plan.makespan_sols:
        out.append(f"lower_bound_sols {plan.lower_bound_sols} > makespan_sols {plan.makespan_sols}")
    if plan.is_optimal and plan.lower_bound_sols != plan.makespan_sols:
        out.append(
            f"is_optimal but lower_bound_sols {plan.lower_bound_sols} != makespan_sols "
            f"{plan.makespan_sols}"
        )
    flown: dict[int, float] = {}
    for leg in legs:
        if leg.move == "F":
            flown[leg.helicopter] = flown.get(leg.helicopter, 0.0) + leg.length_m
    total = sum(flown.values())
    if not _close(plan.total_flight_m, total, LENGTH_TOL_M * max(1, len(legs))):
        out.append(f"total_flight_m {plan.total_flight_m!r}, the flights add up to {total!r}")
    busiest = max(flown.values(), default=0.0)
    if not _close(plan.busiest_flight_m, busiest, LENGTH_TOL_M * max(1, len(legs))):
        out.append(f"busiest_flight_m {plan.busiest_flight_m!r}, the legs give {busiest!r}")
    if not plan.busiest_flight_lower_bound_m <= plan.busiest_flight_m + LENGTH_TOL_M:
        out.append(
            f"busiest_flight_lower_bound_m {plan.busiest_flight_lower_bound_m} above "
            f"busiest_flight_m {plan.busiest_flight_m}"
        )
    return out
