"""Fixtures of the db-layer tests (db.transactions, db.driver): an engine of their own and its sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from loan_engine.db.engine import create_sessionmaker
from tests.conftest import truncate_all


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url, pool_size=4)
    yield engine
    await engine.dispose()
    await truncate_all(database_url)  # the audit rows the transaction tests write


@pytest.fixture
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)
