"""Repayment schedules: level payment, level principal, interest-only and balloon loans.

Rules (docs/LOAN_MATH.md explains each with a worked example):

* Interest per period is ``balance * periodic rate``, rounded to the currency's minor unit with the
  loan's named rounding mode. The periodic rate is ``annual rate / periods per year`` (periodic
  method) or ``annual rate * year fraction between due dates`` under the day count (daily method).
* The regular period before the first due date starts one frequency step earlier. The days
  between the start date and that regular start are the odd days; their interest (loan amount *
  annual rate * day-count year fraction, negative for a short first period) is added to the first
  installment, or charged at closing as prepaid interest.
* The last installment pays the remaining balance plus its interest, so the principal parts sum
  exactly to the loan amount and the balance ends at exactly zero.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from loan_engine.finance.calendar import due_date, due_dates
from loan_engine.finance.daycount import year_fraction_ratio
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import RATE_PRECISION, Money, finance_context, round_to_multiple
from loan_engine.finance.terms import Amortization, InterestMethod, LoanTerms, OddDaysInterest

__all__ = ["Installment", "Schedule", "build_schedule", "first_due_date", "level_payment"]

_WORK: Final = finance_context()
_RATE: Final = finance_context(RATE_PRECISION)
_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_LEVEL_KINDS: Final = (Amortization.LEVEL_PAYMENT, Amortization.BALLOON)


@dataclass(frozen=True, slots=True)
class Installment:
    """One row of a schedule; ``balance`` is the principal still owed after this installment."""

    number: int
    due_date: date
    payment: Decimal
    principal: Decimal
    interest: Decimal
    fees: Decimal
    balance: Decimal


@dataclass(frozen=True, slots=True)
class Schedule:
    """A computed schedule, stored by column: entry k of each column is installment k + 1.

    The columns are plain ``Decimal`` amounts in ``terms.currency``, each with the currency's minor unit
    (the loop that makes them is the hot path); the figures about the whole schedule are ``Money``.
    """

    terms: LoanTerms
    due_dates: tuple[date, ...]
    payments: tuple[Decimal, ...]
    principal: tuple[Decimal, ...]
    interest: tuple[Decimal, ...]
    balances: tuple[Decimal, ...]
    """The principal still owed after each installment."""
    regular_payment: Money
    prepaid_interest: Money
    regular_period_start: date
    periodic_rates: tuple[Decimal, ...]

    def __len__(self) -> int:
        return len(self.payments)

    @property
    def fees(self) -> tuple[Decimal, ...]:
        """Fees due with each installment (none: fees are charged at closing)."""
        return (self._no_fee(),) * len(self.payments)

    def _no_fee(self) -> Decimal:
        return _ZERO.quantize(self.terms.currency.quantum)

    def installments(self) -> Iterator[Installment]:
        """The rows, numbered from 1."""
        no_fee = self._no_fee()
        for index, values in enumerate(
            zip(self.due_dates, self.payments, self.principal, self.interest, self.balances, strict=True)
        ):
            due, payment, principal, interest, balance = values
            yield Installment(index + 1, due, payment, principal, interest, no_fee, balance)

    def _total(self, column: tuple[Decimal, ...]) -> Money:
        with decimal.localcontext(_WORK):
            return Money(sum(column, _ZERO), self.terms.currency)

    @property
    def total_payments(self) -> Money:
        """Sum of all installments (Reg Z total of payments)."""
        return self._total(self.payments)

    @property
    def total_interest(self) -> Money:
        """Sum of the interest parts of the installments (excludes prepaid interest)."""
        return self._total(self.interest)

    @property
    def total_principal(self) -> Money:
        """Sum of the principal parts; always exactly the loan amount."""
        return self._total(self.principal)


def first_due_date(terms: LoanTerms) -> date:
    """The first due date: as given, else one frequency step after the start date."""
    if terms.first_payment_date is not None:
        return terms.first_payment_date
    return due_date(terms.start_date, terms.frequency, 1)


def _anchor(terms: LoanTerms) -> tuple[date, int]:
    """The date due dates are counted from, and the step of the first due date.

    With a first payment date the schedule is anchored on it (step 0); otherwise on the start date
    (step 1), so a loan made on 31 January is due on the last day of February and then the 31st.
    """
    if terms.first_payment_date is not None:
        return terms.first_payment_date, 0
    return terms.start_date, 1


def _period_rates(terms: LoanTerms, start: date, dates: Sequence[date]) -> list[Decimal]:
    """Daily method: annual rate * day-count year fraction of each period, to 38 digits."""
    rate = terms.annual_rate
    convention = terms.day_count
    out: list[Decimal] = []
    previous = start
    with decimal.localcontext(_RATE):
        for due in dates:
            num, den = year_fraction_ratio(previous, due, convention)
            out.append(rate * num / den)
            previous = due
    return out


def level_payment(
    amount: Decimal, rates: Sequence[Decimal], balloon: Decimal = _ZERO, *, constant: bool = False
) -> Decimal:
    """The unrounded level installment that leaves ``balloon`` owed after ``len(rates)`` periods.

    Annuity rule: with discount factors ``D_k = Π_{j<=k} 1/(1+r_j)``, the installment is
    ``(amount - balloon·D_n) / Σ D_k``. With one constant rate r this is the textbook
    ``(amount·(1+r)^n - balloon) · r / ((1+r)^n - 1)``; with r = 0 it is ``(amount - balloon)/n``.
    ``constant=True`` promises that every rate equals the first (skips the check).
    """
    n = len(rates)
    with decimal.localcontext(_WORK):
        first = rates[0]
        if constant or all(r == first for r in rates):
            if first == 0:
                return (amount - balloon) / n
            growth = (_ONE + first) ** n
            return (amount * growth - balloon) * first / (growth - _ONE)
        discount = _ONE
        annuity = _ZERO
        for r in rates:
            discount /= _ONE + r
            annuity += discount
        return (amount - balloon * discount) / annuity


def _round_installment(terms: LoanTerms, value: Decimal) -> Decimal:
    """Round to the currency's minor unit, or to the installment multiple (shown with the minor unit:
    a multiple of 5 gives 1580.00, not 1580)."""
    quantum = terms.currency.quantum
    multiple = terms.installment_multiple
    if multiple is not None:
        return round_to_multiple(value, multiple, terms.rounding).quantize(quantum)
    return value.quantize(quantum, rounding=terms.rounding.decimal_mode)


def _payment_rates(terms: LoanTerms, rates: list[Decimal], reg_start: date) -> list[Decimal]:
    """Rates over which the level installment is computed (the amortization term for a balloon)."""
    extra = (terms.amortization_term or terms.term) - terms.term
    if extra <= 0:
        return rates
    if terms.interest_method is InterestMethod.PERIODIC:
        return rates + [rates[0]] * extra
    anchor, step = _anchor(terms)
    longer = due_dates(anchor, terms.frequency, terms.term + extra + step)[step:]
    return _period_rates(terms, reg_start, longer)


_Columns = tuple[list[Decimal], list[Decimal], list[Decimal], list[Decimal]]


def _amortize(terms: LoanTerms, rates: Sequence[Decimal], level: Decimal) -> _Columns:
    """The schedule loop, the same for every kind of loan: (payments, interest, principal, balances).

    Each installment's interest is ``balance * rate`` rounded to the minor unit by the loan's mode.
    A level installment (level payment, balloon) pays ``level``: its principal part is what is left
    after the interest. Otherwise the principal part is ``level`` (level principal; 0.00 for
    interest-only) and the installment pays it plus the interest. No installment repays more than the
    balance: the one that would, and the last, repay the balance plus its interest, so the principal
    parts sum exactly to the loan amount; any installment after the loan is repaid is 0.00.

    The loop is the hot path of every quote, so it does only what each row needs: one multiplication,
    one rounding, two subtractions and a comparison, and its results go straight into their places in
    columns made up front (each starts as 0.00, which is what a row after the repayment keeps).
    """
    n = len(rates)
    quantum = terms.currency.quantum
    round_interest = terms.rounding.context.quantize  # x -> x rounded to the quantum by the loan's mode
    balance = terms.loan_amount.quantize(quantum)  # every amount shows the minor unit: 250000.00
    zero = balance - balance  # 0.00, with the currency's exponent
    payments, interest, principal, balances = [zero] * n, [zero] * n, [zero] * n, [zero] * n
    last = n - 1
    k = 0  # the installment that repays the balance: the last, unless an earlier one would repay more
    if terms.amortization in _LEVEL_KINDS:
        for k in range(last):
            owed = round_interest(balance * rates[k], quantum)
            paid = level - owed
            if paid > balance:
                break
            balance -= paid
            payments[k] = level
            interest[k] = owed
            principal[k] = paid
            balances[k] = balance
        else:
            k = last
    else:
        for k in range(last):
            if level > balance:
                break
            owed = round_interest(balance * rates[k], quantum)
            balance -= level
            payments[k] = level + owed
            interest[k] = owed
            principal[k] = level
            balances[k] = balance
        else:
            k = last
    owed = round_interest(balance * rates[k], quantum)
    payments[k] = balance + owed
    interest[k] = owed
    principal[k] = balance
    balances[k] = zero
    return payments, interest, principal, balances


def _odd_days_interest(terms: LoanTerms, reg_start: date) -> Decimal:
    """Loan amount * annual rate * year fraction(start, regular start), rounded by the loan's mode."""
    num, den = year_fraction_ratio(terms.start_date, reg_start, terms.day_count)
    if num == 0:
        return _ZERO
    with decimal.localcontext(_RATE):
        exact = terms.loan_amount * terms.annual_rate * num / den
    return exact.quantize(terms.currency.quantum, rounding=terms.rounding.decimal_mode)


def _level_amount(terms: LoanTerms, rates: list[Decimal], reg_start: date) -> Decimal:
    """The regular installment (level payment kinds) or the regular principal part (level principal)."""
    amount = terms.loan_amount
    kind = terms.amortization
    if kind is Amortization.INTEREST_ONLY:
        return _ZERO.quantize(terms.currency.quantum)  # no principal until the last installment
    if kind is Amortization.LEVEL_PRINCIPAL:
        with decimal.localcontext(_WORK):
            return _round_installment(terms, amount / terms.term)
    balloon = terms.balloon_amount or _ZERO
    constant = terms.interest_method is InterestMethod.PERIODIC
    raw = level_payment(amount, _payment_rates(terms, rates, reg_start), balloon, constant=constant)
    rounded = _round_installment(terms, raw)
    if rounded <= 0:
        raise FinanceInputError("installment_multiple", "rounds the installment to zero")
    return rounded


def _columns(terms: LoanTerms, rates: list[Decimal], level: Decimal, to_first: Decimal) -> _Columns:
    """The loop's columns, with the odd days' interest in the first installment."""
    try:
        payments, interest, principal, balances = _amortize(terms, rates, level)
    except decimal.InvalidOperation:  # the balance outgrew 34 digits: see below
        raise _never_amortizes() from None
    if principal[-1] > terms.loan_amount:
        # The rounded installment is below the interest it must cover, and the shortfall
        # compounds (a very high rate over a very long term): the loan never amortizes.
        raise _never_amortizes()
    if to_first:
        to_first = max(to_first, -interest[0])  # a short first period never makes its interest negative
        payments[0] += to_first
        interest[0] += to_first
    return payments, interest, principal, balances


def _never_amortizes() -> FinanceInputError:
    return FinanceInputError("term", "the installment cannot amortize the loan at this rate and term")


def build_schedule(terms: LoanTerms) -> Schedule:
    """Compute the full schedule for ``terms`` (one code path for quotes and booked loans)."""
    n = terms.term
    anchor, step = _anchor(terms)
    dates = due_dates(anchor, terms.frequency, n + step)[step:]
    reg_start = due_date(anchor, terms.frequency, step - 1)
    periodic = terms.interest_method is InterestMethod.PERIODIC
    if periodic:
        with decimal.localcontext(_RATE):
            rates = [terms.annual_rate / terms.frequency.periods_per_year] * n
    else:
        rates = _period_rates(terms, reg_start, dates)
    with decimal.localcontext(_WORK):
        level = _level_amount(terms, rates, reg_start)
        prepaid, to_first = _odd_days_split(terms, reg_start)
        payments, interest, principal, balances = _columns(terms, rates, level, to_first)
    cur = terms.currency
    return Schedule(
        terms=terms,
        due_dates=dates,
        payments=tuple(payments),
        principal=tuple(principal),
        interest=tuple(interest),
        balances=tuple(balances),
        regular_payment=Money(_regular_payment(terms, level, payments), cur),
        prepaid_interest=Money(prepaid, cur),
        regular_period_start=reg_start,
        periodic_rates=(rates[0],) if periodic else tuple(rates),
    )


def _regular_payment(terms: LoanTerms, level: Decimal, payments: list[Decimal]) -> Decimal:
    """The installment a borrower sees quoted: the level payment, else the second installment."""
    if terms.amortization in (Amortization.LEVEL_PAYMENT, Amortization.BALLOON):
        return level
    return payments[1] if len(payments) > 1 else payments[0]


def _odd_days_split(terms: LoanTerms, reg_start: date) -> tuple[Decimal, Decimal]:
    """Odd-days interest as (prepaid at closing, added to installment 1); only long periods may be prepaid."""
    odd = _odd_days_interest(terms, reg_start)
    if terms.odd_days_interest is OddDaysInterest.PREPAID and odd > 0:
        return odd, _ZERO
    return _ZERO, odd
