"""Reading users' files: path checks, CSV tables and vector files (private).

Every refusal names the path and the fix: a missing file, a symbolic link loop, a folder, a
file that cannot be opened or is not text, a CSV whose lines do not match its header, a
vector file GDAL cannot read or that holds several layers. GDAL and pyogrio warnings never
reach the user: those that mean data would be lost or misread become errors.
"""

from __future__ import annotations

import csv
import errno
import io
import math
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyogrio
import pyogrio.errors
import pyproj

from marsgeo._validate import check_shapes
from marsgeo.crs import as_crs, body_of, require_mars_crs
from marsgeo.errors import CRSError, DataFileError, InputError, MarsGeoError

PathLike = str | os.PathLike[str]

#: Separators a CSV table may use; the header line decides which one a file uses.
CSV_SEPARATORS = (",", ";", "\t", "|")
_SEPARATOR_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
# cell patterns, matched against the stripped text of a cell
# a whole number ("653", "-7"), read exactly as an integer
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
# a number with more than one leading digit that begins with 0 ("007", "-01.5"): a code
_LEADING_ZERO = re.compile(r"[+-]?0[0-9]")
# a number written with a decimal point ("77.40", ".5", "1.5e3")
_POINT_NUMBER = re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
# a number that may be written with a decimal comma ("77,40", "653"), in a file not
# separated by commas
_COMMA_NUMBER = re.compile(r"[+-]?[0-9]+(,[0-9]+)?([eE][+-]?[0-9]+)?")
# a number as a person writes it, with a decimal point if any ("77.4", "077.40", "-1e3")
_NUMBER_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
# infinity, the only text that may read as an infinite number
_INFINITY = re.compile(r"[+-]?inf(inity)?", re.IGNORECASE)
# an ISO 8601 date and time ("2022-12-21T17:15:36.123456+00:00"), with or without a zone
_DATETIME_TEXT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
    r"(?P<zone>Z|[+-][0-9]{2}(:?[0-9]{2})?)?"
)


def _shown(path: Any) -> str:
    return repr(os.fspath(path)) if isinstance(path, (str, os.PathLike)) else repr(path)


def existing_file(path: Any, *, name: str = "path") -> Path:
    """Return ``path`` as a Path, or raise if it is not a file that can be opened for reading.

    Raises InputError for a value that is not a path, DataFileError (naming the path and the
    fix) for a missing file, a dangling symbolic link, a symbolic link loop, a folder, a
    device, a path that is too long, or a file that cannot be opened (permissions).
    """
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        msg = f"{name}={path!r} is not a file path; pass a str or pathlib.Path."
        raise InputError(msg)
    shown = _shown(path)
    try:
        p = Path(path)
    except TypeError:  # an os.PathLike that gives bytes
        msg = f"{name}={path!r} is not a file path; pass a str or pathlib.Path."
        raise InputError(msg) from None
    if str(path) == "":
        msg = f"{name} is empty; pass the path of a file."
        raise InputError(msg)
    if "\x00" in str(p):
        msg = f"{name}={shown} contains a NUL character; pass the path of a file."
        raise InputError(msg)
    try:
        st = p.stat()
    except OSError as exc:
        raise _stat_error(p, exc, name=name, shown=shown) from None
    if p.is_dir():
        msg = f"{name}={shown} is a folder, not a file; pass the path of a file in it."
        raise DataFileError(msg)
    if not p.is_file():
        msg = (
            f"{name}={shown} is not a regular file (mode {st.st_mode:o}: a device, pipe or "
            "socket); pass the path of a file."
        )
        raise DataFileError(msg)
    try:
        with p.open("rb") as f:
            f.read(1)
    except OSError as exc:
        raise _open_error(p, exc, name=name, shown=shown) from None
    return p


def _stat_error(p: Path, exc: OSError, *, name: str, shown: str) -> DataFileError:
    if exc.errno == errno.ELOOP:
        msg = (
            f"{name}={shown} is a symbolic link loop: following its links leads back to "
            "itself; point the link at the file, or pass the file's own path."
        )
    elif exc.errno == errno.ENOENT:
        if p.is_symlink():
            target = os.readlink(p)
            msg = (
                f"{name}={shown} is a symbolic link to {target!r}, which does not exist; "
                "fix the link or pass the file's own path."
            )
        else:
            msg = f"{name}={shown} does not exist; check the path."
    elif exc.errno == errno.ENOTDIR:
        msg = f"{name}={shown} does not exist: part of the path is a file, not a folder."
    elif exc.errno == errno.EACCES:
        msg = (
            f"{name}={shown} cannot be reached: permission denied on a folder of the path; "
            "check the folders' permissions."
        )
    elif exc.errno == errno.ENAMETOOLONG:
        msg = f"{name}={shown} is too long a path for this system; shorten it."
    else:
        msg = f"{name}={shown} cannot be used ({exc.strerror or exc}); check the path."
    return DataFileError(msg)


def _open_error(p: Path, exc: OSError, *, name: str, shown: str) -> DataFileError:
    if isinstance(exc, PermissionError):
        msg = (
            f"{name}={shown} cannot be opened: permission denied; give yourself read "
            "permission (e.g. chmod u+r) or copy the file somewhere readable."
        )
    else:
        msg = f"{name}={shown} cannot be read ({exc.strerror or exc}); check the file."
    return DataFileError(msg)


def _read_bytes(p: Path, *, name: str = "path") -> bytes:
    try:
        return p.read_bytes()
    except OSError as exc:
        raise _open_error(p, exc, name=name, shown=_shown(p)) from None


# --- CSV tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read as a table: typed columns, raw text, and where each row came from."""

    #: Typed columns (see :func:`read_csv_table`): booleans, whole numbers, numbers, dates
    #: and times, or text as written (an empty cell of a text column is an empty string).
    frame: pd.DataFrame
    #: The cells exactly as written (strings; an empty cell is "").
    raw: pd.DataFrame
    #: The file line on which each row starts (1 is the header).
    lines: list[int]
    #: The separator the file uses.
    sep: str


def _separator(header: str, *, default: str) -> str:
    """Pick the separator that splits the header line into the most column names."""
    counts = {sep: len(next(csv.reader([header], delimiter=sep), [])) for sep in CSV_SEPARATORS}
    best = max(counts.values())
    if counts.get(default) == best:
        return default
    return next(sep for sep in CSV_SEPARATORS if counts[sep] == best)


def read_csv_table(path: Path, *, default_sep: str = ",") -> CsvTable:
    """Read a CSV (or tab-, semicolon- or bar-separated) file into a table.

    The separator is the one that splits the header line into the most names (``default_sep``
    on a tie), so semicolon and tab files read as they are. Every line must have one value
    per column of the header: lines with more or fewer are reported by number.

    Each column gets one type, from all its cells; an empty cell (or ``NaN``, ``NA``,
    ``null``, ``None``) of a typed column is missing:

    - ``true`` / ``false`` (any case): ``bool``, or ``boolean`` with ``<NA>`` where missing;
    - whole numbers: read exactly (not through a float) as ``int64``, or ``Int64`` with
      ``<NA>`` where missing;
    - numbers: ``float64`` with NaN where missing. In a file separated by ``;``, tabs or
      ``|``, a column whose numbers are written with a decimal comma (``77,40``) is read as
      numbers, unless some column of the file writes numbers with a decimal point;
    - ISO 8601 dates and times (``2022-12-21T17:15:36.123456Z``): timezone-aware UTC if every
      cell gives a zone, naive if none does;
    - anything else is text, kept as written, an empty cell as an empty string. So is a
      column that a type would change: codes with leading zeros (``007``), whole numbers
      beyond 64 bits or beyond what a float holds exactly, numbers too large for a float,
      dates alone (``2022-12-21``), times with and without zones mixed.

    Raises
    ------
    marsgeo.errors.DataFileError
        Unreadable, binary or non-UTF-8 file; no header; ragged lines; repeated column names.
    """
    shown = _shown(path)
    data = _read_bytes(path)
    if b"\x00" in data[:65536]:
        msg = (
            f"path={shown} is a binary file, not CSV text; pass a CSV file (or a GeoPackage, "
            "GeoJSON, FlatGeobuf or Shapefile with its own extension)."
        )
        raise DataFileError(msg)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = (
            f"path={shown} is not UTF-8 text (byte 0x{data[exc.start]:02x} at position "
            f"{exc.start}); save it as UTF-8 CSV."
        )
        raise DataFileError(msg) from None
    header_line = next((line for line in text.splitlines() if line.strip()), None)
    if header_line is None:
        msg = (
            f"path={shown} is empty; a catalogue starts with a header line naming its columns, "
            "such as tube_id,lon,lat."
        )
        raise DataFileError(msg)
    sep = _separator(header_line, default=default_sep)
    header, records, lines = _records(text, sep, shown=shown)
    if len(header) < 2:
        msg = (
            f"path={shown} does not look like a CSV table: its first line {header_line!r} has "
            "no ',', ';' or tab between column names. A catalogue starts with a header line "
            "such as tube_id,lon,lat."
        )
        raise DataFileError(msg)
    ragged = [
        (line, len(r)) for line, r in zip(lines, records, strict=True) if len(r) != len(header)
    ]
    if ragged:
        where = ", ".join(f"{line} ({n} fields)" for line, n in ragged[:5])
        more = f" and {len(ragged) - 5} more" if len(ragged) > 5 else ""
        msg = (
            f"path={shown}: lines {where}{more} do not have one value per column: the header "
            f"(line 1) has {len(header)} columns, separated by {_SEPARATOR_NAMES[sep]}. Give "
            f"every line {len(header)} values, quoting values that hold the separator."
        )
        raise DataFileError(msg)
    names = [h.strip() or f"Unnamed: {k}" for k, h in enumerate(header)]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        msg = f"path={shown} names columns {repeated} more than once; rename the repeats."
        raise DataFileError(msg)
    raw = pd.DataFrame(records, columns=names, dtype=object) if records else None
    if raw is None:
        raw = pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
    commas = _decimal_comma_columns(raw, sep)
    frame = pd.DataFrame(
        {n: _typed(raw[n], decimal_comma=n in commas) for n in names}, index=raw.index
    )
    return CsvTable(frame=frame, raw=raw, lines=lines, sep=sep)


def _records(text: str, sep: str, *, shown: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Split CSV text into the header, the records and the line each record starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    try:
        while True:
            start = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # a blank line
            if header is None:
                header = record
                continue
            records.append(record)
            lines.append(start)
    except csv.Error as exc:
        msg = f"path={shown} cannot be read as CSV (line {reader.line_num}: {exc}); fix the file."
        raise DataFileError(msg) from None
    assert header is not None
    return header, records, lines


_MISSING_NUMBER = {"", "nan", "na", "n/a", "null", "none", "-nan"}
_BOOLEANS = {"true": True, "false": False}


def _filled(cells: pd.Series) -> pd.Series:
    """Give the stripped text of the cells that hold a value (not empty, NA, NaN, null, ...)."""
    stripped = cells.astype(str).str.strip()
    return stripped[~stripped.str.lower().isin(_MISSING_NUMBER)]


def _decimal_comma_columns(raw: pd.DataFrame, sep: str) -> set[str]:
    """Find the columns whose numbers are written with a decimal comma ("77,40").

    Only in a file not separated by commas, and only a column whose filled cells are all
    numbers, at least one with a comma; and not at all in a file that writes numbers with a
    decimal point in some column, where "1,234" may as well be a thousand and more.
    """
    if sep == ",":
        return set()
    found = set()
    for col in raw.columns:
        filled = _filled(raw[col])
        if filled.empty:
            continue
        if filled.str.fullmatch(_POINT_NUMBER.pattern).any() and (
            pd.to_numeric(filled, errors="coerce").notna().all()
        ):
            return set()  # the file writes its decimals with a point
        if (
            filled.str.fullmatch(_COMMA_NUMBER.pattern).all()
            and filled.str.contains(",", regex=False).any()
        ):
            found.add(str(col))
    return found


def _typed(cells: pd.Series, *, decimal_comma: bool) -> pd.Series:
    """Type one column of raw CSV cells; a column that is not all of one type stays text.

    Booleans (``true``/``false``; ``boolean`` with ``<NA>`` if some are missing), whole
    numbers (read exactly: ``int64``, or ``Int64`` with ``<NA>``), other numbers
    (``float64``), ISO 8601 dates and times (UTC if they give a zone), or the text as
    written. Text that a type would change is kept as text: whole numbers beyond 64 bits
    or beyond what a float holds exactly, numbers with leading zeros (codes such as
    ``007``), numbers too large for a float.
    """
    text = cells.astype(str)
    filled = _filled(cells)
    if filled.empty:
        return pd.Series(list(text), index=cells.index, dtype="str")  # no value: text
    missing = not filled.index.equals(cells.index)
    folded = filled.str.lower()
    if folded.isin(list(_BOOLEANS)).all():
        flags = pd.Series(pd.NA, index=cells.index, dtype="boolean")
        flags[filled.index] = folded.map(_BOOLEANS).astype(bool)
        return flags if missing else flags.astype(bool)
    if not filled.str.match(_LEADING_ZERO.pattern).any():
        whole = filled.str.fullmatch(_INTEGER_TEXT.pattern)
        if whole.all():
            ints = [int(v) for v in filled]
            if all(-(2**63) <= v < 2**63 for v in ints):
                # exactly, not through a float (which holds whole numbers up to 2**53 only)
                out = pd.Series(pd.NA, index=cells.index, dtype="Int64")
                out[filled.index] = pd.array(ints, dtype="Int64")
                return out if missing else out.astype("int64")
        else:
            numbers = _floats(filled, decimal_comma=decimal_comma, whole=whole)
            if numbers is not None:
                out = pd.Series(math.nan, index=cells.index, dtype=float)
                out[filled.index] = numbers
                return out
    times = _datetimes(filled)
    if times is not None:
        dtype = times.dtype
        moments = pd.Series(pd.NaT, index=cells.index, dtype=dtype)
        moments[filled.index] = times
        return moments
    return pd.Series(list(text), index=cells.index, dtype="str")


def _floats(filled: pd.Series, *, decimal_comma: bool, whole: pd.Series) -> pd.Series | None:
    """Read the cells as floats; None if one is not a number or would not read as written."""
    spelled = filled.str.replace(",", ".", regex=False) if decimal_comma else filled
    numbers = pd.to_numeric(spelled, errors="coerce")
    if numbers.isna().any():
        return None
    if (np.isinf(numbers) & ~filled.str.fullmatch(_INFINITY.pattern)).any():
        return None  # "1e400": too large for a float
    for cell, number in zip(filled[whole], numbers[whole], strict=True):
        if int(cell) != int(number):
            return None  # a whole number a float cannot hold exactly
    return numbers.astype(float)


def _datetimes(filled: pd.Series) -> pd.Series | None:
    """ISO 8601 dates and times (all with a zone: UTC; all without: naive), or None."""
    if not filled.str.fullmatch(_DATETIME_TEXT.pattern).all():
        return None  # a cell that is not a date and time
    zoned = filled.str.extract(_DATETIME_TEXT.pattern)["zone"].notna()
    if zoned.any() and not zoned.all():
        return None  # some with a zone, some without: not one kind of time
    times = pd.to_datetime(filled, format="ISO8601", utc=bool(zoned.all()), errors="coerce")
    if times.isna().any():
        return None  # e.g. 2022-02-30, or a year beyond what pandas holds
    return times


def number_cells(cells: pd.Series) -> tuple[npt.NDArray[np.float64], list[int]]:
    """Read cells of CSV text as numbers: missing cells as NaN, and where the others are not.

    A number is written in decimal with a point (``77.40``, ``-1.5e3``, ``077.4``) or is
    ``inf``; a cell that is empty, ``NA``, ``NaN``, ``null`` or ``None`` is missing.

    Returns
    -------
    tuple
        The numbers, and the positions of the cells that are neither numbers nor missing.
    """
    out = np.full(len(cells), math.nan)
    bad = []
    for k, cell in enumerate(cells.astype(str)):
        text = cell.strip()
        if text.lower() in _MISSING_NUMBER:
            continue
        if _NUMBER_TEXT.fullmatch(text) or _INFINITY.fullmatch(text):
            out[k] = float(text)
        else:
            bad.append(k)
    return out, bad


# --- vector files --------------------------------------------------------------------------------


def _layers(p: Path) -> list[tuple[str, str]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = pyogrio.list_layers(p)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        msg = f"path={_shown(p)} cannot be read as a vector file ({exc}); check the file."
        raise DataFileError(msg) from exc
    return [(str(n), str(t) if t else "no geometry") for n, t in found]


def _driver(p: Path) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return str(pyogrio.read_info(p)["driver"])
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        return None  # read_file says what is wrong


def _check_layer(layer: Any) -> None:
    if layer is not None and (isinstance(layer, bool) or not isinstance(layer, (str, int))):
        msg = f"layer={layer!r} is not a layer name or number; pass e.g. layer='tubes'."
        raise InputError(msg)


def mars_crs_argument(crs: Any) -> Any:
    """Return the Mars CRS a ``crs=`` argument names, or raise CRSError naming the value."""
    try:
        return require_mars_crs(crs)
    except MarsGeoError:
        raise
    except (TypeError, ValueError, pyproj.exceptions.CRSError) as exc:  # pyproj's own refusals
        msg = (
            f"crs={crs!r} is not a coordinate reference system; pass e.g. 'IAU_2015:49900' or "
            "marsgeo.crs.MARS_GEOGRAPHIC."
        )
        raise CRSError(msg) from exc


# the fix for a file without a Mars CRS, in the library's and the command line's words
_RELABEL = (
    "pass crs=marsgeo.crs.MARS_GEOGRAPHIC, that is crs='IAU_2015:49900' (command line: "
    "--crs IAU_2015:49900)"
)


def read_vector_raw(path: PathLike, *, crs: Any = None, layer: str | int | None = None) -> Any:
    """Read a vector file as it is: its rows, in its own Mars CRS (relabelled by ``crs``).

    ``crs`` *relabels* the data (it says what the coordinates really are); it never
    reprojects. A file labelled with an Earth CRS is refused unless ``crs`` says what it
    holds, since public Mars GeoJSON is routinely tagged CRS84. A file with several layers
    is refused unless ``layer`` names one. Coordinates are not checked here: see
    :func:`read_vector`.
    """
    _check_layer(layer)
    p = existing_file(path)
    shown = _shown(path)
    label = None if crs is None else mars_crs_argument(crs)
    layers = _layers(p)
    names = [n for n, _ in layers]
    if layer is not None and not (
        layer in names or (isinstance(layer, int) and 0 <= layer < len(names))
    ):
        have = ", ".join(repr(n) for n in names)
        msg = f"path={shown} has no layer {layer!r}; its layers are {have}."
        raise DataFileError(msg)
    if layer is None and len(layers) > 1:
        listed = ", ".join(f"{n!r} ({t})" for n, t in layers)
        msg = (
            f"path={shown} holds {len(layers)} layers: {listed}; say which to read with "
            "layer='name' (command line: --layer name)."
        )
        raise DataFileError(msg)
    # GeoJSON has no date types: GDAL guesses them from the text, turning "13:38:22" into a
    # time and "2022-12-21" into a datetime; keep text as text (validate_tubes reads the
    # columns that hold times)
    options = {"DATE_AS_STRING": "YES"} if _driver(p) == "GeoJSON" else {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            gdf = gpd.read_file(p, layer=layer, **options)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise _vector_error(exc, shown=shown) from exc
    _judge_warnings(caught, shown=shown)
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        msg = f"path={shown} has no geometries; pass a file of points or shapes."
        raise DataFileError(msg)
    if label is not None:
        return gdf.set_crs(label, allow_override=True)
    if gdf.crs is None:
        msg = (
            f"path={shown} has no CRS. If it holds Mars planetocentric longitude/latitude, "
            f"{_RELABEL}; otherwise pass the Mars CRS it is in with crs= (command line: --crs)."
        )
        raise CRSError(msg)
    file_crs = as_crs(gdf.crs)
    assert file_crs is not None
    if body_of(file_crs) != "Mars":
        msg = (
            f"path={shown} is labelled {file_crs.to_string()} ({file_crs.name}), not a "
            "Mars CRS. If it holds Mars longitude/latitude (GeoJSON is often tagged CRS84 "
            f"whatever it holds), {_RELABEL} to relabel it."
        )
        raise CRSError(msg)
    return gdf.set_crs(recover_authority(file_crs, path=path), allow_override=True)


def _vector_error(exc: Exception, *, shown: str) -> DataFileError:
    msg = (
        f"path={shown} cannot be read as a vector file ({exc}); check that it is a "
        "GeoPackage, GeoJSON, FlatGeobuf or Shapefile (a CSV needs a .csv extension)."
    )
    return DataFileError(msg)


# pyogrio's notes about values it leaves as text (the columns marsgeo uses are checked anyway)
_HARMLESS = ("could not parse column", "error parsing datetimes")


def _judge_warnings(caught: list[warnings.WarningMessage], *, shown: str) -> None:
    """Turn GDAL's warnings while reading into an error: each means data was dropped or changed."""
    serious = []
    for w in caught:
        text = " ".join(str(w.message).split()).rstrip(".")
        if any(h in text.lower() for h in _HARMLESS):
            continue
        serious.append(text)
    if serious:
        listed = "; ".join(dict.fromkeys(serious))
        msg = (
            f"path={shown} was read with warnings from GDAL, so some of its contents were "
            f"dropped or changed: {listed}. Fix the file (or re-export it) and read it again."
        )
        raise DataFileError(msg)


def read_vector(path: PathLike, *, crs: Any = None, layer: str | int | None = None) -> Any:
    """Read a vector file (GeoJSON, GeoPackage, Shapefile, FlatGeobuf, ...) in MARS_GEOGRAPHIC.

    As :func:`read_vector_raw`, then every coordinate is checked with marsgeo's coordinate
    range rule in the file's own CRS (so that no longitude is wrapped before it is judged)
    and converted.
    """
    gdf = read_vector_raw(path, crs=crs, layer=layer)
    return check_shapes(gdf, name=f"path={_shown(path)}")


def recover_authority(crs: Any, *, path: Any = "file") -> Any:
    """Give back the IAU_2015 code that GPKG / Shapefile / FlatGeobuf drop on the way through.

    Files store the CRS as WKT1, which has no west-positive axes and no spherical coordinate
    system: a CRS of the IAU ellipsoid families (49901, 49902, ...) comes back looking like a
    plain east/north one. The code is recovered by matching (confidence 20 is what PROJ gives
    these); on the ellipsoid, where a wrong guess moves positions by kilometres, a file whose
    code cannot be recovered is refused rather than guessed.
    """
    from pyproj import CRS

    resolved = as_crs(crs)
    assert resolved is not None
    if resolved.to_authority() is not None:
        return resolved
    found = resolved.to_authority(auth_name="IAU_2015", min_confidence=20)
    if found is not None:
        candidate = CRS.from_authority(*found)
        # a loose match can be another CRS of the family (a TM with another central meridian):
        # accept it only if it differs in nothing but axis definitions, and only if the file
        # says it is that CRS (it kept the name) or its axes already mean the same: an unnamed
        # east-positive CRS is not a west-positive IAU code that lost its axes
        if _same_except_axes(candidate, resolved) and (
            candidate.name == resolved.name or _same_axes(candidate, resolved)
        ):
            return candidate
    ell = resolved.ellipsoid
    if ell is not None and not math.isclose(
        ell.semi_major_metre, ell.semi_minor_metre, rel_tol=1e-12
    ):
        msg = (
            f"path={str(path)!r} is on the Mars ellipsoid, but its file format kept no CRS code "
            "and may have dropped a west-positive or planetocentric axis definition. Pass "
            "crs=... with the CRS the data was written in (e.g. crs='IAU_2015:49901'; "
            "command line: --crs IAU_2015:49901)."
        )
        raise CRSError(msg)
    return resolved


def _axis_directions(crs: Any) -> list[str]:
    base = crs.geodetic_crs if crs.is_projected else crs
    own = [a.direction for a in crs.axis_info]
    return own + ([a.direction for a in base.axis_info] if base is not None else [])


def _same_axes(a: Any, b: Any) -> bool:
    """Tell whether two CRSs' axes (and their bases' axes) point the same ways."""
    return bool(_axis_directions(a) == _axis_directions(b))


def _same_except_axes(a: Any, b: Any) -> bool:
    """Tell whether two CRSs share body, prime meridian and projection, whatever their axes."""
    ea, eb = a.ellipsoid, b.ellipsoid
    if ea is None or eb is None:
        return False
    if not (
        math.isclose(ea.semi_major_metre, eb.semi_major_metre, rel_tol=1e-9)
        and math.isclose(ea.semi_minor_metre, eb.semi_minor_metre, rel_tol=1e-9)
    ):
        return False
    pa, pb = a.prime_meridian, b.prime_meridian
    if (pa.longitude if pa else 0.0) != (pb.longitude if pb else 0.0):
        return False
    if a.is_projected != b.is_projected:
        return False
    if not a.is_projected:
        return True
    oa, ob = a.coordinate_operation, b.coordinate_operation
    if oa is None or ob is None or oa.method_code != ob.method_code:
        return False
    va = {p.code or p.name: p.value for p in oa.params}
    vb = {p.code or p.name: p.value for p in ob.params}
    return va.keys() == vb.keys() and all(math.isclose(va[k], vb[k], abs_tol=1e-9) for k in va)


__all__ = [
    "CSV_SEPARATORS",
    "CsvTable",
    "PathLike",
    "existing_file",
    "mars_crs_argument",
    "number_cells",
    "read_csv_table",
    "read_vector",
    "read_vector_raw",
    "recover_authority",
]
