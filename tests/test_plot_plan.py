"""Tests of the plan figures (plot_plan, plot_schedule) and PickupPlan in Jupyter."""

from __future__ import annotations

from collections.abc import Iterator

import geopandas as gpd
import matplotlib
import numpy as np
import pytest
import shapely

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC
from marsgeo.errors import CRSError, InputError
from marsgeo.plot import plot_plan, plot_schedule
from marsgeo.plot._frame import frame_for, frame_of
from marsgeo.routing import ASSUMED_LANDER

# Mars24's sol length [s]: a published fact, not read from the code under test
SOL_S = 88_775.244
# the web map's helicopter colours
HELI = {1: "#00bcd4", 2: "#e91e63"}


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def plan() -> marsgeo.PickupPlan:
    return marsgeo.plan_pickup(marsgeo.load_depot(), lander=ASSUMED_LANDER)


@pytest.fixture(scope="module")
def relay_plan() -> marsgeo.PickupPlan:
    spec = marsgeo.HelicopterSpec(range_m=40, flights_per_sol=8, max_relays=3)
    return marsgeo.plan_pickup(marsgeo.load_depot(), lander=ASSUMED_LANDER, spec=spec)


def _by_gid(ax: plt.Axes, gid: str) -> list:
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    found += [t for t in ax.texts if t.get_gid() == gid and t not in found]
    return found


# --- plot_plan ---------------


def test_legs_are_drawn_where_they_are_in_metres(plan: marsgeo.PickupPlan) -> None:
    ax = plot_plan(plan)
    frame = frame_of(ax)
    assert frame is not None
    flights = _by_gid(ax, "marsgeo-flights")
    assert len(flights) == plan.helicopters
    legs = plan.legs
    for coll in flights:
        colour = matplotlib.colors.to_hex(coll.get_colors()[0])
        h = next(k for k, v in HELI.items() if v == colour)
        own = legs[(legs["helicopter"] == h) & legs["kind"].str.startswith("flight")]
        segs = coll.get_segments()
        assert len(segs) == len(own)
        for seg, (_, leg) in zip(segs, own.iterrows(), strict=True):
            # drawn length in axis units equals the geodesic length on Mars to 1 cm
            drawn = float(np.hypot(*np.diff(seg[[0, -1]], axis=0)[0]))
            assert drawn == pytest.approx(leg["distance_m"], abs=0.01)
            lon, lat = np.asarray(leg.geometry.coords)[0]
            x, y = frame.xy(lon, lat)
            assert seg[0] == pytest.approx([float(x), float(y)], abs=1e-6)


def test_drives_dashed_flights_solid(plan: marsgeo.PickupPlan) -> None:
    ax = plot_plan(plan)
    drives = _by_gid(ax, "marsgeo-drives")
    flights = _by_gid(ax, "marsgeo-flights")
    n_drives = plan.legs["kind"].str.startswith("drive").sum()
    assert sum(len(c.get_segments()) for c in drives) == n_drives
    for c in drives:
        assert c.get_linestyle()[0][1] is not None  # a dash pattern
    for c in flights:
        assert c.get_linestyle()[0][1] is None  # solid


def test_one_sol_label_per_trip(plan: marsgeo.PickupPlan) -> None:
    ax = plot_plan(plan)
    texts = sorted(t.get_text() for t in _by_gid(ax, "marsgeo-sol"))
    want = sorted(f"sol {s}" for s in plan.trips["first_sol"])
    assert texts == want
    # labels do not cover each other
    boxes = [t.get_window_extent() for t in _by_gid(ax, "marsgeo-sol")]
    overlaps = sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert overlaps == 0
    assert not _by_gid(plot_plan(plan, labels=False), "marsgeo-sol")


def test_assumed_lander_says_assumption(plan: marsgeo.PickupPlan) -> None:
    ax = plot_plan(plan)
    assert [t.get_text() for t in _by_gid(ax, "marsgeo-assumption")] == ["ASSUMPTION"]
    frame = frame_of(ax)
    assert frame is not None
    assert any("lander position not published" in a for a in frame.assumptions)
    lander = _by_gid(ax, "marsgeo-spot-lander")[0]
    x, y = frame.xy(*ASSUMED_LANDER)
    assert list(np.asarray(lander.get_offsets())[0]) == pytest.approx(
        [float(x), float(y)], abs=1e-6
    )
    labels = ax.get_legend_handles_labels()[1]
    assert "lander (ASSUMED position)" in labels
    assert "helicopter 1 (sols 1-5)" in labels


def test_given_lander_has_no_assumption() -> None:
    given = marsgeo.plan_pickup(marsgeo.load_depot(), lander=(77.4095, 18.4524))
    ax = plot_plan(given)
    assert not _by_gid(ax, "marsgeo-assumption")
    frame = frame_of(ax)
    assert frame is not None
    assert not frame.assumptions


def test_relay_spots_drawn(relay_plan: marsgeo.PickupPlan) -> None:
    ax = plot_plan(relay_plan)
    relays = _by_gid(ax, "marsgeo-spot-relay")
    assert len(relays) == 1
    assert len(relays[0].get_offsets()) == int((relay_plan.spots["kind"] == "relay").sum())
    assert len(_by_gid(ax, "marsgeo-spot-landing_spot")[0].get_offsets()) == 10


def test_on_existing_frame_keeps_it_and_its_limits(plan: marsgeo.PickupPlan) -> None:
    tubes = marsgeo.load_depot()
    _, ax = plt.subplots()
    frame = frame_for(ax, tubes.geometry.x, tubes.geometry.y)
    ax.set_xlim(-200, 200)
    ax.set_ylim(-200, 200)
    out = plot_plan(plan, ax=ax)
    assert out is ax
    assert frame_of(ax) is frame
    assert ax.get_xlim() == pytest.approx((-200, 200))
    assert ax.get_ylim() == pytest.approx((-200, 200))


def test_on_existing_frame_widens_to_the_plan(plan: marsgeo.PickupPlan) -> None:
    tubes = marsgeo.load_depot()
    _, ax = plt.subplots()
    frame = frame_for(ax, tubes.geometry.x, tubes.geometry.y)
    ax.set_xlim(-10, 10)
    ax.set_ylim(-10, 10)
    plot_plan(plan, ax=ax)
    x, y = frame.xy(*ASSUMED_LANDER)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < float(x) < x1
    assert y0 < float(y) < y1
    assert x0 <= -10 and x1 >= 10 and y0 <= -10 and y1 >= 10


def test_no_fly_zone_drawn_in_frame(plan: marsgeo.PickupPlan) -> None:
    zone = shapely.box(77.4080, 18.4530, 77.4085, 18.4534)
    no_fly = gpd.GeoDataFrame(geometry=[zone], crs=MARS_GEOGRAPHIC)
    ax = plot_plan(plan, no_fly=no_fly)
    frame = frame_of(ax)
    assert frame is not None
    (coll,) = _by_gid(ax, "marsgeo-no-fly")
    verts = coll.get_paths()[0].vertices
    x, y = frame.xy(77.4080, 18.4530)
    assert np.min(np.hypot(verts[:, 0] - x, verts[:, 1] - y)) < 1e-6
    assert coll.get_hatch() == "//"


def test_synthetic_hazards_mark_the_frame(plan: marsgeo.PickupPlan) -> None:
    ax = plot_plan(plan, hazard="synthetic")
    frame = frame_of(ax)
    assert frame is not None
    assert frame.synthetic
    assert any("SYNTHETIC" in c for c in frame.credits)
    assert _by_gid(ax, "marsgeo-hazard")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"labels": "yes"}, "labels='yes'"),
        ({"scale_bar": 1}, "scale_bar=1"),
        ({"ticks": "km"}, "ticks='km'"),
        ({"ax": "axes"}, "ax=str"),
        ({"no_fly": [1, 2]}, "no_fly must be polygons"),
    ],
)
def test_bad_arguments(plan: marsgeo.PickupPlan, kwargs: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        plot_plan(plan, **kwargs)


def test_not_a_plan() -> None:
    with pytest.raises(InputError, match=r"plan_pickup"):
        plot_plan(marsgeo.load_depot())
    with pytest.raises(InputError, match=r"plan_pickup"):
        plot_schedule({"legs": []})


def test_earth_zone_refused(plan: marsgeo.PickupPlan) -> None:
    zone = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    with pytest.raises(CRSError):
        plot_plan(plan, no_fly=zone)


# --- plot_schedule ---------------


def test_one_bar_per_trip_at_its_times(plan: marsgeo.PickupPlan) -> None:
    ax = plot_schedule(plan)
    bars = _by_gid(ax, "marsgeo-trip")
    assert len(bars) == len(plan.trips)
    spans = sorted((b.get_x(), b.get_x() + b.get_width()) for b in bars)
    want = sorted(zip(plan.trips["start_s"] / SOL_S, plan.trips["end_s"] / SOL_S, strict=True))
    assert np.asarray(spans) == pytest.approx(np.asarray(want), rel=1e-12)
    # the last bar ends at the last handover, inside the makespan's last sol
    last = max(e for _, e in spans)
    assert last == pytest.approx(plan.legs["end_s"].max() / SOL_S, rel=1e-12)
    assert plan.makespan_sols - 1 < last <= plan.makespan_sols


def test_bars_on_their_helicopters_rows_in_their_colours(plan: marsgeo.PickupPlan) -> None:
    ax = plot_schedule(plan)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["helicopter 1", "helicopter 2"]
    by_start = {round(b.get_x() * SOL_S, 3): b for b in _by_gid(ax, "marsgeo-trip")}
    for _, trip in plan.trips.iterrows():
        bar = by_start[round(float(trip["start_s"]), 3)]
        h = int(trip["helicopter"])
        assert bar.get_y() < h < bar.get_y() + bar.get_height()
        assert matplotlib.colors.to_hex(bar.get_edgecolor()) == HELI[h]


def test_flights_inside_their_trips(plan: marsgeo.PickupPlan) -> None:
    ax = plot_schedule(plan)
    flights = _by_gid(ax, "marsgeo-flight")
    assert len(flights) == int(plan.legs["kind"].str.startswith("flight").sum())
    bars = _by_gid(ax, "marsgeo-trip")
    for f in flights:
        a, b = f.get_x(), f.get_x() + f.get_width()
        assert any(t.get_x() <= a < b <= t.get_x() + t.get_width() + 1e-12 for t in bars)
        # flying is drawn opaque, the time on the ground translucent
        assert f.get_facecolor()[3] == 1.0
    assert all(t.get_facecolor()[3] < 1.0 for t in bars)


def test_makespan_and_lower_bound_lines(relay_plan: marsgeo.PickupPlan) -> None:
    ax = plot_schedule(relay_plan)
    (makespan,) = _by_gid(ax, "marsgeo-makespan")
    (bound,) = _by_gid(ax, "marsgeo-lower-bound")
    (handover,) = _by_gid(ax, "marsgeo-last-handover")
    assert makespan.get_xdata()[0] == relay_plan.makespan_sols
    assert bound.get_xdata()[0] == relay_plan.lower_bound_sols
    assert handover.get_xdata()[0] == pytest.approx(relay_plan.trips["end_s"].max() / SOL_S)
    assert f"makespan: {relay_plan.makespan_sols} sols" in ax.get_legend_handles_labels()[1]
    # two trips a sol per helicopter: one bar per trip all the same
    assert len(_by_gid(ax, "marsgeo-trip")) == len(relay_plan.trips) == 10


def test_hostile_tube_ids_drawn_as_typed() -> None:
    tubes = marsgeo.load_depot()
    tubes.index = [f"$x^{i}$" for i in range(len(tubes))]
    hostile = marsgeo.plan_pickup(tubes, lander=ASSUMED_LANDER)
    ax = plot_schedule(hostile)
    names = {t.get_text() for t in _by_gid(ax, "marsgeo-trip-label")}
    assert names == set(tubes.index)
    ax.figure.canvas.draw()  # mathtext off: nothing to parse or fail on


# --- PickupPlan in Jupyter ---------------


def test_repr_html_summary_and_schedule(plan: marsgeo.PickupPlan) -> None:
    page = plan._repr_html_()
    assert f"{plan.makespan_sols} sols" in page
    assert "proven optimal" in page
    assert page.count("<tr>") == len(plan.trips) + 1
    for tube in plan.trips.index:
        assert f"<tr><td>{tube}</td>" in page
    assert "<script" not in page.lower()
    assert len(page.splitlines()) < 20


def test_repr_html_escapes_hostile_ids() -> None:
    tubes = marsgeo.load_depot()
    ids = {3: "<script>alert(1)</script>", 4: "{{ 7*7 }}", 5: '"><img src=x onerror=alert(1)>'}
    tubes.index = [ids.get(i, f"t{i}") for i in tubes.index]
    hostile = marsgeo.plan_pickup(tubes, lander=ASSUMED_LANDER)
    page = hostile._repr_html_()
    assert "<script" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{ 7*7 }}" in page  # shown as typed, never evaluated
    assert "49" not in page.split("<table")[1]
