"""The check every plan passes before it is returned, measured on the sphere."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon

from marsgeo.distance import geodesic_distance_m
from marsgeo.errors import (
    PlanningError,
)
from marsgeo.routing.frame import Frame
from marsgeo.routing.model import HelicopterSpec
from marsgeo.routing.site import Site


def check_plan(
    spots: gpd.GeoDataFrame,
    legs: gpd.GeoDataFrame,
    paths: list[LineString],
    site: Site,
    spec: HelicopterSpec,
) -> None:
    """Check the plan against its spec, measured on the sphere; raise if it breaks any.

    ``paths`` are the flight paths in the site's frame. A landing spot keeps
    ``tube_standoff_m`` plus its tube's position uncertainty from its tube.
    """
    framed, ids, tubes_ll, tubes = site.framed, site.ids, site.tubes_ll, site.tubes
    lander_ll, frame, uncertainty_m = site.lander_ll, site.frame, site.uncertainty_m
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
