"""The distance functions on dask_geopandas frames, on a two-worker LocalCluster.

Each result is compared with the single-process function on the same points (to the last bit)
and, independently, with one SciPy k-d tree of unit vectors and the haversine. The points are
clustered (the depot, a tight knot, points spread over Jezero, copies of one place in several
partitions) and partitioned both in an unsorted order and by space, so partition edges matter:
a naive per-partition search is shown to pick wrong neighbours on the same data.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

import marsgeo
from marsgeo.crs import MARS_GEOGRAPHIC
from marsgeo.errors import CatalogueError, CRSError, InputError, MissingExtraError, TooLargeError

from .reference import LANDING, TUBE_LONLAT, haversine_m

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
dask_geopandas = pytest.importorskip("dask_geopandas")
distributed = pytest.importorskip("distributed")

ELLIPSOID = pyproj.Geod(a=3_396_190.0, b=3_376_200.0)  # IAU 2015 Mars ellipsoid radii [m]
DEPOT = np.mean(np.array(TUBE_LONLAT), axis=0)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    # threads in this process: quick to start, and safe beside pytest-xdist's processes; the
    # scheduler's web server on a free port, as other processes may hold the usual one
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


def clustered_points(n: int, seed: int) -> gpd.GeoDataFrame:
    """Points around the depot, a tight knot, spread over Jezero, and copies of one place."""
    rng = np.random.default_rng(seed)
    n_depot, n_knot, n_copies = n // 4, n // 40, 12
    n_spread = n - n_depot - n_knot - n_copies
    lon = np.concatenate(
        [
            DEPOT[0] + rng.normal(0, 3e-4, n_depot),  # ~18 m spread around the depot
            77.52 + rng.normal(0, 2e-5, n_knot),  # a knot ~1 m across
            rng.uniform(77.35, 77.80, n_spread),  # the crater
            np.full(n_copies, LANDING[0]),  # one place, many points
        ]
    )
    lat = np.concatenate(
        [
            DEPOT[1] + rng.normal(0, 3e-4, n_depot),
            18.40 + rng.normal(0, 2e-5, n_knot),
            rng.uniform(18.15, 18.60, n_spread),
            np.full(n_copies, LANDING[1]),
        ]
    )
    order = rng.permutation(n)
    frame = gpd.GeoDataFrame(
        {"kind": np.repeat([0, 1, 2, 3], [n_depot, n_knot, n_spread, n_copies])[order]},
        geometry=gpd.points_from_xy(lon[order], lat[order]),
        crs=MARS_GEOGRAPHIC,
    )
    frame.index = pd.Index(rng.permutation(n) + 1000, name="site")  # ids in no order
    return frame


@pytest.fixture(scope="module")
def points() -> gpd.GeoDataFrame:
    return clustered_points(12_000, seed=13)


@pytest.fixture(scope="module", params=["unsorted", "by-space"])
def frame(request: pytest.FixtureRequest, points: gpd.GeoDataFrame, client: Any) -> Any:
    if request.param == "unsorted":
        return dask_geopandas.from_geopandas(points, npartitions=6, sort=False)
    # by space: points sorted west to east, cut into six strips
    by_lon = points.iloc[np.argsort(points.geometry.x.to_numpy(), kind="stable")]
    return dask_geopandas.from_geopandas(by_lon, npartitions=6, sort=False)


@pytest.fixture(scope="module")
def nearest(frame: Any) -> tuple[Any, gpd.GeoDataFrame]:
    """The Dask result (computed) and the single-process result on the same points."""
    got = marsgeo.nearest_neighbours(frame)
    return got, marsgeo.nearest_neighbours(frame.compute())


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lam, phi = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def kdtree_nearest(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Independent reference: one SciPy k-d tree of all points, ranked by the haversine.

    Returns each point's nearest other point (position), its distance, and whether the
    answer is clear (the runner-up is more than 1 um farther, and no other point is at 0 m).
    """
    from scipy.spatial import cKDTree

    _, nb = cKDTree(unit_vectors(lon, lat)).query(unit_vectors(lon, lat), k=16)
    me = np.arange(len(lon))[:, None]
    d = haversine_m(lon[:, None], lat[:, None], lon[nb], lat[nb])
    d = np.where(nb == me, np.inf, d)
    rank = np.argsort(d, axis=1, kind="stable")
    rows = np.arange(len(lon))
    best, second = rank[:, 0], rank[:, 1]
    d_best, d_second = d[rows, best], d[rows, second]
    return nb[rows, best], d_best, (d_second - d_best > 1e-6) & (d_best > 0)


# --- nearest neighbours --------------------------------------------------------------------


def test_nearest_neighbours_are_those_of_one_process_to_the_bit(
    frame: Any, nearest: tuple[Any, gpd.GeoDataFrame]
) -> None:
    got, single = nearest
    assert type(got).__module__.startswith("dask_geopandas")
    assert got.npartitions == frame.npartitions
    result = got.compute()
    assert result.crs == MARS_GEOGRAPHIC
    # the same ids, neighbours, distances and azimuths to the last bit, and the same lines
    pd.testing.assert_frame_equal(result, single, check_exact=True)
    # partitioned like the input: each partition holds the same points, in the same order
    for k in (0, frame.npartitions - 1):
        assert got.partitions[k].compute().index.equals(frame.partitions[k].compute().index)


def test_nearest_neighbours_match_one_kdtree(
    frame: Any, nearest: tuple[Any, gpd.GeoDataFrame]
) -> None:
    result = nearest[0].compute()
    pts = frame.compute()
    lon, lat = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    j, d, clear = kdtree_nearest(lon, lat)
    ids = pts.index.to_numpy()
    got = result["nearest_site"].to_numpy()
    assert clear.mean() > 0.9
    assert int((got[clear] != ids[j][clear]).sum()) == 0  # zero mismatches
    np.testing.assert_allclose(result["distance_m"].to_numpy(), d, rtol=0, atol=1e-6)
    # the copies of one place: each takes the first other copy in the input order
    copies = np.flatnonzero(pts["kind"].to_numpy() == 3)
    first, second = ids[copies[0]], ids[copies[1]]
    expected = np.where(ids[copies] == first, second, first)
    assert np.array_equal(got[copies], expected)
    assert (result["distance_m"].to_numpy()[copies] == 0).all()


def test_a_naive_search_per_partition_picks_wrong_neighbours(
    frame: Any, nearest: tuple[Any, gpd.GeoDataFrame]
) -> None:
    # what the data asks of partition edges: each partition searched on its own goes wrong
    right = nearest[1]["nearest_site"]
    naive = pd.concat(
        [
            marsgeo.nearest_neighbours(frame.partitions[k].compute())["nearest_site"]
            for k in range(frame.npartitions)
        ]
    )
    wrong = int((naive.loc[right.index] != right).sum())
    assert wrong > 0.01 * len(right)


def test_nearest_neighbours_on_an_ellipsoid(client: Any) -> None:
    pts = clustered_points(2_000, seed=5)
    frame = dask_geopandas.from_geopandas(pts, npartitions=4, sort=False)
    got = marsgeo.nearest_neighbours(frame, geod=ELLIPSOID).compute()
    pd.testing.assert_frame_equal(
        got, marsgeo.nearest_neighbours(pts, geod=ELLIPSOID), check_exact=True
    )


# (layout, points, partitions, radius [m] of the pairs, whether some point is left for the
# search of every partition)
LAYOUTS = [
    ("global", 300, 5, 200.0, False),
    ("antimeridian", 300, 5, 200.0, False),
    ("poles", 300, 5, 200.0, False),
    ("grid", 300, 5, 200.0, False),
    ("global", 5, 5, 200.0, True),  # each point alone in its partition
    ("lonely", 8000, 2, 0.1, True),  # a few points far from a dense knot
]


def layout(kind: str, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    if kind == "global":
        return rng.uniform(-180, 180, n), np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    if kind == "antimeridian":  # either side of 180 E, written as 180 - e and -180 + e
        east = rng.random(n) < 0.5
        offset = rng.uniform(0, 0.01, n)
        return np.where(east, 180 - offset, -180 + offset), rng.uniform(-0.01, 0.01, n)
    if kind == "poles":  # near and at both poles, the pole itself at many longitudes
        lat = rng.choice([-1.0, 1.0], n) * (90 - rng.uniform(0, 0.01, n) * (rng.random(n) < 0.6))
        return rng.uniform(-180, 180, n), lat
    if kind == "grid":  # a regular grid: four neighbours equally far from each inner point
        side = int(np.ceil(np.sqrt(n)))
        gx, gy = np.meshgrid(77.0 + 0.001 * np.arange(side), 0.001 * np.arange(side))
        order = rng.permutation(side * side)[:n]
        return gx.ravel()[order], gy.ravel()[order]
    # a dense knot and a few points far from everything, some alone in their partition
    lon = np.r_[77.4 + rng.normal(0, 1e-4, n - 3), [10.0, -100.0, 77.5]]
    lat = np.r_[18.4 + rng.normal(0, 1e-4, n - 3), [-40.0, 60.0, 18.4]]
    return lon, lat


@pytest.mark.parametrize(("kind", "n", "n_parts", "radius", "left"), LAYOUTS)
def test_exact_on_hard_layouts(
    kind: str, n: int, n_parts: int, radius: float, left: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from marsgeo.distance import _dask_nearest

    searched: list[int] = []
    settle = _dask_nearest._settle_rest

    def spy(*args: Any) -> Any:
        searched.append(len(args[3]))
        return settle(*args)

    monkeypatch.setattr(_dask_nearest, "_settle_rest", spy)
    rng = np.random.default_rng(len(kind))
    lon, lat = layout(kind, rng, n)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=MARS_GEOGRAPHIC)
    frame = dask_geopandas.from_geopandas(pts, npartitions=n_parts, sort=False)
    # the search, not the cluster, is under test here: Dask's own scheduler, in this thread
    # (whose shuffles are tasks: a cluster left by other tests would otherwise get them)
    with dask.config.set({"scheduler": "synchronous", "dataframe.shuffle.method": "tasks"}):
        got = marsgeo.nearest_neighbours(frame).compute()
        pairs = marsgeo.pairwise_distances(frame, max_distance_m=radius).compute()
    assert bool(searched) == left  # the data exercise the path they are meant to
    pd.testing.assert_frame_equal(got, marsgeo.nearest_neighbours(pts), check_exact=True)
    single = marsgeo.pairwise_distances(pts, max_distance_m=radius)
    pd.testing.assert_frame_equal(pairs, single, check_exact=True, check_index_type=False)


def test_text_ids_are_kept(client: Any) -> None:
    pts = clustered_points(600, seed=2)
    pts.index = pd.Index([f"rock-{i}" for i in pts.index], name="rock")
    frame = dask_geopandas.from_geopandas(pts, npartitions=3, sort=False)
    got = marsgeo.nearest_neighbours(frame).compute()
    single = marsgeo.nearest_neighbours(frame.compute())
    # Dask holds text as Arrow strings; the values are the same
    pd.testing.assert_frame_equal(got, single, check_exact=True, check_dtype=False)
    assert got.index.name == "rock"


def test_empty_partitions_are_skipped(client: Any) -> None:
    pts = clustered_points(900, seed=3)
    parts = [pts.iloc[:400], pts.iloc[:0], pts.iloc[400:], pts.iloc[:0]]
    frame = dd.from_map(lambda p: p, parts, meta=pts.iloc[:0])
    assert type(frame).__module__.startswith("dask_geopandas")
    got = marsgeo.nearest_neighbours(frame).compute()
    pd.testing.assert_frame_equal(got, marsgeo.nearest_neighbours(pts), check_exact=True)


# --- radius queries ------------------------------------------------------------------------


@pytest.mark.slow
def test_pairs_within_a_radius_are_those_of_one_process(frame: Any) -> None:
    got = marsgeo.pairwise_distances(frame, max_distance_m=1.0)
    assert type(got).__module__.startswith("dask_geopandas")
    single = marsgeo.pairwise_distances(frame.compute(), max_distance_m=1.0)
    assert len(single) > 1000  # the depot and the knot give many close pairs
    pd.testing.assert_frame_equal(got.compute(), single, check_exact=True, check_index_type=False)


def test_spacing_violations_are_those_of_one_process(client: Any) -> None:
    pts = clustered_points(4_000, seed=9)
    frame = dask_geopandas.from_geopandas(pts, npartitions=4, sort=False)
    got = marsgeo.spacing_violations(frame, min_spacing_m=0.3)
    single = marsgeo.spacing_violations(pts, min_spacing_m=0.3)
    assert isinstance(got, gpd.GeoDataFrame)
    assert len(single) > 100
    pd.testing.assert_frame_equal(got, single, check_exact=True, check_index_type=False)


# --- per point -----------------------------------------------------------------------------


def test_distances_from_a_place_are_lazy_and_those_of_one_process(client: Any) -> None:
    pts = clustered_points(3_000, seed=4)
    read: list[int] = []

    def load(k: int) -> gpd.GeoDataFrame:
        read.append(k)
        return pts.iloc[k * 1000 : (k + 1) * 1000]

    frame = dd.from_map(load, range(3), meta=pts.iloc[:0])
    got = marsgeo.distances_from(frame, LANDING)
    assert read == []  # nothing read yet
    assert got.npartitions == 3
    assert list(got.columns) == ["distance_m", "bearing_deg"]
    result = got.compute()
    assert sorted(read) == [0, 1, 2]
    pd.testing.assert_frame_equal(
        result, marsgeo.distances_from(pts, LANDING), check_exact=True, check_index_type=False
    )
    lon, lat = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    expected = haversine_m(LANDING[0], LANDING[1], lon, lat)
    np.testing.assert_allclose(result["distance_m"].to_numpy(), expected, rtol=1e-12, atol=1e-6)


def test_areas_are_measured_partition_by_partition(client: Any) -> None:
    shapes = gpd.GeoSeries(
        [shapely.box(77.0 + k, 18.0, 77.5 + k, 18.5) for k in range(6)], crs=MARS_GEOGRAPHIC
    )
    frame = dask_geopandas.from_geopandas(shapes, npartitions=3)
    got = marsgeo.geodesic_area_perimeter(frame).compute()
    pd.testing.assert_frame_equal(got, marsgeo.geodesic_area_perimeter(shapes), check_exact=True)


# --- whole matrices ------------------------------------------------------------------------


def test_a_matrix_is_computed_only_when_small(client: Any) -> None:
    pts = clustered_points(300, seed=6)
    frame = dask_geopandas.from_geopandas(pts, npartitions=3, sort=False)
    pd.testing.assert_frame_equal(
        marsgeo.distance_matrix(frame), marsgeo.distance_matrix(pts), check_exact=True
    )
    with pytest.raises(TooLargeError, match=r"300 points.*nearest_neighbours.*max_distance_m"):
        marsgeo.distance_matrix(frame, max_bytes=100_000)
    with pytest.raises(TooLargeError, match=r"44,850 pairs.*nearest_neighbours"):
        marsgeo.pairwise_distances(frame, max_bytes=100_000)


# --- refusals ------------------------------------------------------------------------------


def test_an_earth_frame_is_refused_at_once(client: Any) -> None:
    pts = clustered_points(200, seed=7).set_crs("EPSG:4326", allow_override=True)
    frame = dask_geopandas.from_geopandas(pts, npartitions=2)
    for call in (
        lambda: marsgeo.nearest_neighbours(frame),
        lambda: marsgeo.distances_from(frame, LANDING),
        lambda: marsgeo.pairwise_distances(frame, max_distance_m=5.0),
    ):
        with pytest.raises(CRSError, match="Earth CRS") as caught:
            call()
        with pytest.raises(CRSError) as single:
            marsgeo.nearest_neighbours(pts)
        assert str(caught.value) == str(single.value)


def test_bad_geometries_and_duplicate_ids_are_refused(client: Any) -> None:
    pts = clustered_points(200, seed=8)
    lines = pts.copy()
    lines.loc[lines.index[150], "geometry"] = shapely.LineString([(77.4, 18.4), (77.5, 18.5)])
    frame = dask_geopandas.from_geopandas(lines, npartitions=2, sort=False)
    with pytest.raises(CatalogueError, match=r"partition 1.*not Points"):
        marsgeo.nearest_neighbours(frame)
    lazy = marsgeo.distances_from(frame, LANDING)  # per point: refused when computed
    with pytest.raises(CatalogueError, match="not Points"):
        lazy.compute()
    twice = pd.concat([pts.iloc[:100], pts.iloc[:100]])
    frame = dd.from_map(lambda p: p, [twice.iloc[:100], twice.iloc[100:]], meta=pts.iloc[:0])
    with pytest.raises(CatalogueError, match=r"duplicate values.*different partitions"):
        marsgeo.nearest_neighbours(frame)
    one = dask_geopandas.from_geopandas(pts.iloc[:1], npartitions=1)
    with pytest.raises(InputError, match="fewer than two points"):
        marsgeo.nearest_neighbours(one)


def test_a_missing_extra_names_the_install(
    points: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = dask_geopandas.from_geopandas(points.iloc[:10], npartitions=1)
    monkeypatch.setitem(sys.modules, "dask_geopandas", None)  # as if not installed
    with pytest.raises(MissingExtraError, match=r'pip install "marsgeo\[dask\]"'):
        marsgeo.nearest_neighbours(frame)


def test_marsgeo_distance_takes_dask_frames_without_importing_dask() -> None:
    code = textwrap.dedent(
        """
        import sys
        import marsgeo.distance
        heavy = ("dask", "distributed", "dask_geopandas", "xarray", "rioxarray")
        assert not [m for m in heavy if m in sys.modules], sorted(sys.modules)
        import dask, dask_geopandas, geopandas
        pts = geopandas.GeoDataFrame(
            geometry=geopandas.points_from_xy([77.40, 77.41], [18.45, 18.46]),
            crs="IAU_2015:49900",
        )
        frame = dask_geopandas.from_geopandas(pts, npartitions=1)
        got = marsgeo.distance.distances_from(frame, (77.40, 18.45))
        with dask.config.set(scheduler="synchronous"):
            print(round(float(got.compute()["distance_m"].iloc[1]), 1))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    expected = haversine_m(77.40, 18.45, 77.41, 18.46)
    assert float(out.stdout.strip()) == round(float(expected), 1)
