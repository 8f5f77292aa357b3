"""Shared fixtures: one real PostgreSQL per test session, schema from the migrations.

The database is TEST_DATABASE_URL when set, otherwise an embedded PostgreSQL started in a throwaway
folder. Integration tests get a fresh app per test and every table is truncated after each test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from loan_engine.app import create_app
from loan_engine.db import migrations
from loan_engine.db.embedded import EmbeddedPostgres
from loan_engine.models import Base
from loan_engine.settings import PROJECT_ROOT, Environment, JwtSettings, Settings

TEST_JWT_SECRET = "test-only-signing-secret-0123456789abcdef"  # 41 bytes; used only by the test app


def asyncpg_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+asyncpg://", 1)


@pytest.fixture(scope="session")
def scratch_dir() -> Iterator[Path]:
    """A folder inside the project (0755 parents, so the embedded server's user can reach it)."""
    path = PROJECT_ROOT / ".data" / f"test-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def start_embedded(folder: Path) -> EmbeddedPostgres:
    return EmbeddedPostgres(folder, durable=False).start()


@pytest.fixture(scope="session")
def database_url(scratch_dir: Path) -> Iterator[str]:
    """The migrated test database."""
    external = os.environ.get("TEST_DATABASE_URL")
    server = None if external else start_embedded(scratch_dir / "pg")
    url = asyncpg_url(external or server.url())  # type: ignore[union-attr]
    migrations.upgrade(url)
    yield url
    if server is not None:
        server.stop()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        environment=Environment.TEST,
        database_url=database_url,
        db_pool_size=10,
        jwt=JwtSettings(secret=TEST_JWT_SECRET),
    )


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar, database_url: str) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """An HTTP client through the whole ASGI app (middleware, routing, handlers, real database)."""
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client
    await truncate_all(database_url)


async def truncate_all(database_url: str) -> None:
    # Reference data seeded by the migrations (the chart of accounts) stays: the app needs it in every test.
    tables = [t.name for t in Base.metadata.sorted_tables if not t.info.get("reference_data")]
    if not tables:
        return
    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        # replica mode skips triggers, including the append-only guards of audit_log and the ledger (tests run
        # as superuser)
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    await engine.dispose()
