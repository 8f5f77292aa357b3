"""Queries of loans: the loan row (locked for a posting), its installments, its transactions, lists.

What a payment and a loan read send is SQL text sent through the driver (db/driver.py says why) and read
as `Row`s, whose columns are the table's: a `Row` of ``loans`` reads like a `Loan`. The contract (the
product as booked, a few kB of JSON) is read only when the process has not built it yet (loans/contract.py).
Booking, lists and the rarer postings stay on SQLAlchemy.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from loan_engine.db.driver import Row, driver
from loan_engine.finance.allocation import Installment
from loan_engine.loans.models import Loan, LoanInstallment, LoanTransaction

# An installment's columns are the fields of finance's Installment, in its order: a row read with them
# is the Installment's arguments (`Installment(*row)`).
INSTALLMENT_COLUMNS = tuple(field.name for field in fields(Installment))


async def add_loan(session: AsyncSession, loan: Loan) -> None:
    session.add(loan)
    await session.flush()


_TRANSACTIONS = cast(Table, LoanTransaction.__table__)
_INSTALLMENTS = cast(Table, LoanInstallment.__table__)

# The loan's columns but its contract, whose JSON only a process that has not built the contract reads.
LOAN_COLUMNS = tuple(c.name for c in cast(Table, Loan.__table__).columns if c.name != "contract")
_LOAN = f"SELECT {', '.join(LOAN_COLUMNS)} FROM loans WHERE id = $1"  # noqa: S608 - the model's names
_LOAN_LOCKED = _LOAN + " FOR UPDATE"
_CONTRACT = "SELECT contract FROM loans WHERE id = $1"
# Amounts are stored with four places and hold whole minor units; round(…, $2) gives them the currency's
# scale (2.5000 -> 2.50), as the finance code writes them, without a quantize per amount in Python.
_INSTALLMENTS_OF = (
    "SELECT number, due_date, "  # noqa: S608 - the model's names
    + ", ".join(f"round({name}, $2) AS {name}" for name in INSTALLMENT_COLUMNS[2:])
    + " FROM loan_installments WHERE loan_id = $1 ORDER BY number"
)
_INSERT_TRANSACTION = (
    "INSERT INTO loan_transactions (loan_id, seq, kind, value_date, amount, channel, reason, reverses_seq, "
    "principal, interest, fees, excess, actor, request_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING booked_at"
)
_LATER_EVENTS = (
    "SELECT EXISTS (SELECT FROM loan_transactions WHERE loan_id = $1 "
    "AND (value_date > $2 OR (value_date = $2 AND kind = ANY($3::text[]))))"
)
_TRANSACTION_COLUMNS = ", ".join(c.name for c in _TRANSACTIONS.columns)
_SELECT_TRANSACTIONS = f"SELECT {_TRANSACTION_COLUMNS} FROM loan_transactions WHERE loan_id = $1"  # noqa: S608 - the model's names
_NEWEST_TRANSACTIONS = _SELECT_TRANSACTIONS + " ORDER BY seq DESC LIMIT $2"
_TRANSACTIONS_BEFORE = _SELECT_TRANSACTIONS + " AND seq < $3 ORDER BY seq DESC LIMIT $2"
# What a posting changes on the loan row, and nothing else: the balances, the accrual, the sequence.
STATE_COLUMNS = (
    "status",
    "principal_outstanding",
    "interest_outstanding",
    "fees_outstanding",
    "credit_balance",
    "written_off",
    "recovered",
    "last_value_date",
    "accrued_through",
    "accrual_basis",
    "interest_recognized",
    "last_seq",
    "maturity_date",
    "disbursed_on",
    "updated_at",
)
# The loan's state columns and the installments that changed, in one statement (one round trip); the
# changed installments come as one array per column (none changed: empty arrays, no row updated).
_CHANGED = ", ".join(
    f"${n}::{t}[]" for n, t in enumerate(("int", "date", *["numeric"] * 6), start=len(STATE_COLUMNS) + 2)
)
_STORE_STATE = f"""
WITH changed AS (
    UPDATE loan_installments AS i
    SET {", ".join(f"{name} = c.{name}" for name in INSTALLMENT_COLUMNS[1:])}
    FROM unnest({_CHANGED}) AS c ({", ".join(INSTALLMENT_COLUMNS)})
    WHERE i.loan_id = $1 AND i.number = c.number
)
UPDATE loans
SET {", ".join(f"{name} = ${n}" for n, name in enumerate(STATE_COLUMNS, start=2))}, version = version + 1
WHERE id = $1
"""  # noqa: S608 - the model's names


async def loan(session: AsyncSession, loan_id: uuid.UUID, *, for_update: bool = False) -> Row | None:
    """The loan's row without its contract (``LOAN_COLUMNS``), locked for a posting when ``for_update``."""
    found: Row | None = await (await driver(session)).fetchrow(
        _LOAN_LOCKED if for_update else _LOAN, loan_id, record_class=Row
    )
    return found


async def contract(session: AsyncSession, loan_id: uuid.UUID) -> dict[str, Any]:
    """The loan's contract as booked (JSON)."""
    stored: dict[str, Any] = await (await driver(session)).fetchval(_CONTRACT, loan_id)  # decoded by its codec
    return stored


async def installments(session: AsyncSession, loan_id: uuid.UUID, minor_units: int) -> list[Row]:
    """The installments in order, amounts at the currency's scale (``INSTALLMENT_COLUMNS``)."""
    rows: list[Row] = await (await driver(session)).fetch(_INSTALLMENTS_OF, loan_id, minor_units, record_class=Row)
    return rows


async def insert_installments(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(LoanInstallment), rows)


async def delete_installments_after(session: AsyncSession, loan_id: uuid.UUID, last: int) -> None:
    await session.execute(
        delete(LoanInstallment).where(LoanInstallment.loan_id == loan_id, LoanInstallment.number > last)
    )


async def insert_transaction(session: AsyncSession, values: dict[str, Any]) -> datetime:
    """Append a transaction (its values named as the table's columns); returns its booking time."""
    booked: datetime = await (await driver(session)).fetchval(
        _INSERT_TRANSACTION,
        values["loan_id"],
        values["seq"],
        values["kind"],
        values["value_date"],
        values["amount"],
        values["channel"],
        values["reason"],
        values["reverses_seq"],
        values["principal"],
        values["interest"],
        values["fees"],
        values["excess"],
        values["actor"],
        values["request_id"],
    )
    return booked


async def has_events_after(session: AsyncSession, loan_id: uuid.UUID, on: date, kinds_after: Iterable[str]) -> bool:
    """Whether a new event on ``on`` would not come last: the loan has a transaction on a later value date,
    or one on ``on`` of a kind that replays after it. One EXISTS, whatever the loan's age."""
    found = await (await driver(session)).fetchval(_LATER_EVENTS, loan_id, on, list(kinds_after))
    return bool(found)


async def history(session: AsyncSession, loan_id: uuid.UUID) -> Sequence[Any]:
    result = await session.execute(
        select(
            LoanTransaction.kind,
            LoanTransaction.value_date,
            LoanTransaction.amount,
            LoanTransaction.seq,
            LoanTransaction.reverses_seq,
        )
        .where(LoanTransaction.loan_id == loan_id)
        .order_by(LoanTransaction.seq)
    )
    return result.all()


async def transaction(session: AsyncSession, loan_id: uuid.UUID, seq: int) -> LoanTransaction | None:
    return await session.get(LoanTransaction, (loan_id, seq))


async def transactions(session: AsyncSession, loan_id: uuid.UUID, *, before_seq: int | None, limit: int) -> list[Row]:
    """Newest first, keyset on seq: rows with the columns of ``loan_transactions``."""
    connection = await driver(session)
    if before_seq is None:
        rows: list[Row] = await connection.fetch(_NEWEST_TRANSACTIONS, loan_id, limit, record_class=Row)
    else:
        rows = await connection.fetch(_TRANSACTIONS_BEFORE, loan_id, limit, before_seq, record_class=Row)
    return rows


async def store_state(
    session: AsyncSession, loan_id: uuid.UUID, values: dict[str, Any], changed: Sequence[dict[str, Any]]
) -> None:
    """Write what a posting changed: the loan's ``STATE_COLUMNS`` (and its version), and the installments
    in ``changed`` (each with the ``INSTALLMENT_COLUMNS``)."""
    columns = [[row[name] for row in changed] for name in INSTALLMENT_COLUMNS]
    await (await driver(session)).execute(_STORE_STATE, loan_id, *(values[name] for name in STATE_COLUMNS), *columns)


async def loans_page(
    session: AsyncSession,
    *,
    borrower_id: uuid.UUID | None,
    status: str | None,
    product_code: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[tuple[Loan, date | None, Decimal | None]]:
    """Newest first, keyset on (created_at, id); each loan with its first open installment's due date and
    outstanding amount (the next payment), read in the same statement."""
    upcoming = (
        select(LoanInstallment.due_date, LoanInstallment.outstanding)
        .where(LoanInstallment.loan_id == Loan.id, LoanInstallment.outstanding > 0)
        .order_by(LoanInstallment.number)
        .limit(1)
        .lateral("upcoming")
    )
    query = select(Loan, upcoming.c.due_date, upcoming.c.outstanding).outerjoin(upcoming, true())
    if borrower_id is not None:
        query = query.where(Loan.borrower_id == borrower_id)
    if status is not None:
        query = query.where(Loan.status == status)
    if product_code is not None:
        query = query.where(Loan.product_code == product_code)
    if after is not None:
        query = query.where(tuple_(Loan.created_at, Loan.id) < after)
    result = await session.execute(query.order_by(Loan.created_at.desc(), Loan.id.desc()).limit(limit))
    return [(row[0], row[1], row[2]) for row in result]
