"""Year fractions across 28/29 February and 31 December, computed by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from loan_engine.finance.daycount import DayCount, day_count, parse_day_count, year_fraction, year_fraction_ratio
from loan_engine.finance.errors import FinanceInputError

US = DayCount.THIRTY_360_US
EU = DayCount.THIRTY_E_360
A365 = DayCount.ACTUAL_365_FIXED
A360 = DayCount.ACTUAL_360
AA = DayCount.ACTUAL_ACTUAL_ISDA


@pytest.mark.parametrize(
    ("d1", "d2", "convention", "days"),
    [
        # 30/360 US: 31st -> 30th; Feb-end start counts as the 30th.
        (date(2023, 1, 31), date(2023, 2, 28), US, 28),  # D1 31->30; 30*(2-1) + (28-30)
        (date(2023, 2, 28), date(2023, 3, 31), US, 30),  # D1 Feb end->30, D2 31->30
        (date(2024, 2, 29), date(2024, 3, 31), US, 30),  # leap Feb end
        (date(2024, 2, 28), date(2024, 3, 31), US, 33),  # 28 Feb 2024 is not Feb end: D2 stays 31
        (date(2023, 2, 28), date(2024, 2, 29), US, 360),  # Feb end to Feb end: D2 -> 30
        (date(2023, 12, 31), date(2024, 1, 31), US, 30),
        (date(2023, 12, 15), date(2024, 1, 31), US, 46),  # D1 15 < 30, so D2 stays 31
        # 30E/360: every 31st is the 30th; February is left alone.
        (date(2023, 12, 15), date(2024, 1, 31), EU, 45),
        (date(2023, 2, 28), date(2023, 3, 31), EU, 32),
        (date(2024, 2, 29), date(2024, 3, 31), EU, 31),
        # Actual: calendar days.
        (date(2024, 2, 28), date(2024, 3, 1), A365, 2),
        (date(2023, 2, 28), date(2023, 3, 1), A360, 1),
        (date(2023, 12, 31), date(2024, 1, 1), AA, 1),
    ],
)
def test_day_counts(d1: date, d2: date, convention: DayCount, days: int) -> None:
    assert day_count(d1, d2, convention) == days


@pytest.mark.parametrize(
    ("d1", "d2", "convention", "ratio"),
    [
        (date(2024, 1, 1), date(2025, 1, 1), A365, (366, 365)),  # leap year still /365
        (date(2024, 1, 1), date(2025, 1, 1), A360, (366, 360)),
        (date(2024, 1, 1), date(2025, 1, 1), US, (360, 360)),
        # ACT/ACT ISDA: 2023-12-31 -> 2024-01-01 is one day of 2023 (/365): 366*1 / (365*366)
        (date(2023, 12, 31), date(2024, 1, 1), AA, (366, 365 * 366)),
        # ... and 2024-12-31 -> 2025-01-01 is one day of leap 2024 (/366)
        (date(2024, 12, 31), date(2025, 1, 1), AA, (365, 365 * 366)),
    ],
)
def test_year_fraction_ratios(d1: date, d2: date, convention: DayCount, ratio: tuple[int, int]) -> None:
    assert year_fraction_ratio(d1, d2, convention) == ratio


def test_actual_actual_isda_splits_at_new_year() -> None:
    # 1 Nov 2003 -> 1 May 2004: 61 days in 2003 (/365) + 121 days in 2004 (/366) = 0.497724380567...
    fraction = year_fraction(date(2003, 11, 1), date(2004, 5, 1), AA)
    assert fraction.quantize(Decimal("1e-12")) == Decimal("0.497724380567")
    assert abs(fraction - (Decimal(61) / 365 + Decimal(121) / 366)) < Decimal("1e-27")


def test_actual_actual_whole_leap_year_is_one() -> None:
    assert year_fraction(date(2024, 1, 1), date(2025, 1, 1), AA) == 1
    assert year_fraction(date(2023, 1, 1), date(2024, 1, 1), AA) == 1


def test_february_29_counts_only_in_actual_conventions() -> None:
    # A month across 29 Feb 2024: 29 actual days, 30 under 30/360 US (Feb end -> 30th).
    assert day_count(date(2024, 2, 1), date(2024, 3, 1), A365) == 29
    assert day_count(date(2024, 2, 1), date(2024, 3, 1), US) == 30
    assert year_fraction_ratio(date(2024, 2, 1), date(2024, 3, 1), A365) == (29, 365)
    assert str(year_fraction(date(2024, 2, 1), date(2024, 3, 1), A365)).startswith("0.07945205479452054794")


def test_fractions_are_signed() -> None:
    assert year_fraction_ratio(date(2024, 3, 1), date(2024, 2, 1), A365) == (-29, 365)
    assert day_count(date(2024, 3, 1), date(2024, 2, 1), US) == -30


def test_parse_day_count_aliases() -> None:
    assert parse_day_count("ACT/365F") is A365
    assert parse_day_count("30E/360") is EU
    assert parse_day_count("Actual/Actual") is AA
    with pytest.raises(FinanceInputError) as info:
        parse_day_count("bus/252")
    assert info.value.field == "day_count"
