"""Export marsgeo results to the files GIS users load, with the Mars CRS kept.

=============  =====================================================================
extension      what is written
=============  =====================================================================
``.gpkg``      GeoPackage, in the data's own Mars CRS (one layer); times are stored to
               the millisecond (the format's precision)
``.fgb``       FlatGeobuf, in the data's own Mars CRS, rows in order (no spatial index);
               times to the millisecond
``.geojson``   GeoJSON in Mars longitude/latitude (``IAU_2015:49900``), the CRS named in
               the file so that GDAL and marsgeo read it as Mars, not as Earth's CRS84
``.csv``       a table; for geodata, ``lon`` and ``lat`` columns in ``IAU_2015:49900``
               and the geometry as WKT
=============  =====================================================================

Text formats keep every value exactly:

- times are ISO 8601 text with all their digits (microseconds, or nanoseconds where the data
  has them); a missing time is empty in CSV and ``null`` in JSON;
- numbers are written in full (shortest round-trip) precision;
- JSON and GeoJSON follow RFC 8259, which has no ``Infinity`` or ``NaN``: a missing number
  (NaN) is written as ``null``, and an infinite number is refused with an error naming its
  column and rows (replace it, or write CSV, where ``inf`` is kept);
- CSV tells an empty text from a missing value: an empty text is written as ``""``, a
  missing value as nothing (``a,"",`` is an empty text then a missing value). Readers that
  see no difference (pandas, by default) read both as missing.

Files are written atomically (a temporary file, then a rename): a failed write leaves the
old file as it was, and a system error (no permission, disk full, read-only file system)
becomes a :class:`marsgeo.errors.DataFileError` naming the path and a fix. A target that is a
symbolic link is written through (the file it points to is replaced; the link is kept).
Read the files back with :func:`marsgeo.read_tubes` or :func:`marsgeo.read_outline`, or with
geopandas.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from marsgeo._atomic import atomic_target, check_target, file_path
from marsgeo.crs import require_mars_crs, to_mars_geographic
from marsgeo.errors import InputError

__all__ = [
    "FORMATS",
    "TIMESPECS",
    "check_output",
    "csv_text",
    "export",
    "geojson_text",
    "index_as_columns",
    "json_records_text",
    "plain_values",
]

#: File extensions :func:`export` writes, and the format of each.
FORMATS = {".gpkg": "GPKG", ".fgb": "FlatGeobuf", ".geojson": "GeoJSON", ".csv": "CSV"}
#: How much of a time :func:`plain_values` keeps (as for :meth:`pandas.Timestamp.isoformat`).
TIMESPECS = (
    "auto",
    "hours",
    "minutes",
    "seconds",
    "milliseconds",
    "microseconds",
    "nanoseconds",
)


def _table(frame: Any, *, name: str = "frame") -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        msg = f"{name} must be a DataFrame or GeoDataFrame, got {type(frame).__name__}."
        raise InputError(msg)
    return frame


def _flag(value: Any, *, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        msg = f"{name}={value!r} must be True or False."
        raise InputError(msg)
    return bool(value)


def check_output(path: Any, *, extensions: Collection[str] = tuple(FORMATS)) -> Path:
    """Check a file path to write to before any work is done; return it as a Path.

    Parameters
    ----------
    path
        The file to write (text or a path-like object).
    extensions
        The extensions allowed (lower case, with the dot).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    marsgeo.errors.InputError
        ``path`` is not a file path, or its extension is not one of ``extensions``.
    marsgeo.errors.DataFileError
        ``path`` is a folder, its folder does not exist, or a part of the folder path is a
        file.

    Examples
    --------
    >>> check_output("depot.kml")
    Traceback (most recent call last):
    ...
    marsgeo.errors.InputError: path='depot.kml': unknown extension '.kml'; use one of ...
    """
    if (
        not isinstance(extensions, (tuple, list, set, frozenset, dict))
        or len(extensions) == 0
        or not all(isinstance(e, str) and e.startswith(".") for e in extensions)
    ):
        msg = (
            f"extensions={extensions!r} must be a collection of file extensions such as "
            "('.csv', '.gpkg')."
        )
        raise InputError(msg)
    allowed = sorted(e.lower() for e in extensions)
    target = file_path(path, example=f"out{allowed[0]}")
    check_target(path, example=f"out{allowed[0]}")
    suffix = target.suffix.lower()
    if suffix not in allowed:
        what = f"unknown extension {suffix!r}" if suffix else "no extension"
        msg = f"path={str(path)!r}: {what}; use one of {allowed}, e.g. {target.stem}{allowed[0]}."
        raise InputError(msg)
    return target


def plain_values(frame: pd.DataFrame, *, timespec: str = "auto") -> pd.DataFrame:
    """Return a copy with datetime columns as ISO 8601 text (for CSV, JSON and tables).

    Parameters
    ----------
    frame
        A table; it is not modified.
    timespec
        How much of each time to keep, as for :meth:`pandas.Timestamp.isoformat`; the default
        ``"auto"`` keeps every digit the time has. Missing times become missing values.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> t = pd.to_datetime(["2022-12-21T17:15:36.123456Z", None], utc=True)
    >>> plain_values(pd.DataFrame({"t": t}))["t"].tolist()
    ['2022-12-21T17:15:36.123456+00:00', None]
    """
    out = _table(frame).copy()
    if not isinstance(timespec, str) or timespec not in TIMESPECS:
        msg = f"timespec={timespec!r} is not one of {list(TIMESPECS)}."
        raise InputError(msg)
    for col in out.columns:
        if col != "geometry" and pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = pd.Series(
                [None if pd.isna(t) else t.isoformat(timespec=timespec) for t in out[col]],
                index=out.index,
                dtype=object,
            )
    return out


def _rows(index: pd.Index, mask: Any, limit: int = 5) -> str:
    ids = [repr(v.item() if hasattr(v, "item") else v) for v in index[np.asarray(mask)][:limit]]
    more = int(np.count_nonzero(mask)) - len(ids)
    return ", ".join(ids) + (f" and {more} more" if more > 0 else "")


def _infinite_values(frame: pd.DataFrame, *, what: str) -> None:
    """Refuse infinite numbers, which JSON (RFC 8259) cannot hold."""
    problems = []
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_float_dtype(values.dtype):
            mask = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
        elif values.dtype == object:
            mask = np.array(
                [isinstance(v, (float, np.floating)) and math.isinf(v) for v in values],
                dtype=bool,
            )
        else:
            continue
        if mask.any():
            rows = _rows(frame.index, mask)
            problems.append(f"column {col!r} has infinite values in rows {rows}")
    if problems:
        msg = (
            f"{what}: {'; '.join(problems)}. JSON (RFC 8259) has no Infinity: replace them "
            "(e.g. with NaN, written as null) or write CSV, which keeps inf."
        )
        raise InputError(msg)


def _finite_geometry(geoms: gpd.GeoSeries, *, what: str) -> None:
    coords, where = shapely.get_coordinates(
        np.asarray(geoms.values, dtype=object), return_index=True
    )
    bad_rows = np.unique(where[~np.isfinite(coords).all(axis=1)])
    if len(bad_rows):
        mask = np.zeros(len(geoms), dtype=bool)
        mask[bad_rows] = True
        msg = (
            f"{what}: rows {_rows(geoms.index, mask)} have NaN or infinite coordinates, which "
            "GeoJSON cannot hold; fix or drop them."
        )
        raise InputError(msg)


def _json_ready(value: Any) -> Any:
    """Return a JSON-safe copy of a value: NaN and missing values as None, numpy as Python."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    msg = f"cannot write {type(value).__name__} as JSON; convert the column to text first."
    raise InputError(msg)


def _dumps(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, default=_json_default, allow_nan=False)


def index_as_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with the index as leading column(s), as files and records show it.

    An index that repeats a column of the same name (same values) is dropped rather than
    written twice.

    Parameters
    ----------
    frame
        The table; it is not modified.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    marsgeo.errors.InputError
        The index has the name of a column that holds other values.

    Examples
    --------
    >>> frame = pd.DataFrame({"tube_id": [1, 2], "x": [0.5, 1.5]}).set_index("tube_id")
    >>> index_as_columns(frame).columns.tolist()
    ['tube_id', 'x']
    >>> index_as_columns(frame.assign(tube_id=[1, 2])).columns.tolist()
    ['x', 'tube_id']
    """
    _table(frame)
    names = [n for n in frame.index.names if n is not None]
    clash = [n for n in names if n in frame.columns]
    if not clash:
        return frame.reset_index()
    if len(names) == 1 and list(frame[clash[0]]) == list(frame.index):
        return frame.reset_index(drop=True)
    msg = (
        f"the index {clash[0]!r} is also a column with other values; rename one of them "
        "(e.g. frame.rename_axis('row')) before writing."
    )
    raise InputError(msg)


def geojson_text(data: gpd.GeoDataFrame) -> str:
    """GeoJSON of geodata in Mars longitude/latitude, with the Mars CRS named in the file.

    RFC 7946 GeoJSON has no CRS member and means Earth's CRS84; marsgeo writes the older
    ``crs`` member naming ``IAU_2015:49900``, which GDAL (and so geopandas) honours on read.
    Missing numbers are written as ``null``; infinite numbers and non-finite coordinates are
    refused (RFC 8259 JSON has no ``Infinity``). Times keep all their digits.

    Parameters
    ----------
    data
        A GeoDataFrame in a Mars CRS; it is not modified.

    Returns
    -------
    str

    Raises
    ------
    marsgeo.errors.InputError
        ``data`` is not a GeoDataFrame, has infinite values or non-finite coordinates.
    marsgeo.errors.CRSError
        ``data`` has no CRS or a non-Mars CRS.

    Examples
    --------
    >>> import marsgeo
    >>> doc = json.loads(geojson_text(marsgeo.load_depot()))
    >>> doc["crs"]["properties"]["name"], len(doc["features"])
    ('IAU_2015:49900', 10)
    """
    _check_geodata(data)
    require_mars_crs(data, name="data")
    mars = plain_values(to_mars_geographic(data))
    _infinite_values(pd.DataFrame(mars.drop(columns=mars.geometry.name)), what="data")
    _finite_geometry(mars.geometry, what="data")
    index_name = mars.index.name
    flat: Any = mars.reset_index(drop=index_name is None)
    doc: dict[str, Any] = flat.to_geo_dict(na="null", drop_id=True)
    for feature in doc["features"]:
        feature["properties"] = _json_ready(feature["properties"])
    doc["crs"] = {"type": "name", "properties": {"name": "IAU_2015:49900"}}
    return _dumps(doc)


def json_records_text(frame: pd.DataFrame, *, index: bool = False) -> str:
    """Return a table as a JSON array of records (one object per row), RFC 8259 clean.

    Missing values are ``null``, times ISO 8601 text with all their digits, numbers in full
    precision; infinite numbers are refused, naming their column and rows.

    Parameters
    ----------
    frame
        The table; it is not modified.
    index
        Write the index as the first field(s) of each record.

    Returns
    -------
    str

    Examples
    --------
    >>> json_records_text(pd.DataFrame({"d": [1.5, float("nan")]}))
    '[{"d": 1.5}, {"d": null}]'
    """
    _infinite_values(_table(frame), what="data")
    plain = plain_values(index_as_columns(frame) if _flag(index, name="index") else frame)
    records = [
        _json_ready(dict(zip(plain.columns, row, strict=True)))
        for row in plain.itertuples(index=False, name=None)
    ]
    return _dumps(records)


def _empty_text_cells(frame: pd.DataFrame) -> Iterator[tuple[Any, Any]]:
    for col in frame.columns:
        values = frame[col]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            mask = np.array([isinstance(v, str) and v == "" for v in values], dtype=bool)
            if mask.any():
                yield col, mask


def csv_text(frame: pd.DataFrame, *, index: bool = False) -> str:
    """Return a table as CSV text (RFC 4180, newline line ends), an empty text as ``""``.

    A missing value is written as nothing and an empty text as ``""``, so that readers that
    tell them apart (R's readr, Python's ``csv`` with ``QUOTE_NOTNULL``) keep them apart.
    Times are written with all their digits, numbers in full precision.

    Parameters
    ----------
    frame
        The table; it is not modified.
    index
        Write the index as the first column(s) (see :func:`index_as_columns`).

    Returns
    -------
    str

    Examples
    --------
    >>> print(csv_text(pd.DataFrame({"note": ["", None, "a,b"], "n": [1, 2, 3]})), end="")
    note,n
    "",1
    ,2
    "a,b",3
    """
    _table(frame)
    plain = plain_values(index_as_columns(frame) if _flag(index, name="index") else frame)
    empty = list(_empty_text_cells(plain))
    token = ""
    if empty:
        # a word the CSV writer leaves unquoted, found nowhere else: then replaced by ""
        token = f"marsgeo{uuid.uuid4().hex}"
        plain = plain.copy()
        for col, mask in empty:
            plain[col] = plain[col].astype(object).where(~mask, token)
    text: str = plain.to_csv(index=False, lineterminator="\n")
    return text.replace(token, '""') if token else text


def _check_geodata(data: Any) -> None:
    if not isinstance(data, gpd.GeoDataFrame):
        msg = (
            f"data must be a GeoDataFrame in a Mars CRS, got {type(data).__name__}; write "
            "tables as CSV."
        )
        raise InputError(msg)
    if data._geometry_column_name not in data.columns:
        msg = (
            "data is a GeoDataFrame without an active geometry column; set one with "
            "data.set_geometry(column) or write it as CSV."
        )
        raise InputError(msg)


def _text_problem(exc: UnicodeEncodeError, path: Any) -> InputError:
    msg = (
        f"path={str(path)!r} was not written: the data holds text that is not valid Unicode "
        f"({exc.reason}, e.g. a lone surrogate); clean that text first."
    )
    return InputError(msg)


def export(data: Any, path: Any, *, layer: str | None = None) -> Path:
    """Write a result (tubes, distances, plan legs, hazards, ...) to a file, CRS kept.

    Parameters
    ----------
    data
        A GeoDataFrame in a Mars CRS, or a DataFrame (written as CSV only); it is not
        modified.
    path
        Target file; the extension picks the format (see :data:`FORMATS`). A symbolic
        link is written through.
    layer
        GeoPackage layer name (default: the file's stem).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    marsgeo.errors.InputError
        ``path`` is not a file path or has an unknown extension; ``data`` is not a table, a
        table without geometry for a geo format, infinite numbers for GeoJSON, or a bad
        ``layer``.
    marsgeo.errors.CRSError
        Geodata without a Mars CRS.
    marsgeo.errors.DataFileError
        The file cannot be written: the folder does not exist, no permission, a read-only
        file system, a full disk (the message names the path and a fix).
    """
    target = check_output(path)
    suffix = target.suffix.lower()
    if not isinstance(data, pd.DataFrame):
        msg = f"data must be a DataFrame or GeoDataFrame, got {type(data).__name__}."
        raise InputError(msg)
    if layer is not None and (not isinstance(layer, str) or not layer.strip()):
        msg = f"layer={layer!r} must be a non-empty text (a GeoPackage layer name) or None."
        raise InputError(msg)
    if layer is not None and suffix != ".gpkg":
        msg = f"layer={layer!r} applies to GeoPackage only; drop it or write a .gpkg file."
        raise InputError(msg)
    geo = isinstance(data, gpd.GeoDataFrame)
    if geo:
        _check_geodata(data)
        require_mars_crs(data, name="data")
    elif suffix != ".csv":
        msg = f"data has no geometry; write it as CSV (path ending .csv), not {suffix}."
        raise InputError(msg)
    text = geojson_text(data) if suffix == ".geojson" else None
    try:
        with atomic_target(path, example=f"out{suffix}") as tmp:
            if text is not None:
                tmp.write_text(text, encoding="utf-8", newline="")
            elif suffix == ".csv":
                if geo:
                    mars = to_mars_geographic(data)
                    frame = pd.DataFrame(mars.drop(columns=mars.geometry.name))
                    with np.errstate(invalid="ignore"):  # NaN coordinates stay NaN
                        where = gpd.GeoSeries(mars.geometry).representative_point()
                    frame["lon"] = where.x.to_numpy()
                    frame["lat"] = where.y.to_numpy()
                    # full precision (the default rounds to 1e-6 deg, 6 cm on Mars)
                    frame["geometry_wkt"] = (
                        gpd.GeoSeries(mars.geometry).to_wkt(rounding_precision=-1).to_numpy()
                    )
                else:
                    frame = data
                text = csv_text(frame, index=frame.index.name is not None)
                tmp.write_text(text, encoding="utf-8", newline="")
            else:
                # GeoPackage and FlatGeobuf store UTC datetimes natively
                out = index_as_columns(data) if data.index.name is not None else data
                # FlatGeobuf's spatial index would reorder rows: keep catalogue (drop) order
                kwargs: dict[str, Any] = (
                    {"layer": layer or target.stem}
                    if suffix == ".gpkg"
                    else {"SPATIAL_INDEX": "NO"}
                )
                gpd.GeoDataFrame(out, geometry=data.geometry.name, crs=data.crs).to_file(
                    tmp, driver=FORMATS[suffix], **kwargs
                )
    except UnicodeEncodeError as exc:
        raise _text_problem(exc, path) from exc
    return target
