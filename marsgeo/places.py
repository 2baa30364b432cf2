"""Rover localizations from the PDS PLACES archive, and the tube positions they give.

PLACES (Position Localization and Attitude Correction Estimate Storage) is where the rover
teams' localizations are kept: JPL's Multimission Image Processing Laboratory (MIPL/OPGS)
produces them, and the PDS Cartography and Imaging Sciences Node archives them. For Curiosity
the volume ``MSLPLC_1XXX`` holds ``DATA/LOCALIZATIONS/localized_interp.csv`` with a PDS3
label (``localized_interp.lbl``); Perseverance's bundle ``urn:nasa:pds:mars2020_rover_places``
shares the table format, with PDS4 labels (``.xml``). :func:`read_places` reads such a table
into a GeoDataFrame in :data:`marsgeo.crs.MARS_GEOGRAPHIC`; :func:`tube_positions_from_places`
finds where the rover was parked when it dropped each Three Forks tube, so that the
catalogue's inferred positions can be reproduced from a citable source.

The table. A header line, then one row per localization, 26 columns::

    frame,site,drive,pose,landing_x,landing_y,landing_z,northing,easting,
    planetocentric_latitude,planetodetic_latitude,longitude,elevation,map_pixel_line,
    map_pixel_sample,dem_pixel_line,dem_pixel_sample,roll,pitch,yaw,quat_s,quat_v1,quat_v2,
    quat_v3,sclk,sol

``frame`` is ``ROVER`` (a rover position) or ``SITE`` (the origin of a site frame, where the
rover stood when it declared the site: not a position on a sol). Missing values are written
as numbers: a ``SITE`` row has drive, pose and sol -1 and sclk 0, and a ``ROVER`` row with
pose -1 sums up a drive (a site/drive summary row). :func:`read_places` reads -1 in ``sol``,
``site``, ``drive`` and ``pose``, and 0 in ``sclk``, as missing (``<NA>``); every other
negative count is refused.

Columns read. Names are matched whatever their case, spaces or punctuation
(``Planetocentric Latitude`` reads as ``planetocentric_latitude``). Where a column has several
accepted names, the first one present, in the order below, is read; the others are kept as
further columns. Only ``lat`` and ``lon`` are required.

- ``frame`` (text): ``frame``, ``reference_frame``
- ``sol``: ``sol``, ``sol_number``, ``mission_sol``
- ``sclk`` (spacecraft clock, whole seconds; a fraction, if written, is dropped): ``sclk``,
  ``spacecraft_clock``
- ``site``, ``drive``, ``pose`` (the rover motion counter): ``site``, ``site_index``;
  ``drive``, ``drive_index``; ``pose``, ``pose_index``
- ``x_north_m``, ``y_east_m``, ``z_m`` [m] (relative to the landing site, site 1: X north,
  Y east, Z down, as the table gives them): ``landing_x``, ``x_landing``, ``landing_site_x``,
  ``x_north``, ``x`` (and the same with ``y``, ``y_east``, ``z``)
- ``lat`` [deg] (planetocentric): ``planetocentric_latitude``, ``planetocentric_lat``,
  ``latitude_planetocentric``, ``latitude``, ``lat``, ``lat_c``
- ``lon`` [deg] (east): ``longitude``, ``planetocentric_longitude``, ``east_longitude``,
  ``longitude_east``, ``lon``, ``lon_e``
- ``elevation_m`` [m] (as the table gives it; its label says the datum): ``elevation``,
  ``elevation_m``, ``elev``, ``elev_m``
- ``roll_deg``, ``pitch_deg``, ``yaw_deg`` [deg]: ``roll``, ``pitch``, ``yaw`` (also with
  ``_deg``)
- ``utc`` (a time of the position, UTC, which PLACES tables do not give but other tables may;
  ``YYYY-MM-DDThh:mm:ss`` or the PDS day-of-year form ``YYYY-DDDThh:mm:ss``): ``utc``,
  ``utc_time``, ``time_utc``, ``scet_utc``, ``scet``

Every other column (``northing``, ``easting``, ``planetodetic_latitude``, the map and DEM
pixel columns, the quaternion ``quat_s`` ... ``quat_v3``) is kept under its name in snake
case, its values as written (numbers as numbers, text as text). A table without a sol column
gives no ``sol`` column: sols are not derived from times or clocks.

The label next to the table is read when it is there: a PDS4 label (same name, ``.xml``) or
else a PDS3 label (``.lbl``). It gives the product id (PDS4: the logical identifier; PDS3:
``DATA_SET_ID:PRODUCT_ID``), its version, and a unit per field (``METER`` -> ``m``,
``DEGREE`` -> ``deg``; ``km`` and ``rad`` are converted). The header line wins: label fields
are matched to the header's columns by name, and a label that lists fewer fields than the
header has columns (older PLACES labels do) leaves those columns without a unit. A PDS4 label
(checked against its table when the archive is validated) must name only header columns and
count the table's rows; a PDS3 label that does not is read anyway, and what does not fit is
listed in ``attrs["label_notes"]``. A table written without a header line takes its column
names from its label. Without a label, lengths are metres and angles degrees. Rows without
latitude and longitude are skipped and listed in ``attrs["skipped_lines"]``; a row with only
one of the two is an error.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from marsgeo._io import existing_file, number_cells, read_csv_table
from marsgeo._pds_label import TableLabel, table_label, unit_name
from marsgeo._validate import check_points, lonlat, show_values
from marsgeo.crs import MARS_GEOGRAPHIC, coordinate_problems, lon_to_180
from marsgeo.errors import (
    CatalogueError,
    CoordinateError,
    DataFileError,
    InputError,
    raise_collected,
)

if TYPE_CHECKING:
    from marsgeo.typing import PathLike

__all__ = ["PLACES_COLUMNS", "PLACES_TABLE_COLUMNS", "read_places", "tube_positions_from_places"]

#: The columns of a PDS PLACES localization table (``localized_interp.csv``), in file order.
PLACES_TABLE_COLUMNS: tuple[str, ...] = (
    "frame",
    "site",
    "drive",
    "pose",
    "landing_x",
    "landing_y",
    "landing_z",
    "northing",
    "easting",
    "planetocentric_latitude",
    "planetodetic_latitude",
    "longitude",
    "elevation",
    "map_pixel_line",
    "map_pixel_sample",
    "dem_pixel_line",
    "dem_pixel_sample",
    "roll",
    "pitch",
    "yaw",
    "quat_s",
    "quat_v1",
    "quat_v2",
    "quat_v3",
    "sclk",
    "sol",
)


@dataclass(frozen=True)
class _Column:
    """A column :func:`read_places` reads: accepted names, kind, and a value to show in fixes."""

    names: tuple[str, ...]
    kind: str  # "text", "count", "clock", "length", "angle" or "time"
    example: str


def _xyz(axis: str, word: str) -> tuple[str, ...]:
    return (
        f"landing_{axis}",
        f"{axis}_landing",
        f"landing_site_{axis}",
        f"{axis}_{word}",
        f"{axis}_{word}_m",
        axis,
    )


_LON_NAMES: tuple[str, ...] = ("longitude", "planetocentric_longitude", "east_longitude")
_LON_NAMES += ("longitude_east", "lon", "lon_e")
_LAT_NAMES: tuple[str, ...] = ("planetocentric_latitude", "planetocentric_lat")
_LAT_NAMES += ("latitude_planetocentric", "latitude", "lat", "lat_c")
_COLUMNS: dict[str, _Column] = {
    "frame": _Column(("frame", "reference_frame"), "text", "ROVER"),
    "sol": _Column(("sol", "sol_number", "mission_sol"), "count", "653"),
    "sclk": _Column(("sclk", "spacecraft_clock"), "clock", "724962000"),
    "site": _Column(("site", "site_index"), "count", "41"),
    "drive": _Column(("drive", "drive_index"), "count", "1258"),
    "pose": _Column(("pose", "pose_index"), "count", "4"),
    "x_north_m": _Column(_xyz("x", "north"), "length", "467.5"),
    "y_east_m": _Column(_xyz("y", "east"), "length", "-2404.9"),
    "z_m": _Column(_xyz("z", "down"), "length", "-24.6"),
    "lon": _Column(_LON_NAMES, "angle", "77.40775321"),
    "lat": _Column(_LAT_NAMES, "angle", "18.45263041"),
    "elevation_m": _Column(("elevation", "elevation_m", "elev", "elev_m"), "length", "-2545.26"),
    "roll_deg": _Column(("roll", "roll_deg"), "angle", "1.5"),
    "pitch_deg": _Column(("pitch", "pitch_deg"), "angle", "-0.8"),
    "yaw_deg": _Column(("yaw", "yaw_deg"), "angle", "95.2"),
    "utc": _Column(
        ("utc", "utc_time", "time_utc", "scet_utc", "scet"), "time", "2022-12-21T17:15:36Z"
    ),
}
#: The columns :func:`read_places` reads, by output name: the table names it accepts (in order
#: of preference, after the normalisation described in the module docstring).
PLACES_COLUMNS: dict[str, tuple[str, ...]] = {out: col.names for out, col in _COLUMNS.items()}

# the units a label may give (as _pds_label.unit_name names them): factors to metres, to degrees
_LENGTH_UNITS = {"m": 1.0, "km": 1e3}
_ANGLE_UNITS = {"deg": 1.0, "rad": math.degrees(1.0)}
# the PDS day-of-year form of a time, "2022-355T17:15:36.123"
_DOY_TIME = re.compile(r"\s*([0-9]{4})-([0-9]{3})T([0-9]{2}):([0-9]{2}):([0-9]{2}(\.[0-9]*)?)Z?\s*")
_RULE = (
    "the last ROVER-frame localization of the drop sol in rover-motion order (site, drive, "
    "pose, then sclk), at or before the drop time where the table gives UTC times; SITE rows "
    "are never used, nor a drive's pose -1 summary row when the drive has real poses"
)
_FIXES = {
    "count": "write whole numbers >= 0, or -1 for none (e.g. {example})",
    "clock": "write whole seconds of the spacecraft clock, or 0 for none (e.g. {example})",
    "length": "write finite numbers of metres (e.g. {example})",
    "angle": "write finite numbers of degrees (e.g. {example})",
    "time": "write UTC times as YYYY-MM-DDThh:mm:ss or YYYY-DDDThh:mm:ss (e.g. {example})",
}


def _normal(name: str) -> str:
    """Write a column name in snake case: lower case, other characters as one underscore."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def _shown(path: Any) -> str:
    return repr(os.fspath(path))


# --- the table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Table:
    """A PLACES table as text cells, with the file line of each row."""

    raw: pd.DataFrame
    typed: pd.DataFrame
    lines: list[int]
    units: dict[str, tuple[str | None, str | None]]  # column -> (unit, description)
    notes: list[str]  # what in the label does not fit the table


def _text(p: Path) -> str:
    data = p.read_bytes()
    if not data.strip():
        msg = (
            f"path={_shown(p)} is empty; a PLACES table starts with a header line such as "
            "frame,site,drive,pose,...,planetocentric_latitude,...,longitude,... (download it "
            "again)."
        )
        raise DataFileError(msg)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = (
            f"path={_shown(p)} is not UTF-8 text (byte 0x{data[exc.start]:02x} at position "
            f"{exc.start}); pass the CSV table of the bundle, not a binary file."
        )
        raise DataFileError(msg) from None


def _first_record(text: str, sep: str) -> list[str]:
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    return next((r for r in rows if r and any(c.strip() for c in r)), [])


def _headerless(
    p: Path, text: str, label: TableLabel
) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """Read a table written without a header line, naming its columns from the label."""
    sep = label.delimiter or ","
    names = [name for name, _, _ in label.fields]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    ragged = []
    try:
        for record in reader:
            if record and any(c.strip() for c in record) and len(record) != len(names):
                ragged.append(reader.line_num)
    except csv.Error as exc:
        msg = f"path={_shown(p)} cannot be read as CSV (line {reader.line_num}: {exc}); fix it."
        raise DataFileError(msg) from None
    if ragged:
        msg = (
            f"path={_shown(p)}: lines {show_values(ragged)} do not have the "
            f"{len(names)} fields its label {_shown(label.path)} lists, and the table has no "
            "header line to name its columns; download the table and its label again."
        )
        raise DataFileError(msg)
    header = io.StringIO()
    csv.writer(header, delimiter=sep, lineterminator="\r\n").writerow(names)
    with tempfile.TemporaryDirectory() as folder:
        named = Path(folder) / "table.csv"
        named.write_text(header.getvalue() + text, encoding="utf-8", newline="")
        table = read_csv_table(named, default_sep=sep)
    return table.raw, table.frame, [line - 1 for line in table.lines]


def _read_table(p: Path, label: TableLabel | None) -> _Table:
    text = _text(p)
    sep = (label.delimiter if label else None) or ","
    header = [_normal(h) for h in _first_record(text, sep)]
    named = (
        label is None
        or label.has_header
        or not label.fields
        or header == [_normal(n) for n, _, _ in label.fields]
    )
    if named:
        table = read_csv_table(p, default_sep=sep)
        raw, typed, lines = table.raw, table.frame, table.lines
    else:
        assert label is not None
        raw, typed, lines = _headerless(p, text, label)
    if label is None:
        return _Table(raw=raw, typed=typed, lines=lines, units={}, notes=[])
    units, notes = _label_units(p, [str(c) for c in raw.columns], label)
    if label.records is not None and label.records != len(raw):
        if label.standard == "PDS4":
            msg = (
                f"path={_shown(p)} has {len(raw)} rows, but its label {_shown(label.path)} says "
                f"{label.records}: the table may be cut short or changed; download it again."
            )
            raise DataFileError(msg)
        notes.append(f"the label counts {label.records} rows, the table has {len(raw)}")
    return _Table(raw=raw, typed=typed, lines=lines, units=units, notes=notes)


def _label_units(
    p: Path, names: list[str], label: TableLabel
) -> tuple[dict[str, tuple[str | None, str | None]], list[str]]:
    """Each column's unit and description from the label (matched by name), and the misfits."""
    by_normal: dict[str, str] = {}
    for name in names:
        by_normal.setdefault(_normal(name), name)
    units: dict[str, tuple[str | None, str | None]] = {}
    unknown = []
    for name, unit, description in label.fields:
        column = by_normal.get(_normal(name))
        if column is None:
            unknown.append(name)
        elif column not in units:
            units[column] = (unit_name(unit), description)
    notes = []
    if unknown and label.standard == "PDS4":
        msg = (
            f"path={_shown(p)} does not match its label {_shown(label.path)}: the label's "
            f"fields {show_values(unknown)} are not in the table's header "
            f"({show_values(names, limit=8)}); put the table next to its own label."
        )
        raise DataFileError(msg)
    if unknown:
        notes.append(f"label fields {show_values(unknown)} are no column of the header (ignored)")
    listed = label.listed if label.listed is not None else len(label.fields)
    if listed != len(names) or len(units) != len(names):
        bare = [n for n in names if n not in units]
        notes.append(
            f"the label lists {listed} fields for the header's {len(names)} columns"
            + (f"; {show_values(bare, limit=8)} have no label entry (no unit)" if bare else "")
        )
    return units, notes


def _resolve(names: Sequence[str]) -> dict[str, str]:
    """Output name -> table column, for the columns of :data:`PLACES_COLUMNS` the table has."""
    by_normal: dict[str, str] = {}
    for name in names:
        by_normal.setdefault(_normal(name), name)
    found: dict[str, str] = {}
    for out, column in _COLUMNS.items():
        hits = (by_normal[n] for n in column.names if n in by_normal)
        hit = next((h for h in hits if h not in found.values()), None)
        if hit is not None:
            found[out] = hit
    return found


# --- cells to values -----------------------------------------------------------------------------


def _factor(kind: str, unit: str | None, *, column: str, label: TableLabel | None) -> float:
    if unit is None or kind not in ("length", "angle"):
        return 1.0
    units = _LENGTH_UNITS if kind == "length" else _ANGLE_UNITS
    factor = units.get(unit)
    if factor is None:
        assert label is not None
        msg = (
            f"label {_shown(label.path)} gives column {column!r} the unit {unit!r}; marsgeo "
            f"reads {kind}s in {', '.join(sorted(units))}: correct the label's unit, or move "
            "the table away from it to read the table alone."
        )
        raise DataFileError(msg)
    return factor


def _times(cells: pd.Series) -> tuple[pd.Series, list[int]]:
    """Read UTC times (ISO 8601, or the PDS day-of-year form); missing cells are NaT."""
    out = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns, UTC]")
    bad = []
    for k, cell in enumerate(cells.astype(str)):
        text = cell.strip()
        if text.lower() in ("", "nan", "na", "n/a", "null", "none"):
            continue
        doy = _DOY_TIME.fullmatch(text)
        try:
            if doy:
                year, day, hh, mm, ss = doy.group(1, 2, 3, 4, 5)
                moment = datetime.strptime(f"{year}-{day}", "%Y-%j").replace(tzinfo=UTC)
                clock = pd.Timedelta(hours=int(hh), minutes=int(mm), seconds=float(ss))
                t = pd.Timestamp(moment) + clock
            else:
                t = pd.Timestamp(text)
                t = t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")
        except (ValueError, OverflowError):
            bad.append(k)
            continue
        if pd.isna(t):
            bad.append(k)
        else:
            out.iloc[k] = t
    return out, bad


def _numbers(cells: pd.Series, typed: pd.Series, kind: str, factor: float) -> tuple[Any, list[int]]:
    """Read numbers (a column the CSV reader typed as numbers is taken as it is).

    Counts and clocks become nullable ``Int64``: -1 in a count and 0 in a clock are missing.
    """
    if pd.api.types.is_numeric_dtype(typed.dtype) and not pd.api.types.is_bool_dtype(typed.dtype):
        values = typed.to_numpy(dtype=np.float64, na_value=np.nan)
        bad: list[int] = []
    else:
        values, bad = number_cells(cells)
    inf = np.isinf(values)
    if kind not in ("count", "clock"):
        return values * factor, sorted({*bad, *np.flatnonzero(inf).tolist()})
    none = values == (-1 if kind == "count" else 0)
    values = np.where(none, np.nan, np.floor(values) if kind == "clock" else values)
    missing = np.isnan(values)
    with np.errstate(invalid="ignore"):
        whole = missing | ((values >= 0) & (values < 2**53) & (values % 1 == 0))
    bad = sorted({*bad, *np.flatnonzero(~whole | inf).tolist()})
    ints = np.where(whole & ~missing, values, 0).astype(np.int64)
    return pd.arrays.IntegerArray(ints, missing), bad


def _values(
    table: _Table, found: dict[str, str], label: TableLabel | None
) -> tuple[dict[str, Any], list[str]]:
    """Read the columns found; give their values and the problems (bad cells) met."""
    values: dict[str, Any] = {}
    problems = []
    for out, name in found.items():
        column = _COLUMNS[out]
        cells = table.raw[name]
        if column.kind == "text":
            values[out] = cells.astype(str).str.strip().to_numpy(dtype=object)
            continue
        if column.kind == "time":
            read, bad = _times(cells)
        else:
            unit = table.units.get(name, (None, None))[0]
            factor = _factor(column.kind, unit, column=name, label=label)
            read, bad = _numbers(cells, table.typed[name], column.kind, factor)
        if bad:
            lines = [table.lines[k] for k in bad]
            shown = show_values([cells.iloc[k] for k in bad])
            fix = _FIXES[column.kind].format(example=column.example)
            problems.append(
                f"column {name!r} lines {show_values(lines)} hold {shown}; {fix}, or leave the "
                "cells empty"
            )
        values[out] = read
    return values, problems


def _missing_columns(p: Path, names: Sequence[str]) -> DataFileError:
    latitudes = [n for n in names if "lat" in _normal(n)]
    hint = (
        f" It has {', '.join(repr(n) for n in latitudes)}: PLACES tables give planetocentric "
        "latitude too; a planetographic one converts with "
        "marsgeo.crs.ographic_to_ocentric_lat."
        if latitudes
        else ""
    )
    msg = (
        f"path={_shown(p)} has no latitude and longitude columns, so it is not a PLACES "
        f"localization table; its columns are {show_values(list(names), limit=12)}. Name them "
        f"{_COLUMNS['lat'].names[0]!r} (or {', '.join(_COLUMNS['lat'].names[1:])}) and "
        f"{_COLUMNS['lon'].names[0]!r} (or {', '.join(_COLUMNS['lon'].names[1:])}).{hint}"
    )
    return DataFileError(msg)


def _extra_name(name: str, taken: set[str]) -> str:
    base = _normal(name) or "column"
    new = base if base not in taken else f"table_{base}"
    k = 2
    while new in taken:
        new = f"table_{base}_{k}"
        k += 1
    return new


def _frame_argument(frame: Any) -> str | None:
    if frame is None:
        return None
    if not isinstance(frame, str) or not frame.strip():
        msg = (
            f"frame={frame!r} is not the name of a frame; pass the text of the table's frame "
            "column (e.g. frame='ROVER'), or None for every row."
        )
        raise InputError(msg)
    return frame.strip()


def _select_frame(gdf: gpd.GeoDataFrame, frame: str | None, *, shown: str) -> gpd.GeoDataFrame:
    if frame is None:
        return gdf
    if "frame" not in gdf.columns:
        msg = f"frame={frame!r} was given, but path={shown} has no frame column; pass frame=None."
        raise InputError(msg)
    keep = gdf["frame"].str.casefold() == frame.casefold()
    if not keep.any():
        have = show_values(sorted(set(gdf["frame"])), limit=10)
        msg = f"frame={frame!r} is in no row of path={shown}; its frames are {have}."
        raise InputError(msg)
    return gdf[keep.to_numpy()]


def read_places(path: PathLike, *, frame: str | None = None) -> gpd.GeoDataFrame:
    r"""Read a PDS PLACES rover localization table (e.g. ``localized_interp.csv``).

    Parameters
    ----------
    path
        The CSV table. Its label, when it lies next to it (same name; ``.xml`` for PDS4, else
        ``.lbl`` for PDS3), is read for units, the product id and version, and the field names
        of a table without a header line.
    frame
        Keep only the rows whose ``frame`` column holds this text (any case): ``"ROVER"`` for
        rover positions, ``"SITE"`` for site origins; None keeps every row.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per localization that has a position, in file order; index ``line`` (the line
        of the file the row is on; 1 is the header), Point geometry in
        :data:`marsgeo.crs.MARS_GEOGRAPHIC`. Columns, those the table has, in this order:
        ``frame`` (``ROVER`` or ``SITE``), ``sol``, ``sclk`` (spacecraft clock [s]),
        ``site``, ``drive``, ``pose`` (nullable ``Int64``: -1 in ``sol``, ``site``,
        ``drive``, ``pose`` and 0 in ``sclk`` read as ``<NA>``), ``x_north_m``, ``y_east_m``,
        ``z_m`` (metres from the landing site, as the table gives them), ``lon`` (east,
        -180..180), ``lat`` (planetocentric), ``elevation_m``, ``roll_deg``, ``pitch_deg``,
        ``yaw_deg``, ``utc``; then the table's other columns under snake-case names (see the
        module docstring). ``attrs``: ``source`` (the path), ``label`` (the label's path or
        None), ``product_id`` and ``product_version`` (PDS4: logical identifier and version;
        PDS3: ``DATA_SET_ID:PRODUCT_ID`` and ``PRODUCT_VERSION_ID``; or None), ``title``,
        ``columns`` (output name -> table column), ``units`` (table column -> unit from the
        label: ``m``, ``deg``, ...), ``label_notes`` (what in a PDS3 label does not fit the
        table, e.g. fewer fields than the header), ``skipped_lines`` (lines without latitude
        and longitude).

    Raises
    ------
    marsgeo.errors.DataFileError
        A file that is missing, empty, not UTF-8 CSV, ragged, without latitude and longitude
        columns, with cells that are not numbers or counts (naming the lines and column), or
        that does not match its label.
    marsgeo.errors.CoordinateError
        Latitudes outside -90..90 or longitudes outside -360..360 (naming the lines).
    marsgeo.errors.InputError
        A ``frame`` no row has.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> table = pathlib.Path(tempfile.mkdtemp()) / "localized_interp.csv"
    >>> _ = table.write_text(
    ...     "frame,site,drive,pose,planetocentric_latitude,longitude,elevation,sclk,sol\n"
    ...     "SITE,41,-1,-1,18.4529,77.4079,-2545.3,0,-1\n"
    ...     "ROVER,41,1210,2,18.45263041,77.40775321,-2545.26,724965000,653\n"
    ... )
    >>> places = read_places(table)
    >>> places.crs.to_string(), places.index.name, places["frame"].tolist()
    ('IAU_2015:49900', 'line', ['SITE', 'ROVER'])
    >>> places[["site", "drive", "pose", "sclk", "sol"]]
          site  drive  pose       sclk   sol
    line
    2       41   <NA>  <NA>       <NA>  <NA>
    3       41   1210     2  724965000   653
    >>> places.loc[3, ["lon", "lat", "elevation_m"]].tolist()
    [77.40775321, 18.45263041, -2545.26]
    """
    p = existing_file(path)
    wanted = _frame_argument(frame)
    label = table_label(p)
    table = _read_table(p, label)
    found = _resolve([str(c) for c in table.raw.columns])
    if "lat" not in found or "lon" not in found:
        raise _missing_columns(p, [str(c) for c in table.raw.columns])
    values, problems = _values(table, found, label)
    raise_collected(DataFileError, problems, what=f"path={_shown(path)}")
    gdf, skipped = _frame_of(table, found, values, shown=_shown(path))
    gdf = _select_frame(gdf, wanted, shown=_shown(path))
    gdf.attrs = {
        "source": os.fspath(path),
        "label": None if label is None else os.fspath(label.path),
        "product_id": None if label is None else label.product_id,
        "product_version": None if label is None else label.version,
        "title": None if label is None else label.title,
        "columns": dict(found),
        "units": {n: u for n, (u, _) in table.units.items() if u},
        "label_notes": table.notes,
        "skipped_lines": skipped,
    }
    return gdf


def _frame_of(
    table: _Table, found: dict[str, str], values: dict[str, Any], *, shown: str
) -> tuple[gpd.GeoDataFrame, list[int]]:
    """Build the GeoDataFrame: skip rows without a position, check the coordinates."""
    lines = np.asarray(table.lines, dtype=np.int64)
    lat, lon = values["lat"], values["lon"]
    no_lat, no_lon = np.isnan(lat), np.isnan(lon)
    half = no_lat ^ no_lon
    if half.any():
        msg = (
            f"path={shown}: lines {show_values(lines[half].tolist())} have a latitude or a "
            "longitude but not both; give both (a row with neither is skipped)."
        )
        raise DataFileError(msg)
    keep = ~(no_lat & no_lon)
    if not keep.any():
        msg = (
            f"path={shown} holds no localization with a latitude and longitude; pass a PLACES "
            "table with positions (e.g. localized_interp.csv)."
        )
        raise DataFileError(msg)
    problems = coordinate_problems(lon[keep], lat[keep], rows=lines[keep])
    raise_collected(CoordinateError, problems, what=f"path={shown} (rows are file lines)")
    index = pd.Index(lines[keep], name="line")
    columns: dict[str, Any] = {}
    for out in _COLUMNS:
        if out in values:
            column = values[out]
            kept = column.array[keep] if isinstance(column, pd.Series) else column[keep]
            columns[out] = pd.Series(kept, index=index)
    columns["lon"] = pd.Series(lon_to_180(lon[keep]), index=index, dtype=np.float64)
    taken = set(columns) | {"geometry", "line"}
    for name in table.typed.columns:
        if str(name) not in found.values():
            new = _extra_name(str(name), taken)
            taken.add(new)
            columns[new] = pd.Series(table.typed[name].array[keep], index=index)
    frame = pd.DataFrame(columns, index=index)
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
    gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs=MARS_GEOGRAPHIC)
    return gdf, lines[~keep].tolist()


# --- tube positions ------------------------------------------------------------------------------


def _places_frame(places: Any) -> gpd.GeoDataFrame:
    if isinstance(places, (str, os.PathLike)):
        checked = read_places(places)
    else:
        checked = check_points(places, name="places")
    if "sol" not in checked.columns and "utc" not in checked.columns:
        msg = (
            "places has neither a 'sol' nor a 'utc' column, so no row can be matched to a drop "
            "sol; pass a PLACES table that gives sols (e.g. localized_interp.csv, read with "
            "marsgeo.read_places)."
        )
        raise InputError(msg)
    return checked


def _rover_rows(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give the rows that can be parking spots: ROVER frame, no summary row beside real poses."""
    if "frame" in places.columns:
        rover = places["frame"].astype(str).str.strip().str.casefold() == "rover"
        if not rover.any():
            have = show_values(sorted(set(places["frame"].astype(str))), limit=10)
            msg = (
                f"places has no ROVER-frame row (its frames are {have}); SITE rows are site "
                "origins, not where the rover stood on a sol. Pass the whole table, e.g. "
                "marsgeo.read_places(path) or read_places(path, frame='ROVER')."
            )
            raise InputError(msg)
        places = places[rover.to_numpy()]
    if not {"site", "drive", "pose"} <= set(places.columns):
        return places
    pose = pd.Series(places["pose"].array, index=places.index)
    keys = places[["site", "drive"]].astype("string")
    drive_key = keys["site"].fillna("-") + "/" + keys["drive"].fillna("-")
    with_poses = set(drive_key[pose.notna().to_numpy()])
    summary = (pose.isna() & drive_key.isin(with_poses) & places["drive"].notna()).to_numpy()
    return places[~summary]


def _on_sol(places: gpd.GeoDataFrame, sol: int) -> gpd.GeoDataFrame:
    """Give the rows of a sol: by the ``sol`` column, or else by ``utc`` within the sol."""
    if "sol" in places.columns:
        sols = pd.to_numeric(pd.Series(places["sol"].array), errors="coerce")
        return places[sols.eq(sol).fillna(value=False).to_numpy(dtype=bool)]
    from marsgeo.sols import sol_span_utc

    start, end = sol_span_utc(sol)
    times = pd.to_datetime(places["utc"], utc=True)
    return places[((times >= start) & (times < end)).to_numpy()]


def _parked(rows: gpd.GeoDataFrame, drop_utc: Any) -> gpd.GeoDataFrame:
    """Give the rows at or before the drop time, in rover-motion order (the parking last)."""
    if "utc" in rows.columns and not pd.isna(drop_utc):
        times = pd.to_datetime(rows["utc"], utc=True)
        rows = rows[(times.isna() | (times <= pd.Timestamp(drop_utc))).to_numpy()]
    keys = [c for c in ("site", "drive", "pose", "sclk", "utc") if c in rows.columns]
    order = rows.assign(_line=np.arange(len(rows)))
    return rows.iloc[order.sort_values([*keys, "_line"], na_position="first")["_line"]]


def _catalogue(tubes: Any) -> gpd.GeoDataFrame:
    from marsgeo.depot import load_depot, validate_tubes

    if tubes is None:
        return load_depot()
    checked = validate_tubes(tubes, name="tubes", vocabulary=False)
    if "dropped_sol" not in checked.columns:
        msg = (
            "tubes has no 'dropped_sol' column; give each tube the sol it was dropped on "
            "(as marsgeo.load_depot() does)."
        )
        raise CatalogueError(msg)
    if checked["dropped_sol"].isna().any():
        missing = show_values(checked.index[checked["dropped_sol"].isna()].tolist())
        msg = f"tubes {missing} have no dropped_sol; give each tube the sol it was dropped on."
        raise CatalogueError(msg)
    return checked


def _tube_label(tubes: gpd.GeoDataFrame, tube_id: Any) -> str:
    name = tubes.loc[tube_id, "name"] if "name" in tubes.columns else None
    return f"{tube_id!r} ({name})" if isinstance(name, str) and name else repr(tube_id)


def tube_positions_from_places(
    places: gpd.GeoDataFrame | PathLike, *, tubes: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    r"""Find where the rover was parked when it dropped each tube, from PLACES localizations.

    The rule, for each tube:

    1. Only rover positions count: rows of the ``ROVER`` frame (where the table has a
       ``frame`` column; ``SITE`` rows are site origins), and of a drive's rows, the real
       poses: a pose -1 (``<NA>``) summary row is used only for a drive without real poses.
    2. The rows of its drop sol (``dropped_sol``; by the table's ``sol`` column, or, for a
       table without sols, by its ``utc`` within the Mars 2020 sol).
    3. Where the table has UTC times and the catalogue a ``dropped_utc``, the rows at or
       before the drop time (rows without a time are kept). A PLACES table gives the
       spacecraft clock (``sclk``), not UTC: converting it needs the mission's clock
       correlation (its SPICE SCLK kernel), which marsgeo does not have, so such a table is
       not cut at the drop time.
    4. The last in rover-motion order: site, drive, pose, then ``sclk``, ``utc`` and file
       order.

    The tube lies under the rover's belly there, within about a metre.

    Parameters
    ----------
    places
        Localizations as :func:`read_places` returns them (or the path of a table to read).
    tubes
        The tube catalogue, indexed by tube id, with ``dropped_sol`` (and, optionally,
        ``dropped_utc``); :func:`marsgeo.load_depot` by default.

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``tube_id`` as in ``tubes``; Point geometry at the localized position, in
        :data:`marsgeo.crs.MARS_GEOGRAPHIC`. Columns: ``name`` (when ``tubes`` has it),
        ``dropped_sol``, ``lon``, ``lat``, ``elev_m`` (the table's elevation, where it has
        one), ``distance_m`` (geodesic, from the catalogue's position to this one), the
        localization used: ``line`` (its ``places`` index), and those of ``frame``,
        ``sol``, ``sclk``, ``site``, ``drive``, ``pose``, ``utc`` the table has. ``attrs``
        carry the table's provenance (``source``, ``product_id``, ...) and ``rule``.

    Raises
    ------
    marsgeo.errors.InputError
        A table without ROVER-frame rows, or a drop sol without a rover localization
        (naming the tubes and sols).
    marsgeo.errors.CatalogueError
        ``tubes`` without drop sols.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> table = pathlib.Path(tempfile.mkdtemp()) / "localized_interp.csv"
    >>> _ = table.write_text(
    ...     "frame,site,drive,pose,planetocentric_latitude,longitude,sclk,sol\n"
    ...     "ROVER,41,1200,0,18.4529,77.4079,724960000,653\n"
    ...     "ROVER,41,1210,2,18.45263041,77.40775321,724965000,653\n"
    ...     "ROVER,41,1210,-1,18.4527,77.4078,724965000,653\n"
    ... )
    >>> from marsgeo.depot import load_depot
    >>> tubes = load_depot().loc[[1]]
    >>> found = tube_positions_from_places(table, tubes=tubes)
    >>> found.loc[1, "name"], int(found.loc[1, "drive"]), int(found.loc[1, "pose"])
    ('Malay', 1210, 2)
    >>> float(found.loc[1, "distance_m"])
    0.0
    """
    table = _rover_rows(_places_frame(places))
    catalogue = _catalogue(tubes)
    chosen: dict[Any, Any] = {}
    problems = []
    for tube_id, sol in catalogue["dropped_sol"].items():
        drop_utc = catalogue.loc[tube_id, "dropped_utc"] if "dropped_utc" in catalogue else None
        rows = _parked(_on_sol(table, int(sol)), drop_utc)
        if rows.empty:
            problems.append(f"tube {_tube_label(catalogue, tube_id)}: sol {int(sol)}")
        else:
            chosen[tube_id] = rows.index[-1]
    if problems:
        msg = (
            f"places has no rover localization on the drop sol (at or before the drop time) "
            f"of {'; '.join(problems)}; pass a table that covers these sols (the bundle's "
            "localized_interp.csv)."
        )
        raise InputError(msg)
    return _positions(table, catalogue, chosen)


def _positions(
    table: gpd.GeoDataFrame, catalogue: gpd.GeoDataFrame, chosen: dict[Any, Any]
) -> gpd.GeoDataFrame:
    from marsgeo.distance import geodesic_distance_m

    used = table.loc[list(chosen.values())]
    lon, lat = lonlat(used)
    cat_lon, cat_lat = lonlat(catalogue.loc[list(chosen)])
    out = pd.DataFrame(index=pd.Index(list(chosen), name=catalogue.index.name or "tube_id"))
    if "name" in catalogue.columns:
        out["name"] = catalogue.loc[list(chosen), "name"].to_numpy()
    out["dropped_sol"] = catalogue.loc[list(chosen), "dropped_sol"].to_numpy()
    out["lon"], out["lat"] = lon, lat
    if "elevation_m" in used.columns:
        out["elev_m"] = used["elevation_m"].to_numpy()
    out["distance_m"] = geodesic_distance_m(cat_lon, cat_lat, lon, lat)
    out["line"] = used.index.to_numpy()
    for col in ("frame", "sol", "sclk", "site", "drive", "pose", "utc"):
        if col in used.columns:
            out[col] = used[col].array
    gdf = gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(lon, lat), crs=MARS_GEOGRAPHIC)
    provenance = ("source", "label", "product_id", "product_version", "title")
    gdf.attrs = {k: v for k, v in table.attrs.items() if k in provenance}
    gdf.attrs["rule"] = _RULE
    return gdf
