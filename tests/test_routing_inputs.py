"""Pickup planning: every spelling of its inputs, refused or honoured, and the plan's clearances
measured independently on the Mars sphere (pyproj's Geod of IAU_2015:49900)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
import warnings
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import Point, Polygon

import marsgeo
from marsgeo import basemap as bm
from marsgeo import crs as mcrs
from marsgeo.errors import CoordinateError, InputError, PlanningError, TooLargeError
from marsgeo.routing import ASSUMED_LANDER, HelicopterSpec, plan_pickup

#: The Mars sphere, straight from PROJ (not from marsgeo).
GEOD = pyproj.CRS("IAU_2015:49900").get_geod()


def geodesic_m(a: Any, b: Any) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def flights(plan: marsgeo.PickupPlan) -> gpd.GeoDataFrame:
    return plan.legs[plan.legs.kind.str.startswith("flight")]


def local_ll(centre: tuple[float, float], xy: list[tuple[float, float]]) -> list[tuple[float, ...]]:
    """Points given in metres east and north of ``centre`` (azimuthal, on the sphere)."""
    out = []
    for x, y in xy:
        lon, lat, _ = GEOD.fwd(
            centre[0], centre[1], math.degrees(math.atan2(x, y)), math.hypot(x, y)
        )
        out.append((float(lon), float(lat)))
    return out


# --- no-fly zones: repaired, honoured or refused ----------------------------------------------


def bowtie_and_lobes() -> tuple[Polygon, list[Polygon]]:
    """A self-intersecting zone across the flights from the assumed lander, and its two lobes.

    Its lobes lie side by side (west and east), each across every flight to the depot.
    """
    a, b, c, d = local_ll(ASSUMED_LANDER, [(-45, -40), (-25, 100), (-25, -40), (-45, 100)])
    # the edges a-b and c-d cross: solve for the crossing in longitude/latitude
    (x1, y1), (x2, y2), (x3, y3), (x4, y4) = a, b, c, d
    den = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
    t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / den
    cross = (x1 + t * (x2 - x1), y1 + t * (y2 - y1))
    return Polygon([a, b, c, d]), [Polygon([a, cross, d]), Polygon([cross, b, c])]


def test_bowtie_zone_keeps_flights_out_of_both_lobes(depot: gpd.GeoDataFrame) -> None:
    bowtie, lobes = bowtie_and_lobes()
    assert not bowtie.is_valid and all(lobe.area > 0 for lobe in lobes)
    plain = flights(plan_pickup(depot, lander=ASSUMED_LANDER))
    assert all(plain.intersects(lobe).any() for lobe in lobes)  # the zone is in the way
    routed = flights(plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=[bowtie]))
    for lobe in lobes:
        assert not routed.intersects(lobe).any()


def test_zone_reaching_the_pole_keeps_its_area(depot: gpd.GeoDataFrame) -> None:
    # everything north of a parallel that cuts the depot, up to the pole, all the way round
    south = 18.4529
    north_of = sorted(depot.index[depot.geometry.y > south])
    assert north_of == [8, 9, 10]
    band = Polygon([(-180, south), (180, south), (180, 90), (-180, 90)])
    with pytest.raises(PlanningError, match=r"tubes \[8, 9, 10\] lie inside a no-fly zone"):
        plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=band)
    plan = plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=band, on_unreachable="skip")
    assert sorted(plan.unreachable.index) == north_of
    assert sorted(plan.trips.index) == [t for t in depot.index if t not in north_of]
    # legs are straight in longitude and latitude: all their vertices south means all south
    lats = shapely.get_coordinates(np.asarray(plan.legs.geometry.values, dtype=object))[:, 1]
    assert (lats < south).all()


def test_zone_covering_the_planet_covers_every_tube_and_the_lander(
    depot: gpd.GeoDataFrame,
) -> None:
    for planet in (shapely.box(-180, -90, 180, 90), shapely.box(0, -90, 360, 90)):
        with pytest.raises(PlanningError, match="lie inside") as info:
            plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=planet)
        assert f"tubes {list(depot.index)}" in str(info.value)
        assert "the lander lies inside" in str(info.value)


@pytest.mark.parametrize(
    ("vertex", "error", "words"),
    [
        ((77.4085, 95.0), CoordinateError, "latitude 95.0 outside -90..90"),
        ((77.4085, -90.5), CoordinateError, "latitude -90.5 outside -90..90"),
        ((math.nan, 18.4525), CoordinateError, "NaN or infinite coordinates"),
        ((math.inf, 18.4525), CoordinateError, "NaN or infinite coordinates"),
        ((400.0, 18.4525), CoordinateError, "longitude 400.0 outside -360..360"),
    ],
)
def test_zone_with_impossible_vertices_is_refused_by_name(
    depot: gpd.GeoDataFrame, vertex: tuple[float, float], error: type, words: str
) -> None:
    ok = shapely.box(77.4070, 18.4530, 77.4071, 18.4531)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # shapely warns of NaN vertices
        bad = Polygon([(77.4085, 18.4525), (77.4090, 18.4525), vertex])
    with pytest.raises(error, match=r"no_fly\[1\]") as info:
        plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=[ok, bad])
    assert words in str(info.value)


def square_between_lander_and_depot(half_m: float = 20.0) -> Polygon:
    mid = ((ASSUMED_LANDER[0] + 77.40821) / 2, (ASSUMED_LANDER[1] + 18.45283) / 2)
    return Polygon(local_ll(mid, [(-half_m, -half_m), (half_m, -half_m), (half_m, half_m),
                                  (-half_m, half_m)]))  # fmt: skip


def test_wkt_text_and_lists_of_wkt_are_zones(depot: gpd.GeoDataFrame) -> None:
    square = square_between_lander_and_depot()
    assert flights(plan_pickup(depot, lander=ASSUMED_LANDER)).intersects(square).any()
    far_away = shapely.box(10.0, 10.0, 10.001, 10.001)
    for spelling in (square.wkt, [square.wkt], [far_away.wkt, square.wkt]):
        routed = flights(plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=spelling))
        assert not routed.intersects(square).any()
    bowtie, lobes = bowtie_and_lobes()
    routed = flights(plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=bowtie.wkt))
    assert not any(routed.intersects(lobe).any() for lobe in lobes)


@pytest.mark.parametrize(
    ("no_fly", "words"),
    [
        ("POLYGON((77.40 18.45, 77.41 18.45", "is not WKT"),
        ("synthetic", "is not WKT"),
        ("POINT(77.4 18.45)", "not only polygons"),
        ([None], "is a NoneType"),
        (b"POLYGON", "not a set of zones"),
        ({"type": "Polygon"}, "not a set of zones"),
    ],
)
def test_what_is_not_a_zone_is_refused(depot: gpd.GeoDataFrame, no_fly: Any, words: str) -> None:
    with pytest.raises(InputError, match="no_fly") as info:
        plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=no_fly)
    assert words in str(info.value)


def _from_centroid(depot: gpd.GeoDataFrame, azimuth: float, dist_m: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(depot.geometry.x.mean(), depot.geometry.y.mean(), azimuth, dist_m)
    return float(lon), float(lat)


def test_hazard_synthetic_is_the_synthetic_dtm(depot: gpd.GeoDataFrame) -> None:
    # north-east of the depot, beyond a synthetic crater that the direct flights cross
    lander = _from_centroid(depot, 51.0, 360.0)
    hazards = bm.hazard_polygons(bm.hazard_mask(bm.slope_deg(bm.synthetic_dtm()))).union_all()
    assert flights(plan_pickup(depot, lander=lander)).intersects(hazards).any()
    for spelling in ("synthetic", " Synthetic "):
        routed = plan_pickup(depot, lander=lander, hazard=spelling)
        assert not flights(routed).intersects(hazards).any()
        assert "hazards from SYNTHETIC terrain: not a measurement" in routed.assumptions
    with pytest.raises(InputError, match="'synthetic'"):
        plan_pickup(depot, lander=lander, hazard="synthetc")


def test_zone_over_a_tube_is_skipped_when_asked(depot: gpd.GeoDataFrame) -> None:
    tube = depot.geometry[3]
    zone = shapely.box(tube.x - 1e-5, tube.y - 1e-5, tube.x + 1e-5, tube.y + 1e-5)
    with pytest.raises(PlanningError, match=r"tubes \[3\] lie inside .*\(no_fly\)"):
        plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=zone)
    plan = plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=zone, on_unreachable="skip")
    assert list(plan.unreachable.index) == [3]
    assert "inside no_fly" in plan.unreachable.loc[3, "why"]
    assert sorted(plan.trips.index) == [t for t in depot.index if t != 3]
    around_lander = shapely.box(
        ASSUMED_LANDER[0] - 1e-5, ASSUMED_LANDER[1] - 1e-5, ASSUMED_LANDER[0] + 1e-5,
        ASSUMED_LANDER[1] + 1e-5,
    )  # fmt: skip
    with pytest.raises(PlanningError, match=r"the lander lies inside .*\(no_fly\[1\]\)"):
        plan_pickup(
            depot, lander=ASSUMED_LANDER, no_fly=[zone, around_lander], on_unreachable="skip"
        )


# --- the frame across the antimeridian, and the plan's own clearance check -------------------


@pytest.mark.parametrize("lat", [18.45, 0.0])
def test_clearances_hold_across_the_antimeridian(lat: float) -> None:
    tubes = gpd.GeoDataFrame(
        geometry=[Point(179.9999, lat), Point(179.9998, lat), Point(-179.9999, lat)],
        crs=mcrs.MARS_GEOGRAPHIC,
    )
    lander = (179.9997, lat - 0.0002)
    plan = plan_pickup(tubes, lander=lander)
    spec = plan.spec
    spots = plan.spots
    pad = spots[spots.kind == "pad"].geometry.iloc[0]
    assert geodesic_m((pad.x, pad.y), lander) >= spec.lander_standoff_m
    landing = spots[spots.kind.isin(["landing_spot", "relay"])]
    assert len(landing[landing.kind == "landing_spot"]) == 3
    for row in landing.itertuples():
        for tid, tube in tubes.geometry.items():
            d = geodesic_m((row.geometry.x, row.geometry.y), (tube.x, tube.y))
            if row.kind == "landing_spot" and tid == row.tube_id:
                assert spec.tube_standoff_m <= d < spec.tube_standoff_m + 1e-3
            else:
                assert d >= spec.tube_clearance_m
    for line in flights(plan).geometry:
        c = line.coords
        length = sum(geodesic_m(c[i], c[i + 1]) for i in range(len(c) - 1))
        assert length <= spec.range_m
        assert length < 50.0  # across the antimeridian, not round the planet


def test_frame_centre_is_the_mean_unit_vector() -> None:
    from marsgeo.crs import local_crs_around, mean_lonlat

    lon, lat = mean_lonlat([179.9999, 179.9998, -179.9999], [18.45, 18.45, 18.45])
    # for a small spread, the mean of the unwrapped longitudes
    assert abs(mcrs.lon_to_180(lon) - mcrs.lon_to_180((179.9999 + 179.9998 + 180.0001) / 3)) < 1e-9
    assert lat == pytest.approx(18.45, abs=1e-9)
    _, pole = mean_lonlat([0.0, 90.0, 180.0, -90.0], [89.0, 89.0, 89.0, 89.0])
    assert pole == pytest.approx(90.0, abs=1e-9)
    assert mean_lonlat([77.4], [18.45]) == (77.4, 18.45)
    with pytest.raises(CoordinateError, match="no centre"):
        mean_lonlat([10.0, -170.0], [20.0, -20.0])  # antipodal
    with pytest.raises(CoordinateError):
        mean_lonlat([], [])
    frame = local_crs_around([179.9999, -179.9999], [18.45, 18.45])
    fwd = pyproj.Transformer.from_crs(mcrs.MARS_GEOGRAPHIC, frame, always_xy=True)
    x, y = fwd.transform([179.9999, -179.9999], [18.45, 18.45])
    assert math.hypot(x[1] - x[0], y[1] - y[0]) == pytest.approx(
        geodesic_m((179.9999, 18.45), (-179.9999, 18.45)), abs=1e-6
    )


def test_a_plan_breaking_its_clearances_is_never_returned(
    depot: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    import marsgeo.routing.site

    # place landing spots half a metre short of the standoff (3 m plus the catalogue's 2 m
    # position uncertainty): the plan's own check must see it
    monkeypatch.setattr(marsgeo.routing.site, "NUDGE_M", -0.5)
    with pytest.raises(PlanningError, match=r"landing spot 4\.5000 m from its tube.*5\.0000 m"):
        plan_pickup(depot, lander=ASSUMED_LANDER)


# --- bounded work ------------------------------------------------------------------------------


def run_apart(body: str) -> dict[str, Any]:
    """Run planning code in a fresh interpreter with bounded memory; return what it prints."""
    code = (
        textwrap.dedent(
            """
        import json, resource
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        import pyproj
        import marsgeo
        from marsgeo.routing import ASSUMED_LANDER, HelicopterSpec, plan_pickup
        GEOD = pyproj.CRS("IAU_2015:49900").get_geod()
        depot = marsgeo.load_depot()
        out = {}
        """
        )
        + textwrap.dedent(body)
        + "\nprint(json.dumps(out))\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=240, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail("planning did not finish")
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_billion_helicopters_fly_one_tube_each(depot: gpd.GeoDataFrame) -> None:
    out = run_apart(
        """
        plan = plan_pickup(depot, lander=ASSUMED_LANDER, helicopters=1_000_000_000)
        out["helicopters"] = plan.helicopters
        out["sols"] = plan.makespan_sols
        out["optimal"] = plan.is_optimal
        out["per_helicopter"] = plan.trips.groupby("helicopter").size().tolist()
        out["busiest"] = plan.busiest_flight_m
        out["longest_trip"] = float(plan.trips["flight_m"].max())
        out["notes"] = list(plan.assumptions)
        """
    )
    # ten tubes, one trip of two flights each, two flights a sol: one sol, one trip each
    assert out["helicopters"] == len(depot) and out["per_helicopter"] == [1] * len(depot)
    assert out["sols"] == 1 and out["optimal"]
    assert out["busiest"] == pytest.approx(out["longest_trip"])
    assert any("1000000000 given" in n for n in out["notes"])


def test_a_million_relays_of_one_metre_finish(depot: gpd.GeoDataFrame) -> None:
    out = run_apart(
        """
        from marsgeo.errors import MarsGeoError
        spec = HelicopterSpec(max_relays=1000000, range_m=1)
        try:
            plan_pickup(depot, lander=ASSUMED_LANDER, spec=spec)
        except MarsGeoError as exc:
            out["raised"] = type(exc).__name__
        plan = plan_pickup(depot, lander=ASSUMED_LANDER, spec=spec, on_unreachable="skip")
        legs = plan.legs[plan.legs.kind.str.startswith("flight")]
        out["longest"] = max(
            sum(GEOD.inv(*c[i], *c[i + 1])[2] for i in range(len(c) - 1))
            for c in (list(g.coords) for g in legs.geometry)
        )
        relays = plan.spots[plan.spots.kind == "relay"].geometry
        out["relay_gap"] = min(
            GEOD.inv(r.x, r.y, t.x, t.y)[2] for r in relays for t in depot.geometry
        )
        out["planned"] = sorted(plan.trips.index.tolist())
        out["left_out"] = sorted(plan.unreachable.index.tolist())
        out["relays"] = int(plan.trips["relays"].max())
        """
    )
    assert out.get("raised") in (None, "UnreachableError")
    assert sorted(out["planned"] + out["left_out"]) == list(depot.index)
    assert out["longest"] <= 1.0 + 1e-9
    assert out["relay_gap"] >= 1.5 - 1e-9
    assert 50 <= out["relays"] <= 1000


def test_a_trip_needing_too_many_relays_is_refused(depot: gpd.GeoDataFrame) -> None:
    out = run_apart(
        """
        from marsgeo.errors import TooLargeError
        try:
            plan_pickup(
                depot, lander=ASSUMED_LANDER, spec=HelicopterSpec(max_relays=10**6, range_m=1e-3)
            )
        except TooLargeError as exc:
            out["message"] = str(exc)
        """
    )
    assert "range_m=0.001" in out["message"] and "m long" in out["message"]
    assert "MAX_RELAYS=1000" in out["message"]


def test_tubes_beyond_one_frame_are_refused_or_out_of_reach(depot: gpd.GeoDataFrame) -> None:
    far = gpd.GeoDataFrame(
        geometry=[*depot.geometry.iloc[:2], Point(-100.0, -40.0)], crs=mcrs.MARS_GEOGRAPHIC
    )
    with pytest.raises(TooLargeError, match="MAX_PLAN_RADIUS_M"):
        plan_pickup(far, lander=ASSUMED_LANDER, spec=HelicopterSpec(range_m=1e6))
    plan = plan_pickup(far, lander=ASSUMED_LANDER, on_unreachable="skip")
    assert list(plan.unreachable.index) == [2] and sorted(plan.trips.index) == [0, 1]


# --- arguments ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lander",
    [
        Point(),
        gpd.GeoSeries([shapely.box(77.409, 18.452, 77.4095, 18.4525)], crs=mcrs.MARS_GEOGRAPHIC),
        gpd.GeoSeries([], crs=mcrs.MARS_GEOGRAPHIC),
        gpd.GeoSeries([Point(ASSUMED_LANDER)] * 2, crs=mcrs.MARS_GEOGRAPHIC),
        "77",
        (True, False),
    ],
    ids=["empty", "polygon", "no-rows", "two-rows", "text", "bools"],
)
def test_a_lander_that_is_not_one_position_is_refused(depot: gpd.GeoDataFrame, lander: Any) -> None:
    with pytest.raises(CoordinateError, match="lander") as info:
        plan_pickup(depot, lander=lander)
    assert "longitude first" in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("range_m", True),
        ("cruise_speed_m_s", True),
        ("tube_standoff_m", 0.0),
        ("lander_standoff_m", 0.0),
        ("tube_standoff_m", 1e9),
        ("obstacle_clearance_m", 1e12),
        ("takeoff_landing_s", True),
        ("range_m", 10**400),
    ],
)
def test_spec_refuses_bools_zero_standoffs_and_huge_distances(field: str, value: Any) -> None:
    with pytest.raises(InputError, match=field):
        HelicopterSpec(**{field: value})


def test_spec_takes_numpy_numbers() -> None:
    spec = HelicopterSpec(range_m=np.float32(650.0), flights_per_sol=np.int64(4))
    assert spec.range_m == 650.0 and type(spec.range_m) is float
    assert spec.flights_per_sol == 4 and type(spec.flights_per_sol) is int


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"tolerance_m": math.nan}, "tolerance_m=nan"),
        ({"tolerance_m": -1.0}, "tolerance_m=-1.0"),
        ({"tolerance_m": math.inf}, "tolerance_m=inf"),
        ({"p_fail_flight": False}, "p_fail_flight=False"),
        ({"priorities": "abc"}, "priorities must map tube ids"),
        ({"priorities": False}, "priorities must map tube ids"),
        ({"on_unreachable": np.array(["raise", "skip"])}, "on_unreachable"),
        ({"helicopters": 0, "tolerance_m": -1}, "2 problems"),
    ],
)
def test_bad_options_are_refused(depot: gpd.GeoDataFrame, kwargs: dict, words: str) -> None:
    with pytest.raises(InputError) as info:
        plan_pickup(depot, lander=ASSUMED_LANDER, **kwargs)
    assert words in str(info.value)


def test_a_hand_made_plan_is_checked() -> None:
    with pytest.raises(InputError, match="legs must be GeoDataFrame"):
        marsgeo.PickupPlan(*(["x"] * 14))


def test_a_dtm_without_data_at_the_tubes_says_so(depot: gpd.GeoDataFrame) -> None:
    dtm = bm.synthetic_dtm(size_m=600, resolution_m=5)
    hole = dtm.data.astype(np.float32)
    rows, cols = hole.shape
    hole[rows // 2 - 20 : rows // 2 + 20, cols // 2 - 20 : cols // 2 + 20] = np.nan  # 200 m
    real = dtm.with_data(hole, synthetic=False, description="a DTM with a hole at the depot")
    with pytest.raises(PlanningError, match=r"no elevation data at tubes 1, 2") as info:
        plan_pickup(depot, lander=ASSUMED_LANDER, hazard=real)
    assert "inside" not in str(info.value)


def test_hazards_from_terrain_say_why_they_are_hazards(depot: gpd.GeoDataFrame) -> None:
    dtm = bm.synthetic_dtm(size_m=600, resolution_m=5)
    lon, lat = dtm.xy_lonlat()
    # a 40 m-high cone centred on tube 1: slopes far above 15 degrees at the tube
    x, y = float(depot.geometry.x.iloc[0]), float(depot.geometry.y.iloc[0])
    r_m = np.hypot((lon - x) * math.cos(math.radians(y)), lat - y) * math.radians(1) * 3_396_190
    steep = dtm.with_data(
        (dtm.data + np.clip(40 - 2 * r_m, 0, None)).astype(np.float32), synthetic=False
    )
    with pytest.raises(PlanningError, match=r"tubes \[1, .*\(slope > 15 deg\)"):
        plan_pickup(depot, lander=ASSUMED_LANDER, hazard=steep)


def test_the_plan_check_measures_the_clearance_from_zones(
    depot: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    import marsgeo.routing

    # a zone beside the flights: the plan keeps obstacle_clearance_m (2 m) from it ...
    zone = Polygon([(77.4085, 18.4520), (77.4087, 18.4520), (77.4087, 18.4522), (77.4085, 18.4522)])
    plan = plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=[zone])
    assert plan.makespan_sols >= 5
    # ... and a check asked for a wider clearance than the paths keep finds the shortfall
    original = marsgeo.routing.plan.check_plan

    def stricter(*args: Any, **kwargs: Any) -> None:
        spec = dataclasses.replace(
            args[-1], obstacle_clearance_m=args[-1].obstacle_clearance_m + 50
        )
        original(*args[:-1], spec, **kwargs)

    monkeypatch.setattr(marsgeo.routing.plan, "check_plan", stricter)
    with pytest.raises(PlanningError, match=r"a path \d+\.\d+ m from no_fly"):
        plan_pickup(depot, lander=ASSUMED_LANDER, no_fly=[zone])


def test_priorities_that_would_mislead_are_refused(depot: gpd.GeoDataFrame) -> None:
    import pandas as pd

    twice = pd.Series([5.0, 0.0] + [1.0] * 9, index=[1, 1, *range(2, 11)])
    with pytest.raises(InputError, match=r"tubes \[1\] more than one value"):
        plan_pickup(depot, lander=ASSUMED_LANDER, priorities=twice)
    with pytest.raises(InputError, match="add up to more than a float holds"):
        plan_pickup(depot, lander=ASSUMED_LANDER, priorities=dict.fromkeys(range(1, 11), 1e308))
    named = depot.assign(priority=["abc"] + [1.0] * 9)
    with pytest.raises(InputError, match=r"column 'priority' of tubes: tubes \[1\]"):
        plan_pickup(named, lander=ASSUMED_LANDER)


def test_every_problem_with_the_arguments_is_reported_at_once(depot: gpd.GeoDataFrame) -> None:
    with pytest.raises(InputError) as info:
        plan_pickup(depot, lander=(math.nan, 95.0), helicopters=0, tolerance_m=-1)
    text = str(info.value)
    assert "3 problems" in text and "helicopters=0" in text
    assert "tolerance_m=-1" in text and "lander=(nan, 95.0)" in text
