"""Payment frequencies and due dates.

Month-end rule (stated once, used everywhere): due dates are always computed from the anchor
(the first due date), never from the previous due date. Due date ``k`` of a monthly schedule is
``anchor + k months`` with the day clamped to the month's last day. So 31 January, then 28/29
February, then 31 March: the anchor day returns as soon as the month is long enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Final

from loan_engine.finance.errors import FinanceInputError

__all__ = [
    "EVERY_PATTERN",
    "Frequency",
    "FrequencyName",
    "FrequencyUnit",
    "add_months",
    "days_in_month",
    "due_date",
    "due_dates",
    "is_month_end",
    "parse_frequency",
]

_DAYS_IN_MONTH: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    """Number of days in the month (Gregorian calendar, 29 February in leap years)."""
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def is_month_end(d: date) -> bool:
    """True when ``d`` is the last day of its month."""
    return d.day == days_in_month(d.year, d.month)


def add_months(d: date, months: int, anchor_day: int | None = None) -> date:
    """Add calendar months with the month-end clamp: 31 Jan + 1 month = 28/29 Feb.

    ``anchor_day`` (default ``d.day``) is the day the schedule wants; it is clamped to the length
    of the target month, so a schedule anchored on the 31st returns to the 31st after February.
    """
    day = d.day if anchor_day is None else anchor_day
    index = d.year * 12 + d.month - 1 + months
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, min(day, days_in_month(year, month0 + 1)))


class FrequencyUnit(StrEnum):
    """Units a payment frequency counts in."""

    DAY = "day"
    WEEK = "week"
    SEMIMONTH = "semimonth"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class Frequency:
    """A payment frequency: ``count`` * ``unit`` between due dates (e.g. 3 * month = quarterly)."""

    unit: FrequencyUnit
    count: int = 1

    def __post_init__(self) -> None:
        limit = _MAX_COUNT[self.unit]
        if not 1 <= self.count <= limit:
            raise FinanceInputError("frequency", f"every {self.count} {self.unit}s is not supported")

    @property
    def periods_per_year(self) -> Decimal:
        """Periods per year: 365/n (days), 52/n (weeks), 24 (semimonths), 12/n (months)."""
        base = _PER_YEAR[self.unit]
        return base / self.count if self.count != 1 else base

    @property
    def name(self) -> str:
        """The canonical name: ``monthly``, ``biweekly`` …, or ``every-N-<unit>s``."""
        for name, freq in _NAMED.items():
            if freq == self:
                return name
        return f"every-{self.count}-{self.unit.value}s"


_MAX_COUNT: Final = {
    FrequencyUnit.DAY: 365,
    FrequencyUnit.WEEK: 52,
    FrequencyUnit.SEMIMONTH: 1,
    FrequencyUnit.MONTH: 12,
}
_PER_YEAR: Final = {
    FrequencyUnit.DAY: Decimal(365),
    FrequencyUnit.WEEK: Decimal(52),
    FrequencyUnit.SEMIMONTH: Decimal(24),
    FrequencyUnit.MONTH: Decimal(12),
}


class FrequencyName(StrEnum):
    """The named payment frequencies (a closed set); any other is ``every-N-days|weeks|months``."""

    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    SEMIMONTHLY = "semimonthly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"


_NAMED: Final[dict[str, Frequency]] = {
    FrequencyName.WEEKLY: Frequency(FrequencyUnit.WEEK, 1),
    FrequencyName.BIWEEKLY: Frequency(FrequencyUnit.WEEK, 2),
    FrequencyName.SEMIMONTHLY: Frequency(FrequencyUnit.SEMIMONTH, 1),
    FrequencyName.MONTHLY: Frequency(FrequencyUnit.MONTH, 1),
    FrequencyName.QUARTERLY: Frequency(FrequencyUnit.MONTH, 3),
    FrequencyName.SEMIANNUAL: Frequency(FrequencyUnit.MONTH, 6),
    FrequencyName.ANNUAL: Frequency(FrequencyUnit.MONTH, 12),
}
# The other frequencies: every N days, weeks or months (the singular is accepted too: every-1-week).
EVERY_PATTERN: Final = "every-([0-9]{1,3})-(day|week|month)s?"
_EVERY: Final = re.compile(EVERY_PATTERN)


def parse_frequency(name: str) -> Frequency:
    """Parse a ``FrequencyName`` (``weekly | biweekly | semimonthly | monthly | quarterly | semiannual |
    annual``) or ``every-N-days | every-N-weeks | every-N-months``."""
    if name in _NAMED:
        return _NAMED[name]
    match = _EVERY.fullmatch(name)
    if match is None:
        raise FinanceInputError("frequency", f"unknown frequency {name!r}")
    return Frequency(FrequencyUnit(match.group(2)), int(match.group(1)))


def _semimonth_days(anchor: date) -> tuple[int, int, bool]:
    """The two days of a semimonthly pair and whether the anchor is the second of them.

    Anchor on day d <= 15: the pair is (d, d + 15), with d + 15 >= 30 meaning month end.
    Anchor on day d > 15: the pair is (d - 15, d); a month-end anchor pairs the 15th with month end.
    """
    day = anchor.day
    if day <= 15:
        return day, (31 if day + 15 >= 30 else day + 15), False
    if is_month_end(anchor):
        return 15, 31, True
    return day - 15, day, True


def due_date(anchor: date, freq: Frequency, k: int) -> date:
    """The ``k``-th due date after ``anchor`` (``k = 0`` is the anchor), computed from the anchor.

    Weeks and days add ``k * count * 7`` (or ``* 1``) days. Months add ``k * count`` months with
    the month-end clamp. Semimonths alternate the two days of the pair (see ``_semimonth_days``).
    ``k`` may be negative (the regular period before the first due date).
    """
    if freq.unit is FrequencyUnit.MONTH:
        return add_months(anchor, k * freq.count)
    if freq.unit is FrequencyUnit.WEEK:
        return anchor + timedelta(days=7 * freq.count * k)
    if freq.unit is FrequencyUnit.DAY:
        return anchor + timedelta(days=freq.count * k)
    first, second, anchor_is_second = _semimonth_days(anchor)
    half = k + (1 if anchor_is_second else 0)
    months, which = divmod(half, 2)
    day = second if which else first
    base = add_months(anchor.replace(day=1), months)
    return base.replace(day=min(day, days_in_month(base.year, base.month)))


@lru_cache(maxsize=4096)
def due_dates(anchor: date, freq: Frequency, n: int) -> tuple[date, ...]:
    """The first ``n`` due dates from ``anchor`` (cached: the tuple is immutable)."""
    if freq.unit is FrequencyUnit.MONTH:
        step = freq.count
        day = anchor.day
        start = anchor.year * 12 + anchor.month - 1
        out: list[date] = []
        append = out.append
        for k in range(n):
            year, month0 = divmod(start + k * step, 12)
            if day <= 28:
                append(date(year, month0 + 1, day))
            else:
                append(date(year, month0 + 1, min(day, days_in_month(year, month0 + 1))))
        return tuple(out)
    return tuple(due_date(anchor, freq, k) for k in range(n))
