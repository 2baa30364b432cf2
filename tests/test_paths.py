"""Flight paths, landing spots and the pad: shortest around the zones as given, clearances kept.

Geometry is built in metres in a local frame at the assumed lander (marsgeo.crs.local_crs) and
measured independently: lengths on the Mars sphere with pyproj's Geod of IAU_2015:49900, and
distances to zones in that frame.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

import marsgeo
from marsgeo import crs as mcrs
from marsgeo.errors import PlanningError, UnreachableError
from marsgeo.routing import ASSUMED_LANDER, HelicopterSpec, plan_pickup

#: The Mars sphere, straight from PROJ (not from marsgeo).
GEOD = pyproj.CRS("IAU_2015:49900").get_geod()
FRAME = mcrs.local_crs(*ASSUMED_LANDER)
TO_LL = pyproj.Transformer.from_crs(FRAME, mcrs.MARS_GEOGRAPHIC, always_xy=True)
TO_XY = pyproj.Transformer.from_crs(mcrs.MARS_GEOGRAPHIC, FRAME, always_xy=True)


def geodesic_m(a: Any, b: Any) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def to_ll(geom: Any) -> Any:
    """A frame geometry (metres east and north of the assumed lander) in lon/lat."""
    dense = shapely.segmentize(geom, 1.0)
    return shapely.transform(dense, lambda c: np.column_stack(TO_LL.transform(c[:, 0], c[:, 1])))


def to_xy(geom: Any) -> Any:
    return shapely.transform(geom, lambda c: np.column_stack(TO_XY.transform(c[:, 0], c[:, 1])))


def ll(x: float, y: float) -> tuple[float, float]:
    lon, lat = TO_LL.transform(x, y)
    return float(lon), float(lat)


def tubes_at(xy: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    pts = [Point(ll(x, y)) for x, y in xy]
    index = pd.Index(range(1, len(xy) + 1), name="tube_id")
    return gpd.GeoDataFrame(geometry=pts, index=index, crs=mcrs.MARS_GEOGRAPHIC)


def flights(plan: marsgeo.PickupPlan) -> gpd.GeoDataFrame:
    return plan.legs[plan.legs.kind.str.startswith("flight")]


def spot(plan: marsgeo.PickupPlan, kind: str) -> Point:
    return plan.spots[plan.spots.kind == kind].geometry.iloc[0]


def lower_bound_m(points_xy: list[tuple[float, float]]) -> float:
    """Geodesic length of a polyline given by frame points."""
    pts = [ll(x, y) for x, y in points_xy]
    return sum(geodesic_m(a, b) for a, b in itertools.pairwise(pts))


def u_shape(half_gap: float, wall: float, y0: float, y1: float) -> Polygon:
    """A U open to the north: arms from y0 to y1, the bight |x| < half_gap, y > y0 + wall."""
    left = shapely.box(-half_gap - wall, y0, -half_gap, y1)
    right = shapely.box(half_gap, y0, half_gap + wall, y1)
    bottom = shapely.box(-half_gap - wall, y0, half_gap + wall, y0 + wall)
    return shapely.union_all([left, right, bottom])


# --- shortest around the zones as given ----------------------------------------------------------


def test_two_zones_whose_hull_would_close_the_way_leave_it_open() -> None:
    # a block across the way, and a C-shaped ridge east of it whose hull reaches over the block's
    # east end; the way round that end is open and short enough for one flight each way
    block = shapely.box(-300, 280, 60, 320)
    ridge = shapely.union_all(
        [
            shapely.box(280, 140, 290, 460),
            shapely.box(50, 140, 290, 150),
            shapely.box(50, 450, 290, 460),
        ]
    )
    assert block.distance(ridge) > 100
    spec = HelicopterSpec(range_m=590.0, flights_per_sol=2)
    plan = plan_pickup(
        tubes_at([(0.0, 575.0)]),
        lander=ASSUMED_LANDER,
        helicopters=1,
        spec=spec,
        no_fly=[to_ll(ridge), to_ll(block)],
    )
    assert plan.makespan_sols == 1
    assert plan.is_optimal
    flown = flights(plan)
    assert (flown.distance_m <= 590.0).all()
    for line in flown.geometry:
        frame_line = to_xy(line)
        assert frame_line.distance(block) >= 2.0
        assert frame_line.distance(ridge) >= 2.0
    # any way east of the block passes its corners (60, 280) and (60, 320): no shorter way exists,
    # and keeping 2 m from them costs at most 2 m times the angle turned (under pi)
    pad, landing = spot(plan, "pad"), spot(plan, "landing_spot")
    px, py = TO_XY.transform(pad.x, pad.y)
    sx, sy = TO_XY.transform(landing.x, landing.y)
    least = lower_bound_m([(px, py), (60.0, 280.0), (60.0, 320.0), (sx, sy)])
    path_m = float(plan.trips["path_m"].iloc[0])
    assert least <= path_m <= least + 2.1 * math.pi + 0.5
    assert path_m == pytest.approx(flown.distance_m.iloc[0], rel=1e-9)


def test_a_tube_in_the_bight_of_a_c_shaped_zone_is_reached_through_its_mouth() -> None:
    zone = u_shape(30.0, 10.0, 100.0, 200.0)  # bight |x| < 30, 110 < y < 200, open to the north
    tube = (0.0, 140.0)
    assert Point(tube).distance(zone) == pytest.approx(30.0)
    plan = plan_pickup(tubes_at([tube]), lander=ASSUMED_LANDER, no_fly=to_ll(zone))
    assert plan.unreachable.empty
    for line in flights(plan).geometry:
        assert to_xy(line).distance(zone) >= 2.0
    landing = spot(plan, "landing_spot")
    sx, sy = TO_XY.transform(landing.x, landing.y)
    # landing spots are chosen by the length of the path, not by the distance to the pad: the
    # spot on the mouth's side (north of the tube) saves flying past the tube and back
    assert sy > tube[1]
    pad = spot(plan, "pad")
    px, py = TO_XY.transform(pad.x, pad.y)
    side = 1.0 if sx >= 0 else -1.0  # round the arm on the spot's side
    least = lower_bound_m(
        [(px, py), (side * 40.0, 100.0), (side * 40.0, 200.0), (side * 30.0, 200.0), (sx, sy)]
    )
    path_m = float(plan.trips["path_m"].iloc[0])
    assert least <= path_m <= least + 2.1 * 2 * math.pi + 0.5


def test_a_lander_in_the_bight_gets_a_pad_towards_the_depot() -> None:
    zone = u_shape(30.0, 10.0, 100.0, 200.0)
    lander = ll(0.0, 140.0)
    tubes = tubes_at([(0.0, -100.0), (6.0, -104.0)])
    plan = plan_pickup(tubes, lander=lander, no_fly=to_ll(zone))
    pad = spot(plan, "pad")
    assert geodesic_m(lander, (pad.x, pad.y)) == pytest.approx(10.0, abs=1e-3)
    px, py = TO_XY.transform(pad.x, pad.y)
    assert py < 140.0 - 9.9  # towards the depot, in the south
    assert Point(px, py).distance(zone) >= 2.0
    for line in flights(plan).geometry:
        assert to_xy(line).distance(zone) >= 2.0


def test_synthetic_hazards_are_grown_by_the_clearance_and_no_more() -> None:
    from marsgeo.routing.field import Field
    from marsgeo.routing.zones import hazard_zones

    frame = mcrs.local_crs(77.4082, 18.4528)
    fwd = pyproj.Transformer.from_crs(mcrs.MARS_GEOGRAPHIC, frame, always_xy=True)
    zones = [
        shapely.transform(z, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))
        for _, z in hazard_zones("synthetic")
    ]
    field = Field(zones, clearance_m=2.0)
    forbidden = shapely.union_all(field.zones)
    # every point within 2 m of a hazard is forbidden (a fine round buffer lies inside that set)
    near = shapely.union_all([shapely.buffer(z, 2.0, quad_segs=64) for z in zones])
    assert shapely.difference(near, forbidden).area < 1e-3
    # and hardly anything more: at most half a metre (plus a few cm) along the outline
    assert forbidden.area <= near.area + near.length * 0.6
    assert forbidden.area < 1.03 * near.area


def test_paths_slide_along_an_edge_and_pass_through_a_corner() -> None:
    from marsgeo.routing.field import Field

    zone = u_shape(30.0, 10.0, 100.0, 200.0)
    field = Field([zone], clearance_m=0.0)
    outline = shapely.union_all(field.zones)
    assert outline.contains(zone)
    corners = np.asarray(outline.exterior.coords)[:-1]
    # the east arm's inner edge, grown by a few centimetres at most
    edge = corners[(corners[:, 0] < 30.0) & (corners[:, 1] > 110.0) & (corners[:, 1] < 200.0)]
    assert len(edge)
    x = float(edge[:, 0].max())
    assert 29.9 < x < 30.0
    # along that edge, out of the bight past the arm's tip: a straight line touching the outline
    a, b = (x, 150.0), (x, 260.0)
    assert field.shortest_path(a, b) == [a, b]
    # through a corner of the rounded tip: a line touching the outline there only
    k = int(np.argmin(np.hypot(corners[:, 0] - 29.9, corners[:, 1] - 200.1)))
    v = corners[k]
    assert math.hypot(v[0] - 30.0, v[1] - 200.0) < 0.1
    d = corners[(k + 1) % len(corners)] - corners[k - 1]
    d /= math.hypot(*d)
    a2 = (float(v[0] - 25 * d[0]), float(v[1] - 25 * d[1]))
    b2 = (float(v[0] + 25 * d[0]), float(v[1] + 25 * d[1]))
    path = field.shortest_path(a2, b2)
    assert path is not None
    assert LineString(path).length == pytest.approx(50.0, abs=1e-9)
    # a point in the bight to one outside it: round the arm's tip, never through the U
    c = (0.0, 150.0)
    e = (60.0, 150.0)
    path = field.shortest_path(c, e)
    assert path is not None
    assert not LineString(path).intersects(zone)
    tip = math.hypot(30.0, 50.0) + 10.0 + math.hypot(20.0, 50.0)  # via (30, 200), (40, 200)
    assert tip <= LineString(path).length <= tip + 0.1 * math.pi


# --- one plan, one search ---------------------------------------------------------------------


def depot_site(zones: list[tuple[str, Any]], **kw: Any) -> Any:
    from marsgeo.routing.site import Site

    depot = marsgeo.load_depot()
    tubes_ll = np.column_stack([depot.geometry.x, depot.geometry.y])
    site = Site(
        tubes_ll,
        np.ones(len(depot), dtype=bool),
        ASSUMED_LANDER,
        zones,
        HelicopterSpec(),
        ids=list(depot.index),
        **kw,
    )
    site.place_pad(HelicopterSpec())
    return depot, site


def test_plan_trips_plans_every_tube_as_plan_trip_does() -> None:
    from marsgeo.routing.site import Miss, plan_trip

    depot = marsgeo.load_depot()
    cx, cy = TO_XY.transform(depot.geometry.x.mean(), depot.geometry.y.mean())
    lx, ly = 0.0, 0.0  # the lander
    mid = ((cx + lx) / 2, (cy + ly) / 2)
    zones = [
        ("wall", to_ll(shapely.box(mid[0] - 5, mid[1] - 30, mid[0] + 5, mid[1] + 30))),
        ("u", to_ll(u_shape(8.0, 3.0, cy + 40, cy + 70))),
        ("block", to_ll(shapely.box(cx - 80, cy - 60, cx - 60, cy - 40))),
    ]
    _, site = depot_site(zones)
    spec = HelicopterSpec()
    ks = list(range(len(depot)))
    batch = site.plan_trips(ks, spec)
    assert len(batch) == len(depot)
    for k, done in zip(ks, batch, strict=True):
        one = plan_trip(depot.index[k], k, site, spec)
        assert not isinstance(done, (Miss, str))
        assert not isinstance(one, (Miss, str))
        assert done[0].tube_id == depot.index[k]
        assert done[0].spot == one[0].spot
        assert done[0].path_m == pytest.approx(one[0].path_m, rel=1e-12)
        line = done[1]
        assert line.distance(site.field.raw[0]) >= 2.0
        # its length in the frame, straight from the frame's pad to the spot or around the wall
        direct = math.dist(line.coords[0], line.coords[-1])
        assert line.length >= direct - 1e-9


# --- clearances: uncertainty, the pad, the lander, drives ----------------------------------------


def test_landing_spots_and_the_pad_keep_clear_of_uncertain_tubes() -> None:
    depot = marsgeo.load_depot()
    u = np.linspace(0.5, 2.0, len(depot))
    _, site = depot_site([], uncertainty_m=u)
    spec = HelicopterSpec()
    done = site.plan_trips(list(range(len(depot))), spec)
    lon, lat = depot.geometry.x.to_numpy(), depot.geometry.y.to_numpy()
    for k, trip in enumerate(done):
        assert isinstance(trip, tuple)
        spot_ll = trip[0].spot
        d = np.array([geodesic_m(spot_ll, (lon[j], lat[j])) for j in range(len(depot))])
        assert d[k] == pytest.approx(spec.tube_standoff_m + u[k], abs=1e-3)
        others = np.arange(len(depot)) != k
        assert (d[others] >= spec.tube_clearance_m + u[others] - 1e-6).all()
    pad = site.pad_ll
    d_pad = np.array([geodesic_m(pad, (lon[j], lat[j])) for j in range(len(depot))])
    assert (d_pad >= spec.tube_clearance_m + u - 1e-6).all()


def test_the_pad_keeps_clear_of_an_uncertain_tube_beside_the_lander() -> None:
    from marsgeo.routing.site import Site

    # a tube 11 m from the lander, straight towards the depot; known to within 2 m
    xy = [(0.0, 11.0), (0.0, 300.0), (5.0, 305.0)]
    tubes_ll = np.array([ll(x, y) for x, y in xy])
    spec = HelicopterSpec()
    site = Site(
        tubes_ll,
        np.ones(3, dtype=bool),
        ASSUMED_LANDER,
        [],
        spec,
        uncertainty_m=np.array([2.0, 0.0, 0.0]),
    )
    site.place_pad(spec)
    assert geodesic_m(site.pad_ll, tubes_ll[0]) >= spec.tube_clearance_m + 2.0
    assert geodesic_m(site.pad_ll, ASSUMED_LANDER) == pytest.approx(
        spec.lander_standoff_m, abs=1e-3
    )


def test_a_lander_on_a_tube_is_refused() -> None:
    tubes = tubes_at([(0.0, 0.0), (3.0, 250.0)])
    with pytest.raises(PlanningError, match=r"tube 1 at 0\.00 m.*lander_standoff_m=10"):
        plan_pickup(tubes, lander=ASSUMED_LANDER)
    beside = tubes_at([(4.0, 3.0), (3.0, 250.0)])
    with pytest.raises(PlanningError, match=r"tube 1 at 5\.00 m"):
        plan_pickup(beside, lander=ASSUMED_LANDER)


def test_drives_to_the_tubes_and_the_lander_stay_out_of_the_zones() -> None:
    spec = HelicopterSpec(tube_standoff_m=6.0)
    # a thin wall half a metre south of the tube, between it and the lander
    wall = shapely.box(-20.0, 199.3, 20.0, 199.5)
    plan = plan_pickup(
        tubes_at([(0.0, 200.0)]), lander=ASSUMED_LANDER, spec=spec, no_fly=to_ll(wall)
    )
    drives = plan.legs[plan.legs.kind.str.startswith("drive")]
    assert len(drives)
    for line in drives.geometry:
        assert not to_xy(line).intersects(wall)
    for line in flights(plan).geometry:
        assert to_xy(line).distance(wall) >= 2.0
    # a thin wall 5 m south of the lander, the depot beyond it: the pad is not across it
    wall2 = shapely.box(-20.0, -5.2, 20.0, -5.0)
    plan = plan_pickup(tubes_at([(0.0, -200.0)]), lander=ASSUMED_LANDER, no_fly=to_ll(wall2))
    pad = spot(plan, "pad")
    assert not to_xy(LineString([ASSUMED_LANDER, (pad.x, pad.y)])).intersects(wall2)


def test_a_tube_ringed_by_a_zone_is_out_of_reach_by_ground() -> None:
    spec = HelicopterSpec(tube_standoff_m=6.0)
    ring = Point(0.0, 200.0).buffer(1.5).difference(Point(0.0, 200.0).buffer(1.0))
    tubes = tubes_at([(0.0, 200.0), (30.0, 200.0)])
    with pytest.raises(UnreachableError, match=r"tube 1 \(.*drive to the tube"):
        plan_pickup(tubes, lander=ASSUMED_LANDER, spec=spec, no_fly=to_ll(ring))
    plan = plan_pickup(
        tubes, lander=ASSUMED_LANDER, spec=spec, no_fly=to_ll(ring), on_unreachable="skip"
    )
    assert list(plan.unreachable.index) == [1]
    assert list(plan.trips.index) == [2]


# --- tubes too close together ---------------------------------------------------------------------


def test_close_pairs_are_those_closer_than_their_uncertainties() -> None:
    from marsgeo.routing.frame import close_pairs

    rng = np.random.default_rng(7)
    xy = rng.uniform(-40.0, 40.0, (60, 2))
    xy[5] = xy[4]  # the same point
    xy[9] = xy[8] + (0.3, 0.4)  # 0.5 m apart
    pts = np.array([ll(x, y) for x, y in xy])
    pts = np.vstack([pts, [[179.99999, 0.0], [-179.99999, 0.0]]])  # 1.2 m across 180 deg
    u = rng.uniform(0.0, 1.0, len(pts))
    u[[4, 5]] = 0.0
    u[[60, 61]] = 0.7
    found = close_pairs(pts, u)
    expected = []
    for i in range(len(pts)):
        for j in range(i + 1, len(pts)):
            d = geodesic_m(pts[i], pts[j])
            if d == 0.0 or d < u[i] + u[j]:
                expected.append((i, j, d))
    assert [(i, j) for i, j, _ in found] == [(i, j) for i, j, _ in expected]
    assert [d for *_, d in found] == pytest.approx([d for *_, d in expected], abs=1e-6)
    assert (4, 5, 0.0) in found
    assert any((i, j) == (60, 61) for i, j, _ in found)
    assert close_pairs(pts[:1], u[:1]) == []
