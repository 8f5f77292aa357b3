"""db.driver against the real PostgreSQL: SQL sent by asyncpg on the session's connection is part of the
use case's transaction (committed and rolled back with what SQLAlchemy sent, read-only when the use case
is), and asyncpg's errors are retried and translated by their SQLSTATE as SQLAlchemy's are."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from loan_engine.db.driver import Row, driver
from loan_engine.db.transactions import NotInTransactionError, is_retryable, sqlstate, transaction
from loan_engine.errors import ConflictError, to_loan_engine_error


@pytest.fixture
async def table(engine: AsyncEngine) -> AsyncIterator[str]:
    name = f"driver_probe_{uuid.uuid4().hex[:8]}"
    async with engine.begin() as conn:
        await conn.execute(text(f"CREATE TABLE {name} (id int PRIMARY KEY, note text NOT NULL)"))
    yield name
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP TABLE {name}"))


async def ids(sessions: async_sessionmaker[AsyncSession], table: str) -> list[int]:
    async with sessions() as session:

        async def work() -> list[int]:
            rows = await (await driver(session)).fetch(f"SELECT id FROM {table} ORDER BY id", record_class=Row)
            return [row.id for row in rows]

        return await transaction(session, work, read_only=True)


async def test_driver_statements_commit_and_roll_back_with_the_use_case(
    sessions: async_sessionmaker[AsyncSession], table: str
) -> None:
    async with sessions() as session:

        async def both(fail: bool) -> None:
            await (await driver(session)).execute(f"INSERT INTO {table} VALUES ($1, 'driver')", 10 + fail)
            await session.execute(text(f"INSERT INTO {table} VALUES (:id, 'sqlalchemy')"), {"id": 20 + fail})
            if fail:
                raise LookupError("refused by a rule")

        await transaction(session, lambda: both(False))
        with pytest.raises(LookupError):
            await transaction(session, lambda: both(True))
    assert await ids(sessions, table) == [10, 20]


async def test_driver_first_in_a_transaction_begins_it(sessions: async_sessionmaker[AsyncSession], table: str) -> None:
    """The adapter begins its transaction at its own first statement; driver() must begin it when it is
    first, or its statement would autocommit and survive the rollback."""
    async with sessions() as session:

        async def work() -> None:
            connection = await driver(session)
            assert connection.is_in_transaction()
            await connection.execute(f"INSERT INTO {table} VALUES (1, 'first')")
            raise LookupError("refused")

        with pytest.raises(LookupError):
            await transaction(session, work)
    assert await ids(sessions, table) == []


async def test_a_read_only_use_case_cannot_write_through_the_driver(
    sessions: async_sessionmaker[AsyncSession], table: str
) -> None:
    async with sessions() as session:

        async def work() -> None:
            await (await driver(session)).execute(f"INSERT INTO {table} VALUES (1, 'x')")

        with pytest.raises(asyncpg.PostgresError) as raised:
            await transaction(session, work, read_only=True)
        assert sqlstate(raised.value) == "25006"
        await transaction(session, work)  # the connection went back to the pool writable
    assert await ids(sessions, table) == [1]


async def test_a_serialization_failure_from_the_driver_is_retried(sessions: async_sessionmaker[AsyncSession]) -> None:
    runs = 0

    async def work() -> None:
        nonlocal runs
        runs += 1
        await (await driver(session)).execute("DO $$ BEGIN RAISE EXCEPTION 'again' USING ERRCODE = '40001'; END $$")

    async with sessions() as session:
        with pytest.raises(asyncpg.PostgresError) as raised:
            await transaction(session, work, attempts=3)
    assert runs == 3
    assert is_retryable(raised.value)


async def test_a_unique_violation_from_the_driver_is_a_conflict(
    sessions: async_sessionmaker[AsyncSession], table: str
) -> None:
    async with sessions() as session:

        async def work() -> None:
            connection = await driver(session)
            await connection.execute(f"INSERT INTO {table} VALUES (1, 'a')")
            await connection.execute(f"INSERT INTO {table} VALUES (1, 'b')")

        with pytest.raises(asyncpg.UniqueViolationError) as raised:
            await transaction(session, work)
    assert not is_retryable(raised.value)
    assert isinstance(to_loan_engine_error(raised.value), ConflictError)
    assert await ids(sessions, table) == []


async def test_the_driver_refuses_to_run_outside_a_transaction(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        with pytest.raises(NotInTransactionError):
            await driver(session)


async def test_a_row_reads_its_columns_as_attributes(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:

        async def work() -> Row:
            row: Row = await (await driver(session)).fetchrow("SELECT 1 AS one", record_class=Row)
            return row

        row = await transaction(session, work, read_only=True)
    assert row.one == 1
    with pytest.raises(AttributeError):
        _ = row.two


async def test_the_driver_is_found_once_per_transaction_and_never_kept_past_it(
    sessions: async_sessionmaker[AsyncSession], table: str
) -> None:
    async with sessions() as session:

        async def twice() -> tuple[object, object]:
            return await driver(session), await driver(session)

        first, again = await transaction(session, twice)
        assert first is again
        assert "loan_engine.use_case" not in session.info  # gone with the transaction

        async def write() -> None:
            await (await driver(session)).execute(f"INSERT INTO {table} VALUES (3, 'next')")

        await transaction(session, write)  # a new transaction finds its own (begun) connection
    assert await ids(sessions, table) == [3]
