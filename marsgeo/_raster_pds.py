"""PDS3 and ISIS3 labels of raster files, and what GDAL's PDS driver misreads (private).

GDAL parses the label of a PDS3 image or an ISIS3 cube into JSON metadata (:func:`file_label`).
Its PDS driver reads the JPEG 2000 file a HiRISE label's ``^IMAGE`` names as raw bytes, and
ignores ``CORE_NULL``, the no-data value of HiRISE images: :func:`pds_fix` gives a VRT that
reads such a file as its label means it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import rasterio
import rasterio.errors
from rasterio._err import CPLE_BaseError

from marsgeo._products import file_name
from marsgeo.errors import DataFileError

if TYPE_CHECKING:
    from rasterio.io import DatasetReader


#: GDAL drivers that read JPEG 2000.
JP2_DRIVERS = ("JP2OpenJPEG", "JP2KAK", "JP2ECW", "JPEG2000", "JP2MrSID")


def _json_domain(ds: DatasetReader, ns: str) -> dict[str, Any]:
    """Parse a metadata domain GDAL fills with one JSON text (rasterio splits it at : or =)."""
    try:
        items = ds.tags(ns=ns)
    except (rasterio.errors.RasterioError, CPLE_BaseError, ValueError):
        return {}
    if len(items) != 1:
        return {}
    ((key, value),) = items.items()
    for sep in (":", "="):
        try:
            label = json.loads(f"{key}{sep}{value}")
        except ValueError:
            continue
        if isinstance(label, dict):
            return label
    return {}


def file_label(ds: DatasetReader) -> dict[str, Any]:
    """Return the PDS3 or ISIS3 label of an open raster as GDAL parsed it; {} for others."""
    kept = getattr(ds, "mars_label", None)
    if isinstance(kept, dict):
        return kept
    for ns in ("json:PDS", "json:ISIS3"):
        label = _json_domain(ds, ns)
        if label:
            return label
    return {}


def _objects(label: Any, key: str) -> Iterator[dict[str, Any]]:
    """Every object or group called ``key`` (any case) in a label, outermost first."""
    if not isinstance(label, dict):
        return
    for k, v in label.items():
        if k.upper() == key.upper() and isinstance(v, dict):
            yield v
    for v in label.values():
        yield from _objects(v, key)


def label_value(label: Any, obj: str, key: str) -> Any:
    """Return the first value of ``key`` in an object called ``obj`` of a label, or None."""
    for found in _objects(label, obj):
        for k, v in found.items():
            if k.upper() == key.upper():
                return v
    return None


def label_text(value: Any) -> str:
    if isinstance(value, dict):  # a value with a unit: {"value": ..., "unit": ...}
        value = value.get("value", "")
    return "" if value is None else str(value).strip().strip('"')


def _jp2_pointer(label: dict[str, Any]) -> bool:
    """Tell whether a PDS3 label's ^IMAGE names a JPEG 2000 file GDAL would read as raw."""
    target = label.get("^IMAGE")
    if isinstance(target, list) and target:
        target = target[0]
    if not isinstance(target, str) or not target.lower().endswith((".jp2", ".j2k")):
        return False
    compressed = label_value(label, "COMPRESSED_FILE", "ENCODING_TYPE")
    return label_text(compressed).upper() != "JP2"


def has_jp2_driver() -> bool:
    """Tell whether this GDAL reads JPEG 2000."""
    from rasterio.drivers import raster_driver_extensions

    return any(d in JP2_DRIVERS for d in raster_driver_extensions().values())


def no_jp2_error(name: str, jp2: str) -> DataFileError:
    msg = (
        f"raster {name!r} is a JPEG 2000 image ({file_name(jp2)}) and this GDAL "
        f"({rasterio.__gdal_version__}) has no JPEG 2000 driver ({', '.join(JP2_DRIVERS[:4])}), "
        "so none of its pixels can be read. Install a rasterio whose GDAL has OpenJPEG (the "
        "rasterio wheels on PyPI have it: pip install --force-reinstall rasterio), or convert "
        f"the image to GeoTIFF where GDAL has one (gdal_translate {file_name(name)} out.tif)."
    )
    return DataFileError(msg)


# GDAL's names of the data types a PDS3 image can hold
_VRT_TYPES = {
    "uint8": "Byte",
    "int8": "Int8",
    "uint16": "UInt16",
    "int16": "Int16",
    "uint32": "UInt32",
    "int32": "Int32",
    "float32": "Float32",
    "float64": "Float64",
}


def _vrt(ds: DatasetReader, *, source: str, nodata: float | None) -> str:
    """Write a VRT of ``source``'s pixels with ``ds``'s georeferencing, tags and ``nodata``."""
    from xml.sax.saxutils import escape, quoteattr

    t = ds.transform
    meta = "".join(f"<MDI key={quoteattr(k)}>{escape(str(v))}</MDI>" for k, v in ds.tags().items())
    bands = "".join(
        f'<VRTRasterBand dataType="{_VRT_TYPES[ds.dtypes[b - 1]]}" band="{b}">'
        + ("" if nodata is None else f"<NoDataValue>{nodata!r}</NoDataValue>")
        + f'<SimpleSource><SourceFilename relativeToVRT="0">{escape(source)}</SourceFilename>'
        f"<SourceBand>{b}</SourceBand></SimpleSource></VRTRasterBand>"
        for b in range(1, ds.count + 1)
    )
    srs = f"<SRS>{escape(ds.crs.to_wkt())}</SRS>" if ds.crs is not None else ""
    return (
        f'<VRTDataset rasterXSize="{ds.width}" rasterYSize="{ds.height}">{srs}'
        f"<GeoTransform>{t.c!r}, {t.a!r}, {t.b!r}, {t.f!r}, {t.d!r}, {t.e!r}</GeoTransform>"
        f"<Metadata>{meta}</Metadata>{bands}</VRTDataset>"
    )


def pds_fix(ds: DatasetReader, name: str) -> str | None:
    """Give a VRT that reads a PDS3 file as its label means it, where GDAL's PDS driver fails.

    GDAL reads a JPEG 2000 file that a label's ``^IMAGE`` names as raw bytes (only a
    ``COMPRESSED_FILE`` object makes it decode the JP2): every pixel would be wrong. And it
    ignores ``CORE_NULL``, the no-data value of HiRISE images. None when nothing needs fixing.
    """
    if ds.driver != "PDS":
        return None
    label = file_label(ds)
    null = label_text(label_value(label, "IMAGE", "CORE_NULL"))
    nodata = None
    if ds.nodata is None and null and np.dtype(ds.dtypes[0]).kind in "iu":
        try:
            nodata = float(int(null))
        except ValueError:
            nodata = None
    if _jp2_pointer(label):
        jp2 = next((f for f in ds.files if f.lower().endswith((".jp2", ".j2k"))), None)
        if jp2 is None:  # pragma: no cover - GDAL lists the file the label names
            return None
        if not has_jp2_driver():
            raise no_jp2_error(name, jp2)
        return _vrt(ds, source=jp2, nodata=nodata if nodata is not None else ds.nodata)
    if nodata is not None:
        return _vrt(ds, source=ds.files[0] if ds.files else name, nodata=nodata)
    return None
