"""Orbital products as users have them: read in their own Mars CRS, named, DTMs told from images.

Every file is written by tests/products.py in the exact shape of the real product (name,
format, data type, nodata, CRS description, PDS3/ISIS3 label), with its georeferencing worked
out there by plain equirectangular formulas; the checks below compare marsgeo's reading with
those formulas and with the values written.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import marsgeo
from marsgeo import basemap as bm
from marsgeo.errors import DataFileError, InputError
from marsgeo.routing.model import ASSUMED_LANDER

from . import products as pr
from .reference import MARS_R, TUBE_LONLAT

JP2 = pytest.mark.skipif(
    not pr.has_jp2_driver(), reason="this GDAL has no JPEG 2000 driver (JP2OpenJPEG)"
)
DTMS = ["usgs_hirise_dtm", "usgs_ctx_dtm", "hirise_pds_dtm", "isis_cube_dtm"]
IMAGES = ["usgs_hirise_ortho", "usgs_ctx_ortho", pytest.param("hirise_rdr_jp2", marks=JP2)]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pr.Product]:
    return pr.write_all(tmp_path_factory.mktemp("jezero"))


def _tubes_inside(grid: pr.Grid) -> list[tuple[int, int, int]]:
    """(tube index, row, column) of the tubes on a grid, by the grid's own formulas."""
    out = []
    for k, (lon, lat) in enumerate(TUBE_LONLAT):
        row, col = grid.pixel(lon, lat)
        if 0 <= row < grid.rows and 0 <= col < grid.cols:
            out.append((k, row, col))
    return out


@pytest.mark.parametrize("key", DTMS + IMAGES)
def test_each_product_is_read_in_its_own_crs_and_named(
    key: str, files: dict[str, pr.Product]
) -> None:
    product = files[key]
    raster = bm.read_raster(product.open_path)
    grid = product.grid
    # the file's own sphere, whatever its radius
    assert raster.crs.ellipsoid.semi_major_metre == pytest.approx(grid.radius_m, abs=1e-3)
    assert raster.crs.ellipsoid.semi_minor_metre == pytest.approx(grid.radius_m, abs=1e-3)
    inside = _tubes_inside(grid)
    assert len(inside) >= 5
    lon, lat = raster.xy_lonlat()
    tubes = marsgeo.load_depot().iloc[[k for k, _, _ in inside]]
    sampled = bm.sample_raster(raster, tubes).to_numpy()
    for (_, row, col), value in zip(inside, sampled, strict=True):
        # the pixel centre where the equirectangular formula puts it (1e-9 deg ~ 0.06 mm)
        want_lon, want_lat = grid.centre_lonlat(row, col)
        assert lon[row, col] == pytest.approx(want_lon, abs=1e-9)
        assert lat[row, col] == pytest.approx(want_lat, abs=1e-9)
        assert value == product.data[row, col]
    # the whole band as written, pixel for pixel (no data aside)
    valid = product.data != product.data[0, 0]
    assert np.array_equal(raster.data[valid], product.data[valid])
    # named: the product (file name or PDS product id), in description and tags
    name = raster.tags["MARSGEO_PRODUCT"]
    assert name in (product.open_path.name, product.path.stem, product.open_path.stem)
    assert name in raster.description
    assert raster.tags["MARSGEO_FILE"] == product.open_path.name


@pytest.mark.parametrize("key", DTMS)
def test_dtms_hold_metres_and_nodata_is_honoured(key: str, files: dict[str, pr.Product]) -> None:
    product = files[key]
    raster = bm.read_raster(product.open_path)
    assert raster.units == "m" and raster.tags["MARSGEO_KIND"] == "dtm"
    assert raster.name == "elevation"
    assert np.float32(raster.nodata) == np.float32(pr.ISIS_NULL)
    assert np.isnan(raster.data[:4, :4]).all()
    assert np.isfinite(raster.data[4:, :]).all()
    # where the units come from is said
    assert raster.tags["MARSGEO_UNITS_FROM"]
    dtm = bm.load_dtm(product.open_path)  # around the tubes: all of them inside
    assert dtm.units == "m"
    assert np.nanmax(dtm.data) <= -2552.0 and np.nanmin(dtm.data) >= -2560.0


@pytest.mark.parametrize("key", IMAGES)
def test_images_have_no_units_and_their_no_data_value(
    key: str, files: dict[str, pr.Product]
) -> None:
    product = files[key]
    raster = bm.read_raster(product.open_path)
    assert raster.units == "" and raster.tags["MARSGEO_KIND"] == "image"
    assert raster.nodata == 0.0  # a HiRISE RDR's CORE_NULL, the USGS mosaics' 0
    assert (raster.data[:4, :4] == 0).all()
    assert raster.masked().mask[:4, :4].all() and not raster.masked().mask[4:, :].any()


def test_the_pds_label_unit_gives_the_metres(files: dict[str, pr.Product]) -> None:
    raster = bm.read_raster(files["hirise_pds_dtm"].path)
    assert raster.tags["MARSGEO_UNITS_FROM"] == "the PDS label: UNIT = METER"
    # the USGS GeoTIFF says nothing; its product does
    usgs = bm.read_raster(files["usgs_hirise_dtm"].path)
    assert "product table" in usgs.tags["MARSGEO_UNITS_FROM"]
    assert usgs.tags["MARSGEO_PRODUCT_TITLE"] == "USGS Mars 2020 TRN HiRISE DTM mosaic, 1 m"
    assert usgs.tags["MARSGEO_SOURCE"].startswith("USGS Astrogeology Science Center")
    assert "Fergason" in usgs.tags["MARSGEO_CITATION"]


def test_a_local_radius_is_kept_and_named(files: dict[str, pr.Product]) -> None:
    product = files["hirise_pds_dtm"]
    raster = bm.read_raster(product.path)
    assert raster.crs.ellipsoid.semi_major_metre == pytest.approx(pr.LOCAL_RADIUS_M, abs=1e-3)
    shown = "3,394,839.8 m"
    assert shown in raster.description and shown in raster.tags["MARSGEO_BODY"]
    assert "3394839.8" in repr(raster)
    # the IAU sphere is named as such, not as an odd one
    usgs = bm.read_raster(files["usgs_hirise_dtm"].path)
    assert "3,396,190 m (IAU 2015)" in usgs.tags["MARSGEO_BODY"]
    # errors name it too: an area the DTM does not cover ...
    with pytest.raises(InputError, match=re.escape(shown)):
        bm.read_raster(product.path, aoi=(77.0, 18.0, 77.01, 18.01))
    # ... and points it has no elevations for
    far = marsgeo.load_depot().iloc[:2].copy()
    far.geometry = far.geometry.translate(xoff=0.01)
    tubes = marsgeo.load_depot()
    both = pd.concat([tubes.iloc[:3], far.set_axis([101, 102])])
    with pytest.raises(DataFileError, match=rf"{re.escape(shown)}.*points 101, 102"):
        bm.load_dtm(product.path, aoi=both, margin_m=5)
    # moved to the tubes' CRS, every value stays where the formulas put it (lon/lat on any
    # Mars sphere are the same numbers: the radius only scales the projection)
    on = bm.reproject_raster(
        raster, marsgeo.crs.MARS_GEOGRAPHIC, resampling="nearest", resolution=2e-6
    )
    inside = _tubes_inside(product.grid)
    picked = bm.sample_raster(on, tubes.iloc[[k for k, _, _ in inside]]).to_numpy()
    assert picked.tolist() == [float(product.data[r, c]) for _, r, c in inside]


def test_an_image_is_refused_as_a_dtm_saying_what_it_is(files: dict[str, pr.Product]) -> None:
    ortho = files["usgs_hirise_ortho"].path
    said = re.escape("is an 8-bit orthoimage (uint8), not elevations")
    force = re.escape("load_dtm(..., units='m')")
    with pytest.raises(InputError, match=rf"{ortho.name}.*{said}.*DTEEC.*{force}"):
        bm.load_dtm(ortho)
    raster = bm.read_raster(ortho)
    with pytest.raises(InputError, match=said):
        bm.load_dtm(raster)
    with pytest.raises(InputError, match=said):
        bm.slope_deg(raster)
    # the pickup planner's terrain door: brightness is never taken for terrain
    with pytest.raises(InputError, match=said):
        marsgeo.plan_pickup(marsgeo.load_depot(), lander=ASSUMED_LANDER, hazard=raster)


@JP2
def test_a_hirise_rdr_is_refused_as_a_dtm(files: dict[str, pr.Product]) -> None:
    with pytest.raises(InputError, match=re.escape("a 16-bit orthoimage (uint16), not elev")):
        bm.load_dtm(files["hirise_rdr_jp2"].open_path)


def test_an_unknown_8_bit_file_is_refused_as_an_image(files: dict[str, pr.Product]) -> None:
    raster = bm.read_raster(files["usgs_ctx_ortho"].path)
    plain = raster.with_data(raster.data, tags={})  # no product known
    with pytest.raises(InputError, match=re.escape("is an 8-bit image (uint8), not elevations")):
        bm.load_dtm(plain)


def test_units_m_forces_an_image_to_be_taken_for_elevations(
    files: dict[str, pr.Product],
) -> None:
    product = files["usgs_ctx_ortho"]
    dtm = bm.load_dtm(product.path, units="m")
    assert dtm.units == "m"
    assert dtm.tags["MARSGEO_UNITS_FROM"] == "units='m' passed to load_dtm"
    raster = bm.read_raster(product.path)
    forced = bm.load_dtm(raster.with_data(raster.data, units="m"))
    assert forced.units == "m" and np.array_equal(forced.data, product.data)
    with pytest.raises(InputError, match=r"units='ft'.*metres"):
        bm.load_dtm(product.path, units="ft")


def _legend(page: str) -> dict[str, Any]:
    at = re.search(r"marsgeo\.legend\([^,]+, ", page)
    assert at is not None
    data, _ = json.JSONDecoder().raw_decode(page, at.end())
    return data  # type: ignore[no-any-return]


def _image_data(page: str) -> dict[str, Any]:
    """The data of the (one) image overlay: marsgeo.draw(map, "image", meta, data)."""
    at = re.search(r'marsgeo\.draw\([^,]+, "image", ', page)
    assert at is not None
    decoder = json.JSONDecoder()
    _, end = decoder.raw_decode(page, at.end())
    data, _ = decoder.raw_decode(page, page.index("{", end))
    return data  # type: ignore[no-any-return]


def test_the_map_legend_and_attribution_name_the_product_and_its_source(
    files: dict[str, pr.Product],
) -> None:
    dtm = bm.read_raster(files["usgs_hirise_dtm"].path)
    page = marsgeo.depot_map(marsgeo.load_depot(), basemap=None, terrain=dtm).get_root().render()
    notes = [n for n in _legend(page)["notes"] if n.startswith("Terrain overlay")]
    assert len(notes) == 1
    assert pr.USGS_HIRISE_DTM in notes[0] and "USGS Astrogeology Science Center" in notes[0]
    assert "hillshade" in notes[0]  # a DTM in metres is drawn as its hillshade
    credit = _image_data(page)["attribution"]
    assert pr.USGS_HIRISE_DTM in credit and "USGS Astrogeology Science Center" in credit


def test_a_file_marsgeo_does_not_know_is_named_by_its_file(tmp_path: Path) -> None:
    from .rasters import write_tif

    grid = pr.grid_around_depot(radius_m=MARS_R, lat_ts=0.0, lon_0=0.0, pixel_m=2.0, n=48)
    z = pr.elevations(48, nodata=-9999.0)
    path = write_tif(
        tmp_path / "my_survey.tif", z, grid.transform, pr.ESRI_EQC_MARS_WKT, nodata=-9999.0
    )
    raster = bm.read_raster(path)
    # float values within Mars's elevation range, and a file that says nothing else
    assert raster.units == "m" and "elevation range" in raster.tags["MARSGEO_UNITS_FROM"]
    assert raster.tags["MARSGEO_PRODUCT"] == "my_survey.tif"
    assert "my_survey.tif" in raster.description
    assert "source not stated" in raster.description
    page = marsgeo.depot_map(marsgeo.load_depot(), basemap=None, terrain=raster)
    notes = _legend(page.get_root().render())["notes"]
    assert any("my_survey.tif" in n for n in notes if n.startswith("Terrain overlay"))
    # reflectance-like values 0..1 are not taken for elevations
    shade = (np.where(z > -9000, z, np.nan) + 2560.0) / 8.0  # 0..1, NaN where no data
    path = write_tif(tmp_path / "shade.tif", shade, grid.transform, pr.ESRI_EQC_MARS_WKT)
    assert bm.read_raster(path).units == ""


def test_a_product_written_by_marsgeo_keeps_its_name(
    files: dict[str, pr.Product], tmp_path: Path
) -> None:
    dtm = bm.read_raster(files["hirise_pds_dtm"].path)
    back = bm.read_raster(bm.write_raster(dtm, tmp_path / "copy.tif"))
    assert back.tags["MARSGEO_PRODUCT"] == pr.HIRISE_DTM_ID
    assert back.tags["MARSGEO_SOURCE"] == dtm.tags["MARSGEO_SOURCE"]
    assert back.tags["MARSGEO_FILE"] == "copy.tif"
    assert back.crs.ellipsoid.semi_major_metre == pytest.approx(pr.LOCAL_RADIUS_M, abs=1e-3)


@JP2
def test_a_label_whose_image_pointer_names_the_jp2_is_read_as_its_label_means(
    tmp_path: Path,
) -> None:
    # GDAL's PDS driver reads such a JP2 as raw bytes; marsgeo decodes it
    product = pr.hirise_rdr_jp2(tmp_path, layout="^IMAGE")
    raster = bm.read_raster(product.open_path)
    assert np.array_equal(raster.data, product.data)
    assert raster.nodata == 0.0 and raster.tags["MARSGEO_PRODUCT"] == pr.HIRISE_RDR_ID
    lon, lat = raster.xy_lonlat()
    row, col = product.grid.pixel(*TUBE_LONLAT[0])
    assert (lon[row, col], lat[row, col]) == pytest.approx(
        product.grid.centre_lonlat(row, col), abs=1e-9
    )
    tube = marsgeo.load_depot().iloc[:1]
    assert bm.sample_raster(product.open_path, tube).iloc[0] == product.data[row, col]


def test_without_a_jp2_driver_the_refusal_says_so(tmp_path: Path) -> None:
    labels = []
    for layout in ("rdr", "^IMAGE"):
        folder = tmp_path / layout.strip("^")
        folder.mkdir()
        labels.append(str(pr.hirise_rdr_jp2(folder, layout=layout, encode=False).open_path))
    # a fresh interpreter in which GDAL skips its JPEG 2000 drivers
    code = (
        "import marsgeo.basemap as bm\n"
        f"for label in {labels!r}:\n"
        "    try:\n"
        "        bm.read_raster(label)\n"
        "    except Exception as exc:\n"
        "        print(type(exc).__name__, exc)\n"
    )
    env = {**os.environ, "GDAL_SKIP": "JP2OpenJPEG,JP2KAK,JP2ECW,JPEG2000,JP2MrSID"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    said = done.stdout.splitlines()
    assert len(said) == 2
    for line in said:
        assert line.startswith("DataFileError"), line
        assert "has no JPEG 2000 driver" in line and f"{pr.HIRISE_RDR_ID}.JP2" in line, line
        assert "pip install --force-reinstall rasterio" in line


def test_describe_file_names_each_product(files: dict[str, pr.Product]) -> None:
    from marsgeo.basemap import describe_file

    for key, product in files.items():
        info = describe_file(product.open_path)
        assert info["file"] == product.open_path.name
        assert info["title"] != "(not a product marsgeo knows)", key
        assert info["kind"] == ("dtm" if key in DTMS else "image"), key
    pds = describe_file(files["hirise_pds_dtm"].path)
    assert pds["product"] == pr.HIRISE_DTM_ID and "3,394,839.8 m" in pds["body"]
    assert pds["units"] == "m" and pds["format"] == "PDS"


def test_the_product_table_recognises_the_real_file_names() -> None:
    from marsgeo._products import KINDS, known_products, match_product

    names = {
        pr.USGS_HIRISE_DTM: ("usgs-trn-hirise-dtm", "dtm"),
        pr.USGS_CTX_DTM: ("usgs-trn-ctx-dtm", "dtm"),
        pr.USGS_HIRISE_ORTHO: ("usgs-trn-hirise-ortho", "image"),
        pr.USGS_CTX_ORTHO: ("usgs-trn-ctx-ortho", "image"),
        f"{pr.HIRISE_DTM_ID}.IMG": ("hirise-pds-dtm", "dtm"),
        "DTEEC_002118_1510_003608_1510_A01.IMG": ("hirise-pds-dtm", "dtm"),
        "ESP_045994_1985_RED.JP2": ("hirise-rdr", "image"),
        "PSP_002118_1510_COLOR.LBL": ("hirise-rdr", "image"),
        "ESP_045994_1985_RED_A_01_ORTHO.JP2": ("hirise-pds-ortho", "image"),
        "localized_interp.csv": ("mars2020-rover-places", "table"),
        "Jezero_HRSC_DEM_50m.tif": ("dtm-by-name", "dtm"),
        "my_orthophoto.tif": ("image-by-name", "image"),
    }
    for name, (key, kind) in names.items():
        found = match_product(name)
        assert found is not None and (found.key, found.kind) == (key, kind), name
    assert match_product("slope.tif") is None
    table = known_products()
    assert all(p.kind in KINDS for p in table)
    # every product of the docs page is in the table, with a citation and a provenance
    keys = {p.key for p in table}
    assert {"mars-trek-jezero", "usgs-sim-3464", "mars2020-rover-places"} <= keys
    for p in table:
        if not p.by_name_only:
            assert p.citation and p.source and p.url and p.confidence, p.key
            assert p.url_checked is False  # none was fetched from here


def test_pds_products_are_read_over_http(files: dict[str, pr.Product]) -> None:
    # a loopback server: GDAL fetches the label, and the JP2 the label names, by range requests
    from .rasters import serve

    folder = files["hirise_pds_dtm"].path.parent
    with serve(folder) as server:
        dtm = bm.read_raster(f"{server.url}/{pr.HIRISE_DTM_ID}.IMG")
        assert dtm.units == "m" and dtm.tags["MARSGEO_PRODUCT"] == pr.HIRISE_DTM_ID
        if "hirise_rdr_jp2" in files:
            rdr = bm.read_raster(f"{server.url}/{pr.HIRISE_RDR_ID}.LBL")
            assert np.array_equal(rdr.data, files["hirise_rdr_jp2"].data)


def test_marsgeo_info_names_the_product_of_a_file(
    files: dict[str, pr.Product], capsys: pytest.CaptureFixture[str]
) -> None:
    from marsgeo.cli import main

    path = files["usgs_hirise_dtm"].path
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "JEZ_hirise_soc_006_DTM_MOLAtopography_DeltaGeoid_1m_Eqc_latTs0_lon0_blend40.tif" in out
    assert "USGS Astrogeology Science Center" in out
    assert main(["info", str(path), "--format", "json"]) == 0
    described = json.loads(capsys.readouterr().out)
    assert described["kind"] == "dtm" and described["units"] == "m"


def test_marsgeo_info_on_a_missing_file_is_one_line_naming_the_argument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from marsgeo.cli import main

    assert main(["info", str(tmp_path / "nothing.tif")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "RASTER" in err and "nothing.tif" in err
