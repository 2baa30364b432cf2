"""Opening raster files through rasterio: paths, URLs, GDAL settings and checks (private).

Every raster marsgeo opens must carry a Mars CRS (decided by :func:`marsgeo._raster_crs.file_crs`)
and be north-up. GDAL's failures become :class:`~marsgeo.errors.DataFileError` in GDAL's own
words, with a fix. Cloud-optimised GeoTIFFs are read over HTTP with :data:`COG_ENV`, and GDAL's
block cache stays bounded (:data:`GDAL_CACHE_BYTES`).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy.typing as npt
import rasterio
import rasterio.errors
from affine import Affine
from rasterio.io import DatasetReader

from marsgeo._products import file_name
from marsgeo._raster import Raster
from marsgeo._raster_crs import file_crs
from marsgeo._raster_pds import file_label, has_jp2_driver, no_jp2_error, pds_fix
from marsgeo.errors import DataFileError, InputError

if TYPE_CHECKING:
    import rasterio.windows

    from marsgeo.typing import CRSLike, PathLike


#: GDAL settings for reading cloud-optimised GeoTIFFs over HTTP: no directory listing, no
#: sidecar probing, merged range requests.
COG_ENV = {
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".tif,.tiff,.TIF,.TIFF",
    "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
    "GDAL_HTTP_MULTIPLEX": "YES",
    "VSI_CACHE": "TRUE",
}
#: GDAL block cache while marsgeo reads [bytes]: bounded so windowed work stays small.
GDAL_CACHE_BYTES = 16 * 2**20  # each block is read once: a cache buys nothing
#: Files GDAL may fetch over HTTP besides GeoTIFFs: PDS3 images and labels, the JPEG 2000
#: images HiRISE labels name, ISIS3 cubes.
_REMOTE_PRODUCT_EXTENSIONS = ".img,.IMG,.lbl,.LBL,.jp2,.JP2,.cub,.CUB"


# --- sources ---------------


def _source_name(source: Any) -> str:
    return str(getattr(source, "name", source))


def _is_url(source: Any) -> bool:
    return isinstance(source, str) and source.split("://", 1)[0] in ("http", "https", "s3", "gs")


def check_source(source: Any, *, name: str = "source") -> None:
    """Refuse what is not a raster path, URL or open dataset (e.g. a Raster in memory)."""
    if isinstance(source, DatasetReader):
        return
    if isinstance(source, Raster):
        msg = (
            f"{name} is a Raster already in memory; this function reads files. Pass the "
            "Raster to sample_raster or the terrain functions directly."
        )
        raise InputError(msg)
    if not isinstance(source, (str, os.PathLike)) or (isinstance(source, str) and not source):
        msg = (
            f"{name}={source!r} is not a raster; pass the path of a GeoTIFF (or of another "
            "raster GDAL reads: a PDS3 .IMG or .LBL, an ISIS3 .cub, ...), an https:// URL of "
            "a cloud-optimised GeoTIFF, or an open rasterio dataset."
        )
        raise InputError(msg)


def source_name(ds: DatasetReader) -> str:
    """Return the path or URL a dataset was opened from, for messages."""
    return str(getattr(ds, "mars_name", None) or ds.name)


# --- GDAL ---------------


def gdal_message(exc: BaseException) -> str:
    """GDAL's own words for a failure: rasterio hides them in the exception chain."""
    parts: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 6:
        text = str(seen).strip()
        if text and "See previous exception" not in text and text not in parts:
            parts.append(text)
        seen = seen.__cause__ or seen.__context__
    return "; ".join(parts) or type(exc).__name__


@contextmanager
def gdal_env(source: Any) -> Iterator[None]:
    """Set GDAL up to read ``source``: a bounded block cache, and :data:`COG_ENV` for URLs."""
    options: dict[str, Any] = {"GDAL_CACHEMAX": GDAL_CACHE_BYTES}
    if _is_url(source):
        options.update(COG_ENV)
        suffix = file_name(str(source)).rsplit(".", 1)[-1].lower()
        if f".{suffix}" in _REMOTE_PRODUCT_EXTENSIONS.split(","):
            allowed = f"{COG_ENV['CPL_VSIL_CURL_ALLOWED_EXTENSIONS']},{_REMOTE_PRODUCT_EXTENSIONS}"
            options["CPL_VSIL_CURL_ALLOWED_EXTENSIONS"] = allowed
    with rasterio.Env(**options):
        yield


# --- opening ---------------


def _check_open(ds: DatasetReader, name: str, crs: Any) -> None:
    ds.mars_crs = file_crs(ds, crs, name)
    t = ds.transform
    if t.b != 0 or t.d != 0:
        msg = (
            f"raster {name!r} is rotated or sheared; marsgeo reads north-up rasters "
            "only. Warp it north-up first (gdalwarp)."
        )
        raise DataFileError(msg)
    if t.a == 0 or t.e == 0 or t == Affine.identity():
        msg = (
            f"raster {name!r} has no geotransform (pixel positions are unknown); give it one "
            "(e.g. gdal_edit.py -a_ullr), or warp a raster georeferenced by control points "
            "with gdalwarp first."
        )
        raise DataFileError(msg)


@contextmanager
def open_raster(
    source: PathLike | DatasetReader, *, crs: CRSLike | None = None
) -> Iterator[DatasetReader]:
    """Open a raster (path or cloud-optimised GeoTIFF URL) and check that it is on Mars.

    Any raster GDAL reads: GeoTIFF, a PDS3 image (``.IMG`` with its label attached, or the
    detached ``.LBL`` of a HiRISE JPEG 2000), an ISIS3 cube, ... The CRS is taken from
    ``crs=``, else from the exact CRS marsgeo writes in its tag :data:`CRS_TAG`, else from the
    file's own georeferencing when it is unambiguous (on the Mars sphere, of whatever radius
    the file gives, or a projected IAU ellipsoid CRS with east and north axes named in the
    file). Where GDAL's PDS driver misreads a label (a ``^IMAGE`` naming a JPEG 2000 file,
    which it would read as raw bytes; a HiRISE ``CORE_NULL`` it ignores), the dataset yielded
    reads the file as its label means it.

    Parameters
    ----------
    source
        A path, an ``http(s)://`` URL of a cloud-optimised GeoTIFF, or an open rasterio dataset.
    crs
        The raster's CRS if the file lacks one or its own is ambiguous (it relabels; it never
        reprojects).

    Yields
    ------
    rasterio.io.DatasetReader
        With attribute ``mars_crs`` (:class:`pyproj.CRS`) set.

    Raises
    ------
    marsgeo.errors.DataFileError
        Missing, unreadable, corrupt or unreachable file, one without georeferencing, or a
        JPEG 2000 image this GDAL has no driver for.
    marsgeo.errors.CRSError
        No CRS (and no ``crs=``), a CRS that is not Mars, or an ambiguous CRS on the Mars
        ellipsoid.
    """
    check_source(source)
    if isinstance(source, DatasetReader):
        if source.closed:
            msg = f"dataset {source.name!r} is closed; pass an open dataset or a path."
            raise InputError(msg)
        _check_open(source, _source_name(source), crs)
        yield source
        return
    name = os.fspath(source)
    if not _is_url(name) and not name.startswith("/vsi"):
        p = Path(name)
        if not p.exists():
            msg = f"raster {name!r} does not exist; check the path."
            raise DataFileError(msg)
        if p.is_dir():
            msg = f"raster {name!r} is a folder; pass the path of a GeoTIFF."
            raise DataFileError(msg)
        if not os.access(p, os.R_OK):
            msg = (
                f"raster {name!r} cannot be read: permission denied. Check the file's "
                "permissions (e.g. chmod a+r) or read it as a user who may."
            )
            raise DataFileError(msg)
    with gdal_env(source):
        ds = _open(name)
        with ds:
            fix = pds_fix(ds, name)
            if fix is None:
                ds.mars_name = name
                _check_open(ds, name, crs)
                yield ds
                return
            label, driver = file_label(ds), ds.driver
        with rasterio.MemoryFile(fix.encode("utf-8"), ext=".vrt") as mem, mem.open() as vrt:
            vrt.mars_name, vrt.mars_label, vrt.mars_driver = name, label, driver
            _check_open(vrt, name, crs)
            yield vrt


def _open(name: str) -> DatasetReader:
    """Open a raster with GDAL, or raise DataFileError with GDAL's words and a fix."""
    try:
        with warnings.catch_warnings():
            # a file without georeferencing is refused later with a clear message
            warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
            return rasterio.open(name)
    except (rasterio.errors.RasterioIOError, OSError) as exc:
        why = gdal_message(exc)
        jp2 = re.search(r"[^\s'\"]+\.(jp2|j2k)\b", f"{name} {why}", flags=re.IGNORECASE)
        if jp2 is not None and not has_jp2_driver():
            raise no_jp2_error(name, jp2.group(0)) from exc
        msg = (
            f"raster {name!r} cannot be opened ({why}); check that it is a readable raster "
            "(GeoTIFF, PDS3 .IMG or .LBL with the files it names beside it, ISIS3 .cub, ...), "
            "not truncated or corrupt (write or download it again)."
        )
        raise DataFileError(msg) from exc


def read_block(ds: DatasetReader, band: int, window: rasterio.windows.Window) -> npt.NDArray[Any]:
    """Read a window of a band; a GDAL failure becomes DataFileError naming file and blocks."""
    try:
        data: npt.NDArray[Any] = ds.read(band, window=window)
    except rasterio.errors.RasterioIOError as exc:
        bh, bw = ds.block_shapes[band - 1]
        r0, c0 = int(window.row_off), int(window.col_off)
        r1, c1 = r0 + int(window.height) - 1, c0 + int(window.width) - 1
        msg = (
            f"raster {source_name(ds)!r} cannot be read in rows {r0}..{r1}, columns {c0}..{c1} "
            f"(blocks rows {r0 // bh}..{r1 // bh}, columns {c0 // bw}..{c1 // bw}): "
            f"{gdal_message(exc)}. The file is truncated or corrupt; write or download it "
            "again (gdalinfo -checksum finds the damaged blocks)."
        )
        raise DataFileError(msg) from exc
    return data
