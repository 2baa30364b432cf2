"""Terrain of a DTM on disk, block by block into a GeoTIFF (private; see :func:`write_terrain`).

A DTM larger than memory (a 1 m HiRISE mosaic of 20 000 x 20 000 px is 1.6 GB) is read one
block at a time with the one-pixel halo Horn's method needs, and each block of slope or
hillshade is written at once as whole tiles of the output, so memory stays bounded by the
block size (about 100 bytes a pixel of a block) and GDAL's cache, whatever the file's size.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rasterio
import rasterio.errors
import rasterio.windows
from rasterio.io import DatasetReader

from marsgeo._atomic import atomic_target
from marsgeo._blocks import BLOCK_PIXELS, Block, blocks, halo, terrain_block
from marsgeo._dtm import check_dtm
from marsgeo._horn import check_sun, describe, sun_vector
from marsgeo._numbers import choice, optional_flag, whole_number
from marsgeo._products import MARS_HIGHEST_ELEV_M, MARS_LOWEST_ELEV_M
from marsgeo._progress import Progress
from marsgeo._raster import SYNTHETIC_TAG, Raster
from marsgeo._raster_crs import CRS_TAG, file_crs, rio_crs, same_grid_meaning
from marsgeo._raster_open import COG_ENV, GDAL_CACHE_BYTES, open_raster, read_block
from marsgeo._raster_write import writing
from marsgeo._steps import GridSteps, plan_steps
from marsgeo.errors import CRSError

if TYPE_CHECKING:
    from marsgeo.typing import CRSLike, PathLike, RasterSource

#: What :func:`write_terrain` makes.
KINDS = ("slope", "hillshade")
#: Pixels of a block of :func:`write_terrain` by default (about 100 MB of temporaries).
FILE_BLOCK_PIXELS = 4 * BLOCK_PIXELS
# side of the output's tiles [px]
_TILE = 256
# a sample of the DTM this wide is checked for being elevations, not an image [px]
_SAMPLE = 256


def file_blocks(shape: tuple[int, int], pixels: int) -> list[Block]:
    """Cut a grid into blocks of whole output tiles within ``pixels`` (else smaller blocks)."""
    h, w = shape
    if pixels < _TILE * _TILE:
        return blocks(shape, pixels)
    cols = min(w, max(_TILE, (pixels // _TILE) // _TILE * _TILE))
    rows = max(_TILE, (pixels // cols) // _TILE * _TILE)
    return [
        (r0, min(h, r0 + rows), c0, min(w, c0 + cols))
        for r0 in range(0, h, rows)
        for c0 in range(0, w, cols)
    ]


def _env(source: Any) -> rasterio.Env:
    """GDAL settings while a file is worked: a bounded cache; COG settings for URLs."""
    options: dict[str, Any] = {"GDAL_CACHEMAX": GDAL_CACHE_BYTES}
    name = str(source)
    if "://" in name or name.startswith("/vsi"):
        options.update(COG_ENV)
    return rasterio.Env(**options)


def _sample(ds: DatasetReader, crs: Any) -> Raster:
    """Read a window at the centre of a file as a Raster with the file's units and tags."""
    h, w = ds.height, ds.width
    sh, sw = min(h, _SAMPLE), min(w, _SAMPLE)
    window = rasterio.windows.Window((w - sw) // 2, (h - sh) // 2, sw, sh)
    values = read_block(ds, 1, window)
    units = ds.units[0] or ds.tags(1).get("UNITS", "")
    nodata = ds.nodata
    if nodata is not None and values.dtype.kind in "biu" and not float(nodata).is_integer():
        nodata = None
    return Raster(
        data=values,
        transform=ds.transform,
        crs=crs,
        nodata=nodata,
        name=ds.descriptions[0] or "",
        units=units,
        synthetic=str(ds.tags().get(SYNTHETIC_TAG, "")).lower() == "yes",
        tags={k: str(v) for k, v in ds.tags().items() if k != CRS_TAG},
    )


def _profile(ds: DatasetReader, crs: Any) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": ds.width,
        "height": ds.height,
        "count": 1,
        "dtype": "float32",
        "crs": rio_crs(crs),
        "transform": ds.transform,
        "nodata": float("nan"),
        "compress": "deflate",
        "BIGTIFF": "IF_SAFER",
        "SPARSE_OK": "TRUE",  # blocks are written once each, after the header is checked
    }
    if ds.height >= _TILE and ds.width >= _TILE:
        profile.update(tiled=True, blockxsize=_TILE, blockysize=_TILE)
    return profile


def _create(tmp: Path, ds: DatasetReader, *, kind: str, tags: dict[str, str]) -> None:
    """Create the output GeoTIFF: its grid, CRS and tags, no blocks yet."""
    with warnings.catch_warnings():
        # a CRS GeoTIFF cannot hold is caught when the header is read back
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with rasterio.open(tmp, "w", **_profile(ds, ds.mars_crs)) as dst:
            dst.update_tags(**tags)
            units = "deg" if kind == "slope" else ""
            dst.update_tags(1, NAME=kind, UNITS=units)
            dst.set_band_description(1, kind)
            dst.set_band_unit(1, units)


def _check_header(tmp: Path, crs: Any, transform: Any, path: Any) -> None:
    """Read the new file's georeferencing back: it must mean what the DTM's means."""
    with rasterio.Env(GDAL_PAM_ENABLED="NO"), rasterio.open(tmp) as ds:
        try:
            back = None if ds.crs is None else file_crs(ds, None, str(path))
        except CRSError:
            back = None
        if back is None or not same_grid_meaning(back, crs) or ds.transform != transform:
            msg = (
                f"GeoTIFF cannot hold the CRS {crs.name!r} and grid of this DTM without "
                f"changing their meaning, so {str(path)!r} was not written; reproject the DTM "
                "to IAU_2015:49900, IAU_2015:49910 or a CRS of marsgeo.crs.local_crs first."
            )
            raise CRSError(msg)


def _work(
    ds: DatasetReader,
    dst: Any,
    *,
    steps: GridSteps,
    light: tuple[float, float, float] | None,
    parts: list[Block],
    bar: Progress,
) -> None:
    shape = (ds.height, ds.width)
    nodata = ds.nodata
    for block in parts:
        (w0, w1, v0, v1), borders = halo(block, shape)
        raw = read_block(ds, 1, rasterio.windows.Window(v0, w0, v1 - v0, w1 - w0))
        out = terrain_block(
            raw,
            steps=steps,
            block=block,
            borders=borders,
            nodata=nodata,
            valid=(MARS_LOWEST_ELEV_M, MARS_HIGHEST_ELEV_M),
            light=light,
        )
        r0, r1, c0, c1 = block
        dst.write(out, 1, window=rasterio.windows.Window(c0, r0, c1 - c0, r1 - r0))
        bar.update()


def _tags(sample: Raster, what: str, crs: Any) -> dict[str, str]:
    tags = {k: v for k, v in sample.tags.items() if k not in ("DESCRIPTION", "NAME", "UNITS")}
    origin = sample.tags.get("DESCRIPTION", "") or sample.name
    tags["DESCRIPTION"] = describe(what, origin=origin, synthetic=sample.synthetic)
    tags[SYNTHETIC_TAG] = "yes" if sample.synthetic else "no"
    tags[CRS_TAG] = crs.to_json()
    return tags


def write_terrain(
    source: RasterSource,
    path: PathLike,
    *,
    kind: str = "slope",
    azimuth_deg: float = 315.0,
    altitude_deg: float = 45.0,
    crs: CRSLike | None = None,
    block_pixels: int | None = None,
    progress: bool | None = None,
) -> Path:
    """Write the slope or hillshade of a DTM file to a GeoTIFF, block by block.

    For DTMs larger than memory: the DTM is read a block at a time with the one-pixel halo
    Horn's method needs, and each block of the result is written at once, so memory stays
    bounded by ``block_pixels`` whatever the DTM's size. The values are those of
    :func:`slope_deg` or :func:`hillshade` on the whole DTM. The GeoTIFF (tiled, deflate,
    float32, NaN for no data) keeps the DTM's exact CRS (as :func:`write_raster` does) and
    is written atomically: a temporary file, then a rename.

    Parameters
    ----------
    source
        The DTM (elevations in metres): a path, a cloud-optimised GeoTIFF URL or an open
        rasterio dataset; band 1 is used.
    path
        The GeoTIFF to write; its folder must exist.
    kind
        "slope" (degrees) or "hillshade" (0..1).
    azimuth_deg, altitude_deg
        The sun of a hillshade: where the light comes from, clockwise from north, and its
        elevation above the horizon in (0, 90].
    crs
        The DTM's CRS if the file has none, or if its own is ambiguous.
    block_pixels
        Pixels worked at a time (default 1 048 576: about 100 MB of temporaries).
    progress
        Show a progress bar (default: in a terminal or Jupyter, for large DTMs).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    marsgeo.errors.InputError
        A bad argument, or a file that is not a DTM in metres (an image, other units).
    marsgeo.errors.DataFileError
        The DTM cannot be read (missing, corrupt) or ``path`` cannot be written.
    marsgeo.errors.CRSError
        No CRS, not a Mars CRS, or one GeoTIFF cannot hold.
    """
    choice(kind, name="kind", options=KINDS)
    sun = check_sun(azimuth_deg, altitude_deg)
    progress = optional_flag(progress, name="progress")
    pixels = FILE_BLOCK_PIXELS if block_pixels is None else block_pixels
    pixels = whole_number(pixels, name="block_pixels", fix="pass a whole number >= 1", low=1)
    light = None if kind == "slope" else sun_vector(*sun)
    what = "slope (Horn's method)" if kind == "slope" else "hillshade"
    with open_raster(source, crs=crs) as ds, _env(source):
        mars_crs = ds.mars_crs
        sample = check_dtm(_sample(ds, mars_crs), name=f"DTM {os.fspath(ds.name)!r}")
        shape = (ds.height, ds.width)
        steps = plan_steps(mars_crs, ds.transform, shape)
        parts = file_blocks(shape, pixels)
        show = progress if progress is not None else (None if len(parts) > 4 else False)
        name = f"{kind} of {Path(os.fspath(ds.name)).name}"
        with writing(path), atomic_target(path, example=f"{kind}.tif") as tmp:
            _create(tmp, ds, kind=kind, tags=_tags(sample, what, mars_crs))
            _check_header(tmp, mars_crs, ds.transform, path)
            with (
                rasterio.open(tmp, "r+") as dst,
                Progress(len(parts), name, enabled=show) as bar,
            ):
                _work(ds, dst, steps=steps, light=light, parts=parts, bar=bar)
    return Path(path)
