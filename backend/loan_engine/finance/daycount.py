"""Day-count conventions: how many days, and what fraction of a year, lie between two dates.

Every convention is computed as an exact rational ``numerator / denominator`` first; the Decimal
year fraction is that ratio rounded once at 38 significant digits.
"""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Final

from loan_engine.finance.calendar import is_month_end
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import RATE_PRECISION, finance_context

__all__ = ["DayCount", "day_count", "parse_day_count", "year_fraction", "year_fraction_ratio"]


class DayCount(StrEnum):
    """Supported day-count conventions (names as used on the wire)."""

    THIRTY_360_US = "30/360"
    THIRTY_E_360 = "30E/360"
    ACTUAL_365_FIXED = "actual/365"
    ACTUAL_360 = "actual/360"
    ACTUAL_ACTUAL_ISDA = "actual/actual"


_ALIASES: Final = {
    "30/360": DayCount.THIRTY_360_US,
    "30/360 us": DayCount.THIRTY_360_US,
    "30u/360": DayCount.THIRTY_360_US,
    "30e/360": DayCount.THIRTY_E_360,
    "actual/365": DayCount.ACTUAL_365_FIXED,
    "actual/365f": DayCount.ACTUAL_365_FIXED,
    "act/365f": DayCount.ACTUAL_365_FIXED,
    "act/365": DayCount.ACTUAL_365_FIXED,
    "actual/360": DayCount.ACTUAL_360,
    "act/360": DayCount.ACTUAL_360,
    "actual/actual": DayCount.ACTUAL_ACTUAL_ISDA,
    "actual/actual isda": DayCount.ACTUAL_ACTUAL_ISDA,
    "act/act": DayCount.ACTUAL_ACTUAL_ISDA,
}


def parse_day_count(name: str) -> DayCount:
    """Parse a day-count name (``30/360``, ``30E/360``, ``actual/365``, ``actual/360``,
    ``actual/actual``, and the usual ``act/...`` aliases), case-insensitively."""
    try:
        return _ALIASES[name.strip().lower()]
    except KeyError:
        raise FinanceInputError("day_count", f"unknown day count {name!r}") from None


def _is_last_of_february(d: date) -> bool:
    return d.month == 2 and is_month_end(d)


def _thirty_360_us(d1: date, d2: date) -> int:
    """30/360 US (SIA): Feb-end and 31st adjustments, then 360·ΔY + 30·ΔM + ΔD."""
    day1, day2 = d1.day, d2.day
    if _is_last_of_february(d1) and _is_last_of_february(d2):
        day2 = 30
    if _is_last_of_february(d1):
        day1 = 30
    if day2 == 31 and day1 >= 30:
        day2 = 30
    day1 = min(day1, 30)
    return 360 * (d2.year - d1.year) + 30 * (d2.month - d1.month) + (day2 - day1)


def _thirty_e_360(d1: date, d2: date) -> int:
    """30E/360 (Eurobond): every 31st counts as the 30th, no other adjustment."""
    day1, day2 = min(d1.day, 30), min(d2.day, 30)
    return 360 * (d2.year - d1.year) + 30 * (d2.month - d1.month) + (day2 - day1)


def day_count(d1: date, d2: date, convention: DayCount) -> int:
    """Days from ``d1`` to ``d2`` under the convention (actual days, or 30-day months for 30/360)."""
    if d2 < d1:
        return -day_count(d2, d1, convention)
    if convention is DayCount.THIRTY_360_US:
        return _thirty_360_us(d1, d2)
    if convention is DayCount.THIRTY_E_360:
        return _thirty_e_360(d1, d2)
    return (d2 - d1).days


def _actual_actual_ratio(d1: date, d2: date) -> tuple[int, int]:
    """ACT/ACT ISDA: days falling in leap years over 366 plus the other days over 365."""
    leap_days = normal_days = 0
    cursor = d1
    while cursor < d2:
        year_end = date(cursor.year + 1, 1, 1)
        segment_end = min(year_end, d2)
        days = (segment_end - cursor).days
        if (year_end - date(cursor.year, 1, 1)).days == 366:
            leap_days += days
        else:
            normal_days += days
        cursor = segment_end
    return 366 * normal_days + 365 * leap_days, 365 * 366


def year_fraction_ratio(d1: date, d2: date, convention: DayCount) -> tuple[int, int]:
    """The year fraction from ``d1`` to ``d2`` as an exact ratio ``(numerator, denominator)``.

    30/360 US, 30E/360: days / 360. Actual/365 Fixed: actual days / 365 (also in leap years).
    Actual/360: actual days / 360. Actual/Actual ISDA: split at each 1 January; days in a leap
    year count 1/366, other days 1/365. Negative when ``d2`` is before ``d1``.
    """
    if d2 < d1:
        num, den = year_fraction_ratio(d2, d1, convention)
        return -num, den
    if convention is DayCount.ACTUAL_ACTUAL_ISDA:
        return _actual_actual_ratio(d1, d2)
    days = day_count(d1, d2, convention)
    return days, 365 if convention is DayCount.ACTUAL_365_FIXED else 360


def year_fraction(d1: date, d2: date, convention: DayCount) -> Decimal:
    """The year fraction from ``d1`` to ``d2`` as a Decimal (38 significant digits)."""
    num, den = year_fraction_ratio(d1, d2, convention)
    with decimal.localcontext(finance_context(RATE_PRECISION)):
        return Decimal(num) / Decimal(den)


def days_in_year_basis(convention: DayCount, on: date) -> int:
    """Days in the year used for a per-diem under the convention (366 in leap years for ACT/ACT)."""
    if convention is DayCount.ACTUAL_365_FIXED:
        return 365
    if convention is DayCount.ACTUAL_ACTUAL_ISDA:
        return 366 if (date(on.year + 1, 1, 1) - date(on.year, 1, 1)).days == 366 else 365
    return 360
