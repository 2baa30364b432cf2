"""The planning site: the frame, the zones, the pad, the landing spots and each tube's trip."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import numpy.typing as npt
from shapely.geometry import LineString

from marsgeo.crs import (
    lon_to_180,
    mars_geod,
    mean_lonlat,
    real_numbers,
)
from marsgeo.distance import geodesic_distance_m
from marsgeo.errors import (
    InputError,
    PlanningError,
    TooLargeError,
)
from marsgeo.routing.field import Field
from marsgeo.routing.flights import fit_flights, line_m
from marsgeo.routing.frame import Frame, TubeIndex
from marsgeo.routing.model import MAX_PLAN_RADIUS_M, MAX_RELAYS, FloatArray, HelicopterSpec
from marsgeo.routing.zones import XY, Zone, frame_zone, window_box

#: The pad and the landing spots are placed this much [m] beyond their standoffs, so that float
#: rounding (about 3e-9 m in a position on Mars given in degrees) never measures them short.
NUDGE_M = 1e-6


def _around(centre_ll: FloatArray, dist_m: FloatArray, azimuth_deg: FloatArray) -> FloatArray:
    """(n, 2) lon/lat of points at ``dist_m`` and ``azimuth_deg`` from each centre (sphere)."""
    lon, lat, _ = mars_geod().fwd(centre_ll[:, 0], centre_ll[:, 1], azimuth_deg, dist_m)
    return np.column_stack([np.asarray(lon_to_180(lon), dtype=float), lat])


#: Candidate landing spots around each tube, every 360 / SPOT_AZIMUTHS degrees of azimuth.
SPOT_AZIMUTHS = 72
#: Candidate pads around the lander, every 360 / PAD_AZIMUTHS degrees of azimuth.
PAD_AZIMUTHS = 72


def place_pad(
    lander_ll: tuple[float, float],
    depot_ll: tuple[float, float],
    field_: Field,
    tubes: TubeIndex,
    frame: Frame,
    spec: HelicopterSpec,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Place the pad ``lander_standoff_m`` from the lander: towards the depot, or turned.

    Of :data:`PAD_AZIMUTHS` candidates around the lander, the one turned least from the
    direction of the depot that keeps ``tube_clearance_m`` (plus each tube's uncertainty)
    from every tube, lies outside every grown obstacle and whose drive to the lander enters
    no zone. Measured on the sphere. Returns its (lon, lat) and its frame (x, y).
    """
    g = mars_geod()
    base = float(g.inv(*lander_ll, *depot_ll)[0])
    step = 360.0 / PAD_AZIMUTHS
    half = PAD_AZIMUTHS // 2
    turns = [0.0] + [s * k * step for k in range(1, half + 1) for s in (1, -1)]
    turns = turns[:PAD_AZIMUTHS]
    n = len(turns)
    ll = _around(
        np.full((n, 2), lander_ll),
        np.full(n, spec.lander_standoff_m + NUDGE_M),
        base + np.asarray(turns, dtype=float),
    )
    xy = frame.xy(ll)
    clear = tubes.nearest_m(ll, xy, spec.tube_clearance_m) >= spec.tube_clearance_m
    outside = ~field_.blocked_many(xy)
    drive = field_.drive_clear(xy, frame.xy(np.asarray([lander_ll], dtype=float)))
    ok = clear & outside & drive
    if not ok.any():
        why = []
        if not clear.any():
            why.append(
                f"every one is within tube_clearance_m={spec.tube_clearance_m:g} m of a tube"
            )
        elif not (clear & outside).any():
            why.append("those clear of the tubes lie within obstacle_clearance_m of a zone")
        else:
            why.append("from those clear of tubes and zones the drive to the lander crosses a zone")
        msg = (
            f"no pad lander_standoff_m={spec.lander_standoff_m:g} m from the lander is clear "
            f"of the obstacles and tubes around it ({'; '.join(why)}); move the lander or "
            "change lander_standoff_m."
        )
        raise PlanningError(msg)
    j = int(np.argmax(ok))
    return (float(ll[j, 0]), float(ll[j, 1])), (float(xy[j, 0]), float(xy[j, 1]))


# --- the planning site and its trips ------------------------------------------------------------


class Miss(NamedTuple):
    """A tube left out of a plan: the range it needs (NaN when range is not why) and why."""

    tube_id: Any
    need_m: float  # NaN when range is not the reason
    why: str
    lower_bound: bool = False


def far_tubes(
    ids: list[Any],
    tubes_ll: FloatArray,
    lander_ll: tuple[float, float],
    spec: HelicopterSpec,
    *,
    radius_m: float,
    relay_cap: int,
) -> tuple[npt.NDArray[np.bool_], list[Miss]]:
    """Find the tubes beyond ``radius_m`` of the lander: out of reach, or too large a request.

    They are out of reach when no trip (with at most ``relay_cap`` relays) can fly that far;
    when one could, planning them would take more than one local frame holds, and the
    request is refused (TooLargeError).
    """
    from_lander = geodesic_distance_m(*lander_ll, tubes_ll[:, 0], tubes_ll[:, 1])
    far = from_lander > radius_m
    reach_m = (
        spec.range_m * (min(spec.max_relays, relay_cap) + 1)
        + spec.lander_standoff_m
        + spec.tube_standoff_m
    )
    if far.any() and reach_m > radius_m:
        far_ids = [ids[k] for k in np.flatnonzero(far)]
        msg = (
            f"tubes {far_ids[:5]}{' ...' if len(far_ids) > 5 else ''} lie up to "
            f"{from_lander.max() / 1000:.0f} km from the lander, beyond "
            f"marsgeo.routing.MAX_PLAN_RADIUS_M={radius_m / 1000:.0f} km, and with "
            f"range_m={spec.range_m:g} and max_relays={spec.max_relays} a trip could reach "
            f"{reach_m / 1000:.0f} km. Plan the tubes near each lander separately."
        )
        raise TooLargeError(msg)
    misses = []
    for k in np.flatnonzero(far):
        d = float(from_lander[k])
        need = (d - spec.lander_standoff_m - spec.tube_standoff_m) / (spec.max_relays + 1)
        misses.append(Miss(ids[k], need, f"{d / 1000:.1f} km from the lander", True))
    return far, misses


class Site:
    """The local frame of a plan, the window paths may use, the zones in it, the pad.

    The frame is centred on the lander and the tubes to plan. Every path a trip may fly (at
    most :data:`~marsgeo.routing.MAX_RELAYS` relays each way) stays in the window, a circle
    around that centre, up to three times :data:`~marsgeo.routing.MAX_PLAN_RADIUS_M`; zones
    are clipped to it. ``uncertainty_m`` gives each tube's position uncertainty [m] in
    catalogue order (default 0): landing spots are placed ``tube_standoff_m`` plus the tube's
    own uncertainty from it, and every landing spot, relay and the pad keep
    ``tube_clearance_m`` plus each other tube's uncertainty from it.
    ``ids`` are the tube ids in catalogue order (default: the positions).
    """

    def __init__(
        self,
        tubes_ll: FloatArray,
        planned: npt.NDArray[np.bool_],
        lander_ll: tuple[float, float],
        zones: list[tuple[str, Zone]],
        spec: HelicopterSpec,
        *,
        uncertainty_m: npt.ArrayLike | None = None,
        ids: Sequence[Any] | None = None,
    ) -> None:
        radius_m, relay_cap = MAX_PLAN_RADIUS_M, MAX_RELAYS
        n_all = len(tubes_ll)
        self.uncertainty_m = _uncertainty(uncertainty_m, n_all)
        self.ids: list[Any] = list(range(n_all)) if ids is None else list(ids)
        # the frame: centred on the lander and the tubes to plan
        self.planned = np.flatnonzero(planned)
        pts = np.vstack([tubes_ll[self.planned], [lander_ll]])
        self.frame = Frame(pts[:, 0], pts[:, 1])
        centre = self.frame.centre
        extent = float(geodesic_distance_m(*centre, pts[:, 0], pts[:, 1]).max())
        # the window: every path a trip may fly stays in it (longer ones are out of reach)
        self.relays = min(spec.max_relays, relay_cap)
        self.relay_cap = relay_cap
        flights = self.relays + 1
        u_max = float(self.uncertainty_m.max()) if n_all else 0.0
        margin = (
            max(spec.tube_standoff_m + u_max, spec.lander_standoff_m)
            + spec.obstacle_clearance_m
            + 10.0
        )
        self.window_m = min(extent + spec.range_m * flights + margin, 3.0 * radius_m)
        window = window_box(*centre, self.window_m * 1.01, sphere_radius_m=mars_geod().a)
        from_centre = geodesic_distance_m(*centre, tubes_ll[:, 0], tubes_ll[:, 1])
        near = np.flatnonzero(from_centre <= self.window_m + margin + spec.tube_clearance_m + u_max)
        self.tubes = TubeIndex(near, tubes_ll[near], self.frame, self.uncertainty_m[near])
        self.tubes_xy = self.frame.xy(tubes_ll[self.planned])
        self.lander_xy = self.frame.xy(np.array([lander_ll]))[0]
        self.tubes_ll = tubes_ll
        self.framed: list[tuple[str, Zone]] = []
        for label, zone in zones:
            in_frame = frame_zone(zone, window, self.frame.xy)
            if in_frame is not None:
                self.framed.append((label, in_frame))
        self.field = Field([g for _, g in self.framed], clearance_m=spec.obstacle_clearance_m)
        planned_ll = tubes_ll[self.planned]
        depot_ll = mean_lonlat(planned_ll[:, 0], planned_ll[:, 1]) if len(planned_ll) else centre
        self.lander_ll = lander_ll
        self._depot_ll = depot_ll

    @staticmethod
    def uncertainty_from(tubes: gpd.GeoDataFrame) -> FloatArray:
        """Position uncertainty [m] per tube, from a ``position_uncertainty_m`` column.

        Zeros when the column is absent; a value that is not a finite number >= 0 is
        refused (InputError) naming the tubes.
        """
        if "position_uncertainty_m" not in tubes.columns:
            return np.zeros(len(tubes))
        # numbers only: booleans and text are refused, not read as 1.0 or NaN
        u = real_numbers(
            tubes["position_uncertainty_m"], name="column 'position_uncertainty_m' of tubes"
        )
        bad = ~np.isfinite(u) | (u < 0)
        if bad.any():
            which = list(tubes.index[bad])[:5]
            msg = (
                f"column 'position_uncertainty_m' of tubes: tubes {which} have "
                f"{list(tubes['position_uncertainty_m'][bad])[:5]}; give every tube a "
                "finite distance >= 0 in metres, or drop the column."
            )
            raise InputError(msg)
        return np.asarray(u, dtype=float)

    def place_pad(self, spec: HelicopterSpec) -> None:
        """Place the pad (after the zones were checked: the lander is outside them).

        A lander closer than ``lander_standoff_m`` to a tube is refused (PlanningError).
        """
        d = geodesic_distance_m(*self.lander_ll, self.tubes.ll[:, 0], self.tubes.ll[:, 1])
        close = np.flatnonzero(d < spec.lander_standoff_m)
        if len(close):
            order = close[np.argsort(d[close])]
            named = ", ".join(
                f"tube {self.ids[int(self.tubes.index[c])]!r} at {float(d[c]):.2f} m"
                for c in order[:5]
            )
            msg = (
                f"the lander stands on or beside tubes: {named}, closer than "
                f"lander_standoff_m={spec.lander_standoff_m:g} m; move the lander at least "
                f"{spec.lander_standoff_m:g} m from every tube (or lower lander_standoff_m)."
            )
            raise PlanningError(msg)
        self.pad_ll, self.pad_xy = place_pad(
            self.lander_ll, self._depot_ll, self.field, self.tubes, self.frame, spec
        )

    def plan_trips(
        self, ks: npt.ArrayLike, spec: HelicopterSpec
    ) -> list[tuple[Trip, LineString] | Miss | str]:
        """Plan the trips of many tubes at once: landing spots, paths, flights.

        For each catalogue position in ``ks`` (after :meth:`place_pad`), in order: the trip
        and its path in the frame; or why not, a :class:`Miss`, or (a string) the words of a
        request too large to plan. Each tube lands at the candidate spot (one every
        ``360 / SPOT_AZIMUTHS`` degrees at ``tube_standoff_m`` plus its uncertainty) with the
        shortest path from the pad, among those that keep the clearances and whose drive to
        the tube enters no zone. Without zones the path is the geodesic from the pad and the
        choice is made for all tubes at once; with zones, one shortest-path tree from the
        pad over the obstacle corners serves every candidate (:meth:`Field.routes`).
        """
        k_arr = np.asarray(ks, dtype=np.intp).reshape(-1)
        return self._plan(k_arr, [self.ids[int(k)] for k in k_arr], spec)

    def _plan(
        self, ks: npt.NDArray[np.intp], tids: list[Any], spec: HelicopterSpec
    ) -> list[tuple[Trip, LineString] | Miss | str]:
        m, n = len(ks), SPOT_AZIMUTHS
        if not m:
            return []
        own = np.repeat(ks, n)
        slot = np.repeat(np.arange(m), n)
        centre = self.tubes_ll[own]
        ll = _around(
            centre,
            spec.tube_standoff_m + self.uncertainty_m[own] + NUDGE_M,
            np.tile(np.arange(n) * (360.0 / n), m),
        )
        xy = self.frame.xy(ll)
        gap = self.tubes.nearest_m(ll, xy, spec.tube_clearance_m, skip=own)
        clear = gap >= spec.tube_clearance_m
        usable = clear.copy()
        field = self.field
        if not field.empty:
            idx = np.flatnonzero(clear)
            clear[idx] = ~field.blocked_many(xy[idx])
            idx = np.flatnonzero(clear)
            usable = clear.copy()
            usable[idx] = field.drive_clear(xy[idx], self.frame.xy(centre[idx]))
        length = np.full(len(ll), np.inf)
        via = np.full(len(ll), -2, dtype=np.intp)
        idx = np.flatnonzero(usable)
        tree = None
        if field.empty:
            length[idx] = geodesic_distance_m(*self.pad_ll, ll[idx, 0], ll[idx, 1])
            via[idx] = -1
        elif len(idx):
            tree, length[idx], via[idx] = field.routes(self.pad_xy, xy[idx], slot[idx])
        best = np.argmin(length.reshape(m, n), axis=1)
        chosen = np.arange(m) * n + best
        found = np.isfinite(length[chosen])
        direct = found & (via[chosen] == -1)
        path_m = np.full(m, np.nan)
        if field.empty:
            path_m[direct] = length[chosen[direct]]  # geodesic already
        elif direct.any():
            c = chosen[direct]
            path_m[direct] = geodesic_distance_m(*self.pad_ll, ll[c, 0], ll[c, 1])
        out: list[tuple[Trip, LineString] | Miss | str] = []
        for t in range(m):
            tid, k, c = tids[t], int(ks[t]), int(chosen[t])
            if not found[t]:
                mine = slice(t * n, (t + 1) * n)
                out.append(Miss(tid, math.nan, _why_no_spot(clear[mine], usable[mine])))
                continue
            spot_ll = (float(ll[c, 0]), float(ll[c, 1]))
            spot_xy = (float(xy[c, 0]), float(xy[c, 1]))
            if via[c] == -1 or tree is None:
                path = [self.pad_xy, spot_xy]
            else:
                path = field.path_to(tree, spot_xy, int(via[c]))
            out.append(self._finish(tid, k, spot_ll, path, float(path_m[t]), spec))
        return out

    def _finish(
        self,
        tid: Any,
        k: int,
        spot_ll: tuple[float, float],
        path: list[XY],
        path_m: float,
        spec: HelicopterSpec,
    ) -> tuple[Trip, LineString] | Miss | str:
        """Measure a path on the sphere and cut it into flights: the trip, or why not."""
        tube_ll = (float(self.tubes_ll[k, 0]), float(self.tubes_ll[k, 1]))
        if len(path) > 2 and max(math.hypot(x, y) for x, y in path) > self.window_m:
            return Miss(
                tid, math.nan, f"no flight path within {self.window_m / 1000:.0f} km of the plan"
            )
        if len(path) == 2:
            path_ll = np.asarray([self.pad_ll, spot_ll], dtype=float)
        else:
            path_ll = self.frame.ll(np.asarray(path))
            path_ll[0], path_ll[-1] = self.pad_ll, spot_ll
        if not math.isfinite(path_m):
            path_m = line_m(path_ll)
        flights_min = path_m / spec.range_m - 1e-12  # flights each way, at the least
        if flights_min > spec.max_relays + 1 and spec.max_relays <= self.relay_cap:
            return Miss(tid, path_m / (spec.max_relays + 1), f"path {path_m:.0f} m long")
        if flights_min > self.relay_cap + 1:
            return (
                f"tube {tid!r}: its path is {path_m:.1f} m long, {flights_min:.3g} flights each "
                f"way with range_m={spec.range_m:g}"
            )
        if path_m <= spec.range_m:
            pieces: list[LineString] | None = [LineString(path_ll)]
        else:
            pieces = fit_flights(
                path, path_m, self.pad_ll, spot_ll, self.tubes, self.frame, spec, self.relays
            )
        if pieces is None:
            why = (
                f"relays cannot land {spec.tube_clearance_m:g} m clear of the tubes along its "
                f"{path_m:.0f} m path with at most {self.relays} relays"
            )
            return Miss(tid, math.nan, why)
        return Trip(tid, tube_ll, spot_ll, path_m, len(pieces), pieces), LineString(path)


def _why_no_spot(clear: npt.NDArray[np.bool_], usable: npt.NDArray[np.bool_]) -> str:
    """Say why none of a tube's candidate landing spots has a path."""
    if not clear.any():
        return "no landing spot clear of other tubes and hazards"
    if not usable.any():
        return (
            "no landing spot clear of other tubes and hazards from which the drive to the tube "
            "stays out of the no-fly zones and hazards"
        )
    return "no flight path around the no-fly zones"


def _uncertainty(values: npt.ArrayLike | None, n: int) -> FloatArray:
    if values is None:
        return np.zeros(n)
    u = np.array(values, dtype=float).reshape(-1)
    if u.shape != (n,) or not (np.isfinite(u).all() and (u >= 0).all()):
        msg = (
            f"uncertainty_m must give each of the {n} tubes a finite distance >= 0 in metres "
            f"(catalogue order), got {u.size} values"
            + ("" if u.shape != (n,) else f" with {int((~(np.isfinite(u) & (u >= 0))).sum())} bad")
            + "."
        )
        raise InputError(msg)
    return u


def plan_trip(
    tid: Any, k: int, site: Site, spec: HelicopterSpec
) -> tuple[Trip, LineString] | Miss | str:
    """Plan one tube's trip: a landing spot, a path, its flights (as :meth:`Site.plan_trips`).

    Returns the trip and its path in the frame; or why not: a miss, or (a string) the words
    of a request too large to plan.
    """
    return site._plan(np.asarray([k], dtype=np.intp), [tid], spec)[0]


@dataclass
class Trip:
    """One tube's trip: where it lands and the flights out, in MARS_GEOGRAPHIC."""

    tube_id: Any
    tube: tuple[float, float]
    spot: tuple[float, float]
    path_m: float
    flights_each_way: int
    pieces: list[LineString]
