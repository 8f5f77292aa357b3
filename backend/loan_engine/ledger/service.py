"""Posting to the ledger (inside the caller's transaction), reversing journals, the ledger check and the
trial balance.

``post_journal`` joins the use case's transaction (``require_transaction``): a loan transaction, its
journal and its audit row commit together or not at all. The database refuses an unbalanced journal at
COMMIT and any UPDATE or DELETE of a posted one (migration 0004); the service also refuses an unbalanced
posting before it is sent, so the caller gets a clear error instead of a failed COMMIT.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.api.types import decode_cursor, encode_cursor
from loan_engine.db.transactions import require_transaction, transaction
from loan_engine.ledger import repository
from loan_engine.ledger.accounts import DEFAULT_MAPPING, AccountRole, JournalHeader, Leg, Posting, Side, legs
from loan_engine.ledger.schemas import (
    CurrencyTotals,
    Discrepancy,
    JournalPage,
    JournalRead,
    LedgerCheck,
    LegRead,
    TrialBalance,
    TrialBalanceRow,
)

__all__ = [
    "UnbalancedJournalError",
    "check",
    "loan_journal",
    "post_journal",
    "post_posting",
    "reverse_journal",
    "seq_postings",
    "trial_balance",
    "trial_balance_csv",
]

ZERO = Decimal(0)


class UnbalancedJournalError(ValueError):
    """A posting whose debits and credits differ, or with fewer than two legs: a programming error."""


async def post_journal(session: AsyncSession, header: JournalHeader, journal_legs: Sequence[Leg]) -> int:
    """Post a journal with ``journal_legs`` in the caller's transaction; returns its id."""
    require_transaction(session)
    debits = sum((leg.amount for leg in journal_legs if leg.side is Side.DEBIT), ZERO)
    credits = sum((leg.amount for leg in journal_legs if leg.side is Side.CREDIT), ZERO)
    if len(journal_legs) < 2 or debits != credits or any(leg.amount <= 0 for leg in journal_legs):
        msg = f"unbalanced journal {header.kind}: debits {debits}, credits {credits}, {len(journal_legs)} legs"
        raise UnbalancedJournalError(msg)
    return await repository.insert_journal(session, header, journal_legs)


async def post_posting(
    session: AsyncSession, header: JournalHeader, posting: Posting, mapping: Mapping[AccountRole, str]
) -> int | None:
    """Post signed per-role amounts as a journal (nothing when every amount is zero)."""
    if posting.is_empty():
        return None
    return await post_journal(session, header, legs(posting, mapping))


async def reverse_journal(session: AsyncSession, journal_id: int, value_date: date, memo: str = "") -> int:
    """Post the mirror image of a journal (every debit a credit and back), naming the one it reverses."""
    require_transaction(session)
    original = await repository.journal(session, journal_id)
    if original is None:
        raise LookupError(f"no journal {journal_id}")
    rows = await repository.journal_legs(session, journal_id)
    flipped = [
        Leg(row.account_code, Side.CREDIT if row.side == Side.DEBIT.value else Side.DEBIT, row.amount) for row in rows
    ]
    header = JournalHeader(
        original.loan_id,
        original.kind,
        value_date,
        rows[0].currency,
        transaction_seq=original.transaction_seq,
        reverses_journal_id=journal_id,
        memo=memo or f"Reversal of journal {journal_id}",
    )
    return await post_journal(session, header, flipped)


async def seq_postings(
    session: AsyncSession, loan_id: uuid.UUID, mapping: Mapping[AccountRole, str]
) -> dict[int, Posting]:
    """What the ledger holds as the effect of each of a loan's transactions, as signed per-role amounts."""
    require_transaction(session)
    roles = {code: role for role, code in mapping.items()}
    pairs: dict[int, list[tuple[AccountRole, Decimal]]] = defaultdict(list)
    for row in await repository.seq_postings(session, loan_id):
        pairs[int(row.seq)].append((roles[row.account], repository.as_decimal(row.net)))
    return {seq: Posting.of(items) for seq, items in pairs.items()}


def _codes() -> dict[str, str]:
    m = DEFAULT_MAPPING
    return {
        "principal": m[AccountRole.PRINCIPAL_RECEIVABLE],
        "interest": m[AccountRole.INTEREST_RECEIVABLE],
        "fees": m[AccountRole.FEE_RECEIVABLE],
        "credit": m[AccountRole.BORROWER_CREDIT],
        "charge_off": m[AccountRole.CHARGE_OFF_EXPENSE],
        "recoveries": m[AccountRole.RECOVERIES],
    }


async def check(session: AsyncSession, loan_id: uuid.UUID | None = None) -> LedgerCheck:
    """Every journal balanced, the general ledger balanced per currency, and every loan's subledger equal
    to its balance columns (or one loan's, when ``loan_id`` is given). Runs in its own read-only
    transaction when called outside one."""

    async def work() -> LedgerCheck:
        differences = await repository.subledger_differences(session, _codes(), loan_id)
        unbalanced = [int(row.id) for row in await repository.unbalanced_journals(session)]
        totals = _totals(await repository.trial_balance(session, None))
        discrepancies = [
            Discrepancy(
                loan_id=row.loan_id,
                field=row.field,
                ledger=repository.as_decimal(row.ledger),
                loan=repository.as_decimal(row.loan),
            )
            for row in differences
        ]
        return LedgerCheck(
            ok=not discrepancies and not unbalanced and all(t.balanced for t in totals),
            loans_checked=1 if loan_id is not None else await repository.loans_checked(session),
            unbalanced_journals=unbalanced,
            general_ledger=totals,
            discrepancies=discrepancies,
        )

    if session.in_transaction():
        return await work()
    return await transaction(session, work, read_only=True, isolation="REPEATABLE READ")


def _totals(rows: Sequence[object]) -> list[CurrencyTotals]:
    debits: dict[str, Decimal] = defaultdict(Decimal)
    credits: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        debits[row.currency] += repository.as_decimal(row.debits)  # type: ignore[attr-defined]
        credits[row.currency] += repository.as_decimal(row.credits)  # type: ignore[attr-defined]
    return [
        CurrencyTotals(currency=cur, debits=debits[cur], credits=credits[cur], balanced=debits[cur] == credits[cur])
        for cur in sorted(debits)
    ]


async def trial_balance(session: AsyncSession, as_of: date | None = None) -> TrialBalance:
    """Debits, credits and the balance on each account's normal side, per currency."""

    async def work() -> TrialBalance:
        rows = await repository.trial_balance(session, as_of)
        out = []
        for row in rows:
            debits, credits = repository.as_decimal(row.debits), repository.as_decimal(row.credits)
            balance = debits - credits if row.normal_side == Side.DEBIT.value else credits - debits
            out.append(
                TrialBalanceRow(
                    code=row.code,
                    name=row.name,
                    kind=row.kind,
                    currency=row.currency,
                    debits=debits,
                    credits=credits,
                    balance=balance,
                )
            )
        return TrialBalance(as_of=as_of, rows=out, totals=_totals(rows))

    return await transaction(session, work, read_only=True, isolation="REPEATABLE READ")


def trial_balance_csv(balance: TrialBalance) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "name", "kind", "currency", "debits", "credits", "balance"])
    for row in balance.rows:
        writer.writerow([row.code, row.name, row.kind, row.currency, row.debits, row.credits, row.balance])
    for total in balance.totals:
        writer.writerow(["", "Total", "", total.currency, total.debits, total.credits, ""])
    return buffer.getvalue()


async def loan_journal(session: AsyncSession, loan_id: uuid.UUID, cursor: str | None, limit: int) -> JournalPage:
    """A loan's journals with their legs, oldest first, keyset paged (joins the caller's transaction)."""
    require_transaction(session)
    after = decode_cursor(cursor, tuple[int])[0] if cursor else None
    rows = await repository.loan_journals(session, loan_id, after_id=after, limit=limit + 1)
    page = rows[:limit]
    by_journal: dict[int, list[LegRead]] = defaultdict(list)
    for leg, account_name in await repository.legs_of(session, [j.id for j in page]):
        by_journal[leg.journal_id].append(
            LegRead(
                account=leg.account_code,
                account_name=account_name,
                side=leg.side,
                amount=leg.amount,
                currency=leg.currency,
            )
        )
    items = [
        JournalRead(
            id=j.id,
            kind=j.kind,
            value_date=j.value_date,
            posted_at=j.posted_at,
            transaction_seq=j.transaction_seq,
            caused_by_seq=j.caused_by_seq,
            reverses_journal_id=j.reverses_journal_id,
            memo=j.memo,
            legs=by_journal[j.id],
        )
        for j in page
    ]
    return JournalPage(items=items, next_cursor=encode_cursor((page[-1].id,)) if len(rows) > limit else None)
