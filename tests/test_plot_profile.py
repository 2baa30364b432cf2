"""Tests of plot_profile: elevations along a line, distances geodesic on Mars."""

from __future__ import annotations

import re
from collections.abc import Iterator

import geopandas as gpd
import matplotlib
import numpy as np
import pyproj
import pytest
import shapely

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import marsgeo
from marsgeo.basemap import sample_raster, synthetic_dtm
from marsgeo.crs import MARS_GEOGRAPHIC, local_crs
from marsgeo.errors import CRSError, InputError
from marsgeo.plot import plot_profile
from marsgeo.routing import ASSUMED_LANDER

# the Mars sphere of IAU_2015:49900, built here directly (not from marsgeo)
MARS = pyproj.Geod(a=3_396_190.0, f=0.0)
ACROSS = [(77.400, 18.4528), (77.415, 18.4540)]


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def dtm() -> marsgeo.basemap.Raster:
    return synthetic_dtm(size_m=2000, resolution_m=4)


def _profile(ax: plt.Axes) -> tuple[np.ndarray, np.ndarray]:
    (line,) = [ln for ln in ax.get_lines() if ln.get_gid() == "marsgeo-profile"]
    x, y = line.get_data()
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def test_profile_equals_the_raster_at_geodesic_points(dtm: marsgeo.basemap.Raster) -> None:
    (lon0, lat0), (lon1, lat1) = ACROSS
    n = 101
    x, y = _profile(plot_profile(dtm, ACROSS, samples=n))
    az, _, length = MARS.inv(lon0, lat0, lon1, lat1)
    d = np.linspace(0.0, length, n)
    lon, lat, _ = MARS.fwd(np.full(n, lon0), np.full(n, lat0), np.full(n, az), d)
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=MARS_GEOGRAPHIC)
    want = sample_raster(dtm, pts).to_numpy()
    assert x == pytest.approx(d, rel=1e-9, abs=1e-6)
    assert y == pytest.approx(want)
    assert x[-1] == pytest.approx(length, rel=1e-6)
    assert np.ptp(y) > 1.0  # the synthetic ground is not flat along this line


def test_length_of_a_bent_line(dtm: marsgeo.basemap.Raster) -> None:
    bent = [(77.400, 18.4528), (77.410, 18.4528), (77.410, 18.4600)]
    x, _ = _profile(plot_profile(dtm, bent))
    (a, b), (c, d_), (e, f) = bent
    want = MARS.inv(a, b, c, d_)[2] + MARS.inv(c, d_, e, f)[2]
    assert x[-1] == pytest.approx(want, rel=1e-6)
    # about one sample per 4 m pixel by default
    assert len(x) == pytest.approx(want / 4.0, rel=0.05)


def test_a_flight_leg_directly(dtm: marsgeo.basemap.Raster) -> None:
    plan = marsgeo.plan_pickup(marsgeo.load_depot(), lander=ASSUMED_LANDER)
    i = int(np.flatnonzero(plan.legs["kind"] == "flight_out")[0])
    x, y = _profile(plot_profile(dtm, plan.legs.geometry.iloc[[i]]))
    assert x[-1] == pytest.approx(plan.legs["distance_m"].iloc[i], rel=1e-6)
    assert np.isfinite(y).all()


def test_line_in_a_metric_crs(dtm: marsgeo.basemap.Raster) -> None:
    crs = local_crs(77.4075, 18.4534)
    tm = pyproj.Transformer.from_crs(MARS_GEOGRAPHIC, crs, always_xy=True)
    xy = [tm.transform(*p) for p in ACROSS]
    x1, y1 = _profile(plot_profile(dtm, shapely.LineString(xy), crs=crs, samples=50))
    x2, y2 = _profile(plot_profile(dtm, ACROSS, samples=50))
    assert x1 == pytest.approx(x2, rel=1e-7)
    assert np.array_equal(y1, y2)


def test_synthetic_stamp_and_credit(dtm: marsgeo.basemap.Raster) -> None:
    ax = plot_profile(dtm, ACROSS)
    assert [t.get_text() for t in ax.texts if t.get_gid() == "marsgeo-synthetic"] == ["SYNTHETIC"]
    assert "SYNTHETIC" in ax.get_title(loc="left")
    assert ax.get_ylabel() == "elevation [m]"
    real = dtm.with_data(dtm.data, synthetic=False, description="a measured DTM")
    ax2 = plot_profile(real, ACROSS)
    assert not [t for t in ax2.texts if t.get_gid() == "marsgeo-synthetic"]
    assert "SYNTHETIC" not in ax2.get_title(loc="left")
    plot_profile("synthetic", ACROSS, ax=ax2)  # the string is the synthetic DTM too


def test_line_off_the_raster_says_how_far(dtm: marsgeo.basemap.Raster) -> None:
    _, _, east, _ = dtm.lonlat_bounds()
    far = [(east + 0.2, 18.4528), (east + 0.21, 18.4528)]
    with pytest.raises(InputError, match="outside") as info:
        plot_profile(dtm, far)
    message = str(info.value)
    km = float(re.search(r"about ([\d.]+) km", message).group(1))
    want = MARS.inv(east, 18.4528, east + 0.2, 18.4528)[2] / 1000
    assert km == pytest.approx(want, abs=0.15)
    assert "lies W of it" in message


@pytest.mark.parametrize(
    ("raster", "words"),
    [
        ("image", "not elevations"),
        ("slope", "units 'deg'"),
        ("mask", "True/False"),
        (42, "not a marsgeo Raster"),
    ],
)
def test_not_a_dtm(dtm: marsgeo.basemap.Raster, raster: object, words: str) -> None:
    if raster == "image":
        raster = dtm.with_data(np.zeros(dtm.shape, dtype=np.uint8), units="")
    elif raster == "slope":
        raster = marsgeo.basemap.slope_deg(dtm)
    elif raster == "mask":
        raster = dtm.with_data(dtm.data > -2545, units="")
    with pytest.raises(InputError, match=words):
        plot_profile(raster, ACROSS)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (shapely.Point(77.40, 18.45), "not a LineString"),
        ([(77.40, 18.45)], "not a line"),
        ("77.4,18.45", "not a line"),
        ([(77.40, 18.45), (77.40, 18.45)], "no length"),
        (gpd.GeoSeries([shapely.LineString(ACROSS)] * 2, crs=MARS_GEOGRAPHIC), "2 geometries"),
    ],
)
def test_bad_lines(dtm: marsgeo.basemap.Raster, line: object, words: str) -> None:
    with pytest.raises(InputError, match=words):
        plot_profile(dtm, line)


def test_earth_line_refused(dtm: marsgeo.basemap.Raster) -> None:
    earth = gpd.GeoSeries([shapely.LineString(ACROSS)], crs="EPSG:4326")
    with pytest.raises(CRSError):
        plot_profile(dtm, earth)


@pytest.mark.parametrize("samples", [1, 2.5, True, 10**7])
def test_bad_samples(dtm: marsgeo.basemap.Raster, samples: object) -> None:
    with pytest.raises(InputError, match="samples"):
        plot_profile(dtm, ACROSS, samples=samples)
