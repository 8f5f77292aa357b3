"""The payment waterfall: how money received is split over installments (docs/SERVICING.md, "Allocation").

Rule: a payment pays the past-due installments first (due before the payment date, oldest first),
each by the product's ``past_due`` order of components; then the current installment (the one whose
period holds the payment date: the first due on or after it) by the ``current`` order. Whatever is
left is the excess; the caller decides what it does (``OverpaymentRule``). A payment too small to pay
an installment leaves it partly paid. The split is exact: every cent is in exactly one of principal,
interest, fees or excess.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Final

from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import require_decimal

__all__ = ["AllocationRules", "Component", "Installment", "OverpaymentRule", "Split", "allocate", "current_index"]

_ZERO: Final = Decimal(0)


class Component(StrEnum):
    """A part of what an installment asks for (the product schema's ``PaymentComponent`` spelling)."""

    FEES = "fees"
    INTEREST = "interest"
    PRINCIPAL = "principal"


class OverpaymentRule(StrEnum):
    """What money beyond what is due does (the product schema's wire spelling): shorten the loan, or
    lower the remaining installments."""

    REDUCE_TERM = "reduce-term"
    REDUCE_PAYMENT = "reduce-payment"


def _order(name: str, value: Sequence[Component | str]) -> tuple[Component, ...]:
    try:
        order = tuple(Component(item) for item in value)
    except ValueError:
        raise FinanceInputError(name, f"unknown component in {list(value)!r}") from None
    if sorted(order) != sorted(Component):
        raise FinanceInputError(name, "must list fees, interest and principal once each")
    return order


@dataclass(frozen=True, slots=True)
class AllocationRules:
    """The product's waterfall as data: component orders for past-due and current installments, and
    the overpayment rule. Wire names (``"interest"``, ``"reduce-term"``) are accepted too."""

    past_due: tuple[Component, ...]
    current: tuple[Component, ...]
    overpayment: OverpaymentRule

    def __post_init__(self) -> None:
        object.__setattr__(self, "past_due", _order("past_due", self.past_due))
        object.__setattr__(self, "current", _order("current", self.current))
        try:
            object.__setattr__(self, "overpayment", OverpaymentRule(self.overpayment))
        except ValueError:
            raise FinanceInputError("overpayment", f"unknown rule {self.overpayment!r}") from None


@dataclass(frozen=True, slots=True)
class Installment:
    """One installment of a booked loan: what it asks for and what has been paid against it."""

    number: int
    due_date: date
    principal_due: Decimal
    interest_due: Decimal
    fees_due: Decimal
    principal_paid: Decimal = _ZERO
    interest_paid: Decimal = _ZERO
    fees_paid: Decimal = _ZERO

    @property
    def principal_outstanding(self) -> Decimal:
        return self.principal_due - self.principal_paid

    @property
    def interest_outstanding(self) -> Decimal:
        return self.interest_due - self.interest_paid

    @property
    def fees_outstanding(self) -> Decimal:
        return self.fees_due - self.fees_paid

    @property
    def due(self) -> Decimal:
        """Everything the installment asks for."""
        return self.principal_due + self.interest_due + self.fees_due

    @property
    def paid(self) -> Decimal:
        return self.principal_paid + self.interest_paid + self.fees_paid

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.paid

    @property
    def is_paid(self) -> bool:
        return self.outstanding <= 0

    def outstanding_of(self, part: Component) -> Decimal:
        """What is still owed of one component."""
        if part is Component.PRINCIPAL:
            return self.principal_outstanding
        if part is Component.INTEREST:
            return self.interest_outstanding
        return self.fees_outstanding

    def pay(self, part: Component, amount: Decimal) -> Installment:
        """This installment with ``amount`` more paid against ``part``."""
        if part is Component.PRINCIPAL:
            return replace(self, principal_paid=self.principal_paid + amount)
        if part is Component.INTEREST:
            return replace(self, interest_paid=self.interest_paid + amount)
        return replace(self, fees_paid=self.fees_paid + amount)


@dataclass(frozen=True, slots=True)
class Split:
    """How an amount was applied: to principal, interest, fees, and the excess left over (all >= 0)."""

    principal: Decimal = _ZERO
    interest: Decimal = _ZERO
    fees: Decimal = _ZERO
    excess: Decimal = _ZERO

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fees + self.excess

    def of(self, part: Component) -> Decimal:
        if part is Component.PRINCIPAL:
            return self.principal
        if part is Component.INTEREST:
            return self.interest
        return self.fees


def current_index(installments: Sequence[Installment], on: date) -> int:
    """Index of the installment whose period holds ``on`` (the first due on or after it);
    ``len(installments)`` when every installment is due before ``on``."""
    return bisect_left(installments, on, key=lambda row: row.due_date)


def allocate(
    installments: Sequence[Installment], amount: Decimal, on: date, rules: AllocationRules
) -> tuple[tuple[Installment, ...], Split]:
    """Apply ``amount`` received on ``on`` by the waterfall (module docstring); returns the installments
    with the payment applied and the split. ``amount`` must already be in the currency's minor unit."""
    require_decimal(amount, "amount")
    if amount < 0:
        raise FinanceInputError("amount", "must not be negative")
    rows = list(installments)
    applied = dict.fromkeys(Component, _ZERO)
    left = amount
    current = current_index(rows, on)
    targets = [(index, rules.past_due) for index in range(current)]
    if current < len(rows):
        targets.append((current, rules.current))
    for index, order in targets:
        if rows[index].is_paid:
            continue
        for part in order:
            if left <= 0:
                break
            take = min(left, rows[index].outstanding_of(part))
            if take > 0:
                rows[index] = rows[index].pay(part, take)
                applied[part] += take
                left -= take
    split = Split(applied[Component.PRINCIPAL], applied[Component.INTEREST], applied[Component.FEES], left)
    return tuple(rows), split
