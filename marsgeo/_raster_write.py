"""Writing rasters to GeoTIFF, atomically and with their exact CRS (private).

The public name is in :mod:`marsgeo.basemap`. The exact CRS goes into the tag
:data:`marsgeo._raster_crs.CRS_TAG` besides the GeoTIFF keys, and a written file is read back
before it replaces the target: a CRS or grid GeoTIFF cannot hold is refused, and no file is
left.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import rasterio
import rasterio.dtypes
import rasterio.errors
from affine import Affine

from marsgeo._atomic import atomic_target
from marsgeo._raster import SYNTHETIC_TAG, Raster, as_raster
from marsgeo._raster_crs import CRS_TAG, crs_frame, file_crs, rio_crs, same_grid_meaning
from marsgeo._raster_open import gdal_message
from marsgeo.errors import CRSError, DataFileError, InputError, MarsGeoError

if TYPE_CHECKING:
    import pyproj

    from marsgeo.typing import PathLike


#: Lossless GeoTIFF compressions :func:`write_raster` accepts.
COMPRESSIONS = ("deflate", "lzw", "zstd", "lzma", "packbits", "none")


def _write_fix(crs: pyproj.CRS) -> str:
    frame = crs_frame(crs)
    if frame[0] == "sphere":
        return "reproject_raster it to IAU_2015:49900 or IAU_2015:49910 first"
    return (
        "reproject_raster it to another CRS of its frame first (e.g. an equirectangular one: "
        f"{'IAU_2015:49911' if frame[0] == 'ographic' else 'IAU_2015:49912'})"
    )


def _check_written(tmp: Path, raster: Raster, path: Any) -> None:
    """Read a just-written file's georeferencing back: it must mean what the raster means.

    Sidecar files are ignored (GDAL puts a CRS it cannot write as GeoTIFF keys in one): the
    GeoTIFF alone must hold the georeferencing.
    """
    with rasterio.Env(GDAL_PAM_ENABLED="NO"), rasterio.open(tmp) as ds:
        if ds.crs is None:
            msg = (
                f"GeoTIFF cannot hold the CRS {raster.crs.name!r} (GDAL writes no "
                f"georeferencing for it), so {str(path)!r} was not written; "
                f"{_write_fix(raster.crs)}."
            )
            raise CRSError(msg)
        try:
            back = file_crs(ds, None, str(path))
        except CRSError:
            back = None
        if (
            back is None
            or not same_grid_meaning(back, raster.crs)
            or ds.transform != (raster.transform)
        ):
            msg = (
                f"GeoTIFF cannot hold the CRS {raster.crs.name!r} and grid of this raster "
                f"without changing their meaning, so {str(path)!r} was not written; "
                f"{_write_fix(raster.crs)}."
            )
            raise CRSError(msg)


@contextmanager
def writing(path: Any) -> Iterator[None]:
    """Turn a failure to write ``path`` (GDAL's or the system's OSError) into a DataFileError.

    marsgeo's own errors pass through unchanged.
    """
    try:
        yield
    except MarsGeoError:
        raise
    except OSError as exc:  # rasterio's I/O errors are OSErrors too
        msg = (
            f"path={str(path)!r} cannot be written ({gdal_message(exc)}); check that its "
            "folder is writable and the disk has space."
        )
        raise DataFileError(msg) from exc


def write_raster(raster: Raster, path: PathLike, *, compress: str = "deflate") -> Path:
    """Write a Raster to a tiled GeoTIFF, atomically (a temporary file, then a rename).

    The CRS (exactly, in the tag :data:`CRS_TAG` besides the GeoTIFF keys), nodata, units,
    name, description and the synthetic flag travel with the file. The written file is read
    back before it replaces ``path``: a CRS or grid GeoTIFF cannot hold is refused, and no
    file is left.

    Parameters
    ----------
    raster
        What to write.
    path
        The GeoTIFF to write; its folder must exist.
    compress
        One of :data:`COMPRESSIONS` (lossless).

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    marsgeo.errors.InputError
        A bad argument, or data GeoTIFF cannot hold (e.g. float16).
    marsgeo.errors.CRSError
        A CRS GeoTIFF cannot hold without changing its meaning (the message names a fix).
    marsgeo.errors.DataFileError
        The file cannot be written (missing folder, no permission, disk full).
    """
    raster = as_raster(raster, name="raster")
    if not isinstance(compress, str) or compress.lower() not in COMPRESSIONS:
        msg = f"compress={compress!r} is not one of {list(COMPRESSIONS)}; pass one of them."
        raise InputError(msg)
    if not isinstance(path, (str, os.PathLike)) or (isinstance(path, str) and not path):
        msg = f"path={path!r} is not a file path; pass e.g. 'dtm.tif'."
        raise InputError(msg)
    if raster.transform == Affine.identity():
        msg = (
            "raster transform is Affine.identity(), which GeoTIFF readers take for 'no "
            "georeferencing'; give the raster its real transform before writing it."
        )
        raise InputError(msg)
    data = raster.data
    if data.dtype == bool:
        data = data.astype(np.uint8)
    if not rasterio.dtypes.check_dtype(data.dtype) or data.dtype.kind not in "uif":
        msg = (
            f"raster data of dtype {data.dtype} cannot be written to GeoTIFF; write "
            "raster.with_data(raster.data.astype('float32')) instead."
        )
        raise InputError(msg)
    h, w = raster.shape
    tiled = h >= 256 and w >= 256
    nodata = raster.nodata
    if nodata is None and data.dtype.kind == "f":
        nodata = float("nan")
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": w,
        "height": h,
        "count": 1,
        "dtype": data.dtype.name,
        "crs": rio_crs(raster.crs),
        "transform": raster.transform,
        "nodata": nodata,
        "compress": compress.lower(),
    }
    if tiled:
        profile.update(tiled=True, blockxsize=256, blockysize=256)
    tags = dict(raster.tags)
    tags[SYNTHETIC_TAG] = "yes" if raster.synthetic else "no"
    tags[CRS_TAG] = raster.crs.to_json()
    if raster.description:
        tags["DESCRIPTION"] = raster.description
    with (
        writing(path),
        atomic_target(path, example="dtm.tif") as tmp,
        warnings.catch_warnings(),
    ):
        # a transform GDAL drops is caught when the file is read back below
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(data, 1)
            dst.update_tags(**tags)
            dst.update_tags(1, NAME=raster.name, UNITS=raster.units)
            dst.set_band_description(1, raster.name)
            dst.set_band_unit(1, raster.units)
        _check_written(tmp, raster, path)
    return Path(path)
