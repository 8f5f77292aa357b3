"""The chart of accounts as the code knows it: roles (what posting rules name), their codes in the chart
migration 0004 seeds, and the mapping a product's loans post with (the default chart; a product may map
a role to another account of the chart later, without any posting rule changing).

A posting is written as *signed* amounts per role: positive is a debit, negative a credit. A journal
balances when its signed amounts sum to zero; the difference between two postings (a replay's
adjustment) is their subtraction, which balances when both did.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Final

__all__ = [
    "DEFAULT_MAPPING",
    "AccountRole",
    "JournalHeader",
    "Leg",
    "Posting",
    "Side",
    "add",
    "legs",
    "mapping_for",
    "negate",
    "subtract",
]

ZERO: Final = Decimal(0)


@dataclass(frozen=True, slots=True)
class JournalHeader:
    """What a journal says about itself (its legs carry the amounts, all in ``currency``)."""

    loan_id: uuid.UUID | None
    kind: str
    value_date: date
    currency: str
    transaction_seq: int | None = None
    caused_by_seq: int | None = None
    reverses_journal_id: int | None = None
    reference: str | None = None
    memo: str = ""


class AccountRole(StrEnum):
    CASH = "cash"
    PRINCIPAL_RECEIVABLE = "principal_receivable"
    INTEREST_RECEIVABLE = "interest_receivable"
    FEE_RECEIVABLE = "fee_receivable"
    BORROWER_CREDIT = "borrower_credit"
    SUSPENSE = "suspense"
    INTEREST_INCOME = "interest_income"
    FEE_INCOME = "fee_income"
    RECOVERIES = "recoveries"
    CHARGE_OFF_EXPENSE = "charge_off_expense"


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


# The seeded chart (migration 0004; docs/LEDGER.md): role -> account code.
DEFAULT_MAPPING: Final[Mapping[AccountRole, str]] = MappingProxyType(
    {
        AccountRole.CASH: "1000",
        AccountRole.PRINCIPAL_RECEIVABLE: "1100",
        AccountRole.INTEREST_RECEIVABLE: "1200",
        AccountRole.FEE_RECEIVABLE: "1300",
        AccountRole.BORROWER_CREDIT: "2000",
        AccountRole.SUSPENSE: "2900",
        AccountRole.INTEREST_INCOME: "4000",
        AccountRole.FEE_INCOME: "4100",
        AccountRole.RECOVERIES: "4200",
        AccountRole.CHARGE_OFF_EXPENSE: "5000",
    }
)
_PRODUCT_MAPPINGS: Final[Mapping[str, Mapping[AccountRole, str]]] = MappingProxyType({})


def mapping_for(product_code: str) -> Mapping[AccountRole, str]:
    """The accounts a product's loans post to: the default chart, with the product's own accounts where
    it maps a role differently (none does yet)."""
    overrides = _PRODUCT_MAPPINGS.get(product_code, {})
    return MappingProxyType({**DEFAULT_MAPPING, **overrides})


@dataclass(frozen=True, slots=True)
class Leg:
    """One line of a journal: a positive amount debited or credited to an account."""

    account: str
    side: Side
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Posting:
    """Signed amounts per role (debit positive). Zero amounts are dropped."""

    amounts: Mapping[AccountRole, Decimal] = field(default_factory=dict)

    @classmethod
    def of(cls, pairs: Iterable[tuple[AccountRole, Decimal]]) -> Posting:
        out: dict[AccountRole, Decimal] = {}
        for role, amount in pairs:
            out[role] = out.get(role, ZERO) + amount
        return cls({role: amount for role, amount in out.items() if amount != 0})

    def is_empty(self) -> bool:
        return not self.amounts

    def balances(self) -> bool:
        return sum(self.amounts.values(), ZERO) == 0


def add(first: Posting, second: Posting) -> Posting:
    return Posting.of([*first.amounts.items(), *second.amounts.items()])


def negate(posting: Posting) -> Posting:
    return Posting.of((role, -amount) for role, amount in posting.amounts.items())


def subtract(new: Posting, old: Posting) -> Posting:
    """What must be posted to move the ledger from ``old`` to ``new`` (a replay's adjustment)."""
    return add(new, negate(old))


def legs(posting: Posting, mapping: Mapping[AccountRole, str]) -> list[Leg]:
    """The journal legs of a posting, in the chart's order (debits and credits by account code)."""
    out = [
        Leg(mapping[role], Side.DEBIT if amount > 0 else Side.CREDIT, abs(amount))
        for role, amount in posting.amounts.items()
    ]
    return sorted(out, key=lambda leg: (leg.side != Side.DEBIT, leg.account))
