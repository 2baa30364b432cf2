"""What the command line prints: its output, and library errors in the command line's words."""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager, suppress

# `typing` is not imported at run time: the less this module loads, the sooner Ctrl-C is
# handled (mypy takes any name TYPE_CHECKING as true)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import NoReturn, TextIO


# --- output ----------------------------------------------------------------------------------


class OutputError(OSError):
    """Writing to standard output failed (closed, full disk, broken pipe)."""


class Output:
    """Standard output, whose write errors are told apart from every other error."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream

    def _fail(self, exc: BaseException | None) -> NoReturn:
        code = getattr(exc, "errno", None)
        if not isinstance(code, int):  # None, or "I/O operation on closed file"
            code = errno.EBADF
        raise OutputError(code, os.strerror(code)) from exc

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


def print_line(stream: TextIO, text: str) -> None:
    """Print a line on stderr; a stderr that cannot be written is not an error."""
    with suppress(OSError, ValueError):
        stream.write(text + "\n")
        stream.flush()


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
def door(flags: dict[str, str], *, flag: str | None = None) -> Iterator[None]:
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
