"""Truth-in-Lending figures of a schedule: amount financed, finance charge, total of payments, APR.

Definitions (12 CFR 1026.18, 1026.4, 1026.22):

* Prepaid finance charges are every fee (paid at closing or financed) plus prepaid interest.
* Amount financed = loan amount - prepaid finance charges (1026.18(b)); with fees paid at closing
  that is the principal less those fees and the prepaid interest.
* Finance charge = interest in the installments + prepaid finance charges (1026.4).
* Total of payments = sum of the installments = amount financed + finance charge (1026.18(h)).
* APR: Appendix J with the amount financed advanced on the start date and the installments as the
  payments; the unit period is the payment frequency when it is the common period.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import Decimal
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
from loan_engine.finance.money import finance_context
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
    finance_charge: Decimal
    amount_financed: Decimal
    total_of_payments: Decimal
    prepaid_finance_charge: Decimal
    apr_detail: AprResult


def unit_period_of(frequency: Frequency) -> UnitPeriod:
    """The Appendix J unit period that matches a payment frequency (12 months = 1 year)."""
    return UnitPeriod(_UNITS[frequency.unit], frequency.count)


def _amount_streams(amounts: tuple[Decimal, ...], t0: int, fraction: Decimal) -> list[Stream]:
    """Streams of installments one unit period apart (runs of one amount; zero installments,
    e.g. interest-only at 0 %, carry nothing and are left out).

    A run is measured with ``tuple.count`` (C speed, identity first: the level installment is one
    shared object) and confirmed contiguous; otherwise the scan goes one installment at a time.
    """
    out: list[Stream] = []
    n = len(amounts)
    i = 0
    while i < n:
        amount = amounts[i]
        j = i + 1
        if j < n and amounts[j] == amount:
            rest = amounts[i:]
            count = rest.count(amount)
            if rest[:count].count(amount) == count:
                j = i + count
            else:
                while j < n and amounts[j] == amount:
                    j += 1
        if amount:
            out.append(Stream(amount, t0 + i, fraction, j - i))
        i = j
    return out


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
    with decimal.localcontext(_CTX):
        fees = terms.financed_fees + terms.fees_at_closing if terms.fees else _ZERO
        prepaid = fees + schedule.prepaid_interest
        amount_financed = terms.loan_amount - prepaid
        detail = schedule_apr(schedule, amount_financed)
        if len(schedule) < 3:
            total = schedule.total_payments
        else:  # every installment is in exactly one stream (zero ones add nothing)
            total = sum((s.amount * s.count for s in detail.payment_streams), _ZERO)
            total = total.quantize(terms.currency.quantum)
        finance_charge = total - amount_financed
    return Disclosure(detail.apr, finance_charge, amount_financed, total, prepaid, detail)
