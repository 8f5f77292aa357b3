"""Queries of the ledger: insert journals and legs (core inserts, no ORM objects on the hot path), read a
loan's journal, and the set-based checks (subledger against the loan rows, the general ledger)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.db.driver import driver
from loan_engine.ledger.accounts import JournalHeader, Leg
from loan_engine.ledger.models import Journal, JournalLeg, LedgerAccount

# Every posting sends it, through the driver (db/driver.py says why): the journal and its legs in one
# statement, one round trip. The legs keep their order (WITH ORDINALITY), so their ids follow it.
_INSERT_JOURNAL = """
WITH journal AS (
    INSERT INTO journals
        (loan_id, kind, value_date, transaction_seq, caused_by_seq, reverses_journal_id, reference, memo)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    RETURNING id
)
INSERT INTO journal_legs (journal_id, account_code, loan_id, side, amount, currency)
SELECT journal.id, leg.account, $1, leg.side, leg.amount, $9
FROM journal, unnest($10::text[], $11::text[], $12::numeric[]) WITH ORDINALITY AS leg (account, side, amount, n)
ORDER BY leg.n
RETURNING journal_id
"""


async def insert_journal(session: AsyncSession, header: JournalHeader, legs: Sequence[Leg]) -> int:
    """Insert the journal and its legs; returns the journal's id."""
    journal_id: int = await (await driver(session)).fetchval(
        _INSERT_JOURNAL,
        header.loan_id,
        header.kind,
        header.value_date,
        header.transaction_seq,
        header.caused_by_seq,
        header.reverses_journal_id,
        header.reference,
        header.memo,
        header.currency,
        [leg.account for leg in legs],
        [leg.side.value for leg in legs],
        [leg.amount for leg in legs],
    )
    return journal_id


async def journal_legs(session: AsyncSession, journal_id: int) -> Sequence[JournalLeg]:
    result = await session.scalars(select(JournalLeg).where(JournalLeg.journal_id == journal_id))
    return result.all()


async def journal(session: AsyncSession, journal_id: int) -> Journal | None:
    return await session.get(Journal, journal_id)


async def loan_journals(
    session: AsyncSession, loan_id: uuid.UUID, *, after_id: int | None, limit: int
) -> Sequence[Journal]:
    query = select(Journal).where(Journal.loan_id == loan_id)
    if after_id is not None:
        query = query.where(Journal.id > after_id)
    result = await session.scalars(query.order_by(Journal.id).limit(limit))
    return result.all()


async def legs_of(session: AsyncSession, journal_ids: Sequence[int]) -> Sequence[tuple[JournalLeg, str]]:
    """The journals' legs with their account's name from the chart."""
    if not journal_ids:
        return []
    result = await session.execute(
        select(JournalLeg, LedgerAccount.name)
        .join(LedgerAccount, LedgerAccount.code == JournalLeg.account_code)
        .where(JournalLeg.journal_id.in_(journal_ids))
        .order_by(JournalLeg.id)
    )
    return result.all()


async def accounts(session: AsyncSession) -> Sequence[LedgerAccount]:
    result = await session.scalars(select(LedgerAccount).order_by(LedgerAccount.code))
    return result.all()


async def seq_postings(session: AsyncSession, loan_id: uuid.UUID) -> Sequence[Row[Any]]:
    """Net debit (positive) or credit (negative) per transaction and account of a loan: what the ledger
    holds today as the effect of each of its transactions (original journal plus its adjustments)."""
    result = await session.execute(
        text(
            """
            SELECT j.transaction_seq AS seq, l.account_code AS account,
                   sum(CASE l.side WHEN 'debit' THEN l.amount ELSE -l.amount END) AS net
              FROM journals j JOIN journal_legs l ON l.journal_id = j.id
             WHERE j.loan_id = :loan AND j.transaction_seq IS NOT NULL
             GROUP BY j.transaction_seq, l.account_code
            """
        ),
        {"loan": loan_id},
    )
    return result.all()


# The subledger check reads the loans table's balance columns directly: it is the one place the ledger
# looks at loan rows, in one set-based statement over the whole portfolio (no loan is loaded in Python).
SUBLEDGER_CHECK = text(
    """
    WITH sub AS (
        SELECT loan_id,
               sum(CASE WHEN account_code = :principal THEN CASE side WHEN 'debit' THEN amount ELSE -amount END
                        ELSE 0 END) AS principal,
               sum(CASE WHEN account_code = :interest THEN CASE side WHEN 'debit' THEN amount ELSE -amount END
                        ELSE 0 END) AS interest,
               sum(CASE WHEN account_code = :fees THEN CASE side WHEN 'debit' THEN amount ELSE -amount END
                        ELSE 0 END) AS fees,
               sum(CASE WHEN account_code = :credit THEN CASE side WHEN 'credit' THEN amount ELSE -amount END
                        ELSE 0 END) AS credit,
               sum(CASE WHEN account_code = :charge_off THEN CASE side WHEN 'debit' THEN amount ELSE -amount END
                        ELSE 0 END) AS written_off,
               sum(CASE WHEN account_code = :recoveries THEN CASE side WHEN 'credit' THEN amount ELSE -amount END
                        ELSE 0 END) AS recovered
          FROM journal_legs WHERE loan_id IS NOT NULL GROUP BY loan_id
    )
    SELECT l.id AS loan_id, field, ledger, loan
      FROM loans l LEFT JOIN sub s ON s.loan_id = l.id,
           LATERAL (VALUES
               ('principalOutstanding', coalesce(s.principal, 0), l.principal_outstanding),
               ('interestOutstanding', coalesce(s.interest, 0), l.interest_outstanding),
               ('feesOutstanding', coalesce(s.fees, 0), l.fees_outstanding),
               ('creditBalance', coalesce(s.credit, 0), l.credit_balance),
               ('writtenOff', coalesce(s.written_off, 0), l.written_off),
               ('recovered', coalesce(s.recovered, 0), l.recovered)
           ) AS v(field, ledger, loan)
     WHERE (CAST(:loan_id AS uuid) IS NULL OR l.id = CAST(:loan_id AS uuid)) AND ledger <> loan
     ORDER BY l.id, field
     LIMIT 1000
    """
)


async def subledger_differences(
    session: AsyncSession, codes: dict[str, str], loan_id: uuid.UUID | None = None
) -> Sequence[Row[Any]]:
    result = await session.execute(SUBLEDGER_CHECK, {**codes, "loan_id": None if loan_id is None else str(loan_id)})
    return result.all()


async def loans_checked(session: AsyncSession) -> int:
    return int((await session.execute(text("SELECT count(*) FROM loans"))).scalar_one())


async def unbalanced_journals(session: AsyncSession) -> Sequence[Row[Any]]:
    """Journals whose legs do not balance per currency, or that have fewer than two legs (the deferred
    trigger makes this impossible to commit; the check looks anyway)."""
    result = await session.execute(
        text(
            """
            SELECT j.id FROM journals j
             WHERE (SELECT count(*) FROM journal_legs l WHERE l.journal_id = j.id) < 2
                OR EXISTS (
                   SELECT 1 FROM journal_legs x WHERE x.journal_id = j.id GROUP BY x.currency
                   HAVING sum(CASE x.side WHEN 'debit' THEN x.amount ELSE -x.amount END) <> 0)
             LIMIT 100
            """
        )
    )
    return result.all()


async def trial_balance(session: AsyncSession, as_of: date | None) -> Sequence[Row[Any]]:
    """Debits and credits per account and currency (journals with a value date up to ``as_of``)."""
    result = await session.execute(
        text(
            """
            SELECT a.code, a.name, a.kind, a.normal_side, l.currency,
                   coalesce(sum(l.amount) FILTER (WHERE l.side = 'debit'), 0) AS debits,
                   coalesce(sum(l.amount) FILTER (WHERE l.side = 'credit'), 0) AS credits
              FROM ledger_accounts a
              JOIN journal_legs l ON l.account_code = a.code
              JOIN journals j ON j.id = l.journal_id
             WHERE (CAST(:as_of AS date) IS NULL OR j.value_date <= CAST(:as_of AS date))
             GROUP BY a.code, a.name, a.kind, a.normal_side, l.currency
             ORDER BY l.currency, a.code
            """
        ),
        {"as_of": as_of},
    )
    return result.all()


def as_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))
