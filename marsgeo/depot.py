"""The Three Forks tube catalogue, and users' own tube catalogues.

:func:`load_depot` returns the ten tubes Perseverance dropped at Three Forks between sol 653
(2022-12-21) and sol 690 (2023-01-28), in drop order, with their metadata and provenance.
The facts live in ``marsgeo/data/three_forks_tubes.csv``, a file a person can read and cite;
the drop dates are computed from the drop sol and LMST by :mod:`marsgeo.sols`.

Tube positions are **inferred** (see ``marsgeo/data/sources.json``, key ``mmgis_waypoints``):
each tube is where the rover was parked when it dropped it, within about 1-2 m.
"""

from __future__ import annotations

import datetime
import json
import math
import re
import warnings
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.errors

from marsgeo._io import (
    PathLike,
    existing_file,
    mars_crs_argument,
    number_cells,
    read_csv_table,
    read_vector_raw,
)
from marsgeo._validate import check_points, check_unique_ids, lonlat, show_values
from marsgeo.crs import MARS_GEOGRAPHIC, is_real_number, real_numbers
from marsgeo.errors import CatalogueError, InputError, raise_collected
from marsgeo.sols import SOL_MAX, parse_lmst, sol_span_utc, sol_to_utc

if TYPE_CHECKING:
    from marsgeo.typing import CRSLike, PointFrame

__all__ = [
    "SAMPLE_TYPES",
    "SUMMARY_COLUMNS",
    "drop_order",
    "load_depot",
    "read_tubes",
    "sources",
    "validate_tubes",
]

#: Sample types in the Three Forks catalogue (column ``sample_type``).
SAMPLE_TYPES = ("igneous", "sedimentary", "regolith", "atmospheric", "witness")
#: The columns that summarise a tube in a table (the command line's ``marsgeo tubes``).
SUMMARY_COLUMNS = (
    "tube_id",
    "name",
    "sample_type",
    "collected_sol",
    "dropped_sol",
    "dropped_date",
    "lon",
    "lat",
    "position_confidence",
)
_CONFIDENCE = ("confirmed", "approximate", "inferred")

_LON_NAMES = ("lon", "longitude", "lon_e", "x")
_LAT_NAMES = ("lat", "latitude", "lat_c", "y")
_COORDINATE = {"lon_col": "longitude", "lat_col": "latitude"}
# columns that say where a tube is: rewritten from its point if they agree with it (x and y
# are left alone, as they often hold projected metres)
_LON_LIKE = ("lon", "longitude", "lon_e")
_LAT_LIKE = ("lat", "latitude", "lat_c")
# how far [deg] a column named like a coordinate may be from the point it describes
_AGREE_DEG = 1e-7


def _data_text(name: str) -> str:
    return resources.files("marsgeo").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@cache
def sources() -> dict[str, dict[str, str]]:
    """Return the citations behind the source keys used in marsgeo's shipped data.

    Returns
    -------
    dict
        Source key -> ``{"title", "publisher", "gives"}``.

    Examples
    --------
    >>> "PDS" in sources()["pds_depot"]["title"]
    True
    """
    data: dict[str, dict[str, str]] = json.loads(_data_text("sources.json"))
    return data


@cache
def _depot_frame() -> gpd.GeoDataFrame:
    from io import StringIO

    raw = pd.read_csv(
        StringIO(_data_text("three_forks_tubes.csv")),
        dtype={
            "sample_number": "Int64",
            "collected_sol": "Int64",
            "dropped_sol": "Int64",
            "tube_id": "Int64",
        },
        keep_default_na=False,
        na_values={"sample_number": [""]},
    )
    raw = raw.set_index("tube_id")
    raw.index = raw.index.astype("int64")
    raw = raw.astype({"collected_sol": "int64", "dropped_sol": "int64"})
    drop_utc = [
        sol_to_utc(int(s), lmst)
        for s, lmst in zip(raw["dropped_sol"], raw["dropped_lmst"], strict=True)
    ]
    spans = [sol_span_utc(int(s)) for s in raw["collected_sol"]]
    frame = raw.assign(
        dropped_utc=pd.DatetimeIndex(drop_utc).tz_convert("UTC"),
        dropped_date=[t.date().isoformat() for t in drop_utc],
        collected_sol_start_utc=pd.DatetimeIndex([a for a, _ in spans]),
        collected_sol_end_utc=pd.DatetimeIndex([b for _, b in spans]),
    )
    order = [
        "name",
        "name_pds",
        "sample_number",
        "designation",
        "sample_type",
        "sample_type_detail",
        "sample_type_confidence",
        "source_rock",
        "source_site",
        "source_confidence",
        "collected_sol",
        "collected_date",
        "collected_date_confidence",
        "collected_date_method",
        "collected_sol_start_utc",
        "collected_sol_end_utc",
        "dropped_sol",
        "dropped_lmst",
        "dropped_utc",
        "dropped_date",
        "dropped_date_confidence",
        "dropped_date_method",
        "twin",
        "twin_confidence",
        "lon",
        "lat",
        "elev_m",
        "position_confidence",
        "position_uncertainty_m",
        "position_source",
        "facts_source",
        "notes",
    ]
    frame = frame[order]
    gdf = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=MARS_GEOGRAPHIC
    )
    validate_tubes(gdf, name="the shipped Three Forks catalogue")
    return gdf


def load_depot() -> gpd.GeoDataFrame:
    """Return the ten Three Forks tubes as a GeoDataFrame, in drop order.

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``tube_id`` (1..10, drop order), CRS :data:`marsgeo.crs.MARS_GEOGRAPHIC`,
        Point geometry at the tube. Columns:

        - ``name``, ``name_pds`` (the PDS spelling, e.g. "Atsah"), ``sample_number`` (nullable
          int; none for the witness tube), ``designation`` (``M2020-<sol>-<nn>``)
        - ``sample_type`` (one of :data:`SAMPLE_TYPES`), ``sample_type_detail``,
          ``sample_type_confidence``
        - ``source_rock``, ``source_site``, ``source_confidence``
        - ``collected_sol``, ``collected_date`` (ISO; published, or computed with Mars24),
          ``collected_date_confidence``, ``collected_date_method`` (how the date was obtained;
          for a computed or doubtful date, the conversion and why it can be one day off),
          ``collected_sol_start_utc`` / ``collected_sol_end_utc`` (the UTC span of the sol,
          computed with Mars24)
        - ``dropped_sol``, ``dropped_lmst`` (``HH:MM:SS``, PDS), ``dropped_utc`` (computed from
          sol and LMST), ``dropped_date`` (its UTC date), ``dropped_date_confidence``,
          ``dropped_date_method`` (the conversion, and whether it matches a published date)
        - ``twin`` (the paired sample kept on the rover; empty when there is none),
          ``twin_confidence``
        - ``lon``, ``lat`` [deg] (planetocentric, east), ``elev_m`` (above the areoid),
          ``position_confidence`` ("inferred"), ``position_uncertainty_m``, ``position_source``
        - ``facts_source`` (keys of :func:`sources`), ``notes``

        Confidence columns hold "confirmed", "approximate" or "inferred"; the ``*_method``
        columns say how a computed or doubtful value was worked out.

    Examples
    --------
    >>> tubes = load_depot()
    >>> len(tubes), tubes.index.name, tubes.loc[1, "name"], tubes.loc[10, "sample_type"]
    (10, 'tube_id', 'Malay', 'witness')
    >>> tubes.loc[1, "dropped_date"]
    '2022-12-21'
    >>> tubes.loc[9, ["collected_date", "collected_date_confidence"]].tolist()
    ['2022-03-10', 'inferred']
    >>> tubes.loc[9, "collected_date_method"].startswith("Mars24 conversion of sol 374")
    True
    """
    return _depot_frame().copy()


def validate_tubes(
    tubes: PointFrame, *, name: str = "tubes", vocabulary: bool = True
) -> gpd.GeoDataFrame:
    """Check a tube catalogue and return it in MARS_GEOGRAPHIC; raise on any problem.

    Checks (all reported at once): a Mars CRS, one Point per row, unique non-missing tube
    ids, marsgeo's coordinate range rule (finite numbers, longitude in -360..360, latitude
    in -90..90, projected points on the map of Mars; see
    :func:`marsgeo.crs.coordinate_problems`), and, where the columns exist, every value that
    maps, popups and plans use:

    - ``sample_type`` one of :data:`SAMPLE_TYPES`; ``*_confidence`` one of "confirmed",
      "approximate", "inferred";
    - ``collected_sol`` and ``dropped_sol`` whole numbers from 0 to
      :data:`marsgeo.sols.SOL_MAX`;
    - ``dropped_utc``, ``collected_sol_start_utc`` and ``collected_sol_end_utc`` dates and
      times (ISO 8601 text is read; a time without a zone is UTC);
    - ``dropped_lmst`` a local time written ``HH:MM:SS``;
    - ``elev_m`` a finite number, ``position_uncertainty_m`` a finite number >= 0;
    - no ``tube_id`` column that disagrees with the index (one that repeats it is dropped).

    Empty cells pass everywhere but in the ids and coordinates.

    Parameters
    ----------
    tubes
        GeoDataFrame indexed by tube id.
    name
        What to call it in error messages.
    vocabulary
        Also hold ``sample_type`` and ``*_confidence`` to marsgeo's vocabularies (True). A map
        of other points (:func:`marsgeo.depot_map`) passes False: any text is drawn there.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy in :data:`marsgeo.crs.MARS_GEOGRAPHIC`, index named ``tube_id``; the UTC
        columns above as timezone-aware UTC datetimes.

    Raises
    ------
    marsgeo.errors.CRSError, marsgeo.errors.CatalogueError, marsgeo.errors.CoordinateError

    Examples
    --------
    >>> bad = load_depot().astype({"dropped_sol": object})
    >>> bad.loc[3, "dropped_sol"] = 661.5
    >>> validate_tubes(bad)
    Traceback (most recent call last):
    ...
    marsgeo.errors.CatalogueError: tubes: column 'dropped_sol' rows 3 hold 661.5; write ...
    """
    if not isinstance(name, str):
        msg = f"name={name!r} is not text; pass what to call the catalogue, e.g. 'tubes'."
        raise InputError(msg)
    if not isinstance(vocabulary, (bool, np.bool_)):
        msg = f"vocabulary={vocabulary!r} must be True or False."
        raise InputError(msg)
    if hasattr(tubes, "index") and isinstance(tubes.index, pd.Index):
        raise_collected(CatalogueError, check_unique_ids(tubes.index, name="tube_id"), what=name)
    out = check_points(tubes, name=name)
    problems, typed = _column_problems(out, vocabulary=bool(vocabulary))
    if "tube_id" in out.columns:
        if [*out["tube_id"]] == [*out.index]:
            out = out.drop(columns=["tube_id"])
        else:
            problems.append(
                "column 'tube_id' differs from the index of tube ids; make it the index "
                "(.set_index('tube_id')) or drop it"
            )
    raise_collected(CatalogueError, problems, what=name)
    for col, values in typed.items():
        out[col] = values
    out.index.name = "tube_id"
    return out


_NUMBER_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_LMST_TEXT = re.compile(r"[0-9]{2}:[0-9]{2}:[0-9]{2}")


def _missing(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if not pd.api.types.is_scalar(value):
        return False
    return bool(pd.isna(value))


def _number(value: Any) -> float:
    """Read a finite number (or its text); raise ValueError otherwise."""
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()):
        number = float(value.strip())
    elif is_real_number(value):
        number = float(value)
    else:
        raise ValueError(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _metres_up(value: Any) -> float:
    number = _number(value)
    if number < 0:
        raise ValueError(value)
    return number


def _sol(value: Any) -> int:
    number = _number(value)
    if not (number.is_integer() and 0 <= number <= SOL_MAX):
        raise ValueError(value)
    return int(number)


def _utc(value: Any) -> pd.Timestamp:
    """Read a date and time (or its ISO 8601 text) as UTC; naive means UTC."""
    if isinstance(value, str):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas' notes on guessed formats
            t = pd.Timestamp(value.strip())
    elif isinstance(value, (datetime.date, np.datetime64)):
        t = pd.Timestamp(value)
    else:
        raise ValueError(value)
    if pd.isna(t):
        raise ValueError(value)
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def _lmst(value: Any) -> str:
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S")
    if not isinstance(value, str) or not _LMST_TEXT.fullmatch(value.strip()):
        raise ValueError(value)
    try:
        parse_lmst(value)
    except InputError:
        raise ValueError(value) from None
    return value.strip()


_ISO = "write dates and times in ISO 8601, e.g. 2022-12-21T17:15:36Z"
# column -> (reader of a present value, what to write instead, the column's type)
_COLUMN_RULES: dict[str, tuple[Callable[[Any], Any], str, str]] = {
    "collected_sol": (_sol, f"write whole sol numbers 0..{SOL_MAX} (e.g. 337)", "int"),
    "dropped_sol": (_sol, f"write whole sol numbers 0..{SOL_MAX} (e.g. 653)", "int"),
    "dropped_utc": (_utc, _ISO, "utc"),
    "collected_sol_start_utc": (_utc, _ISO, "utc"),
    "collected_sol_end_utc": (_utc, _ISO, "utc"),
    "dropped_lmst": (_lmst, "write local mean solar times as HH:MM:SS, e.g. 13:38:22", "text"),
    "elev_m": (_number, "write finite numbers of metres, e.g. -2545.26", "float"),
    "position_uncertainty_m": (
        _metres_up,
        "write finite numbers of metres >= 0, e.g. 2.0",
        "float",
    ),
}


def _column_problems(
    out: gpd.GeoDataFrame, *, vocabulary: bool
) -> tuple[list[str], dict[str, pd.Series]]:
    """Check the columns maps, popups and plans use; give the problems and typed columns."""
    problems = []
    if vocabulary and "sample_type" in out.columns:
        bad = ~out["sample_type"].isin(SAMPLE_TYPES) & out["sample_type"].notna()
        if bad.any():
            found = sorted({repr(v) for v in out.loc[bad, "sample_type"]})
            problems.append(f"sample_type {', '.join(found)} not one of {SAMPLE_TYPES}")
    for col in [c for c in out.columns if vocabulary and str(c).endswith("_confidence")]:
        bad = ~out[col].isin(_CONFIDENCE) & out[col].notna() & (out[col] != "")
        if bad.any():
            found = sorted({repr(v) for v in out.loc[bad, col]})
            problems.append(f"{col} {', '.join(found)} not one of {_CONFIDENCE}")
    typed: dict[str, pd.Series] = {}
    for col, (read, fix, kind) in _COLUMN_RULES.items():
        if col not in out.columns or not isinstance(out[col], pd.Series):
            continue
        values: list[Any] = []
        bad_at = []
        for k, v in enumerate(out[col]):
            if _missing(v):
                values.append(None)
                continue
            try:
                values.append(read(v))
            except (ValueError, TypeError, OverflowError):
                bad_at.append(k)
        if bad_at:
            rows = show_values([out.index[k] for k in bad_at])
            shown = show_values([out[col].iloc[k] for k in bad_at])
            problems.append(
                f"column {col!r} rows {rows} hold {shown}; {fix}, or leave the cells empty"
            )
        else:
            typed[col] = _typed_column(out[col], values, kind)
    return problems, typed


def _typed_column(column: pd.Series, values: list[Any], kind: str) -> pd.Series:
    """Give the column in its type; a column already of that type is kept as it is."""
    dtype = column.dtype
    numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    if kind == "int":
        if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            return column
        if any(v is None for v in values):
            return pd.Series(values, index=column.index, dtype="Int64")
        return pd.Series(values, index=column.index, dtype="int64")
    if kind == "float":
        if numeric:
            return column
        return pd.Series([math.nan if v is None else v for v in values], index=column.index)
    if kind == "utc":
        if isinstance(dtype, pd.DatetimeTZDtype):
            converted: pd.Series = column.dt.tz_convert("UTC")
            return converted
        times: pd.Series = pd.to_datetime(
            pd.Series(values, index=column.index, dtype=object), utc=True
        )
        return times
    if all(isinstance(v, str) for v in column):
        return column
    return pd.Series(["" if v is None else v for v in values], index=column.index, dtype="str")


def _could_be_coordinate(cells: pd.Series) -> bool:
    """Tell whether a CSV column's cells are all numbers or missing, so could be a coordinate."""
    _, bad = number_cells(cells)
    return not bad


def _pick(raw: pd.DataFrame, wanted: str | None, candidates: tuple[str, ...], *, arg: str) -> str:
    """Find the column a CSV's coordinate comes from: ``wanted``, or the first candidate.

    ``raw`` holds the cells as written. Candidates match whatever their case; an exact match
    wins (the other case variants are then checked against the points like any column named
    like a coordinate); otherwise, of several columns that differ only by case, the one that
    holds numbers is taken, and if more than one could be the coordinate, the choice is the
    user's.
    """
    columns = [str(c) for c in raw.columns]
    if wanted is not None:
        if wanted in columns:
            return wanted
        close = [c for c in columns if c.lower() == wanted.lower()]
        hint = f" (names are case-sensitive: did you mean {close[0]!r}?)" if close else ""
        msg = f"{arg}={wanted!r} is not a column{hint}; the file has {columns}."
        raise CatalogueError(msg)
    what = arg.removesuffix("_col")
    for cand in candidates:
        found = [c for c in columns if c.lower() == cand]
        if len(found) == 1:
            return found[0]
        if not found:
            continue
        if cand in found:
            return cand
        numeric = [c for c in found if _could_be_coordinate(raw[c])]
        if len(numeric) == 1:
            return numeric[0]
        listed = ", ".join(repr(c) for c in found)
        msg = (
            f"columns {listed} could each be the {_COORDINATE[arg]}: their names differ only by "
            f"case. Say which to use with {arg}= (e.g. {arg}={numeric[0]!r}); the other is "
            "then kept only if it holds the same positions, so drop or rename it if not."
        )
        raise CatalogueError(msg)
    msg = (
        f"no {what} column found among {columns}; "
        f"name it with {arg}=... (looked for {list(candidates)})."
    )
    raise CatalogueError(msg)


def read_tubes(
    path: PathLike,
    *,
    crs: CRSLike | None = None,
    id_col: str | None = None,
    lon_col: str | None = None,
    lat_col: str | None = None,
    layer: str | int | None = None,
) -> gpd.GeoDataFrame:
    """Read a user's tube catalogue and validate it.

    Parameters
    ----------
    path
        A CSV file with longitude and latitude columns (separated by commas, semicolons or
        tabs: the header line tells), or a vector file geopandas reads (GeoJSON, GeoPackage,
        Shapefile, FlatGeobuf).
    crs
        What the coordinates are. For a CSV the default is :data:`MARS_GEOGRAPHIC`
        (planetocentric, east longitude); pass e.g. ``"IAU_2015:49901"`` for planetographic,
        west-positive columns. For a vector file it *relabels* the file (needed for Mars
        GeoJSON tagged CRS84); by default the file's own CRS is used and must be a Mars CRS.
    id_col
        Column holding the tube ids; it becomes the index (and is no longer a column). By
        default ``tube_id`` if the file has it, otherwise the tubes are numbered 1..n in file
        order. Ids that are all plain whole numbers become integers; any other ids
        (``"007"``, ``"A"``) are kept as text.
    lon_col, lat_col
        CSV columns, named exactly (two different columns); by default the first of ``lon,
        longitude, lon_e, x`` (and ``lat, latitude, lat_c, y``) whatever its case. Of columns
        whose names differ only by case (``lat``, ``Lat``), the one holding numbers is
        taken; if several do, name the one to use. Vector files have no such option: their
        points are their geometries.
    layer
        Layer of a multi-layer file (GeoPackage); required when the file has several. CSV
        tables have no layers.

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``tube_id``, CRS :data:`MARS_GEOGRAPHIC`, the file's other columns kept; a CSV's
        coordinates become ``lon``/``lat`` columns in MARS_GEOGRAPHIC, where they were.
        Other columns that say where the tubes are (named like a longitude or latitude, such
        as ``lon``, ``Latitude``, ``lat_c``, but not ``x`` / ``y``; or ``geometry_wkt``) must
        agree with the points to 1e-7 degrees in MARS_GEOGRAPHIC, and are then rewritten
        from them. In a CSV every column has one type, read from its cells as
        :func:`marsgeo.export` writes them: booleans, whole numbers (exactly; ``Int64`` if
        some are missing), numbers, ISO 8601 dates and times, or text as written (an empty
        cell as an empty string). Columns checked by :func:`validate_tubes` are typed as it
        says.

    Raises
    ------
    marsgeo.errors.DataFileError
        Missing, unreadable or malformed file (named with the fix): a folder, a symbolic link
        loop, no permission, lines with more or fewer values than the header, several layers
        and no ``layer``, contents GDAL had to drop.
    marsgeo.errors.CRSError
        No CRS, or an Earth CRS without ``crs=``.
    marsgeo.errors.CatalogueError, marsgeo.errors.CoordinateError
        No rows, missing columns, one column named for two uses, columns whose names differ
        only by case and could each be a coordinate, a CSV column named ``geometry``,
        duplicate ids, non-numbers, non-point geometry, coordinates that break the range
        rule, columns that disagree with the points, bad values in the columns
        :func:`validate_tubes` checks.
    marsgeo.errors.InputError
        ``lon_col`` / ``lat_col`` for a vector file, ``layer`` for a CSV table.
    """
    for arg, value in (("id_col", id_col), ("lon_col", lon_col), ("lat_col", lat_col)):
        if value is not None and not isinstance(value, str):
            msg = f"{arg}={value!r} is not a column name; pass the column's name as text."
            raise InputError(msg)
    p = existing_file(path)
    wanted = "tube_id" if id_col is None else id_col
    is_csv = p.suffix.lower() in (".csv", ".txt", ".tsv")
    aside = pd.DataFrame()
    if is_csv:
        if layer is not None:
            msg = (
                f"layer={layer!r} applies to files that hold layers (GeoPackage); {p.name} is "
                "a CSV table: drop layer=."
            )
            raise InputError(msg)
        gdf, aside = _read_csv_tubes(p, crs=crs, lon_col=lon_col, lat_col=lat_col, id_col=wanted)
    else:
        for arg, value in (("lon_col", lon_col), ("lat_col", lat_col)):
            if value is not None:
                msg = (
                    f"{arg}={value!r} applies to CSV tables only; the tubes of {p.name} are "
                    f"its geometries: drop {arg}=."
                )
                raise InputError(msg)
        gdf = read_vector_raw(p, crs=crs, layer=layer)
    have = [c for c in gdf.columns if c != gdf.geometry.name]
    if wanted in have:
        ids = _ids(gdf[wanted])
        gdf = gdf.drop(columns=[wanted])
        gdf.index = ids
    elif id_col is not None:
        msg = f"id_col={id_col!r} is not a column of {p.name}; it has {have}."
        raise CatalogueError(msg)
    else:
        gdf.index = pd.RangeIndex(1, len(gdf) + 1)
    if "tube_id" in gdf.columns:
        msg = (
            f"id_col={id_col!r} makes {id_col!r} the tube ids, but {p.name} also has a "
            "'tube_id' column; read with id_col='tube_id', or rename or drop that column."
        )
        raise CatalogueError(msg)
    gdf.index.name = "tube_id"
    name = f"tubes in {p.name}"
    out = validate_tubes(gdf, name=name)
    if is_csv:  # the CSV's own coordinates, now in MARS_GEOGRAPHIC
        lon, lat = lonlat(out)
        out["lon"] = lon
        out["lat"] = lat
    return _coordinate_columns(out, aside.set_axis(out.index), name=name)


def _coordinate_columns(tubes: gpd.GeoDataFrame, aside: pd.DataFrame, *, name: str) -> Any:
    """Rewrite the columns that say where the tubes are from the points, or refuse them.

    Such columns are named like a longitude or latitude (``lon``, ``Latitude``, ...; not
    ``x`` or ``y``) or ``geometry_wkt`` (as :func:`marsgeo.export` writes to CSV). ``tubes``
    is checked and in MARS_GEOGRAPHIC; ``aside`` holds columns taken out of it (a CSV's
    ``lon`` / ``lat`` beside the columns its points came from), dropped once they agree. A
    column agrees if each value is missing or within ``_AGREE_DEG`` of its point (longitudes
    modulo 360).
    """
    lon, lat = lonlat(tubes)
    wkt = gpd.GeoSeries(tubes.geometry).to_wkt(rounding_precision=-1).to_numpy()
    out = tubes.copy()
    problems = []
    for frame, kept in ((tubes, True), (aside, False)):
        for col in frame.columns:
            low = str(col).lower()
            if low in _LON_LIKE:
                bad = _disagreeing(frame[col], lon, None)
                want, axis = lon, "longitude"
            elif low in _LAT_LIKE:
                bad = _disagreeing(frame[col], None, lat)
                want, axis = lat, "latitude"
            elif low == "geometry_wkt":
                bad = _disagreeing(frame[col], lon, lat)
                want, axis = wkt, "position"
            else:
                continue
            if bad.any():
                rows = show_values(tubes.index[bad])
                held = show_values(frame[col][bad].tolist())
                where = show_values(want[bad].tolist())
                problems.append(
                    f"column {col!r} says rows {rows} are at {axis} {held}, but their points "
                    f"are at {where}; drop or rename the column "
                    "(a column that gives positions must agree with the points)"
                )
            elif kept:
                out[col] = want
    raise_collected(CatalogueError, problems, what=name)
    return out


def _disagreeing(values: pd.Series, lon: Any, lat: Any) -> Any:
    """Tell which values are more than ``_AGREE_DEG`` from the points (missing ones never are).

    The values are longitudes (``lat`` is None), latitudes (``lon`` is None) or WKT points.
    """
    bad = np.zeros(len(values), dtype=bool)
    for k, v in enumerate(values):
        if _missing(v):
            continue
        try:
            if lon is not None and lat is not None:
                point = shapely.from_wkt(v)
                if not isinstance(point, shapely.Point) or point.is_empty:
                    raise ValueError(v)
                x, y = point.x, point.y
            elif isinstance(v, (bool, np.bool_)):
                raise ValueError(v)
            else:
                x = y = _number(v)
        except (ValueError, TypeError, shapely.errors.ShapelyError):
            bad[k] = True
            continue
        if lon is not None:
            dx = (x - float(lon[k]) + 180.0) % 360.0 - 180.0
            bad[k] |= not abs(dx) <= _AGREE_DEG
        if lat is not None:
            bad[k] |= not abs(y - float(lat[k])) <= _AGREE_DEG
    return bad


def _ids(values: pd.Series) -> pd.Index:
    """Make tube ids: integers when every id is a plain whole number, else text as written."""
    text = values.astype("string")
    blank = text.isna() | (text.str.strip() == "")
    whole = text.str.fullmatch(r"-?(0|[1-9][0-9]{0,17})")
    raw: Any
    if not blank.any() and whole.all():
        raw = text.astype("int64").to_numpy()
    elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        raw = values.to_numpy()
    else:
        raw = values.astype(object).where(~blank.to_numpy(), None).to_numpy()
    index: pd.Index = pd.Index(raw, name="tube_id")
    return index


def _read_csv_tubes(
    p: Path, *, crs: Any, lon_col: str | None, lat_col: str | None, id_col: str
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Read a CSV catalogue, its points in the CSV's CRS (checked and converted later).

    The columns the points come from become ``lon`` and ``lat``, where they were; other
    columns of those names are given back apart, to be checked against the points.
    """
    source = mars_crs_argument(MARS_GEOGRAPHIC if crs is None else crs)
    table = read_csv_table(p, default_sep="\t" if p.suffix.lower() == ".tsv" else ",")
    df = table.frame.copy()
    if df.empty:
        msg = (
            f"{p.name} has a header line ({', '.join(map(str, df.columns))}) but no rows; "
            "add one line per tube below it."
        )
        raise CatalogueError(msg)
    if "geometry" in df.columns:
        msg = (
            f"{p.name} has a column named 'geometry', which would be replaced by the points "
            "made from its coordinates; rename that column (e.g. to geometry_wkt)."
        )
        raise CatalogueError(msg)
    if id_col in df.columns:
        df[id_col] = table.raw[id_col]  # ids as written: "007" and "7" are different tubes
    xcol = _pick(table.raw, lon_col, _LON_NAMES, arg="lon_col")
    ycol = _pick(table.raw, lat_col, _LAT_NAMES, arg="lat_col")
    if xcol == ycol:
        msg = (
            f"lon_col and lat_col both name column {xcol!r}; name the longitude column with "
            "lon_col= and the latitude column with lat_col=."
        )
        raise CatalogueError(msg)
    if id_col in (xcol, ycol):
        which = "lon_col" if id_col == xcol else "lat_col"
        msg = (
            f"id_col={id_col!r} is also the coordinate column ({which}); the tube ids and the "
            "coordinates need columns of their own."
        )
        raise CatalogueError(msg)
    problems = []
    coords = []
    for col in (xcol, ycol):
        values = df[col]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            coords.append(real_numbers(values, name=f"column {col!r} of {p.name}"))
            continue
        numbers, bad = number_cells(table.raw[col])  # e.g. zero-padded: 077.40
        if bad:
            cells = table.raw[col]
            where = ", ".join(f"{cells.iloc[k]!r} on line {table.lines[k]}" for k in bad[:5])
            more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
            problems.append(f"column {col!r} holds non-numbers: {where}{more}")
        coords.append(numbers)
    if problems:
        comma = "; write coordinates as numbers, fix the file."
        if table.sep != "," and any("," in str(c) for c in table.raw[[xcol, ycol]].stack()):
            comma = (
                "; write coordinates as numbers, fix the file (a decimal comma is read only "
                "if no column of the file writes numbers with a decimal point)."
            )
        msg = f"{p.name}: " + "; ".join(problems) + comma
        raise CatalogueError(msg)
    x, y = coords
    aside = df[[c for c in ("lon", "lat") if c in df.columns and c not in (xcol, ycol)]]
    renamed = df.drop(columns=aside.columns).rename(columns={xcol: "lon", ycol: "lat"})
    points = gpd.GeoDataFrame(renamed, geometry=gpd.points_from_xy(x, y), crs=source)
    return points, aside


def drop_order(tubes: gpd.GeoDataFrame) -> pd.Series:
    """Rank the tubes 1..n in the order they were dropped.

    By drop time (``dropped_utc``) where every tube has one, else by ``dropped_sol`` and
    ``dropped_lmst``, else in row order; ties keep row order.

    Parameters
    ----------
    tubes
        A tube catalogue (e.g. :func:`load_depot`).

    Returns
    -------
    pandas.Series
        Integers 1..n, indexed like ``tubes``.

    Examples
    --------
    >>> order = drop_order(load_depot())
    >>> order.sort_values().index[:3].tolist()  # the first three tubes dropped
    [1, 2, 3]
    """
    if not isinstance(tubes, pd.DataFrame):
        msg = (
            f"tubes must be a tube catalogue (a GeoDataFrame such as marsgeo.load_depot()), "
            f"got {type(tubes).__name__}."
        )
        raise InputError(msg)
    n = len(tubes)
    column = "dropped_utc"
    try:
        if "dropped_utc" in tubes.columns and tubes["dropped_utc"].notna().all():
            key = pd.Series(pd.to_datetime(tubes["dropped_utc"], utc=True).to_numpy())
        elif "dropped_sol" in tubes.columns and tubes["dropped_sol"].notna().all():
            column = "dropped_sol"
            lmst = tubes["dropped_lmst"].astype(str) if "dropped_lmst" in tubes.columns else ""
            sols = real_numbers(tubes["dropped_sol"], name="column 'dropped_sol' of tubes")
            key = pd.Series(pd.Series(sols).map("{:012.3f}".format).to_numpy() + " " + lmst)
        else:
            return pd.Series(range(1, n + 1), index=tubes.index, name="drop_order")
    except (TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, InputError):
            raise
        msg = f"column {column!r} of tubes cannot be ordered ({exc}); give times or sols."
        raise InputError(msg) from None
    ranks = key.rank(method="first").to_numpy().astype(int)
    return pd.Series(ranks, index=tubes.index, name="drop_order")
