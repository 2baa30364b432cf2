"""plot_depot: the depot figure, read back from the artists it draws.

Positions, distances and radii are checked against geodesics on the Mars sphere
(marsgeo.distance_matrix, and the haversine in tests/reference.py), legend colours against
the web map's, label boxes against each other and the markers as the renderer measures them.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pytest
import shapely
from affine import Affine
from matplotlib.colors import to_hex
from matplotlib.text import Text
from pyproj import Transformer

import marsgeo
from marsgeo.basemap import Raster
from marsgeo.crs import MARS_GEOGRAPHIC, local_crs
from marsgeo.errors import CatalogueError, CRSError, InputError
from marsgeo.plot import plot_depot
from marsgeo.plot._frame import frame_of
from marsgeo.plot._labels import LABEL_CHARS
from marsgeo.webmap import SAMPLE_COLORS

from .reference import TUBE_LONLAT, TUBE_NAMES, haversine_m, reference_nearest_m


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def tube_offsets(ax: plt.Axes) -> np.ndarray:
    found = [c for c in ax.collections if c.get_gid() == "marsgeo-tubes"]
    assert len(found) == 1
    return np.asarray(found[0].get_offsets(), dtype=float)


def labels_of(ax: plt.Axes) -> list[Text]:
    return [t for t in ax.texts if t.get_gid() == "marsgeo-label"]


def planar_distances(xy: np.ndarray) -> np.ndarray:
    return np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])


# --- positions in metres ---------------


def test_tube_positions_reproduce_the_geodesic_distance_matrix_to_1_cm(depot):
    ax = plot_depot(depot, labels=False)
    xy = tube_offsets(ax)
    assert xy.shape == (10, 2)
    geodesic = marsgeo.distance_matrix(depot).to_numpy()
    assert np.abs(planar_distances(xy) - geodesic).max() < 0.01
    lon, lat = np.array(TUBE_LONLAT).T  # and the published positions, independently
    reference = haversine_m(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    assert np.abs(planar_distances(xy) - reference).max() < 0.01


def test_tubes_are_drawn_in_catalogue_order_around_the_centre(depot):
    ax = plot_depot(depot.iloc[::-1], labels=False)
    xy = tube_offsets(ax)
    # the last tube (Amalik Witness, first in this order) is the northernmost, about 20 m
    # beyond its neighbour Atsá (now second)
    assert xy[0, 1] == xy[:, 1].max()
    assert abs(math.dist(xy[0], xy[1]) - reference_nearest_m()[9]) < 0.01
    # one unit is one metre around the data's centre: the centroid is near the origin
    assert np.all(np.abs(xy.mean(axis=0)) < 5.0)


def test_a_user_crs_nearby_keeps_distances_and_is_the_frame(depot):
    crs = local_crs(77.42, 18.46)  # a local TM about 1.5 km from the depot
    ax = plot_depot(depot, crs=crs, labels=False)
    xy = tube_offsets(ax)
    to_crs = Transformer.from_crs(MARS_GEOGRAPHIC, crs, always_xy=True)
    lon, lat = np.array(TUBE_LONLAT).T
    ex, ey = to_crs.transform(lon, lat)
    assert np.abs(xy - np.column_stack([ex, ey])).max() < 1e-3
    geodesic = marsgeo.distance_matrix(depot).to_numpy()
    assert np.abs(planar_distances(xy) - geodesic).max() < 0.01
    frame = frame_of(ax)
    assert frame is not None and frame.crs.equals(crs)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 < ex.min() and ex.max() < x1 and y0 < ey.min() and ey.max() < y1


def test_axes_are_equal_and_frame_every_tube(depot):
    ax = plot_depot(depot)
    assert ax.get_aspect() == 1.0
    xy = tube_offsets(ax)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < xy[:, 0].min() and xy[:, 0].max() < x1
    assert y0 < xy[:, 1].min() and xy[:, 1].max() < y1
    # a margin, but not a wide view: the depot spans about 48 m x 50 m
    assert 50 < x1 - x0 < 150 and 50 < y1 - y0 < 150


# --- style and legend ---------------


def test_each_sample_type_is_in_the_legend_once_in_the_web_map_colour(depot):
    ax = plot_depot(depot)
    legend = ax.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    handles = dict(zip(texts, legend.legend_handles, strict=True))
    present = list(dict.fromkeys(depot["sample_type"]))
    assert sorted(present) == sorted(SAMPLE_COLORS)  # the depot holds all five types
    for kind in present:
        assert texts.count(kind) == 1
        assert to_hex(handles[kind].get_markerfacecolor()) == SAMPLE_COLORS[kind]
    # and each tube's marker has its type's colour
    coll = next(c for c in ax.collections if c.get_gid() == "marsgeo-tubes")
    faces = [to_hex(c) for c in coll.get_facecolors()]
    assert faces == [SAMPLE_COLORS[k] for k in depot["sample_type"]]


def test_two_catalogues_on_one_axes_share_the_frame_and_the_legend(depot):
    ax = plot_depot(depot.iloc[:5])
    frame = frame_of(ax)
    plot_depot(depot.iloc[5:], ax=ax)
    assert frame_of(ax) is frame  # the second layer is drawn in the first one's CRS
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(texts) == len(set(texts))
    assert set(SAMPLE_COLORS) <= set(texts)
    parts = [c.get_offsets() for c in ax.collections if c.get_gid() == "marsgeo-tubes"]
    xy = np.vstack(parts)
    geodesic = marsgeo.distance_matrix(depot).to_numpy()
    assert np.abs(planar_distances(xy) - geodesic).max() < 0.01
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < xy[:, 0].min() and xy[:, 0].max() < x1
    assert y0 < xy[:, 1].min() and xy[:, 1].max() < y1


def test_types_not_present_are_not_in_the_legend(depot):
    ax = plot_depot(depot[depot["sample_type"] == "igneous"])
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "igneous" in texts
    assert not {"sedimentary", "regolith", "atmospheric", "witness"} & set(texts)


# --- labels ---------------


def marker_boxes(ax: plt.Axes) -> list[tuple[float, float, float, float]]:
    fig = ax.figure
    coll = next(c for c in ax.collections if c.get_gid() == "marsgeo-tubes")
    half = math.sqrt(coll.get_sizes()[0]) / 2 * fig.dpi / 72
    shown = ax.transData.transform(coll.get_offsets())
    return [(x - half, y - half, x + half, y + half) for x, y in shown]


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# the scale bar, north arrow and credits, which labels must leave readable
FURNITURE = {
    "marsgeo-scalebar",
    "marsgeo-scalebar-label",
    "marsgeo-north",
    "marsgeo-north-label",
    "marsgeo-attribution",
}


def assert_labels_clear(ax: plt.Axes) -> None:
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    # the text of each label (an annotation's own extent also covers its leader line)
    boxes = [tuple(Text.get_window_extent(t, renderer).extents) for t in labels_of(ax)]
    markers = marker_boxes(ax)
    furniture = [
        tuple(a.get_window_extent(renderer).extents)
        for a in ax.get_children()
        if a.get_gid() in FURNITURE and a.get_visible()
    ]
    if ax.get_legend() is not None:
        furniture.append(tuple(ax.get_legend().get_window_extent(renderer).extents))
    for i, box in enumerate(boxes):
        assert not any(overlap(box, other) for other in boxes[:i]), labels_of(ax)[i].get_text()
        assert not any(overlap(box, m) for m in markers), labels_of(ax)[i].get_text()
        assert not any(overlap(box, f) for f in furniture), labels_of(ax)[i].get_text()
        inside = ax.get_window_extent(renderer)
        assert inside.x0 <= box[0] and box[2] <= inside.x1
        assert inside.y0 <= box[1] and box[3] <= inside.y1


@pytest.mark.parametrize("with_plan", [False, True])
def test_the_credits_hide_no_tube(depot, with_plan):
    plan = marsgeo.plan_pickup(depot, lander=marsgeo.routing.ASSUMED_LANDER) if with_plan else None
    ax = plot_depot(depot, raster="synthetic", plan=plan)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    credits = next(t for t in ax.texts if t.get_gid() == "marsgeo-attribution")
    box = tuple(credits.get_bbox_patch().get_window_extent(renderer).extents)
    assert not any(overlap(box, m) for m in marker_boxes(ax))


def test_every_tube_is_named(depot):
    ax = plot_depot(depot)
    assert sorted(t.get_text() for t in labels_of(ax)) == sorted(TUBE_NAMES)
    assert all(t.get_visible() for t in labels_of(ax))


def test_no_label_overlaps_another_label_or_a_marker_at_the_default_size(depot):
    ax = plot_depot(depot, nearest=True)
    assert_labels_clear(ax)


@pytest.mark.parametrize("ticks", ["lonlat", None])
def test_labels_stay_clear_with_other_ticks(depot, ticks):
    ax = plot_depot(depot, ticks=ticks, nearest=True)
    assert len(labels_of(ax)) == 10
    assert_labels_clear(ax)


def test_no_label_overlaps_at_300_dpi(depot):
    _fig, ax = plt.subplots(figsize=(7, 6), dpi=300)
    plot_depot(depot, ax=ax)
    assert_labels_clear(ax)
    ax2 = plot_depot(depot)  # drawn at the default dpi, then printed at 300
    ax2.figure.set_dpi(300)
    assert_labels_clear(ax2)


def test_a_small_figure_keeps_the_legend_off_the_tubes_and_inside_the_page(depot):
    ax = plot_depot(depot, raster="synthetic", figsize=(3.5, 3.5))
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = tuple(ax.get_legend().get_window_extent(renderer).extents)
    assert not any(overlap(legend, m) for m in marker_boxes(ax))
    page = fig.bbox
    assert page.x0 <= legend[0] and legend[2] <= page.x1
    assert page.y0 <= legend[1] and legend[3] <= page.y1
    assert len(labels_of(ax)) == 10
    assert_labels_clear(ax)


def test_labels_stay_clear_when_the_layout_moves_the_axes_later(depot, tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 8), layout="constrained")  # as the command line makes it
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2, 1, height_ratios=(3, 1))
    ax = fig.add_subplot(grid[0])
    plot_depot(depot, ax=ax, nearest=True)
    before = ax.get_position().bounds
    other = fig.add_subplot(grid[1])  # added after: the layout gives the map less room
    other.plot([0, 1], [0, 1e6])
    other.set_ylabel("a long label\nover two lines")
    fig.set_size_inches(9, 7)  # and the figure changes its shape
    fig.canvas.draw()
    assert ax.get_position().bounds != before
    assert_labels_clear(ax)
    # a small figure under a title, on terrain: the layout takes room from the map when drawn
    small = Figure(figsize=(3.5, 3), dpi=300, layout="constrained")
    FigureCanvasAgg(small)
    small.suptitle("The Three Forks sample depot, Jezero crater, Mars")
    ax = small.add_subplot()
    plot_depot(depot, ax=ax, raster="synthetic")
    assert_labels_clear(ax)
    # and the command line's figure of the same
    made: list[Figure] = []
    keep = marsgeo.plot.save_figure

    def spy(fig: Figure, *args: object, **kwargs: object) -> object:
        made.append(fig)
        return keep(fig, *args, **kwargs)

    from marsgeo.cli import main

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(marsgeo.plot, "save_figure", spy)
        out, err = io.StringIO(), io.StringIO()
        args = ["figure", "--dtm", "synthetic", "--size", "3.5,3", "--dpi", "300"]
        code = main([*args, "-o", str(tmp_path / "small.png")], stdout=out, stderr=err)
        assert code == 0, err.getvalue()
    FigureCanvasAgg(made[0])
    assert_labels_clear(made[0].axes[0])


def test_labels_of_a_crowded_depot_stay_clear(depot):
    # the ten tubes squeezed into a few metres: most names need a leader line
    squeezed = depot.copy()
    lon, lat = np.array(TUBE_LONLAT).T
    lon0, lat0 = lon.mean(), lat.mean()
    squeezed.geometry = gpd.points_from_xy(
        lon0 + (lon - lon0) / 8, lat0 + (lat - lat0) / 8, crs=MARS_GEOGRAPHIC
    )
    ax = plot_depot(squeezed)
    assert len(labels_of(ax)) == 10
    assert_labels_clear(ax)


def test_names_come_from_the_index_without_a_name_column(depot):
    ax = plot_depot(depot.drop(columns=["name"]))
    assert sorted(t.get_text() for t in labels_of(ax)) == sorted(str(i) for i in range(1, 11))


HOSTILE = ["$\\alpha$", "{{ x }}", "<b>bold</b>", "two\nlines", "50% & $5", "x" * 500]


def test_hostile_names_are_drawn_verbatim_not_as_mathtext(depot):
    tubes = depot.iloc[: len(HOSTILE)].copy()
    tubes["name"] = HOSTILE
    ax = plot_depot(tubes)
    shown = {t.get_text() for t in labels_of(ax)}
    for name in HOSTILE[:-1]:
        assert name in shown
    cut = next(t for t in shown if t.startswith("xxx"))
    assert len(cut) == LABEL_CHARS and cut.endswith("…") and cut[:-1] == "x" * (LABEL_CHARS - 1)
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    label = next(t for t in labels_of(ax) if t.get_text() == "$\\alpha$")
    size = label.get_fontsize()
    plain = fig.text(0, 0, "$\\alpha$", fontsize=size, parse_math=False)
    math_ = fig.text(0, 0, "$\\alpha$", fontsize=size)
    width = Text.get_window_extent(label, renderer).width
    assert width == pytest.approx(plain.get_window_extent(renderer).width, abs=0.5)
    assert width > 2 * math_.get_window_extent(renderer).width  # not a lone Greek letter
    assert_labels_clear(ax)


def test_names_stay_text_in_svg_even_hostile_ones(depot):
    import xml.etree.ElementTree as ET

    tubes = depot.copy()
    tubes["name"] = [*HOSTILE[:4], *TUBE_NAMES[4:]]
    ax = plot_depot(tubes, nearest=True)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text as text, as papers want
        ax.figure.savefig(buf, format="svg")
    root = ET.fromstring(buf.getvalue())  # well-formed: "<b>" and "{{ x }}" are escaped
    ns = "{http://www.w3.org/2000/svg}"
    shown = ["\n".join(t.itertext()) for t in root.iter(f"{ns}text")]
    for name in [*HOSTILE[:3], *TUBE_NAMES[4:]]:
        assert name in shown, name
    assert "two" in shown and "lines" in shown  # one text line each


def test_control_characters_and_glyphs_the_font_lacks_render_without_warnings(depot):
    tubes = depot.iloc[:3].copy()
    tubes["name"] = ["nul\x00bell\x07", "rocket \U0001f680", "tab\there"]
    ax = plot_depot(tubes)
    shown = sorted(t.get_text() for t in labels_of(ax))
    assert shown == ["nul bell", "rocket \N{REPLACEMENT CHARACTER}", "tab here"]
    ax.figure.savefig(io.BytesIO(), format="png")  # a warning here fails the test


# --- positions that are not confirmed ---------------


def test_inferred_positions_get_circles_of_their_true_radius(depot):
    ax = plot_depot(depot)
    patch = next(p for p in ax.patches if p.get_gid() == "marsgeo-uncertainty")
    xy = tube_offsets(ax)
    verts = patch.get_path().vertices
    radius = np.hypot(verts[:, None, 0] - xy[None, :, 0], verts[:, None, 1] - xy[None, :, 1])
    nearest = radius.min(axis=1)  # every ring vertex is 2 m (the catalogue's value) from a tube
    assert np.abs(nearest - 2.0).max() < 0.005
    assert set(radius.argmin(axis=1)) == set(range(10))  # one ring round each tube


def test_confirmed_positions_get_no_circle(depot):
    tubes = depot.copy()
    tubes["position_confidence"] = "confirmed"
    ax = plot_depot(tubes)
    assert not [p for p in ax.patches if p.get_gid() == "marsgeo-uncertainty"]


def test_assumed_positions_say_assumption(depot):
    tubes = depot.copy()
    tubes["position_confidence"] = tubes["position_confidence"].astype(object)
    tubes.loc[3, "position_confidence"] = "assumed"
    ax = plot_depot(tubes)
    texts = [t.get_text() for t in labels_of(ax)]
    assert "Crosswind Lake\nASSUMPTION" in texts
    assert sum("ASSUMPTION" in t for t in texts) == 1
    frame = frame_of(ax)
    assert frame is not None
    assert any("3" in a and "assumed" in a for a in frame.assumptions)


def test_the_catalogue_sources_are_credited(depot):
    ax = plot_depot(depot)
    frame = frame_of(ax)
    assert frame is not None
    credit = " ".join(frame.credits)
    assert "Planetary Data System" in credit  # the PDS depot bundle
    assert "MMGIS" in credit and "inferred" in credit  # where the positions come from


# --- nearest neighbours, places, zones, plan ---------------


def test_nearest_neighbour_labels_are_geodesic_metres(depot):
    ax = plot_depot(depot, nearest=True)
    texts = [t.get_text() for t in ax.texts if t.get_gid() == "marsgeo-nearest-label"]
    shown = sorted(float(re.fullmatch(r"([0-9.]+) m", t).group(1)) for t in texts)
    expected = sorted({round(d, 1) for d in reference_nearest_m()})
    assert shown == pytest.approx(expected, abs=0.051)
    lines = next(c for c in ax.collections if c.get_gid() == "marsgeo-nearest")
    assert len(lines.get_segments()) == len(texts)


def test_jezero_places_are_drawn_only_where_they_fall_in_the_figure(depot):
    ax = plot_depot(depot, places="jezero")
    names = [t.get_text() for t in ax.texts if t.get_gid() == "marsgeo-place-label"]
    assert "Octavia E. Butler Landing" not in names  # 2.45 km away
    # a no-fly zone round the landing site widens the figure to show it
    lx, ly = 77.45088572, 18.44462715
    square = shapely.box(lx - 1e-4, ly - 1e-4, lx + 1e-4, ly + 1e-4)
    zone = gpd.GeoSeries([square], crs=MARS_GEOGRAPHIC)
    ax2 = plot_depot(depot, places="jezero", no_fly=zone)
    names2 = [t.get_text() for t in ax2.texts if t.get_gid() == "marsgeo-place-label"]
    assert "Octavia E. Butler Landing" in names2
    assert [p for p in ax2.patches if p.get_gid() == "marsgeo-no-fly"]


def test_places_of_your_own_and_sample_types_are_text_not_markup(depot):
    lon0, lat0 = np.array(TUBE_LONLAT).mean(axis=0)
    places = gpd.GeoDataFrame(
        {"name": ["$x^2$ rock", "far away"]},
        geometry=[shapely.Point(lon0, lat0 + 1e-4), shapely.Point(lon0 + 1.0, lat0)],
        crs=MARS_GEOGRAPHIC,
    )
    tubes = depot.copy()
    tubes["sample_type"] = tubes["sample_type"].replace({"witness": "$w$ \U0001f680"})
    ax = plot_depot(tubes, places=places)
    names = [t.get_text() for t in ax.texts if t.get_gid() == "marsgeo-place-label"]
    assert names == ["$x^2$ rock"]  # the place 60 km away is not in the figure
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "$w$ \N{REPLACEMENT CHARACTER}" in legend
    assert not any(t.get_parse_math() for t in ax.get_legend().get_texts())
    ax.figure.savefig(io.BytesIO(), format="png")  # no mathtext error, no missing glyph warning


def test_hazards_from_a_synthetic_mask_are_drawn_and_mark_the_figure_synthetic(depot):
    # a synthetic hazard mask: a 10 m x 6 m block of 1 m cells just south of the depot centre
    lon0, lat0 = np.array(TUBE_LONLAT).mean(axis=0)
    mask = np.zeros((40, 40), dtype=bool)
    mask[22:28, 15:25] = True
    raster = Raster(
        mask,
        Affine(1.0, 0.0, -20.0, 0.0, -1.0, 20.0),
        local_crs(lon0, lat0),
        name="hazard",
        synthetic=True,
    )
    ax = plot_depot(depot, hazard=raster)
    frame = frame_of(ax)
    assert frame is not None and frame.synthetic
    patch = next(p for p in ax.patches if p.get_gid() == "marsgeo-hazard")
    assert "SYNTHETIC" in patch.get_label()
    outline = shapely.Polygon(patch.get_path().vertices)
    assert outline.area == pytest.approx(60.0, rel=0.01)  # 10 m x 6 m on Mars


def test_hazards_given_as_polygons_are_drawn_as_they_are(depot):
    lon0, lat0 = np.array(TUBE_LONLAT).mean(axis=0)
    zone = gpd.GeoSeries(
        [shapely.Point(lon0, lat0).buffer(2e-5)], crs=MARS_GEOGRAPHIC
    )  # about 1.2 m round the centre
    ax = plot_depot(depot, hazard=zone)
    frame = frame_of(ax)
    assert frame is not None and not frame.synthetic
    patch = next(p for p in ax.patches if p.get_gid() == "marsgeo-hazard")
    assert patch.get_label() == "hazard"


def test_a_plan_is_drawn_and_framed(depot):
    plan = marsgeo.plan_pickup(depot, lander=marsgeo.routing.ASSUMED_LANDER)
    ax = plot_depot(depot, plan=plan)
    frame = frame_of(ax)
    assert frame is not None
    lander = plan.spots[plan.spots["kind"] == "lander"].geometry.iloc[0]
    x, y = frame.xy([lander.x], [lander.y])
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < x[0] < x1 and y0 < y[0] < y1
    assert frame.assumptions  # the lander position is an assumption
    assert_labels_clear(ax)


def test_the_input_is_not_modified(depot):
    tubes = depot.copy()
    plot_depot(tubes, nearest=True)
    assert tubes.equals(depot)
    assert tubes.crs == depot.crs


# --- bad input ---------------


def test_tubes_in_an_earth_crs_are_refused(depot):
    earth = depot.set_crs("EPSG:4326", allow_override=True)
    with pytest.raises(CRSError, match="tubes") as err:
        plot_depot(earth)
    assert "Mars" in str(err.value)
    assert not plt.get_fignums()  # no figure made for nothing


def test_empty_tubes_are_refused(depot):
    with pytest.raises(InputError, match=r"tubes is empty; pass at least one point"):
        plot_depot(depot.iloc[:0])


def test_tubes_that_are_not_points_are_refused(depot):
    areas = depot.copy()
    areas.geometry = gpd.GeoSeries(
        shapely.buffer(np.asarray(depot.geometry.values), 1e-6), index=depot.index, crs=depot.crs
    )
    with pytest.raises(CatalogueError, match=r"tubes.*not Points.*centroid"):
        plot_depot(areas)


def test_not_a_geodataframe_is_refused():
    with pytest.raises(InputError, match=r"tubes must be a GeoDataFrame.*got list"):
        plot_depot([(77.4, 18.4)])


def test_bad_options_are_listed_at_once(depot):
    with pytest.raises(InputError) as err:
        plot_depot(depot, labels="yes", nearest=1, ticks="km", scale_bar=None, north_arrow=0)
    text = str(err.value)
    assert "5 problems" in text
    for part in ("labels='yes'", "nearest=1", "ticks='km'", "scale_bar=None", "north_arrow=0"):
        assert part in text
    assert "'m'" in text and "'lonlat'" in text  # the fix: what ticks may be
    assert not plt.get_fignums()


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"ax": "axes"}, r"ax must be a matplotlib Axes.*got str"),
        ({"plan": "plan"}, r"plan must be a marsgeo.PickupPlan.*got str"),
        ({"places": "mars"}, r"places='mars'.*'jezero'"),
        ({"raster": "dtm.tif"}, r"raster='dtm.tif' is not a marsgeo Raster.*'synthetic'"),
        ({"figsize": (7, -1)}, r"figsize=\(7, -1\).*\(width, height\) in inches"),
        ({"hazard": 5}, r"hazard must be polygons.*got int"),
    ],
)
def test_bad_arguments_name_the_argument_and_the_fix(depot, kwargs, pattern):
    with pytest.raises(InputError, match=pattern):
        plot_depot(depot, **kwargs)


def test_figsize_with_axes_is_refused(depot):
    _fig, ax = plt.subplots()
    with pytest.raises(InputError, match=r"figsize=\(3, 3\) sizes a new figure.*set_size_inches"):
        plot_depot(depot, ax=ax, figsize=(3, 3))


def test_no_fly_that_is_not_polygons_is_refused(depot):
    with pytest.raises(InputError, match=r"no_fly: rows 1, 2.*Point.*Polygon"):
        plot_depot(depot, no_fly=depot.geometry.iloc[:2])


@pytest.mark.parametrize(
    ("crs", "pattern"),
    [
        (MARS_GEOGRAPHIC, r"crs=.*not projected in metres.*local_crs"),
        ("EPSG:32633", r"crs=.*not a Mars CRS.*local_crs"),
        ("not a crs", r"crs='not a crs' is not a coordinate reference system"),
    ],
)
def test_a_crs_that_is_not_metric_on_mars_is_refused(depot, crs, pattern):
    with pytest.raises(CRSError, match=pattern):
        plot_depot(depot, crs=crs)
    assert not plt.get_fignums()


def test_a_raster_that_does_not_overlap_the_tubes_says_how_far(depot):
    # a 1 km square DTM centred 5 km due east of the depot
    lon0, lat0 = np.array(TUBE_LONLAT).mean(axis=0)
    east = lon0 + math.degrees(5000 / (3_396_190 * math.cos(math.radians(lat0))))
    far = Raster(
        np.full((100, 100), -2500.0, dtype="float32"),
        Affine(10.0, 0.0, -500.0, 0.0, -10.0, 500.0),
        local_crs(east, lat0),
        name="elevation",
        units="m",
    )
    with pytest.raises(InputError, match=r"raster") as err:
        plot_depot(depot, raster=far)
    found = re.search(r"([0-9][0-9,.]*) (km|m)\b", str(err.value))
    assert found is not None, str(err.value)
    shown = float(found.group(1).replace(",", "")) * (1000 if found.group(2) == "km" else 1)
    # between the nearest edge (4.5 km away) and the raster's centre
    assert 4300 < shown < 5100
