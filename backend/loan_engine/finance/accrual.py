"""Daily simple interest: the one formula Python posting and close-of-business SQL share.

Rule (docs/SERVICING.md, "Daily interest"): within one installment period, interest accrues on the
principal outstanding, day by day under the loan's day count. The period keeps an exact *accrual
basis*, the sum over the stretches between postings of ``principal * day-count numerator``; its
interest is that basis times the annual rate over the day count's denominator, rounded once to the
minor unit by the loan's rounding mode. Because the basis is exact and rounding happens once per
period, the interest does not depend on how the period is cut (one stretch per posting, or one per
night of close of business).
"""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal
from typing import Final

from loan_engine.finance.daycount import DayCount, year_fraction_ratio
from loan_engine.finance.money import RATE_PRECISION, Currency, RoundingMode, finance_context

__all__ = ["accrual_basis", "interest_on_basis"]

_RATE: Final = finance_context(RATE_PRECISION)


def accrual_basis(principal: Decimal, start: date, end: date, day_count: DayCount) -> Decimal:
    """``principal * n`` where ``n / d`` is the day-count year fraction from ``start`` to ``end``
    (``n`` = days for 30/360, Actual/360 and Actual/365; for Actual/Actual ISDA ``n`` = 366 * days in
    common years + 365 * days in leap years, over ``d`` = 365 * 366). Exact: no rounding.

    SQL must match: close of business adds ``principal_outstanding * n`` for the nights it accrues.
    """
    numerator, _ = year_fraction_ratio(start, end, day_count)
    return principal * numerator


def interest_on_basis(
    basis: Decimal, annual_rate: Decimal, day_count: DayCount, cur: Currency, rounding: RoundingMode
) -> Decimal:
    """A period's interest: ``round(basis * annual_rate / d)`` to the minor unit by ``rounding``, ``d``
    the day count's denominator (360, 365, or 365 * 366 for Actual/Actual ISDA).

    SQL must match: ``round(accrual_basis * annual_rate / d, minor_units)`` with the same rounding mode
    (PostgreSQL's ``round(numeric, int)`` is half away from zero, which is ``half-up`` only: other modes
    need their own expression), computed once per period on the exact basis, never summed from rounded
    daily amounts.
    """
    _, denominator = year_fraction_ratio(date(2001, 1, 1), date(2001, 1, 2), day_count)
    with decimal.localcontext(_RATE):
        exact = basis * annual_rate / denominator
    return exact.quantize(cur.quantum, rounding=rounding.decimal_mode, context=_RATE)
