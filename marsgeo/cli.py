"""The ``marsgeo`` command line: thin argument parsing over the public functions.

Exit codes: 0 success; 1 bad input, an unreadable or unwritable file, or a system error such
as a full disk, a closed standard output or a deleted working folder (one line on stderr
naming the fix); 2 a usage error (one line); 3 an unexpected internal error (one line; please
report it); 130 interrupted (Ctrl-C). A broken pipe on standard output (``marsgeo tubes |
head``) ends the command quietly.

Python warnings (and GDAL's log messages) raised while a command runs are shown after it,
one line each, prefixed ``marsgeo <command>: warning:``; warnings meant for developers
(deprecations) are not shown. A command that fails shows only its error line.

Errors speak the command line: a library error's parameter names (``lon_col=``,
``range_m=``, ``HelicopterSpec(max_relays=...)``) are shown as the flags that set them
(``--lon-col``, ``--range``, ``--max-relays N``), and an error of a file or value named by a
flag starts with that flag when its text names none. A ``LON,LAT`` far from the depot that
would be near it swapped is refused with the swapped value to pass.

The module imports nothing heavy at load time, and builds the options of the one command
run: ``marsgeo --help`` loads no pandas; ``tubes`` and ``info`` load no folium or scipy,
``tubes`` no rasterio either. Run as a process (:mod:`marsgeo.__main__`), Ctrl-C at any
moment, even while pandas and GDAL are still loading, ends the command with one line and
exit code 130.
"""

from __future__ import annotations

import errno
import os
import sys
from contextlib import contextmanager, suppress

# `typing` is not imported at run time: the less this module loads, the sooner Ctrl-C is
# handled (mypy takes any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterator, Sequence
    from typing import Any, NoReturn, TextIO

    import pandas as pd

FORMATS = ("table", "csv", "json", "geojson")
#: The commands, with their one-line help.
COMMANDS = {
    "tubes": "list the tubes with their metadata",
    "distances": "geodesic distances between tubes, or from a point",
    "plan": "plan the helicopter pickup of the tubes",
    "map": "write the interactive map of the depot (HTML)",
    "figure": "write a figure of the depot for a paper (PNG, PDF or SVG)",
    "terrain": "write the slope or hillshade of a DTM (GeoTIFF), block by block",
    "info": "versions of marsgeo, PROJ, GDAL; Mars CRS availability",
}
#: File extensions ``--output`` writes (as :data:`marsgeo.io.FORMATS`, not imported here).
OUTPUT_EXTENSIONS = (".gpkg", ".fgb", ".geojson", ".csv", ".kml", ".shp")
#: Named points ``distances --from`` takes besides LON,LAT.
FROM_NAMES = ("landing-site", "depot-centroid")
#: A LON,LAT farther than this from the depot whose swap lies within it was swapped [m].
SWAP_NEAR_M = 100_000.0

#: Bounds of the numeric options (shown in ``--help``); beyond them a plan is not meaningful
#: for a depot and would only take long.
HELICOPTERS_MAX = 50
RANGE_MAX_M = 100_000.0
FLIGHTS_PER_SOL_MAX = 10
MAX_RELAYS_MAX = 20
TIME_LIMIT_MAX_S = 3600.0
START_SOL_MAX = 100_000

_NEGATIVE_HINT = (
    "a value that starts with '-' (a negative longitude) needs '=': write e.g. "
    "{option}=-102.59,-18.45"
)
_LONLAT_OPTIONS = ("--lander", "--from")


# --- argument types: one-line usage errors -----------------------------------------------------


def _shown(text: str) -> str:
    from marsgeo.errors import shorten

    return shorten(repr(text))


def _whole(low: int, high: int) -> Callable[[str], int]:
    """Make an argparse type: a whole number in low..high."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            msg = f"{_shown(text)} is not a whole number; pass one from {low} to {high}"
            raise _type_error(msg) from None
        if not low <= value <= high:
            msg = f"{value} is out of range; pass a whole number from {low} to {high}"
            raise _type_error(msg)
        return value

    parse.__name__ = "whole number"
    return parse


def _metres(text: str) -> float:
    """Parse a distance in metres, > 0 and at most RANGE_MAX_M (an argparse type)."""
    import math

    try:
        value = float(text.strip())
    except ValueError:
        msg = f"{_shown(text)} is not a number of metres; pass e.g. 700"
        raise _type_error(msg) from None
    if not math.isfinite(value) or not 0 < value <= RANGE_MAX_M:
        msg = f"{value:g} m is out of range; pass a number of metres > 0 and <= {RANGE_MAX_M:g}"
        raise _type_error(msg)
    return value


class Position(tuple[float, float]):
    """A LON,LAT given on the command line: (lon, lat), with the text as written."""

    text: str = ""


def _lonlat(option: str) -> Callable[[str], Position]:
    """Make an argparse type: LON,LAT in degrees, east longitude first."""

    def parse(text: str) -> Position:
        import math

        try:
            lon, lat = (float(v) for v in text.replace(" ", "").split(","))
        except ValueError:
            msg = (
                f"{_shown(text)} is not LON,LAT; write e.g. {option} 77.4096,18.4524 "
                f"(a negative longitude as {option}=-102.59,-18.45)"
            )
            raise _type_error(msg) from None
        if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lat) > 90 or abs(lon) > 360:
            msg = (
                f"{_shown(text)} is not a position on Mars: longitude must be in -360..360 and "
                "latitude in -90..90 (longitude first)"
            )
            raise _type_error(msg)
        position = Position((lon, lat))
        position.text = text.replace(" ", "")
        return position

    parse.__name__ = "LON,LAT"
    return parse


def _origin(text: str) -> Position | str:
    """Parse ``--from``: a named point or LON,LAT (an argparse type)."""
    name = text.strip().lower()
    if name in FROM_NAMES:
        return name
    if "," not in text:
        msg = f"{_shown(text)} is not LON,LAT nor one of {', '.join(FROM_NAMES)}"
        raise _type_error(msg)
    return _lonlat("--from")(text)


def _seconds(text: str) -> float:
    """Parse a time limit in seconds, > 0 and at most TIME_LIMIT_MAX_S (an argparse type)."""
    import math

    try:
        value = float(text.strip())
    except ValueError:
        msg = f"{_shown(text)} is not a number of seconds; pass e.g. 5"
        raise _type_error(msg) from None
    if not math.isfinite(value) or not 0 < value <= TIME_LIMIT_MAX_S:
        msg = f"{value:g} s is out of range; pass seconds > 0 and <= {TIME_LIMIT_MAX_S:g}"
        raise _type_error(msg)
    return value


def _type_error(message: str) -> Exception:
    import argparse

    return argparse.ArgumentTypeError(message)


# --- output ----------------------------------------------------------------------------------


class _OutputError(OSError):
    """Writing to standard output failed (closed, full disk, broken pipe)."""


class _Output:
    """Standard output, whose write errors are told apart from every other error."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream

    def _fail(self, exc: BaseException | None) -> NoReturn:
        code = getattr(exc, "errno", None)
        if not isinstance(code, int):  # None, or "I/O operation on closed file"
            code = errno.EBADF
        raise _OutputError(code, os.strerror(code)) from exc

    def write(self, text: str) -> int:
        if self.stream is None:
            self._fail(None)
        try:
            return self.stream.write(text)
        except (OSError, ValueError) as exc:
            self._fail(exc)

    def flush(self) -> None:
        if self.stream is None:
            return
        try:
            self.stream.flush()
        except (OSError, ValueError) as exc:
            self._fail(exc)


# --- errors in the command line's words ------------------------------------------------------

#: Library parameters -> the flags that set them, for each place the command line calls the
#: library (a "door"); an error raised there is shown with the flags.
CATALOGUE_FLAGS = {
    "path": "--catalogue",
    "crs": "--crs",
    "layer": "--layer",
    "lon_col": "--lon-col",
    "lat_col": "--lat-col",
    "id_col": "--id-col",
}
PLAN_FLAGS = {
    "lander": "--lander",
    "helicopters": "--helicopters",
    "range_m": "--range",
    "flights_per_sol": "--flights-per-sol",
    "max_relays": "--max-relays",
    "time_limit_s": "--time-limit",
    "nights_at_lander": "--nights-at-lander",
    "start_sol": "--start-sol",
    "on_unreachable": "--skip-unreachable",
    "no_fly": "--no-fly",
    "hazard": "--hazards",
}
NO_FLY_FLAGS = {"path": "--no-fly", "crs": "--no-fly-crs", "layer": "--no-fly-layer"}
MAP_FLAGS = {"basemap": "--basemap", "terrain": "--terrain", "path": "--html"}
TERRAIN_FLAGS = {
    "source": "DTM",
    "path": "--output",
    "kind": "--kind",
    "azimuth_deg": "--azimuth",
    "altitude_deg": "--altitude",
    "crs": "--crs",
}
#: File extensions ``terrain --output`` writes.
TERRAIN_EXTENSIONS = (".tif", ".tiff")
#: File extensions ``figure --output`` writes (as :data:`marsgeo.plot.FIGURE_FORMATS`, not
#: imported here: matplotlib is an optional extra).
FIGURE_EXTENSIONS = (".png", ".pdf", ".svg")
#: Figure sizes in inches (width, height): the depot, and the depot above the plan's schedule.
FIGURE_SIZE = (7.0, 6.0)
FIGURE_SIZE_PLAN = (7.0, 8.5)
#: The smallest figure that holds the map above its schedule (``figure --plan``), inches.
PLAN_SIZE_MIN = (6.5, 8.0)
#: Bounds of ``figure --size`` (inches, each side) and ``--dpi`` (dots per inch).
FIGURE_INCHES_MAX = 50.0
FIGURE_DPI_MAX = 1200
#: Library parameters of a figure -> the flags that set them.
FIGURE_FLAGS = {"raster": "--dtm", "path": "--output", "dpi": "--dpi"}

# Python spellings of a fix -> the command line's ({flag} is the flag of the parameter named)
_FIXES: tuple[tuple[str, str], ...] = (
    # "pass crs=marsgeo.crs.MARS_GEOGRAPHIC, that is crs='IAU_2015:49900' (command line: ...)"
    (
        r"\b(crs)=marsgeo\.crs\.MARS_GEOGRAPHIC, that is crs='IAU_2015:49900' "
        r"\(command line: --crs IAU_2015:49900\)",
        "{flag} IAU_2015:49900",
    ),
    # "layer='name' (command line: --layer name)", "crs= (command line: --crs)"
    (r"\b(\w+)=\S* \(command line: --[\w-]+ ?([^)]*)\)", "{flag} \\2"),
    # ".set_crs(marsgeo.crs.MARS_GEOGRAPHIC, allow_override=True)": relabelling
    (r"\.set_(crs)\(marsgeo\.crs\.MARS_GEOGRAPHIC, allow_override=True\)", "{flag} IAU_2015:49900"),
    (r"(?:marsgeo\.)?HelicopterSpec\((\w+)=\.\.\.(?:, \.\.\.)?\)", "{flag} N"),
    (r"\b(on_unreachable)='skip'", "{flag}"),
)


def _speak_cli(text: str, flags: dict[str, str]) -> str:
    """Rewrite a library message with the flags that set its parameters."""
    import re

    def fix(template: str) -> Callable[[re.Match[str]], str]:
        def repl(match: re.Match[str]) -> str:
            flag = flags.get(match.group(1))
            if flag is None:
                return match.group(0)
            return match.expand(template.replace("{flag}", flag)).rstrip()

        return repl

    for pattern, template in _FIXES:
        text = re.sub(pattern, fix(template), text)
    text = text.replace("marsgeo.crs.MARS_GEOGRAPHIC", "IAU_2015:49900")
    for name, flag in flags.items():
        # "drop lon_col=." -> "drop --lon-col."; "range_m=700" -> "--range 700"
        text = re.sub(rf"(?<![\w.-]){name}=(?=[\s.,;:)]|$)", flag, text)
        text = re.sub(rf"(?<![\w.-]){name}=", f"{flag} ", text)
        if "_" in name or name == "crs":  # a bare name that is only a parameter's
            text = re.sub(rf"(?<![\w.-]){name}\b(?![=(])", flag, text)
        else:  # "basemap 'hirse'", "no layer 'x'": the name, then the value
            text = re.sub(rf"(?<![\w.-]){name} (?=['\"])", f"{flag} ", text)
    return text


class FlagError(Exception):
    """A library error, its message in the command line's words (exit code 1)."""


@contextmanager
def _door(flags: dict[str, str], *, flag: str | None = None) -> Iterator[None]:
    """Show the library errors raised inside with the flags that set their parameters.

    ``flag`` is the option whose value is being used: an error that names no option
    (e.g. "raster 'x.tif' does not exist") starts with it.
    """
    from marsgeo.errors import MarsGeoError

    try:
        yield
    except MarsGeoError as exc:
        text = _speak_cli(str(exc), flags)
        named = [*flags.values(), *([flag] if flag else [])]
        if flag is not None and not any(f in text for f in named):
            text = f"{flag}: {text}"
        raise FlagError(text) from exc


# --- the commands ------------------------------------------------------------------------------


def _catalogue(args: argparse.Namespace) -> Any:
    import marsgeo

    if args.catalogue is None:
        given = [
            flag
            for flag, value in (
                ("--crs", args.crs),
                ("--layer", args.layer),
                ("--lon-col", args.lon_col),
                ("--lat-col", args.lat_col),
                ("--id-col", args.id_col),
            )
            if value is not None
        ]
        if given:
            from marsgeo.errors import InputError

            msg = (
                f"{', '.join(given)} describe(s) a catalogue file, but no --catalogue PATH was "
                "given; pass --catalogue PATH, or drop them to use the Three Forks depot."
            )
            raise InputError(msg)
        return marsgeo.load_depot()
    with _door(CATALOGUE_FLAGS, flag="--catalogue"):
        return marsgeo.read_tubes(
            args.catalogue,
            crs=args.crs,
            layer=args.layer,
            lon_col=args.lon_col,
            lat_col=args.lat_col,
            id_col=args.id_col,
        )


def _emit(
    frame: pd.DataFrame,
    fmt: str,
    out: _Output,
    *,
    table_columns: list[str] | None = None,
    float_digits: int = 2,
) -> None:
    import geopandas as gpd
    import pandas as pd

    from marsgeo.errors import InputError
    from marsgeo.io import (
        csv_text,
        geojson_text,
        index_as_columns,
        json_records_text,
        plain_values,
    )

    if fmt == "geojson":
        if not isinstance(frame, gpd.GeoDataFrame):
            msg = "--format geojson needs geometries; this output has none, use csv or json."
            raise InputError(msg)
        out.write(geojson_text(frame) + "\n")
        return
    table = pd.DataFrame(frame.drop(columns=["geometry"], errors="ignore"))
    if fmt == "csv":
        out.write(csv_text(table, index=True))
    elif fmt == "json":
        out.write(json_records_text(table, index=True) + "\n")
    else:
        plain = plain_values(index_as_columns(table), timespec="seconds")
        shown = (
            plain
            if table_columns is None
            else plain[[c for c in plain.columns if c in table_columns]]
        )
        with pd.option_context(
            "display.width",
            200,
            "display.max_columns",
            50,
            "display.max_rows",
            500,
            "display.float_format",
            lambda v: f"{v:.{float_digits}f}",
        ):
            out.write(shown.to_string(index=False))
            out.write("\n")


def _export(
    frame: pd.DataFrame, path: str, flag: str, args: argparse.Namespace, out: _Output, err: TextIO
) -> None:
    """Write ``frame`` with :func:`marsgeo.export`; say where, and what a Shapefile renamed."""
    import marsgeo

    if path.lower().endswith(".shp"):
        from marsgeo.io import index_as_columns, shapefile_cut_texts, shapefile_field_names

        named = any(n is not None for n in frame.index.names)
        table = index_as_columns(frame) if named else frame
        columns = [c for c in table.columns if c != getattr(frame, "_geometry_column_name", "")]
        renamed = {k: v for k, v in shapefile_field_names(columns).items() if k != v}
        if renamed:
            listed = ", ".join(f"{k} -> {v}" for k, v in renamed.items())
            _print(
                err,
                f"marsgeo {args.command}: note: {flag} {path}: Shapefile field names are at "
                f"most 10 characters: {listed}",
            )
        cut = shapefile_cut_texts(frame)
        if cut:
            listed = "; ".join(f"{k} (rows {', '.join(map(str, v))})" for k, v in cut.items())
            _print(
                err,
                f"marsgeo {args.command}: note: {flag} {path}: a Shapefile holds at most 254 "
                f"bytes of text a field; cut to that: {listed} (.gpkg keeps them whole)",
            )
    with _door({"path": flag, "layer": flag}, flag=flag):
        written = marsgeo.export(frame, path)
    if flag != "--output" and args.output is None and args.format != "table":
        # standard output carries the data: say it on stderr
        _print(err, f"marsgeo {args.command}: note: wrote {written}")
    else:
        out.write(f"wrote {written}\n")


def _write_or_emit(
    frame: pd.DataFrame, args: argparse.Namespace, out: _Output, err: TextIO, **kw: Any
) -> None:
    if getattr(args, "output", None) is not None:
        _export(frame, args.output, "--output", args, out, err)
    else:
        _emit(frame, args.format, out, **kw)


def _check_output(path: str | None, flag: str, *, extensions: Sequence[str] = ()) -> None:
    """Refuse a bad output path before any work is done."""
    from marsgeo.io import FORMATS, check_output

    if path is not None:
        with _door({"path": flag}, flag=flag):
            check_output(path, extensions=tuple(extensions or FORMATS))


def _cmd_tubes(args: argparse.Namespace, out: _Output, err: TextIO) -> int:
    _check_output(args.output, "--output")
    tubes = _catalogue(args)
    from marsgeo.depot import SUMMARY_COLUMNS

    columns: list[str] | None = list(SUMMARY_COLUMNS)
    if args.catalogue is not None:
        columns = None
    _write_or_emit(tubes, args, out, err, table_columns=columns, float_digits=8)
    return 0


def _centre(tubes: Any) -> tuple[float, float]:
    """Return the tubes' centre: the direction of their mean unit vector (MARS_GEOGRAPHIC)."""
    from marsgeo.crs import mean_lonlat, to_mars_geographic

    points = to_mars_geographic(tubes).geometry
    return mean_lonlat(points.x.to_numpy(), points.y.to_numpy())


def _not_swapped(flag: str, position: Position, tubes: Any) -> None:
    """Refuse a LON,LAT far from the depot that would be near it with its values swapped."""
    from marsgeo.crs import mars_geod
    from marsgeo.errors import CoordinateError

    lon, lat = position
    if abs(lon) > 90:  # swapped, the longitude would be a latitude out of range
        return
    c_lon, c_lat = _centre(tubes)
    geod = mars_geod()
    as_given = float(geod.inv(c_lon, c_lat, lon, lat)[2])
    swapped = float(geod.inv(c_lon, c_lat, lat, lon)[2])
    if as_given > SWAP_NEAR_M and swapped <= SWAP_NEAR_M:
        lon_text, lat_text = (position.text or f"{lon!r},{lat!r}").split(",")
        fixed = f"{lat_text},{lon_text}"
        written = f"{flag}={fixed}" if fixed.startswith("-") else f"{flag} {fixed}"
        msg = (
            f"{flag} {position.text or f'{lon!r},{lat!r}'} is {as_given / 1000:.0f} km from the "
            f"depot centre ({c_lon:.4f}, {c_lat:.4f}), and {swapped / 1000:.1f} km with its "
            f"values swapped: did you swap longitude and latitude? ({written})"
        )
        raise CoordinateError(msg)


def _cmd_distances(args: argparse.Namespace, out: _Output, err: TextIO) -> int:
    import marsgeo
    from marsgeo.errors import InputError

    _check_output(args.output, "--output")
    kind = args.kind or "nearest"
    if args.origin is not None and args.kind is not None:
        msg = (
            f"--from and --kind {args.kind} are two different outputs; pass one of them "
            "(--from: distance and bearing of every tube from a point)."
        )
        raise InputError(msg)
    if args.origin is None and kind == "matrix":
        if args.format == "geojson" and args.output is None:
            msg = "--format geojson needs geometries; the matrix has none, use --kind pairs."
            raise InputError(msg)
        if args.output is not None and not str(args.output).lower().endswith(".csv"):
            msg = (
                f"--output {args.output!r}: the matrix has no geometry; write it as CSV "
                "(a path ending .csv)."
            )
            raise InputError(msg)
    tubes = _catalogue(args)
    if args.origin is not None:
        _distances_from(args, tubes, out, err)
    elif kind == "matrix":
        _write_or_emit(marsgeo.distance_matrix(tubes), args, out, err)
    elif kind == "nearest":
        _write_or_emit(marsgeo.nearest_neighbours(tubes), args, out, err)
    else:
        _write_or_emit(marsgeo.pairwise_distances(tubes), args, out, err)
    if args.origin is None and args.format == "table" and kind == "nearest" and args.output is None:
        nn = marsgeo.nearest_neighbours(tubes)["distance_m"]
        out.write(
            f"\nnearest-neighbour spacing: min {nn.min():.2f} m, median "
            f"{nn.median():.2f} m, max {nn.max():.2f} m (geodesic, Mars sphere)\n"
        )
    return 0


def _distances_from(args: argparse.Namespace, tubes: Any, out: _Output, err: TextIO) -> None:
    import geopandas as gpd

    from marsgeo.distance import distances_from

    origin = args.origin
    if origin == "landing-site":
        from marsgeo.jezero import LANDING_SITE

        point: tuple[float, float] = LANDING_SITE
        where = "Octavia E. Butler Landing"
    elif origin == "depot-centroid":
        point = _centre(tubes)
        where = "the tubes' centre"
    else:
        _not_swapped("--from", origin, tubes)
        point, where = origin, "the point"
    with _door({"origin": "--from", "points": "--catalogue"}, flag="--from"):
        result = distances_from(tubes, point)
    frame = gpd.GeoDataFrame(result, geometry=tubes.geometry.values, crs=tubes.crs)
    _write_or_emit(frame, args, out, err)
    if args.format == "table" and args.output is None:
        d = result["distance_m"]
        out.write(
            f"\nfrom {where} ({point[0]:.6f}, {point[1]:.6f}): min {d.min():.2f} m, max "
            f"{d.max():.2f} m (geodesic, Mars sphere; bearing clockwise from north)\n"
        )


def _lander(args: argparse.Namespace, err: TextIO, tubes: Any) -> tuple[float, float]:
    """Return the --lander position, or the assumed one, announced as such on stderr."""
    from marsgeo.routing import ASSUMED_LANDER, ASSUMED_LANDER_NOTE

    if args.lander is not None:
        _not_swapped("--lander", args.lander, tubes)
        lander: tuple[float, float] = args.lander
        return lander
    print(f"marsgeo {args.command}: note: {ASSUMED_LANDER_NOTE}; pass --lander LON,LAT", file=err)
    return ASSUMED_LANDER


#: Extensions of vector files (zones) ``--hazards`` reads; anything else is a raster.
_VECTOR_EXTENSIONS = (".geojson", ".json", ".gpkg", ".shp", ".fgb", ".kml")


def _zones(path: str, *, flag: str, crs: str | None, layer: str | None) -> Any:
    """Read polygons from a vector file, by the CRS rules of catalogues."""
    from marsgeo._io import read_vector
    from marsgeo.errors import InputError

    flags = {"path": flag, "crs": f"{flag}-crs", "layer": f"{flag}-layer"}
    if flag != "--no-fly":
        flags = {"path": flag}
    with _door(flags, flag=flag):
        zones = read_vector(path, crs=crs, layer=layer)
    kinds = sorted({str(k) for k in zones.geom_type.dropna()} - {"Polygon", "MultiPolygon"})
    if kinds or len(zones) == 0:
        what = f"holds {', '.join(kinds)} shapes" if kinds else "holds no shapes"
        msg = f"{flag} {path!r} {what}; pass a file of polygons (the areas to avoid)."
        raise InputError(msg)
    return zones


def _hazards(args: argparse.Namespace, tubes: Any) -> Any:
    """Return the hazards of --hazards (zones, a raster, or synthetic) or --dtm, or None."""
    if args.hazards is not None and args.dtm is not None:
        from marsgeo.errors import InputError

        msg = "--hazards and --dtm both give hazards; pass one (--dtm PATH is --hazards PATH)."
        raise InputError(msg)
    if args.dtm is not None:
        from marsgeo.basemap import load_dtm

        with _door({"source": "--dtm", "path": "--dtm"}, flag="--dtm"):
            return load_dtm(None if args.dtm == "synthetic" else args.dtm)
    source = args.hazards
    if source is None:
        return None
    if source == "synthetic":
        return "synthetic"
    if source.lower().endswith(_VECTOR_EXTENSIONS):
        return _zones(source, flag="--hazards", crs=None, layer=None)
    from marsgeo.basemap import load_dtm, read_raster

    with _door({"source": "--hazards", "path": "--hazards"}, flag="--hazards"):
        raster = read_raster(source, aoi=tubes, margin_m=500.0)
        if raster.data.dtype == bool or raster.units == "deg":
            return raster  # a mask, or slopes in degrees
        return load_dtm(source, aoi=tubes)


def _cmd_plan(args: argparse.Namespace, out: _Output, err: TextIO) -> int:
    import marsgeo
    from marsgeo.routing import HelicopterSpec

    _check_output(args.output, "--output")
    _check_output(args.schedule_output, "--schedule-output", extensions=(".csv",))
    tubes = _catalogue(args)
    lander = _lander(args, err, tubes)
    no_fly = None
    if args.no_fly is not None:
        no_fly = _zones(args.no_fly, flag="--no-fly", crs=args.no_fly_crs, layer=args.no_fly_layer)
    elif args.no_fly_crs is not None or args.no_fly_layer is not None:
        from marsgeo.errors import InputError

        msg = "--no-fly-crs and --no-fly-layer describe a --no-fly file; pass --no-fly PATH."
        raise InputError(msg)
    hazard = _hazards(args, tubes)
    overrides: dict[str, Any] = {}
    if args.range is not None:
        overrides["range_m"] = args.range
    if args.flights_per_sol is not None:
        overrides["flights_per_sol"] = args.flights_per_sol
    if args.max_relays is not None:
        overrides["max_relays"] = args.max_relays
    with _door(PLAN_FLAGS):
        spec = HelicopterSpec(**overrides)
        options: dict[str, Any] = {}
        if args.time_limit is not None:
            options["time_limit_s"] = args.time_limit
        plan = marsgeo.plan_pickup(
            tubes,
            lander=lander,
            helicopters=args.helicopters,
            spec=spec,
            no_fly=no_fly,
            hazard=hazard,
            on_unreachable="skip" if args.skip_unreachable else "raise",
            nights_at_lander=args.nights_at_lander,
            start_sol=args.start_sol,
            **options,
        )
    if args.schedule_output is not None:
        _export(plan.trips, args.schedule_output, "--schedule-output", args, out, err)
    if args.output is not None:
        _write_or_emit(plan.legs, args, out, err)
    elif args.format == "table":
        out.write(plan.summary() + "\n\n")
        _emit(
            plan.trips,
            "table",
            out,
            table_columns=[
                "tube_id",
                "helicopter",
                "trip",
                "first_sol",
                "last_sol",
                "flights",
                "relays",
                "flight_m",
                "needed_range_m",
            ],
        )
    else:
        _emit(plan.legs, args.format, out)
    return 0


#: ``marsgeo map`` plans a pickup unasked only for a depot of at most this many tubes: a
#: catalogue of thousands of points is a survey to look at, and planning it takes minutes.
MAP_PLAN_TUBES = 60


def _map_helicopters(args: argparse.Namespace, err: TextIO, tubes: Any) -> int:
    """Helicopters of the map's plan: --helicopters, else 2 for a depot-sized catalogue."""
    if args.helicopters is not None:
        return int(args.helicopters)
    if len(tubes) <= MAP_PLAN_TUBES:
        return 2
    print(
        f"marsgeo map: note: {len(tubes)} tubes: no pickup plan drawn (one is drawn unasked "
        f"for up to {MAP_PLAN_TUBES} tubes); pass --helicopters 2 to plan them.",
        file=err,
    )
    return 0


#: How the errors of a file given to ``marsgeo map --add`` speak.
ADD_FLAGS = {"path": "--add", "gdf": "--add", "layer": "--add-layer", "crs": "--add-crs"}


def _added_layers(args: argparse.Namespace) -> list[tuple[str, Any]]:
    """Read every ``--add`` file (each checked before anything is drawn)."""
    from marsgeo._io import read_vector

    if not args.add and (args.add_crs is not None or args.add_layer is not None):
        from marsgeo.errors import InputError

        msg = "--add-crs and --add-layer describe --add files, but no --add PATH was given."
        raise InputError(msg)
    added = []
    for path in args.add:
        with _door(ADD_FLAGS, flag="--add"):
            gdf = read_vector(path, crs=args.add_crs, layer=args.add_layer)
        added.append((os.path.basename(os.fspath(path)) or str(path), gdf))
    return added


def _cmd_map(args: argparse.Namespace, out: _Output, err: TextIO) -> int:
    import marsgeo
    from marsgeo.errors import InputError
    from marsgeo.io import check_output
    from marsgeo.webmap import HTML_EXTENSIONS

    if args.output is not None:
        msg = f"--output {args.output!r}: marsgeo map writes HTML; name it with --html PATH."
        raise InputError(msg)
    with _door({"path": "--html"}, flag="--html"):
        check_output(args.html, extensions=HTML_EXTENSIONS)
    tubes = _catalogue(args)
    added = _added_layers(args)
    plan = None
    helicopters = _map_helicopters(args, err, tubes)
    if helicopters > 0:
        lander = _lander(args, err, tubes)
        with _door(PLAN_FLAGS):
            plan = marsgeo.plan_pickup(tubes, lander=lander, helicopters=helicopters)
    terrain: Any = None
    if args.terrain == "synthetic":
        terrain = "synthetic"
    elif args.terrain != "none":
        from marsgeo.basemap import load_dtm

        with _door({"source": "--terrain", "path": "--terrain"}, flag="--terrain"):
            terrain = load_dtm(args.terrain, aoi=tubes)
    basemap = None if args.basemap == "none" else args.basemap
    with _door(MAP_FLAGS):
        m = marsgeo.depot_map(tubes, plan=plan, basemap=basemap, terrain=terrain)
    for name, gdf in added:
        with _door(ADD_FLAGS, flag="--add"):
            marsgeo.explore(gdf, m=m, name=name)
    with _door(MAP_FLAGS):
        path = marsgeo.save_map(m, args.html, offline=args.offline)
    remote = marsgeo.webmap.network_layers(m)
    if args.offline:
        mode = "self-contained: loads, pans and zooms with no network"
        if remote:
            mode += f"; needs a network only if turned on: {'; '.join(remote)}"
    else:
        mode = "loads Leaflet from cdn.jsdelivr.net"
        if remote:
            mode += f" and tiles for: {'; '.join(remote)}"
        mode += "; --offline for a page that needs no network"
    size = os.stat(path).st_size / 1024
    out.write(f"wrote {os.path.abspath(path)} ({size:.0f} KiB; {mode})\n")
    return 0


def _figure_raster(args: argparse.Namespace, tubes: Any) -> Any:
    """Return the Raster of --dtm (the synthetic DTM for 'synthetic'), or None."""
    if args.dtm is None:
        return None
    from marsgeo.basemap import load_dtm

    with _door({"source": "--dtm", "path": "--dtm"}, flag="--dtm"):
        if args.dtm == "synthetic":
            return load_dtm(None)
        return load_dtm(args.dtm, aoi=tubes)


def _figure_says(
    args: argparse.Namespace, path: Any, size: tuple[float, float], raster: Any
) -> str:
    """Say what ``marsgeo figure`` wrote, in one line."""
    kind = path.suffix.lower().lstrip(".").upper()
    if kind == "PNG":
        shape = f"{round(size[0] * args.dpi)} x {round(size[1] * args.dpi)} px at {args.dpi} dpi"
    else:
        shape = f"{size[0]:g} x {size[1]:g} in"
    said = [f"{os.stat(path).st_size / 1024:.0f} KiB", f"{kind}, {shape}"]
    if raster is not None:
        said.append("SYNTHETIC terrain" if raster.synthetic else f"hillshade of {args.dtm}")
    if args.plan:
        lander = "ASSUMED lander" if args.lander is None else "lander at --lander"
        said.append(f"with the pickup plan and its schedule ({lander})")
    return f"wrote {os.path.abspath(path)} ({'; '.join(said)})\n"


def _figure_fits(size: tuple[float, float], dpi: int) -> None:
    """Refuse a figure of more pixels than can be drawn, naming --size and --dpi."""
    from marsgeo.errors import TooLargeError
    from marsgeo.plot._save import MAX_FIGURE_PIXELS, check_figure_size

    try:
        check_figure_size(size[0], size[1], dpi)
    except TooLargeError as exc:
        cols, rows = round(size[0] * dpi), round(size[1] * dpi)
        msg = (
            f"--size {size[0]:g},{size[1]:g} at --dpi {dpi} would be {cols:,} x {rows:,} px, "
            f"more than {MAX_FIGURE_PIXELS:,} px; pass a smaller --size or --dpi (a paper's "
            "figure is about --size 7,6 at --dpi 300)."
        )
        raise TooLargeError(msg) from exc


def _figure_title(fig: Any, text: str) -> None:
    """Write the figure's title as typed (no mathtext), shrunk and wrapped to its width."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    from marsgeo.plot._furniture import points_measure, wrap_lines

    size = FontProperties(size=rcParams["figure.titlesize"]).get_size_in_points()
    width = 0.96 * 72.0 * float(fig.get_figwidth())
    wide = points_measure(size)(text)
    if wide > width:
        size = max(8.0, size * width / wide)  # shrunk to 8 pt at most, then wrapped
    lines = wrap_lines([text], width, points_measure(size))
    fig.suptitle("\n".join(lines), fontsize=size, parse_math=False, usetex=False)


def _cmd_figure(args: argparse.Namespace, out: _Output, err: TextIO) -> int:
    import marsgeo
    from marsgeo.errors import InputError
    from marsgeo.io import check_output

    with _door({"path": "--output"}, flag="--output"):
        check_output(args.output, extensions=FIGURE_EXTENSIONS)
    if args.lander is not None and not args.plan:
        msg = "--lander places the lander of the pickup plan; add --plan, or drop --lander."
        raise InputError(msg)
    size = args.size or (FIGURE_SIZE_PLAN if args.plan else FIGURE_SIZE)
    if args.plan and (size[0] < PLAN_SIZE_MIN[0] or size[1] < PLAN_SIZE_MIN[1]):
        low = f"{PLAN_SIZE_MIN[0]:g},{PLAN_SIZE_MIN[1]:g}"
        msg = (
            f"--size {size[0]:g},{size[1]:g} is too small for --plan (the map above its "
            f"schedule, each with its names and credits); pass at least --size {low}, or drop "
            "--plan for the map alone."
        )
        raise InputError(msg)
    from marsgeo import plot  # matplotlib: the "plot" extra

    _figure_fits(size, args.dpi)
    tubes = _catalogue(args)
    raster = _figure_raster(args, tubes)
    plan = None
    if args.plan:
        lander = _lander(args, err, tubes)
        with _door(PLAN_FLAGS):
            plan = marsgeo.plan_pickup(tubes, lander=lander)
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=args.dpi, layout="constrained")
    grid = fig.add_gridspec(2 if plan is not None else 1, 1, height_ratios=(3, 1)[: 1 + bool(plan)])
    ax = fig.add_subplot(grid[0])
    if args.catalogue is None:
        _figure_title(fig, "The Three Forks sample depot, Jezero crater, Mars")
    else:
        _figure_title(fig, f"Sample tubes of {os.path.basename(args.catalogue)}")
    with _door(FIGURE_FLAGS, flag="--dtm" if raster is not None else None):
        plot.plot_depot(tubes, ax=ax, raster=raster, plan=plan)
        if plan is not None:
            plot.plot_schedule(plan, ax=fig.add_subplot(grid[1]))
    with _door(FIGURE_FLAGS, flag="--output"):
        path = plot.save_figure(fig, args.output, dpi=args.dpi)
    out.write(_figure_says(args, path, size, raster))
    return 0


def _cmd_terrain(args: argparse.Namespace, out: _Output, err: TextIO) -> int:
    from marsgeo.basemap import write_terrain
    from marsgeo.io import check_output

    with _door({"path": "--output"}, flag="--output"):
        check_output(args.output, extensions=TERRAIN_EXTENSIONS)
    with _door(TERRAIN_FLAGS, flag="DTM"):
        path = write_terrain(
            args.dtm,
            args.output,
            kind=args.kind,
            azimuth_deg=args.azimuth,
            altitude_deg=args.altitude,
            crs=args.crs,
        )
    size = os.stat(path).st_size / 1024
    what = "slope in degrees" if args.kind == "slope" else "hillshade, 0 (shadow) to 1 (sunlit)"
    out.write(f"wrote {os.path.abspath(path)} ({size:.0f} KiB; {what} of {args.dtm})\n")
    return 0


def _cmd_info(args: argparse.Namespace, out: _Output, err: TextIO) -> int:
    import marsgeo

    if args.raster is not None:
        from marsgeo.basemap import describe_file

        with _door({"source": "RASTER"}, flag="RASTER"):
            described = describe_file(args.raster)
        _write_info(described, args.format, out)
        return 0
    info = marsgeo.versions()
    _write_info(info, args.format, out)
    return 0 if info["IAU_2015 Mars CRSs"] == "available" else 1


def _write_info(info: dict[str, str], fmt: str, out: _Output) -> None:
    import json

    if fmt == "json":
        out.write(json.dumps(info, indent=2) + "\n")
    else:
        width = max(len(k) for k in info)
        out.write("".join(f"{key:<{width}} : {value}\n" for key, value in info.items()))


# --- the parser ------------------------------------------------------------------------------


def _chosen(argv: Sequence[str]) -> str | None:
    """Return the command ``argv`` names (its first word that is not an option), if any."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def _version_action() -> type[argparse.Action]:
    import argparse

    class Version(argparse.Action):
        """Print the version: looked up only when asked for."""

        def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
            import marsgeo

            parser.exit(0, f"marsgeo {marsgeo.__version__}\n")

    return Version


def _catalogue_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--catalogue",
        metavar="PATH",
        help="your own tube catalogue (CSV with lon/lat, GeoJSON, GeoPackage, Shapefile, "
        "FlatGeobuf) instead of the Three Forks depot",
    )
    p.add_argument(
        "--crs",
        metavar="CRS",
        default=None,
        help="what the catalogue's coordinates are (default: CSV is "
        "IAU_2015:49900, other files their own CRS); relabels, never reprojects",
    )
    p.add_argument(
        "--layer",
        metavar="NAME",
        default=None,
        help="the layer to read from a catalogue file that holds several (GeoPackage)",
    )
    p.add_argument(
        "--lon-col",
        metavar="NAME",
        default=None,
        help="the CSV column of longitudes (default: the first of lon, longitude, lon_e, x)",
    )
    p.add_argument(
        "--lat-col",
        metavar="NAME",
        default=None,
        help="the CSV column of latitudes (default: the first of lat, latitude, lat_c, y)",
    )
    p.add_argument(
        "--id-col",
        metavar="NAME",
        default=None,
        help="the column of tube ids (default: tube_id if there is one, else 1..n)",
    )
    p.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default: table)"
    )
    p.add_argument(
        "--output",
        metavar="PATH",
        help="write to a file instead, the format from the extension: .gpkg, .fgb, .shp "
        "(Mars CRS kept), .geojson, .kml (Mars lon/lat) or .csv; its folder must exist",
    )


def _lander_opt(p: argparse.ArgumentParser) -> None:
    from marsgeo.routing import ASSUMED_LANDER, ASSUMED_LANDER_NOTE

    p.add_argument(
        "--lander",
        type=_lonlat("--lander"),
        metavar="LON,LAT",
        help="lander position, east longitude and latitude in degrees; a negative "
        "longitude needs '=', e.g. --lander=-102.59,-18.45 (default "
        + ",".join(str(v) for v in ASSUMED_LANDER)
        + f"; {ASSUMED_LANDER_NOTE})",
    )


def _tubes_opts(p: argparse.ArgumentParser) -> None:
    _catalogue_opts(p)
    p.set_defaults(func=_cmd_tubes)


def _distances_opts(p: argparse.ArgumentParser) -> None:
    _catalogue_opts(p)
    p.add_argument(
        "--kind",
        choices=("nearest", "matrix", "pairs"),
        default=None,
        help="nearest neighbours (default), the full matrix, or every pair",
    )
    p.add_argument(
        "--from",
        dest="origin",
        type=_origin,
        metavar="LON,LAT|landing-site|depot-centroid",
        help="distance and bearing of every tube from a point instead: LON,LAT in degrees "
        "(IAU_2015:49900; a negative longitude needs '=', e.g. --from=-102.59,-18.45); "
        "landing-site, Octavia E. Butler Landing, where Perseverance landed on 2021-02-18, "
        "77.45088572 E 18.44462715 N (NASA/JPL-Caltech, confirmed; marsgeo.jezero."
        "LANDING_SITE); or depot-centroid, the tubes' centre (their mean unit vector)",
    )
    p.set_defaults(func=_cmd_distances)


def _plan_opts(p: argparse.ArgumentParser) -> None:
    _catalogue_opts(p)
    _lander_opt(p)
    p.add_argument(
        "--helicopters",
        type=_whole(1, HELICOPTERS_MAX),
        default=2,
        metavar="N",
        help=f"number of helicopters, 1 to {HELICOPTERS_MAX} (default 2)",
    )
    p.add_argument(
        "--range",
        type=_metres,
        metavar="M",
        help=f"range of one flight in metres, > 0 and up to {RANGE_MAX_M:g} (default 700)",
    )
    p.add_argument(
        "--flights-per-sol",
        type=_whole(1, FLIGHTS_PER_SOL_MAX),
        metavar="N",
        help=f"flights per helicopter per sol, 1 to {FLIGHTS_PER_SOL_MAX} (default 2)",
    )
    p.add_argument(
        "--max-relays",
        type=_whole(0, MAX_RELAYS_MAX),
        metavar="N",
        help=f"relay landings each way, 0 to {MAX_RELAYS_MAX} (default 3)",
    )
    p.add_argument(
        "--no-fly",
        metavar="PATH",
        help="zones flights must avoid: a vector file of polygons (GeoJSON, GeoPackage, "
        "Shapefile, FlatGeobuf) in a Mars CRS",
    )
    p.add_argument(
        "--no-fly-crs",
        metavar="CRS",
        help="what the --no-fly file's coordinates are, if it has no Mars CRS (relabels, "
        "e.g. IAU_2015:49900 for Mars GeoJSON tagged CRS84)",
    )
    p.add_argument(
        "--no-fly-layer",
        metavar="NAME",
        help="the layer of a --no-fly file that holds several",
    )
    p.add_argument(
        "--hazards",
        metavar="PATH|URL|synthetic",
        help="hazardous terrain to avoid: a vector file of polygons, a raster (a DTM in "
        "metres, slopes in degrees, or a mask), or 'synthetic' (marsgeo's labelled DTM)",
    )
    p.add_argument(
        "--dtm",
        metavar="PATH|URL|synthetic",
        help="avoid hazardous terrain from this DTM ('synthetic': marsgeo's labelled one)",
    )
    p.add_argument(
        "--skip-unreachable",
        action="store_true",
        help="plan the tubes that can be reached and list the others (default: refuse)",
    )
    p.add_argument(
        "--time-limit",
        type=_seconds,
        metavar="S",
        help=f"seconds the optimiser may search for a proof, > 0 and up to "
        f"{TIME_LIMIT_MAX_S:g} (default 5); then the best plan found is given",
    )
    p.add_argument(
        "--nights-at-lander",
        action="store_true",
        help="every trip ends at the lander the sol it starts (default: a trip may span sols)",
    )
    p.add_argument(
        "--start-sol",
        type=_whole(0, START_SOL_MAX),
        metavar="N",
        help="the Mars 2020 mission sol of the first sol of operations: legs then have UTC times",
    )
    p.add_argument(
        "--schedule-output",
        metavar="PATH",
        help="also write the schedule, one row per tube (the table's columns and more), "
        "as CSV (a path ending .csv)",
    )
    p.set_defaults(func=_cmd_plan)


def _map_opts(p: argparse.ArgumentParser) -> None:
    _catalogue_opts(p)
    p.add_argument(
        "--html",
        "-o",
        default="three_forks_map.html",
        metavar="PATH",
        help="HTML file to write, ending .html or .htm; its folder must exist (default: "
        "three_forks_map.html)",
    )
    p.add_argument(
        "--offline",
        action="store_true",
        help="inline everything: the page makes no request at all; tile basemaps start "
        "off and load only if turned on",
    )
    p.add_argument(
        "--basemap",
        default="trek-hirise",
        help="Mars tile provider name, or 'none' (default: trek-hirise)",
    )
    p.add_argument(
        "--terrain",
        default="synthetic",
        metavar="synthetic|PATH|URL|none",
        help="terrain overlay: marsgeo's labelled synthetic DTM (default), a DTM, or none",
    )
    _lander_opt(p)
    p.add_argument(
        "--helicopters",
        type=_whole(0, HELICOPTERS_MAX),
        default=None,
        metavar="N",
        help=f"helicopters in the plan, 0 to {HELICOPTERS_MAX}; 0 draws no plan (default 2 "
        f"for up to {MAP_PLAN_TUBES} tubes, else no plan)",
    )
    p.add_argument(
        "--add",
        action="append",
        default=[],
        metavar="PATH",
        help="also draw your own Mars vector file (GeoJSON, GeoPackage, Shapefile, "
        "FlatGeobuf in a Mars CRS: a traverse, geologic units, no-fly zones) as a layer "
        "named after the file; repeatable",
    )
    p.add_argument(
        "--add-crs",
        metavar="CRS",
        help="what the --add files' coordinates are (default: their own CRS); relabels, "
        "never reprojects",
    )
    p.add_argument(
        "--add-layer",
        metavar="NAME",
        help="the layer to read from --add files that hold several (GeoPackage)",
    )
    p.set_defaults(func=_cmd_map)


def _inches(text: str) -> tuple[float, float]:
    """Parse ``--size W,H``: a figure's width and height in inches (an argparse type)."""
    import math

    try:
        width, height = (float(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        msg = f"{_shown(text)} is not W,H in inches; write e.g. --size 7,6"
        raise _type_error(msg) from None
    if not all(math.isfinite(v) and 1 <= v <= FIGURE_INCHES_MAX for v in (width, height)):
        msg = (
            f"{_shown(text)} is out of range; pass a width and a height in inches from 1 to "
            f"{FIGURE_INCHES_MAX:g}, e.g. --size 7,6"
        )
        raise _type_error(msg)
    return (width, height)


def _figure_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--output",
        "-o",
        default="three_forks.png",
        metavar="PATH",
        help="figure to write, the format from the extension: .png, .pdf or .svg; its "
        "folder must exist (default: three_forks.png)",
    )
    p.add_argument(
        "--dtm",
        metavar="PATH|URL|synthetic",
        help="draw this DTM's hillshade under the tubes ('synthetic': marsgeo's labelled "
        "synthetic DTM, stamped SYNTHETIC; default: no terrain)",
    )
    p.add_argument(
        "--plan",
        action="store_true",
        help="also draw the helicopter pickup plan (2 helicopters) and, below the map, its "
        "schedule by sol",
    )
    _lander_opt(p)
    p.add_argument(
        "--dpi",
        type=_whole(10, FIGURE_DPI_MAX),
        default=200,
        metavar="N",
        help=f"resolution in dots per inch, 10 to {FIGURE_DPI_MAX} (default 200; a PNG is "
        "width x N by height x N pixels)",
    )
    p.add_argument(
        "--size",
        type=_inches,
        metavar="W,H",
        help=f"width and height in inches, each 1 to {FIGURE_INCHES_MAX:g} (default "
        f"{FIGURE_SIZE[0]:g},{FIGURE_SIZE[1]:g}; with --plan "
        f"{FIGURE_SIZE_PLAN[0]:g},{FIGURE_SIZE_PLAN[1]:g})",
    )
    p.add_argument(
        "--catalogue",
        metavar="PATH",
        help="your own tube catalogue (CSV with lon/lat, GeoJSON, GeoPackage, Shapefile, "
        "FlatGeobuf) instead of the Three Forks depot",
    )
    for flag, what in (
        ("--crs", "what the catalogue's coordinates are (relabels, never reprojects)"),
        ("--layer", "the layer to read from a catalogue file that holds several"),
        ("--lon-col", "the CSV column of longitudes"),
        ("--lat-col", "the CSV column of latitudes"),
        ("--id-col", "the column of tube ids"),
    ):
        p.add_argument(flag, metavar="CRS" if flag == "--crs" else "NAME", help=what)
    p.set_defaults(func=_cmd_figure)


def _degrees(text: str) -> float:
    """Parse an angle in degrees (an argparse type)."""
    import math

    try:
        value = float(text.strip())
    except ValueError:
        msg = f"{_shown(text)} is not a number of degrees; pass e.g. 315"
        raise _type_error(msg) from None
    if not math.isfinite(value):
        msg = f"{_shown(text)} is not a finite number of degrees; pass e.g. 315"
        raise _type_error(msg)
    return value


def _terrain_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "dtm",
        metavar="DTM",
        help="the DTM, elevations in metres: a GeoTIFF (or another raster GDAL reads) or the "
        "https:// URL of a cloud-optimised GeoTIFF",
    )
    p.add_argument(
        "--kind",
        choices=("slope", "hillshade"),
        default="slope",
        help="slope in degrees (default) or hillshade, 0 (shadow) to 1 (sunlit)",
    )
    p.add_argument(
        "--output",
        "-o",
        required=True,
        metavar="PATH",
        help="GeoTIFF to write, ending .tif or .tiff; its folder must exist",
    )
    p.add_argument(
        "--azimuth",
        type=_degrees,
        default=315.0,
        metavar="DEG",
        help="hillshade: where the light comes from, clockwise from north (default 315)",
    )
    p.add_argument(
        "--altitude",
        type=_degrees,
        default=45.0,
        metavar="DEG",
        help="hillshade: the sun's elevation above the horizon, > 0 and <= 90 (default 45)",
    )
    p.add_argument(
        "--crs",
        metavar="CRS",
        default=None,
        help="the DTM's CRS if the file has none or an ambiguous one; relabels, never reprojects",
    )
    p.set_defaults(func=_cmd_terrain)


def _info_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "raster",
        nargs="?",
        default=None,
        metavar="RASTER",
        help="a raster file or URL to describe: product, source, kind, units, CRS and body "
        "radius (without it: versions of marsgeo, PROJ and GDAL)",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=_cmd_info)


_DESCRIPTIONS = {
    "tubes": "List the tubes of the Three Forks depot (or your catalogue). Tables show key "
    "columns; csv/json/geojson and files carry every column with its provenance.",
    "distances": "Geodesic distances between tubes on the Mars body, or of every tube from "
    "a point (--from).",
    "plan": "Plan which helicopter picks up which tube on which sol: fewest sols, then the "
    "least flight for the busiest helicopter. Tables show the schedule; csv/json/geojson "
    "and --output give every leg; --schedule-output writes the schedule.",
    "map": "Write an interactive HTML map of the depot: tubes with their metadata, "
    "distances, the pickup plan, Jezero context, a Mars-correct scale bar and measuring "
    "tool, and the drop-order timeline.",
    "figure": "Write a static figure of the depot for a paper or a thesis (PNG, PDF or SVG, "
    "from the extension): the tubes by sample type with their names, in metres on Mars, "
    "with a scale bar measured on Mars, a north arrow to true north and the credit of every "
    "layer; optionally a DTM's hillshade underneath (--dtm) and the pickup plan with its "
    "schedule (--plan). Synthetic terrain is stamped SYNTHETIC, an assumed lander ASSUMPTION.",
    "terrain": "Write the slope (degrees) or hillshade of a DTM to a GeoTIFF with the DTM's "
    "exact Mars CRS, block by block, so a DTM larger than memory works too; ground distances "
    "are geodesics on Mars. Progress is shown on a terminal.",
    "info": "Print versions and check that PROJ has the IAU Mars CRSs.",
}
_OPTIONS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "tubes": _tubes_opts,
    "distances": _distances_opts,
    "plan": _plan_opts,
    "map": _map_opts,
    "figure": _figure_opts,
    "terrain": _terrain_opts,
    "info": _info_opts,
}


def _parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Build the parser: with the options of the command ``argv`` names, or of every one.

    Building only the options of the command run keeps ``marsgeo --help`` quick (the help
    of ``plan`` and ``map`` computes the assumed lander's note from the catalogue).
    """
    import argparse

    class Parser(argparse.ArgumentParser):
        """Usage errors in one line, naming the fix."""

        def error(self, message: str) -> NoReturn:
            from marsgeo.errors import shorten

            text = " ".join(message.split())
            for option in _LONLAT_OPTIONS:
                if f"argument {option}" in text and "expected one argument" in text:
                    text += "; " + _NEGATIVE_HINT.format(option=option)
            self.exit(2, f"{self.prog}: error: {shorten(text)} (see {self.prog} --help)\n")

    parser = Parser(
        prog="marsgeo",
        description="The Three Forks sample depot, Jezero crater, Mars, as geodata.",
        epilog="Exit codes: 0 success, 1 bad input, an unreadable or unwritable file or a "
        "system error such as a full disk (one line naming the fix), 2 usage error, "
        "3 unexpected internal error (one line; please report it), 130 interrupted.",
    )
    parser.add_argument(
        "--version", action=_version_action(), nargs=0, help="show the version and exit"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = None if argv is None else _chosen(argv)
    for name, summary in COMMANDS.items():
        p = sub.add_parser(name, help=summary, description=_DESCRIPTIONS[name])
        if argv is None or name == chosen:
            _OPTIONS[name](p)
    return parser


# --- running a command -----------------------------------------------------------------------

# what to do about a system error, by errno
_SYSTEM_FIXES = {
    errno.ENOSPC: "free some space or write elsewhere",
    errno.EDQUOT: "free some space or write elsewhere",
    errno.EFBIG: "write to another disk",
    errno.EACCES: "check the permissions, or use another folder",
    errno.EPERM: "check the permissions, or use another folder",
    errno.EROFS: "write to another folder",
    errno.ENOENT: "check the path",
    errno.ENOTDIR: "check the path: a part of it is a file, not a folder",
    errno.EISDIR: "pass a file, not a folder",
    errno.EIO: "check the disk",
    errno.EMFILE: "close some files or raise the limit (ulimit -n)",
}


def _cwd_gone() -> bool:
    try:
        os.getcwd()
    except FileNotFoundError:
        return True
    return False


def _one_line(text: str) -> str:
    from marsgeo.errors import shorten

    return shorten(" ".join(text.split()))


def _system_error(exc: OSError) -> str:
    """One line for a system error: what failed, where, and a fix."""
    from marsgeo._atomic import reason

    code = exc.errno if isinstance(exc.errno, int) else -1
    where = f" ({exc.filename!r})" if getattr(exc, "filename", None) else ""
    what = exc.strerror if code >= 0 and exc.strerror else reason(exc)
    name = f" [{errno.errorcode[code]}]" if code in errno.errorcode else ""
    fix = _SYSTEM_FIXES.get(code, "check the files and the disk")
    return f"{what}{name}{where}; {fix}"


def _output_error(exc: _OutputError) -> str:
    if exc.errno == errno.EBADF:
        return (
            "cannot write to standard output: it is closed; run the command with its output "
            "open, or write a file with --output PATH (map: --html PATH)"
        )
    return f"cannot write to standard output: {_system_error(exc)}"


@contextmanager
def _warnings_as_lines() -> Iterator[list[str]]:
    """Collect the warnings of a command as one line each (each text once).

    Python warnings and log records (GDAL's messages, through rasterio) are both collected;
    warnings meant for developers (deprecations, resources) are left out.
    """
    import logging
    import warnings

    lines: list[str] = []

    def say(text: str) -> None:
        line = _one_line(text)
        if line and line not in lines:
            lines.append(line)

    def show(message: Any, *args: Any, **kwargs: Any) -> None:
        say(str(message))

    class Lines(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            say(record.getMessage())

    # log records would reach the terminal as they are when no handler prints them
    root = logging.getLogger()
    console = (sys.stderr, sys.__stderr__, sys.stdout, sys.__stdout__)
    printed = any(getattr(h, "stream", None) in console for h in root.handlers)
    handler = None if printed else Lines(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        for developer in (DeprecationWarning, PendingDeprecationWarning, ImportWarning):
            warnings.simplefilter("ignore", developer)
        warnings.simplefilter("ignore", ResourceWarning)
        warnings.showwarning = show
        if handler is not None:
            root.addHandler(handler)
        try:
            yield lines
        finally:
            if handler is not None:
                root.removeHandler(handler)


def _print(stream: TextIO, text: str) -> None:
    """Print a line on stderr; a stderr that cannot be written is not an error."""
    with suppress(OSError, ValueError):
        stream.write(text + "\n")
        stream.flush()


def _run(argv: Sequence[str] | None, out: _Output, err: TextIO) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    args = _parser(words).parse_args(words)
    prefix = f"marsgeo {args.command}"
    try:
        with _warnings_as_lines() as warned:
            code: int = args.func(args, out, err)
            out.flush()
        # a command that failed says so in one line; one that worked, what it warned about
        for line in warned:
            _print(err, f"{prefix}: warning: {line}")
        return code
    except _OutputError as exc:
        if exc.errno == errno.EPIPE:  # e.g. piped into head: the reader has what it wanted
            return 0
        _print(err, f"{prefix}: error: {_output_error(exc)}")
        return 1
    except Exception as exc:
        return _report(exc, prefix, err)


def _report(exc: Exception, prefix: str, err: TextIO) -> int:
    """Print one line for an error; return the exit code."""
    from marsgeo._atomic import is_driver_error, reason
    from marsgeo.errors import MarsGeoError

    if isinstance(exc, (MarsGeoError, FlagError)):
        text, code = str(exc), 1
    elif isinstance(exc, MemoryError):
        text = (
            "not enough memory for this request; use a smaller catalogue or a cheaper "
            "output (e.g. --kind nearest instead of --kind matrix)"
        )
        code = 1
    elif isinstance(exc, OSError):
        text, code = _system_error(exc), 1
    elif is_driver_error(exc):
        text, code = f"{reason(exc)}; check the file", 1
    else:
        detail = f"{type(exc).__name__}: {_one_line(reason(exc))}"
        _print(err, f"{prefix}: internal error: {detail} (please report this)")
        return 3
    if _cwd_gone() and "working folder" not in text:
        text += " (the working folder no longer exists: change to an existing folder)"
    _print(err, f"{prefix}: error: {_one_line(text)}")
    return code


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the ``marsgeo`` command; return its exit code.

    Parameters
    ----------
    argv
        The arguments (default: ``sys.argv[1:]``).
    stdout, stderr
        Where output and messages go (default: the process's standard streams; a closed
        standard output makes a command that prints fail with exit code 1).

    Returns
    -------
    int
        The exit code (see the module's documentation).
    """
    out_stream = stdout if stdout is not None else sys.stdout
    err_stream = stderr if stderr is not None else sys.stderr
    err = err_stream if err_stream is not None else open(os.devnull, "w")  # noqa: SIM115
    for stream in (out_stream, err):
        # names such as "Atsá" must not crash a terminal that cannot show them
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with suppress(OSError, ValueError):
                reconfigure(errors="backslashreplace")
    out = _Output(out_stream)
    try:
        code = _run(argv, out, err)
    except KeyboardInterrupt:
        _print(err, "marsgeo: interrupted")
        return 130
    finally:
        if err is not err_stream:
            err.close()
    return code
