"""The command line's parser: it builds the options of the one command run."""

from __future__ import annotations

from marsgeo.cli._args import (
    COMMANDS,
    FIGURE_DPI_MAX,
    FIGURE_INCHES_MAX,
    FIGURE_SIZE,
    FIGURE_SIZE_PLAN,
    FLIGHTS_PER_SOL_MAX,
    FORMATS,
    HELICOPTERS_MAX,
    LONLAT_OPTIONS,
    MAX_RELAYS_MAX,
    NEGATIVE_HINT,
    RANGE_MAX_M,
    START_SOL_MAX,
    TIME_LIMIT_MAX_S,
    lonlat_option,
    metres_value,
    origin_point,
    seconds_value,
    shown_value,
    type_error,
    whole_number,
)
from marsgeo.cli._commands import MAP_PLAN_TUBES, cmd_distances, cmd_map, cmd_plan, cmd_tubes
from marsgeo.cli._figures import cmd_figure, cmd_info, cmd_terrain

# `typing` is not imported at run time: the less this module loads, the sooner Ctrl-C is
# handled (mypy takes any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any, NoReturn


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
        type=lonlat_option("--lander"),
        metavar="LON,LAT",
        help="lander position, east longitude and latitude in degrees; a negative "
        "longitude needs '=', e.g. --lander=-102.59,-18.45 (default "
        + ",".join(str(v) for v in ASSUMED_LANDER)
        + f"; {ASSUMED_LANDER_NOTE})",
    )


def _tubes_opts(p: argparse.ArgumentParser) -> None:
    _catalogue_opts(p)
    p.set_defaults(func=cmd_tubes)


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
        type=origin_point,
        metavar="LON,LAT|landing-site|depot-centroid",
        help="distance and bearing of every tube from a point instead: LON,LAT in degrees "
        "(IAU_2015:49900; a negative longitude needs '=', e.g. --from=-102.59,-18.45); "
        "landing-site, Octavia E. Butler Landing, where Perseverance landed on 2021-02-18, "
        "77.45088572 E 18.44462715 N (NASA/JPL-Caltech, confirmed; marsgeo.jezero."
        "LANDING_SITE); or depot-centroid, the tubes' centre (their mean unit vector)",
    )
    p.set_defaults(func=cmd_distances)


def _plan_opts(p: argparse.ArgumentParser) -> None:
    _catalogue_opts(p)
    _lander_opt(p)
    p.add_argument(
        "--helicopters",
        type=whole_number(1, HELICOPTERS_MAX),
        default=2,
        metavar="N",
        help=f"number of helicopters, 1 to {HELICOPTERS_MAX} (default 2)",
    )
    p.add_argument(
        "--range",
        type=metres_value,
        metavar="M",
        help=f"range of one flight in metres, > 0 and up to {RANGE_MAX_M:g} (default 700)",
    )
    p.add_argument(
        "--flights-per-sol",
        type=whole_number(1, FLIGHTS_PER_SOL_MAX),
        metavar="N",
        help=f"flights per helicopter per sol, 1 to {FLIGHTS_PER_SOL_MAX} (default 2)",
    )
    p.add_argument(
        "--max-relays",
        type=whole_number(0, MAX_RELAYS_MAX),
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
        type=seconds_value,
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
        type=whole_number(0, START_SOL_MAX),
        metavar="N",
        help="the Mars 2020 mission sol of the first sol of operations: legs then have UTC times",
    )
    p.add_argument(
        "--schedule-output",
        metavar="PATH",
        help="also write the schedule, one row per tube (the table's columns and more), "
        "as CSV (a path ending .csv)",
    )
    p.set_defaults(func=cmd_plan)


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
        type=whole_number(0, HELICOPTERS_MAX),
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
    p.set_defaults(func=cmd_map)


def _inches(text: str) -> tuple[float, float]:
    """Parse ``--size W,H``: a figure's width and height in inches (an argparse type)."""
    import math

    try:
        width, height = (float(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        msg = f"{shown_value(text)} is not W,H in inches; write e.g. --size 7,6"
        raise type_error(msg) from None
    if not all(math.isfinite(v) and 1 <= v <= FIGURE_INCHES_MAX for v in (width, height)):
        msg = (
            f"{shown_value(text)} is out of range; pass a width and a height in inches from 1 to "
            f"{FIGURE_INCHES_MAX:g}, e.g. --size 7,6"
        )
        raise type_error(msg)
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
        type=whole_number(10, FIGURE_DPI_MAX),
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
    p.set_defaults(func=cmd_figure)


def _degrees(text: str) -> float:
    """Parse an angle in degrees (an argparse type)."""
    import math

    try:
        value = float(text.strip())
    except ValueError:
        msg = f"{shown_value(text)} is not a number of degrees; pass e.g. 315"
        raise type_error(msg) from None
    if not math.isfinite(value):
        msg = f"{shown_value(text)} is not a finite number of degrees; pass e.g. 315"
        raise type_error(msg)
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
    p.set_defaults(func=cmd_terrain)


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
    p.set_defaults(func=cmd_info)


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


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
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
            for option in LONLAT_OPTIONS:
                if f"argument {option}" in text and "expected one argument" in text:
                    text += "; " + NEGATIVE_HINT.format(option=option)
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
