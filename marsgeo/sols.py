"""Mars 2020 mission sols <-> UTC and local mean solar time (the Mars24 algorithm).

The algorithm is Allison and McEwen (2000) as published with NASA GISS's Mars24 Sunclock:
Mars Sol Date ``MSD = (dt_J2000(TT) - 4.5) / 1.0274912517 + 44796.0 - 0.0009626`` and
coordinated Mars time ``MTC = 24 h * frac(MSD)``. Local mean solar time at an east longitude is
``LMST = MTC + lon_E / 15 h``.

Mars 2020 counts sols from landing day (sol 0, 2021-02-18) at the Octavia E. Butler Landing
longitude :data:`M2020_LMST_LON_E`. With these, every confirmed drop date of the Three Forks
depot is reproduced (see ``tests/test_sols.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from marsgeo.crs import coordinate_problems, is_real_number, real_numbers
from marsgeo.errors import CoordinateError, InputError

if TYPE_CHECKING:
    from marsgeo.typing import TimeLike

__all__ = [
    "M2020_LANDING_UTC",
    "M2020_LMST_LON_E",
    "M2020_SOL0_MSD",
    "SOL_MAX",
    "SOL_MIN",
    "SOL_S",
    "SolTime",
    "format_lmst",
    "lmst_hours",
    "mars_sol_date",
    "parse_lmst",
    "sol_span_utc",
    "sol_to_utc",
    "utc_to_sol",
]

#: Length of the mean solar day on Mars [s] (Mars24: 1.0274912517 Earth days).
SOL_S = 88_775.244
_SOL_DAYS = 1.0274912517
# J2000 (JD 2451545.0 TT) minus the Unix epoch (JD 2440587.5), in days.
_J2000_MINUS_UNIX_DAYS = 2_451_545.0 - 2_440_587.5

#: East longitude [deg] of the Octavia E. Butler Landing, where Mars 2020 keeps its LMST.
M2020_LMST_LON_E = 77.45088572
#: Touchdown of Perseverance (spacecraft event time, UTC).
M2020_LANDING_UTC = datetime(2021, 2, 18, 20, 43, 49, tzinfo=UTC)

# TAI - UTC [s] from each date on (IERS Bulletin C). TT - UTC = TAI - UTC + 32.184 s.
# No leap second has been added since 2017-01-01.
_LEAP_SECONDS: tuple[tuple[datetime, int], ...] = tuple(
    (datetime(y, m, 1, tzinfo=UTC), s)
    for y, m, s in (
        (1972, 1, 10),
        (1972, 7, 11),
        (1973, 1, 12),
        (1974, 1, 13),
        (1975, 1, 14),
        (1976, 1, 15),
        (1977, 1, 16),
        (1978, 1, 17),
        (1979, 1, 18),
        (1980, 1, 19),
        (1981, 7, 20),
        (1982, 7, 21),
        (1983, 7, 22),
        (1985, 7, 23),
        (1988, 1, 24),
        (1990, 1, 25),
        (1991, 1, 26),
        (1992, 7, 27),
        (1993, 7, 28),
        (1994, 7, 29),
        (1996, 1, 30),
        (1997, 7, 31),
        (1999, 1, 32),
        (2006, 1, 33),
        (2009, 1, 34),
        (2012, 7, 35),
        (2015, 7, 36),
        (2017, 1, 37),
    )
)


@dataclass(frozen=True)
class SolTime:
    """A moment as Mars 2020 counts it: mission sol and local mean solar time.

    Attributes
    ----------
    sol
        Mission sol (0 = landing day, 2021-02-18).
    lmst_hours
        Local mean solar time at :data:`M2020_LMST_LON_E`, hours in [0, 24).
    """

    sol: int
    lmst_hours: float

    def __post_init__(self) -> None:
        _whole_sol(self.sol, bounded=False)
        if not (is_real_number(self.lmst_hours) and 0.0 <= float(self.lmst_hours) < 24.0):
            msg = (
                f"lmst_hours={self.lmst_hours!r} is not a local time of the sol; pass hours "
                "in [0, 24), e.g. 13.64."
            )
            raise InputError(msg)

    @property
    def lmst(self) -> str:
        """LMST as ``HH:MM:SS``."""
        return format_lmst(self.lmst_hours)

    def __str__(self) -> str:
        return f"sol {self.sol} {self.lmst} LMST"


def _to_utc(t: Any, *, name: str) -> datetime:
    """Accept a datetime, pandas Timestamp or ISO string; naive values are taken as UTC.

    Numbers are refused: pandas would read them as nanoseconds since 1970.
    """
    not_a_time = f"{name}={t!r} is not a date and time; pass a datetime or an ISO 8601 string."
    if isinstance(t, (bool, int, float)) or is_real_number(t):
        raise InputError(not_a_time)
    try:
        ts = pd.Timestamp(t)
    except (ValueError, TypeError, OverflowError) as exc:
        raise InputError(not_a_time) from exc
    if pd.isna(ts):
        msg = f"{name} is missing (NaT); pass a datetime or an ISO 8601 string."
        raise InputError(msg)
    try:
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
        out: datetime = ts.to_pydatetime(warn=False)  # nanoseconds beyond datetime: dropped
    except (ValueError, OverflowError) as exc:  # e.g. a year 0 that datetime cannot hold
        raise InputError(not_a_time) from exc
    if out < _LEAP_SECONDS[0][0]:
        msg = (
            f"{name}={t!r} is before 1972-01-01, where UTC has no leap-second table; "
            "marsgeo converts times from 1972 on."
        )
        raise InputError(msg)
    return out


def _tt_minus_utc_s(t: datetime) -> float:
    tai_utc = 10
    for start, seconds in _LEAP_SECONDS:
        if t >= start:
            tai_utc = seconds
    return tai_utc + 32.184


def mars_sol_date(t: TimeLike) -> float:
    """Mars Sol Date (MSD) of a UTC moment.

    Parameters
    ----------
    t
        datetime, pandas Timestamp or ISO 8601 string (naive means UTC).

    Returns
    -------
    float
        Days of ~88 775 s since the Mars24 epoch (MSD 0 is 1873-12-29).

    Examples
    --------
    The Mars24 worked example, 2000-01-06 00:00 UTC:

    >>> round(mars_sol_date("2000-01-06T00:00:00Z"), 5)
    44795.99976
    """
    utc = _to_utc(t, name="t")
    # Work in days since J2000 (about 1e4), not Julian Dates (about 2.5e6), whose float64
    # resolution is 40 microseconds.
    dt_j2000 = (utc.timestamp() + _tt_minus_utc_s(utc)) / 86_400.0 - _J2000_MINUS_UNIX_DAYS
    return (dt_j2000 - 4.5) / _SOL_DAYS + 44_796.0 - 0.0009626


def lmst_hours(t: TimeLike, *, lon_e: float = M2020_LMST_LON_E) -> float:
    """Local mean solar time [h] at east longitude ``lon_e`` at UTC moment ``t``.

    Examples
    --------
    Perseverance touched down in the Martian afternoon:

    >>> format_lmst(lmst_hours(M2020_LANDING_UTC))
    '15:53:26'
    """
    lon = _check_lon(lon_e)
    local = mars_sol_date(t) + lon / 360.0
    return (local % 1.0) * 24.0


# Mars 2020 sol 0 is the local Mars day of landing at the landing longitude.
#: Local MSD (at :data:`M2020_LMST_LON_E`) at the start of Mars 2020 sol 0.
M2020_SOL0_MSD = math.floor(mars_sol_date(M2020_LANDING_UTC) + M2020_LMST_LON_E / 360.0)


def _check_lon(lon_e: Any) -> float:
    """Apply marsgeo's coordinate range rule to one east longitude; return it as a float."""
    try:
        value = real_numbers(lon_e, name="lon_e")
    except CoordinateError:
        value = None
    if value is None or value.ndim != 0 or coordinate_problems([value], [0.0]):
        msg = f"lon_e={lon_e!r} is not an east longitude in degrees; pass a number in -360..360."
        raise CoordinateError(msg)
    return float(value)


def utc_to_sol(t: TimeLike) -> SolTime:
    """Mars 2020 mission sol and LMST of a UTC moment.

    Examples
    --------
    >>> str(utc_to_sol("2022-12-21T17:15:36Z"))
    'sol 653 13:38:22 LMST'
    """
    sol, hours = _sol_and_hours(t)
    return SolTime(sol=sol, lmst_hours=hours)


def _sol_and_hours(t: Any) -> tuple[int, float]:
    # Round to ~9 microseconds (1e-10 sol) so that a midnight computed by sol_to_utc, which
    # carries float round-off of a few 1e-12 sol, lands on the sol it starts, not the one before.
    local = round(mars_sol_date(t) + M2020_LMST_LON_E / 360.0, 10)
    return math.floor(local) - M2020_SOL0_MSD, (local - math.floor(local)) * 24.0


#: The first Mars 2020 sol marsgeo converts: the first to start after 1972-01-01 UTC, where
#: UTC's leap-second table starts.
SOL_MIN = _sol_and_hours(_LEAP_SECONDS[0][0])[0] + 1
#: The last Mars 2020 sol marsgeo converts: the last to end before the year 10000.
SOL_MAX = _sol_and_hours(datetime(9999, 12, 31, tzinfo=UTC))[0] - 1


def parse_lmst(lmst: str | float) -> float:
    """Read an LMST ``HH:MM:SS`` (or ``HH:MM``) string, or hours, into hours in [0, 24].

    Examples
    --------
    >>> parse_lmst("13:38:22")  # doctest: +NUMBER
    13.6394
    """
    if not isinstance(lmst, str) and not is_real_number(lmst):
        msg = (
            f"lmst={lmst!r} is not a time; write it as 'HH:MM:SS' (e.g. '13:38:22') or pass "
            "hours as a number."
        )
        raise InputError(msg)
    if not isinstance(lmst, str):
        hours = float(lmst)
    else:
        parts = lmst.strip().split(":")
        try:
            if len(parts) not in (2, 3):
                raise ValueError
            nums = [float(p) for p in parts] + [0.0] * (3 - len(parts))
        except ValueError:
            msg = f"lmst={lmst!r} is not a time; write it as 'HH:MM:SS', e.g. '13:38:22'."
            raise InputError(msg) from None
        h, m, s = nums
        if not (0 <= m < 60 and 0 <= s < 60):
            msg = f"lmst={lmst!r} has minutes or seconds out of 0..59; write 'HH:MM:SS'."
            raise InputError(msg)
        hours = h + m / 60.0 + s / 3600.0
    if not (math.isfinite(hours) and 0.0 <= hours <= 24.0):
        msg = f"lmst={lmst!r} is outside 00:00:00..24:00:00; pass a local time of the sol."
        raise InputError(msg)
    return hours


def format_lmst(hours: float) -> str:
    """Write LMST hours as ``HH:MM:SS`` (rounded to the second).

    Examples
    --------
    >>> format_lmst(13.5)
    '13:30:00'
    """
    if not (is_real_number(hours) and math.isfinite(float(hours)) and 0.0 <= hours <= 24.0):
        msg = f"hours={hours!r} is not a local time of the sol; pass hours in 0..24, e.g. 13.5."
        raise InputError(msg)
    # a time just before midnight rounds to 23:59:59, never to 24:00:00 of the same sol
    total = min(round(hours * 3600.0), 86_399)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def sol_to_utc(sol: int, lmst: str | float = "00:00:00") -> pd.Timestamp:
    """UTC moment of a Mars 2020 mission sol at a local mean solar time.

    Parameters
    ----------
    sol
        Mission sol (0 = landing day), a whole number from :data:`SOL_MIN` to :data:`SOL_MAX`.
        Negative sols are before landing and allowed back to 1972, where UTC's leap-second
        table starts.
    lmst
        Local mean solar time, ``HH:MM:SS`` or hours.

    Returns
    -------
    pandas.Timestamp
        In UTC, to the microsecond.

    Raises
    ------
    marsgeo.errors.InputError
        ``sol`` is not a whole number in :data:`SOL_MIN`..:data:`SOL_MAX`, or ``lmst`` is not
        a local time.

    Examples
    --------
    The first tube of the depot was dropped on sol 653 at 13:38:22 LMST:

    >>> sol_to_utc(653, "13:38:22").date().isoformat()
    '2022-12-21'
    """
    whole = _whole_sol(sol)
    hours = parse_lmst(lmst)
    return _sol_to_utc(whole, hours)


def _whole_sol(sol: Any, *, bounded: bool = True) -> int:
    """Return a mission sol as an int, or raise InputError naming the value and the range."""
    try:
        whole = is_real_number(sol) and float(sol).is_integer()
    except (OverflowError, ValueError):
        whole = False
    if not whole:
        msg = f"sol={sol!r} is not a whole sol number; pass an integer such as 653."
        raise InputError(msg)
    if bounded and not SOL_MIN <= int(sol) <= SOL_MAX:
        msg = (
            f"sol={sol!r} is outside the whole sols marsgeo converts, {SOL_MIN}..{SOL_MAX} "
            "(from 1972, where UTC's leap-second table starts, to the year 9999); pass a sol "
            "in that range."
        )
        raise InputError(msg)
    return int(sol)


def _sol_to_utc(sol: int, hours: float) -> pd.Timestamp:
    # MSD - 44796 kept small: the whole-sol part is an exact integer.
    msd_rel = (sol + M2020_SOL0_MSD - 44_796) + hours / 24.0 - M2020_LMST_LON_E / 360.0
    dt_j2000 = (msd_rel + 0.0009626) * _SOL_DAYS + 4.5
    tt_unix_s = (dt_j2000 + _J2000_MINUS_UNIX_DAYS) * 86_400.0
    # TT - UTC depends on the UTC we are solving for: iterate (it settles in two steps,
    # also within seconds of a leap second)
    utc_s = tt_unix_s - 69.184
    for _ in range(3):
        utc_s = tt_unix_s - _tt_minus_utc_s(datetime.fromtimestamp(utc_s, tz=UTC))
    return pd.Timestamp(datetime.fromtimestamp(utc_s, tz=UTC))


def sol_span_utc(sol: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """UTC start and end of a Mars 2020 mission sol (midnight to midnight LMST).

    ``sol`` is a whole number from :data:`SOL_MIN` to :data:`SOL_MAX`.

    Examples
    --------
    >>> start, end = sol_span_utc(337)
    >>> start.date().isoformat(), end.date().isoformat()
    ('2022-01-30', '2022-01-31')
    """
    whole = _whole_sol(sol)
    return _sol_to_utc(whole, 0.0), _sol_to_utc(whole + 1, 0.0)
