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
from loan_engine.finance.money import RATE_PRECISION, Money, finance_context
from loan_engine.finance.schedule import Schedule
from loan_engine.finance.terms import LoanTerms

__all__ = ["Payment", "Payoff", "payoff", "per_diem"]

_RATE: Final = finance_context(RATE_PRECISION)


@dataclass(frozen=True, slots=True)
class Payment:
    """Money received from the borrower on a date."""

    on: date
    amount: Money


@dataclass(frozen=True, slots=True)
class Payoff:
    """The amount that closes the loan on ``on`` and how it is made up."""

    on: date
    principal: Money
    accrued_interest: Money
    fees: Money
    credit: Money
    total: Money
    per_diem: Money
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


def _received(schedule: Schedule, on: date, payments: Sequence[Payment]) -> Money:
    """The money received on or before ``on``, in the loan's currency."""
    received = Money.zero(schedule.terms.currency)
    for index, payment in enumerate(payments):
        if payment.amount.currency != received.currency:
            raise FinanceInputError(f"payments.{index}.amount", f"must be in {received.currency.code}")
        if payment.amount.amount <= 0:
            raise FinanceInputError(f"payments.{index}.amount", "must be greater than zero")
        if payment.on <= on:
            received += payment.amount
    return received


def payoff(schedule: Schedule, on: date, payments: Sequence[Payment] = (), fees_due: Money | None = None) -> Payoff:
    """Payoff amount on ``on``: principal owed + interest accrued to ``on`` under the loan's day
    count + unpaid fees - unapplied credit; and the per-diem (principal * annual rate / days in the
    day count's year, 366 in leap years for Actual/Actual)."""
    terms = schedule.terms
    cur = terms.currency
    if on < terms.start_date:
        raise FinanceInputError("on", "is before the start of the loan")
    fees = fees_due if fees_due is not None else Money.zero(cur)
    if fees.currency != cur:
        raise FinanceInputError("fees_due", f"must be in {cur.code}")
    if fees.amount < 0:
        raise FinanceInputError("fees_due", "must not be negative")
    paid, left = _covered(schedule, _received(schedule, on, payments).amount)
    credit = Money(left, cur)
    if paid == len(schedule):
        last = schedule.due_dates[-1]
        nothing = Money.zero(cur)
        return Payoff(on, nothing, nothing, fees, credit, fees - credit, nothing, paid, last)
    principal = Money(schedule.balances[paid - 1] if paid else terms.loan_amount, cur)
    since = schedule.due_dates[paid - 1] if paid else terms.start_date
    num, den = year_fraction_ratio(since, on, terms.day_count)
    with decimal.localcontext(_RATE):
        accrued = principal.amount * terms.annual_rate * num / den
    accrued_interest = Money.rounded(accrued, cur, terms.rounding)
    total = principal + accrued_interest + fees - credit
    return Payoff(on, principal, accrued_interest, fees, credit, total, per_diem(principal, terms, on), paid, since)


def per_diem(principal: Money, terms: LoanTerms, on: date) -> Money:
    """Interest per day after ``on``: principal * annual rate / days in the day count's year (366 in
    leap years for Actual/Actual), rounded by the loan's mode."""
    with decimal.localcontext(_RATE):
        daily = principal.amount * terms.annual_rate / days_in_year_basis(terms.day_count, on)
    return Money.rounded(daily, principal.currency, terms.rounding)
