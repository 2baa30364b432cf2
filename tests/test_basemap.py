from __future__ import annotations

import hashlib
import io
import math
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from affine import Affine
from pyproj import CRS
from rasterio.io import MemoryFile
from shapely.geometry import Point

import marsgeo
from marsgeo import basemap as bm
from marsgeo import crs as mcrs
from marsgeo._progress import Progress
from marsgeo.errors import CatalogueError, CRSError, DataFileError, InputError

from .rasters import serve, write_tif

R = 3_396_190.0
TUBE_ELEV = [
    -2545.26,
    -2545.48,
    -2545.31,
    -2545.19,
    -2545.27,
    -2545.11,
    -2545.44,
    -2545.10,
    -2545.28,
    -2545.20,
]  # reference table, metres above the areoid


# --- tile providers ---------------


def test_catalogue_has_the_mars_services() -> None:
    provs = bm.tile_providers()
    assert {
        "trek-hirise",
        "trek-ctx",
        "trek-mola",
        "trek-viking",
        "opm-basemap",
        "usgs-wms",
    } <= set(provs)
    for name, p in provs.items():
        assert p["body"] == "Mars", name
        assert p["attribution"].strip(), name
        assert 0 <= p["min_zoom"] <= p["max_zoom"], name
        assert p["url"].startswith("https://"), name
    # Trek tiles are on the geographic grid, OpenPlanetaryMap on Web Mercator
    assert {provs[n]["grid"] for n in ("trek-hirise", "trek-ctx", "trek-mola")} == {"EPSG4326"}
    assert provs["opm-basemap"]["grid"] == "EPSG3857"
    assert "University of Arizona" in provs["trek-hirise"]["attribution"]
    assert "MSSS" in provs["trek-ctx"]["attribution"]
    assert provs["usgs-wms"]["kind"] == "wms" and provs["usgs-wms"]["layers"]


def test_zoom_ranges_follow_resolution() -> None:
    # geographic grid: level 0 is 2 x 1 tiles of 256 px -> 2*pi*R / 512 metres per pixel
    for name in ("trek-hirise", "trek-ctx", "trek-mola", "trek-viking"):
        p = bm.tile_provider(name)
        px_m = 2 * math.pi * R / (512 * 2 ** p["max_zoom"])
        assert 0.5 * p["resolution_m"] <= px_m <= 2.0 * p["resolution_m"], name


@pytest.mark.parametrize(
    "spelling", ["trek-hirise", "Trek HiRISE", "TREK_HIRISE", "hirise", " HiRISE "]
)
def test_forgiving_lookup(spelling: str) -> None:
    assert bm.tile_provider(spelling).name == "trek-hirise"


def test_unknown_provider_suggests() -> None:
    with pytest.raises(InputError, match=r"'hirse'.*Did you mean 'trek-hirise'.*Known"):
        bm.tile_provider("hirse")
    with pytest.raises(InputError, match="not a provider name"):
        bm.tile_provider(17)  # type: ignore[arg-type]


def test_build_url_for_the_depot_tile() -> None:
    p = bm.tile_provider("trek-hirise")
    x, y = bm.tile_index(77.40821, 18.45283, 17)
    # independent: geographic grid, 2^z x 2^z tiles per 180 degrees, rows from the north
    assert x == math.floor((77.40821 + 180) / 180 * 2**17)
    assert y == math.floor((90 - 18.45283) / 180 * 2**17)
    url = p.build_url(x=x, y=y, z=17)
    assert url.endswith(f"/17/{y}/{x}.png") and "{" not in url


def test_tile_index_known_cells() -> None:
    assert bm.tile_index(-10.0, 5.0, 0) == (0, 0)  # geographic level 0: west tile
    assert bm.tile_index(77.4, 18.45, 0) == (1, 0)  # east tile
    assert bm.tile_index(77.4, 18.45, 1) == (2, 0)
    assert bm.tile_index(0.0, 0.0, 0, grid="EPSG3857") == (0, 0)  # one tile at level 0
    assert bm.tile_index(0.001, -0.001, 2, grid="EPSG3857") == (2, 2)
    assert bm.tile_index(77.4, 89.9, 3, grid="EPSG3857")[1] == 0  # clamped to the top row
    with pytest.raises(InputError, match="grid"):
        bm.tile_index(0, 0, 1, grid="EPSG9999")
    with pytest.raises(InputError, match="zoom"):
        bm.tile_index(0, 0, -1)


def test_broken_catalogue_lists_every_problem() -> None:
    from marsgeo._tiles import load_catalogue

    text = (
        '{"providers": [{"name": "a", "title": "A", "kind": "xyz", "url": "http://x/{z}/{x}",'
        ' "attribution": "", "min_zoom": 0, "max_zoom": 3, "grid": "EPSG4326", "body": "Mars"},'
        ' {"name": "b", "title": "B", "kind": "xyz", "url": "https://x/{z}/{y}/{x}",'
        ' "attribution": "B", "min_zoom": 5, "max_zoom": 3, "grid": "EPSG27700",'
        ' "body": "Moon"}]}'
    )
    with pytest.raises(CatalogueError) as info:
        load_catalogue(text)
    msg = str(info.value)
    assert "missing ['attribution']" in msg
    assert "EPSG27700" in msg and "Moon" in msg and "zoom range 5..3" in msg


# --- test rasters ---------------


@pytest.fixture
def depot() -> gpd.GeoDataFrame:
    return marsgeo.load_depot()


def eqc_grid(res: float = 1.0, size: int = 200) -> tuple[Affine, float, float]:
    """A grid in the Mars 2020 local eqc centred on the depot; returns transform and centre."""
    x0, y0 = (
        float(v[0]) for v in mcrs.from_mars_lonlat([77.40821], [18.45283], mcrs.M2020_LOCAL_EQC)
    )
    left = math.floor(x0 - size * res / 2)
    top = math.ceil(y0 + size * res / 2)
    return Affine(res, 0, left, 0, -res, top), x0, y0


@pytest.mark.parametrize(
    "crs",
    [
        CRS("IAU_2015:49910"),
        mcrs.M2020_LOCAL_EQC,
        mcrs.local_crs(77.408, 18.453),
        mcrs.MARS_GEOGRAPHIC,
    ],
    ids=["49910", "m2020-eqc", "local-tm", "49900"],
)
def test_crs_round_trip(tmp_path: Path, crs: CRS) -> None:
    data = np.arange(64, dtype=np.float32).reshape(8, 8)
    # a grid on Mars in every CRS: metres in the projected ones, degrees in the geographic one
    t = (
        Affine(1.0, 0, 70.0, 0, -1.0, 20.0)
        if crs.is_geographic
        else Affine(1.0, 0, 1e3, 0, -1.0, 2e3)
    )
    path = write_tif(tmp_path / "r.tif", data, t, crs)
    r = bm.read_raster(path)
    assert r.crs.equals(crs) or r.crs == crs
    assert r.transform == t
    np.testing.assert_array_equal(r.data, data)
    # and through marsgeo's own writer
    back = bm.read_raster(bm.write_raster(r, tmp_path / "again.tif"))
    assert back.crs.equals(r.crs) and back.transform == t


def test_sampled_values_equal_written_values(tmp_path: Path, depot: gpd.GeoDataFrame) -> None:
    t, _, _ = eqc_grid(res=0.5, size=400)
    data = (np.arange(400)[:, None] * 1000 + np.arange(400)[None, :]).astype(np.float64)
    path = write_tif(tmp_path / "ids.tif", data, t, mcrs.M2020_LOCAL_EQC, block=64)
    got = bm.sample_raster(path, depot)
    # independent: each tube's pixel from its eqc coordinates, x = R lon cos(lat_ts), y = R lat
    lat_ts = math.radians(18.4663)
    x = R * np.radians(depot.geometry.x.to_numpy()) * math.cos(lat_ts)
    y = R * np.radians(depot.geometry.y.to_numpy())
    col = np.floor((x - t.c) / t.a).astype(int)
    row = np.floor((y - t.f) / t.e).astype(int)
    np.testing.assert_array_equal(got.to_numpy(), data[row, col])
    assert got.index.equals(depot.index)
    # the in-memory Raster gives the same
    np.testing.assert_array_equal(bm.sample_raster(bm.read_raster(path), depot), got)


def test_sampling_many_points_over_blocks(tmp_path: Path) -> None:
    t = Affine(10.0, 0, 0.0, 0, -10.0, 1_100_000.0)
    rng = np.random.default_rng(0)
    data = rng.normal(size=(600, 700)).astype(np.float32)
    path = write_tif(tmp_path / "big.tif", data, t, mcrs.M2020_LOCAL_EQC, block=128)
    rows, cols = rng.integers(0, 600, 5000), rng.integers(0, 700, 5000)
    xs, ys = t.c + (cols + 0.5) * t.a, t.f + (rows + 0.5) * t.e
    lon, lat = mcrs.to_mars_lonlat(xs, ys, mcrs.M2020_LOCAL_EQC)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=mcrs.MARS_GEOGRAPHIC)
    got = bm.sample_raster(path, pts)
    np.testing.assert_array_equal(got.to_numpy(), data[rows, cols].astype(float))


def test_points_outside_raise_or_nan(tmp_path: Path, depot: gpd.GeoDataFrame) -> None:
    t, _, _ = eqc_grid(res=0.1, size=100)  # 10 m square: most tubes are outside
    path = write_tif(
        tmp_path / "small.tif", np.ones((100, 100), np.float32), t, mcrs.M2020_LOCAL_EQC
    )
    with pytest.raises(InputError, match=r"outside raster.*outside='nan'"):
        bm.sample_raster(path, depot)
    got = bm.sample_raster(path, depot, outside="nan")
    assert got.isna().sum() >= 5 and got.notna().sum() >= 1
    assert set(got.dropna().unique()) == {1.0}
    with pytest.raises(InputError, match="outside="):
        bm.sample_raster(path, depot, outside="clip")


def test_nodata_reads_as_nan(tmp_path: Path, depot: gpd.GeoDataFrame) -> None:
    t, _, _ = eqc_grid()
    data = np.full((200, 200), -9999.0, np.float32)
    path = write_tif(tmp_path / "nd.tif", data, t, mcrs.M2020_LOCAL_EQC, nodata=-9999.0)
    assert bm.sample_raster(path, depot).isna().all()
    assert np.isnan(bm.read_raster(path).data).all()


def test_window_read_returns_only_the_area(tmp_path: Path, depot: gpd.GeoDataFrame) -> None:
    t, _, _ = eqc_grid(res=1.0, size=1000)
    data = np.arange(1_000_000, dtype=np.float32).reshape(1000, 1000)
    path = write_tif(tmp_path / "w.tif", data, t, mcrs.M2020_LOCAL_EQC, block=128)
    win = bm.read_raster(path, aoi=depot, margin_m=10)
    # the depot is ~48 x 50 m: with a 10 m margin the window is about 70 x 70 px, not 1000^2
    assert 60 <= win.shape[0] <= 80 and 60 <= win.shape[1] <= 80
    # every tube lies inside, and the pixel values are the file's
    vals = bm.sample_raster(win, depot)
    np.testing.assert_array_equal(vals, bm.sample_raster(path, depot))


def _tile_ranges(path: Path) -> dict[tuple[int, int], tuple[int, int]]:
    with rasterio.open(path) as ds:
        bh, bw = ds.block_shapes[0]
        out = {}
        for r in range(math.ceil(ds.height / bh)):
            for c in range(math.ceil(ds.width / bw)):
                off = int(ds.get_tag_item(f"BLOCK_OFFSET_{c}_{r}", "TIFF", bidx=1))
                size = int(ds.get_tag_item(f"BLOCK_SIZE_{c}_{r}", "TIFF", bidx=1))
                out[(r, c)] = (off, off + size - 1)
    return out


def test_cog_url_window_touches_only_needed_blocks(tmp_path: Path, depot: gpd.GeoDataFrame) -> None:
    t, _, _ = eqc_grid(res=1.0, size=2048)
    rng = np.random.default_rng(5)
    data = rng.normal(size=(2048, 2048)).astype(np.float32)  # incompressible: honest sizes
    path = write_tif(tmp_path / "cog.tif", data, t, mcrs.M2020_LOCAL_EQC, block=256)
    tiles = _tile_ranges(path)
    first_tile = min(a for a, _ in tiles.values())
    with serve(tmp_path) as server:
        win = bm.read_raster(f"{server.url}/cog.tif", aoi=depot, margin_m=5)
    # which tiles does the window need?
    col0 = round((win.transform.c - t.c) / t.a)
    row0 = round((win.transform.f - t.f) / t.e)
    needed = {
        (r // 256, c // 256)
        for r in (row0, row0 + win.shape[0] - 1)
        for c in (col0, col0 + win.shape[1] - 1)
    }
    needed = {
        (r, c)
        for r in range(min(k[0] for k in needed), max(k[0] for k in needed) + 1)
        for c in range(min(k[1] for k in needed), max(k[1] for k in needed) + 1)
    }
    allowed = [tiles[k] for k in needed]
    fetched = sum(b - a + 1 for _, a, b in server.requests)
    assert fetched < 0.1 * path.stat().st_size
    # GDAL's opening read probes the first bytes for the header and tile index; after it,
    # every request must be for tiles the window needs
    assert server.requests[0][1] == 0
    for _, a, b in server.requests[1:]:
        if b < first_tile:  # more of the header and tile index
            continue
        # each data request overlaps only tiles the window needs
        hit = [k for k, (ta, tb) in tiles.items() if a <= tb and b >= ta]
        assert set(hit) <= needed, (a, b, hit, needed)
    assert allowed  # the window does need some tiles
    np.testing.assert_array_equal(
        win.data, data[row0 : row0 + win.shape[0], col0 : col0 + win.shape[1]]
    )


def test_reprojection_keeps_a_known_point(tmp_path: Path, depot: gpd.GeoDataFrame) -> None:
    t, _, _ = eqc_grid(res=0.5, size=200)
    data = np.zeros((200, 200), np.float32)
    lon10, lat10 = depot.geometry.x[10], depot.geometry.y[10]
    x, y = mcrs.from_mars_lonlat([lon10], [lat10], mcrs.M2020_LOCAL_EQC)
    c, r = int((x[0] - t.c) / t.a), int((y[0] - t.f) / t.e)
    data[r, c] = 100.0
    src = bm.Raster(data=data, transform=t, crs=mcrs.M2020_LOCAL_EQC, name="spot")
    for target in (mcrs.MARS_GEOGRAPHIC, mcrs.local_crs(77.408, 18.453)):
        out = bm.reproject_raster(src, target, resampling="nearest")
        rr, cc = np.unravel_index(np.nanargmax(out.data), out.shape)
        lon, lat = out.xy_lonlat()
        d = marsgeo.geodesic_distance_m(lon[rr, cc], lat[rr, cc], lon10, lat10)
        assert float(d) < 1.0  # within about one source pixel (0.5 m) of tube 10


def test_cross_frame_reprojection_is_refused() -> None:
    t, _, _ = eqc_grid()
    src = bm.Raster(data=np.zeros((200, 200), np.float32), transform=t, crs=mcrs.M2020_LOCAL_EQC)
    with pytest.raises(CRSError, match="different geographic frames"):
        bm.reproject_raster(src, "IAU_2015:49901")
    with pytest.raises(InputError, match="resampling"):
        bm.reproject_raster(src, mcrs.MARS_GEOGRAPHIC, resampling="magic")


# --- slope, hillshade, hazards ---------------


def plane_in_local(a: float, b: float, res: float = 2.0, n: int = 101) -> bm.Raster:
    """z = a * east + b * north [m] in a local TM at the depot (scale 1 at the centre)."""
    local = mcrs.local_crs(77.40821, 18.45283)
    half = res * n / 2
    t = Affine(res, 0, -half, 0, -res, half)
    e = -half + (np.arange(n) + 0.5) * res
    nn = half - (np.arange(n) + 0.5) * res
    z = a * e[None, :] + b * nn[:, None] - 2545.0
    return bm.Raster(data=z, transform=t, crs=local, name="elevation", units="m")


def test_tilted_plane_gives_the_exact_slope() -> None:
    s = bm.slope_deg(plane_in_local(0.10, 0.05))
    expected = math.degrees(math.atan(math.hypot(0.10, 0.05)))
    assert np.allclose(s.data, expected, atol=1e-3)
    assert s.units == "deg"


def test_slope_uses_ground_distances_not_projected_ones() -> None:
    # In the global equirectangular 49910 a pixel is 1/cos(lat) too wide east-west at Jezero.
    res = 5.0
    lat0 = 18.45
    x0 = R * math.radians(77.40)
    y0 = R * math.radians(lat0)
    n = 60
    t = Affine(res, 0, x0, 0, -res, y0)
    cols = np.arange(n) + 0.5
    rows = np.arange(n) + 0.5
    lon = np.degrees((x0 + cols * res) / R)
    lat = np.degrees((y0 - rows * res) / R)
    # a plane rising 1 in 10 eastwards on the ground
    east_m = R * np.cos(np.radians(lat))[:, None] * np.radians(lon - 77.40)[None, :]
    z = 0.1 * east_m
    s = bm.slope_deg(bm.Raster(data=z, transform=t, crs=CRS("IAU_2015:49910"), units="m"))
    inner = s.data[1:-1, 1:-1]
    assert np.allclose(inner, math.degrees(math.atan(0.1)), atol=2e-3)
    naive = math.degrees(math.atan(0.1 * math.cos(math.radians(lat0))))
    assert abs(float(inner.mean()) - naive) > 0.25  # what a projected-metres slope would say


def test_hillshade_of_planes() -> None:
    flat = bm.hillshade(plane_in_local(0.0, 0.0))
    assert np.allclose(flat.data, math.sin(math.radians(45)), atol=1e-6)
    # a plane whose normal points at a sun in the north-west at 45 degrees is fully lit
    facing = bm.hillshade(plane_in_local(math.sqrt(0.5), -math.sqrt(0.5)))
    assert np.allclose(facing.data, 1.0, atol=1e-6)
    # tilted away by more than the sun's altitude: in shadow
    away = bm.hillshade(plane_in_local(-2.0, 2.0))
    assert np.allclose(away.data, 0.0)


def test_hazard_mask_and_polygons() -> None:
    z = plane_in_local(0.0, 0.0).data.copy()
    z[:, 60:] += np.arange(41)[None, :] * 1.0  # a 45-degree ramp on the east side
    dtm = plane_in_local(0.0, 0.0).with_data(z)
    mask = bm.hazard_mask(bm.slope_deg(dtm), max_slope_deg=20)
    assert mask.data.dtype == bool
    assert not mask.data[:, :58].any() and mask.data[:, 62:].all()
    polys = bm.hazard_polygons(mask)
    assert polys.crs == mcrs.MARS_GEOGRAPHIC and len(polys) == 1
    # area ~ 101 rows x ~42 columns of 2 m pixels
    assert polys["area_m2"].iloc[0] == pytest.approx(101 * 2 * 42 * 2, rel=0.05)
    assert "slope > 20 deg" in polys["rule"].iloc[0]


def test_user_hazard_raster_and_unknown_terrain() -> None:
    dtm = plane_in_local(0.0, 0.0)
    z = dtm.data.copy()
    z[0, 0] = np.nan
    slope = bm.slope_deg(dtm.with_data(z))
    rocks = dtm.with_data(np.zeros(dtm.shape, dtype=bool), name="boulder field")
    rocks.data[50, 50] = True
    mask = bm.hazard_mask(slope, extra=rocks)
    assert mask.data[50, 50] and mask.data[0, 0]  # user hazard; unknown terrain
    assert mask.data.sum() <= 10
    assert "boulder field" in mask.tags["HAZARD_RULE"]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda d: bm.hazard_mask(d), "slope Raster in degrees"),
        (lambda d: bm.hazard_mask(bm.slope_deg(d), max_slope_deg=95), "max_slope_deg=95"),
        (lambda d: bm.slope_deg(d.with_data(d.data, units="ft")), "units 'ft'"),
        (lambda d: bm.slope_deg("dtm.tif"), "marsgeo Raster"),
        (lambda d: bm.hillshade(d, altitude_deg=0), "altitude"),
        (lambda d: bm.hazard_polygons(d), "boolean Raster"),
    ],
)
def test_terrain_errors(call, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=match):
        call(plane_in_local(0.01, 0.0))


# --- synthetic terrain ---------------


def test_synthetic_dtm_is_deterministic_and_labelled(tmp_path: Path) -> None:
    a, b = bm.synthetic_dtm(), bm.synthetic_dtm()
    assert hashlib.sha256(a.data.tobytes()).digest() == hashlib.sha256(b.data.tobytes()).digest()
    assert a.synthetic and "SYNTHETIC" in a.description and "Not a measurement" in a.description
    assert a.crs.equals(mcrs.M2020_LOCAL_EQC)
    path = bm.write_raster(a, tmp_path / "synthetic.tif")
    with rasterio.open(path) as ds:
        assert ds.tags()["MARSGEO_SYNTHETIC"] == "yes"
        assert "SYNTHETIC" in ds.tags()["DESCRIPTION"]
    back = bm.read_raster(path)
    assert back.synthetic and back.units == "m"
    # derived products keep the label
    assert bm.slope_deg(a).description.startswith("SYNTHETIC")
    assert bm.render_png(bm.hillshade(a)).attribution.upper().startswith("SYNTHETIC")
    a.data[0, 0] = 0.0  # a caller's change does not leak into the next call
    assert bm.synthetic_dtm().data[0, 0] != 0.0


def test_synthetic_dtm_fits_the_depot(depot: gpd.GeoDataFrame) -> None:
    dtm = bm.synthetic_dtm()
    elev = bm.sample_raster(dtm, depot)
    assert np.allclose(elev, TUBE_ELEV, atol=0.5)  # near the published tube elevations
    slope = bm.slope_deg(dtm)
    assert (bm.sample_raster(slope, depot) < 5).all()  # the depot is on flat ground
    polys = bm.hazard_polygons(bm.hazard_mask(slope))
    assert len(polys) > 0  # the scarp and craters are hazards
    assert not polys.union_all().intersects(depot.union_all())


def test_load_dtm_swaps_in_a_real_file(tmp_path: Path, depot: gpd.GeoDataFrame) -> None:
    assert bm.load_dtm().synthetic
    t, _, _ = eqc_grid(res=1.0, size=3000)
    path = write_tif(
        tmp_path / "real.tif",
        np.full((3000, 3000), -2500.0, np.float32),
        t,
        mcrs.M2020_LOCAL_EQC,
        block=256,
    )
    real = bm.load_dtm(path, margin_m=100)
    assert not real.synthetic and real.shape[0] < 400  # only the window around the depot
    assert bm.sample_raster(real, depot).eq(-2500.0).all()


def test_synthetic_dtm_bad_sizes() -> None:
    with pytest.raises(InputError, match="resolution_m"):
        bm.synthetic_dtm(resolution_m=0)
    with pytest.raises(InputError, match="size_m"):
        bm.synthetic_dtm(size_m=1e6)


# --- PNG overlays --------------------------------------------------------------------------------


def _decode(png: bytes) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)  # plain PNG
        with MemoryFile(png) as mem, mem.open() as ds:
            return ds.read()


def test_png_overlay_places_pixels_exactly(depot: gpd.GeoDataFrame) -> None:
    t, _, _ = eqc_grid(res=0.5, size=200)
    data = np.zeros((200, 200), np.float32)
    lon10, lat10 = depot.geometry.x[10], depot.geometry.y[10]
    x, y = mcrs.from_mars_lonlat([lon10], [lat10], mcrs.M2020_LOCAL_EQC)
    c, r = int((x[0] - t.c) / t.a), int((y[0] - t.f) / t.e)
    data[r - 1 : r + 2, c - 1 : c + 2] = 1.0
    data[0, :] = np.nan
    ov = bm.render_png(bm.Raster(data=data, transform=t, crs=mcrs.M2020_LOCAL_EQC), vmin=0, vmax=1)
    img = _decode(ov.png)
    assert img.shape == (4, ov.height, ov.width)
    (south, west), (north, east) = ov.bounds
    rr, cc = np.unravel_index(np.argmax(img[0]), img[0].shape)
    # Leaflet places the image linearly between the corners on the EPSG4326 grid
    lon = west + (cc + 0.5) / ov.width * (east - west)
    lat = north - (rr + 0.5) / ov.height * (north - south)
    assert float(marsgeo.geodesic_distance_m(lon, lat, lon10, lat10)) < 1.0
    assert img[3, 0, :].max() == 0  # no data -> transparent
    assert img[3, ov.height // 2, ov.width // 2] == 255


def test_png_mask_colours_and_mercator_grid() -> None:
    d = plane_in_local(0.0, 0.0)
    mask = d.with_data(np.zeros(d.shape, dtype=bool))
    mask.data[40:60, 40:60] = True
    ov = bm.render_png(mask, color=(0, 0, 255), opacity=0.5, grid="EPSG3857")
    img = _decode(ov.png)
    on = img[3] > 0
    assert set(np.unique(img[3])) <= {0, 128}
    assert (img[2][on] == 255).all() and (img[0][on] == 0).all()
    assert 300 < on.sum() < 500  # about 20 x 20 pixels
    with pytest.raises(InputError, match="grid"):
        bm.render_png(mask, grid="EPSG4979")


# --- files, errors, progress ---------------


def test_raster_errors(tmp_path: Path, depot: gpd.GeoDataFrame) -> None:
    t, _, _ = eqc_grid()
    data = np.zeros((200, 200), np.float32)
    nocrs = write_tif(tmp_path / "nocrs.tif", data, t, None)
    with pytest.raises(CRSError, match=r"has no CRS.*crs="):
        bm.read_raster(nocrs)
    assert bm.read_raster(nocrs, crs=mcrs.M2020_LOCAL_EQC).shape == (200, 200)
    earth = write_tif(
        tmp_path / "earth.tif", data, Affine(1e-4, 0, 77.4, 0, -1e-4, 18.46), "EPSG:4326"
    )
    with pytest.raises(CRSError, match="Earth"):
        bm.read_raster(earth)
    corrupt = tmp_path / "corrupt.tif"
    corrupt.write_bytes(b"II*\x00garbage" * 10)
    with pytest.raises(DataFileError, match="cannot be opened"):
        bm.read_raster(corrupt)
    with pytest.raises(DataFileError, match="does not exist"):
        bm.read_raster(tmp_path / "missing.tif")
    with pytest.raises(DataFileError, match="folder"):
        bm.read_raster(tmp_path)
    ok = write_tif(tmp_path / "ok.tif", data, t, mcrs.M2020_LOCAL_EQC)
    far = gpd.GeoDataFrame(geometry=[Point(10.0, -40.0)], crs=mcrs.MARS_GEOGRAPHIC)
    with pytest.raises(InputError, match=r"aoi \(lon/lat .*\) lies outside raster"):
        bm.read_raster(ok, aoi=far)
    with pytest.raises(InputError, match="band=2"):
        bm.read_raster(ok, band=2)
    with pytest.raises(InputError, match="margin_m"):
        bm.read_raster(ok, aoi=depot, margin_m=-1)
    with pytest.raises(InputError, match="not an area"):
        bm.read_raster(ok, aoi="the depot")


def test_write_is_atomic(tmp_path: Path) -> None:
    t, _, _ = eqc_grid()
    good = bm.Raster(data=np.ones((200, 200), np.float32), transform=t, crs=mcrs.M2020_LOCAL_EQC)
    target = bm.write_raster(good, tmp_path / "dtm.tif")
    before = target.read_bytes()
    # GeoTIFF keys cannot hold this CRS: the written file is refused when it is read back
    merc = bm.Raster(
        data=np.ones((4, 4), np.float32),
        transform=Affine(100.0, 0, 4.5e6, 0, -100.0, 1.1e6),
        crs=CRS("IAU_2015:49991"),
    )
    with pytest.raises(CRSError, match="cannot hold"):
        bm.write_raster(merc, target)
    assert target.read_bytes() == before  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dtm.tif"]  # no partial file left
    with pytest.raises(DataFileError, match="does not exist"):
        bm.write_raster(good, tmp_path / "no" / "such" / "dir.tif")


def test_progress_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stream = io.StringIO()
    with Progress(4, "work", enabled=True, stream=stream) as bar:
        for _ in range(4):
            bar.update()
    assert "work: [" in stream.getvalue() and "100.0%" in stream.getvalue()
    quiet = io.StringIO()
    with Progress(4, "work", enabled=False, stream=quiet) as bar:
        bar.update(4)
    assert quiet.getvalue() == ""
    t, _, _ = eqc_grid(res=1.0, size=1200)
    path = write_tif(
        tmp_path / "p.tif", np.zeros((1200, 1200), np.float32), t, mcrs.M2020_LOCAL_EQC, block=256
    )
    bm.read_raster(path, progress=True)
    assert "reading p.tif" in capsys.readouterr().err
    bm.read_raster(path, progress=False)
    assert capsys.readouterr().err == ""


def test_raster_repr_and_validation() -> None:
    d = bm.synthetic_dtm(size_m=200, resolution_m=4)
    assert "SYNTHETIC" in repr(d)
    with pytest.raises(InputError, match="2-D"):
        bm.Raster(data=np.zeros((2, 2, 2)), transform=Affine.identity(), crs=mcrs.MARS_GEOGRAPHIC)
    with pytest.raises(InputError, match="north-up"):
        bm.Raster(data=np.zeros((2, 2)), transform=Affine.rotation(10), crs=mcrs.MARS_GEOGRAPHIC)
    with pytest.raises(CRSError, match="Earth"):
        bm.Raster(data=np.zeros((2, 2)), transform=Affine.identity(), crs="EPSG:4326")


def test_window_covers_an_area_with_mid_pixel_edges(tmp_path: Path) -> None:
    local = mcrs.local_crs(77.408, 18.4528)
    data = np.arange(10_000, dtype=np.float32).reshape(100, 100)
    r = bm.Raster(data=data, transform=Affine(1, 0, -50, 0, -1, 50), crs=local, units="m")
    path = bm.write_raster(r, tmp_path / "w.tif")
    # x -47.5..-44.5 and y 37.5..40.5 cover columns 2..5 and rows 9..12: 4 x 4 pixels
    lon, lat = mcrs.to_mars_lonlat([-47.5, -44.5], [37.5, 40.5], local)
    out = bm.read_raster(path, aoi=(lon[0], lat[0], lon[1], lat[1]))
    assert out.shape == (4, 4)
    np.testing.assert_array_equal(out.data, data[9:13, 2:6])
    left, bottom, right, top = out.bounds
    assert left <= -47.5 and right >= -44.5 and bottom <= 37.5 and top >= 40.5
