"""Nearest neighbours and radius queries through the k-d tree: the all-pairs answers, exactly.

Each result is compared with the all-pairs scan (every pair computed, the lowest index taking
a tie) and with distances computed here, independently: the haversine on the Mars sphere, and
pyproj's ellipsoidal geodesic for an explicit ``geod=``. The all-pairs kernel is switched off
while the functions under test run, so they must answer without it.
"""

from __future__ import annotations

from collections.abc import Iterator

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC
from marsgeo.distance import _kernel, _nearest

from .reference import haversine_m

A, B = 3_396_190.0, 3_376_200.0  # IAU 2015 Mars ellipsoid radii [m]
ELLIPSOID = pyproj.Geod(a=A, b=B)
BODIES = {"sphere": None, "ellipsoid": ELLIPSOID}
KINDS = ["global", "jezero", "antimeridian", "poles", "duplicates", "grid"]


def points(lon: np.ndarray, lat: np.ndarray) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=MARS_GEOGRAPHIC)
    return frame.rename_axis("site")


def layout(kind: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random points of one kind (seeded), as planetocentric lon/lat degrees."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 250))
    if kind == "global":
        return rng.uniform(-180, 180, n), np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    if kind == "jezero":
        return rng.uniform(77.40, 77.41, n), rng.uniform(18.45, 18.46, n)
    if kind == "antimeridian":  # either side of 180 E, written as 180 - e and -180 + e
        east = rng.random(n) < 0.5
        offset = rng.uniform(0, 0.01, n)
        return np.where(east, 180 - offset, -180 + offset), rng.uniform(-0.01, 0.01, n)
    if kind == "poles":  # near and at both poles, the pole itself at many longitudes
        lat = rng.choice([-1.0, 1.0], n) * (90 - rng.uniform(0, 0.01, n) * (rng.random(n) < 0.6))
        return rng.uniform(-180, 180, n), lat
    if kind == "duplicates":  # few places, each holding several points
        places = max(1, n // 5)
        pick = rng.integers(0, places, n)
        return rng.uniform(77.40, 77.41, places)[pick], rng.uniform(18.45, 18.46, places)[pick]
    # a regular grid, in shuffled order: four neighbours equally far from each inner point
    side = int(np.ceil(np.sqrt(n)))
    gx, gy = np.meshgrid(77.0 + 0.001 * np.arange(side), 0.001 * np.arange(side))
    order = rng.permutation(side * side)[:n]
    return gx.ravel()[order], gy.ravel()[order]


def independent_matrix(lon: np.ndarray, lat: np.ndarray, geod: pyproj.Geod | None) -> np.ndarray:
    """All distances [m], computed here: haversine on the sphere, pyproj on the ellipsoid."""
    if geod is None:
        return np.asarray(haversine_m(lon[:, None], lat[:, None], lon[None, :], lat[None, :]))
    lat_g = np.degrees(np.arctan((A / B) ** 2 * np.tan(np.radians(lat))))  # ocentric -> ographic
    i, j = np.indices((len(lon), len(lon)))
    _, _, d = geod.inv(lon[i].ravel(), lat_g[i].ravel(), lon[j].ravel(), lat_g[j].ravel())
    return np.asarray(d).reshape(len(lon), len(lon))


@pytest.fixture
def no_all_pairs_scan(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed every pair: the k-d tree was not used")

    monkeypatch.setattr(_kernel.Points, "rows", refuse)
    monkeypatch.setattr(_kernel.Points, "matrix", refuse)
    yield


@pytest.mark.parametrize("body", list(BODIES))
@pytest.mark.parametrize("kind", KINDS)
def test_nearest_neighbours_equal_the_all_pairs_scan(
    kind: str, body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    geod = BODIES[body]
    for seed in range(6):
        lon, lat = layout(kind, seed)
        pts = points(lon, lat)
        scan, _ = _nearest.nearest_all_pairs(
            _kernel.Points(lon, lat, geod or marsgeo.crs.mars_geod())
        )
        with monkeypatch.context() as patch:
            patch.setattr(_kernel.Points, "rows", None)  # any all-pairs scan would fail
            nn = marsgeo.nearest_neighbours(pts, geod=geod)
        assert nn.index.equals(pts.index) and nn.index.name == "site"
        got = nn["nearest_site"].to_numpy()
        np.testing.assert_array_equal(got, scan)  # the same neighbours, ties included
        # the distances are the minimum, computed independently
        d = independent_matrix(lon, lat, geod)
        np.fill_diagonal(d, np.inf)
        want = d.min(axis=1)
        assert np.allclose(nn["distance_m"], want, rtol=1e-9, atol=1e-6)
        assert np.allclose(d[np.arange(len(lon)), got], want, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("body", list(BODIES))
@pytest.mark.parametrize("kind", KINDS)
def test_radius_queries_equal_the_all_pairs_filter(
    kind: str, body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    geod = BODIES[body]
    for seed in range(4):
        lon, lat = layout(kind, 100 + seed)
        pts = points(lon, lat)
        every = marsgeo.pairwise_distances(pts, geod=geod)  # all pairs, in input order
        d = every["distance_m"].to_numpy()
        # 0, a radius that is exactly one pair's distance (kept: at most), and wider ones
        radii = [0.0, float(np.sort(d)[len(d) // 3]), float(np.median(d)), float(d.max())]
        with monkeypatch.context() as patch:
            patch.setattr(_kernel.Points, "rows", None)  # any all-pairs scan would fail
            for radius in radii:
                near = marsgeo.pairwise_distances(pts, max_distance_m=radius, geod=geod)
                want = every[d <= radius].reset_index(drop=True).rename_axis("pair_id")
                pd.testing.assert_frame_equal(pd.DataFrame(near), pd.DataFrame(want))
                assert near.geometry.geom_equals_exact(want.geometry, 0).all()
                if radius > 0:
                    close = marsgeo.spacing_violations(pts, min_spacing_m=radius, geod=geod)
                    want = every[d < radius].sort_values("distance_m", kind="stable")
                    want = want.reset_index(drop=True).rename_axis("pair_id")
                    pd.testing.assert_frame_equal(pd.DataFrame(close), pd.DataFrame(want))
        # and the pairs kept are those within the radius by the independent distances
        full = independent_matrix(lon, lat, geod)
        i, j = np.triu_indices(len(lon), k=1)
        assert np.allclose(d, full[i, j], rtol=1e-9, atol=1e-6)


def test_ties_go_to_the_first_point_in_input_order(no_all_pairs_scan: None) -> None:
    # on the equator, lon -1 and +1 are equally far from lon 0 (mirror images); so are the
    # four grid neighbours' pairs; duplicates are 0 m from each other
    for geod in BODIES.values():
        pts = points(np.array([0.0, 1.0, -1.0]), np.zeros(3))
        assert marsgeo.nearest_neighbours(pts, geod=geod).loc[0, "nearest_site"] == 1
        swapped = points(np.array([0.0, -1.0, 1.0]), np.zeros(3))
        assert marsgeo.nearest_neighbours(swapped, geod=geod).loc[0, "nearest_site"] == 1
        # three points at one place, one apart: each takes the first other point there
        dup = points(np.array([77.4, 77.5, 77.4, 77.4]), np.full(4, 18.4))
        nn = marsgeo.nearest_neighbours(dup, geod=geod)
        assert nn["nearest_site"].tolist() == [2, 0, 0, 0]
        d = nn["distance_m"].tolist()
        assert d[0] == d[2] == d[3] == 0.0 < d[1]
        assert nn["azimuth_deg"].isna().tolist() == [True, False, True, True]


def test_the_pole_at_many_longitudes(no_all_pairs_scan: None) -> None:
    # the north pole written at three longitudes, and a point 1 degree south of it
    pts = points(np.array([10.0, 10.0, 120.0, -60.0]), np.array([89.0, 90.0, 90.0, 90.0]))
    nn = marsgeo.nearest_neighbours(pts)
    assert nn.loc[0, "distance_m"] == pytest.approx(np.radians(1.0) * A, rel=1e-12)
    assert nn.loc[0, "nearest_site"] in (1, 2, 3)
    assert np.allclose(nn.loc[1:, "distance_m"], 0.0, atol=1e-6)
    assert set(nn.loc[1:, "nearest_site"]) <= {1, 2, 3}


def test_two_hundred_thousand_points_are_routine(no_all_pairs_scan: None) -> None:
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(2024)
    n = 200_000
    lon, lat = rng.uniform(77.35, 77.80, n), rng.uniform(18.15, 18.60, n)
    pts = points(lon, lat)
    nn = marsgeo.nearest_neighbours(pts)
    # independently: SciPy's tree on unit vectors, distances by the haversine
    lam, phi = np.radians(lon), np.radians(lat)
    x = np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])
    _, nb = cKDTree(x).query(x, k=2)
    np.testing.assert_array_equal(nn["nearest_site"].to_numpy(), nb[:, 1])
    want = haversine_m(lon, lat, lon[nb[:, 1]], lat[nb[:, 1]])
    assert np.allclose(nn["distance_m"], want, rtol=1e-9)
    # radius queries over the same points: the pairs the tree's own radius search finds
    close = marsgeo.spacing_violations(pts, min_spacing_m=20.0)
    found = cKDTree(x).query_pairs(25.0 / A, output_type="ndarray")
    d = haversine_m(lon[found[:, 0]], lat[found[:, 0]], lon[found[:, 1]], lat[found[:, 1]])
    assert len(close) == int((d < 20.0).sum()) > 0
    assert np.allclose(np.sort(close["distance_m"]), np.sort(d[d < 20.0]), rtol=1e-9)


def test_radius_query_refuses_before_materialising_the_pairs(no_all_pairs_scan: None) -> None:
    rng = np.random.default_rng(5)
    pts = points(rng.uniform(77.40, 77.41, 20_000), rng.uniform(18.45, 18.46, 20_000))
    # every pair is within 2 km: 199,990,000 pairs, refused from a count of them
    with pytest.raises(marsgeo.errors.TooLargeError, match=r"199,990,000 pairs.*smaller"):
        marsgeo.pairwise_distances(pts, max_distance_m=2000.0)


def test_a_one_point_set_has_no_pairs_and_no_neighbour(no_all_pairs_scan: None) -> None:
    one = points(np.array([77.4]), np.array([18.4]))
    assert len(marsgeo.pairwise_distances(one, max_distance_m=10.0)) == 0
    with pytest.raises(marsgeo.errors.InputError, match="two points"):
        marsgeo.nearest_neighbours(one)
