"""db.transactions against the real PostgreSQL: a real serialization failure and a real deadlock are
retried and the use case then succeeds; other errors are raised at once; services refuse to run
outside their caller's transaction."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from loan_engine.api.request import RequestMeta
from loan_engine.audit.service import Party, record
from loan_engine.auth.events import USER_REGISTERED
from loan_engine.db.transactions import (
    IsolationLevel,
    NotInTransactionError,
    TransactionNestingError,
    is_retryable,
    require_transaction,
    sqlstate,
    transaction,
)

PROBE_EVENT = USER_REGISTERED  # any declared event type will do


@pytest.fixture
async def counters(engine: AsyncEngine) -> AsyncIterator[str]:
    """A throwaway two-row table (not part of the schema, so dropped here rather than truncated)."""
    name = f"tx_probe_{uuid.uuid4().hex[:8]}"
    async with engine.begin() as conn:
        await conn.execute(text(f"CREATE TABLE {name} (id int PRIMARY KEY, n int NOT NULL)"))
        await conn.execute(text(f"INSERT INTO {name} VALUES (1, 0), (2, 0)"))
    yield name
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP TABLE {name}"))


async def rows(engine: AsyncEngine, table: str) -> dict[int, int]:
    async with engine.connect() as conn:
        result = await conn.execute(text(f"SELECT id, n FROM {table} ORDER BY id"))
        return {row.id: row.n for row in result}


async def run_twice_concurrently(
    sessions: async_sessionmaker[AsyncSession],
    make_work: Callable[[AsyncSession, int, asyncio.Barrier, list[int]], Callable[[], Awaitable[None]]],
    isolation: IsolationLevel | None = None,
) -> list[int]:
    """Run two use cases at once, each on its own connection; returns how many runs each took."""
    barrier = asyncio.Barrier(2)
    runs: list[list[int]] = [[], []]

    async def one(index: int) -> None:
        async with sessions() as session:
            await transaction(session, make_work(session, index, barrier, runs[index]), isolation=isolation)

    await asyncio.wait_for(asyncio.gather(one(0), one(1)), timeout=60)
    return sorted(len(r) for r in runs)


async def test_a_real_serialization_failure_is_retried_and_the_retry_succeeds(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], counters: str
) -> None:
    """Write skew: each transaction reads both rows and writes its own row with their sum + 1. Run
    together under SERIALIZABLE, PostgreSQL aborts one (40001); its retry sees the other's commit. The
    outcome is what running them one after the other gives: {0+0+1, 1+0+1} in some order."""

    def make_work(
        session: AsyncSession, index: int, barrier: asyncio.Barrier, runs: list[int]
    ) -> Callable[[], Awaitable[None]]:
        async def work() -> None:
            runs.append(1)
            total = (await session.execute(text(f"SELECT sum(n) FROM {counters}"))).scalar_one()
            if len(runs) == 1:
                await barrier.wait()  # both have read before either writes: the dangerous structure
            await session.execute(
                text(f"UPDATE {counters} SET n = :n WHERE id = :id"), {"n": total + 1, "id": index + 1}
            )

        return work

    runs = await run_twice_concurrently(sessions, make_work, isolation="SERIALIZABLE")
    assert runs == [1, 2]
    assert sorted((await rows(engine, counters)).values()) == [1, 2]


async def test_a_real_deadlock_is_retried_and_the_retry_succeeds(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], counters: str
) -> None:
    """Two transactions lock the two rows in opposite orders; PostgreSQL's deadlock detector aborts one
    (40P01) and its retry runs after the other has committed. Both increments survive."""

    def make_work(
        session: AsyncSession, index: int, barrier: asyncio.Barrier, runs: list[int]
    ) -> Callable[[], Awaitable[None]]:
        first, second = (1, 2) if index == 0 else (2, 1)

        async def work() -> None:
            runs.append(1)
            await session.execute(text(f"UPDATE {counters} SET n = n + 1 WHERE id = :id"), {"id": first})
            if len(runs) == 1:
                await barrier.wait()  # each holds its first row; each now waits for the other's
            await session.execute(text(f"UPDATE {counters} SET n = n + 1 WHERE id = :id"), {"id": second})

        return work

    runs = await run_twice_concurrently(sessions, make_work)
    assert runs == [1, 2]
    assert await rows(engine, counters) == {1: 2, 2: 2}


async def test_an_error_that_is_not_a_serialization_failure_is_not_retried(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], counters: str
) -> None:
    runs = 0

    async def work() -> None:
        nonlocal runs
        runs += 1
        await session.execute(text(f"UPDATE {counters} SET n = 7 WHERE id = 1"))
        await session.execute(text(f"INSERT INTO {counters} VALUES (2, 0)"))  # duplicate key: 23505

    async with sessions() as session:
        with pytest.raises(IntegrityError) as raised:
            await transaction(session, work)
    assert runs == 1
    assert sqlstate(raised.value) == "23505"
    assert not is_retryable(raised.value)
    assert await rows(engine, counters) == {1: 0, 2: 0}  # the first update was rolled back with it


async def test_a_failure_that_persists_is_raised_after_the_last_attempt(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    runs = 0

    async def work() -> None:
        nonlocal runs
        runs += 1
        await session.execute(text("DO $$ BEGIN RAISE EXCEPTION 'always' USING ERRCODE = '40001'; END $$"))

    async with sessions() as session:
        with pytest.raises(DBAPIError) as raised:
            await transaction(session, work, attempts=3)
    assert runs == 3
    assert sqlstate(raised.value) == "40001"


async def test_a_domain_error_rolls_back_and_is_not_retried(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], counters: str
) -> None:
    runs = 0

    async def work() -> None:
        nonlocal runs
        runs += 1
        await session.execute(text(f"UPDATE {counters} SET n = 5"))
        raise LookupError("refused by a rule")

    async with sessions() as session:
        with pytest.raises(LookupError):
            await transaction(session, work)
    assert runs == 1
    assert await rows(engine, counters) == {1: 0, 2: 0}


async def test_a_read_only_use_case_cannot_write(sessions: async_sessionmaker[AsyncSession], counters: str) -> None:
    async with sessions() as session:

        async def work() -> None:
            await session.execute(text(f"UPDATE {counters} SET n = 1"))

        with pytest.raises(DBAPIError) as raised:
            await transaction(session, work, read_only=True)
        assert sqlstate(raised.value) == "25006"  # read_only_sql_transaction
        # the connection goes back to the pool writable: the next use case on it may write
        await transaction(session, work)


async def test_services_refuse_to_run_outside_a_transaction(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        with pytest.raises(NotInTransactionError):
            require_transaction(session)
        with pytest.raises(NotInTransactionError):
            await record(session, PROBE_EVENT, actor=Party.system("test"), meta=RequestMeta())

        async def joined() -> int:
            require_transaction(session)
            await record(session, PROBE_EVENT, actor=Party.system("test"), meta=RequestMeta())
            return 1

        assert await transaction(session, joined) == 1


async def test_a_use_case_does_not_start_inside_another(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:

        async def inner() -> None:
            return None

        async def outer() -> None:
            await transaction(session, inner)

        with pytest.raises(TransactionNestingError):
            await transaction(session, outer)
