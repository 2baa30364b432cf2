"""The depot figure as a reader sees it: rendered PNGs, checked without pixel baselines.

Each figure is rendered with Agg and read back (matplotlib.image.imread); checks are about
what the picture shows (not blank, the hillshade has contrast, every tube marker is there
in its colour, the SYNTHETIC stamp is there exactly when the terrain is synthetic), not
about exact pixels.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import geopandas as gpd
import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import numpy as np
import pytest
import shapely
from matplotlib.colors import to_rgb
from matplotlib.text import Text

import marsgeo
from marsgeo.basemap import hillshade, read_raster, synthetic_dtm
from marsgeo.crs import from_mars_lonlat, local_crs, mean_lonlat, to_mars_lonlat
from marsgeo.plot import plot_depot
from marsgeo.plot._frame import frame_of
from marsgeo.webmap import SAMPLE_COLORS

from .products import usgs_hirise_dtm
from .reference import TUBE_LONLAT


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def render(fig: plt.Figure, *, dpi: float) -> np.ndarray:
    """The figure as a PNG at ``dpi``, read back as RGB floats in 0..1 (row 0 at the top)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    buf.seek(0)
    return mpimg.imread(buf, format="png")[:, :, :3]


def axes_pixels(ax: plt.Axes, image: np.ndarray, *, dpi: float) -> np.ndarray:
    """The part of a rendered image inside the axes, a little in from their frame."""
    fig = ax.figure
    scale = dpi / fig.dpi
    box = ax.get_window_extent()
    height = image.shape[0]
    x0, x1 = int(box.x0 * scale) + 4, int(box.x1 * scale) - 4
    y0, y1 = height - int(box.y1 * scale) + 4, height - int(box.y0 * scale) - 4
    return image[y0:y1, x0:x1]


@pytest.fixture(scope="module")
def real_looking_dtm(tmp_path_factory: pytest.TempPathFactory) -> marsgeo.basemap.Raster:
    """A small DTM in the USGS HiRISE DTM mosaic's format over the depot, not synthetic."""
    folder: Path = tmp_path_factory.mktemp("dtm")
    product = usgs_hirise_dtm(folder, n=128)
    raster = read_raster(product.path)
    assert not raster.synthetic
    return raster


def test_the_figure_is_not_blank(depot):
    ax = plot_depot(depot)
    image = render(ax.figure, dpi=100)
    grey = image.mean(axis=2)
    assert (grey < 0.9).mean() > 0.01  # markers, labels, ticks: not an empty page
    colours = np.unique((image * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 50  # anti-aliased text and five sample colours


def only_the_underlay(ax: plt.Axes) -> None:
    for artist in ax.get_children():
        if artist not in ax.images and artist is not ax.patch:
            artist.set_visible(False)


def test_the_hillshade_underlay_has_contrast(depot):
    # a no-fly square 400 m east widens the view to the scarp, craters and rolling ground
    frame_crs = local_crs(*mean_lonlat(*np.array(TUBE_LONLAT).T))
    zone = gpd.GeoSeries([shapely.box(380, -20, 420, 20)], crs=frame_crs)
    plain = plot_depot(depot, labels=False, no_fly=zone)
    only_the_underlay(plain)
    blank = axes_pixels(plain, render(plain.figure, dpi=100), dpi=100).mean(axis=2)
    assert blank.min() > 0.99  # nothing but paper without an underlay

    ax = plot_depot(depot, raster="synthetic", labels=False, no_fly=zone)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x1 - x0 > 400
    only_the_underlay(ax)
    grey = axes_pixels(ax, render(ax.figure, dpi=100), dpi=100).mean(axis=2)
    assert grey.max() < 0.99  # the underlay covers the axes
    # the relief shows: the spread of grey levels is that of the terrain's own hillshade
    # over the same ground (computed here from the DTM, not from the figure)
    dtm = synthetic_dtm()
    shade = hillshade(dtm).data
    rows, cols = np.mgrid[0 : shade.shape[0], 0 : shade.shape[1]]
    t = dtm.transform  # pixel centres, north-up
    east, north = t.c + t.a * (cols + 0.5), t.f + t.e * (rows + 0.5)
    lon, lat = to_mars_lonlat(east, north, dtm.crs)
    fx, fy = from_mars_lonlat(lon, lat, frame_crs)
    inside = (fx > x0) & (fx < x1) & (fy > y0) & (fy < y1)
    expected = float(np.nanstd(shade[inside]))
    assert expected > 0.02
    assert grey.std() == pytest.approx(expected, rel=0.35)


def test_all_ten_tube_markers_are_visible_at_300_dpi(depot):
    ax = plot_depot(depot, raster="synthetic")
    fig = ax.figure
    image = render(fig, dpi=300)
    height = image.shape[0]
    coll = next(c for c in ax.collections if c.get_gid() == "marsgeo-tubes")
    # where each tube is on the page at 300 dpi: data -> display at the figure's dpi, scaled
    shown = ax.transData.transform(coll.get_offsets()) * 300 / fig.dpi
    radius = np.sqrt(coll.get_sizes()[0]) / 2 * 300 / 72  # the marker's half-width [px]
    for (x, y), kind in zip(shown, depot["sample_type"], strict=True):
        r0, c0 = height - y, x
        top, left = int(r0 - radius) - 2, int(c0 - radius) - 2
        window = image[top : top + int(2 * radius) + 5, left : left + int(2 * radius) + 5]
        rows, cols = np.mgrid[0 : window.shape[0], 0 : window.shape[1]]
        near = (rows + top - r0) ** 2 + (cols + left - c0) ** 2 <= radius**2
        colour = np.array(to_rgb(SAMPLE_COLORS[kind]))
        match = np.abs(window[near] - colour).max(axis=1) < 0.06
        # at least a quarter of the marker's disc shows its type's colour (a triangle is
        # the smallest shape; the rest is its black edge and what is around it)
        assert match.sum() > 0.25 * near.sum(), (kind, int(match.sum()), int(near.sum()))


def test_the_synthetic_stamp_is_visible_on_synthetic_terrain(depot):
    ax = plot_depot(depot, raster="synthetic", labels=False)
    frame = frame_of(ax)
    assert frame is not None and frame.synthetic
    stamps = [t for t in ax.texts if t.get_gid() == "marsgeo-synthetic"]
    assert len(stamps) == 1 and stamps[0].get_text() == "SYNTHETIC"
    with_stamp = render(ax.figure, dpi=100)
    stamps[0].set_visible(False)
    without = render(ax.figure, dpi=100)
    changed = np.abs(with_stamp - without).max(axis=2) > 0.05
    box = ax.get_window_extent()
    assert changed.sum() > 0.03 * box.width * box.height  # a large mark, not a speck
    attribution = next(t for t in ax.texts if t.get_gid() == "marsgeo-attribution")
    assert "SYNTHETIC" in attribution.get_text()


def test_no_synthetic_stamp_on_a_real_looking_dtm(depot, real_looking_dtm):
    ax = plot_depot(depot, raster=real_looking_dtm, labels=False)
    frame = frame_of(ax)
    assert frame is not None and not frame.synthetic
    assert not [t for t in ax.texts if t.get_gid() == "marsgeo-synthetic"]
    attribution = next(t for t in ax.texts if t.get_gid() == "marsgeo-attribution")
    assert "SYNTHETIC" not in attribution.get_text()
    # the product is credited by name
    assert any("JEZ_hirise_soc_006_DTM" in c for c in frame.credits)
    grey = axes_pixels(ax, render(ax.figure, dpi=100), dpi=100).mean(axis=2)
    assert (grey < 0.95).mean() > 0.3  # the underlay is drawn


def test_labels_are_legible_over_the_hillshade(depot):
    ax = plot_depot(depot, raster="synthetic")
    fig = ax.figure
    fig.set_dpi(200)  # drawn on the canvas at 200 dpi, and measured in that same drawing
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba(), dtype=float)[:, :, :3] / 255
    height = image.shape[0]
    renderer = fig.canvas.get_renderer()
    for text in [t for t in ax.texts if t.get_gid() == "marsgeo-label"]:
        box = Text.get_window_extent(text, renderer)
        rows = slice(height - int(box.y1), height - int(box.y0))
        patch = image[rows, int(box.x0) : int(box.x1)].mean(axis=2)
        # dark letters on their pale backdrop: both ends of the grey scale are in the box
        assert patch.min() < 0.3 and patch.max() > 0.9, text.get_text()
