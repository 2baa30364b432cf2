"""Option values of the command line: limits, and argparse types whose errors are one usage line."""

from __future__ import annotations

# `typing` is not imported at run time: the less this module loads, the sooner Ctrl-C is
# handled (mypy takes any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


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
NEGATIVE_HINT = (
    "a value that starts with '-' (a negative longitude) needs '=': write e.g. "
    "{option}=-102.59,-18.45"
)
LONLAT_OPTIONS = ("--lander", "--from")


# --- argument types: one-line usage errors -----------------------------------------------------


def shown_value(text: str) -> str:
    from marsgeo.errors import shorten

    return shorten(repr(text))


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """Make an argparse type: a whole number in low..high."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            msg = f"{shown_value(text)} is not a whole number; pass one from {low} to {high}"
            raise type_error(msg) from None
        if not low <= value <= high:
            msg = f"{value} is out of range; pass a whole number from {low} to {high}"
            raise type_error(msg)
        return value

    parse.__name__ = "whole number"
    return parse


def metres_value(text: str) -> float:
    """Parse a distance in metres, > 0 and at most RANGE_MAX_M (an argparse type)."""
    import math

    try:
        value = float(text.strip())
    except ValueError:
        msg = f"{shown_value(text)} is not a number of metres; pass e.g. 700"
        raise type_error(msg) from None
    if not math.isfinite(value) or not 0 < value <= RANGE_MAX_M:
        msg = f"{value:g} m is out of range; pass a number of metres > 0 and <= {RANGE_MAX_M:g}"
        raise type_error(msg)
    return value


class Position(tuple[float, float]):
    """A LON,LAT given on the command line: (lon, lat), with the text as written."""

    text: str = ""


def lonlat_option(option: str) -> Callable[[str], Position]:
    """Make an argparse type: LON,LAT in degrees, east longitude first."""

    def parse(text: str) -> Position:
        import math

        try:
            lon, lat = (float(v) for v in text.replace(" ", "").split(","))
        except ValueError:
            msg = (
                f"{shown_value(text)} is not LON,LAT; write e.g. {option} 77.4096,18.4524 "
                f"(a negative longitude as {option}=-102.59,-18.45)"
            )
            raise type_error(msg) from None
        if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lat) > 90 or abs(lon) > 360:
            msg = (
                f"{shown_value(text)} is not a position on Mars: longitude must be in "
                "-360..360 and latitude in -90..90 (longitude first)"
            )
            raise type_error(msg)
        position = Position((lon, lat))
        position.text = text.replace(" ", "")
        return position

    parse.__name__ = "LON,LAT"
    return parse


def origin_point(text: str) -> Position | str:
    """Parse ``--from``: a named point or LON,LAT (an argparse type)."""
    name = text.strip().lower()
    if name in FROM_NAMES:
        return name
    if "," not in text:
        msg = f"{shown_value(text)} is not LON,LAT nor one of {', '.join(FROM_NAMES)}"
        raise type_error(msg)
    return lonlat_option("--from")(text)


def seconds_value(text: str) -> float:
    """Parse a time limit in seconds, > 0 and at most TIME_LIMIT_MAX_S (an argparse type)."""
    import math

    try:
        value = float(text.strip())
    except ValueError:
        msg = f"{shown_value(text)} is not a number of seconds; pass e.g. 5"
        raise type_error(msg) from None
    if not math.isfinite(value) or not 0 < value <= TIME_LIMIT_MAX_S:
        msg = f"{value:g} s is out of range; pass seconds > 0 and <= {TIME_LIMIT_MAX_S:g}"
        raise type_error(msg)
    return value


def type_error(message: str) -> Exception:
    import argparse

    return argparse.ArgumentTypeError(message)
