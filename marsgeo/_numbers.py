"""Argument checks shared by marsgeo's modules (private): numbers, choices and flags.

Each returns the checked value or raises :class:`~marsgeo.errors.InputError` naming the
argument, the value and the fix. Booleans are never numbers: ``True`` is not a distance.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from marsgeo.errors import InputError


def is_number(value: Any) -> bool:
    """Tell whether ``value`` is a real number of any type, and not a boolean."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def is_whole(value: Any) -> bool:
    """Tell whether ``value`` is an integer of any type, and not a boolean."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def real_number(
    value: Any,
    *,
    name: str,
    fix: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite float within bounds, or raise InputError naming it.

    Booleans are refused: ``True`` is not a distance.
    """
    if not is_number(value):
        msg = f"{name}={value!r} is not a number; {fix}."
        raise InputError(msg)
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        msg = f"{name}={value!r} is not a finite number; {fix}."
        raise InputError(msg)
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        msg = f"{name}={value!r} is out of range; {fix}."
        raise InputError(msg)
    return number


def whole_number(value: Any, *, name: str, fix: str, low: int, high: int | None = None) -> int:
    """Return ``value`` as an int within bounds, or raise InputError naming it."""
    if not is_whole(value):
        msg = f"{name}={value!r} is not a whole number; {fix}."
        raise InputError(msg)
    number = int(value)
    if number < low or (high is not None and number > high):
        msg = f"{name}={value!r} is out of range; {fix}."
        raise InputError(msg)
    return number


def choice(value: Any, *, name: str, options: tuple[str, ...] | list[str]) -> str:
    """Return ``value`` if it is one of ``options`` (strings), or raise InputError naming it."""
    if not isinstance(value, str) or value not in options:
        msg = f"{name}={value!r} is not one of {list(options)}; pass one of them."
        raise InputError(msg)
    return value


def optional_flag(value: Any, *, name: str) -> bool | None:
    """Return ``value`` (None, True or False), or raise InputError naming it."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    msg = f"{name}={value!r} is not True, False or None; pass one of them."
    raise InputError(msg)
