from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsgeo import sols
from marsgeo.errors import InputError

# Confirmed Earth dates from the reference (not the (c) computed ones): drop sol -> UTC date.
CONFIRMED_DROPS = {
    653: ("13:38:22", "2022-12-21"),
    672: ("14:09:04", "2023-01-10"),
    690: ("14:36:27", "2023-01-28"),
}
# Confirmed collection dates: the sol must contain them. (Sol 639's confirmed date is the US
# "Dec 6", and sol 586's listed 2022-10-14 is only approximate: see the tests below.)
CONFIRMED_COLLECTIONS = {
    337: "2022-01-31",
    164: "2021-08-06",
    190: "2021-09-01",
    516: "2022-08-02",
}


def test_mars24_worked_example() -> None:
    # Allison & McEwen / GISS Mars24 example: 2000-01-06 00:00 UTC is MSD 44795.9998,
    # MTC 23:59:39 (TT - UTC = 64.184 s then).
    msd = sols.mars_sol_date("2000-01-06T00:00:00Z")
    assert msd == pytest.approx(44795.9998, abs=1e-4)
    mtc_h = (msd % 1.0) * 24
    assert mtc_h == pytest.approx(23 + 59 / 60 + 39 / 3600, abs=2 / 3600)


def test_landing_day_is_sol_zero() -> None:
    assert sols.utc_to_sol(sols.M2020_LANDING_UTC).sol == 0
    start, end = sols.sol_span_utc(0)
    assert start.date() <= dt.date(2021, 2, 18) <= end.date()


@pytest.mark.parametrize("sol", sorted(CONFIRMED_DROPS))
def test_confirmed_drop_dates(sol: int) -> None:
    lmst, date = CONFIRMED_DROPS[sol]
    assert sols.sol_to_utc(sol, lmst).date().isoformat() == date


@pytest.mark.parametrize("sol", sorted(CONFIRMED_COLLECTIONS))
def test_confirmed_collection_dates_fall_in_their_sol(sol: int) -> None:
    start, end = sols.sol_span_utc(sol)
    day = dt.date.fromisoformat(CONFIRMED_COLLECTIONS[sol])
    assert start.date() <= day <= end.date()
    assert (end - start).total_seconds() == pytest.approx(sols.SOL_S, abs=1e-3)


def _midday(sol: int, tz: str) -> str:
    return sols.sol_to_utc(sol, "12:00:00").tz_convert(tz).date().isoformat()


def test_sol_586_falls_on_13_october() -> None:
    # the reference: sol 586 falls on 13 October in UTC and in US Pacific time
    assert _midday(586, "UTC") == _midday(586, "America/Los_Angeles") == "2022-10-13"
    start, end = sols.sol_span_utc(586)
    on_13th = pd.Timestamp("2022-10-14", tz="UTC") - start
    assert on_13th > end - pd.Timestamp("2022-10-14", tz="UTC")  # most of the sol
    la = "America/Los_Angeles"
    assert start.tz_convert(la).date().isoformat() == "2022-10-13"
    assert (end.tz_convert(la) - pd.Timestamp("2022-10-14", tz=la)).total_seconds() < 3600


def test_sol_639_is_dec_6_in_the_us_and_dec_7_in_utc() -> None:
    # Crosswind Lake: published "Dec 6" (US); 2022-12-07 is its UTC conversion
    assert _midday(639, "America/Los_Angeles") == "2022-12-06"
    assert _midday(639, "UTC") == "2022-12-07"


def test_sol_length_is_the_published_one() -> None:
    a = sols.sol_to_utc(653, "12:00:00")
    b = sols.sol_to_utc(654, "12:00:00")
    assert (b - a).total_seconds() == pytest.approx(88_775.244, abs=1e-3)


@given(st.integers(0, 3000), st.floats(0, 23.9997))
def test_sol_lmst_round_trip(sol: int, hours: float) -> None:
    t = sols.sol_to_utc(sol, hours)
    back = sols.utc_to_sol(t)
    assert back.sol == sol
    assert back.lmst_hours == pytest.approx(hours, abs=1e-5)


def test_leap_seconds_are_applied() -> None:
    # 2016-12-31 and 2017-01-02 differ by one leap second in TT - UTC
    before = sols.mars_sol_date("2016-12-31T00:00:00")
    after = sols.mars_sol_date("2017-01-02T00:00:00")
    assert (after - before) * sols.SOL_S == pytest.approx(2 * 86_400 + 1, abs=1e-3)


def test_inverse_is_exact_next_to_a_leap_second() -> None:
    # 1999-01-01T00:00:02Z is two seconds after the leap second of 1998-12-31
    t = sols.utc_to_sol("1999-01-01T00:00:02Z")
    back = sols.sol_to_utc(t.sol, t.lmst_hours)
    assert abs((back - pd.Timestamp("1999-01-01T00:00:02Z")).total_seconds()) < 1e-3


def test_just_before_midnight_is_not_2400() -> None:
    t = sols.utc_to_sol(sols.sol_to_utc(653, 23.99999))
    assert t.sol == 653 and t.lmst == "23:59:59"


def test_naive_and_aware_times_agree() -> None:
    aware = pd.Timestamp("2022-12-21T10:15:36-07:00")
    assert sols.utc_to_sol(aware) == sols.utc_to_sol("2022-12-21T17:15:36")


def test_lmst_text_round_trip() -> None:
    assert sols.format_lmst(sols.parse_lmst("13:38:22")) == "13:38:22"
    assert str(sols.utc_to_sol(sols.sol_to_utc(653, "13:38:22"))) == "sol 653 13:38:22 LMST"


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: sols.parse_lmst("1338"), r"lmst='1338'.*HH:MM:SS"),
        (lambda: sols.parse_lmst("13:75:00"), "minutes or seconds"),
        (lambda: sols.parse_lmst(25.0), "outside"),
        (lambda: sols.sol_to_utc(653.5), "whole sol"),  # type: ignore[arg-type]
        (lambda: sols.sol_to_utc(None), "sol=None"),  # type: ignore[arg-type]
        (lambda: sols.sol_to_utc(1e20), "whole sol"),  # type: ignore[arg-type]
        (lambda: sols.mars_sol_date("yesterday-ish"), "ISO 8601"),
        (lambda: sols.mars_sol_date("1960-01-01"), "before 1972"),
        (lambda: sols.lmst_hours("2022-01-01", lon_e=float("nan")), "lon_e"),
    ],
)
def test_bad_input_is_refused(call, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=match):
        call()


# --- the range of sols and wrong types ---------------------------------------------------------

MARS24_SOL_S = 1.0274912517 * 86_400.0  # mean solar day, from the Mars24 algorithm


def test_the_sol_range_runs_from_1972_to_the_year_9999() -> None:
    # sols between the start of UTC's leap-second table and landing (sol 0 began about
    # 15.9 h LMST before touchdown), counted independently with the mean solar day
    landing = dt.datetime(2021, 2, 18, 20, 43, 49, tzinfo=dt.UTC)
    before = (landing - dt.datetime(1972, 1, 1, tzinfo=dt.UTC)).total_seconds() / MARS24_SOL_S
    assert abs(sols.SOL_MIN + before) < 1.0
    assert sols.sol_to_utc(sols.SOL_MIN) >= pd.Timestamp("1972-01-01T00:00:00Z")
    assert sols.sol_span_utc(sols.SOL_MAX)[1].year == 9999
    for outside in (sols.SOL_MIN - 1, sols.SOL_MAX + 1, -1e6, -900_000, 10**12):
        with pytest.raises(InputError, match=r"outside the whole sols.*1972.*9999"):
            sols.sol_to_utc(outside)
        with pytest.raises(InputError, match=r"outside the whole sols"):
            sols.sol_span_utc(outside)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: sols.format_lmst(float("nan")), "hours=nan"),
        (lambda: sols.format_lmst(-5), "hours=-5"),
        (lambda: sols.format_lmst(24.5), "hours=24.5"),
        (lambda: sols.format_lmst(True), "hours=True"),  # type: ignore[arg-type]
        (lambda: sols.format_lmst("13"), "hours='13'"),  # type: ignore[arg-type]
        (lambda: sols.parse_lmst(True), "lmst=True"),
        (lambda: sols.mars_sol_date(2e18), "not a date and time"),
        (lambda: sols.mars_sol_date("/1"), "not a date and time"),
        (lambda: sols.lmst_hours("2022-12-21", lon_e="77"), "lon_e='77'"),  # type: ignore[arg-type]
        (lambda: sols.lmst_hours("2022-12-21", lon_e=True), "lon_e=True"),
        (lambda: sols.SolTime(sol=1.5, lmst_hours=0.0), "whole sol"),  # type: ignore[arg-type]
        (lambda: sols.SolTime(sol=653, lmst_hours=25.0), "lmst_hours=25.0"),
    ],
)
def test_wrong_types_and_ranges_get_marsgeo_errors(call, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=match):
        call()
