"""Wire types of the ledger routes."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from loan_engine.api.types import ApiStruct


class Discrepancy(ApiStruct):
    """A loan whose subledger (its journal legs) disagrees with one of its own balance columns."""

    loan_id: uuid.UUID
    field: str
    ledger: Decimal
    loan: Decimal


class CurrencyTotals(ApiStruct):
    currency: str
    debits: Decimal
    credits: Decimal
    balanced: bool


class LedgerCheck(ApiStruct):
    """``ok`` when every journal balances, the general ledger balances per currency, and every loan's
    subledger equals its balances."""

    ok: bool
    loans_checked: int
    unbalanced_journals: list[int]
    general_ledger: list[CurrencyTotals]
    discrepancies: list[Discrepancy]


class TrialBalanceRow(ApiStruct):
    code: str
    name: str
    kind: str
    currency: str
    debits: Decimal
    credits: Decimal
    balance: Decimal  # on the account's normal side


class TrialBalance(ApiStruct):
    as_of: datetime.date | None
    rows: list[TrialBalanceRow]
    totals: list[CurrencyTotals]


class LegRead(ApiStruct):
    account: str  # the chart's code
    account_name: str
    side: str
    amount: Decimal
    currency: str


class JournalRead(ApiStruct):
    id: int
    kind: str
    value_date: datetime.date
    posted_at: datetime.datetime
    transaction_seq: int | None
    caused_by_seq: int | None
    reverses_journal_id: int | None
    memo: str
    legs: list[LegRead]


class JournalPage(ApiStruct):
    items: list[JournalRead]
    next_cursor: str | None
