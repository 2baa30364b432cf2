"""A DTM's elevations embedded in a web map (marsgeo._elevation): values, pixel mesh, size."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pyproj
import pytest
from affine import Affine

import marsgeo
from marsgeo._elevation import (
    ELEVATION_MAX_PIXELS,
    NO_VALUE,
    elevation_grid,
    pack_values,
    pixel_mesh,
    unpack_values,
)
from marsgeo.basemap import Raster, synthetic_dtm
from marsgeo.crs import MARS_GEOGRAPHIC, local_crs
from marsgeo.errors import CRSError, InputError

DEPOT = (77.4082, 18.4528)
#: the page script that embeds a DTM's elevations
ELEVATION_LAYER = re.compile(r'marsgeo\.draw\([^,]+, "elevation", .*?\);')


def decode(grid: dict[str, Any]) -> np.ndarray:
    """The embedded elevations as the page decodes them (NaN for no value)."""
    raw = unpack_values(grid["values"], rows=grid["rows"], cols=grid["cols"])
    z = grid["z0"] + grid["step"] * raw.astype(float)
    z[raw == NO_VALUE] = np.nan
    return z


def mesh_pixel(grid: dict[str, Any], lon: np.ndarray, lat: np.ndarray) -> tuple[Any, Any]:
    """Fractional pixel column and row from the mesh, interpolated bilinearly."""
    m = grid.get("mesh", grid)
    n = m["n"]
    col = np.asarray(m["col"]).reshape(n, n)
    row = np.asarray(m["row"]).reshape(n, n)
    fx = (lon - m["west"]) / (m["east"] - m["west"]) * (n - 1)
    fy = (lat - m["south"]) / (m["north"] - m["south"]) * (n - 1)
    j = np.minimum(np.floor(fx).astype(int), n - 2)
    i = np.minimum(np.floor(fy).astype(int), n - 2)
    u, v = fx - j, fy - i

    def at(a: np.ndarray) -> np.ndarray:
        return (
            a[i, j] * (1 - u) * (1 - v)
            + a[i, j + 1] * u * (1 - v)
            + a[i + 1, j] * (1 - u) * v
            + a[i + 1, j + 1] * u * v
        )

    return at(col), at(row)


def flat_dtm(crs: Any, *, side: int, pixel: float, centre: tuple[float, float]) -> Raster:
    """A large DTM of constant elevation that costs no memory (a broadcast array)."""
    x0, y0 = pyproj.Transformer.from_crs(MARS_GEOGRAPHIC, crs, always_xy=True).transform(*centre)
    data = np.broadcast_to(np.float32(-2545.0), (side, side))
    half = side * pixel / 2
    transform = Affine(pixel, 0, x0 - half, 0, -pixel, y0 + half)
    return Raster(data=data, transform=transform, crs=crs, name="elevation", units="m")


def test_embedded_values_are_the_dtm_within_the_step() -> None:
    dtm = synthetic_dtm(size_m=400, resolution_m=4)
    z = dtm.data.copy()
    z[10:14, 20:30] = np.nan  # a hole
    dtm = dtm.with_data(z)
    grid = elevation_grid(dtm)
    assert grid["k"] == 1 and (grid["rows"], grid["cols"]) == dtm.shape
    got = decode(grid)
    assert np.array_equal(np.isnan(got), np.isnan(z))
    assert np.nanmax(np.abs(got - z)) <= grid["step"] / 2 * (1 + 1e-9)
    # the step is a round number of millimetres that spans the range in 16 bits
    rng = float(np.nanmax(z) - np.nanmin(z))
    step = grid["step"]
    assert step >= rng / 65534
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert min(abs(mantissa - v) for v in (1, 2, 5)) < 1e-9 and step >= 0.001
    assert grid["synthetic"] is True and "SYNTHETIC" in grid["label"]


def test_integer_dtm_nodata_is_no_value() -> None:
    data = np.array(
        [[-2500, -2501, -9999], [-2502, -2503, -2504], [-2505, -9999, -2506]], dtype=np.int16
    )
    dtm = Raster(
        data=data,
        transform=Affine(10, 0, 0, 0, -10, 30),
        crs=MARS_GEOGRAPHIC,
        nodata=-9999,
        name="elevation",
        units="m",
    )
    got = decode(elevation_grid(dtm))
    want = np.where(data == -9999, np.nan, data.astype(float))
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.nanmax(np.abs(got - want)) <= 0.0005


@pytest.mark.parametrize(
    ("crs", "pixel"),
    [
        ("IAU_2015:49910", 1.0),  # global equirectangular (the USGS products' kind)
        (local_crs(77.5, 18.0), 1.0),  # transverse Mercator, centred 30 km away
        (MARS_GEOGRAPHIC, 2e-5),  # degrees
    ],
    ids=["equirectangular", "transverse-mercator", "geographic"],
)
def test_mesh_maps_lonlat_to_pixels_as_pyproj(crs: Any, pixel: float) -> None:
    dtm = flat_dtm(pyproj.CRS(crs), side=20_000, pixel=pixel, centre=DEPOT)  # 20 km (or so)
    mesh, err = pixel_mesh(dtm)
    assert err < 5e-4
    w, s, e, n = dtm.lonlat_bounds()
    rng = np.random.default_rng(15)
    lon, lat = rng.uniform(w, e, 5000), rng.uniform(s, n, 5000)
    x, y = pyproj.Transformer.from_crs(MARS_GEOGRAPHIC, dtm.crs, always_xy=True).transform(lon, lat)
    t = dtm.transform
    col, row = mesh_pixel(mesh, lon, lat)
    assert np.max(np.hypot(col - (x - t.c) / t.a, row - (y - t.f) / t.e)) < 1e-3


def test_large_dtms_are_decimated_and_say_so() -> None:
    dtm = synthetic_dtm(size_m=1200, resolution_m=4)  # 300 x 300 px
    grid = elevation_grid(dtm, max_pixels=20_000)
    k = grid["k"]
    assert k == 3 and (grid["rows"], grid["cols"]) == (100, 100)
    assert grid["rows"] * grid["cols"] <= 20_000
    assert np.abs(decode(grid) - dtm.data[1::3, 1::3]).max() <= grid["step"] / 2 * (1 + 1e-9)
    assert grid["pixel_m"] == pytest.approx(12.0)
    big = flat_dtm(MARS_GEOGRAPHIC, side=3000, pixel=2e-5, centre=DEPOT)
    g = elevation_grid(big)
    assert g["rows"] * g["cols"] <= ELEVATION_MAX_PIXELS < 3000 * 3000
    assert g["k"] == math.ceil(3000 / 1024)


def test_map_legend_says_a_dtm_was_decimated() -> None:
    dtm = flat_dtm(MARS_GEOGRAPHIC, side=1100, pixel=2e-5, centre=DEPOT)  # 1.21 M px
    m = marsgeo.webmap.add_terrain(marsgeo.explore(marsgeo.load_depot(), basemap=None), dtm)
    html = m.get_root().render()
    assert len(ELEVATION_LAYER.findall(html)) == 1
    metres = 2 * 2e-5 * math.pi / 180 * 3_396_190
    assert f"{metres:.3g} m pixels, decimated to one pixel in 2 each way" in html


def test_not_a_dtm_is_refused_or_not_embedded() -> None:
    with pytest.raises(InputError, match="Raster"):
        elevation_grid(np.zeros((5, 5)))
    slope = synthetic_dtm(size_m=400, resolution_m=4)
    slope = slope.with_data(slope.data, units="deg", name="slope")
    with pytest.raises(InputError, match="units 'deg'"):
        elevation_grid(slope)
    image = Raster(
        data=np.zeros((50, 50), dtype=np.uint8), transform=slope.transform, crs=slope.crs
    )
    with pytest.raises(InputError, match="brightness"):
        elevation_grid(image)
    # an Earth CRS never makes a Raster, so never reaches the page
    with pytest.raises(CRSError):
        Raster(data=np.zeros((5, 5)), transform=Affine(1, 0, 0, 0, -1, 0), crs="EPSG:4326")
    # drawn, but without elevations
    m = marsgeo.webmap.add_terrain(marsgeo.explore(marsgeo.load_depot(), basemap=None), image)
    html = m.get_root().render()
    assert not ELEVATION_LAYER.search(html) and "Cursor elevation" not in html


def test_a_crs_the_mesh_cannot_follow_is_said_in_the_legend() -> None:
    # a polar stereographic DTM over the pole: longitudes wrap inside it
    polar = pyproj.CRS("+proj=stere +lat_0=90 +lon_0=0 +R=3396190 +units=m +type=crs")
    data = np.broadcast_to(np.float32(-2000.0), (400, 400))
    dtm = Raster(
        data=data,
        transform=Affine(500, 0, -100_000, 0, -500, 100_000),
        crs=polar,
        name="elevation",
        units="m",
    )
    with pytest.raises(InputError, match="reproject"):
        pixel_mesh(dtm)
    m = marsgeo.webmap.add_terrain(marsgeo.explore(marsgeo.load_depot(), basemap=None), dtm)
    html = m.get_root().render()
    assert "No cursor elevation or profiles" in html and not ELEVATION_LAYER.search(html)


def test_synthetic_page_bytes() -> None:
    tubes = marsgeo.load_depot()
    with_dtm = marsgeo.webmap.add_terrain(marsgeo.explore(tubes, basemap=None), "synthetic")
    html = with_dtm.get_root().render()
    grid = elevation_grid(synthetic_dtm())
    assert (grid["rows"], grid["cols"]) == (1000, 1000)  # the whole DTM, not decimated
    layer = ELEVATION_LAYER.search(html)
    assert layer is not None
    # packed: well under a byte a pixel (2 bytes raw, 8/3 as plain base64), and a small mesh
    assert len(layer.group(0)) < 1_000_000 * 0.8


@pytest.mark.parametrize("shape", [(1, 1), (1, 9), (9, 1), (40, 33)])
def test_packed_values_come_back_exactly(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(7)
    grid = rng.integers(0, 65_536, size=shape).astype(np.uint16)
    grid.flat[:: max(1, grid.size // 5)] = NO_VALUE  # cells without data, and wrap-arounds
    back = unpack_values(pack_values(grid), rows=shape[0], cols=shape[1])
    assert back.dtype == np.uint16 and (back == grid).all()
