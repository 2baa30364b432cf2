"""Exceptions raised by marsgeo.

Every exception derives from :class:`MarsGeoError` and also from the builtin it refines, so
``except ValueError`` keeps working in code that does not know marsgeo. Messages name the
argument, the value that was refused and what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "CRSError",
    "CatalogueError",
    "CoordinateError",
    "DataFileError",
    "InputError",
    "MarsGeoError",
    "PlanningError",
    "UnreachableError",
]


class MarsGeoError(Exception):
    """Base class of every error marsgeo raises on purpose."""


class InputError(MarsGeoError, ValueError):
    """An argument has a value marsgeo cannot use."""


class CRSError(InputError):
    """A coordinate reference system is missing, belongs to another body, or is unsupported."""


class CoordinateError(InputError):
    """Coordinates are missing (NaN), infinite or out of range."""


class CatalogueError(InputError):
    """A tube catalogue is malformed: missing columns, duplicate ids, bad values."""


class DataFileError(MarsGeoError, OSError):
    """A file cannot be read, or does not hold what it should."""


class PlanningError(InputError):
    """A pickup plan cannot be made from these inputs (e.g. a tube inside a no-fly zone)."""


class UnreachableError(PlanningError):
    """Some tubes cannot be reached by any allowed flight; the message gives the range needed."""


def raise_collected(error: type[MarsGeoError], problems: Iterable[str], *, what: str) -> None:
    """Raise ``error`` once with every problem listed, if there are any.

    Parameters
    ----------
    error
        The exception class to raise.
    problems
        One sentence per problem; each names the argument, the value and the fix.
    what
        What was being checked, for the first line of the message.
    """
    found = list(problems)
    if not found:
        return
    if len(found) == 1:
        msg = f"{what}: {found[0]}"
    else:
        lines = "\n".join(f"  - {p}" for p in found)
        msg = f"{what}: {len(found)} problems\n{lines}"
    raise error(msg)
