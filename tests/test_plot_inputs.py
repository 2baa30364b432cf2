"""Figures refuse what would draw them wrong, and draw every text from data as written.

A figure's CRS must keep one metre one length in every direction at the data: the scale of a
CRS east-west and north-south is measured here with pyproj alone (a 10 m geodesic step each
way on the Mars sphere), independently of marsgeo. Text from data (raster names, sample
types, sources) is drawn as it is, never as matplotlib mathtext, and never left out.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pyproj
import pytest
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import (
    StereographicConversion,
    TransverseMercatorConversion,
)

import marsgeo
from marsgeo.basemap import synthetic_dtm
from marsgeo.errors import CRSError, InputError
from marsgeo.plot import plot_depot, plot_plan, plot_profile
from marsgeo.plot._frame import frame_of
from marsgeo.routing import ASSUMED_LANDER

from .reference import MARS_R, TUBE_LONLAT

MARS = pyproj.CRS("IAU_2015:49900")
GEOD = pyproj.Geod(a=MARS_R, b=MARS_R)
HOSTILE = ["$$", "$\\frac{1}{$", "$\\alpha$", "{{ x }}", "<b>x</b>", "a\\b"]


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _centre() -> tuple[float, float]:
    lon, lat = np.array(TUBE_LONLAT).T
    return float(lon.mean()), float(lat.mean())


def _stretch(crs: pyproj.CRS) -> float:
    """East-west over north-south scale of crs at the depot, from pyproj alone."""
    lon, lat = _centre()
    to_crs = pyproj.Transformer.from_crs(MARS, crs, always_xy=True)
    x0, y0 = to_crs.transform(lon, lat)
    lengths = []
    for azimuth in (0.0, 90.0):
        lon1, lat1, _ = GEOD.fwd(lon, lat, azimuth, 10.0)
        x1, y1 = to_crs.transform(lon1, lat1)
        lengths.append(math.hypot(x1 - x0, y1 - y0))
    return lengths[1] / lengths[0]


def _projected(conversion: object) -> ProjectedCRS:
    return ProjectedCRS(conversion=conversion, geodetic_crs=MARS)


STRETCHED = {
    "equirectangular_clon0": pyproj.CRS("IAU_2015:49910"),
    "sinusoidal": pyproj.CRS("IAU_2015:49920"),
}
CONFORMAL = {
    "tm_k0.98": _projected(
        TransverseMercatorConversion(
            latitude_natural_origin=18.45,
            longitude_natural_origin=77.4,
            scale_factor_natural_origin=0.98,
        )
    ),
    "stereographic": _projected(
        StereographicConversion(latitude_natural_origin=18.0, longitude_natural_origin=77.0)
    ),
}


@pytest.mark.parametrize("name", sorted(STRETCHED))
def test_a_crs_that_stretches_the_ground_is_refused(depot, name: str) -> None:
    crs = STRETCHED[name]
    assert abs(_stretch(crs) - 1) > 0.01  # independently: a figure in it would be distorted
    with pytest.raises(CRSError, match=r"crs=.*stretches.*local_crs") as err:
        plot_depot(depot, crs=crs)
    assert f"{_stretch(crs):.4f}"[:5] in str(err.value)  # it says by how much
    assert not plt.get_fignums()  # refused before a figure is made


@pytest.mark.parametrize("name", sorted(CONFORMAL))
def test_a_conformal_crs_is_drawn_in(depot, name: str) -> None:
    crs = CONFORMAL[name]
    assert abs(_stretch(crs) - 1) < 1e-4
    ax = plot_depot(depot, crs=crs)
    found = frame_of(ax)
    assert found is not None
    assert found.crs.equals(crs)


@pytest.mark.parametrize("name", HOSTILE)
def test_raster_names_are_drawn_as_written_in_the_notebook_image(name: str) -> None:
    from marsgeo.plot._save import raster_figure

    dtm = synthetic_dtm(size_m=200.0, resolution_m=4.0)
    named = dtm.with_data(dtm.data, name=name)
    png = named._repr_png_()
    assert png is not None
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    fig = raster_figure(named)
    title = fig.axes[0].title
    assert name in title.get_text()
    assert not title.get_parse_math()


@pytest.mark.parametrize("name", HOSTILE)
def test_profile_axis_names_are_drawn_as_written(name: str) -> None:
    dtm = synthetic_dtm(size_m=200.0, resolution_m=4.0)
    named = dtm.with_data(dtm.data, name=name)
    lon, lat = _centre()
    line = [(lon - 0.0004, lat), (lon + 0.0004, lat)]
    ax = plot_profile(named, line)
    ax.figure.canvas.draw()  # mathtext would fail here, or draw something else
    assert ax.get_ylabel() == f"{name} [m]"
    assert not ax.yaxis.label.get_parse_math()


@pytest.mark.parametrize("kind", ["_hidden", "$x^2$", "$$"])
def test_every_sample_type_is_in_the_legend_as_written(depot, kind: str) -> None:
    tubes = depot.copy()
    tubes.loc[tubes.index[0], "sample_type"] = kind
    ax = plot_depot(tubes)
    ax.figure.canvas.draw()
    texts = [t for t in ax.get_legend().get_texts() if kind in t.get_text()]
    assert len(texts) == 1
    assert texts[0].get_text().strip() == kind
    assert not texts[0].get_parse_math()


def test_sample_types_stay_plain_text_when_a_plan_is_drawn_on_top(depot) -> None:
    tubes = depot.copy()
    tubes.loc[tubes.index[0], "sample_type"] = "$\\frac{1}{$"
    ax = plot_depot(tubes)
    plot_plan(marsgeo.plan_pickup(depot, lander=ASSUMED_LANDER), ax=ax)
    ax.figure.canvas.draw()
    texts = [t for t in ax.get_legend().get_texts() if "frac" in t.get_text()]
    assert [t.get_text() for t in texts] == ["$\\frac{1}{$"]
    assert not texts[0].get_parse_math()


def test_a_source_the_font_cannot_draw_is_credited_without_a_warning(depot) -> None:
    tubes = depot.copy()
    tubes["facts_source"] = "rover team \U0001f680"  # no glyph in the figure's font
    ax = plot_depot(tubes)
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")  # a missing glyph warns: warnings are errors here
    credits = frame_of(ax).credits  # type: ignore[union-attr]
    assert any("rover team" in c for c in credits)
    assert not any("\U0001f680" in c for c in credits)


def test_a_figure_too_large_to_draw_is_refused(depot) -> None:
    with pytest.raises(InputError, match=r"figsize=\(200, 200\).*smaller size"):
        plot_depot(depot, figsize=(200, 200))
    assert not plt.get_fignums()
