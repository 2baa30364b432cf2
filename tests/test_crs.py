from __future__ import annotations

import math
import re

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pyproj import CRS, Transformer
from shapely.geometry import Point

from marsgeo import crs as mcrs
from marsgeo.errors import CoordinateError, CRSError, InputError

MARS_R = 3_396_190.0  # the IAU 2015 Mars sphere

A, B = 3_396_190.0, 3_376_200.0  # IAU 2015 Mars radii, from the reference


def test_mars_geographic_is_the_iau_sphere() -> None:
    c = mcrs.MARS_GEOGRAPHIC
    assert c.to_authority() == ("IAU_2015", "49900")
    assert c.ellipsoid.semi_major_metre == A == c.ellipsoid.semi_minor_metre
    assert mcrs.MARS_POLAR_RADIUS_M == B
    assert pytest.approx(A / (A - B), rel=1e-6) == mcrs.MARS_INVERSE_FLATTENING


@pytest.mark.parametrize(
    "value",
    [
        "IAU_2015:49900",
        "IAU_2015:49901",
        "IAU_2015:49902",
        "IAU_2015:49910",
        "+proj=eqc +R=3396190 +lat_ts=18.4663 +type=crs",
        "+proj=longlat +R=3389500 +type=crs",
    ],
)
def test_mars_crss_are_recognised(value: str) -> None:
    assert mcrs.is_mars_crs(value)
    assert mcrs.require_mars_crs(value) == CRS(value)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("EPSG:4326", ["Earth", "set_crs(marsgeo.crs.MARS_GEOGRAPHIC"]),
        ("OGC:CRS84", ["Earth", "relabel"]),
        ("EPSG:32644", ["Earth"]),
        ("IAU_2015:30100", ["Moon", "MARS_GEOGRAPHIC"]),
        ("IAU_2015:19900", ["Mercury"]),
        ("IAU_2015:29900", ["Venus"]),
    ],
)
def test_non_mars_crss_are_refused_with_the_fix(value: str, words: list[str]) -> None:
    assert not mcrs.is_mars_crs(value)
    with pytest.raises(CRSError) as info:
        mcrs.require_mars_crs(value, name="tubes")
    text = str(info.value)
    assert text.startswith("tubes is ")
    for w in words:
        assert w in text


def test_missing_crs_is_refused() -> None:
    gdf = gpd.GeoDataFrame(geometry=[Point(77.4, 18.4)])
    with pytest.raises(CRSError, match=r"has no CRS.*set_crs\(marsgeo.crs.MARS_GEOGRAPHIC\)"):
        mcrs.require_mars_crs(gdf, name="points")
    with pytest.raises(ValueError):  # the builtin still catches it
        mcrs.require_mars_crs(None)


def test_unparseable_crs_is_refused() -> None:
    with pytest.raises(CRSError, match="not a coordinate reference system PROJ understands"):
        mcrs.require_mars_crs("not a crs at all")


def test_reference_conversion_pairs() -> None:
    # ocentric 18.4447 <-> ographic 18.6487; 77.4508 E <-> 282.5492 W (reference pitfalls)
    assert float(mcrs.ocentric_to_ographic_lat(18.4447)) == pytest.approx(18.6487, abs=5e-5)
    assert float(mcrs.ographic_to_ocentric_lat(18.6487)) == pytest.approx(18.4447, abs=5e-5)
    assert mcrs.east_to_west_lon(77.4508) == pytest.approx(282.5492)
    assert mcrs.west_to_east_lon(282.5492) == pytest.approx(77.4508)
    assert mcrs.lon_to_360(-77.4508) == pytest.approx(282.5492)
    assert mcrs.lon_to_180(282.5492) == pytest.approx(-77.4508)


@given(st.floats(-89.99, 89.99))
def test_planetographic_round_trip(lat: float) -> None:
    there = mcrs.ocentric_to_ographic_lat(lat)
    back = float(mcrs.ographic_to_ocentric_lat(there))
    assert back == pytest.approx(lat, abs=1e-10)
    # planetographic is farther from the equator than planetocentric, never nearer
    assert abs(float(there)) >= abs(lat) - 1e-12


@given(st.floats(-720, 720))
def test_longitude_conventions_round_trip(lon: float) -> None:
    e = mcrs.lon_to_180(lon)
    assert -180.0 <= e < 180.0
    assert math.isclose(math.cos(math.radians(e)), math.cos(math.radians(lon)), abs_tol=1e-9)
    assert mcrs.west_to_east_lon(mcrs.east_to_west_lon(e)) == pytest.approx(e, abs=1e-9) or (
        abs(abs(e) - 180.0) < 1e-9
    )
    assert 0.0 <= mcrs.lon_to_360(lon) < 360.0


def test_local_crs_is_on_the_mars_sphere_and_exact() -> None:
    lon0, lat0 = 77.40821, 18.45283
    local = mcrs.local_crs(lon0, lat0)
    assert local.geodetic_crs == mcrs.MARS_GEOGRAPHIC  # no "unknown" base, no ballpark
    fwd = Transformer.from_crs(mcrs.MARS_GEOGRAPHIC, local, always_xy=True)
    assert "Ballpark" not in fwd.description
    x0, y0 = fwd.transform(lon0, lat0)
    assert (x0, y0) == pytest.approx((0.0, 0.0), abs=1e-6)
    # planar distance in the local TM agrees with the sphere geodesic to < 1 mm over ~2.5 km
    x1, y1 = fwd.transform(*(77.45088572, 18.44462715))
    geod = mcrs.mars_geod()
    _, _, d = geod.inv(lon0, lat0, 77.45088572, 18.44462715)
    assert math.hypot(x1 - x0, y1 - y0) == pytest.approx(d, abs=1e-3)


def test_global_equirectangular_is_off_by_secant_of_latitude() -> None:
    # The pitfall the local CRS avoids: 49910 planar distances are 1/cos(lat) too long east-west.
    t = Transformer.from_crs(mcrs.MARS_GEOGRAPHIC, "IAU_2015:49910", always_xy=True)
    (xa, xb), _ = t.transform([77.40, 77.41], [18.45, 18.45])
    _, _, d = mcrs.mars_geod().inv(77.40, 18.45, 77.41, 18.45)
    assert (xb - xa) / d == pytest.approx(1 / math.cos(math.radians(18.45)), rel=1e-4)


@given(
    st.floats(-179.0, 179.0), st.floats(-80.0, 80.0), st.floats(-2000, 2000), st.floats(-2000, 2000)
)
def test_local_crs_round_trip(lon0: float, lat0: float, dx: float, dy: float) -> None:
    local = mcrs.local_crs(lon0, lat0)
    inv = Transformer.from_crs(local, mcrs.MARS_GEOGRAPHIC, always_xy=True)
    fwd = Transformer.from_crs(mcrs.MARS_GEOGRAPHIC, local, always_xy=True)
    lon, lat = inv.transform(dx, dy)
    # PROJ's spherical TM inverse loses precision near the equator (error ~ 1e-16 R^2 / y)
    # (pinned separately below); everywhere else round trips are exact to a micrometre.
    assume(abs(lat) > 0.1)
    x, y = fwd.transform(lon, lat)
    assert (x, y) == pytest.approx((dx, dy), abs=1e-6)
    # and the library's own converter agrees with PROJ for a CRS on the 49900 base
    lon2, lat2 = mcrs.to_mars_lonlat([dx], [dy], local)
    assert float(lat2[0]) == pytest.approx(lat, abs=1e-10)
    assert float(mcrs.lon_to_180(lon2[0] - lon)) == pytest.approx(0.0, abs=1e-10)


def test_local_crs_equator_roundoff_is_known_and_small() -> None:
    local = mcrs.local_crs(0.0, 0.0)
    inv = Transformer.from_crs(local, mcrs.MARS_GEOGRAPHIC, always_xy=True)
    fwd = Transformer.from_crs(mcrs.MARS_GEOGRAPHIC, local, always_xy=True)
    x, y = fwd.transform(*inv.transform(1.0, 1.0))
    assert abs(x - 1.0) < 3e-3
    assert 0.0 < abs(y - 1.0) < 3e-3  # millimetres at 1 m from an equatorial origin


# --- how far local_crs planar distances are from geodesic ones, measured independently -----------

# the Mars sphere as PROJ defines it, with pyproj's own geodesic (not marsgeo's kernel)
SPHERE = CRS("IAU_2015:49900").get_geod()
# azimuths of the worst pair within r of a TM centre: a chord parallel to the central meridian
# at easting r sqrt(2/3), whose ends are r from the centre
WORST_AZ = math.degrees(math.atan(math.sqrt(2.0)))


def stated_local_crs_bounds_mm() -> dict[float, float]:
    """The accuracy local_crs's docstring states: {radius [km]: bound [mm]}."""
    text = " ".join((mcrs.local_crs.__doc__ or "").split())
    found = re.findall(r"([0-9.]+) mm (?:for points )?within ([0-9.]+) km", text)
    return {float(km): float(mm) for mm, km in found}


def disc_sample(lon0: float, lat0: float, r_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Points within r of the centre: rings at fractions of r every 5 degrees, the worst pair."""
    frac = np.array([0.25, 0.5, 0.75, math.sqrt(2 / 3), 1.0])
    az = np.arange(0.0, 360.0, 5.0)
    worst = [WORST_AZ, 180 - WORST_AZ, -WORST_AZ, WORST_AZ - 180]
    dist = np.concatenate([[0.0], np.repeat(frac * r_m, len(az)), [r_m] * len(worst)])
    azim = np.concatenate([[0.0], np.tile(az, len(frac)), worst])
    lon, lat, _ = SPHERE.fwd(np.full(len(dist), lon0), np.full(len(dist), lat0), azim, dist)
    return np.asarray(lon), np.asarray(lat)


def planar_minus_geodesic_m(
    lon0: float, lat0: float, lon: np.ndarray, lat: np.ndarray
) -> np.ndarray:
    """|planar - geodesic| distance [m] for every pair of the points, in local_crs(lon0, lat0)."""
    fwd = Transformer.from_crs(mcrs.MARS_GEOGRAPHIC, mcrs.local_crs(lon0, lat0), always_xy=True)
    x, y = fwd.transform(lon, lat)
    i, j = np.triu_indices(len(lon), k=1)
    planar = np.hypot(x[i] - x[j], y[i] - y[j])
    _, _, geodesic = SPHERE.inv(lon[i], lat[i], lon[j], lat[j])
    return np.asarray(np.abs(planar - np.asarray(geodesic)))


def worst_error_m(r_m: float) -> float:
    """Closed form: the largest |planar - geodesic| for two points within r of a TM centre."""
    return 2 * r_m**3 / (3 * math.sqrt(3) * SPHERE.a**2)


def test_local_crs_states_its_accuracy() -> None:
    bounds = stated_local_crs_bounds_mm()
    assert {1.0, 5.0, 10.0} <= set(bounds), bounds
    for km, mm in bounds.items():
        # the stated bound is the closed form, rounded up (with room for round-off)
        exact_mm = worst_error_m(km * 1000.0) * 1000.0
        assert exact_mm <= mm < 1.25 * exact_mm, (km, mm, exact_mm)


@pytest.mark.parametrize(
    ("lon0", "lat0"),
    [
        (77.4, 0.0),
        (77.45088572, 18.44462715),  # Jezero
        (77.4, -18.45),
        (-120.0, 45.0),
        (-120.0, -45.0),
        (179.999, 80.0),  # the sample straddles the antimeridian
        (179.999, -80.0),
    ],
)
def test_local_crs_distances_are_as_accurate_as_stated(lon0: float, lat0: float) -> None:
    bounds = stated_local_crs_bounds_mm()
    assert bounds, "local_crs's docstring states no accuracy"
    for km, mm in bounds.items():
        lon, lat = disc_sample(lon0, lat0, km * 1000.0)
        # the stated bounds are for points more than 1 km from the equator (see below)
        away = np.abs(np.radians(lat)) * SPHERE.a > 999.0
        err = planar_minus_geodesic_m(lon0, lat0, lon[away], lat[away])
        assert err.max() <= mm / 1000.0, (km, err.max())
        if away.all():  # the sample holds the worst pair, so the check is not vacuous
            assert err.max() > 0.99 * worst_error_m(km * 1000.0), (km, err.max())


@given(
    st.floats(-180.0, 180.0),
    st.floats(1.0, 85.0),
    st.sampled_from([-1.0, 1.0]),
    st.tuples(st.floats(0.0, 360.0), st.floats(0.0, 5000.0)),
    st.tuples(st.floats(0.0, 360.0), st.floats(0.0, 5000.0)),
)
def test_local_crs_distance_within_5_km_property(
    lon0: float,
    lat0: float,
    hemisphere: float,
    a: tuple[float, float],
    b: tuple[float, float],
) -> None:
    lat0 *= hemisphere
    (az_a, d_a), (az_b, d_b) = a, b
    lon, lat, _ = SPHERE.fwd([lon0, lon0], [lat0, lat0], [az_a, az_b], [d_a, d_b])
    err = planar_minus_geodesic_m(lon0, lat0, np.asarray(lon), np.asarray(lat))
    assert float(err[0]) <= stated_local_crs_bounds_mm()[5.0] / 1000.0


def test_local_crs_northing_roundoff_at_the_equator_is_as_stated() -> None:
    # PROJ's spherical TM takes the northing from acos(), which loses precision near 0:
    # compare with the closed form y = R atan2(tan(lat), cos(lon - lon0)), for points at
    # 0, 1, 10, 100 and 1000 m from the equator over 18 km of it
    fwd = Transformer.from_crs(mcrs.MARS_GEOGRAPHIC, mcrs.local_crs(0.0, 0.0), always_xy=True)
    lon = np.linspace(-0.3, 0.3, 60001)
    worst = {}
    for from_equator_m in (0.0, 1.0, 10.0, 100.0, 1000.0):
        lat = np.full_like(lon, np.degrees(from_equator_m / SPHERE.a))
        _, y = fwd.transform(lon, lat)
        exact = SPHERE.a * np.arctan2(np.tan(np.radians(lat)), np.cos(np.radians(lon)))
        worst[from_equator_m] = float(np.abs(y - exact).max())
    # as stated: up to 5 cm on the equator, about 2 mm at 1 m, 0.2 mm at 10 m, 0.02 mm at
    # 100 m and 3 micrometres at 1 km
    assert 1e-3 < worst[0.0] <= 0.051
    assert worst[1.0] <= 2.5e-3
    assert worst[10.0] <= 0.25e-3
    assert worst[100.0] <= 0.025e-3
    assert worst[1000.0] <= 3e-6


@pytest.mark.parametrize(("lon", "lat"), [(float("nan"), 18.0), (77.0, 95.0), (400.0, 0.0)])
def test_local_crs_refuses_bad_centres(lon: float, lat: float) -> None:
    with pytest.raises(CoordinateError, match=r"local_crs\(lon, lat\).*longitude first"):
        mcrs.local_crs(lon, lat)


# --- every Mars CRS family is brought to MARS_GEOGRAPHIC with explicit formulas ---------------

LON_E, LAT_C = 77.45088572, 18.44462715  # the landing site


def test_from_planetographic_west_positive() -> None:
    lat_g = math.degrees(math.atan((A / B) ** 2 * math.tan(math.radians(LAT_C))))
    lon, lat = mcrs.to_mars_lonlat([360.0 - LON_E], [lat_g], "IAU_2015:49901")
    assert (float(lon[0]), float(lat[0])) == pytest.approx((LON_E, LAT_C), abs=1e-9)


def test_from_planetocentric_on_ellipsoid() -> None:
    # 49902 stores the same planetocentric numbers; only the body shape differs
    lon, lat = mcrs.to_mars_lonlat([LON_E], [LAT_C], "IAU_2015:49902")
    assert (float(lon[0]), float(lat[0])) == pytest.approx((LON_E, LAT_C), abs=1e-12)


def test_proj_itself_gets_the_families_wrong() -> None:
    # Why marsgeo does not use to_crs between IAU families: PROJ shifts latitude by ~0.2 deg.
    t = Transformer.from_crs("IAU_2015:49901", "IAU_2015:49900", always_xy=True)
    lat_g = float(mcrs.ocentric_to_ographic_lat(LAT_C))
    lon, lat = t.transform(360.0 - LON_E, lat_g)
    wrong = abs(lat - LAT_C) > 0.1 or abs(lon - LON_E) > 0.1
    assert wrong, "PROJ now converts 49901 correctly; the explicit path could be revisited"


def test_from_global_equirectangular_formula() -> None:
    # 49910: x = R * lon, y = R * lat (radians), computed here independently
    x, y = A * math.radians(LON_E), A * math.radians(LAT_C)
    lon, lat = mcrs.to_mars_lonlat([x], [y], "IAU_2015:49910")
    assert (float(lon[0]), float(lat[0])) == pytest.approx((LON_E, LAT_C), abs=1e-9)


def test_from_mars2020_local_equirectangular() -> None:
    lat_ts = math.radians(18.4663)
    x = A * math.radians(LON_E) * math.cos(lat_ts)
    y = A * math.radians(LAT_C)
    lon, lat = mcrs.to_mars_lonlat([x], [y], mcrs.M2020_LOCAL_EQC)
    assert (float(lon[0]), float(lat[0])) == pytest.approx((LON_E, LAT_C), abs=1e-9)


def test_from_projected_planetographic_west_formula() -> None:
    # 49911: equirectangular on the ellipsoid, x axis pointing west: x = -a * lon_E,
    # y = a * planetographic latitude (radians), computed here without PROJ
    lat_g = math.degrees(math.atan((A / B) ** 2 * math.tan(math.radians(LAT_C))))
    x, y = -A * math.radians(LON_E), A * math.radians(lat_g)
    lon, lat = mcrs.to_mars_lonlat([x], [y], "IAU_2015:49911")
    assert (float(lon[0]), float(lat[0])) == pytest.approx((LON_E, LAT_C), abs=1e-9)
    fx, fy = mcrs.from_mars_lonlat([LON_E], [LAT_C], "IAU_2015:49911")
    assert (float(fx[0]), float(fy[0])) == pytest.approx((x, y), abs=1e-6)


def test_from_projected_planetocentric_ellipsoid_uses_projs_convention() -> None:
    # 49912: PROJ reads y as a * geodetic latitude, then converts to planetocentric. (Files
    # made with the ISIS convention y = a * planetocentric latitude would come out 0.2 deg off;
    # the Mars CRS page of the docs says so.)
    lat_g = math.degrees(math.atan((A / B) ** 2 * math.tan(math.radians(LAT_C))))
    x, y = A * math.radians(LON_E), A * math.radians(lat_g)
    lon, lat = mcrs.to_mars_lonlat([x], [y], "IAU_2015:49912")
    assert (float(lon[0]), float(lat[0])) == pytest.approx((LON_E, LAT_C), abs=1e-9)


def test_rotated_pole_and_shifted_longitude_go_through_proj() -> None:
    ob = "+proj=ob_tran +o_proj=longlat +o_lat_p=40 +R=3396190 +type=crs"
    lon, lat = mcrs.to_mars_lonlat([77.4509], [18.4446], ob)
    # PROJ's own answer for the rotated pole, not the input numbers read as lon/lat
    assert (float(lon[0]), float(lat[0])) == pytest.approx((96.7673, 21.1778), abs=1e-4)
    lon, _ = mcrs.to_mars_lonlat([77.4509], [18.4446], "+proj=longlat +lon_0=90 +R=3396190")
    assert float(lon[0]) == pytest.approx(167.4509)
    back = mcrs.from_mars_lonlat(*mcrs.to_mars_lonlat([10.0], [20.0], ob), ob)
    assert (float(back[0][0]), float(back[1][0])) == pytest.approx((10.0, 20.0), abs=1e-9)


def test_geocentric_and_out_of_domain_are_refused() -> None:
    with pytest.raises(CRSError, match="Geocentric CRS; marsgeo takes geographic or projected"):
        mcrs.to_mars_lonlat([1.0], [2.0], "+proj=geocent +R=3396190 +type=crs")
    laea = "+proj=laea +R=3396190 +lat_0=18 +lon_0=77 +type=crs"
    with pytest.raises(CoordinateError, match="off the map"):
        mcrs.to_mars_lonlat([0.0, 1e9], [0.0, 1e9], laea)


def test_elevation_survives_conversion() -> None:
    src = gpd.GeoSeries(
        [Point(360.0 - LON_E, 18.6487, -2569.9), Point(1.0, 2.0)], crs="IAU_2015:49901"
    )
    out = mcrs.to_mars_geographic(src)
    assert out.has_z.tolist() == [True, False]
    assert out.iloc[0].z == -2569.9


def test_to_mars_geographic_converts_every_geometry_and_keeps_input() -> None:
    lat_g = float(mcrs.ocentric_to_ographic_lat(LAT_C))
    src = gpd.GeoDataFrame(
        {"name": ["landing"]}, geometry=[Point(360.0 - LON_E, lat_g)], crs="IAU_2015:49901"
    )
    before = src.copy()
    out = mcrs.to_mars_geographic(src)
    assert out.crs == mcrs.MARS_GEOGRAPHIC
    assert (out.geometry.x.iloc[0], out.geometry.y.iloc[0]) == pytest.approx((LON_E, LAT_C))
    assert out.geometry.name == "geometry" and out["name"].tolist() == ["landing"]
    assert src.equals(before)


def test_to_mars_lonlat_refuses_earth() -> None:
    with pytest.raises(CRSError, match="Earth"):
        mcrs.to_mars_lonlat(np.array([0.0]), np.array([0.0]), "EPSG:4326")


# --- the coordinate range rule at every door of crs -------------------------------------------


def test_polar_stereographic_axes_are_ordered_by_name_not_direction() -> None:
    # GDAL and +proj=stere give both axes the direction "south"; the first is still the easting.
    # Independent: x = 2R tan(45 - lat/2) sin(lon), y = -2R tan(45 - lat/2) cos(lon) (north pole)
    stere = "+proj=stere +lat_0=90 +R=3396190 +type=crs"
    lat, lon = 80.0, 45.0
    t = math.tan(math.radians(45.0 - lat / 2))
    x, y = (
        2 * MARS_R * t * math.sin(math.radians(lon)),
        -2 * MARS_R * t * math.cos(math.radians(lon)),
    )
    got = mcrs.to_mars_lonlat([x], [y], stere)
    assert (float(got[0][0]), float(got[1][0])) == pytest.approx((lon, lat), abs=1e-9)
    back = mcrs.from_mars_lonlat([lon], [lat], stere)
    assert (float(back[0][0]), float(back[1][0])) == pytest.approx((x, y), abs=1e-6)


@pytest.mark.parametrize("code", ["IAU_2015:49940", "IAU_2015:49920", "IAU_2015:49950"])
@pytest.mark.parametrize("lon", [180.0, -180.0, 179.999])
def test_the_edge_meridian_of_a_world_map_round_trips(code: str, lon: float) -> None:
    x, y = mcrs.from_mars_lonlat([lon], [18.0], code)
    back_lon, back_lat = mcrs.to_mars_lonlat(x, y, code)
    # 180 E and 180 W are one meridian
    assert abs((float(back_lon[0]) - lon + 180.0) % 360.0 - 180.0) < 1e-6
    assert float(back_lat[0]) == pytest.approx(18.0, abs=1e-9)


def test_data_already_in_mars_geographic_keeps_the_range_rule() -> None:
    bad = gpd.GeoSeries([Point(400.0, 95.0)], crs=mcrs.MARS_GEOGRAPHIC)
    with pytest.raises(CoordinateError, match=r"outside -360..360.*outside -90..90"):
        mcrs.to_mars_geographic(bad)
    with pytest.raises(CoordinateError, match="NaN"):
        mcrs.to_mars_geographic(gpd.GeoSeries([Point(10.0, math.nan)], crs=mcrs.MARS_GEOGRAPHIC))
    with pytest.raises(InputError, match="GeoDataFrame or GeoSeries"):
        mcrs.to_mars_geographic("IAU_2015:49900")


def test_coordinate_problems_checks_its_own_arguments() -> None:
    assert mcrs.coordinate_problems([1.0, 2.0], [1.0]) == [
        "longitude and latitude hold 2 and 1 values; pass one latitude for each longitude"
    ]
    with pytest.raises(CoordinateError, match="'a', not numbers"):
        mcrs.coordinate_problems(["a"], [1.0])
    with pytest.raises(InputError, match="rows has 1 labels for 2"):
        mcrs.coordinate_problems([1.0, 2.0], [1.0, 2.0], rows=[7])


def test_mean_lonlat_keeps_the_range_rule() -> None:
    with pytest.raises(CoordinateError, match="not numbers"):
        mcrs.mean_lonlat(["77.4"], ["18.4"])
    with pytest.raises(CoordinateError, match=r"outside -360..360"):
        mcrs.mean_lonlat([1e6], [0.0])
    with pytest.raises(CoordinateError, match="not numbers"):
        mcrs.local_crs_around([True], [18.0])


def test_latitude_conversions_take_any_real_radius() -> None:
    from decimal import Decimal

    # tan(c) = (b/a)^2 tan(g), written out
    expected = math.degrees(math.atan((3376200 / 3396190) ** 2 * math.tan(math.radians(10.0))))
    got = mcrs.ographic_to_ocentric_lat(10.0, a_m=Decimal("3396190"), b_m=Decimal("3376200"))
    assert float(got) == pytest.approx(expected, abs=1e-12)
    with pytest.raises(InputError, match="a_m"):
        mcrs.ographic_to_ocentric_lat(10.0, a_m=1e-300)
    with pytest.raises(CoordinateError, match=r"outside -90..90"):
        mcrs.ocentric_to_ographic_lat(95.0)


def test_crs_of_objects_that_are_not_crs_like_are_refused_by_type() -> None:
    no_geometry = gpd.GeoDataFrame({"a": [1]})
    with pytest.raises(CRSError, match=r"no readable CRS.*set_geometry") as info:
        mcrs.require_mars_crs(no_geometry)
    assert "   a" not in str(info.value)  # the frame itself is not printed
    with pytest.raises(CRSError, match="crs=ndarray is not"):
        mcrs.require_mars_crs(np.zeros((3, 3)))
