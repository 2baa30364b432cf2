"""Exceptions raised by marsgeo.

Every exception derives from :class:`MarsGeoError` and also from the builtin it refines, so
``except ValueError`` keeps working in code that does not know marsgeo. Messages name the
argument, the value that was refused and what to do instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "CRSError",
    "CatalogueError",
    "CoordinateError",
    "DataFileError",
    "InputError",
    "MarsGeoError",
    "MissingExtraError",
    "PlanningError",
    "TooLargeError",
    "UnreachableError",
    "missing_extra",
]


#: Error messages echo the values they refuse; these bound how much of a value is shown.
LONGEST_SHOWN_WORD = 200
LONGEST_MESSAGE = 2000


def shorten(message: str) -> str:
    """Shorten an error message that echoes a huge value, keeping its start and its fix.

    Any run of more than :data:`LONGEST_SHOWN_WORD` characters without a space keeps its
    first 80 and last 20 characters and says how long it was; a message still longer than
    :data:`LONGEST_MESSAGE` keeps its beginning and its end (where the fix is named).

    Examples
    --------
    >>> short = shorten("name=" + repr("x" * 5000) + " is too long; shorten it.")
    >>> len(short), short[80:100], short.endswith("x' is too long; shorten it.")
    (145, '…[5,007 characters]…', True)
    """

    def cut(match: re.Match[str]) -> str:
        word = match.group()
        return f"{word[:80]}…[{len(word):,} characters]…{word[-20:]}"

    message = re.sub(rf"\S{{{LONGEST_SHOWN_WORD + 1},}}", cut, message)
    if len(message) > LONGEST_MESSAGE:
        left = len(message) - 1600
        message = f"{message[:1200]} …[{left:,} characters]… {message[-400:]}"
    return message


class MarsGeoError(Exception):
    """Base class of every error marsgeo raises on purpose.

    A message that echoes a huge value is shortened (see :func:`shorten`); the value itself
    is left as it was.
    """

    def __init__(self, *args: object) -> None:
        if len(args) == 1 and isinstance(args[0], str):
            args = (shorten(args[0]),)
        super().__init__(*args)


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


class MissingExtraError(MarsGeoError, ImportError):
    """An optional dependency is not installed; the message names the ``pip install`` to run.

    Made by :func:`missing_extra`. Also an :class:`ImportError`, so code that guards an
    optional import with ``except ImportError`` keeps working.
    """


def missing_extra(what: str, extra: str, cause: ImportError) -> MissingExtraError:
    """Make the error for ``what`` needing the optional extra ``extra`` (``cause``: the import).

    >>> err = missing_extra("figures", "plot", ImportError("No module named 'matplotlib'"))
    >>> isinstance(err, ImportError), str(err).endswith('pip install "marsgeo[plot]"')
    (True, True)
    """
    msg = (
        f"{what} need an optional dependency that is not installed ({cause}); install it "
        f'with: pip install "marsgeo[{extra}]"'
    )
    return MissingExtraError(msg)


class TooLargeError(InputError):
    """A request would take more memory or work than marsgeo allows.

    The message gives the size it would need and the alternative (a window, a radius query,
    blocks, fewer items).
    """


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
