"""Payoff figures: what closes the loan on a given date, and the interest per day after it.

Rule (docs/LOAN_MATH.md, "Payoff"): payments received on or before the payoff date are applied to
the scheduled installments in order. The principal still owed is the scheduled balance after the
last installment fully covered; interest accrues on it, under the loan's day count, from that
installment's due date (or the start date) to the payoff date; money received beyond the covered
installments is credited; unpaid fees are added. When installments were paid ahead of their due
date, the accrual is negative: the interest they carried for days after the payoff date is
refunded (actuarial rebate).
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from loan_engine.finance.daycount import days_in_year_basis, year_fraction_ratio
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import RATE_PRECISION, finance_context
from loan_engine.finance.schedule import Schedule

__all__ = ["Payment", "Payoff", "payoff"]

_RATE: Final = finance_context(RATE_PRECISION)
_ZERO: Final = Decimal(0)


@dataclass(frozen=True, slots=True)
class Payment:
    """Money received from the borrower on a date."""

    on: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Payoff:
    """The amount that closes the loan on ``on`` and how it is made up."""

    on: date
    principal: Decimal
    accrued_interest: Decimal
    fees: Decimal
    credit: Decimal
    total: Decimal
    per_diem: Decimal
    installments_paid: int
    interest_from: date


def _covered(schedule: Schedule, received: Decimal) -> tuple[int, Decimal]:
    """How many installments the money received covers in full, and what is left over."""
    count = 0
    for amount in schedule.payments:
        if received < amount:
            break
        received -= amount
        count += 1
    return count, received


def payoff(schedule: Schedule, on: date, payments: Sequence[Payment] = (), fees_due: Decimal = _ZERO) -> Payoff:
    """Payoff amount on ``on``: principal owed + interest accrued to ``on`` under the loan's day
    count + unpaid fees - unapplied credit; and the per-diem (principal * annual rate / days in the
    day count's year, 366 in leap years for Actual/Actual)."""
    terms = schedule.terms
    if on < terms.start_date:
        raise FinanceInputError("on", "is before the start of the loan")
    if fees_due < 0:
        raise FinanceInputError("fees_due", "must not be negative")
    received = _ZERO
    for index, payment in enumerate(payments):
        if payment.amount <= 0:
            raise FinanceInputError(f"payments.{index}.amount", "must be greater than zero")
        if payment.on <= on:
            received += payment.amount
    paid, credit = _covered(schedule, received)
    if paid == len(schedule):
        return _closed(schedule, on, credit, fees_due)
    principal = schedule.balances[paid - 1] if paid else terms.loan_amount
    since = schedule.due_dates[paid - 1] if paid else terms.start_date
    quantum, mode = terms.currency.quantum, terms.rounding.decimal_mode
    num, den = year_fraction_ratio(since, on, terms.day_count)
    with decimal.localcontext(_RATE):
        accrued = (principal * terms.annual_rate * num / den).quantize(quantum, mode)
        per_diem = (principal * terms.annual_rate / days_in_year_basis(terms.day_count, on)).quantize(quantum, mode)
        total = principal + accrued + fees_due - credit
    return Payoff(on, principal, accrued, fees_due, credit, total, per_diem, paid, since)


def _closed(schedule: Schedule, on: date, credit: Decimal, fees_due: Decimal) -> Payoff:
    """Every installment is covered: only fees remain, less any overpayment."""
    last = schedule.due_dates[-1]
    return Payoff(on, _ZERO, _ZERO, fees_due, credit, fees_due - credit, _ZERO, len(schedule), last)
