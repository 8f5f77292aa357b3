"""Servicing a booked loan as a pure fold over its events (docs/SERVICING.md).

``book`` makes the approved loan from the same ``build_schedule`` as a quote; ``apply`` applies one
event in value-date order; ``replay`` applies a whole history in ``order_key`` order, so a backdated
event or a reversal gives exactly the state of a history in which it had always been there (a reversed
payment is left out; its reversal charges the returned-payment fee). ``payoff_quote`` is the amount
that ``apply`` of a payment on that date turns into a paid-off loan: both use ``_closing``.

Every amount is a ``Decimal`` with the currency's minor unit; every rounding names the loan's mode.
"""

from __future__ import annotations

import decimal
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Final

from loan_engine.finance.accrual import accrual_basis, interest_on_basis
from loan_engine.finance.allocation import (
    AllocationRules,
    Component,
    Installment,
    OverpaymentRule,
    Split,
    allocate,
    current_index,
)
from loan_engine.finance.calendar import due_date
from loan_engine.finance.daycount import year_fraction_ratio
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import RATE_PRECISION, Money, finance_context, require_decimal
from loan_engine.finance.payoff import Payoff, per_diem
from loan_engine.finance.schedule import Schedule, build_schedule
from loan_engine.finance.terms import Amortization, InterestMethod, LoanTerms, OddDaysInterest

__all__ = [
    "Effect",
    "Event",
    "EventKind",
    "LoanContract",
    "LoanState",
    "LoanStatus",
    "Posted",
    "apply",
    "book",
    "order_key",
    "payoff_quote",
    "possible_kinds",
    "post",
    "replay",
]

_ZERO: Final = Decimal(0)
_RATE: Final = finance_context(RATE_PRECISION)


class EventKind(StrEnum):
    """What a loan transaction does (wire and storage names)."""

    DISBURSEMENT = "disbursement"
    PAYMENT = "payment"
    PAYMENT_REVERSAL = "payment_reversal"
    FEE_CHARGE = "fee_charge"
    FEE_WAIVER = "fee_waiver"
    INTEREST_WAIVER = "interest_waiver"
    WRITE_OFF = "write_off"
    RECOVERY = "recovery"
    REFUND = "refund"
    CANCELLATION = "cancellation"


# Order of events on the same value date: money owed that day is charged before it is paid, a payment
# before its reversal, a write-off after the day's payments.
_RANK: Final = {
    kind: rank
    for rank, kind in enumerate(
        (
            EventKind.DISBURSEMENT,
            EventKind.FEE_CHARGE,
            EventKind.FEE_WAIVER,
            EventKind.INTEREST_WAIVER,
            EventKind.PAYMENT,
            EventKind.PAYMENT_REVERSAL,
            EventKind.WRITE_OFF,
            EventKind.RECOVERY,
            EventKind.REFUND,
            EventKind.CANCELLATION,
        )
    )
}
_NO_AMOUNT: Final = frozenset({EventKind.WRITE_OFF, EventKind.CANCELLATION})


class LoanStatus(StrEnum):
    """approved -> active -> paid_off | charged_off | cancelled; overpaid while a credit balance remains."""

    APPROVED = "approved"
    ACTIVE = "active"
    PAID_OFF = "paid_off"
    CHARGED_OFF = "charged_off"
    CANCELLED = "cancelled"
    OVERPAID = "overpaid"


# States in which nothing has been lent.
_NOT_LENT: Final = frozenset({LoanStatus.APPROVED, LoanStatus.CANCELLED})


@dataclass(frozen=True, slots=True)
class Event:
    """A loan transaction. ``seq`` is its arrival order (identity and last tie-breaker); ``reverses`` is
    the ``seq`` of the payment a ``payment_reversal`` undoes. ``amount`` is 0 for a write-off (it writes
    off everything outstanding) and a cancellation; for a reversal it is the reversed payment's amount;
    for a disbursement, the cash paid out (``LoanContract.net_proceeds``)."""

    kind: EventKind
    value_date: date
    amount: Decimal
    seq: int
    reverses: int | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", EventKind(self.kind))
        except ValueError:
            raise FinanceInputError("kind", f"unknown transaction type {self.kind!r}") from None
        require_decimal(self.amount, "amount")
        if not self.amount.is_finite() or self.amount < 0:
            raise FinanceInputError("amount", "must not be negative")
        if self.kind in _NO_AMOUNT and self.amount != 0:
            raise FinanceInputError("amount", f"must be 0 for a {self.kind}")
        if self.kind not in _NO_AMOUNT and self.amount == 0:
            raise FinanceInputError("amount", "must be greater than zero")
        if (self.reverses is None) == (self.kind is EventKind.PAYMENT_REVERSAL):
            raise FinanceInputError("reverses", "names the reversed payment, on a payment reversal only")


@dataclass(frozen=True, slots=True)
class Effect:
    """How an event was applied.

    * ``split``: a payment's principal (an overpayment re-amortized counts here), interest and fees paid,
      and its excess to the credit balance; a waiver's amount waived; a write-off's amounts written off; a reversal's
      split of the payment it undid; a recovery's or refund's amount (in ``excess``); a disbursement's
      receivable (``principal`` = loan amount), prepaid interest and fees (the cash paid out is
      ``principal - interest - fees``).
    * ``accrued``: interest the event recognized before (and, paying ahead, by) its action: daily loans'
      accrual, periodic installments falling due. Negative when a payoff gives back unearned interest.
    * ``fee_charged``: a fee charge's amount, or a reversal's returned-payment fee.

    Balances are the sums of effects: interest outstanding = accrued - interest paid - interest waived.
    """

    seq: int
    kind: EventKind
    value_date: date
    split: Split
    accrued: Decimal = _ZERO
    fee_charged: Decimal = _ZERO


@dataclass(frozen=True, slots=True)
class LoanState:
    """A loan after its events up to ``last_value_date`` (the accrued-through date).

    Outstanding amounts are sums over the installments (zero once charged off): all principal not paid;
    interest recognized and not paid (daily: accrued; periodic: of installments fallen due); fees charged
    and not paid. ``accrual_basis`` is the open period's exact basis (daily interest; ``accrual``)."""

    status: LoanStatus
    principal_outstanding: Decimal
    interest_outstanding: Decimal
    fees_outstanding: Decimal
    credit_balance: Decimal
    written_off: Decimal
    recovered: Decimal
    installments: tuple[Installment, ...]
    last_value_date: date
    accrual_basis: Decimal = _ZERO
    interest_recognized: Decimal = _ZERO
    """Interest recognized by the installments so far (due on those recognized, paid ahead on the
    others); ``Effect.accrued`` is its change. Servicing's bookkeeping, not a balance."""

    @property
    def total_outstanding(self) -> Decimal:
        return self.principal_outstanding + self.interest_outstanding + self.fees_outstanding


@dataclass(frozen=True, slots=True)
class LoanContract:
    """What servicing needs from a booked loan: its terms (schedule inputs, currency, rounding mode,
    interest method and day count), the product's waterfall, and the returned-payment fee."""

    terms: LoanTerms
    rules: AllocationRules
    returned_payment_fee: Decimal = _ZERO
    schedule: Schedule = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.terms.amortization is Amortization.BALLOON:
            raise FinanceInputError("amortization", "balloon loans are not serviced yet")
        fee = require_decimal(self.returned_payment_fee, "returned_payment_fee")
        if fee < 0 or fee != fee.quantize(self.terms.currency.quantum, context=_RATE):
            raise FinanceInputError("returned_payment_fee", "must be a non-negative amount in the minor unit")
        object.__setattr__(self, "schedule", build_schedule(self.terms))

    @property
    def net_proceeds(self) -> Decimal:
        """Cash paid out at disbursement: principal less fees withheld and prepaid interest."""
        terms = self.terms
        return terms.principal - terms.fees_at_closing - self.schedule.prepaid_interest.amount

    @property
    def daily(self) -> bool:
        return self.terms.interest_method is InterestMethod.DAILY

    def zero(self) -> Decimal:
        return _ZERO.quantize(self.terms.currency.quantum)


@dataclass(frozen=True, slots=True)
class Posted:
    """The result of ``post``: the new state, and the effects that changed (the new event's alone when
    it came last; every event's after a replay, in order)."""

    state: LoanState
    effects: tuple[Effect, ...]
    replayed: bool


# --- booking and totals -------------------------------------------------------------------------


def book(contract: LoanContract) -> LoanState:
    """The approved loan: installments straight from ``build_schedule`` (the quote's code path)."""
    zero = contract.zero()
    rows = tuple(
        Installment(row.number, row.due_date, row.principal, row.interest, row.fees, zero, zero, zero)
        for row in contract.schedule.installments()
    )
    return _settle(contract, LoanStatus.APPROVED, rows, contract.terms.start_date, _ZERO, zero, zero, zero)


def _recognized_count(contract: LoanContract, rows: Sequence[Installment], through: date) -> int:
    """How many installments' interest is recognized through ``through``: daily, those whose period has
    begun; periodic, those fallen due."""
    if not contract.daily:
        return bisect_right(rows, through, key=lambda row: row.due_date)
    if through <= contract.terms.start_date:
        return 0
    return min(len(rows), current_index(rows, through) + 1)


def _recognized_change(contract: LoanContract, before: LoanState, after: LoanState) -> Decimal:
    """Interest recognized going from ``before`` to ``after`` (none once the loan is charged off)."""
    if before.status is LoanStatus.CHARGED_OFF:
        return _ZERO
    return _recognized(after) - _recognized(before)


def _recognized(state: LoanState) -> Decimal:
    return state.interest_recognized


def _settle(  # noqa: PLR0917 - the state's fields, in their order
    contract: LoanContract,
    status: LoanStatus,
    rows: tuple[Installment, ...],
    through: date,
    basis: Decimal,
    credit: Decimal,
    written_off: Decimal,
    recovered: Decimal,
) -> LoanState:
    """A state whose outstanding amounts are summed from its installments (zero once charged off), and
    its recognized interest, in one pass: this runs for every transaction."""
    zero = contract.zero()
    principal = interest = fees = recognized = zero
    if status not in _NOT_LENT:
        count = _recognized_count(contract, rows, through)
        for index, row in enumerate(rows):
            principal += row.principal_due - row.principal_paid
            fees += row.fees_due - row.fees_paid
            if index < count:
                interest += row.interest_due - row.interest_paid
                recognized += row.interest_due
            else:
                recognized += row.interest_paid
    if status is LoanStatus.CHARGED_OFF:
        principal = interest = fees = zero
    return LoanState(
        status, principal, interest, fees, credit, written_off, recovered, rows, through, basis, recognized
    )


def _restate(contract: LoanContract, state: LoanState, **changes: object) -> LoanState:
    """``state`` with ``changes`` and its totals summed again."""
    new = replace(state, **changes)  # type: ignore[arg-type]
    return _settle(
        contract,
        new.status,
        new.installments,
        new.last_value_date,
        new.accrual_basis,
        new.credit_balance,
        new.written_off,
        new.recovered,
    )


# --- interest -----------------------------------------------------------------------------------


def _accrue(contract: LoanContract, state: LoanState, through: date) -> LoanState:
    """Daily loans: interest on the principal outstanding from ``last_value_date`` to ``through``, each
    stretch added to the basis of the period that holds it (after maturity, the last installment's).
    Periodic loans only move the date (installments falling due are recognized by ``_settle``)."""
    if state.status is not LoanStatus.ACTIVE or through <= state.last_value_date:
        return state if through <= state.last_value_date else replace(state, last_value_date=through)
    if not contract.daily:
        return _restate(contract, state, last_value_date=through)
    terms = contract.terms
    rows = list(state.installments)
    last = len(rows) - 1
    principal = state.principal_outstanding
    origin = _period_start(contract, rows, 0)  # after the odd days when their interest was prepaid
    start, basis = max(state.last_value_date, origin), state.accrual_basis
    while start < through:
        index = min(bisect_right(rows, start, key=lambda row: row.due_date), last)
        if index != min(current_index(rows, start), last) or start <= origin:
            basis = _ZERO  # a new period begins: its projected interest gives way to what accrues
            rows[index] = replace(rows[index], interest_due=contract.zero() + rows[index].interest_paid)
        end = through if index == last else min(through, rows[index].due_date)
        before = interest_on_basis(basis, terms.annual_rate, terms.day_count, terms.currency, terms.rounding)
        basis += accrual_basis(principal, start, end, terms.day_count)
        after = interest_on_basis(basis, terms.annual_rate, terms.day_count, terms.currency, terms.rounding)
        rows[index] = replace(rows[index], interest_due=rows[index].interest_due + after - before)
        start = end
    return _restate(contract, state, installments=tuple(rows), last_value_date=through, accrual_basis=basis)


def _period_start(contract: LoanContract, rows: Sequence[Installment], index: int) -> date:
    if index > 0:
        return rows[index - 1].due_date
    terms = contract.terms
    if terms.odd_days_interest is OddDaysInterest.PREPAID and contract.schedule.prepaid_interest.amount:
        return contract.schedule.regular_period_start
    return terms.start_date


def _earned(contract: LoanContract, rows: Sequence[Installment], index: int, on: date) -> Decimal:
    """Periodic loans: the part of installment ``index``'s interest earned by ``on``, in proportion to
    the day-count days of its period elapsed, rounded by the loan's mode."""
    row = rows[index]
    start = _period_start(contract, rows, index)
    if on <= start:
        return contract.zero()
    convention = contract.terms.day_count
    elapsed, _ = year_fraction_ratio(start, on, convention)
    whole, _ = year_fraction_ratio(start, row.due_date, convention)
    if whole <= 0 or elapsed >= whole:
        return row.interest_due
    with decimal.localcontext(_RATE):
        exact = row.interest_due * elapsed / whole
    return exact.quantize(contract.terms.currency.quantum, rounding=contract.terms.rounding.decimal_mode)


def _closing(contract: LoanContract, state: LoanState, on: date) -> tuple[Installment, ...]:
    """The installments as a payoff on ``on`` sees them (``state`` accrued to ``on``): interest of the
    installments after the current one is not owed; a periodic current installment owes only the
    interest earned by ``on`` (never less than already paid)."""
    rows = list(state.installments)
    current = current_index(rows, on)
    for index in range(current + 1, len(rows)):
        rows[index] = replace(rows[index], interest_due=rows[index].interest_paid)
    if current < len(rows) and not contract.daily:
        row = rows[current]
        rows[current] = replace(row, interest_due=max(_earned(contract, rows, current, on), row.interest_paid))
    return tuple(rows)


def _payoff_parts(contract: LoanContract, state: LoanState, on: date) -> tuple[Decimal, Decimal, Decimal]:
    """(principal, interest, fees) that ``_closing`` makes owed on ``on``, without building its rows."""
    rows = state.installments
    current = current_index(rows, on)
    principal = interest = fees = contract.zero()
    for index, row in enumerate(rows):
        principal += row.principal_due - row.principal_paid
        fees += row.fees_due - row.fees_paid
        if index < current:
            interest += row.interest_due - row.interest_paid
    if current < len(rows):
        row = rows[current]
        owed = row.interest_due if contract.daily else max(_earned(contract, rows, current, on), row.interest_paid)
        interest += owed - row.interest_paid
    return principal, interest, fees


def _payoff_amount(contract: LoanContract, state: LoanState, on: date) -> Decimal:
    return sum(_payoff_parts(contract, state, on), _ZERO)


def _paid_in_full(rows: Iterable[Installment]) -> tuple[tuple[Installment, ...], Split]:
    """Every installment paid in full, and what that took."""
    out: list[Installment] = []
    principal = interest = fees = _ZERO
    for row in rows:
        principal += row.principal_outstanding
        interest += row.interest_outstanding
        fees += row.fees_outstanding
        out.append(
            replace(row, principal_paid=row.principal_due, interest_paid=row.interest_due, fees_paid=row.fees_due)
        )
    return tuple(out), Split(principal, interest, fees, _ZERO)


def payoff_quote(contract: LoanContract, state: LoanState, on: date) -> Payoff:
    """The amount that closes the loan if paid on ``on`` (a payment of ``total`` posted on ``on`` leaves
    every balance at zero), its parts, and the per-diem after ``on`` (``payoff.per_diem``)."""
    if on < state.last_value_date:
        raise FinanceInputError("on", "is before the loan's last transaction")
    cur = contract.terms.currency
    credit = Money(state.credit_balance, cur)
    if state.status is not LoanStatus.ACTIVE:
        nothing = Money.zero(cur)
        paid = sum(1 for row in state.installments if row.is_paid)
        return Payoff(on, nothing, nothing, nothing, credit, -credit, nothing, paid, state.last_value_date)
    accrued = _accrue(contract, state, on)
    parts = _payoff_parts(contract, accrued, on)
    principal, interest, fees = (Money(part, cur) for part in parts)
    total = principal + interest + fees - credit
    rows = accrued.installments
    since = _period_start(contract, rows, min(current_index(rows, on), len(rows) - 1))
    paid = sum(1 for row in rows if row.is_paid)
    return Payoff(on, principal, interest, fees, credit, total, per_diem(principal, contract.terms, on), paid, since)


# --- re-amortization ----------------------------------------------------------------------------


def _reschedule(contract: LoanContract, principal: Decimal, first_due: date, count: int) -> Schedule:
    """The remaining ``principal`` over ``count`` regular periods ending with the first on ``first_due``,
    by the same schedule code as a quote."""
    terms = contract.terms
    start = due_date(first_due, terms.frequency, -1)
    return build_schedule(
        replace(
            terms,
            principal=principal,
            term=count,
            start_date=start,
            first_payment_date=first_due,
            fees=(),
            odd_days_interest=OddDaysInterest.FIRST_INSTALLMENT,
        )
    )


def _fits(contract: LoanContract, schedule: Schedule, reference: Installment) -> bool:
    """Reduce term: a schedule fits when its regular installment (level principal: principal part) is
    no larger than the one it replaces."""
    if contract.terms.amortization is Amortization.LEVEL_PRINCIPAL:
        return schedule.principal[0] <= reference.principal_due
    return schedule.regular_payment.amount <= reference.principal_due + reference.interest_due


def _built(contract: LoanContract, principal: Decimal, first_due: date, count: int) -> Schedule | None:
    """The schedule of ``_reschedule``, or None when so little is left that its installment rounds to zero."""
    try:
        return _reschedule(contract, principal, first_due, count)
    except FinanceInputError:
        return None


def _first(low: int, high: int, good: Callable[[int], bool]) -> int:
    """The smallest count in ``low..high`` for which ``good`` holds (``good`` monotone), else ``high``."""
    while low < high:
        middle = (low + high) // 2
        if good(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _reamortize(
    contract: LoanContract, rows: tuple[Installment, ...], current: int, excess: Decimal
) -> tuple[Installment, ...]:
    """Apply ``excess`` to the principal of the installments after ``current`` and amortize the rest
    again: over the same number of installments (reduce payment), or over the fewest whose installment
    is no larger than before (reduce term; interest-only loans keep their term). A remainder too small
    to spread over that many installments goes over as many as give a whole minor unit each."""
    future = rows[current + 1 :]
    remaining = sum((row.principal_due for row in future), _ZERO) - excess
    first_due, count = future[0].due_date, len(future)

    def fits(n: int) -> bool:
        schedule = _built(contract, remaining, first_due, n)
        return schedule is None or _fits(contract, schedule, future[0])

    if contract.rules.overpayment is OverpaymentRule.REDUCE_TERM and contract.terms.amortization in _SHORTENS:
        count = _first(1, count, fits)
    schedule = _built(contract, remaining, first_due, count)
    if schedule is None:  # the largest count that still gives each installment a minor unit
        count = (
            count + 1 - _first(1, count, lambda n: _built(contract, remaining, first_due, count + 1 - n) is not None)
        )
        schedule = _reschedule(contract, remaining, first_due, count)
    zero = contract.zero()
    new = tuple(
        Installment(row.number, row.due_date, principal, interest, zero, zero, zero, zero)
        for row, principal, interest in zip(future, schedule.principal, schedule.interest, strict=False)
    )
    return rows[: current + 1] + new


_SHORTENS: Final = frozenset({Amortization.LEVEL_PAYMENT, Amortization.LEVEL_PRINCIPAL})


# --- events -------------------------------------------------------------------------------------


def order_key(event: Event) -> tuple[date, int, int]:
    """Replay order: value date, then the kind's rank on that date (charges, waivers, payments,
    reversals, write-off, recovery, refund), then arrival (``seq``)."""
    return event.value_date, _RANK[event.kind], event.seq


def ranked_after(kind: EventKind) -> frozenset[EventKind]:
    """The kinds that replay after ``kind`` on the same value date (a new event of ``kind`` comes last
    unless the loan has one of these on its value date, or anything later)."""
    return frozenset(other for other, rank in _RANK.items() if rank > _RANK[kind])


def _refuse(field_name: str, message: str) -> FinanceInputError:
    return FinanceInputError(field_name, message)


def _check(contract: LoanContract, state: LoanState, event: Event) -> None:
    quantum = contract.terms.currency.quantum
    if event.amount != event.amount.quantize(quantum, context=_RATE):
        raise _refuse("amount", f"has more decimal places than {contract.terms.currency.code} allows")
    if event.value_date < state.last_value_date:
        raise _refuse("value_date", "is before the loan's last transaction: replay the history")
    allowed = _ALLOWED[event.kind]
    if state.status not in allowed:
        raise _refuse("kind", f"a {event.kind} is not possible on a {state.status} loan")


_OPEN: Final = frozenset({LoanStatus.ACTIVE})
_ALLOWED: Final[dict[EventKind, frozenset[LoanStatus]]] = {
    EventKind.DISBURSEMENT: frozenset({LoanStatus.APPROVED}),
    EventKind.CANCELLATION: frozenset({LoanStatus.APPROVED}),
    EventKind.PAYMENT: frozenset({LoanStatus.ACTIVE, LoanStatus.PAID_OFF, LoanStatus.OVERPAID}),
    EventKind.PAYMENT_REVERSAL: frozenset(LoanStatus) - {LoanStatus.APPROVED, LoanStatus.CANCELLED},
    EventKind.FEE_CHARGE: _OPEN,
    EventKind.FEE_WAIVER: _OPEN,
    EventKind.INTEREST_WAIVER: _OPEN,
    EventKind.WRITE_OFF: _OPEN,
    EventKind.RECOVERY: frozenset({LoanStatus.CHARGED_OFF}),
    EventKind.REFUND: frozenset({LoanStatus.OVERPAID}),
}


def possible_kinds(status: LoanStatus) -> frozenset[EventKind]:
    """The kinds of event a loan in ``status`` admits (what ``_check`` lets through)."""
    return frozenset(kind for kind, statuses in _ALLOWED.items() if status in statuses)


def _disburse(contract: LoanContract, state: LoanState, event: Event) -> tuple[LoanState, Split]:
    if event.value_date != contract.terms.start_date:
        raise _refuse("value_date", "a disbursement is on the loan's start date")
    if event.amount != contract.net_proceeds:
        raise _refuse("amount", f"must be the net proceeds, {contract.net_proceeds}")
    terms = contract.terms
    split = Split(terms.loan_amount, contract.schedule.prepaid_interest.amount, terms.total_fees, _ZERO)
    rows = state.installments
    if contract.daily:  # the first period begins: nothing has accrued yet, whatever the projection
        rows = (replace(rows[0], interest_due=contract.zero()), *rows[1:])
    return _restate(contract, state, status=LoanStatus.ACTIVE, installments=rows), split


def _pay(contract: LoanContract, state: LoanState, event: Event) -> tuple[LoanState, Split]:
    """A payment: to the credit balance on a closed loan; closes the loan when it covers the payoff;
    else the waterfall, its excess re-amortizing the installments after the current one."""
    on, amount = event.value_date, event.amount
    if state.status is not LoanStatus.ACTIVE:
        credit = state.credit_balance + amount
        return _restate(contract, state, status=LoanStatus.OVERPAID, credit_balance=credit), Split(excess=amount)
    owed = _payoff_amount(contract, state, on)
    if amount >= owed:
        rows, split = _paid_in_full(_closing(contract, state, on))
        excess = amount - owed
        status = LoanStatus.OVERPAID if excess else LoanStatus.PAID_OFF
        new = _restate(contract, state, status=status, installments=rows, credit_balance=state.credit_balance + excess)
        return new, replace(split, excess=excess)
    rows, split = allocate(state.installments, amount, on, contract.rules)
    if split.excess:  # the overpayment is principal of the installments after the current one
        rows = _reamortize(contract, rows, current_index(rows, on), split.excess)
        split = Split(split.principal + split.excess, split.interest, split.fees, _ZERO)
    return _restate(contract, state, installments=rows), split


def _charge_fee(contract: LoanContract, state: LoanState, on: date, amount: Decimal) -> LoanState:
    """A fee is owed with the installment whose period holds ``on`` (the last one after maturity)."""
    rows = list(state.installments)
    index = min(current_index(rows, on), len(rows) - 1)
    rows[index] = replace(rows[index], fees_due=rows[index].fees_due + amount)
    return _restate(contract, state, installments=tuple(rows))


def _waive(contract: LoanContract, state: LoanState, part: Component, amount: Decimal) -> tuple[LoanState, Split]:
    """Forgive ``amount`` of recognized interest or of fees, oldest installment first."""
    owed = state.interest_outstanding if part is Component.INTEREST else state.fees_outstanding
    if amount > owed:
        raise _refuse("amount", f"exceeds the {part} outstanding, {owed}")
    rows = list(state.installments)
    left = amount
    for index, row in enumerate(rows):
        take = min(left, row.outstanding_of(part))
        if take <= 0:
            continue
        if part is Component.INTEREST:
            rows[index] = replace(row, interest_due=row.interest_due - take)
        else:
            rows[index] = replace(row, fees_due=row.fees_due - take)
        left -= take
    split = Split(interest=amount) if part is Component.INTEREST else Split(fees=amount)
    return _restate(contract, state, installments=tuple(rows)), split


def _write_off(contract: LoanContract, state: LoanState) -> tuple[LoanState, Split]:
    split = Split(state.principal_outstanding, state.interest_outstanding, state.fees_outstanding, _ZERO)
    new = _restate(contract, state, status=LoanStatus.CHARGED_OFF, written_off=state.written_off + split.total)
    return new, split


def _act(contract: LoanContract, state: LoanState, event: Event) -> tuple[LoanState, Split, Decimal]:
    """The event's action on a state already accrued to its value date: (state, split, fee charged)."""
    kind, amount = event.kind, event.amount
    nothing = Split()
    if kind is EventKind.DISBURSEMENT:
        return (*_disburse(contract, state, event), _ZERO)
    if kind is EventKind.CANCELLATION:
        return _restate(contract, state, status=LoanStatus.CANCELLED), nothing, _ZERO
    if kind is EventKind.PAYMENT:
        return (*_pay(contract, state, event), _ZERO)
    if kind is EventKind.FEE_CHARGE:
        return _charge_fee(contract, state, event.value_date, amount), nothing, amount
    if kind is EventKind.FEE_WAIVER:
        return (*_waive(contract, state, Component.FEES, amount), _ZERO)
    if kind is EventKind.INTEREST_WAIVER:
        return (*_waive(contract, state, Component.INTEREST, amount), _ZERO)
    if kind is EventKind.WRITE_OFF:
        return (*_write_off(contract, state), _ZERO)
    if kind is EventKind.RECOVERY:
        if state.recovered + amount > state.written_off:
            raise _refuse("amount", "recovers more than was written off")
        return replace(state, recovered=state.recovered + amount), Split(excess=amount), _ZERO
    if kind is EventKind.REFUND:
        if amount > state.credit_balance:
            raise _refuse("amount", f"exceeds the credit balance, {state.credit_balance}")
        credit = state.credit_balance - amount
        status = LoanStatus.OVERPAID if credit else LoanStatus.PAID_OFF
        return replace(state, credit_balance=credit, status=status), Split(excess=amount), _ZERO
    raise _refuse("kind", "a payment reversal needs the loan's history: use replay")


def _step(contract: LoanContract, state: LoanState, event: Event) -> tuple[LoanState, LoanState, Effect]:
    """(state accrued to the event's date, state after the event, effect)."""
    _check(contract, state, event)
    accrued = _accrue(contract, state, event.value_date)
    after, split, fee = _act(contract, accrued, event)
    recognized = _recognized_change(contract, state, accrued if event.kind is EventKind.WRITE_OFF else after)
    waived = split.interest if event.kind is EventKind.INTEREST_WAIVER else _ZERO
    zero = contract.zero()
    effect = Effect(
        event.seq, event.kind, event.value_date, _in_minor_units(split, zero), zero + recognized + waived, zero + fee
    )
    return accrued, after, effect


def _in_minor_units(split: Split, zero: Decimal) -> Split:
    """The split with every part shown in the currency's minor unit (0.00, not 0)."""
    return Split(zero + split.principal, zero + split.interest, zero + split.fees, zero + split.excess)


def apply(contract: LoanContract, state: LoanState, event: Event) -> tuple[LoanState, Effect]:
    """Apply one event dated on or after the state's last one (module docstring; docs/SERVICING.md).
    A payment reversal, or an event dated earlier, needs ``replay``."""
    _, after, effect = _step(contract, state, event)
    return after, effect


def _reverse(
    contract: LoanContract, state: LoanState, event: Event, undone: Effect, undone_recognized: Decimal
) -> tuple[LoanState, Effect]:
    """A reversal in replay: its payment was left out, so only the returned-payment fee is charged
    (on an active loan); the effect repeats the undone payment's split and gives back what it recognized."""
    _check(contract, state, event)
    accrued = _accrue(contract, state, event.value_date)
    fee = contract.returned_payment_fee if accrued.status is LoanStatus.ACTIVE else _ZERO
    after = _charge_fee(contract, accrued, event.value_date, fee) if fee else accrued
    recognized = _recognized_change(contract, state, after) - undone_recognized
    zero = contract.zero()
    return after, Effect(event.seq, event.kind, event.value_date, undone.split, zero + recognized, zero + fee)


def _reversals(ordered: Sequence[Event]) -> dict[int, Event]:
    """Reversed payment seq -> its reversal, checked: a payment, reversed once, not before it was made."""
    payments = {event.seq: event for event in ordered if event.kind is EventKind.PAYMENT}
    out: dict[int, Event] = {}
    for event in ordered:
        if event.kind is not EventKind.PAYMENT_REVERSAL or event.reverses is None:
            continue
        payment = payments.get(event.reverses)
        if payment is None:
            raise _refuse("reverses", f"transaction {event.reverses} is not a payment of this loan")
        if event.reverses in out:
            raise _refuse("reverses", f"payment {event.reverses} is already reversed")
        if order_key(event) < order_key(payment) or event.amount != payment.amount:
            raise _refuse("reverses", "a reversal is dated on or after its payment, for its amount")
        out[event.reverses] = event
    return out


def replay(contract: LoanContract, events: Iterable[Event]) -> tuple[LoanState, tuple[Effect, ...]]:
    """Book the loan and apply ``events`` in ``order_key`` order, whatever order they are given in.
    A reversed payment changes nothing (its effect is what it would have done, repeated by its
    reversal); everything after it is applied as if it had never been made."""
    ordered = sorted(events, key=order_key)
    if len({event.seq for event in ordered}) != len(ordered):
        raise _refuse("seq", "two transactions share a sequence number")
    reversed_by = _reversals(ordered)
    state = book(contract)
    effects: list[Effect] = []
    undone: dict[int, tuple[Effect, Decimal]] = {}
    for event in ordered:
        if event.seq in reversed_by:
            accrued, after, effect = _step(contract, state, event)
            undone[event.seq] = effect, _recognized_change(contract, accrued, after)
            state = accrued
        elif event.kind is EventKind.PAYMENT_REVERSAL and event.reverses is not None:
            state, effect = _reverse(contract, state, event, *undone[event.reverses])
        else:
            state, effect = apply(contract, state, event)
        effects.append(effect)
    return state, tuple(effects)


def post(contract: LoanContract, state: LoanState, history: Sequence[Event], event: Event) -> Posted:
    """Post ``event`` on a loan whose ``history`` gave ``state``: ``apply`` when it sorts after every
    event of the history, else ``replay`` of the history with it (backdated events, reversals)."""
    latest = max((order_key(old) for old in history), default=None)
    if event.kind is not EventKind.PAYMENT_REVERSAL and (latest is None or order_key(event) > latest):
        new, effect = apply(contract, state, event)
        return Posted(new, (effect,), replayed=False)
    new, effects = replay(contract, [*history, event])
    return Posted(new, effects, replayed=True)
