"""Queries of loans: the loan row (locked for a posting), its installments, its transactions, lists.

The statements a payment and a loan read run are built once, here, with bind parameters, and executed
with their values: SQLAlchemy then neither rebuilds the expression nor recomputes its cache key on every
request (that was about a third of a payment's CPU). Inserts go to the table, not the mapped class, so
they skip the ORM's bulk-insert bookkeeping.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, exists, insert, or_, select, true, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

from loan_engine.loans.models import Loan, LoanInstallment, LoanTransaction

INSTALLMENT_COLUMNS = (
    "number",
    "due_date",
    "principal_due",
    "interest_due",
    "fees_due",
    "principal_paid",
    "interest_paid",
    "fees_paid",
)


async def add_loan(session: AsyncSession, loan: Loan) -> None:
    session.add(loan)
    await session.flush()


_TRANSACTIONS = cast(Table, LoanTransaction.__table__)
_INSTALLMENTS = cast(Table, LoanInstallment.__table__)

_LOAN = select(Loan).where(Loan.id == bindparam("loan_id")).execution_options(populate_existing=True)
_LOAN_LOCKED = _LOAN.with_for_update()
_INSTALLMENTS_OF = (
    select(*(getattr(LoanInstallment, name) for name in INSTALLMENT_COLUMNS), LoanInstallment.outstanding)
    .where(LoanInstallment.loan_id == bindparam("loan_id"))
    .order_by(LoanInstallment.number)
)
_UPDATE_INSTALLMENT = (
    update(_INSTALLMENTS)
    .where(_INSTALLMENTS.c.loan_id == bindparam("b_loan"), _INSTALLMENTS.c.number == bindparam("b_number"))
    .values({name: bindparam(f"v_{name}") for name in INSTALLMENT_COLUMNS if name != "number"})
)
_INSERT_TRANSACTION = insert(_TRANSACTIONS).returning(_TRANSACTIONS.c.booked_at)
_ON: BindParameter[Any] = bindparam("on")
_LATER_EVENTS = select(
    exists().where(
        LoanTransaction.loan_id == bindparam("loan_id"),
        or_(
            LoanTransaction.value_date > _ON,
            and_(LoanTransaction.value_date == _ON, LoanTransaction.kind.in_(bindparam("kinds", expanding=True))),
        ),
    )
)
_NEWEST_TRANSACTIONS = (  # rows, not mapped objects: a read only maps them to the response
    select(_TRANSACTIONS)
    .where(_TRANSACTIONS.c.loan_id == bindparam("loan_id"))
    .order_by(_TRANSACTIONS.c.seq.desc())
    .limit(bindparam("limit"))
)
_TRANSACTIONS_BEFORE = _NEWEST_TRANSACTIONS.where(_TRANSACTIONS.c.seq < bindparam("before_seq"))


async def loan(session: AsyncSession, loan_id: uuid.UUID, *, for_update: bool = False) -> Loan | None:
    query = _LOAN_LOCKED if for_update else _LOAN
    return (await session.scalars(query, {"loan_id": loan_id})).first()


async def installments(session: AsyncSession, loan_id: uuid.UUID) -> Sequence[Any]:
    return (await session.execute(_INSTALLMENTS_OF, {"loan_id": loan_id})).all()


async def insert_installments(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(LoanInstallment), rows)


async def update_installments(session: AsyncSession, loan_id: uuid.UUID, rows: list[dict[str, Any]]) -> None:
    """Rewrite the changed installments (one executemany)."""
    if not rows:
        return
    params = [
        {"b_loan": loan_id, "b_number": row["number"], **{f"v_{k}": v for k, v in row.items() if k != "number"}}
        for row in rows
    ]
    await (await session.connection()).execute(_UPDATE_INSTALLMENT, params)


async def delete_installments_after(session: AsyncSession, loan_id: uuid.UUID, last: int) -> None:
    await session.execute(
        delete(LoanInstallment).where(LoanInstallment.loan_id == loan_id, LoanInstallment.number > last)
    )


async def insert_transaction(session: AsyncSession, values: dict[str, Any]) -> datetime:
    result = await session.execute(_INSERT_TRANSACTION, values)
    booked: datetime = result.scalar_one()
    return booked


async def has_events_after(session: AsyncSession, loan_id: uuid.UUID, on: date, kinds_after: Iterable[str]) -> bool:
    """Whether a new event on ``on`` would not come last: the loan has a transaction on a later value date,
    or one on ``on`` of a kind that replays after it. One EXISTS, whatever the loan's age."""
    found = await session.scalar(_LATER_EVENTS, {"loan_id": loan_id, "on": on, "kinds": list(kinds_after)})
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


async def transactions(
    session: AsyncSession, loan_id: uuid.UUID, *, before_seq: int | None, limit: int
) -> Sequence[Any]:
    """Newest first, keyset on seq: rows with the columns of ``loan_transactions``."""
    if before_seq is None:
        return (await session.execute(_NEWEST_TRANSACTIONS, {"loan_id": loan_id, "limit": limit})).all()
    params = {"loan_id": loan_id, "limit": limit, "before_seq": before_seq}
    return (await session.execute(_TRANSACTIONS_BEFORE, params)).all()


async def update_loan(session: AsyncSession, loan_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(Loan).where(Loan.id == loan_id).values(**values))


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
