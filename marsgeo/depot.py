"""The Three Forks tube catalogue, and users' own tube catalogues.

:func:`load_depot` returns the ten tubes Perseverance dropped at Three Forks between sol 653
(2022-12-21) and sol 690 (2023-01-28), in drop order, with their metadata and provenance.
The facts live in ``marsgeo/data/three_forks_tubes.csv``, a file a person can read and cite;
the drop dates are computed from the drop sol and LMST by :mod:`marsgeo.sols`.

Tube positions are **inferred** (see ``marsgeo/data/sources.json``, key ``mmgis_waypoints``):
each tube is where the rover was parked when it dropped it, within about 1-2 m.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from marsgeo._io import PathLike, existing_file, read_vector
from marsgeo._validate import check_points, check_unique_ids
from marsgeo.crs import MARS_GEOGRAPHIC, require_mars_crs, to_mars_lonlat
from marsgeo.errors import CatalogueError, CoordinateError, DataFileError, raise_collected
from marsgeo.sols import sol_span_utc, sol_to_utc

__all__ = ["SAMPLE_TYPES", "load_depot", "read_tubes", "sources", "validate_tubes"]

#: Sample types in the Three Forks catalogue (column ``sample_type``).
SAMPLE_TYPES = ("igneous", "sedimentary", "regolith", "atmospheric", "witness")
_CONFIDENCE = ("confirmed", "approximate", "inferred")

_LON_NAMES = ("lon", "longitude", "lon_e", "x")
_LAT_NAMES = ("lat", "latitude", "lat_c", "y")


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


def validate_tubes(tubes: Any, *, name: str = "tubes") -> gpd.GeoDataFrame:
    """Check a tube catalogue and return it in MARS_GEOGRAPHIC; raise on any problem.

    Checks (all reported at once): a Mars CRS, one Point per row, finite coordinates with
    latitude in -90..90, unique non-missing tube ids, and, where the columns exist, known
    ``sample_type`` and confidence values.

    Parameters
    ----------
    tubes
        GeoDataFrame indexed by tube id.
    name
        What to call it in error messages.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy in :data:`marsgeo.crs.MARS_GEOGRAPHIC`, index named ``tube_id``.

    Raises
    ------
    marsgeo.errors.CRSError, marsgeo.errors.CatalogueError, marsgeo.errors.CoordinateError
    """
    if hasattr(tubes, "index"):
        raise_collected(CatalogueError, check_unique_ids(tubes.index, name="tube_id"), what=name)
    out = check_points(tubes, name=name)
    problems = []
    if "sample_type" in out.columns:
        bad = ~out["sample_type"].isin(SAMPLE_TYPES) & out["sample_type"].notna()
        if bad.any():
            found = sorted({repr(v) for v in out.loc[bad, "sample_type"]})
            problems.append(f"sample_type {', '.join(found)} not one of {SAMPLE_TYPES}")
    for col in [c for c in out.columns if str(c).endswith("_confidence")]:
        bad = ~out[col].isin(_CONFIDENCE) & out[col].notna() & (out[col] != "")
        if bad.any():
            found = sorted({repr(v) for v in out.loc[bad, col]})
            problems.append(f"{col} {', '.join(found)} not one of {_CONFIDENCE}")
    raise_collected(CatalogueError, problems, what=name)
    out.index.name = "tube_id"
    return out


def _pick(columns: pd.Index, wanted: str | None, candidates: tuple[str, ...], *, arg: str) -> str:
    if wanted is not None:
        if wanted not in columns:
            msg = f"{arg}={wanted!r} is not a column; the file has {list(columns)}."
            raise CatalogueError(msg)
        return wanted
    lower = {str(c).lower(): str(c) for c in columns}
    for cand in candidates:
        if cand in lower:
            return lower[cand]
    msg = (
        f"no {arg.removesuffix('_col')} column found among {list(columns)}; "
        f"name it with {arg}=... (looked for {list(candidates)})."
    )
    raise CatalogueError(msg)


def read_tubes(
    path: PathLike,
    *,
    crs: Any = None,
    id_col: str | None = None,
    lon_col: str | None = None,
    lat_col: str | None = None,
    layer: str | int | None = None,
) -> gpd.GeoDataFrame:
    """Read a user's tube catalogue and validate it.

    Parameters
    ----------
    path
        A CSV file with longitude and latitude columns, or a vector file geopandas reads
        (GeoJSON, GeoPackage, Shapefile, FlatGeobuf).
    crs
        What the coordinates are. For a CSV the default is :data:`MARS_GEOGRAPHIC`
        (planetocentric, east longitude); pass e.g. ``"IAU_2015:49901"`` for planetographic,
        west-positive columns. For a vector file it *relabels* the file (needed for Mars
        GeoJSON tagged CRS84); by default the file's own CRS is used and must be a Mars CRS.
    id_col
        Column holding the tube ids. By default ``tube_id`` if the file has it, otherwise the
        tubes are numbered 1..n in file order. Ids that are all plain whole numbers become
        integers; any other ids (``"007"``, ``"A"``) are kept as text.
    lon_col, lat_col
        CSV columns; by default the first of ``lon, longitude, lon_e, x`` (and ``lat,
        latitude, lat_c, y``), case-insensitive.
    layer
        Layer of a multi-layer file (GeoPackage).

    Returns
    -------
    geopandas.GeoDataFrame
        Index ``tube_id``, CRS :data:`MARS_GEOGRAPHIC`, the file's other columns kept; a CSV's
        ``lon``/``lat`` columns are rewritten in MARS_GEOGRAPHIC.

    Raises
    ------
    marsgeo.errors.DataFileError
        Missing or unreadable file.
    marsgeo.errors.CRSError
        No CRS, or an Earth CRS without ``crs=``.
    marsgeo.errors.CatalogueError, marsgeo.errors.CoordinateError
        Missing columns, duplicate ids, non-point geometry, NaN or out-of-range coordinates.
    """
    p = existing_file(path)
    wanted = id_col or "tube_id"
    if p.suffix.lower() in (".csv", ".txt", ".tsv"):
        gdf = _read_csv_tubes(p, crs=crs, lon_col=lon_col, lat_col=lat_col, id_col=wanted)
    else:
        gdf = read_vector(p, crs=crs, layer=layer)
    if wanted in gdf.columns:
        gdf = gdf.set_index(_ids(gdf[wanted]))
    elif id_col is not None:
        have = [c for c in gdf.columns if c != gdf.geometry.name]
        msg = f"id_col={id_col!r} is not a column of {p.name}; it has {have}."
        raise CatalogueError(msg)
    else:
        gdf.index = pd.RangeIndex(1, len(gdf) + 1)
    gdf.index.name = "tube_id"
    return validate_tubes(gdf, name=f"tubes in {p.name}")


def _ids(values: pd.Series) -> pd.Index:
    """Make tube ids: integers when every id is a plain whole number, else text as written."""
    text = values.astype("string")
    if text.notna().all() and text.str.fullmatch(r"-?(0|[1-9][0-9]*)").all():
        raw = text.astype("int64").to_numpy()
    elif pd.api.types.is_numeric_dtype(values):
        raw = values.to_numpy()
    else:
        raw = values.astype(object).to_numpy()
    index: pd.Index = pd.Index(raw, name="tube_id")
    return index


def _read_csv_tubes(
    p: Path, *, crs: Any, lon_col: str | None, lat_col: str | None, id_col: str
) -> gpd.GeoDataFrame:
    source = require_mars_crs(MARS_GEOGRAPHIC if crs is None else crs)
    try:
        # ids stay text until _ids decides: "007" and "7" are different tubes
        df = pd.read_csv(p, sep="\t" if p.suffix.lower() == ".tsv" else ",", dtype={id_col: str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        msg = f"path={str(p)!r} cannot be read as CSV ({exc}); check the file."
        raise DataFileError(msg) from exc
    xcol = _pick(df.columns, lon_col, _LON_NAMES, arg="lon_col")
    ycol = _pick(df.columns, lat_col, _LAT_NAMES, arg="lat_col")
    try:
        x = pd.to_numeric(df[xcol], errors="raise").to_numpy(dtype=float)
        y = pd.to_numeric(df[ycol], errors="raise").to_numpy(dtype=float)
    except (ValueError, TypeError) as exc:
        msg = f"columns {xcol!r}/{ycol!r} of {p.name} hold non-numbers ({exc}); fix the file."
        raise CatalogueError(msg) from exc
    if not source.is_projected:
        wild = np.isfinite(x) & (np.abs(x) > 360.0)
        if wild.any():
            msg = (
                f"column {xcol!r} of {p.name} has longitudes {sorted(set(x[wild].tolist()))[:5]} "
                "outside -360..360; check the column, or pass crs= for projected coordinates."
            )
            raise CoordinateError(msg)
    finite = np.isfinite(x) & np.isfinite(y)
    lon = np.full_like(x, np.nan)
    lat = np.full_like(y, np.nan)
    if finite.any():
        lon[finite], lat[finite] = to_mars_lonlat(x[finite], y[finite], source)
    df = df.drop(columns=[xcol, ycol]).assign(lon=lon, lat=lat)
    # latitude outside -90..90 must reach validation untouched, not be "converted"
    raw_geographic = not source.is_projected
    if raw_geographic:
        outside = finite & (np.abs(y) > 90.0)
        df.loc[outside, "lat"] = y[outside]
    return gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=MARS_GEOGRAPHIC
    )
