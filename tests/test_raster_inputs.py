"""Rasters at the edges: every IAU Mars CRS through GeoTIFF, wrong arguments, sizes, bad files."""

from __future__ import annotations

import contextlib
import inspect
import io
import math
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import rasterio.shutil
from affine import Affine
from pyproj import CRS
from pyproj.database import query_crs_info
from rasterio.crs import CRS as RioCRS  # noqa: N811 - rasterio's own name
from shapely.geometry import Point

import marsgeo
from marsgeo import basemap as bm
from marsgeo import crs as mcrs
from marsgeo.errors import CRSError, DataFileError, InputError, MarsGeoError, TooLargeError

from .rasters import overwrite_block, serve, sparse_tif, write_tif

A = 3_396_190.0  # Mars equatorial radius [m], IAU 2015
# The landing site, published both ways: planetocentric 77.4508 E 18.4447 N is planetographic
# 18.6487 N, and 282.5492 W (three_forks reference, "Mars reference figures").
LANDING = (77.4508, 18.4447)
LANDING_OGRAPHIC_LAT = 18.6487
LANDING_WEST_LON = 282.5492


def _point(lon: float, lat: float) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[Point(lon, lat)], crs=mcrs.MARS_GEOGRAPHIC)


def _spot_raster(crs: Any, x: float, y: float, res: float, n: int = 21) -> bm.Raster:
    """Zeros, and 1 in the centre pixel, whose centre is (x, y) in ``crs``."""
    data = np.zeros((n, n), np.float32)
    data[n // 2, n // 2] = 1.0
    t = Affine(res, 0, x - res * n / 2, 0, -res, y + res * n / 2)
    return bm.Raster(data=data, transform=t, crs=CRS(crs), units="m")


# the landing site in each IAU ellipsoid CRS, from the published figures and the plain formulas
# of those CRSs (geographic: the angles; equirectangular on the ellipsoid: x = a lon, y = a lat,
# with the x axis of the planetographic family pointing west)
ELLIPSOID_SPOTS = {
    "IAU_2015:49901": (LANDING_WEST_LON, LANDING_OGRAPHIC_LAT, 0.001),
    "IAU_2015:49902": (LANDING[0], LANDING[1], 0.001),
    "IAU_2015:49911": (
        -A * math.radians(LANDING[0]),
        A * math.radians(LANDING_OGRAPHIC_LAT),
        50.0,
    ),
}


# --- 1. every Mars CRS keeps its meaning through a GeoTIFF ---------------


@pytest.mark.parametrize("code", sorted(ELLIPSOID_SPOTS))
def test_ellipsoid_crs_round_trip_keeps_the_landing_site(tmp_path: Path, code: str) -> None:
    x, y, res = ELLIPSOID_SPOTS[code]
    r = _spot_raster(code, x, y, res)
    site = _point(*LANDING)
    assert bm.sample_raster(r, site).iloc[0] == 1.0
    path = bm.write_raster(r, tmp_path / "spot.tif")
    back = bm.read_raster(path)
    assert back.crs.to_authority() == tuple(code.split(":"))
    assert bm.sample_raster(path, site).iloc[0] == 1.0
    assert bm.sample_raster(back, site).iloc[0] == 1.0
    # a window around the site holds the spot too
    win = bm.read_raster(path, aoi=site, margin_m=200)
    assert np.nansum(win.data) == 1.0


def _mars_codes() -> list[str]:
    return sorted(
        f"IAU_2015:{i.code}"
        for i in query_crs_info(auth_name="IAU_2015")
        if i.code.startswith("499") and len(i.code) == 5 and not i.deprecated
    )


def _site(crs: CRS) -> tuple[float, float]:
    if "North Polar" in crs.name:
        return (77.4, 80.0)
    if "South Polar" in crs.name:
        return (77.4, -80.0)
    if "clon = 180" in crs.name:
        return (170.0, 18.45)
    return LANDING


def test_every_iau_mars_crs_round_trips_or_is_refused(tmp_path: Path) -> None:
    codes = _mars_codes()
    assert len(codes) >= 50  # geographic and projected; sphere and ellipsoid; both latitudes
    problems = []
    refused = []
    for code in codes:
        crs = CRS(code)
        lon, lat = _site(crs)
        x, y = mcrs.from_mars_lonlat([lon], [lat], crs)
        res = 0.002 if not crs.is_projected else 100.0
        n = 12
        data = np.arange(n * n, dtype=np.float32).reshape(n, n)
        t = Affine(res, 0, float(x[0]) - res * n / 2, 0, -res, float(y[0]) + res * n / 2)
        r = bm.Raster(data=data, transform=t, crs=crs, units="m")
        cells = [(1, 2), (6, 6), (10, 3), (0, 11), (11, 0)]
        px = np.array([t.c + t.a * (c + 0.5) for _, c in cells])
        py = np.array([t.f + t.e * (r_ + 0.5) for r_, _ in cells])
        plon, plat = mcrs.to_mars_lonlat(px, py, crs)
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(plon, plat), crs=mcrs.MARS_GEOGRAPHIC)
        expected = [float(data[r_, c]) for r_, c in cells]
        path = tmp_path / f"{code.split(':')[1]}.tif"
        try:
            bm.write_raster(r, path)
        except CRSError as exc:
            refused.append(code)
            if crs.name not in str(exc) or "IAU_2015:499" not in str(exc):
                problems.append(f"{code}: refusal does not name the CRS and a fix: {exc}")
            if path.exists():
                problems.append(f"{code}: refused, but a file was left")
            continue
        try:
            got = bm.sample_raster(path, pts, outside="nan").tolist()
        except CRSError as exc:
            refused.append(code)
            if "crs=" not in str(exc):
                problems.append(f"{code}: refused on read without naming crs=: {exc}")
            continue
        if got != expected:
            problems.append(f"{code} ({crs.name}): wrote {expected}, read back {got}")
    assert not problems, "\n".join(problems)
    # marsgeo's own files keep every CRS but the two GeoTIFF has no keys for at all
    assert set(refused) <= {"IAU_2015:49991", "IAU_2015:49992"}, refused


def test_crs_geotiff_cannot_hold_is_refused_before_any_file_appears(tmp_path: Path) -> None:
    crs = CRS("IAU_2015:49991")  # Mercator on the ellipsoid: GDAL writes no georeferencing
    x, y = mcrs.from_mars_lonlat([LANDING[0]], [LANDING[1]], crs)
    r = _spot_raster(crs, float(x[0]), float(y[0]), 100.0)
    with pytest.raises(CRSError, match=r"Mars \(2015\) / Ographic / Mercator.*IAU_2015:49911"):
        bm.write_raster(r, tmp_path / "merc.tif")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("code", sorted(ELLIPSOID_SPOTS))
def test_foreign_ellipsoid_geotiff_is_refused_unless_crs_says(tmp_path: Path, code: str) -> None:
    # written by plain GDAL: the keys lose the west axis and the planetocentric latitude
    x, y, res = ELLIPSOID_SPOTS[code]
    r = _spot_raster(code, x, y, res)
    path = write_tif(tmp_path / "foreign.tif", r.data, r.transform, CRS(code))
    site = _point(*LANDING)
    with pytest.raises(CRSError, match=rf"foreign\.tif.*{code}.*crs="):
        bm.read_raster(path)
    with pytest.raises(CRSError, match="crs="):
        bm.sample_raster(path, site)
    assert bm.sample_raster(path, site, crs=code).iloc[0] == 1.0
    assert bm.read_raster(path, crs=code).crs.equals(CRS(code))


def test_foreign_polar_stereographic_reads_as_geotiff_means_it(tmp_path: Path) -> None:
    # GeoTIFF x, y are the projection's own: x = rho sin(lon), y = -rho cos(lon), with
    # rho = 2 R tan(45 deg - lat / 2) on the sphere, true scale at the pole
    crs = CRS("+proj=stere +lat_0=90 +lat_ts=90 +lon_0=0 +R=3396190 +units=m +type=crs")
    lon, lat = 77.4, 80.0
    rho = 2 * A * math.tan(math.radians(45.0 - lat / 2))
    x, y = rho * math.sin(math.radians(lon)), -rho * math.cos(math.radians(lon))
    r = _spot_raster(crs, x, y, 100.0)
    path = write_tif(tmp_path / "polar.tif", r.data, r.transform, crs)
    assert bm.sample_raster(path, _point(lon, lat)).iloc[0] == 1.0
    # and the same, as GDAL itself reads that file
    with rasterio.open(path) as ds:
        glon, glat = rasterio.warp.transform(
            ds.crs, RioCRS.from_wkt(mcrs.MARS_GEOGRAPHIC.to_wkt()), [x], [y]
        )
    assert glon[0] == pytest.approx(lon, abs=1e-6) and glat[0] == pytest.approx(lat, abs=1e-6)


def test_crs_tag_counts_only_while_the_keys_agree(tmp_path: Path) -> None:
    x, y, res = ELLIPSOID_SPOTS["IAU_2015:49901"]
    path = bm.write_raster(_spot_raster("IAU_2015:49901", x, y, res), tmp_path / "spot.tif")
    assert bm.sample_raster(path, _point(*LANDING)).iloc[0] == 1.0
    # another tool relabels the file (as gdal_edit.py -a_srs does), keeping marsgeo's tag
    with rasterio.open(path, "r+") as ds:
        ds.crs = RioCRS.from_wkt(CRS("IAU_2015:49910").to_wkt())
        t = Affine(100.0, 0, 4_590_000.0, 0, -100.0, 1_093_000.0)
        ds.transform = t
    relabelled = bm.read_raster(path)
    assert relabelled.crs.equals(CRS("IAU_2015:49910"))  # the keys win over a stale tag


def test_cog_over_http_keeps_an_ellipsoid_crs(tmp_path: Path) -> None:
    x, y, res = ELLIPSOID_SPOTS["IAU_2015:49902"]
    plain = bm.write_raster(_spot_raster("IAU_2015:49902", x, y, res), tmp_path / "plain.tif")
    rasterio.shutil.copy(plain, tmp_path / "cog.tif", driver="COG")
    with serve(tmp_path) as server:
        url = f"{server.url}/cog.tif"
        assert bm.sample_raster(url, _point(*LANDING)).iloc[0] == 1.0
        assert bm.read_raster(url).crs.to_authority() == ("IAU_2015", "49902")


def test_reprojection_refuses_axes_gdal_would_misread() -> None:
    # GDAL's warper takes planetographic west longitudes for east ones and planetocentric
    # latitudes on the ellipsoid for planetographic ones: refused, never misplaced
    for code, target in (
        ("IAU_2015:49901", "IAU_2015:49911"),
        ("IAU_2015:49902", "IAU_2015:49912"),
    ):
        x, y, res = ELLIPSOID_SPOTS[code]
        with pytest.raises(CRSError, match=r"axes GDAL's warper does not follow"):
            bm.reproject_raster(_spot_raster(code, x, y, res), target, resampling="nearest")
    # with east and north axes the ellipsoid warps: equirectangular x = a lon, y = a lat
    x, y = A * math.radians(LANDING[0]), A * math.radians(LANDING_OGRAPHIC_LAT)
    spot = _spot_raster("IAU_2015:49912", x, y, 50.0)
    moved = bm.reproject_raster(spot, "IAU_2015:49962", resampling="nearest")
    assert bm.sample_raster(moved, _point(*LANDING)).iloc[0] == 1.0


# --- 2. wrong types and ranges get marsgeo errors naming argument, value and fix ----------


@pytest.fixture(scope="module")
def dtm() -> bm.Raster:
    return bm.synthetic_dtm(size_m=200, resolution_m=10)


@pytest.fixture(scope="module")
def tif(tmp_path_factory: pytest.TempPathFactory, dtm: bm.Raster) -> Path:
    return bm.write_raster(dtm, tmp_path_factory.mktemp("r") / "dtm.tif")


def _grid() -> Affine:
    return Affine(2.0, 0, 4_580_000.0, 0, -2.0, 1_106_000.0)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: [[1.0, 2.0], [3.0, 4.0]], InputError, r"data of type list.*numpy"),
        (lambda: np.array([["a", "b"], ["c", "d"]]), InputError, r"dtype <U1.*numbers"),
        (lambda: np.zeros((0, 4)), InputError, r"shape \(0, 4\).*at least one row"),
    ],
    ids=["list", "strings", "empty"],
)
def test_raster_data_must_be_a_numeric_grid(make, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        bm.Raster(data=make(), transform=_grid(), crs=mcrs.M2020_LOCAL_EQC)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"transform": Affine(0.0, 0, 0.0, 0, -2.0, 0.0)}, r"pixel size \(0\.0, -2\.0\)"),
        ({"transform": Affine(math.nan, 0, 0, 0, -1, 0)}, r"NaN or infinite"),
        ({"transform": (2.0, 0, 0, 0, -2.0, 0)}, r"transform=.*affine\.Affine"),
        ({"nodata": -1}, r"nodata=-1 cannot be held by uint8"),
        ({"nodata": "none"}, r"nodata='none' is not a number"),
        ({"synthetic": "yes"}, r"synthetic='yes'.*bool"),
        ({"tags": {"SEED": 653}}, r"tags must be a dict of text"),
        ({"name": 7}, r"name=7 is not text"),
    ],
)
def test_raster_fields_are_checked(changes: dict[str, Any], match: str) -> None:
    base: dict[str, Any] = {
        "data": np.zeros((3, 3), np.uint8),
        "transform": _grid(),
        "crs": mcrs.M2020_LOCAL_EQC,
    }
    with pytest.raises(InputError, match=match):
        bm.Raster(**{**base, **changes})


BAD_CALLS = {
    "synthetic seed text": (
        lambda d, p: bm.synthetic_dtm(seed="abc"),  # type: ignore[arg-type]
        r"seed='abc' is not a whole number",
    ),
    "synthetic bool size": (
        lambda d, p: bm.synthetic_dtm(size_m=True, resolution_m=0.25),  # type: ignore[arg-type]
        r"size_m=True is not a number",
    ),
    "aoi of text": (
        lambda d, p: bm.read_raster(p, aoi=("a", 18.4, 77.5, 18.5)),
        r"aoi=\('a', .*four numbers",
    ),
    "margin bool": (
        lambda d, p: bm.read_raster(p, aoi=marsgeo.load_depot(), margin_m=True),  # type: ignore[arg-type]
        r"margin_m=True is not a number",
    ),
    "progress text": (
        lambda d, p: bm.read_raster(p, progress="yes"),  # type: ignore[arg-type]
        r"progress='yes' is not True, False or None",
    ),
    "source none": (lambda d, p: bm.read_raster(None), r"source=None is not a raster"),
    "source bool": (lambda d, p: bm.sample_raster(False, marsgeo.load_depot()), r"source=False"),
    "resolution negative": (
        lambda d, p: bm.reproject_raster(d, mcrs.MARS_GEOGRAPHIC, resolution=-1),
        r"resolution=-1 is out of range",
    ),
    "resolution zero": (
        lambda d, p: bm.reproject_raster(d, mcrs.MARS_GEOGRAPHIC, resolution=0),
        r"resolution=0 is out of range",
    ),
    "resolution text": (
        lambda d, p: bm.reproject_raster(d, mcrs.MARS_GEOGRAPHIC, resolution="fine"),  # type: ignore[arg-type]
        r"resolution='fine' is not a number",
    ),
    "reproject no raster": (
        lambda d, p: bm.reproject_raster(None, mcrs.MARS_GEOGRAPHIC),  # type: ignore[arg-type]
        r"raster must be a marsgeo Raster",
    ),
    "compress bogus": (
        lambda d, p: bm.write_raster(d, p.parent / "c.tif", compress="bogus"),
        r"compress='bogus' is not one of \['deflate'",
    ),
    "write no raster": (
        lambda d, p: bm.write_raster(d.data, p.parent / "c.tif"),  # type: ignore[arg-type]
        r"raster must be a marsgeo Raster",
    ),
    "max slope bool": (
        lambda d, p: bm.hazard_mask(bm.slope_deg(d), max_slope_deg=True),  # type: ignore[arg-type]
        r"max_slope_deg=True is not a number",
    ),
    "extra bool": (
        lambda d, p: bm.hazard_mask(bm.slope_deg(d), extra=True),
        r"extra=True is not a Raster",
    ),
    "azimuth text": (
        lambda d, p: bm.hillshade(d, azimuth_deg="north"),  # type: ignore[arg-type]
        r"azimuth_deg='north' is not a number",
    ),
    "slope of a mask": (
        lambda d, p: bm.slope_deg(d.with_data(d.data > -2545)),
        r"True/False values",
    ),
    "vmin text": (
        lambda d, p: bm.render_png(d, vmin="low"),  # type: ignore[arg-type]
        r"vmin='low' is not a number",
    ),
    "vmin above vmax": (lambda d, p: bm.render_png(d, vmin=2, vmax=1), r"vmin=2 must be below"),
    "colour out of range": (
        lambda d, p: bm.render_png(d.with_data(d.data > -2545), color=(300, 0, 0)),
        r"color=\(300, 0, 0\)",
    ),
    "render no raster": (
        lambda d, p: bm.render_png("dtm.tif"),  # type: ignore[arg-type]
        r"raster must be a marsgeo Raster",
    ),
    "zoom huge": (lambda d, p: bm.tile_index(77.4, 18.4, 10**12), r"zoom=1000000000000"),
    "lon text": (
        lambda d, p: bm.tile_index("77.4", 18.4, 3),  # type: ignore[arg-type]
        r"\(lon, lat\)=\('77\.4', 18\.4\)",
    ),
    "load source int": (lambda d, p: bm.load_dtm(7), r"source=7 is not a raster"),
    "max pixels text": (
        lambda d, p: bm.read_raster(p, max_pixels="many"),  # type: ignore[call-arg]
        r"max_pixels='many' is not a whole number",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_wrong_arguments_are_named_with_their_value(case: str, dtm: bm.Raster, tif: Path) -> None:
    call, match = BAD_CALLS[case]
    with pytest.raises(InputError, match=match):
        call(dtm, tif)


# values of every kind that a caller may pass by mistake
WRONG = [
    None,
    True,
    "abc",
    "",
    math.nan,
    -math.inf,
    -1,
    0,
    10**12,
    1e-300,
    5e-324,
    object(),
    [],
    (1, 2),
    {"a": 1},
    np.zeros(3),
]


def test_every_basemap_function_refuses_wrong_values_with_a_marsgeo_error(
    dtm: bm.Raster, tif: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # anything written lands here
    slope = bm.slope_deg(dtm)
    good = {
        "source": tif,
        "points": marsgeo.load_depot(),
        "raster": dtm,
        "dtm": dtm,
        "slope": slope,
        "mask": bm.hazard_mask(slope),
        "dst_crs": mcrs.local_crs(77.408, 18.453),
        "path": tmp_path / "w.tif",
        "name": "trek-hirise",
        "lon": 77.4,
        "lat": 18.45,
        "zoom": 5,
        "data": dtm.data,
        "transform": dtm.transform,
        "crs": dtm.crs,
        "png": b"\x89PNG\r\n",
        "bounds": ((18.4, 77.4), (18.5, 77.5)),
        "grid": "EPSG4326",
        "attribution": "x",
        "width": 1,
        "height": 1,
    }
    raw = []
    for name in bm.__all__:
        fn = getattr(bm, name)
        if not callable(fn) or isinstance(fn, dict):
            continue
        params = list(inspect.signature(fn).parameters.values())
        for target in params:
            for value in WRONG:
                args, kwargs = [], {}
                for p in params:
                    if p is target:
                        v = value
                    elif p.default is not p.empty:
                        continue
                    else:
                        v = good[p.name]
                    if p.kind == p.KEYWORD_ONLY:
                        kwargs[p.name] = v
                    else:
                        args.append(v)
                try:
                    with contextlib.redirect_stderr(io.StringIO()):
                        result = fn(*args, **kwargs)
                        if name == "open_raster":
                            with result:
                                pass
                except MarsGeoError:
                    pass
                except Exception as exc:  # the point: which ones escape
                    raw.append(f"{name}({target.name}={value!r}): {type(exc).__name__}: {exc}")
    assert not raw, "\n".join(raw[:40]) + f"\n({len(raw)} in all)"


# --- 3. work that would not fit in memory is refused, or done in strips ---------------


def test_huge_raster_is_refused_before_it_is_allocated(tmp_path: Path) -> None:
    # a header of 300 000 x 300 000 float32 px (335 GiB), in a 1 MB sparse file
    t = Affine(1.0, 0, 4_200_000.0, 0, -1.0, 1_250_000.0)  # the depot is near its centre
    path = sparse_tif(tmp_path / "huge.tif", 300_000, 300_000, t, mcrs.M2020_LOCAL_EQC)
    assert path.stat().st_size < 5 * 2**20
    with pytest.raises(TooLargeError, match=r"300,000 x 300,000 px.*GiB.*aoi="):
        bm.read_raster(path)
    with pytest.raises(TooLargeError, match="max_pixels"):
        bm.load_dtm(path, margin_m=500_000)
    # the window around the tubes is small, and allowed
    depot = marsgeo.load_depot()
    win = bm.read_raster(path, aoi=depot, margin_m=10)
    assert win.shape[0] < 100 and np.isnan(win.data).all()  # nothing was ever written
    assert bm.sample_raster(path, depot).isna().all()
    # the bound is an argument
    with pytest.raises(TooLargeError, match=r"max_pixels=100\b"):
        bm.read_raster(path, aoi=depot, margin_m=10, max_pixels=100)


def test_synthetic_dtm_refuses_a_resolution_that_would_not_fit() -> None:
    # 2 km at 0.1 m is 20 000 x 20 000 px; the message gives the alternative
    with pytest.raises(TooLargeError, match=r"20,000 x 20,000 px.*resolution_m >= 0\.2"):
        bm.synthetic_dtm(resolution_m=0.1)
    with pytest.raises(TooLargeError, match="1,000,000 px"):
        bm.synthetic_dtm(size_m=2000, resolution_m=2, max_pixels=10_000)
    assert bm.synthetic_dtm(size_m=2000, resolution_m=2, max_pixels=1_000_000).shape == (
        1000,
        1000,
    )


def test_reprojection_to_a_tiny_pixel_is_refused(dtm: bm.Raster) -> None:
    with pytest.raises(TooLargeError, match=r"px.*coarser resolution="):
        bm.reproject_raster(dtm, mcrs.MARS_GEOGRAPHIC, resolution=1e-12)
    with pytest.raises(TooLargeError):
        bm.render_png(dtm, max_pixels=10)


def test_slope_and_hillshade_work_in_strips_of_bounded_memory() -> None:
    # a plane rising 1 in 10 eastwards and 1 in 20 northwards, in a local TM at the depot
    n = 1200
    e = (np.arange(n) + 0.5 - n / 2) * 2.0
    z = 0.1 * e[None, :] + 0.05 * (-e)[:, None] - 2545.0
    local = mcrs.local_crs(77.40821, 18.45283)
    plane = bm.Raster(data=z, transform=Affine(2.0, 0, -n, 0, -2.0, n), crs=local, units="m")
    normal = np.array([-0.1, -0.05, 1.0]) / math.sqrt(1 + 0.1**2 + 0.05**2)
    az, alt = math.radians(315.0), math.radians(45.0)
    sun = np.array([math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt)])
    expected = {
        "slope_deg": math.degrees(math.atan(math.hypot(0.1, 0.05))),
        "hillshade": float(normal @ sun),
    }
    for fn in (bm.slope_deg, bm.hillshade):
        tracemalloc.start()
        try:
            out = fn(plane)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        # beyond its float32 result, the work holds well under 100 MiB at any time (whole
        # arrays of float64 ground steps and gradients would take about 300 MiB here)
        assert peak - out.data.nbytes < 100 * 2**20, (fn.__name__, peak / 2**20)
        # and the strips join seamlessly: the plane's value everywhere
        assert np.allclose(out.data, expected[fn.__name__], atol=2e-3), fn.__name__


# --- 4. bad data says what it is ---------------


def _depot_dtm(tmp_path: Path, values: np.ndarray, *, nodata: float | None = None) -> Path:
    """A DTM in the Mars 2020 local eqc, 1 m pixels, centred on the depot, uncompressed."""
    n = values.shape[0]
    x0, y0 = (
        float(v[0]) for v in mcrs.from_mars_lonlat([77.40821], [18.45283], mcrs.M2020_LOCAL_EQC)
    )
    t = Affine(1.0, 0, math.floor(x0 - n / 2), 0, -1.0, math.ceil(y0 + n / 2))
    return write_tif(
        tmp_path / "dtm.tif", values.astype(np.float32), t, mcrs.M2020_LOCAL_EQC,
        nodata=nodata, block=256,
    )  # fmt: skip


def test_dtm_without_data_at_the_tubes_says_so(tmp_path: Path) -> None:
    values = np.full((1024, 1024), -2545.0)
    values[412:612, 412:612] = -9999.0  # a hole of 200 m around the depot: nodata
    path = _depot_dtm(tmp_path, values, nodata=-9999.0)
    with pytest.raises(DataFileError, match=r"dtm\.tif.*no elevation data at tubes 1, 2"):
        bm.load_dtm(path)
    from marsgeo.cli import main

    err = io.StringIO()
    code = main(["plan", "--dtm", str(path)], stdout=io.StringIO(), stderr=err)
    assert code == 1
    assert "no elevation data" in err.getvalue() and "hazard" not in err.getvalue()
    # the hole is a hazard of its own kind, not a slope
    dtm = bm.read_raster(path)
    areas = marsgeo.basemap.hazard_polygons(bm.hazard_mask(bm.slope_deg(dtm)))
    assert "no elevation data" in areas["rule"].iloc[0]
    from marsgeo.basemap import hazard_areas

    rules = set(hazard_areas(dtm)["rule"])
    assert rules == {"no elevation data (unknown terrain)"}


def test_impossible_elevations_are_no_data_not_cliffs(tmp_path: Path) -> None:
    values = np.full((1024, 1024), -2545.0)
    path = _depot_dtm(tmp_path, values)
    # a corrupt block far from the tubes reads as 1.9e38, a value no Mars elevation has
    overwrite_block(path, 0, 0, np.float32(1.9e38).tobytes())
    with rasterio.open(path) as ds:
        assert ds.read(1, window=((0, 1), (0, 1)))[0, 0] > 1e38  # GDAL reads it as a number
    dtm = bm.load_dtm(path, margin_m=600)
    bad = np.isnan(dtm.data)
    assert 0 < bad.sum() <= 256 * 256
    assert "(row 0, column 0)" in dtm.description and "elevation range" in dtm.description
    slope = bm.slope_deg(dtm)
    assert np.nanmax(slope.data) < 1.0  # flat ground everywhere there is data
    from marsgeo.basemap import hazard_areas

    assert set(hazard_areas(dtm)["rule"]) == {"no elevation data (unknown terrain)"}
    # under the tubes it is an error that names the file and the block
    overwrite_block(path, 1, 1, np.float32(1.9e38).tobytes())
    overwrite_block(path, 1, 2, np.float32(1.9e38).tobytes())
    overwrite_block(path, 2, 1, np.float32(1.9e38).tobytes())
    overwrite_block(path, 2, 2, np.float32(1.9e38).tobytes())
    with pytest.raises(DataFileError, match=r"dtm\.tif.*no elevation data at tubes.*row 1"):
        bm.load_dtm(path)


def test_geotiff_without_geotransform_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.tif"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)  # on purpose
        with rasterio.open(
            path, "w", driver="GTiff", width=4, height=4, count=1, dtype="float32"
        ) as ds:
            ds.write(np.zeros((1, 4, 4), np.float32))
    with pytest.raises(DataFileError, match=r"plain\.tif.*no geotransform"):
        bm.read_raster(path, crs=mcrs.M2020_LOCAL_EQC)


def test_truncated_geotiff_error_names_the_file_and_gdals_cause(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    t = Affine(1.0, 0, 4_580_000.0, 0, -1.0, 1_106_000.0)
    full = write_tif(
        tmp_path / "full.tif", rng.normal(size=(512, 512)).astype(np.float32), t,
        mcrs.M2020_LOCAL_EQC, block=256,
    )  # fmt: skip
    raw = full.read_bytes()
    cut = tmp_path / "cut.tif"
    cut.write_bytes(raw[: len(raw) * 3 // 4])
    match = r"cut\.tif.*(Read error|TIFF).*truncated or corrupt"
    with pytest.raises(DataFileError, match=match):
        bm.read_raster(cut)
    lon, lat = mcrs.to_mars_lonlat([t.c + 500.5], [t.f - 500.5], mcrs.M2020_LOCAL_EQC)
    with pytest.raises(DataFileError, match=match):
        bm.sample_raster(cut, _point(float(lon[0]), float(lat[0])))
    with serve(tmp_path) as server, pytest.raises(DataFileError, match=r"cut\.tif.*truncated"):
        bm.read_raster(f"{server.url}/cut.tif")
