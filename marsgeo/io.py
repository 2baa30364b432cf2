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
``.kml``       KML in Mars planetocentric longitude/latitude (``IAU_2015:49900``
               values), its root ``<kml>`` element marked ``hint="target=mars"`` so that
               Google Earth shows it on Mars. KML has no CRS: the hint names the body, and
               the coordinates are Mars degrees (a reader that assumes Earth places them
               at the same numbers on Earth). Times are written as ISO 8601 text.
``.shp``       ESRI Shapefile, in the data's own Mars CRS (its ``.prj`` names the Mars
               datum and sphere; :func:`marsgeo.read_tubes` reads it back as Mars). Field
               names are cut to the format's 10 characters and made unique, as
               :func:`shapefile_field_names` says (``sample_type_detail`` becomes
               ``sample_t_1``); texts longer than 254 bytes are cut to their first 254
               bytes, as :func:`shapefile_cut_texts` lists; times are written as ISO 8601
               text. One geometry type per file: mixed points and lines are refused
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

Every writer refuses, before anything is written, a table the format cannot hold, naming
the columns and the fix: columns with several header levels (a MultiIndex), column names
that repeat as written (GeoPackage ignores case), column names that are not text (GPKG and
FlatGeobuf; JSON also takes whole numbers, written as text), and for GPKG, FlatGeobuf and
GeoJSON durations (``timedelta64``: convert them to seconds) and geometries besides the active
one. GeoJSON and JSON also refuse values JSON has no form for (e.g. complex numbers), naming
their columns.

Integer columns with missing values (pandas ``Int64``, e.g. the catalogue's
``sample_number``) are written to GPKG and FlatGeobuf as integer fields with nulls; geopandas
reads such a field back as ``float64`` with NaN (``gpd.read_file(path, use_arrow=True)``, or
``.astype("Int64")`` after reading, gives integers again).

Files are written atomically (a temporary file, then a rename): a failed write leaves the
old file as it was. A Shapefile is several files (``.shp``, ``.shx``, ``.dbf``, ``.prj``,
``.cpg``): all are written in a private temporary folder beside the target, then each is
renamed into place, the ``.shp`` last. A failure while writing (bad data, a full disk) leaves
the old files as they were; only a crash between the renames (which need no space) can leave
new companions beside the old ``.shp``. Companions of an old Shapefile that the new one does
not have (a spatial index ``.qix``, ``.sbn``, ``.sbx``) are removed, as they would no
longer match it. A system error (no permission, disk full, read-only file system)
becomes a :class:`marsgeo.errors.DataFileError` naming the path and a fix, as does an error
of the GDAL driver (its words, and a fix for the data). A target that is a symbolic link is
written through (the file it points to is replaced; the link is kept); a link to nothing is
refused.
Read the files back with :func:`marsgeo.read_tubes` or :func:`marsgeo.read_outline`, or with
geopandas.
"""

from __future__ import annotations

import json
import math
import os
import re
import uuid
import warnings
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from marsgeo._atomic import atomic_target, check_target, driver_error, file_path
from marsgeo.crs import require_mars_crs, to_mars_geographic
from marsgeo.errors import InputError, MarsGeoError, raise_collected

if TYPE_CHECKING:
    from marsgeo.typing import PathLike, ShapeFrame

__all__ = [
    "FORMATS",
    "KML_HINT",
    "SHAPEFILE_NAME_BYTES",
    "SHAPEFILE_TEXT_BYTES",
    "TIMESPECS",
    "check_output",
    "csv_text",
    "export",
    "geojson_text",
    "index_as_columns",
    "json_records_text",
    "plain_values",
    "shapefile_cut_texts",
    "shapefile_field_names",
]

#: File extensions :func:`export` writes, and the format of each.
FORMATS = {
    ".gpkg": "GPKG",
    ".fgb": "FlatGeobuf",
    ".geojson": "GeoJSON",
    ".csv": "CSV",
    ".kml": "KML",
    ".shp": "ESRI Shapefile",
}
#: The ``hint`` attribute of the root ``<kml>`` element of KML files: the body they are on.
KML_HINT = "target=mars"
#: Longest field name a Shapefile (dBASE) holds, in bytes.
SHAPEFILE_NAME_BYTES = 10
#: Longest text a Shapefile (dBASE) field holds, in bytes.
SHAPEFILE_TEXT_BYTES = 254
# files a Shapefile may have beside its .shp
_SHAPEFILE_COMPANIONS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qpj")
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


#: Formats whose fields GDAL types strictly (text names, int64 at most).
_GIS_FORMATS = ("GPKG", "FlatGeobuf", "ESRI Shapefile")


def _name_problems(columns: pd.Index, *, fmt: str) -> list[str]:
    """List what in the column names ``fmt`` cannot hold: names not text, names repeated."""
    problems = []
    gis = fmt in _GIS_FORMATS

    def named(name: Any) -> bool:
        if isinstance(name, str) or fmt == "CSV":
            return True
        whole = isinstance(name, (int, np.integer)) and not isinstance(name, (bool, np.bool_))
        return whole and fmt in ("JSON", "GeoJSON")

    odd = [name for name in columns if not named(name)]
    if odd:
        needs = "text" if gis else "text or whole numbers"
        problems.append(
            f"column names {odd!r} are not text, which {fmt} needs ({needs}); rename them, "
            "e.g. frame.rename(columns=str)."
        )
    # the names as the file holds them: GeoPackage (SQLite) takes 'notes' and 'Notes' as one
    same: dict[str, list[Any]] = {}
    for name in columns:
        written = str(name).casefold() if fmt == "GPKG" else str(name)
        same.setdefault(written, []).append(name)
    repeated = [names for names in same.values() if len(names) > 1]
    if repeated:
        case = " (GeoPackage column names ignore case)" if fmt == "GPKG" else ""
        shown = "; ".join(", ".join(repr(n) for n in names) for names in repeated)
        problems.append(
            f"columns {shown} have the same name in {fmt}{case}; rename or drop all but one "
            "of each, e.g. frame.rename(columns={...}) or frame.drop(columns=...)."
        )
    return problems


def _column_problems(frame: pd.DataFrame, *, fmt: str, geometry: Any = None) -> list[str]:
    """List what in a table's columns the format ``fmt`` cannot hold, one sentence each.

    ``fmt`` is a value of :data:`FORMATS` or ``"JSON"``; ``geometry`` names the active
    geometry column, if any.
    """
    columns = frame.columns
    if isinstance(columns, pd.MultiIndex):
        return [
            f"the columns have {columns.nlevels} header levels (a MultiIndex, e.g. "
            f"{columns[0]!r}), which {fmt} cannot hold; flatten them first, e.g. "
            "frame.columns = ['_'.join(map(str, c)) for c in frame.columns]."
        ]
    problems = _name_problems(columns, fmt=fmt)
    gis = fmt in _GIS_FORMATS
    if fmt == "CSV" or fmt == "JSON":
        return problems
    durations, geometries, numbers = [], [], []
    for i, (name, dtype) in enumerate(zip(columns, frame.dtypes, strict=True)):
        if pd.api.types.is_timedelta64_dtype(dtype):
            durations.append(name)
        elif isinstance(dtype, gpd.array.GeometryDtype) and name != geometry:
            geometries.append(name)
        elif gis and isinstance(dtype, np.dtype) and _unstorable(dtype, frame.iloc[:, i]):
            numbers.append(f"{name!r} ({dtype})")
    if durations:
        problems.append(
            f"columns {durations!r} hold durations (timedelta64), which {fmt} cannot store; "
            "convert them to seconds: df[col].dt.total_seconds() (named e.g. 'duration_s')."
        )
    if geometries:
        problems.append(
            f"columns {geometries!r} hold geometries besides the active one "
            f"({geometry!r}), which {fmt} cannot store; write them as text, "
            "df[col] = df[col].to_wkt(), or drop them."
        )
    if numbers:
        problems.append(
            f"columns {', '.join(numbers)} hold numbers {fmt} cannot store (complex, float16, "
            "or whole numbers above 2**63 - 1); convert them, e.g. df[col].astype(float) "
            "or df[col].astype(str)."
        )
    return problems


def _unstorable(dtype: np.dtype[Any], values: pd.Series[Any]) -> bool:
    """Whether GDAL's vector formats cannot store these numbers (their fields hold int64)."""
    if dtype.kind == "c" or dtype == np.float16:
        return True
    return dtype == np.uint64 and bool((values.to_numpy() > np.iinfo(np.int64).max).any())


def _check_columns(frame: pd.DataFrame, *, fmt: str, geometry: Any = None) -> None:
    """Refuse a table whose columns ``fmt`` cannot hold (see :func:`_column_problems`)."""
    raise_collected(
        InputError, _column_problems(frame, fmt=fmt, geometry=geometry), what=f"data ({fmt})"
    )


def check_output(path: PathLike, *, extensions: Collection[str] = tuple(FORMATS)) -> Path:
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
    >>> check_output("depot.xlsx")
    Traceback (most recent call last):
    ...
    marsgeo.errors.InputError: path='depot.xlsx': unknown extension '.xlsx'; use one of ...
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
    for i, dtype in enumerate(out.dtypes):  # by position: column names may repeat
        if pd.api.types.is_datetime64_any_dtype(dtype):
            times = out.iloc[:, i]
            text = [None if pd.isna(t) else t.isoformat(timespec=timespec) for t in times]
            column: Any = pd.Series(text, index=out.index, dtype=object)  # None stays None
            out.isetitem(i, column)
    return out


def _rows(index: pd.Index, mask: Any, limit: int = 5) -> str:
    ids = [repr(v.item() if hasattr(v, "item") else v) for v in index[np.asarray(mask)][:limit]]
    more = int(np.count_nonzero(mask)) - len(ids)
    return ", ".join(ids) + (f" and {more} more" if more > 0 else "")


def _infinite_values(frame: pd.DataFrame, *, what: str) -> None:
    """Refuse infinite numbers, which JSON (RFC 8259) cannot hold."""
    problems = []
    for i, col in enumerate(frame.columns):
        values = frame.iloc[:, i]
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
    msg = f"{type(value).__name__} values"
    raise TypeError(msg)


def _dumps(doc: Any, *, table: pd.DataFrame) -> str:
    """Return ``doc`` as JSON; name the columns of ``table`` (its source) JSON cannot hold."""
    try:
        return json.dumps(doc, ensure_ascii=False, default=_json_default, allow_nan=False)
    except (TypeError, ValueError) as exc:
        problems = []
        for i, col in enumerate(table.columns):
            try:
                json.dumps(
                    _json_ready(list(table.iloc[:, i])), default=_json_default, allow_nan=False
                )
            except (TypeError, ValueError) as bad:
                problems.append(f"{col!r} ({bad})")
        where = f"columns {', '.join(problems)}" if problems else f"values ({exc})"
        msg = (
            f"data: {where} cannot be written as JSON (RFC 8259); convert them to text or "
            "numbers first, e.g. df[col].astype(str), or write CSV."
        )
        raise InputError(msg) from exc


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
        ``data`` is not a GeoDataFrame, has infinite values or non-finite coordinates, or
        columns GeoJSON cannot hold (see the module's documentation).
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
    geometry = data.geometry.name
    named_index = any(n is not None for n in data.index.names)
    flat = index_as_columns(data) if named_index else data.reset_index(drop=True)
    _check_columns(flat, fmt="GeoJSON", geometry=geometry)
    # rows are named by the index they have in ``data``
    _infinite_values(pd.DataFrame(data.drop(columns=geometry)), what="data")
    _finite_geometry(data.geometry, what="data")
    mars: Any = plain_values(to_mars_geographic(flat))
    doc: dict[str, Any] = mars.to_geo_dict(na="null", drop_id=True)
    for feature in doc["features"]:
        feature["properties"] = _json_ready(feature["properties"])
    doc["crs"] = {"type": "name", "properties": {"name": "IAU_2015:49900"}}
    return _dumps(doc, table=pd.DataFrame(mars.drop(columns=geometry)))


def json_records_text(frame: pd.DataFrame, *, index: bool = False) -> str:
    """Return a table as a JSON array of records (one object per row), RFC 8259 clean.

    Missing values are ``null``, times ISO 8601 text with all their digits, durations ISO
    8601 durations, numbers in full precision; infinite numbers are refused, naming their
    column and rows.

    Parameters
    ----------
    frame
        The table; it is not modified.
    index
        Write the index as the first field(s) of each record.

    Returns
    -------
    str

    Raises
    ------
    marsgeo.errors.InputError
        ``frame`` is not a table, has infinite numbers, values JSON cannot hold, column
        names that repeat or are neither text nor whole numbers, or several header levels.

    Examples
    --------
    >>> json_records_text(pd.DataFrame({"d": [1.5, float("nan")]}))
    '[{"d": 1.5}, {"d": null}]'
    """
    table = _table(frame)
    flat = index_as_columns(table) if _flag(index, name="index") else table
    _check_columns(flat, fmt="JSON")
    _infinite_values(table, what="data")
    plain = plain_values(flat)
    records = [
        _json_ready(dict(zip(plain.columns, row, strict=True)))
        for row in plain.itertuples(index=False, name=None)
    ]
    return _dumps(records, table=plain)


def _empty_text_cells(frame: pd.DataFrame) -> Iterator[tuple[int, Any]]:
    for i, dtype in enumerate(frame.dtypes):
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            values = frame.iloc[:, i]
            mask = np.array([isinstance(v, str) and v == "" for v in values], dtype=bool)
            if mask.any():
                yield i, mask


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

    Raises
    ------
    marsgeo.errors.InputError
        ``frame`` is not a table, has column names that repeat (as written) or several
        header levels.

    Examples
    --------
    >>> print(csv_text(pd.DataFrame({"note": ["", None, "a,b"], "n": [1, 2, 3]})), end="")
    note,n
    "",1
    ,2
    "a,b",3
    """
    table = _table(frame)
    flat = index_as_columns(table) if _flag(index, name="index") else table
    _check_columns(flat, fmt="CSV")
    plain = plain_values(flat)
    empty = list(_empty_text_cells(plain))
    token = ""
    if empty:
        # a word the CSV writer leaves unquoted, found nowhere else: then replaced by ""
        token = f"marsgeo{uuid.uuid4().hex}"
        plain = plain.copy()
        for i, mask in empty:
            column: Any = plain.iloc[:, i].astype(object).where(~mask, token)
            plain.isetitem(i, column)
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


def export(data: ShapeFrame | pd.DataFrame, path: PathLike, *, layer: str | None = None) -> Path:
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
    fmt = FORMATS[suffix]
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
    named_index = any(n is not None for n in data.index.names)
    if suffix in (".kml", ".shp"):
        return _export_kml_or_shapefile(data, path, target, named_index=named_index)
    payload: bytes | None = None
    try:
        if suffix == ".geojson":
            payload = geojson_text(data).encode("utf-8")
        elif suffix == ".csv":
            frame = _csv_table(data) if geo else data
            payload = csv_text(frame, index=named_index).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _text_problem(exc, path) from exc
    kwargs: dict[str, Any] = {}
    if payload is None:
        # GeoPackage and FlatGeobuf store UTC datetimes natively
        out = index_as_columns(data) if named_index else data
        problems = _column_problems(out, fmt=fmt, geometry=data.geometry.name)
        if suffix == ".gpkg":
            kwargs["layer"] = layer or target.stem
            problems += _layer_problems(kwargs["layer"], given=layer is not None)
        else:  # FlatGeobuf's spatial index would reorder rows: keep catalogue (drop) order
            kwargs["SPATIAL_INDEX"] = "NO"
        raise_collected(InputError, problems, what=f"data ({fmt})")
        gis = gpd.GeoDataFrame(out, geometry=data.geometry.name, crs=data.crs)
    with atomic_target(path, example=f"out{suffix}") as tmp:
        if payload is not None:
            tmp.write_bytes(payload)
        else:
            _write_with_driver(gis, tmp, driver=fmt, path=path, **kwargs)
    return target


def _cut_bytes(text: str, limit: int) -> str:
    """Return the longest start of ``text`` whose UTF-8 takes at most ``limit`` bytes."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def shapefile_field_names(columns: Iterable[Any]) -> dict[str, str]:
    """Return the field name a Shapefile gets for each column name.

    A Shapefile's attribute table (dBASE) holds field names of at most
    :data:`SHAPEFILE_NAME_BYTES` (10) bytes, and tells no names apart that differ only by
    case. Names that fit are kept as they are; longer ones are cut to 10 bytes (whole
    characters); a cut name that would repeat another ends in ``_1``, ``_2``, ... instead.
    :func:`export` writes a ``.shp`` with these names; the command line prints the names it
    changed.

    Parameters
    ----------
    columns
        The column names, in order (the index's name first, as :func:`export` writes it).

    Returns
    -------
    dict
        Each column name (as text) -> its field name, in the order given.

    Examples
    --------
    >>> shapefile_field_names(["sample_type", "sample_type_confidence", "lon"])
    {'sample_type': 'sample_typ', 'sample_type_confidence': 'sample_t_1', 'lon': 'lon'}
    """
    if isinstance(columns, (str, bytes)) or not isinstance(columns, Iterable):
        msg = (
            f"columns={columns!r} must be the column names, e.g. frame.columns or "
            "['tube_id', 'sample_type']."
        )
        raise InputError(msg)
    names = [str(c) for c in columns]
    used = {n.casefold() for n in names if len(n.encode("utf-8")) <= SHAPEFILE_NAME_BYTES}
    out: dict[str, str] = {}
    for name in names:
        if len(name.encode("utf-8")) <= SHAPEFILE_NAME_BYTES:
            out[name] = name
            continue
        field = _cut_bytes(name, SHAPEFILE_NAME_BYTES)
        k = 0
        while field.casefold() in used:
            k += 1
            suffix = f"_{k}"
            field = _cut_bytes(name, SHAPEFILE_NAME_BYTES - len(suffix)) + suffix
        used.add(field.casefold())
        out[name] = field
    return out


def _geometry_families(geoms: gpd.GeoSeries) -> list[str]:
    """List the Shapefile geometry types the shapes need (a Shapefile holds one)."""
    family = {
        "Point": "Point",
        "MultiPoint": "MultiPoint",
        "LineString": "LineString",
        "MultiLineString": "LineString",
        "LinearRing": "LineString",
        "Polygon": "Polygon",
        "MultiPolygon": "Polygon",
    }
    kinds = {str(k) for k in geoms.geom_type.dropna()}
    return sorted({family.get(k, k) for k in kinds})


def _long_text_masks(frame: pd.DataFrame) -> list[tuple[int, npt.NDArray[np.bool_]]]:
    """Positions of the columns with texts longer than a Shapefile holds, and their rows."""
    found = []
    for i in range(frame.shape[1]):
        values = frame.iloc[:, i]
        if isinstance(values.dtype, gpd.array.GeometryDtype):
            continue
        long = np.array(
            [isinstance(v, str) and len(v.encode("utf-8")) > SHAPEFILE_TEXT_BYTES for v in values],
            dtype=bool,
        )
        if long.any():
            found.append((i, long))
    return found


def shapefile_cut_texts(data: pd.DataFrame) -> dict[str, list[Any]]:
    """Return the texts a Shapefile cannot hold whole: column name -> row labels.

    A Shapefile's attribute table (dBASE) holds at most :data:`SHAPEFILE_TEXT_BYTES` (254)
    bytes of text a field; :func:`export` cuts longer texts to their first 254 bytes (whole
    characters). The command line prints what it cut; write GeoPackage, FlatGeobuf or
    GeoJSON to keep such texts whole.

    Parameters
    ----------
    data
        The table to write; it is not modified.

    Returns
    -------
    dict
        Each column (as text) with texts longer than 254 bytes -> the labels of those rows;
        empty when every text fits.

    Examples
    --------
    >>> shapefile_cut_texts(pd.DataFrame({"note": ["short", "x" * 300]}))
    {'note': [1]}
    """
    table = _table(data, name="data")
    return {
        str(table.columns[i]): [_plain(v) for v in table.index[long]]
        for i, long in _long_text_masks(table)
    }


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _cut_long_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """Cut texts to the Shapefile's 254 bytes (see :func:`shapefile_cut_texts`)."""
    out = frame
    for i, long in _long_text_masks(frame):
        if out is frame:
            out = frame.copy()
        values = frame.iloc[:, i]
        shortened = [
            _cut_bytes(v, SHAPEFILE_TEXT_BYTES) if m else v
            for v, m in zip(values, long, strict=True)
        ]
        column: Any = pd.Series(shortened, index=frame.index, dtype=object)
        out.isetitem(i, column)
    return out


def _export_kml_or_shapefile(
    data: gpd.GeoDataFrame, path: Any, target: Path, *, named_index: bool
) -> Path:
    """Write KML (Mars lon/lat, hint ``target=mars``) or a Shapefile (the data's Mars CRS)."""
    kml = target.suffix.lower() == ".kml"
    fmt = "KML" if kml else "ESRI Shapefile"
    source = to_mars_geographic(data) if kml else data
    out = index_as_columns(source) if named_index else source
    geometry = data.geometry.name
    problems = _column_problems(out, fmt=fmt, geometry=geometry)
    if not kml:
        families = _geometry_families(gpd.GeoSeries(data.geometry))
        if len(families) > 1:
            problems.append(
                f"the shapes are of several kinds ({', '.join(families)}), and a Shapefile "
                "holds one; write .gpkg, .fgb or .geojson, or one Shapefile per kind "
                "(e.g. data[data.geom_type == 'Point'])."
            )
    raise_collected(InputError, problems, what=f"data ({fmt})")
    # datetimes as ISO 8601 text: KML has no datetime field, a Shapefile only dates
    table = plain_values(pd.DataFrame(out.drop(columns=geometry)))
    if not kml:
        table = _cut_long_texts(table)
        table = table.rename(columns=shapefile_field_names(table.columns))
    if kml:  # KML has no CRS: Mars degrees, the body named by the hint
        gis = gpd.GeoDataFrame(table, geometry=list(out.geometry))
    else:
        gis = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(out.geometry).values, crs=data.crs)
    with atomic_target(path, example=f"out{target.suffix.lower()}") as tmp:
        with warnings.catch_warnings():
            # KML has no CRS by design: the coordinates are Mars degrees (see KML_HINT)
            warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
            _write_with_driver(gis, tmp, driver=fmt, path=path)
        if kml:
            text = tmp.read_text(encoding="utf-8")
            marked = re.sub(r"<kml\b", f'<kml hint="{KML_HINT}"', text, count=1)
            tmp.write_bytes(marked.encode("utf-8"))
        else:
            _place_companions(tmp)
    return target


def _place_companions(tmp: Path) -> None:
    """Move a Shapefile's files besides the ``.shp`` from ``tmp``'s folder to the target's.

    ``tmp`` is the ``.shp`` in the private folder of :func:`marsgeo._atomic.atomic_target`,
    which sits in the target's folder and moves the ``.shp`` itself last. Companions of an
    old Shapefile that the new one lacks are removed.
    """
    folder = tmp.parent.parent
    written = [f for f in tmp.parent.iterdir() if f.name != tmp.name]
    for f in written:
        fd = os.open(f, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for f in written:
        os.replace(f, folder / f.name)
    have = {f.name for f in written}
    for ext in _SHAPEFILE_COMPANIONS:
        for name in (tmp.stem + ext, tmp.stem + ext.upper()):
            old = folder / name
            if name not in have and old.is_file() and not old.is_symlink():
                old.unlink()


def _csv_table(data: gpd.GeoDataFrame) -> pd.DataFrame:
    """Geodata as a table: Mars ``lon`` and ``lat`` of each shape, and its WKT."""
    mars = to_mars_geographic(data)
    frame = pd.DataFrame(mars.drop(columns=mars.geometry.name))
    with np.errstate(invalid="ignore"):  # NaN coordinates stay NaN
        where = gpd.GeoSeries(mars.geometry).representative_point()
    frame["lon"] = where.x.to_numpy()
    frame["lat"] = where.y.to_numpy()
    # full precision (the default rounds to 1e-6 deg, 6 cm on Mars)
    frame["geometry_wkt"] = gpd.GeoSeries(mars.geometry).to_wkt(rounding_precision=-1).to_numpy()
    return frame


def _layer_problems(layer: str, *, given: bool) -> list[str]:
    """Refuse a GeoPackage layer name the format keeps for its own tables."""
    what = f"layer={layer!r}" if given else f"the layer name {layer!r} (the file's stem)"
    if layer.startswith("gpkg") or layer.casefold().startswith("sqlite_"):
        start = "gpkg" if layer.startswith("gpkg") else layer[:7]
        return [
            f"{what} begins with {start!r}, which GeoPackage keeps for its own tables; "
            "pass another layer name, e.g. layer='tubes'."
        ]
    return []


def _write_with_driver(
    gis: gpd.GeoDataFrame, tmp: Path, *, driver: str, path: Any, **kwargs: Any
) -> None:
    """Write ``gis`` with a GDAL driver; any error the driver raises becomes marsgeo's."""
    try:
        gis.to_file(tmp, driver=driver, **kwargs)
    except (MarsGeoError, OSError, MemoryError):
        raise  # the file system's errors are named by atomic_target
    except UnicodeEncodeError as exc:
        raise _text_problem(exc, path) from exc
    except Exception as exc:  # pyogrio also raises builtins (NotImplementedError, ...)
        raise driver_error(exc, path) from exc
