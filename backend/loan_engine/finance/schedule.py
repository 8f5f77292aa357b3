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
from loan_engine.finance.kernel import MODE_CODES
from loan_engine.finance.kernel import compiled as _kernel
from loan_engine.finance.money import (
    RATE_PRECISION,
    Currency,
    finance_context,
    from_minor_units,
    round_to_multiple,
    to_minor_units,
)
from loan_engine.finance.terms import Amortization, InterestMethod, LoanTerms, OddDaysInterest

__all__ = ["Installment", "Parts", "Schedule", "build_schedule", "first_due_date", "level_payment"]

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


class Parts:
    """The principal, interest and balance of each installment.

    From the Decimal loops they are tuples of ``Decimal``. From the compiled kernel they arrive as
    ``rows``, packed native int64 minor units (principal, interest, balance per installment), and become
    Decimals only when something asks for them: a JSON quote writes them straight from ``rows``.
    """

    __slots__ = ("_columns", "currency", "rows")

    def __init__(
        self, columns: _Parts | None = None, *, rows: bytes | None = None, currency: Currency | None = None
    ) -> None:
        self._columns = columns
        self.rows = rows
        self.currency = currency

    def columns(self) -> _Parts:
        if self._columns is None:
            assert self.rows is not None
            assert self.currency is not None
            values = memoryview(self.rows).cast("q")
            cur = self.currency
            self._columns = (
                from_minor_units(values[0::3], cur),
                from_minor_units(values[1::3], cur),
                from_minor_units(values[2::3], cur),
            )
        return self._columns

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Parts) and self.columns() == other.columns()

    def __hash__(self) -> int:
        return hash(self.columns())


_Parts = tuple[tuple[Decimal, ...], tuple[Decimal, ...], tuple[Decimal, ...]]


@dataclass(frozen=True, slots=True)
class Schedule:
    """A computed schedule, stored by column (one entry per installment); the principal, interest and
    balance columns live in ``parts``."""

    terms: LoanTerms
    due_dates: tuple[date, ...]
    payments: tuple[Decimal, ...]
    parts: Parts
    regular_payment: Decimal
    prepaid_interest: Decimal
    regular_period_start: date
    periodic_rates: tuple[Decimal, ...]

    @property
    def principal(self) -> tuple[Decimal, ...]:
        return self.parts.columns()[0]

    @property
    def interest(self) -> tuple[Decimal, ...]:
        return self.parts.columns()[1]

    @property
    def balances(self) -> tuple[Decimal, ...]:
        """The principal still owed after each installment."""
        return self.parts.columns()[2]

    def __len__(self) -> int:
        return len(self.payments)

    @property
    def fees(self) -> tuple[Decimal, ...]:
        """Fees due with each installment (none: fees are prepaid finance charges at closing)."""
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

    @property
    def total_payments(self) -> Decimal:
        """Sum of all installments (Reg Z total of payments)."""
        return sum(self.payments, _ZERO)

    @property
    def total_interest(self) -> Decimal:
        """Sum of the interest parts of the installments (excludes prepaid interest)."""
        return sum(self.interest, _ZERO)

    @property
    def total_principal(self) -> Decimal:
        """Sum of the principal parts; always exactly the loan amount."""
        return sum(self.principal, _ZERO)


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


def _constant_level(
    amount: Decimal, rate: Decimal, payment: Decimal, n: int, *, quantum: Decimal, mode: str
) -> _Columns | None:
    """Fast path: one constant rate, level installment; ``None`` if the balance would go negative."""
    interest: list[Decimal] = []
    principal: list[Decimal] = []
    balances: list[Decimal] = []
    add_interest, add_principal, add_balance = interest.append, principal.append, balances.append
    balance = amount
    for _ in range(n - 1):
        owed = (balance * rate).quantize(quantum, mode)
        paid = payment - owed
        balance -= paid
        add_interest(owed)
        add_principal(paid)
        add_balance(balance)
    if balance < 0:
        return None
    last_interest = (balance * rate).quantize(quantum, mode)
    add_interest(last_interest)
    add_principal(balance)
    add_balance(balance - balance)  # zero with the currency's exponent: 0.00
    payments = [payment] * (n - 1)
    payments.append(balance + last_interest)
    return payments, interest, principal, balances


def _general(terms: LoanTerms, amount: Decimal, rates: Sequence[Decimal], level: Decimal) -> _Columns:
    """Any amortization, rate per period; principal never exceeds the balance still owed."""
    quantum = terms.currency.quantum
    mode = terms.rounding.decimal_mode
    kind = terms.amortization
    n = len(rates)
    nothing = _ZERO.quantize(quantum)
    payments: list[Decimal] = []
    interest: list[Decimal] = []
    principal: list[Decimal] = []
    balances: list[Decimal] = []
    balance = amount
    for k, rate in enumerate(rates):
        owed = (balance * rate).quantize(quantum, mode)
        if k == n - 1:
            paid = balance
        elif kind is Amortization.INTEREST_ONLY:
            paid = nothing
        elif kind is Amortization.LEVEL_PRINCIPAL:
            paid = min(level, balance)
        else:
            paid = min(level - owed, balance)
        balance -= paid
        payments.append(paid + owed)
        interest.append(owed)
        principal.append(paid)
        balances.append(balance)
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
        return _ZERO
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


def _columns(terms: LoanTerms, rates: list[Decimal], level: Decimal) -> _Columns:
    """The fast loop for level installments at one periodic rate, else the general loop."""
    amount = terms.loan_amount.quantize(terms.currency.quantum)  # every amount shows the minor unit
    columns = None
    if terms.interest_method is InterestMethod.PERIODIC and terms.amortization in _LEVEL_KINDS:
        mode = terms.rounding.decimal_mode
        columns = _constant_level(amount, rates[0], level, terms.term, quantum=terms.currency.quantum, mode=mode)
    return columns if columns is not None else _general(terms, amount, rates, level)


def _compiled(terms: LoanTerms, level: Decimal, to_first: Decimal) -> tuple[tuple[Decimal, ...], Parts] | None:
    """The level loop of ``_constant_level`` in the compiled kernel (exact integer arithmetic on minor
    units); ``None`` where the kernel does not apply and the Decimal loops must run."""
    if _kernel is None or terms.interest_method is not InterestMethod.PERIODIC:
        return None
    if terms.amortization not in _LEVEL_KINDS:
        return None
    per_year = terms.frequency.periods_per_year
    if per_year % 1:  # e.g. every 7 days: 365/7 periods a year has no exact fraction to hand over
        return None
    rate_num, rate_den = terms.annual_rate.as_integer_ratio()
    cur = terms.currency
    level_minor = to_minor_units(level, cur)
    result = _kernel.amortize(
        to_minor_units(terms.loan_amount, cur),
        rate_num,
        rate_den * int(per_year),
        level_minor,
        terms.term,
        MODE_CODES[terms.rounding],
        to_minor_units(to_first, cur),
    )
    if result is None:
        return None
    rows, first, last = result
    # Installments equal to the level one share its object: the APR's stream scan counts them by identity.
    payments = [level] * terms.term
    if first != level_minor:
        payments[0] = from_minor_units((first,), cur)[0]
    if last != level_minor:
        payments[-1] = from_minor_units((last,), cur)[0]
    return tuple(payments), Parts(rows=rows, currency=cur)


def _decimal_loops(
    terms: LoanTerms, rates: list[Decimal], level: Decimal, to_first: Decimal
) -> tuple[tuple[Decimal, ...], Parts]:
    try:
        payments, interest, principal, balances = _columns(terms, rates, level)
    except decimal.InvalidOperation:  # the balance outgrew 34 digits: see below
        principal = [terms.loan_amount + 1]
    if principal[-1] > terms.loan_amount:
        # The rounded installment is below the interest it must cover, and the shortfall
        # compounds (a very high rate over a very long term): the loan never amortizes.
        raise FinanceInputError("term", "the installment cannot amortize the loan at this rate and term")
    if to_first:
        to_first = max(to_first, -interest[0])  # a short first period never makes its interest negative
        payments[0] += to_first
        interest[0] += to_first
    return tuple(payments), Parts((tuple(principal), tuple(interest), tuple(balances)))


def build_schedule(terms: LoanTerms, *, compiled: bool = True) -> Schedule:
    """Compute the full schedule for ``terms`` (one code path for quotes and booked loans).

    Level installments at one periodic rate run in the compiled kernel when it is installed;
    ``compiled=False`` forces the Decimal loops, the reference the kernel is tested against.
    """
    n = terms.term
    anchor, step = _anchor(terms)
    dates = due_dates(anchor, terms.frequency, n + step)[step:] if step else due_dates(anchor, terms.frequency, n)
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
        built = _compiled(terms, level, to_first) if compiled else None
        payments, parts = built or _decimal_loops(terms, rates, level, to_first)
    return Schedule(
        terms=terms,
        due_dates=dates,
        payments=payments,
        parts=parts,
        regular_payment=_regular_payment(terms, level, payments),
        prepaid_interest=prepaid,
        regular_period_start=reg_start,
        periodic_rates=(rates[0],) if periodic else tuple(rates),
    )


def _regular_payment(terms: LoanTerms, level: Decimal, payments: tuple[Decimal, ...]) -> Decimal:
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
