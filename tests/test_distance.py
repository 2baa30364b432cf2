from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from shapely import segmentize
from shapely.geometry import (
    GeometryCollection,
    LinearRing,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
    box,
)

import marsgeo
from marsgeo import crs as mcrs
from marsgeo.errors import CatalogueError, CoordinateError, CRSError, InputError, TooLargeError

from .reference import LANDING, haversine_m

R = 3_396_190.0


def points(lon, lat, crs=mcrs.MARS_GEOGRAPHIC) -> gpd.GeoDataFrame:  # type: ignore[no-untyped-def]
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=crs)


def test_published_pair() -> None:
    # reference: landing (77.4508 E, 18.4447 N) to (77.4000 E, 18.4600 N) is 2996.86 m
    d = marsgeo.geodesic_distance_m(77.4508, 18.4447, 77.4, 18.46)
    assert float(d) == pytest.approx(2996.86, abs=0.01)
    # and it is not what an Earth ellipsoid would say (5626.97 m)
    _, _, earth = pyproj.Geod(ellps="WGS84").inv(77.4508, 18.4447, 77.4, 18.46)
    assert earth == pytest.approx(5626.97, abs=0.01)
    assert earth / float(d) == pytest.approx(1.8776, abs=1e-3)


def test_nearest_neighbour_spacing_of_the_depot(depot: gpd.GeoDataFrame) -> None:
    nn = marsgeo.nearest_neighbours(depot)
    assert nn.index.name == "tube_id" and nn.crs == mcrs.MARS_GEOGRAPHIC
    # reference: 5.5-7.7 m for tubes 1-9 (7.74 m for the 1-2 pair rounds to 7.7)
    assert nn.loc[1:9, "distance_m"].between(5.5, 7.75).all()
    assert nn.loc[10, "distance_m"] == pytest.approx(20, abs=0.5)
    # each neighbour distance equals the independent haversine between the two tubes
    x, y = depot.geometry.x, depot.geometry.y
    j = nn["nearest_tube_id"]
    expected = haversine_m(x.values, y.values, x[j].values, y[j].values)
    assert np.allclose(nn["distance_m"], expected, rtol=1e-9)


def test_matrix_shape_labels_and_values(depot: gpd.GeoDataFrame) -> None:
    d = marsgeo.distance_matrix(depot)
    assert d.index.name == "tube_id" and d.columns.name == "to_tube_id"
    assert d.index.tolist() == list(range(1, 11)) == d.columns.tolist()
    x, y = depot.geometry.x.values, depot.geometry.y.values
    expected = haversine_m(x[:, None], y[:, None], x[None, :], y[None, :])
    assert np.allclose(d.values, expected, rtol=1e-9, atol=1e-9)


def test_matrix_for_many_points_matches_direct_computation() -> None:
    rng = np.random.default_rng(7)
    lon = rng.uniform(-180, 180, 300)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 300)))
    d = marsgeo.distance_matrix(points(lon, lat)).values
    expected = haversine_m(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    assert np.allclose(d, expected, rtol=1e-8, atol=1e-6)


def test_sphere_kernel_agrees_with_karney_at_every_angle() -> None:
    # global points plus exact and near antipodes, where the chord form needs its fallback
    rng = np.random.default_rng(3)
    lon = np.concatenate([rng.uniform(-180, 180, 200), [0.0, 180.0, 10.0, -170.0 + 1e-9]])
    lat = np.concatenate([np.degrees(np.arcsin(rng.uniform(-1, 1, 200))), [0.0, 0.0, 45, -45]])
    d = marsgeo.distance_matrix(points(lon, lat)).to_numpy()
    n = len(lon)
    _, _, k = mcrs.mars_geod().inv(
        np.repeat(lon, n), np.repeat(lat, n), np.tile(lon, n), np.tile(lat, n)
    )
    assert np.allclose(d, k.reshape(n, n), rtol=1e-12, atol=1e-6)
    assert d[200, 201] == pytest.approx(math.pi * R, rel=1e-15)
    pair = marsgeo.geodesic_distance_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
    _, _, kp = mcrs.mars_geod().inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    assert np.allclose(pair, kp, rtol=1e-12, atol=1e-6)


def test_short_distances_are_exact_to_micrometres() -> None:
    # 1 cm apart at the depot: the chord form must not lose digits at short range
    lon = np.array([77.408, 77.408 + 0.01 / (R * math.cos(math.radians(18.45))) * 180 / math.pi])
    d = marsgeo.distance_matrix(points(lon, [18.45, 18.45])).iloc[0, 1]
    assert d == pytest.approx(0.01, abs=1e-9)


def test_pairwise_lines(depot: gpd.GeoDataFrame) -> None:
    pairs = marsgeo.pairwise_distances(depot)
    assert len(pairs) == 45 and pairs.index.name == "pair_id"
    assert (pairs["tube_id_from"] < pairs["tube_id_to"]).all()
    assert set(pairs.geom_type) == {"LineString"}
    assert pairs["azimuth_deg"].between(0, 360).all()
    d = marsgeo.distance_matrix(depot)
    for row in pairs.itertuples():
        assert row.distance_m == pytest.approx(d.loc[row.tube_id_from, row.tube_id_to])
        start = row.geometry.coords[0]
        assert start == (depot.geometry.x[row.tube_id_from], depot.geometry.y[row.tube_id_from])
    # azimuth of the 3 -> 4 pair: 4 is north-north-east of 3 (from the coordinates)
    p34 = pairs[(pairs.tube_id_from == 3) & (pairs.tube_id_to == 4)].iloc[0]
    dx = (depot.geometry.x[4] - depot.geometry.x[3]) * math.cos(math.radians(18.4527))
    dy = depot.geometry.y[4] - depot.geometry.y[3]
    assert p34.azimuth_deg == pytest.approx(math.degrees(math.atan2(dx, dy)) % 360, abs=0.05)


def test_pairwise_max_distance_and_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(77.3, 77.5, 400), rng.uniform(18.4, 18.5, 400)
    full = marsgeo.pairwise_distances(points(lon, lat))
    assert len(full) == 400 * 399 // 2
    near = marsgeo.pairwise_distances(points(lon, lat), max_distance_m=1000.0)
    assert len(near) == (full["distance_m"] <= 1000.0).sum() > 0
    # small blocks give the same answer as one block
    from marsgeo.distance import _kernel

    monkeypatch.setattr(_kernel, "BLOCK_PAIRS", 997)
    blocked = marsgeo.pairwise_distances(points(lon, lat))
    pd.testing.assert_frame_equal(
        pd.DataFrame(blocked.drop(columns="geometry")), pd.DataFrame(full.drop(columns="geometry"))
    )
    nn_small = marsgeo.nearest_neighbours(points(lon, lat))["distance_m"].to_numpy()
    dm = marsgeo.distance_matrix(points(lon, lat)).to_numpy(copy=True)
    np.fill_diagonal(dm, np.inf)
    assert np.allclose(nn_small, dm.min(axis=1))


def test_max_distance_is_exact_across_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    from marsgeo.distance import _kernel

    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(77.0, 77.1, 300), rng.uniform(18.4, 18.5, 300)
    full = marsgeo.pairwise_distances(points(lon, lat))
    monkeypatch.setattr(_kernel, "BLOCK_PAIRS", 1000)
    for limit in full["distance_m"].sample(20, random_state=1):
        got = marsgeo.pairwise_distances(points(lon, lat), max_distance_m=float(limit))
        assert (got["distance_m"] <= limit).all()
        assert len(got) == (full["distance_m"] <= limit).sum()  # pairs at the limit are kept


def test_zero_distance_has_no_azimuth() -> None:
    pts = points([77.4, 77.4, 77.5], [18.4, 18.4, 18.5])
    pairs = marsgeo.pairwise_distances(pts)
    same = pairs[(pairs["tube_id_from"] == 0) & (pairs["tube_id_to"] == 1)].iloc[0]
    assert same["distance_m"] == 0 and np.isnan(same["azimuth_deg"])
    assert pairs["azimuth_deg"].notna().sum() == 2


def test_index_must_be_flat_and_complete(depot: gpd.GeoDataFrame) -> None:
    multi = depot.set_index([depot.index, depot["name"]])
    with pytest.raises(CatalogueError, match="2 levels"):
        marsgeo.distance_matrix(multi)
    holes = depot.set_axis([1, 2, 3, 4, 5, 6, 7, 8, 9, np.nan])
    with pytest.raises(CatalogueError, match="missing"):
        marsgeo.distance_matrix(holes)


def test_spacing_violations(depot: gpd.GeoDataFrame) -> None:
    assert marsgeo.spacing_violations(depot, min_spacing_m=5.0).empty
    close = marsgeo.spacing_violations(depot, min_spacing_m=6.0)
    assert close[["tube_id_from", "tube_id_to"]].values.tolist() == [[3, 4], [5, 6]]
    assert close["distance_m"].is_monotonic_increasing and (close["distance_m"] < 6).all()


def test_inputs_are_not_mutated(depot: gpd.GeoDataFrame) -> None:
    before = depot.copy()
    marsgeo.distance_matrix(depot)
    marsgeo.pairwise_distances(depot)
    marsgeo.nearest_neighbours(depot)
    pd.testing.assert_frame_equal(pd.DataFrame(depot), pd.DataFrame(before))


A_M, B_M = 3_396_190.0, 3_376_200.0  # IAU 2015 Mars ellipsoid radii [m]


def ographic_west(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Planetocentric east lon/lat -> planetographic west (IAU_2015:49901), by the formulas."""
    lat_g = np.degrees(
        np.arctan2((A_M / B_M) ** 2 * np.sin(np.radians(lat)), np.cos(np.radians(lat)))
    )
    return np.mod(-np.asarray(lon), 360.0), lat_g


def depot_in(depot: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """The depot's places written in another Mars CRS."""
    lon, lat = depot.geometry.x.to_numpy(), depot.geometry.y.to_numpy()
    if crs == "IAU_2015:49901":
        x, y = ographic_west(lon, lat)
    elif crs in ("IAU_2015:49900", "IAU_2015:49902"):  # planetocentric east: the same numbers
        x, y = lon, lat
    else:
        x, y = mcrs.from_mars_lonlat(lon, lat, crs)
    out = points(x, y, crs=crs)
    out.index = depot.index
    return out


@pytest.mark.parametrize(
    "crs",
    ["IAU_2015:49901", "IAU_2015:49902", "IAU_2015:49911", "IAU_2015:49912", "IAU_2015:49910"],
)
def test_the_same_places_measure_the_same_in_every_mars_crs(
    depot: gpd.GeoDataFrame, crs: str
) -> None:
    # distances are measured on the MARS_GEOGRAPHIC sphere, whatever CRS the places are in
    other = depot_in(depot, crs)
    x, y = depot.geometry.x.to_numpy(), depot.geometry.y.to_numpy()
    want = haversine_m(x[:, None], y[:, None], x[None, :], y[None, :])
    rtol = 1e-9 if crs in ("IAU_2015:49901", "IAU_2015:49902") else 1e-7  # projected: PROJ
    matrix = marsgeo.distance_matrix(other)
    assert np.allclose(matrix.to_numpy(), want, rtol=rtol, atol=1e-9)
    # tubes 1 and 10 of the reference positions are 58.7180 m apart on the sphere (58.6833 m
    # on the IAU ellipsoid, which is not where marsgeo measures unless asked)
    assert matrix.loc[1, 10] == pytest.approx(58.7180, abs=5e-4)
    pairs = marsgeo.pairwise_distances(other)
    i, j = pairs["tube_id_from"].to_numpy() - 1, pairs["tube_id_to"].to_numpy() - 1
    assert np.allclose(pairs["distance_m"], want[i, j], rtol=rtol)
    nn = marsgeo.nearest_neighbours(other)
    np.fill_diagonal(want, np.inf)
    assert np.allclose(nn["distance_m"], want.min(axis=1), rtol=rtol)
    assert (nn["nearest_tube_id"] == marsgeo.nearest_neighbours(depot)["nearest_tube_id"]).all()
    close = marsgeo.spacing_violations(other, min_spacing_m=6.0)
    assert close[["tube_id_from", "tube_id_to"]].values.tolist() == [[3, 4], [5, 6]]
    from_landing = marsgeo.distance.distances_from(other, LANDING)["distance_m"]
    assert np.allclose(from_landing, haversine_m(*LANDING, x, y), rtol=rtol)


def test_areas_are_measured_on_the_sphere_whatever_the_crs() -> None:
    shell = cell(77.0, 18.0, 78.0, 19.0)
    xy = np.asarray(shell.exterior.coords)
    lon_w, lat_g = ographic_west(xy[:, 0], xy[:, 1])
    west = gpd.GeoSeries([Polygon(np.column_stack([lon_w, lat_g]))], crs="IAU_2015:49901")
    area = marsgeo.geodesic_area_perimeter(west).loc[0, "area_m2"]
    assert area == pytest.approx(cell_area_m2(77.0, 18.0, 78.0, 19.0), rel=1e-6)
    assert area == pytest.approx(measure(shell).loc[0, "area_m2"], rel=1e-9)


def test_an_ellipsoid_is_used_only_when_passed_as_geod() -> None:
    lon, lat = np.array([77.0, 77.5]), np.array([18.0, 18.4])
    on_sphere = float(haversine_m(77.0, 18.0, 77.5, 18.4))
    # the same planetocentric numbers in the ellipsoidal 49902: still the sphere
    for crs in (mcrs.MARS_GEOGRAPHIC, "IAU_2015:49902"):
        d = marsgeo.distance_matrix(points(lon, lat, crs=crs)).iloc[0, 1]
        assert d == pytest.approx(on_sphere, rel=1e-9)
    # an explicit body wins: the IAU ellipsoid (Karney's geodesic, planetographic latitude)
    ellipsoid = pyproj.Geod(a=A_M, b=B_M)
    _, lat_g = ographic_west(lon, lat)
    _, _, want = ellipsoid.inv(77.0, lat_g[0], 77.5, lat_g[1])
    for crs in (mcrs.MARS_GEOGRAPHIC, "IAU_2015:49902"):
        pts = points(lon, lat, crs=crs)
        d = marsgeo.distance_matrix(pts, geod=ellipsoid).iloc[0, 1]
        assert d == pytest.approx(want, rel=1e-12)
        nn = marsgeo.nearest_neighbours(pts, geod=ellipsoid)
        assert nn["distance_m"].to_numpy() == pytest.approx([want, want], rel=1e-12)
        from_first = marsgeo.distance.distances_from(pts, (77.0, 18.0), geod=ellipsoid)
        assert from_first["distance_m"].iloc[1] == pytest.approx(want, rel=1e-12)
    assert 2e-4 < abs(want / on_sphere - 1) < 1e-3  # the ellipsoid is ~0.06 % off here
    # and a mean-radius sphere
    geod = pyproj.Geod(a=3_389_500.0, f=0.0)
    mean = marsgeo.distance_matrix(points(lon, lat), geod=geod).iloc[0, 1]
    assert mean == pytest.approx(float(haversine_m(77.0, 18.0, 77.5, 18.4, r=3_389_500.0)))


def test_planetographic_input_gives_the_same_distances(depot: gpd.GeoDataFrame) -> None:
    # the depot expressed in 49901 (west-positive, planetographic): the same places, measured
    # on the same sphere
    west = depot_in(depot, "IAU_2015:49901")
    a = marsgeo.nearest_neighbours(west)["distance_m"].to_numpy()
    b = marsgeo.nearest_neighbours(depot)["distance_m"].to_numpy()
    assert np.allclose(a, b, rtol=1e-9)
    # and the places themselves are the same (a mirrored layout would have equal distances)
    lines = marsgeo.nearest_neighbours(west)
    starts = np.array([ln.coords[0] for ln in lines.geometry])
    assert np.allclose(starts[:, 0], depot.geometry.x, atol=1e-9)
    assert np.allclose(starts[:, 1], depot.geometry.y, atol=1e-9)


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda d: d.set_crs("EPSG:4326", allow_override=True), CRSError, ["Earth"]),
        (
            lambda d: gpd.GeoDataFrame(d.drop(columns="geometry"), geometry=list(d.geometry)),
            CRSError,
            ["no CRS"],
        ),
        (
            lambda d: d.set_geometry([Point(np.nan, 18), *list(d.geometry[1:])], crs=d.crs),
            CoordinateError,
            ["NaN", "1"],
        ),
        (
            lambda d: d.set_geometry([Point(77, 91), *list(d.geometry[1:])], crs=d.crs),
            CoordinateError,
            ["91", "-90..90"],
        ),
        (lambda d: d.set_axis([1, 1, 3, 4, 5, 6, 7, 8, 9, 10]), CatalogueError, ["duplicate"]),
        (lambda d: d.iloc[:1], InputError, ["two points"]),
        (lambda d: d.drop(columns="geometry"), InputError, ["GeoDataFrame"]),
    ],
)
def test_bad_points_are_refused(
    depot: gpd.GeoDataFrame, make, error: type, words: list[str]
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as info:
        marsgeo.nearest_neighbours(make(depot))
    for w in words:
        assert w in str(info.value)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda d: marsgeo.spacing_violations(d, min_spacing_m=0), "min_spacing_m=0"),
        (lambda d: marsgeo.spacing_violations(d, min_spacing_m=float("nan")), "min_spacing_m"),
        (lambda d: marsgeo.pairwise_distances(d, max_distance_m=-1), "max_distance_m=-1"),
        (lambda d: marsgeo.distance_matrix(d, geod="WGS84"), "pyproj.Geod"),
        (lambda d: marsgeo.geodesic_distance_m(77, float("nan"), 77, 18), "lat1"),
        (lambda d: marsgeo.geodesic_distance_m(77, 18, 77, 100), "lat2"),
    ],
)
def test_bad_options_are_refused(depot: gpd.GeoDataFrame, call, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=match):
        call(depot)


# --- properties ----------------------------------------------------------------------------------

lons = st.floats(-180, 180, allow_nan=False)
lats = st.floats(-90, 90, allow_nan=False)
coords = st.lists(st.tuples(lons, lats), min_size=2, max_size=12)


@given(coords)
def test_matrix_properties(pts: list[tuple[float, float]]) -> None:
    lon, lat = np.array(pts).T
    d = marsgeo.distance_matrix(points(lon, lat).reset_index(drop=True)).to_numpy()
    assert np.allclose(d, d.T)  # symmetry
    assert (np.diag(d) == 0).all()  # zero diagonal
    assert (d >= 0).all() and (d <= math.pi * R * (1 + 1e-9)).all()
    # triangle inequality d(i,k) <= d(i,j) + d(j,k) for all triples
    lhs = d[:, None, :]
    rhs = d[:, :, None] + d[None, :, :]
    assert (lhs <= rhs + 1e-6).all()


@given(lons, lats, lons, lats)
def test_agrees_with_independent_haversine(
    lon1: float, lat1: float, lon2: float, lat2: float
) -> None:
    d = float(marsgeo.geodesic_distance_m(lon1, lat1, lon2, lat2))
    h = float(haversine_m(lon1, lat1, lon2, lat2))
    # haversine loses precision near antipodes (asin of ~1): compare in angle there
    assert d == pytest.approx(h, rel=1e-9, abs=1e-3 if h < 0.99 * math.pi * R else 20.0)


@given(st.floats(0.0, 0.5), lats, st.floats(0.0, 0.5))
def test_antimeridian(eps_a: float, lat: float, eps_b: float) -> None:
    # points either side of 180 E are close, not half a planet apart
    d = float(marsgeo.geodesic_distance_m(180 - eps_a, lat, -180 + eps_b, lat))
    assert d == pytest.approx(float(haversine_m(0, lat, eps_a + eps_b, lat)), rel=1e-9, abs=1e-6)
    assert d <= math.radians(eps_a + eps_b) * R + 1e-6


@given(lons, lons)
def test_poles(lon_a: float, lon_b: float) -> None:
    # every longitude at a pole is the same point
    assert float(marsgeo.geodesic_distance_m(lon_a, 90, lon_b, 90)) == pytest.approx(0, abs=1e-6)
    pole_to_equator = float(marsgeo.geodesic_distance_m(lon_a, 90, lon_b, 0))
    assert pole_to_equator == pytest.approx(math.pi / 2 * R, rel=1e-12)


@given(
    arrays(np.float64, 5, elements=st.floats(-179, 179)),
    arrays(np.float64, 5, elements=st.floats(-89, 89)),
)
def test_vectorised_equals_elementwise(lon: np.ndarray, lat: np.ndarray) -> None:
    vec = marsgeo.geodesic_distance_m(lon, lat, lon[::-1], lat[::-1])
    one = [
        float(marsgeo.geodesic_distance_m(a, b, c, e))
        for a, b, c, e in zip(lon, lat, lon[::-1], lat[::-1], strict=True)
    ]
    # the same formula; numpy's array and scalar paths may differ in the last bits only
    assert np.allclose(vec, one, rtol=4 * np.finfo(float).eps, atol=1e-9)


def test_landing_to_depot(depot: gpd.GeoDataFrame) -> None:
    d = marsgeo.geodesic_distance_m(*LANDING, depot.geometry.x.mean(), depot.geometry.y.mean())
    assert float(d) == pytest.approx(2450, abs=25)


# --- areas and perimeters, against closed forms on the sphere ------------------------------------

# step [deg] for densifying lat/lon cells: the geodesic between two vertices on a parallel
# bulges poleward by micrometres, so the densified cell has the parallel-bounded cell's area
CELL_STEP_DEG = 0.002


def cell(lon1: float, lat1: float, lon2: float, lat2: float, *, ccw: bool = True) -> Polygon:
    """A lat/lon cell, densified so that its geodesic edges follow the parallels."""
    ring = np.asarray(box(lon1, lat1, lon2, lat2).exterior.coords)  # counter-clockwise
    ring = ring if ccw else ring[::-1]
    return Polygon(segmentize(LinearRing(ring), CELL_STEP_DEG))


def cell_area_m2(lon1: float, lat1: float, lon2: float, lat2: float, r: float = R) -> float:
    """Closed form: the area between two meridians and two parallels of a sphere."""
    return (
        r**2
        * math.radians(lon2 - lon1)
        * (math.sin(math.radians(lat2)) - math.sin(math.radians(lat1)))
    )


def path_length_m(coords: object, r: float = R) -> float:
    """Sum of great-circle (haversine) lengths of the segments of a vertex chain."""
    lon, lat = np.asarray(coords, dtype=float)[:, :2].T
    return float(np.sum(haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:], r=r)))


def measure(*geoms: object, geod: pyproj.Geod | None = None) -> pd.DataFrame:
    return marsgeo.geodesic_area_perimeter(
        gpd.GeoSeries(list(geoms), crs=mcrs.MARS_GEOGRAPHIC), geod=geod
    )


@pytest.mark.parametrize("bounds", [(77.0, 18.0, 78.0, 19.0), (-10.0, -62.0, 10.0, -55.0)])
@pytest.mark.parametrize("ccw", [True, False])
def test_cell_area_matches_the_closed_form(bounds: tuple[float, ...], ccw: bool) -> None:
    poly = cell(*bounds, ccw=ccw)
    m = measure(poly)
    assert m["area_m2"].iloc[0] == pytest.approx(cell_area_m2(*bounds), rel=1e-9)
    assert m["perimeter_m"].iloc[0] == pytest.approx(path_length_m(poly.exterior.coords), rel=1e-9)


@pytest.mark.parametrize("shell_ccw", [True, False])
@pytest.mark.parametrize("hole_ccw", [True, False])
def test_a_hole_is_subtracted_however_it_is_wound(shell_ccw: bool, hole_ccw: bool) -> None:
    outer, inner = (76.0, 17.0, 79.0, 20.0), (77.0, 18.0, 78.0, 19.0)
    shell = cell(*outer, ccw=shell_ccw).exterior
    hole = cell(*inner, ccw=hole_ccw).exterior
    m = measure(Polygon(shell, [hole]))
    want = cell_area_m2(*outer) - cell_area_m2(*inner)
    assert m["area_m2"].iloc[0] == pytest.approx(want, rel=1e-9)
    # the perimeter is the whole boundary, holes included (as shapely's `length`)
    rings = path_length_m(shell.coords) + path_length_m(hole.coords)
    assert m["perimeter_m"].iloc[0] == pytest.approx(rings, rel=1e-9)


def test_a_body_passed_as_geod_scales_area_and_perimeter() -> None:
    poly = Polygon(cell(76, 17, 79, 20).exterior, [cell(77, 18, 78, 19, ccw=False).exterior])
    on_mars = measure(poly)
    twice = measure(poly, geod=pyproj.Geod(a=2 * R, f=0.0))
    assert twice["area_m2"].iloc[0] == pytest.approx(4 * on_mars["area_m2"].iloc[0], rel=1e-9)
    assert twice["perimeter_m"].iloc[0] == pytest.approx(
        2 * on_mars["perimeter_m"].iloc[0], rel=1e-9
    )


def test_lines_have_their_length_and_no_area() -> None:
    two = LineString([(77.40, 18.45), (77.45, 18.44)])
    three = LineString([(77.40, 18.45), (77.45, 18.44), (77.42, 18.50)])
    closed = LineString([(77.40, 18.45), (77.45, 18.44), (77.42, 18.50), (77.40, 18.45)])
    multi = MultiLineString([two, three])
    m = measure(two, three, closed, multi)
    assert m["area_m2"].tolist() == [0.0, 0.0, 0.0, 0.0]
    want = [path_length_m(g.coords) for g in (two, three, closed)]
    want.append(want[0] + want[1])
    assert m["perimeter_m"].to_numpy() == pytest.approx(want, rel=1e-9)
    # a two-point line is as long as the great-circle distance between its ends, not twice it
    assert m["perimeter_m"].iloc[0] == pytest.approx(
        float(haversine_m(77.40, 18.45, 77.45, 18.44)), rel=1e-9
    )


def test_parts_are_summed_and_points_measure_nothing() -> None:
    a, b = (77.0, 18.0, 78.0, 19.0), (80.0, -5.0, 81.5, -3.0)
    # parts wound in opposite directions must add up, not cancel
    multi = MultiPolygon([cell(*a), cell(*b, ccw=False)])
    line = LineString([(70.0, 0.0), (70.0, 1.0)])
    mixed = GeometryCollection([cell(*a), line, Point(1.0, 2.0)])
    m = measure(multi, mixed, Point(77.4, 18.4), MultiPoint([(0, 0), (1, 1)]), Polygon(), None)
    assert m["area_m2"].iloc[0] == pytest.approx(cell_area_m2(*a) + cell_area_m2(*b), rel=1e-9)
    assert m["perimeter_m"].iloc[0] == pytest.approx(
        sum(path_length_m(p.exterior.coords) for p in multi.geoms), rel=1e-9
    )
    assert m["area_m2"].iloc[1] == pytest.approx(cell_area_m2(*a), rel=1e-9)
    assert m["perimeter_m"].iloc[1] == pytest.approx(
        path_length_m(cell(*a).exterior.coords) + math.radians(1.0) * R, rel=1e-9
    )
    assert m.iloc[2:].to_numpy().tolist() == [[0.0, 0.0]] * 4


@given(
    st.floats(-170.0, 160.0),
    st.floats(-70.0, 60.0),
    st.floats(0.5, 8.0),
    st.floats(0.5, 8.0),
    st.floats(0.1, 0.8),
    st.booleans(),
)
def test_area_with_a_hole_property(
    lon: float, lat: float, width: float, height: float, frac: float, hole_ccw: bool
) -> None:
    outer = (lon, lat, lon + width, lat + height)
    inner_w, inner_h = width * frac, height * frac
    inner = (lon + (width - inner_w) / 2, lat + (height - inner_h) / 2)
    inner = (*inner, inner[0] + inner_w, inner[1] + inner_h)
    poly = Polygon(cell(*outer).exterior, [cell(*inner, ccw=hole_ccw).exterior])
    area = float(measure(poly)["area_m2"].iloc[0])
    assert area == pytest.approx(cell_area_m2(*outer) - cell_area_m2(*inner), rel=1e-8)
    assert 0.0 < area < cell_area_m2(*outer)


# --- the coordinate range rule, wrong types, memory bounds --------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((361.0, 18.4, 77.4, 18.4), ["lon1", "-360..360", "361.0"]),
        ((77.4, 18.4, -400.0, 18.4), ["lon2", "-360..360", "-400.0"]),
        ((True, 18.4, 77.4, 18.4), ["lon1", "True", "not numbers"]),
        ((77.4, "18.4", 77.4, 18.4), ["lat1", "'18.4'", "not numbers"]),
        ((77.4, 18.4, None, 18.4), ["lon2", "None"]),
        (([77.4, False], 18.4, 77.4, 18.4), ["lon1", "False"]),
    ],
)
def test_geodesic_distance_refuses_what_is_no_coordinate(args: tuple, words: list[str]) -> None:  # type: ignore[type-arg]
    with pytest.raises(CoordinateError) as info:
        marsgeo.geodesic_distance_m(*args)
    for w in words:
        assert w in str(info.value)


def test_geodesic_distance_shapes_must_broadcast() -> None:
    with pytest.raises(InputError, match=r"do not broadcast together"):
        marsgeo.geodesic_distance_m([77.4, 77.5], 18.4, [77.4, 77.5, 77.6], 18.4)


def test_points_beyond_the_longitude_range_are_refused(depot: gpd.GeoDataFrame) -> None:
    far = depot.set_geometry([Point(437.4, 18.45), *list(depot.geometry[1:])], crs=depot.crs)
    for call in (marsgeo.distance_matrix, marsgeo.pairwise_distances, marsgeo.nearest_neighbours):
        with pytest.raises(CoordinateError, match=r"rows 1 have longitude 437.4 outside -360..360"):
            call(far)


def test_distance_matrix_of_100000_points_is_refused_before_allocating() -> None:
    import tracemalloc

    n = 100_000
    many = points(np.linspace(77.0, 78.0, n), np.linspace(18.0, 19.0, n))
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError) as info:
            marsgeo.distance_matrix(many)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024**2  # nothing near the 80 GB the matrix would take
    text = str(info.value)
    assert f"{8 * n * n / 1024**3:.1f} GiB" in text  # 8 bytes per distance: 74.5 GiB
    assert "max_distance_m" in text and "nearest_neighbours" in text and "max_bytes" in text


def test_memory_bound_is_documented_and_can_be_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(11)
    pts = points(rng.uniform(77.40, 77.41, 1000), rng.uniform(18.45, 18.46, 1000))
    pairs = 1000 * 999 // 2
    with pytest.raises(TooLargeError, match=rf"{pairs:,} pairs.*max_distance_m"):
        marsgeo.pairwise_distances(pts, max_bytes=10 * 1024**2)
    with pytest.raises(TooLargeError, match=r"distance_matrix of 1,000 points"):
        marsgeo.distance_matrix(pts, max_bytes=1024**2)
    # a radius query keeps few pairs and passes the same bound; a wide one is stopped
    near = marsgeo.pairwise_distances(pts, max_distance_m=1.0, max_bytes=10 * 1024**2)
    assert (near["distance_m"] <= 1.0).all()
    with pytest.raises(TooLargeError, match=r"smaller max_distance_m"):
        marsgeo.pairwise_distances(pts, max_distance_m=5000.0, max_bytes=10 * 1024**2)
    # the module default is read at each call
    monkeypatch.setattr(marsgeo.distance, "MAX_BYTES", 1024**2)
    with pytest.raises(TooLargeError):
        marsgeo.distance_matrix(pts)
    with pytest.raises(TooLargeError):
        marsgeo.spacing_violations(pts, min_spacing_m=5000.0)
    assert marsgeo.distance_matrix(pts, max_bytes=16 * 1024**2).shape == (1000, 1000)
    with pytest.raises(TooLargeError, match=r"compute them in blocks"):
        marsgeo.geodesic_distance_m(np.zeros(100_000), 0.0, 1.0, 1.0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda d: marsgeo.pairwise_distances(d, max_distance_m="5"), "max_distance_m='5'"),
        (lambda d: marsgeo.pairwise_distances(d, max_distance_m=True), "max_distance_m=True"),
        (lambda d: marsgeo.spacing_violations(d, min_spacing_m=True), "min_spacing_m=True"),
        (lambda d: marsgeo.spacing_violations(d, min_spacing_m="5"), "min_spacing_m='5'"),
        (lambda d: marsgeo.distance_matrix(d, max_bytes="big"), "max_bytes='big'"),
        (lambda d: marsgeo.distance_matrix(d, max_bytes=-1), "max_bytes=-1"),
        (lambda d: marsgeo.distance_matrix(d, max_bytes=math.nan), "max_bytes=nan"),
        (lambda d: marsgeo.geodesic_area_perimeter("IAU_2015:49900"), "GeoDataFrame or GeoSeries"),
    ],
)
def test_wrong_option_types_get_marsgeo_errors(depot: gpd.GeoDataFrame, call, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=match):
        call(depot)


def test_area_applies_the_coordinate_range_rule() -> None:
    far = gpd.GeoSeries([box(400, 18, 401, 19), box(77, 18, 78, 19)], crs=mcrs.MARS_GEOGRAPHIC)
    with pytest.raises(CoordinateError, match=r"rows 0 have longitude 401.0, 400.0 outside"):
        marsgeo.distance.geodesic_area_perimeter(far)


# --- distances_from -----------------------------------------------------------------------------


def bearing_deg(lon1, lat1, lon2, lat2):  # type: ignore[no-untyped-def]
    """Initial great-circle bearing [deg, 0..360], written here (numpy only)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.mod(np.degrees(np.arctan2(y, x)), 360.0)


def test_distances_from_the_landing(depot: gpd.GeoDataFrame) -> None:
    got = marsgeo.distance.distances_from(depot, LANDING)
    assert list(got.columns) == ["distance_m", "bearing_deg"]
    assert got.index.equals(depot.index) and got.index.name == "tube_id"
    x, y = depot.geometry.x.to_numpy(), depot.geometry.y.to_numpy()
    assert np.allclose(got["distance_m"], haversine_m(*LANDING, x, y), rtol=1e-9)
    assert np.allclose(got["bearing_deg"], bearing_deg(*LANDING, x, y), atol=1e-7)
    # the depot lies west-north-west of the landing, about 2.45 km away (reference notes)
    assert got["bearing_deg"].between(270, 300).all()
    assert got["distance_m"].between(2400, 2500).all()


@given(coords, lons, lats)
def test_distances_from_agree_with_the_haversine(
    pts: list[tuple[float, float]], lon0: float, lat0: float
) -> None:
    lon, lat = np.array(pts).T
    frame = points(lon, lat).rename_axis("site")
    got = marsgeo.distance.distances_from(frame, (lon0, lat0))
    assert got.index.name == "site"
    h = haversine_m(lon0, lat0, lon, lat)
    far = h > 0.99 * math.pi * R  # the haversine loses precision near antipodes
    assert np.allclose(got["distance_m"][~far], h[~far], rtol=1e-9, atol=1e-3)
    bearing = got["bearing_deg"].to_numpy()
    ok = ~np.isnan(bearing)
    assert ((bearing[ok] >= 0) & (bearing[ok] < 360)).all()
    # bearing NaN exactly where the distance is 0
    assert (np.isnan(bearing) == (got["distance_m"].to_numpy() == 0)).all()
    # compare bearings away from the poles and antipodes, where they are well defined
    plain = ok & ~far & (np.abs(lat) < 89) & (abs(lat0) < 89) & (h > 1.0)
    diff = np.abs((bearing[plain] - bearing_deg(lon0, lat0, lon, lat)[plain] + 180) % 360 - 180)
    assert (diff < 1e-6).all()


def test_distances_from_on_the_ellipsoid_agree_with_pyproj(depot: gpd.GeoDataFrame) -> None:
    ellipsoid = pyproj.Geod(a=A_M, b=B_M)
    got = marsgeo.distance.distances_from(depot, LANDING, geod=ellipsoid)
    x, y = depot.geometry.x.to_numpy(), depot.geometry.y.to_numpy()
    _, lat_g = ographic_west(x, y)
    _, lat0_g = ographic_west(np.array([LANDING[0]]), np.array([LANDING[1]]))
    az, _, d = ellipsoid.inv(np.full(len(x), LANDING[0]), np.full(len(x), lat0_g[0]), x, lat_g)
    assert np.allclose(got["distance_m"], d, rtol=1e-12)
    assert np.allclose(got["bearing_deg"], np.mod(az, 360), atol=1e-9)


def test_every_form_of_origin_gives_the_same_answer(depot: gpd.GeoDataFrame) -> None:
    want = marsgeo.distance.distances_from(depot, LANDING)
    lon_w, lat_g = ographic_west(np.array([LANDING[0]]), np.array([LANDING[1]]))
    forms = [
        list(LANDING),
        np.array(LANDING),
        Point(*LANDING),
        gpd.GeoSeries([Point(*LANDING)], crs=mcrs.MARS_GEOGRAPHIC),
        points([LANDING[0]], [LANDING[1]]),
        gpd.GeoSeries([Point(lon_w[0], lat_g[0])], crs="IAU_2015:49901"),
    ]
    for origin in forms:
        got = marsgeo.distance.distances_from(depot, origin)
        assert np.allclose(got.to_numpy(), want.to_numpy(), rtol=1e-9, atol=1e-9), origin


def test_distances_from_the_origin_itself_have_no_bearing() -> None:
    pts = points([77.4, 77.5, 77.4], [0.0, 0.0, 0.0])
    got = marsgeo.distance.distances_from(pts, (77.4, 0.0))
    assert got["distance_m"].tolist()[0] == got["distance_m"].tolist()[2] == 0.0
    assert got["bearing_deg"].isna().tolist() == [True, False, True]
    assert got.loc[1, "bearing_deg"] == pytest.approx(90.0, abs=1e-6)  # due east on the equator


@pytest.mark.parametrize(
    ("origin", "words"),
    [
        ((77.4, 95.0), ["origin", "95.0", "-90..90", "longitude first"]),
        ((437.4, 18.4), ["origin", "437.4", "-360..360"]),
        ((float("nan"), 18.4), ["origin", "NaN", "(lon, lat)"]),
        ((77.4, 18.4, 0.0), ["origin=(77.4, 18.4, 0.0)", "one (lon, lat) pair"]),
        (("77.4", 18.4), ["origin", "'77.4'", "numbers"]),
        ((True, 18.4), ["origin", "True", "numbers"]),
        ("77.4, 18.4", ["origin='77.4, 18.4'", "(lon, lat)"]),
        (None, ["origin=None", "(lon, lat)"]),
        (Point(), ["origin", "not a point"]),
        (LineString([(77, 18), (78, 18)]), ["origin", "not a point"]),
        (
            gpd.GeoSeries([Point(77, 18), Point(78, 18)], crs=mcrs.MARS_GEOGRAPHIC),
            ["origin holds 2 points", "one"],
        ),
        (gpd.GeoSeries([Point(77, 95)], crs=mcrs.MARS_GEOGRAPHIC), ["origin", "95"]),
    ],
)
def test_bad_origins_are_refused(depot: gpd.GeoDataFrame, origin: object, words: list[str]) -> None:
    with pytest.raises(CoordinateError) as info:
        marsgeo.distance.distances_from(depot, origin)
    for w in words:
        assert w in str(info.value)


def test_distances_from_checks_points_and_keeps_them(depot: gpd.GeoDataFrame) -> None:
    before = depot.copy()
    marsgeo.distance.distances_from(depot, LANDING)
    pd.testing.assert_frame_equal(pd.DataFrame(depot), pd.DataFrame(before))
    with pytest.raises(CRSError, match="Earth"):
        marsgeo.distance.distances_from(depot.set_crs("EPSG:4326", allow_override=True), LANDING)
    with pytest.raises(CRSError):
        marsgeo.distance.distances_from(depot, gpd.GeoSeries([Point(*LANDING)], crs="EPSG:4326"))
    unnamed = points([77.4, 77.5], [18.4, 18.4])
    assert marsgeo.distance.distances_from(unnamed, LANDING).index.name is None


def test_a_bearing_a_hair_west_of_north_is_0_not_360() -> None:
    # the second point is one float step west of due north: the azimuth is about -1e-14 deg,
    # which is a bearing of 0 (360.0 would be outside 0..360 as the columns define it)
    pts = points([77.4, np.nextafter(77.4, 0.0)], [18.4, 60.0])
    pair = marsgeo.pairwise_distances(pts)["azimuth_deg"].iloc[0]
    near = marsgeo.nearest_neighbours(pts)["azimuth_deg"].iloc[0]
    bearing = marsgeo.distance.distances_from(pts, (77.4, 18.4))["bearing_deg"].iloc[1]
    for value in (pair, near, bearing):
        assert 0.0 <= value < 360.0
        assert value == pytest.approx(0.0, abs=1e-9)
