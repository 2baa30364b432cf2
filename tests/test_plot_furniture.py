"""Map furniture and raster underlays of marsgeo.plot: measured on Mars, read back from the axes.

Expected values are worked out here with pyproj directly on the IAU 2015 Mars sphere
(R = 3 396 190 m) and with plain formulas, not with marsgeo's own conversions.
"""

from __future__ import annotations

import io
import math
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pyproj
import pytest
from affine import Affine
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import (
    PolarStereographicAConversion,
    TransverseMercatorConversion,
)

from marsgeo.basemap import Raster, read_raster, synthetic_dtm
from marsgeo.errors import InputError
from marsgeo.plot._frame import frame_for
from marsgeo.plot._furniture import furnish
from marsgeo.plot._underlay import draw_raster

from .products import (
    DEPOT_LAT,
    DEPOT_LON,
    ESRI_EQC_MARS_WKT,
    usgs_hirise_dtm,
    usgs_hirise_ortho,
)
from .reference import MARS_R, TUBE_LONLAT

MARS = pyproj.CRS("IAU_2015:49900")
GEOD = pyproj.Geod(a=MARS_R, b=MARS_R)
EQC_LAT_TS0 = pyproj.CRS.from_wkt(ESRI_EQC_MARS_WKT)  # the USGS Mars 2020 products' CRS


def _tm(lon: float, lat: float, k0: float = 1.0) -> ProjectedCRS:
    conversion = TransverseMercatorConversion(
        latitude_natural_origin=lat, longitude_natural_origin=lon, scale_factor_natural_origin=k0
    )
    return ProjectedCRS(conversion=conversion, geodetic_crs=MARS)


NORTH_POLAR_STEREO = ProjectedCRS(
    conversion=PolarStereographicAConversion(
        latitude_natural_origin=90, longitude_natural_origin=0, scale_factor_natural_origin=1
    ),
    geodetic_crs=MARS,
)
#: user frames whose unit is not a metre of ground, or whose north is not up
USER_CRSS = {
    "tm_k0.98": _tm(77.4, 18.45, 0.98),
    "tm_k1.05": _tm(77.4, 18.45, 1.05),
    "tm_5deg_west": _tm(DEPOT_LON - 5.0, 18.0),
    "north_polar_stereo": NORTH_POLAR_STEREO,
}


@pytest.fixture(autouse=True)
def _close_figures():  # type: ignore[no-untyped-def]
    yield
    plt.close("all")


def _axes(crs=None, *, half_m=40.0, size=(3.5, 3.5)):  # type: ignore[no-untyped-def]
    """Axes with a frame centred on the depot, limits +-half_m frame units around it."""
    _, ax = plt.subplots(figsize=size)
    frame = frame_for(ax, [DEPOT_LON], [DEPOT_LAT], crs=crs)
    to_frame = pyproj.Transformer.from_crs(MARS, frame.crs, always_xy=True)
    cx, cy = to_frame.transform(DEPOT_LON, DEPOT_LAT)
    ax.set_xlim(cx - half_m, cx + half_m)
    ax.set_ylim(cy - half_m, cy + half_m)
    return ax, frame


def _lonlat(crs, x, y):  # type: ignore[no-untyped-def]
    return pyproj.Transformer.from_crs(crs, MARS, always_xy=True).transform(x, y)


def _only(ax, gid):  # type: ignore[no-untyped-def]
    found = [a for a in ax.get_children() if a.get_gid() == gid]
    assert len(found) == 1, (gid, len(found))
    return found[0]


def _gids(ax) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.get_gid() for a in ax.get_children() if isinstance(a.get_gid(), str)]


def _metres(label: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+) (km|m|cm|mm)", label).groups()  # type: ignore[union-attr]
    return float(number) * {"km": 1000.0, "m": 1.0, "cm": 0.01, "mm": 0.001}[unit]


def _words(text: str) -> str:
    return " ".join(text.split())


# --- scale bar ---------------


def _scale_bar_check(ax, frame):  # type: ignore[no-untyped-def]
    bar = _only(ax, "marsgeo-scalebar")
    (x0, y0), (x1, y1) = bar.get_xydata()
    lon, lat = _lonlat(frame.crs, [x0, x1], [y0, y1])
    _, _, drawn_m = GEOD.inv(lon[0], lat[0], lon[1], lat[1])
    label = _only(ax, "marsgeo-scalebar-label").get_text()
    said_m = _metres(label)
    assert drawn_m == pytest.approx(said_m, rel=0.005)
    mantissa = said_m / 10 ** math.floor(math.log10(said_m))
    assert round(mantissa, 9) in (1.0, 2.0, 5.0)
    width = np.ptp(ax.get_xlim())
    assert 0.12 * width <= abs(x1 - x0) <= 0.33 * width  # about a fifth of the width
    return said_m, abs(x1 - x0)


def test_scale_bar_is_its_label_long_on_mars_in_the_local_frame() -> None:
    ax, frame = _axes()
    furnish(ax)
    said_m, units = _scale_bar_check(ax, frame)
    assert said_m == 20.0  # 80 m wide: the round length nearest to a fifth of it
    assert units == pytest.approx(said_m, rel=1e-4)  # local TM: one unit is one metre


@pytest.mark.parametrize("name", ["tm_k1.05", "tm_k0.98", "north_polar_stereo"])
def test_scale_bar_is_its_label_long_on_mars_in_a_scaled_user_frame(name: str) -> None:
    ax, frame = _axes(USER_CRSS[name], half_m=60.0)
    furnish(ax)
    said_m, units = _scale_bar_check(ax, frame)
    # these frames are not metres of ground: a bar of `said_m` units would be off by > 1.5 %
    assert abs(units / said_m - 1) > 0.015


def test_scale_bar_of_a_sub_metre_figure_is_in_centimetres() -> None:
    ax, frame = _axes(half_m=1.0)
    furnish(ax)
    said_m, _ = _scale_bar_check(ax, frame)
    assert _only(ax, "marsgeo-scalebar-label").get_text() == "50 cm"
    assert said_m == 0.5


def test_scale_bar_of_a_kilometre_figure_is_in_kilometres() -> None:
    ax, frame = _axes(half_m=5000.0)
    furnish(ax)
    _scale_bar_check(ax, frame)
    assert _only(ax, "marsgeo-scalebar-label").get_text() == "2 km"


# --- north arrow ---------------


def _true_north_deg(crs, x, y) -> float:  # type: ignore[no-untyped-def]
    """Direction of true north at frame point (x, y), degrees anticlockwise from +x."""
    lon, lat = _lonlat(crs, x, y)
    to_frame = pyproj.Transformer.from_crs(MARS, crs, always_xy=True)
    nx, ny = to_frame.transform(lon, lat + 1e-4)
    return math.degrees(math.atan2(ny - y, nx - x))


def _arrow_deg(ax) -> float:  # type: ignore[no-untyped-def]
    arrow = _only(ax, "marsgeo-north")
    (hx, hy), (tx, ty) = arrow.xy, arrow.xyann
    return math.degrees(math.atan2(hy - ty, hx - tx))


def _angle_between(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def test_north_arrow_points_straight_up_in_the_local_frame() -> None:
    ax, _ = _axes()
    furnish(ax)
    assert _angle_between(_arrow_deg(ax), 90.0) < 0.01
    assert _only(ax, "marsgeo-north-label").get_text() == "N"


@pytest.mark.parametrize("name", ["tm_5deg_west", "north_polar_stereo"])
def test_north_arrow_points_to_true_north_where_north_is_not_up(name: str) -> None:
    ax, frame = _axes(USER_CRSS[name], half_m=60.0)
    furnish(ax)
    cx, cy = np.mean(ax.get_xlim()), np.mean(ax.get_ylim())
    expected = _true_north_deg(frame.crs, cx, cy)
    assert _angle_between(expected, 90.0) > 1.0  # north is not up in this frame
    assert _angle_between(_arrow_deg(ax), expected) < 0.5


# --- ticks ---------------


def _tick_labels(ax, axis):  # type: ignore[no-untyped-def]
    ax.figure.canvas.draw()
    which = ax.xaxis if axis == "x" else ax.yaxis
    lo, hi = sorted(ax.get_xlim() if axis == "x" else ax.get_ylim())
    pairs = [
        (t.get_loc(), t.label1.get_text())
        for t in which.get_major_ticks()
        if lo <= t.get_loc() <= hi and t.label1.get_visible()
    ]
    assert len(pairs) >= 2, pairs
    return pairs


def _degrees(label: str) -> tuple[float, int, str]:
    number, hemisphere = re.fullmatch(r"([0-9.]+)°([NSEW])", label).groups()  # type: ignore[union-attr]
    decimals = len(number.split(".")[1]) if "." in number else 0
    sign = -1.0 if hemisphere in "SW" else 1.0
    return sign * float(number), decimals, hemisphere


@pytest.mark.parametrize("name", [None, "north_polar_stereo"])
def test_lonlat_ticks_say_the_planetocentric_degrees_where_they_sit(name: str | None) -> None:
    ax, frame = _axes(None if name is None else USER_CRSS[name], half_m=600.0)
    furnish(ax, ticks="lonlat")
    xmin, ymin = min(ax.get_xlim()), min(ax.get_ylim())
    for loc, label in _tick_labels(ax, "x"):
        value, decimals, hemisphere = _degrees(label)
        lon, _ = _lonlat(frame.crs, loc, ymin)  # where the tick sits on the bottom edge
        assert hemisphere in "EW"
        assert value == pytest.approx(lon, abs=0.01 * 10.0**-decimals)  # on a round longitude
    for loc, label in _tick_labels(ax, "y"):
        value, decimals, hemisphere = _degrees(label)
        _, lat = _lonlat(frame.crs, xmin, loc)
        assert hemisphere in "NS"
        assert value == pytest.approx(lat, abs=0.01 * 10.0**-decimals)
    assert "planetocentric" in ax.get_ylabel()


def test_metre_ticks_count_from_the_frame_centre() -> None:
    ax, frame = _axes(USER_CRSS["tm_5deg_west"], half_m=60.0)  # the centre is 281 km from 0
    furnish(ax, ticks="m")
    to_frame = pyproj.Transformer.from_crs(MARS, frame.crs, always_xy=True)
    centre = to_frame.transform(*frame.centre)
    for axis, origin in (("x", centre[0]), ("y", centre[1])):
        for loc, label in _tick_labels(ax, axis):
            assert float(label.replace("\N{MINUS SIGN}", "-")) == pytest.approx(
                loc - origin, abs=1e-6
            )
    assert ax.get_xlabel() == "easting [m]"
    assert ax.get_ylabel() == "northing [m]"


def test_no_ticks() -> None:
    ax, _ = _axes()
    furnish(ax, ticks=None)
    assert list(ax.get_xticks()) == []
    assert list(ax.get_yticks()) == []


# --- attribution, stamp, idempotence ---------------


def test_attribution_lists_every_credit_assumption_and_the_crs() -> None:
    ax, frame = _axes()
    frame.credit("HiRISE orthomosaic (NASA/JPL-Caltech/University of Arizona)")
    frame.credit("Tube positions from the PDS Three Forks depot bundle")
    frame.assume("the lander position 77.4100E 18.4520N is assumed")
    furnish(ax)
    text = _words(_only(ax, "marsgeo-attribution").get_text())
    assert "HiRISE orthomosaic (NASA/JPL-Caltech/University of Arizona)" in text
    assert "Tube positions from the PDS Three Forks depot bundle" in text
    assert "ASSUMPTION: the lander position 77.4100E 18.4520N is assumed" in text
    assert frame.crs.name in text
    assert "SYNTHETIC" not in text
    assert "marsgeo-synthetic" not in _gids(ax)


def _assert_credits_inside(ax) -> None:  # type: ignore[no-untyped-def]
    """The credits' box, as drawn, lies inside the axes (a pixel of tolerance)."""
    fig = ax.get_figure(root=True)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    credits = _only(ax, "marsgeo-attribution")
    inside = ax.get_window_extent(renderer)
    for box in (credits.get_window_extent(renderer), credits.get_bbox_patch().get_window_extent()):
        assert inside.x0 - 1 <= box.x0 and box.x1 <= inside.x1 + 1, (box, inside)
        assert inside.y0 - 1 <= box.y0 and box.y1 <= inside.y1 + 1, (box, inside)


def test_credits_stay_inside_axes_that_a_layout_shrinks_after_they_are_drawn(depot) -> None:  # type: ignore[no-untyped-def]
    import marsgeo
    from marsgeo.plot import plot_depot, plot_schedule

    plan = marsgeo.plan_pickup(depot, lander=marsgeo.routing.ASSUMED_LANDER, helicopters=2)
    # the map above its schedule: the layout narrows the map after its credits are made
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(7, 8.5), dpi=100, height_ratios=(3, 1), layout="constrained"
    )
    plot_depot(depot, ax=top, raster="synthetic", plan=plan)
    plot_schedule(plan, ax=bottom)
    _assert_credits_inside(top)
    text = _words(_only(top, "marsgeo-attribution").get_text())
    assert "ASSUMPTION: lander position not published" in text  # wrapped, not cut
    assert "SYNTHETIC terrain generated by marsgeo, not a measurement" in text
    fig.set_size_inches(4.5, 8.5)  # and narrowed again: wrapped again
    _assert_credits_inside(top)
    # a small figure with a plan, and without
    for with_plan in (plan, None):
        fig, ax = plt.subplots(figsize=(3.5, 3), dpi=300, layout="constrained")
        plot_depot(depot, ax=ax, raster="synthetic", plan=with_plan)
        _assert_credits_inside(ax)


def test_furnish_twice_leaves_one_of_each_and_follows_new_limits() -> None:
    ax, frame = _axes()
    furnish(ax)
    ax.set_xlim(-400, 400)
    ax.set_ylim(-400, 400)
    furnish(ax)
    gids = _gids(ax)
    for gid in ("marsgeo-scalebar", "marsgeo-north", "marsgeo-attribution"):
        assert gids.count(gid) == 1
    said_m, _ = _scale_bar_check(ax, frame)
    assert said_m == 200.0  # 800 m wide: a fifth is 160 m
    furnish(ax, scale_bar=False, north_arrow=False, attribution=False)
    assert not {"marsgeo-scalebar", "marsgeo-north", "marsgeo-attribution"} & set(_gids(ax))


def test_furnish_refuses_axes_without_a_frame_and_bad_options() -> None:
    _, ax = plt.subplots()
    with pytest.raises(InputError, match="no marsgeo frame"):
        furnish(ax)
    ax, _ = _axes()
    with pytest.raises(InputError, match="ticks='deg'"):
        furnish(ax, ticks="deg")


def _red_pixels(ax) -> int:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=100)
    buf.seek(0)
    rgb = plt.imread(buf)[..., :3]
    return int(((rgb[..., 0] - rgb[..., 1] > 0.15) & (rgb[..., 0] - rgb[..., 2] > 0.15)).sum())


def test_synthetic_underlay_is_stamped_and_said() -> None:
    ax, frame = _axes(half_m=200.0)
    image = draw_raster(ax, "synthetic")
    furnish(ax)
    assert image.get_gid() == "marsgeo-underlay"
    assert frame.synthetic
    stamp = _only(ax, "marsgeo-synthetic")
    assert stamp.get_text() == "SYNTHETIC"
    assert stamp.get_fontsize() >= 24
    text = _words(_only(ax, "marsgeo-attribution").get_text())
    assert "SYNTHETIC terrain generated by marsgeo, not a measurement" in text
    assert _red_pixels(ax) > 2000  # the stamp shows


def test_real_looking_dtm_is_credited_and_not_stamped(tmp_path) -> None:  # type: ignore[no-untyped-def]
    dtm = read_raster(usgs_hirise_dtm(tmp_path).path)
    ax, frame = _axes(half_m=25.0)
    image = draw_raster(ax, dtm)
    furnish(ax)
    assert "marsgeo-synthetic" not in _gids(ax)
    assert not frame.synthetic
    text = _words(_only(ax, "marsgeo-attribution").get_text())
    assert "hillshade of JEZ_hirise_soc_006_DTM" in text
    assert "USGS" in text
    values = np.ma.compressed(image.get_array())
    assert values.size > 0
    assert values.min() >= 0.0 and values.max() <= 1.0  # a hillshade, not elevations
    assert _red_pixels(ax) == 0


# --- underlay ---------------


def _square_raster(side_m: float) -> Raster:
    """A 0/1 image in the USGS Eqc_latTs0 CRS: 1 on a square of ground side_m wide and high.

    Written with the equirectangular formulas (x = R lon cos 0, y = R lat) and pyproj's
    geodesics; each pixel holds the fraction of it inside the square.
    """
    pixel = 1.0
    lon_e = GEOD.fwd(DEPOT_LON, DEPOT_LAT, 90.0, side_m / 2)[0]
    lon_w = GEOD.fwd(DEPOT_LON, DEPOT_LAT, 270.0, side_m / 2)[0]
    lat_n = GEOD.fwd(DEPOT_LON, DEPOT_LAT, 0.0, side_m / 2)[1]
    lat_s = GEOD.fwd(DEPOT_LON, DEPOT_LAT, 180.0, side_m / 2)[1]
    x0, x1 = (MARS_R * math.radians(v) for v in (lon_w, lon_e))
    y0, y1 = (MARS_R * math.radians(v) for v in (lat_s, lat_n))
    n = 300
    left = math.floor((x0 + x1) / 2) - n // 2
    top = math.floor((y0 + y1) / 2) + n // 2
    edges_x = left + np.arange(n + 1) * pixel
    edges_y = top - np.arange(n + 1) * pixel
    cover_x = np.clip(np.minimum(edges_x[1:], x1) - np.maximum(edges_x[:-1], x0), 0, None)
    cover_y = np.clip(np.minimum(edges_y[:-1], y1) - np.maximum(edges_y[1:], y0), 0, None)
    data = (cover_y[:, None] * cover_x[None, :]).astype(np.float32)
    return Raster(
        data=data,
        transform=Affine(pixel, 0, left, 0, -pixel, top),
        crs=EQC_LAT_TS0,
        name="square",
        units="",
        description="a test square",
    )


def test_equirectangular_raster_is_not_stretched() -> None:
    side_m = 200.0
    square = _square_raster(side_m)
    ax, _ = _axes(half_m=140.0)
    image = draw_raster(ax, square, extent=(-140.0, 140.0, -140.0, 140.0))
    values = np.ma.filled(image.get_array(), 0.0).astype(float)
    # the image holds the values themselves: show them as 0..1 to read the square back
    xmin, xmax, ymin, ymax = image.get_extent()
    rows, cols = values.shape
    dx, dy = (xmax - xmin) / cols, (ymax - ymin) / rows
    inside = values / values.max()
    width = inside[rows // 2 - 20 : rows // 2 + 20].sum(axis=1).mean() * dx
    height = inside[:, cols // 2 - 20 : cols // 2 + 20].sum(axis=0).mean() * dy
    assert width == pytest.approx(side_m, rel=0.005)
    assert height == pytest.approx(side_m, rel=0.005)
    # drawn in its own units, the square would be 1 / cos(lat) = 5.4 % wider than high
    assert 1 / math.cos(math.radians(DEPOT_LAT)) - 1 > 0.05


def test_image_underlay_is_drawn_as_itself_stretched(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ortho = read_raster(usgs_hirise_ortho(tmp_path).path)
    ax, frame = _axes(half_m=20.0)
    image = draw_raster(ax, ortho)
    values = np.ma.compressed(image.get_array())
    assert values.max() > 1.0  # brightness values, not a hillshade
    lo, hi = np.percentile(values, [2, 98])
    assert image.norm.vmin == pytest.approx(lo)
    assert image.norm.vmax == pytest.approx(hi)
    assert image.get_zorder() == 0
    assert any("JEZ_hirise_soc_006_orthoMosaic_25cm" in c for c in frame.credits)


def test_underlay_is_no_finer_than_the_printed_figure() -> None:
    dtm = synthetic_dtm(size_m=1200, resolution_m=1.0)  # 1200 x 1200 px
    _, ax = plt.subplots(figsize=(2.0, 2.0))
    image = draw_raster(ax, dtm)  # fresh axes: the raster's footprint
    rows, cols = image.get_array().shape
    inches = ax.get_position().size * ax.figure.get_size_inches()
    assert cols <= inches[0] * 300 + 1 and rows <= inches[1] * 300 + 1
    xmin, xmax, _, _ = image.get_extent()
    assert xmax - xmin == pytest.approx(1200, rel=0.01)  # the footprint, in metres
    _, ax2 = plt.subplots(figsize=(2.0, 2.0))
    image2 = draw_raster(ax2, dtm, max_pixels=10_000)
    assert image2.get_array().size <= 10_000


def test_raster_far_away_says_how_far_and_where() -> None:
    dtm = synthetic_dtm(size_m=2000, resolution_m=20.0)
    lon_c, lat_c, _ = GEOD.fwd(DEPOT_LON, DEPOT_LAT, 0.0, 10_000.0)  # 10 km north
    _, ax = plt.subplots()
    frame_for(ax, [lon_c], [lat_c])
    ax.set_xlim(-100, 100)
    ax.set_ylim(-100, 100)
    with pytest.raises(InputError, match="does not overlap") as info:
        draw_raster(ax, dtm)
    # the raster's north edge (equirectangular, R = 3396190 m: lat = y / R) is due south
    top_lat = math.degrees(dtm.bounds[3] / MARS_R)
    expected_km = MARS_R * math.radians(lat_c - top_lat) / 1000
    said = re.search(r"([0-9.]+) km south of", str(info.value))
    assert said is not None, str(info.value)
    assert float(said.group(1)) == pytest.approx(expected_km, abs=0.006)


@pytest.mark.parametrize("bad", [42, "hirise", np.zeros((3, 3))])
def test_underlay_refuses_what_is_not_a_raster(bad: object) -> None:
    ax, _ = _axes()
    with pytest.raises(InputError, match="raster="):
        draw_raster(ax, bad)  # type: ignore[arg-type]


def test_underlay_refuses_a_mask() -> None:
    dtm = synthetic_dtm(size_m=400, resolution_m=4.0)
    mask = dtm.with_data(dtm.data > dtm.data.mean(), units="", name="hazard")
    ax, _ = _axes()
    with pytest.raises(InputError, match="mask"):
        draw_raster(ax, mask)


def test_tubes_sit_inside_the_underlay_drawn_for_them() -> None:
    ax, frame = _axes(half_m=50.0)
    image = draw_raster(ax, "synthetic")
    xmin, xmax, ymin, ymax = image.get_extent()
    assert (xmin, xmax, ymin, ymax) == pytest.approx((*ax.get_xlim(), *ax.get_ylim()))
    to_frame = pyproj.Transformer.from_crs(MARS, frame.crs, always_xy=True)
    x, y = to_frame.transform(*np.array(TUBE_LONLAT).T)
    assert ((x > xmin) & (x < xmax) & (y > ymin) & (y < ymax)).all()
    assert np.isfinite(np.ma.filled(image.get_array(), np.nan)).all()  # covered everywhere


def test_scale_bar_and_arrow_keep_off_the_data() -> None:
    ax, _ = _axes()
    # markers crowd the bottom-left and top-right corners, where the bar and arrow go first
    grid = np.linspace(-38.0, -15.0, 12)
    gx, gy = np.meshgrid(grid, grid)
    ax.scatter(np.r_[gx.ravel(), -gx.ravel()], np.r_[gy.ravel(), -gy.ravel()])
    furnish(ax)
    (x0, y0), (x1, _) = _only(ax, "marsgeo-scalebar").get_xydata()
    assert x0 > 0 or y0 > 0  # not in the crowded bottom-left
    arrow = _only(ax, "marsgeo-north")
    (hx, hy), (tx, ty) = arrow.xy, arrow.xyann
    assert min(hx, tx) < 0 or min(hy, ty) < 0  # not in the crowded top-right
    crowded = np.r_[gx.ravel(), -gx.ravel()], np.r_[gy.ravel(), -gy.ravel()]
    on_bar = (crowded[0] >= min(x0, x1)) & (crowded[0] <= max(x0, x1)) & (abs(crowded[1] - y0) < 1)
    assert not on_bar.any()
