"""Truth-in-Lending figures of a schedule: amount financed, finance charge, total of payments, APR.

Definitions (12 CFR 1026.18, 1026.4, 1026.22):

* Prepaid finance charges are the fees that are finance charges (paid at closing or financed; 1026.4(a),
  not those 1026.4(c) excludes) plus prepaid interest (1026.2(a)(23)).
* Amount financed = loan amount - prepaid finance charges (1026.18(b)): the principal, plus any financed
  amount that is not a finance charge (b)(2), less the prepaid finance charges (b)(3).
* Finance charge = total of payments - amount financed: the interest in the installments plus the
  prepaid finance charges (1026.4); a fee that is not a finance charge is in neither.
* Total of payments = sum of the installments = amount financed + finance charge (1026.18(h)).
* APR: Appendix J with the amount financed advanced on the start date and the installments as the
  payments; the unit period is the payment frequency when it is the common period.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Final

from loan_engine.finance.apr import (
    AprResult,
    DatedFlow,
    Flow,
    Stream,
    Unit,
    UnitPeriod,
    apr_from_dates,
    apr_from_streams,
    place,
    streams_of,
)
from loan_engine.finance.calendar import Frequency, FrequencyUnit
from loan_engine.finance.money import Money, finance_context
from loan_engine.finance.schedule import Schedule
from loan_engine.finance.terms import InterestMethod

__all__ = ["Disclosure", "disclose", "schedule_apr", "unit_period_of"]

_CTX: Final = finance_context()
_ZERO: Final = Decimal(0)


_UNITS: Final = {
    FrequencyUnit.DAY: Unit.DAY,
    FrequencyUnit.WEEK: Unit.WEEK,
    FrequencyUnit.SEMIMONTH: Unit.SEMIMONTH,
    FrequencyUnit.MONTH: Unit.MONTH,
}


@dataclass(frozen=True, slots=True)
class Disclosure:
    """The federal box: APR (percent, full precision) and the three dollar figures."""

    apr: Decimal
    finance_charge: Money
    amount_financed: Money
    total_of_payments: Money
    prepaid_finance_charge: Money
    apr_detail: AprResult


def unit_period_of(frequency: Frequency) -> UnitPeriod:
    """The Appendix J unit period that matches a payment frequency (12 months = 1 year)."""
    return UnitPeriod(_UNITS[frequency.unit], frequency.count)


def runs(amounts: Sequence[Decimal]) -> list[tuple[int, int]]:
    """``(first index, length)`` of each run of equal consecutive amounts (compared by value)."""
    out: list[tuple[int, int]] = []
    first = 0
    for _, run in groupby(amounts):
        count = len(list(run))
        out.append((first, count))
        first += count
    return out


def _amount_streams(amounts: Sequence[Decimal], t0: int, fraction: Decimal) -> list[Stream]:
    """Streams of installments one unit period apart, the first at ``t0`` periods + ``fraction``: one
    per run of equal amounts (zero installments, e.g. interest-only at 0 %, carry nothing)."""
    return [Stream(amounts[first], t0 + first, fraction, count) for first, count in runs(amounts) if amounts[first]]


def _payment_streams(schedule: Schedule, unit: UnitPeriod) -> list[Stream]:
    """Place the installments; months, weeks and days step one whole unit period per installment."""
    start = schedule.terms.start_date
    dates = schedule.due_dates
    anchor = max(d.day for d in dates[:3])
    if unit.unit is Unit.SEMIMONTH:
        placed = (place(start, d, unit, anchor) for d in dates)
        flows = [Flow(p, at.periods, at.fraction) for p, at in zip(schedule.payments, placed, strict=True) if p]
        return streams_of(flows)
    if schedule.regular_period_start == start:  # no odd days: one whole unit period, f = 0
        return _amount_streams(schedule.payments, 1, _ZERO)
    first = place(start, dates[0], unit, anchor)
    return _amount_streams(schedule.payments, first.periods, first.fraction)


def schedule_apr(schedule: Schedule, amount_financed: Decimal) -> AprResult:
    """APR of the schedule for the given amount financed (Appendix J (b)(8))."""
    terms = schedule.terms
    if len(schedule) < 3:
        # With fewer than three installments the frequency need not be the common period.
        return apr_from_dates(
            [DatedFlow(amount_financed, terms.start_date)],
            [DatedFlow(p, d) for p, d in zip(schedule.payments, schedule.due_dates, strict=True) if p],
        )
    unit = unit_period_of(terms.frequency)
    guess = None
    if terms.interest_method is InterestMethod.PERIODIC and terms.annual_rate > 0:
        with decimal.localcontext(_CTX):
            guess = terms.annual_rate / unit.per_year
    advance = [Stream(amount_financed, 0, _ZERO, 1)]
    return apr_from_streams(advance, _payment_streams(schedule, unit), unit, guess)


def disclose(schedule: Schedule) -> Disclosure:
    """Reg Z figures for a schedule: 1026.18(b) amount financed, 1026.4 finance charge,
    1026.18(h) total of payments, and the Appendix J APR."""
    terms = schedule.terms
    prepaid = Money(terms.finance_charge_fees, terms.currency) + schedule.prepaid_interest
    amount_financed = Money(terms.loan_amount, terms.currency) - prepaid
    detail = schedule_apr(schedule, amount_financed.amount)
    total = _total_of_payments(schedule, detail)
    return Disclosure(detail.apr, total - amount_financed, amount_financed, total, prepaid, detail)


def _total_of_payments(schedule: Schedule, detail: AprResult) -> Money:
    """The sum of the installments, from the APR's payment streams: they hold every installment but
    the zero ones, and a run of n equal installments is one product instead of n additions."""
    with decimal.localcontext(_CTX):
        total = sum((stream.amount * stream.count for stream in detail.payment_streams), _ZERO)
    return Money(total, schedule.terms.currency)
