"""Export marsgeo results to the files GIS users load, with the Mars CRS kept.

=============  =====================================================================
extension      what is written
=============  =====================================================================
``.gpkg``      GeoPackage, in the data's own Mars CRS (one layer)
``.fgb``       FlatGeobuf, in the data's own Mars CRS, rows in order (no spatial index)
``.geojson``   GeoJSON in Mars longitude/latitude (``IAU_2015:49900``), the CRS named in
               the file so that GDAL and marsgeo read it as Mars, not as Earth's CRS84
``.csv``       a table; for geodata, ``lon`` and ``lat`` columns in ``IAU_2015:49900``
               and the geometry as WKT
=============  =====================================================================

Files are written atomically (a temporary file, then a rename). Read them back with
:func:`marsgeo.read_tubes` or :func:`marsgeo.read_outline`, or with geopandas.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from marsgeo._atomic import atomic_target
from marsgeo.crs import require_mars_crs, to_mars_geographic
from marsgeo.errors import InputError

__all__ = ["FORMATS", "export", "geojson_text"]

#: File extensions :func:`export` writes, and the format of each.
FORMATS = {".gpkg": "GPKG", ".fgb": "FlatGeobuf", ".geojson": "GeoJSON", ".csv": "CSV"}


def plain_values(frame: pd.DataFrame, *, timespec: str = "auto") -> pd.DataFrame:
    """Return a copy with datetime columns as ISO 8601 text (for CSV, JSON and tables)."""
    out = frame.copy()
    for col in out.columns:
        if col != "geometry" and pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].map(lambda t: t.isoformat(timespec=timespec))
    return out


def _json_default(value: Any) -> Any:
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    msg = f"cannot write {type(value).__name__} as JSON"
    raise TypeError(msg)


def geojson_text(data: gpd.GeoDataFrame) -> str:
    """GeoJSON of geodata in Mars longitude/latitude, with the Mars CRS named in the file.

    RFC 7946 GeoJSON has no CRS member and means Earth's CRS84; marsgeo writes the older
    ``crs`` member naming ``IAU_2015:49900``, which GDAL (and so geopandas) honours on read.

    Examples
    --------
    >>> import marsgeo
    >>> doc = json.loads(geojson_text(marsgeo.load_depot()))
    >>> doc["crs"]["properties"]["name"], len(doc["features"])
    ('IAU_2015:49900', 10)
    """
    require_mars_crs(data, name="data")
    mars = plain_values(to_mars_geographic(data))
    index_name = mars.index.name
    flat: Any = mars.reset_index(drop=index_name is None)
    doc: dict[str, Any] = flat.to_geo_dict(na="null", drop_id=True)
    doc["crs"] = {"type": "name", "properties": {"name": "IAU_2015:49900"}}
    return json.dumps(doc, ensure_ascii=False, default=_json_default)


def export(data: Any, path: Any, *, layer: str | None = None) -> Path:
    """Write a result (tubes, distances, plan legs, hazards, ...) to a file, CRS kept.

    Parameters
    ----------
    data
        A GeoDataFrame in a Mars CRS, or a DataFrame (written as CSV only).
    path
        Target file; the extension picks the format (see :data:`FORMATS`).
    layer
        GeoPackage layer name (default: the file's stem).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    marsgeo.errors.InputError
        Unknown extension, a table without geometry for a geo format, or a non-Mars CRS.
    marsgeo.errors.DataFileError
        The folder does not exist.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        msg = f"path={str(path)!r}: unknown extension; use one of {sorted(FORMATS)}."
        raise InputError(msg)
    if not isinstance(data, pd.DataFrame):
        msg = f"data must be a DataFrame or GeoDataFrame, got {type(data).__name__}."
        raise InputError(msg)
    geo = isinstance(data, gpd.GeoDataFrame)
    if not geo and suffix != ".csv":
        msg = f"data has no geometry; write it as CSV (path ending .csv), not {suffix}."
        raise InputError(msg)
    if geo:
        require_mars_crs(data, name="data")
    with atomic_target(path, example=f"out{suffix}") as tmp:
        if suffix == ".csv":
            if geo:
                mars = to_mars_geographic(data)
                frame = pd.DataFrame(plain_values(mars).drop(columns=mars.geometry.name))
                where = gpd.GeoSeries(mars.geometry).representative_point()
                frame["lon"] = where.x.to_numpy()
                frame["lat"] = where.y.to_numpy()
                # full precision (the default rounds to 1e-6 deg, 6 cm on Mars)
                frame["geometry_wkt"] = (
                    gpd.GeoSeries(mars.geometry).to_wkt(rounding_precision=-1).to_numpy()
                )
            else:
                frame = plain_values(data)
            frame.to_csv(tmp, index=frame.index.name is not None, lineterminator="\n")
        elif suffix == ".geojson":
            tmp.write_text(geojson_text(data), encoding="utf-8")
        else:
            tmp.unlink()  # the drivers create the file themselves
            out = data  # GeoPackage and FlatGeobuf store UTC datetimes natively
            keep_index = out.index.name is not None
            out = out.reset_index() if keep_index else out
            # FlatGeobuf's spatial index would reorder rows: keep catalogue (drop) order
            kwargs: dict[str, Any] = (
                {"layer": layer or target.stem} if suffix == ".gpkg" else {"SPATIAL_INDEX": "NO"}
            )
            gpd.GeoDataFrame(out, geometry=data.geometry.name, crs=data.crs).to_file(
                tmp, driver=FORMATS[suffix], **kwargs
            )
    return target
