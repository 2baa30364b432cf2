"""The ``marsgeo`` command line: thin argument parsing over the public functions.

Exit codes: 0 success; 1 bad input, an unreadable or unwritable file, or a system error such
as a full disk, a closed standard output or a deleted working folder (one line on stderr
naming the fix); 2 a usage error (one line); 3 an unexpected internal error (one line; please
report it); 130 interrupted (Ctrl-C). A broken pipe on standard output (``marsgeo tubes |
head``) ends the command quietly.

Python warnings (and GDAL's log messages) raised while a command runs are shown after it,
one line each, prefixed ``marsgeo <command>: warning:``; warnings meant for developers
(deprecations) are not shown. A command that fails shows only its error line.

The module imports nothing heavy at load time; run as a process (:mod:`marsgeo.__main__`),
Ctrl-C at any moment, even while pandas and GDAL are still loading, ends the command with one
line and exit code 130.
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

#: Bounds of the numeric options (shown in ``--help``); beyond them a plan is not meaningful
#: for a depot and would only take long.
HELICOPTERS_MAX = 50
RANGE_MAX_M = 100_000.0
FLIGHTS_PER_SOL_MAX = 10
MAX_RELAYS_MAX = 20

_NEGATIVE_HINT = (
    "a value that starts with '-' (a negative longitude) needs '=': write e.g. "
    "{option}=-102.59,-18.45"
)
_LONLAT_OPTIONS = ("--lander",)


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


def _lonlat_arg(text: str) -> tuple[float, float]:
    """Parse LON,LAT in degrees, east longitude first (an argparse type)."""
    import math

    try:
        lon, lat = (float(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        msg = (
            f"{_shown(text)} is not LON,LAT; write e.g. --lander 77.4096,18.4524 "
            "(a negative longitude as --lander=-102.59,-18.45)"
        )
        raise _type_error(msg) from None
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lat) > 90 or abs(lon) > 360:
        msg = (
            f"{_shown(text)} is not a position on Mars: longitude must be in -360..360 and "
            "latitude in -90..90 (longitude first)"
        )
        raise _type_error(msg)
    return lon, lat


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


def _catalogue(args: argparse.Namespace) -> Any:
    import marsgeo

    if args.catalogue is None:
        return marsgeo.load_depot()
    return marsgeo.read_tubes(args.catalogue, crs=args.crs, layer=args.layer)


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


def _write_or_emit(frame: pd.DataFrame, args: argparse.Namespace, out: _Output, **kw: Any) -> None:
    import marsgeo

    if getattr(args, "output", None) is not None:
        path = marsgeo.export(frame, args.output)
        out.write(f"wrote {path}\n")
    else:
        _emit(frame, args.format, out, **kw)


def _check_output(args: argparse.Namespace) -> None:
    """Refuse a bad --output before any work is done."""
    from marsgeo.io import check_output

    if getattr(args, "output", None) is not None:
        check_output(args.output)


def _cmd_tubes(args: argparse.Namespace, out: _Output, err: TextIO) -> int:
    _check_output(args)
    tubes = _catalogue(args)
    columns: list[str] | None = [
        "tube_id",
        "name",
        "sample_type",
        "collected_sol",
        "dropped_sol",
        "dropped_date",
        "lon",
        "lat",
        "position_confidence",
    ]
    if args.catalogue is not None:
        columns = None
    _write_or_emit(tubes, args, out, table_columns=columns, float_digits=8)
    return 0


def _cmd_distances(args: argparse.Namespace, out: _Output, err: TextIO) -> int:
    import marsgeo
    from marsgeo.errors import InputError

    _check_output(args)
    if args.kind == "matrix":
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
    if args.kind == "matrix":
        _write_or_emit(marsgeo.distance_matrix(tubes), args, out)
    elif args.kind == "nearest":
        _write_or_emit(marsgeo.nearest_neighbours(tubes), args, out)
    else:
        _write_or_emit(marsgeo.pairwise_distances(tubes), args, out)
    if args.format == "table" and args.kind == "nearest" and args.output is None:
        nn = marsgeo.nearest_neighbours(tubes)["distance_m"]
        out.write(
            f"\nnearest-neighbour spacing: min {nn.min():.2f} m, median "
            f"{nn.median():.2f} m, max {nn.max():.2f} m (geodesic, Mars sphere)\n"
        )
    return 0


def _lander(args: argparse.Namespace, err: TextIO) -> tuple[float, float]:
    """Return the --lander position, or the assumed one, announced as such on stderr."""
    from marsgeo.routing import ASSUMED_LANDER, ASSUMED_LANDER_NOTE

    if args.lander is not None:
        lander: tuple[float, float] = args.lander
        return lander
    print(f"marsgeo {args.command}: note: {ASSUMED_LANDER_NOTE}; pass --lander LON,LAT", file=err)
    return ASSUMED_LANDER


def _cmd_plan(args: argparse.Namespace, out: _Output, err: TextIO) -> int:
    import marsgeo
    from marsgeo.routing import HelicopterSpec

    _check_output(args)
    tubes = _catalogue(args)
    lander = _lander(args, err)
    overrides: dict[str, Any] = {}
    if args.range is not None:
        overrides["range_m"] = args.range
    if args.flights_per_sol is not None:
        overrides["flights_per_sol"] = args.flights_per_sol
    if args.max_relays is not None:
        overrides["max_relays"] = args.max_relays
    spec = HelicopterSpec(**overrides)
    hazard = None
    if args.dtm is not None:
        from marsgeo.basemap import load_dtm

        hazard = load_dtm(None if args.dtm == "synthetic" else args.dtm)
    plan = marsgeo.plan_pickup(
        tubes, lander=lander, helicopters=args.helicopters, spec=spec, hazard=hazard
    )
    if args.output is not None:
        _write_or_emit(plan.legs, args, out)
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


def _cmd_map(args: argparse.Namespace, out: _Output, err: TextIO) -> int:
    import marsgeo
    from marsgeo.errors import InputError
    from marsgeo.io import check_output
    from marsgeo.webmap import HTML_EXTENSIONS

    if args.output is not None:
        msg = f"--output {args.output!r}: marsgeo map writes HTML; name it with --html PATH."
        raise InputError(msg)
    check_output(args.html, extensions=HTML_EXTENSIONS)
    tubes = _catalogue(args)
    plan = None
    if args.helicopters > 0:
        plan = marsgeo.plan_pickup(tubes, lander=_lander(args, err), helicopters=args.helicopters)
    terrain: Any = None
    if args.terrain == "synthetic":
        terrain = "synthetic"
    elif args.terrain != "none":
        from marsgeo.basemap import load_dtm

        terrain = load_dtm(args.terrain, aoi=tubes)
    basemap = None if args.basemap == "none" else args.basemap
    m = marsgeo.depot_map(tubes, plan=plan, basemap=basemap, terrain=terrain)
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


def _cmd_info(args: argparse.Namespace, out: _Output, err: TextIO) -> int:
    import json

    import marsgeo

    info = marsgeo.versions()
    if args.format == "json":
        out.write(json.dumps(info, indent=2) + "\n")
    else:
        width = max(len(k) for k in info)
        out.write("".join(f"{key:<{width}} : {value}\n" for key, value in info.items()))
    return 0 if info["IAU_2015 Mars CRSs"] == "available" else 1


# --- the parser ------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    import argparse

    import marsgeo
    from marsgeo.routing import ASSUMED_LANDER, ASSUMED_LANDER_NOTE

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
    parser.add_argument("--version", action="version", version=f"marsgeo {marsgeo.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def catalogue_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--catalogue",
            metavar="PATH",
            help="your own tube catalogue (CSV with lon/lat, GeoJSON, GeoPackage) "
            "instead of the Three Forks depot",
        )
        p.add_argument(
            "--crs",
            metavar="CRS",
            default=None,
            help="what the catalogue's coordinates are (default: CSV is "
            "IAU_2015:49900, other files their own CRS)",
        )
        p.add_argument(
            "--layer",
            metavar="NAME",
            default=None,
            help="the layer to read from a catalogue file that holds several (GeoPackage)",
        )
        p.add_argument(
            "--format", choices=FORMATS, default="table", help="output format (default: table)"
        )
        p.add_argument(
            "--output",
            metavar="PATH",
            help="write to a file instead: .gpkg, .fgb, .geojson (Mars lon/lat) or .csv; "
            "its folder must exist",
        )

    def lander_opt(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--lander",
            type=_lonlat_arg,
            metavar="LON,LAT",
            help="lander position, east longitude and latitude in degrees; a negative "
            "longitude needs '=', e.g. --lander=-102.59,-18.45 (default "
            + ",".join(str(v) for v in ASSUMED_LANDER)
            + f"; {ASSUMED_LANDER_NOTE})",
        )

    p = sub.add_parser(
        "tubes",
        help="list the tubes with their metadata",
        description="List the tubes of the Three Forks depot (or your "
        "catalogue). Tables show key columns; csv/json/geojson "
        "carry every column with its provenance.",
    )
    catalogue_opts(p)
    p.set_defaults(func=_cmd_tubes)

    p = sub.add_parser(
        "distances",
        help="geodesic distances between tubes",
        description="Geodesic distances between tubes on the Mars body.",
    )
    catalogue_opts(p)
    p.add_argument(
        "--kind",
        choices=("nearest", "matrix", "pairs"),
        default="nearest",
        help="nearest neighbours (default), the full matrix, or every pair",
    )
    p.set_defaults(func=_cmd_distances)

    p = sub.add_parser(
        "plan",
        help="plan the helicopter pickup of the tubes",
        description="Plan which helicopter picks up which tube on which sol: fewest sols, "
        "then the least flight for the busiest helicopter. Tables show the schedule; "
        "csv/json/geojson give every leg.",
    )
    catalogue_opts(p)
    lander_opt(p)
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
        "--dtm",
        metavar="PATH|URL|synthetic",
        help="avoid hazardous terrain from this DTM ('synthetic': marsgeo's labelled one)",
    )
    p.set_defaults(func=_cmd_plan)

    p = sub.add_parser(
        "map",
        help="write the interactive map of the depot (HTML)",
        description="Write an interactive HTML map of the depot: tubes with their metadata, "
        "distances, the pickup plan, Jezero context, a Mars-correct scale bar and measuring "
        "tool, and the drop-order timeline.",
    )
    catalogue_opts(p)
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
    lander_opt(p)
    p.add_argument(
        "--helicopters",
        type=_whole(0, HELICOPTERS_MAX),
        default=2,
        metavar="N",
        help=f"helicopters in the plan, 0 to {HELICOPTERS_MAX}; 0 draws no plan (default 2)",
    )
    p.set_defaults(func=_cmd_map)

    p = sub.add_parser(
        "info",
        help="versions of marsgeo, PROJ, GDAL; Mars CRS availability",
        description="Print versions and check that PROJ has the IAU Mars CRSs.",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=_cmd_info)
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
    args = _parser().parse_args(argv)
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

    if isinstance(exc, MarsGeoError):
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


# --- the console script ----------------------------------------------------------------------


def _entry() -> NoReturn:  # pragma: no cover - run as a process in the tests
    """Run ``marsgeo`` as a process: see :func:`marsgeo.__main__.entry`."""
    from marsgeo.__main__ import entry

    entry()


if __name__ == "__main__":  # pragma: no cover
    _entry()
