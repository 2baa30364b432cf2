"""Terrain at any size: ground steps once per row (or on a checked lattice), block by block
with Horn's one-pixel overlap, progress with tqdm, and DTMs on disk larger than the memory
budget (write_terrain and ``marsgeo terrain``).

Every expected value is computed here independently: a plain numpy Horn, ground steps from
pyproj.Geod of the Mars sphere, GDAL's polygons of the whole mask.
"""

from __future__ import annotations

import io
import math
import subprocess
import sys
import tracemalloc
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import pytest
import rasterio
import rasterio.features
import shapely
from affine import Affine
from pyproj import CRS, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import (
    LambertConformalConic2SPConversion,
    PolarStereographicBConversion,
    TransverseMercatorConversion,
)

import marsgeo.basemap as bm
import marsgeo.crs as mcrs
from marsgeo import _blocks
from marsgeo.errors import InputError

R = 3_396_190.0
MARS = CRS("IAU_2015:49900")
SUN = (315.0, 45.0)


def local_tm(lon: float, lat: float) -> ProjectedCRS:
    """A local Transverse Mercator on the Mars sphere, built here with pyproj alone."""
    return ProjectedCRS(
        conversion=TransverseMercatorConversion(
            latitude_natural_origin=lat,
            longitude_natural_origin=lon,
            scale_factor_natural_origin=1.0,
        ),
        geodetic_crs=MARS,
    )


def rough(n: int, m: int | None = None, *, seed: int = 5, scale: float = 0.08) -> np.ndarray:
    """Smooth random terrain [m] around the depot's elevation: hills, hollows and steep bits."""
    rng = np.random.default_rng(seed)
    m = n if m is None else m
    z = rng.standard_normal((n, m)).cumsum(axis=0).cumsum(axis=1)
    z -= np.linspace(z[:, 0], z[:, -1], m, axis=1)  # no runaway trend
    return (z * scale - 2545.0).astype(np.float32)


def horn(z: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plain numpy Horn on the interior: dz/d(column) and dz/d(row) [m/m] (rows run south)."""
    z = z.astype(float)
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    return ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * dx), ((g + 2 * h + i) - (a + 2 * b + c)) / (
        8 * dy
    )


def slope_of(east: np.ndarray, north: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan(np.hypot(east, north)))


def shade_of(east: np.ndarray, north: np.ndarray, sun: tuple[float, float]) -> np.ndarray:
    az, alt = np.radians(sun[0]), np.radians(sun[1])
    light = (np.sin(az) * np.cos(alt), np.cos(az) * np.cos(alt), np.sin(alt))
    shade = (-east * light[0] - north * light[1] + light[2]) / np.sqrt(1 + east**2 + north**2)
    return np.clip(shade, 0, 1)


@pytest.fixture
def many_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 37 px (6 x 6 tiles): every raster here is cut into dozens of them."""
    monkeypatch.setattr(_blocks, "BLOCK_PIXELS", 37)


def local_dtm(n: int = 90, res: float = 1.0) -> bm.Raster:
    t = Affine(res, 0, -res * n / 2, 0, -res, res * n / 2)
    return bm.Raster(rough(n), t, local_tm(77.40821, 18.45283), name="elevation", units="m")


# --- (a) against a plain numpy Horn on a local metric grid -------------------------------------


def test_slope_and_hillshade_match_plain_horn_on_a_local_metric_grid(many_blocks: None) -> None:
    dtm = local_dtm(n=120, res=2.0)
    gc, gr = horn(dtm.data, np.array(2.0), np.array(2.0))
    east, north = gc, -gr  # a metric, north-up grid: columns run east, rows south
    slope = bm.slope_deg(dtm, progress=False)
    shade = bm.hillshade(dtm, azimuth_deg=SUN[0], altitude_deg=SUN[1], progress=False)
    assert np.abs(slope.data[1:-1, 1:-1] - slope_of(east, north)).max() <= 0.01
    got = np.degrees(np.arccos(shade.data[1:-1, 1:-1].astype(float)))
    want = np.degrees(np.arccos(shade_of(east, north, SUN)))
    assert np.abs(got - want).max() <= 0.01
    assert 5 < float(np.nanmax(slope.data)) < 85  # the terrain has real slopes


# --- (b) a global equirectangular grid at high latitude: geodesic ground steps -----------------


def geod_steps(lon_edges: np.ndarray, lat_rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per row: ground length [m] and azimuth [rad] of a column and a row step, by pyproj.Geod.

    Measured between the midpoints of opposite pixel edges, on the Mars sphere.
    """
    geod = pyproj.Geod(a=R, b=R)
    lon_l, lon_r = lon_edges[0], lon_edges[1]
    lon_c = (lon_l + lon_r) / 2
    lat_c = (lat_rows[:-1] + lat_rows[1:]) / 2
    az_c, _, dx = geod.inv(np.full_like(lat_c, lon_l), lat_c, np.full_like(lat_c, lon_r), lat_c)
    az_r, _, dy = geod.inv(
        np.full_like(lat_c, lon_c), lat_rows[:-1], np.full_like(lat_c, lon_c), lat_rows[1:]
    )
    return np.asarray(dx), np.asarray(dy), np.radians(az_c), np.radians(az_r)


@pytest.mark.parametrize("crs_code", ["IAU_2015:49910", "IAU_2015:49900"])
def test_high_latitude_equirectangular_uses_geodesic_ground_steps(
    crs_code: str, many_blocks: None
) -> None:
    # 70-80 N: a pixel is 2.9 to 5.8 times narrower on the ground than in projected units
    n_rows, n_cols = 100, 60
    if crs_code.endswith("49910"):
        res = 0.1 / 180 * math.pi * R  # 0.1 deg
        t = Affine(res, 0, math.radians(77.0) * R, 0, -res, math.radians(80.0) * R)
    else:
        t = Affine(0.1, 0, 77.0, 0, -0.1, 80.0)
    dtm = bm.Raster(rough(n_rows, n_cols, scale=20.0), t, CRS(crs_code), units="m")
    lat_rows = 80.0 - 0.1 * np.arange(n_rows + 1)  # edges of the rows
    dx, dy, az_c, az_r = geod_steps(np.array([77.0, 77.1]), lat_rows)
    # Horn on rows 1..n-2, with each row's own steps; east and north from the azimuths
    gc, gr = horn(dtm.data, dx[1:-1, None], dy[1:-1, None])
    east = gc * np.sin(az_c[1:-1, None]) + gr * np.sin(az_r[1:-1, None])
    north = gc * np.cos(az_c[1:-1, None]) + gr * np.cos(az_r[1:-1, None])
    slope = bm.slope_deg(dtm, progress=False)
    assert np.abs(slope.data[1:-1, 1:-1] - slope_of(east, north)).max() <= 1e-4
    shade = bm.hillshade(dtm, progress=False)
    assert np.abs(shade.data[1:-1, 1:-1] - shade_of(east, north, SUN)).max() <= 1e-5
    # what projected units would have said instead (pixels as wide as tall): far off
    plain = slope_of(*horn(dtm.data, np.array(dy.mean()), np.array(dy.mean())))
    assert np.abs(slope.data[1:-1, 1:-1] - plain).max() > 1.0


# --- ground steps: per row where the grid allows, a checked lattice elsewhere -----------------


def reference_coefficients(crs: CRS, t: Affine, shape: tuple[int, int]) -> tuple[np.ndarray, ...]:
    """Horn coefficients of every pixel, from pyproj alone (sphere CRSs on IAU_2015:49900)."""
    h, w = shape
    cc, rr = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    to_ll = Transformer.from_crs(crs, MARS, always_xy=True)
    geod = pyproj.Geod(a=R, b=R)

    def lonlat(c: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return to_ll.transform(t.c + t.a * c, t.f + t.e * r)

    (l_lon, l_lat), (r_lon, r_lat) = lonlat(cc - 0.5, rr), lonlat(cc + 0.5, rr)
    (t_lon, t_lat), (b_lon, b_lat) = lonlat(cc, rr - 0.5), lonlat(cc, rr + 0.5)
    az_c, _, dx = geod.inv(l_lon, l_lat, r_lon, r_lat)
    az_r, _, dy = geod.inv(t_lon, t_lat, b_lon, b_lat)
    az_c, az_r = np.radians(az_c), np.radians(az_r)
    return (
        np.sin(az_c) / (8 * dx),
        np.sin(az_r) / (8 * dy),
        np.cos(az_c) / (8 * dx),
        np.cos(az_r) / (8 * dy),
        dx,
        dy,
    )


def _sphere(conversion: object) -> ProjectedCRS:
    return ProjectedCRS(conversion=conversion, geodetic_crs=MARS)


GRIDS = {
    # name: (crs, transform, shape, expected kind)
    "equirectangular 49910": (
        CRS("IAU_2015:49910"),
        Affine(200, 0, math.radians(77) * R, 0, -200, math.radians(75) * R),
        (150, 120),
        "rows",
    ),
    "geographic 49900": (MARS, Affine(0.01, 0, 77, 0, -0.01, 80), (120, 90), "rows"),
    "Mars 2020 local eqc": (
        mcrs.M2020_LOCAL_EQC,
        Affine(2, 0, 4_588_000, 0, -2, 1_094_000),
        (100, 130),
        "rows",
    ),
    "local TM, 1 m": (local_tm(77.4, 18.4), Affine(1, 0, -60, 0, -1, 50), (100, 120), "lattice"),
    "TM 500 km off its meridian": (
        local_tm(77.4, 18.4),
        Affine(100, 0, 500_000, 0, -100, 20_000),
        (150, 140),
        "lattice",
    ),
    "polar stereographic, 1000 km from the pole": (
        _sphere(PolarStereographicBConversion(90, 0)),
        Affine(20, 0, 700_000, 0, -20, 700_000),
        (160, 150),
        "lattice",
    ),
    "polar stereographic over the pole": (
        _sphere(PolarStereographicBConversion(90, 0)),
        Affine(1000, 0, -70_000, 0, -1000, 60_000),
        (130, 150),
        "pixels",
    ),
    "Lambert conformal conic": (
        _sphere(LambertConformalConic2SPConversion(10, 30, 20, 77)),
        Affine(100, 0, -30_000, 0, -100, 20_000),
        (100, 110),
        "lattice",
    ),
}


@pytest.mark.parametrize("name", list(GRIDS))
def test_ground_steps_match_per_pixel_geodesics_on_varied_crss(name: str) -> None:
    from marsgeo._steps import STEP_TOLERANCE, plan_steps

    crs, t, shape, kind = GRIDS[name]
    plan = plan_steps(crs, t, shape)
    assert plan.kind == kind
    *want, dx, dy = reference_coefficients(crs, t, shape)
    got = plan.block(0, shape[0], 0, shape[1])
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        size = 8 * (dx if k in (0, 2) else dy)  # error as a fraction of the coefficient's size
        err = np.abs(np.broadcast_to(g, shape) - w) * size
        # rows: exact to rounding (the reference's own noise from big coordinates); lattice:
        # within the bound it promises
        assert np.nanmax(err) <= (1e-8 if kind == "rows" else STEP_TOLERANCE), (k, np.nanmax(err))
        assert np.array_equal(np.isnan(np.broadcast_to(g, shape)), np.isnan(w))


# --- (c) blocks give exactly the whole array ------------------------------------------------


def hazard_dtm() -> bm.Raster:
    """Rough terrain with steep blobs across block edges and a hole of no data."""
    dtm = local_dtm(n=96, res=1.0)
    z = dtm.data.copy()
    z[40:47, 10:70] = np.nan  # no data, across many blocks
    return dtm.with_data(z)


def whole_and_blocked(
    monkeypatch: pytest.MonkeyPatch, fn: Callable[..., Any], *args: Any, **kw: Any
) -> tuple[Any, Any]:
    monkeypatch.setattr(_blocks, "BLOCK_PIXELS", 10**9)
    whole = fn(*args, **kw)
    monkeypatch.setattr(_blocks, "BLOCK_PIXELS", 37)
    blocked = fn(*args, **kw)
    return whole, blocked


@pytest.mark.parametrize("crs_name", ["local TM, 1 m", "equirectangular 49910"])
def test_blocks_give_the_whole_array_result(monkeypatch: pytest.MonkeyPatch, crs_name: str) -> None:
    crs, t, _, _ = GRIDS[crs_name]
    dtm = hazard_dtm()
    dtm = bm.Raster(dtm.data, t, crs, units="m")
    for fn in (bm.slope_deg, bm.hillshade):
        whole, blocked = whole_and_blocked(monkeypatch, fn, dtm, progress=False)
        assert np.array_equal(whole.data, blocked.data, equal_nan=True), fn.__name__
    slope = bm.slope_deg(dtm)
    whole, blocked = whole_and_blocked(monkeypatch, bm.hazard_mask, slope, max_slope_deg=4)
    assert np.array_equal(whole.data, blocked.data)
    assert whole.tags["HAZARD_RULE"] == blocked.tags["HAZARD_RULE"]


def gdal_polygons(cells: np.ndarray) -> list[shapely.Polygon]:
    """Polygons of a whole boolean array, in pixel coordinates, by GDAL in one go."""
    shapes = rasterio.features.shapes(
        cells.astype(np.uint8), mask=cells, transform=Affine.identity()
    )
    return [shapely.geometry.shape(g) for g, v in shapes if v == 1]


def test_hazard_polygons_are_merged_across_block_edges(monkeypatch: pytest.MonkeyPatch) -> None:
    dtm = hazard_dtm()
    slope = bm.slope_deg(dtm)
    steepest_fifth = float(np.nanpercentile(slope.data, 80))  # dozens of separate regions
    mask = bm.hazard_mask(slope, max_slope_deg=steepest_fifth)
    cells = mask.data
    whole, blocked = whole_and_blocked(monkeypatch, bm.hazard_polygons, mask, progress=False)
    assert len(blocked) == len(whole) > 20
    # same polygons, vertex for vertex, in the same order
    assert all(
        a.equals_exact(b, tolerance=0)
        for a, b in zip(whole.geometry, blocked.geometry, strict=True)
    )
    assert np.allclose(whole["area_m2"], blocked["area_m2"], rtol=1e-12)
    # and GDAL's polygons of the whole mask, traced in one go: the same regions
    t = mask.transform
    to_ll = Transformer.from_crs(mask.crs, MARS, always_xy=True)

    def to_lonlat(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(to_ll.transform(t.c + t.a * xy[:, 0], t.f + t.e * xy[:, 1]))

    ref = [shapely.transform(p, to_lonlat) for p in gdal_polygons(cells)]
    assert len(ref) == len(blocked)
    for p in blocked.geometry:
        match = [q for q in ref if q.representative_point().within(p)]
        assert len(match) == 1 and abs(match[0].area - p.area) <= 1e-9 * p.area
    # pieces crossing block edges really were merged: some polygon spans several blocks
    spans = [(p.bounds[2] - p.bounds[0]) / abs(t.a) for p in blocked.to_crs(mask.crs).geometry]
    assert max(spans) > 6


def test_hazard_areas_of_a_dtm_work_block_by_block(monkeypatch: pytest.MonkeyPatch) -> None:
    from marsgeo._dtm import NO_DATA_RULE
    from marsgeo.basemap import hazard_areas

    dtm = hazard_dtm()
    whole, blocked = whole_and_blocked(monkeypatch, hazard_areas, dtm, progress=False)
    assert list(whole["rule"]) == list(blocked["rule"])
    assert NO_DATA_RULE in set(blocked["rule"])
    assert all(
        a.equals_exact(b, tolerance=0)
        for a, b in zip(whole.geometry, blocked.geometry, strict=True)
    )
    # the same as tracing the slope raster's hazards
    by_slope = hazard_areas(bm.slope_deg(dtm))
    assert len(by_slope) == len(blocked)


def test_memory_is_bounded_by_the_block_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    dtm = bm.Raster(rough(800), Affine(1, 0, -400, 0, -1, 400), local_tm(77.4, 18.4), units="m")
    monkeypatch.setattr(_blocks, "BLOCK_PIXELS", 2**14)
    for fn in (bm.slope_deg, bm.hillshade):
        tracemalloc.start()
        try:
            out = fn(dtm, progress=False)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        # blocks of 16 384 px: a few MiB of temporaries beside the 2.4 MiB result
        assert peak - out.data.nbytes < 6 * 2**20, (fn.__name__, peak / 2**20)


# --- (e) progress: tqdm.auto, shown when interactive and long -----------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FullDisk(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


def test_progress_is_shown_on_a_terminal_for_long_work_only(
    monkeypatch: pytest.MonkeyPatch, many_blocks: None
) -> None:
    monkeypatch.delenv("MARSGEO_PROGRESS", raising=False)
    dtm = local_dtm(n=60)  # 100 blocks of 37 px
    tty = Terminal()
    monkeypatch.setattr(sys, "stderr", tty)
    bm.slope_deg(dtm)
    assert "slope: [" in tty.getvalue() and "100.0%" in tty.getvalue()
    small = local_dtm(n=6)  # one block: not worth a bar
    tty.seek(0)
    tty.truncate()
    bm.slope_deg(small)
    assert tty.getvalue() == ""
    bm.hillshade(dtm, progress=False)
    assert tty.getvalue() == ""
    # not a terminal: silent, unless asked
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    slope = bm.slope_deg(dtm)
    assert pipe.getvalue() == ""
    bm.hazard_polygons(bm.hazard_mask(slope, progress=True), progress=True)
    assert "hazards: [" in pipe.getvalue() and "hazard polygons: [" in pipe.getvalue()


def test_progress_environment_switch_and_jupyter(
    monkeypatch: pytest.MonkeyPatch, many_blocks: None
) -> None:
    dtm = local_dtm(n=60)
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    monkeypatch.setenv("MARSGEO_PROGRESS", "1")
    bm.hillshade(dtm)
    assert "hillshade: [" in pipe.getvalue()
    monkeypatch.setenv("MARSGEO_PROGRESS", "0")
    tty = Terminal()
    monkeypatch.setattr(sys, "stderr", tty)
    bm.hillshade(dtm, progress=True)
    assert tty.getvalue() == ""
    # in a Jupyter kernel (its stderr is no terminal) long work shows progress
    monkeypatch.delenv("MARSGEO_PROGRESS")
    monkeypatch.setitem(sys.modules, "ipykernel.zmqshell", types.ModuleType("ipykernel.zmqshell"))
    kernel_stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", kernel_stream)
    bm.slope_deg(dtm)
    assert "slope: [" in kernel_stream.getvalue()


def test_progress_is_drawn_by_tqdm_and_a_broken_stream_never_stops_the_work(
    many_blocks: None,
) -> None:
    from tqdm.auto import tqdm

    from marsgeo._progress import Progress

    with Progress(3, "work", enabled=True, stream=io.StringIO()) as bar:
        assert isinstance(bar._bar, tqdm)
        bar.update(5)
    assert bar.done == 3
    with Progress(100, "work", enabled=True, stream=FullDisk()) as bar:
        for _ in range(100):
            bar.update()
    assert bar.done == 100 and not bar.enabled
    dtm = local_dtm(n=60)
    sys_stderr = sys.stderr
    try:
        sys.stderr = FullDisk()
        slope = bm.slope_deg(dtm, progress=True)
    finally:
        sys.stderr = sys_stderr
    assert np.array_equal(slope.data, bm.slope_deg(dtm, progress=False).data, equal_nan=True)


# --- (f) a DTM on disk, bigger than the block budget ---------------------------------------------


@pytest.fixture
def dtm_file(tmp_path: Path) -> tuple[Path, bm.Raster]:
    dtm = bm.Raster(
        rough(140, 110, scale=0.3),
        Affine(2.0, 0, 4_588_000.0, 0, -2.0, 1_094_000.0),
        mcrs.M2020_LOCAL_EQC,
        name="elevation",
        units="m",
        description="test terrain",
    )
    z = dtm.data.copy()
    z[60:64, 20:90] = np.nan  # no data across several blocks
    dtm = dtm.with_data(z)
    return bm.write_raster(dtm, tmp_path / "dtm.tif"), dtm


@pytest.mark.parametrize("kind", ["slope", "hillshade"])
def test_write_terrain_of_a_file_bigger_than_its_budget(
    dtm_file: tuple[Path, bm.Raster], tmp_path: Path, kind: str
) -> None:
    path, dtm = dtm_file
    out = bm.write_terrain(path, tmp_path / f"{kind}.tif", kind=kind, block_pixels=300)
    got = bm.read_raster(out)
    want = bm.slope_deg(dtm) if kind == "slope" else bm.hillshade(dtm)
    assert np.array_equal(got.data, want.data, equal_nan=True)
    assert got.crs.equals(dtm.crs) and got.transform == dtm.transform
    assert got.units == ("deg" if kind == "slope" else "") and got.name == kind
    assert "test terrain" in got.description
    with rasterio.open(out) as ds:  # tiled blocks, not the whole in one strip
        assert ds.block_shapes[0][0] < ds.height


def test_write_terrain_refuses_what_is_not_a_dtm_and_leaves_no_file(
    dtm_file: tuple[Path, bm.Raster], tmp_path: Path
) -> None:
    path, dtm = dtm_file
    feet = bm.write_raster(dtm.with_data(dtm.data, units="ft"), tmp_path / "feet.tif")
    target = tmp_path / "slope.tif"
    with pytest.raises(InputError, match="units 'ft'"):
        bm.write_terrain(feet, target)
    with pytest.raises(InputError, match="kind="):
        bm.write_terrain(path, target, kind="aspect")
    with pytest.raises(InputError, match="altitude_deg="):
        bm.write_terrain(path, target, kind="hillshade", altitude_deg=0)
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dtm.tif", "feet.tif"]


def marsgeo_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "marsgeo", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_terrain_command_writes_a_slope_geotiff(
    dtm_file: tuple[Path, bm.Raster], tmp_path: Path
) -> None:
    path, dtm = dtm_file
    args = ["terrain", str(path), "--kind", "hillshade", "--azimuth", "200", "-o", "shade.tif"]
    done = marsgeo_cli(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {tmp_path / 'shade.tif'}") and done.stderr == ""
    got = bm.read_raster(tmp_path / "shade.tif")
    want = bm.hillshade(dtm, azimuth_deg=200)
    assert np.array_equal(got.data, want.data, equal_nan=True)
    done = marsgeo_cli("terrain", str(path), "--output", "slope.tif", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert np.array_equal(
        bm.read_raster(tmp_path / "slope.tif").data, bm.slope_deg(dtm).data, equal_nan=True
    )


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["missing.tif", "-o", "s.tif"], 1, ["missing.tif", "does not exist"]),
        (["dtm.tif", "-o", "s.png"], 1, ["--output", ".tif"]),
        (["dtm.tif", "--kind", "hillshade", "--altitude", "0", "-o", "s.tif"], 1, ["--altitude"]),
        (["dtm.tif", "-o", "no/such/dir/s.tif"], 1, ["--output", "does not exist"]),
        (["dtm.tif"], 2, ["--output"]),
        (["dtm.tif", "--kind", "aspect", "-o", "s.tif"], 2, ["--kind", "slope", "hillshade"]),
    ],
)
def test_terrain_command_errors_are_one_line(
    dtm_file: tuple[Path, bm.Raster], args: list[str], code: int, words: list[str]
) -> None:
    path, _ = dtm_file
    done = marsgeo_cli("terrain", *args, cwd=path.parent)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == code and done.stdout == ""
    assert len(lines) == 1 and lines[0].startswith("marsgeo terrain: error: "), lines
    assert all(w in lines[0] for w in words), lines[0]
    assert not (path.parent / "s.tif").exists()
