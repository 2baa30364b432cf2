"""Terrain and sampling on xarray DataArrays backed by Dask (extra ``marsgeo[dask]``), on a
``dask.distributed`` LocalCluster too: the same values as the single-process Raster path."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from affine import Affine
from pyproj import CRS

import marsgeo
import marsgeo.basemap as bm
import marsgeo.crs as mcrs
from marsgeo.errors import CRSError, InputError, MissingExtraError

xr = pytest.importorskip("xarray")
dask = pytest.importorskip("dask")
dask_array = pytest.importorskip("dask.array")
rioxarray = pytest.importorskip("rioxarray")
distributed = pytest.importorskip("distributed")

R = 3_396_190.0


def rough(n: int, m: int, *, seed: int = 11, scale: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, m)).cumsum(axis=0).cumsum(axis=1)
    z -= np.linspace(z[:, 0], z[:, -1], m, axis=1)
    return (z * scale - 2545.0).astype(np.float32)


@pytest.fixture(scope="module")
def dtm() -> bm.Raster:
    """A DTM shaped like the USGS products (equirectangular on the Mars sphere), with a hole."""
    z = rough(150, 130)
    z[70:74, 10:120] = np.nan
    return bm.Raster(
        z,
        Affine(2.0, 0, 4_588_000.0, 0, -2.0, 1_094_000.0),
        mcrs.M2020_LOCAL_EQC,
        name="elevation",
        units="m",
        description="test terrain",
    )


@pytest.fixture(scope="module")
def dtm_path(dtm: bm.Raster, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bm.write_raster(dtm, tmp_path_factory.mktemp("dask") / "dtm.tif")


def chunked(path: Path, size: int = 37) -> xr.DataArray:
    return rioxarray.open_rasterio(path, chunks={"band": 1, "y": size, "x": size})


@pytest.fixture(scope="module")
def cluster() -> distributed.Client:
    # threads in this process: robust under pytest-xdist (no child processes to spawn)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as lc,
        distributed.Client(lc) as client,
    ):
        yield client


def test_dask_terrain_on_a_cluster_equals_the_single_process_path(
    dtm: bm.Raster, dtm_path: Path, cluster: distributed.Client
) -> None:
    da = chunked(dtm_path)
    assert len(da.data.chunks[1]) > 3 and len(da.data.chunks[2]) > 3  # many chunks
    slope = bm.slope_deg(da)
    shade = bm.hillshade(da, azimuth_deg=200, altitude_deg=30)
    mask = bm.hazard_mask(slope, max_slope_deg=20)
    for lazy in (slope, shade, mask):
        assert isinstance(lazy.data, dask_array.Array)
        assert lazy.dims == da.dims and lazy.shape == da.shape
    computed = cluster.compute([slope.data, shade.data, mask.data], sync=True)
    want = [
        bm.slope_deg(dtm).data,
        bm.hillshade(dtm, azimuth_deg=200, altitude_deg=30).data,
        bm.hazard_mask(bm.slope_deg(dtm), max_slope_deg=20).data,
    ]
    for got, ref in zip(computed, want, strict=True):
        assert np.array_equal(np.asarray(got)[0], ref, equal_nan=True)
    # georeferencing and meaning travel with the result
    assert slope.rio.transform() == dtm.transform
    assert CRS.from_wkt(slope.rio.crs.to_wkt()).equals(dtm.crs)
    assert slope.attrs["units"] == "deg" and "test terrain" in slope.attrs["DESCRIPTION"]
    assert "slope > 20 deg" in mask.attrs["HAZARD_RULE"]


def test_sampling_a_dataarray_gives_the_raster_values(
    dtm: bm.Raster, dtm_path: Path, cluster: distributed.Client
) -> None:
    # points over the whole grid, one off it
    rng = np.random.default_rng(3)
    rows, cols = rng.integers(0, 150, 40), rng.integers(0, 130, 40)
    x = dtm.transform.c + (cols + 0.5) * dtm.transform.a
    y = dtm.transform.f + (rows + 0.5) * dtm.transform.e
    lon, lat = mcrs.to_mars_lonlat(x, y, dtm.crs)
    import geopandas as gpd

    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(np.append(lon, 0.0), np.append(lat, 0.0)),
        crs=mcrs.MARS_GEOGRAPHIC,
    )
    want = bm.sample_raster(dtm, points, outside="nan")
    for source in (chunked(dtm_path), rioxarray.open_rasterio(dtm_path)):
        got = bm.sample_raster(source, points, outside="nan")
        assert np.array_equal(got.to_numpy(), want.to_numpy(), equal_nan=True)
        assert np.isnan(got.iloc[-1]) and got.notna().sum() >= 30
    with pytest.raises(InputError, match="outside"):
        bm.sample_raster(chunked(dtm_path), points)


def test_dask_results_stay_lazy_until_computed(dtm: bm.Raster, dtm_path: Path) -> None:
    from dask.callbacks import Callback

    started = []
    # the local scheduler, whose callbacks see every computation start
    with dask.config.set(scheduler="sync"), Callback(start=lambda dsk: started.append(len(dsk))):
        da = chunked(dtm_path)
        slope = bm.slope_deg(da)
        mask = bm.hazard_mask(slope)
        shade = bm.hillshade(da)
        assert started == []  # nothing computed yet
        values = mask.values
    assert started  # now it was
    assert np.array_equal(values[0], bm.hazard_mask(bm.slope_deg(dtm)).data)
    assert isinstance(shade.data, dask_array.Array)


def test_numpy_backed_dataarrays_give_numpy_results(dtm: bm.Raster, dtm_path: Path) -> None:
    da = rioxarray.open_rasterio(dtm_path).squeeze("band", drop=True)  # 2-D, in memory
    slope = bm.slope_deg(da)
    assert isinstance(slope.data, np.ndarray) and slope.dims == ("y", "x")
    assert np.array_equal(slope.values, bm.slope_deg(dtm).data, equal_nan=True)


def test_high_latitude_geographic_dataarray_equals_the_raster(tmp_path: Path) -> None:
    # 70-80 N on IAU_2015:49900 in degrees: ground steps once per row, in every chunk
    dtm = bm.Raster(
        rough(100, 60, scale=20.0),
        Affine(0.1, 0, 77, 0, -0.1, 80),
        CRS("IAU_2015:49900"),
        units="m",
    )
    da = chunked(bm.write_raster(dtm, tmp_path / "polar.tif"), size=17)
    got = bm.slope_deg(da).values[0]
    assert np.array_equal(got, bm.slope_deg(dtm).data, equal_nan=True)
    assert math.isfinite(float(np.nanmax(got)))


def test_dataarrays_without_a_mars_crs_are_refused(dtm_path: Path) -> None:
    da = chunked(dtm_path)
    with pytest.raises(CRSError, match=r"Mars|Earth"):
        bm.slope_deg(da.rio.write_crs("EPSG:4326"))
    bare = xr.DataArray(np.asarray(da.values[0]), dims=("y", "x"), coords={"y": da.y, "x": da.x})
    with pytest.raises(CRSError, match="no CRS"):
        bm.slope_deg(bare)
    with pytest.raises(InputError, match="units 'ft'"):
        bm.slope_deg(da.assign_attrs(units="ft"))
    with pytest.raises(InputError, match="slope in degrees"):
        bm.hazard_mask(da)


def test_without_the_extra_the_error_names_the_pip_install(
    dtm_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    da = chunked(dtm_path)
    monkeypatch.setitem(sys.modules, "rioxarray", None)  # as if it were not installed
    with pytest.raises(MissingExtraError, match=r'pip install "marsgeo\[dask\]"'):
        bm.slope_deg(da)
    with pytest.raises(MissingExtraError, match=r'pip install "marsgeo\[dask\]"'):
        bm.sample_raster(da, marsgeo.load_depot())


def test_the_light_imports_stay_light() -> None:
    code = (
        "import sys, marsgeo, marsgeo.distance, marsgeo.basemap as bm\n"
        "bm.slope_deg(bm.synthetic_dtm(size_m=200, resolution_m=4), progress=False)\n"
        "assert callable(bm.write_terrain)\n"
        "heavy = {'xarray', 'dask', 'rioxarray', 'distributed', 'dask_geopandas'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
