"""The migrations are the schema: they match the models and they round-trip."""

from __future__ import annotations

import shutil
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from loan_engine.db import migrations
from loan_engine.models import Base
from tests.conftest import asyncpg_url, start_embedded


def test_models_and_migrations_agree(database_url: str) -> None:
    import asyncio

    from sqlalchemy.ext.asyncio import create_async_engine

    async def diff() -> list[object]:
        engine = create_async_engine(database_url)
        async with engine.connect() as conn:
            result = await conn.run_sync(
                lambda sync_conn: compare_metadata(
                    MigrationContext.configure(
                        sync_conn, opts={"compare_type": True, "include_name": migrations.is_ours}
                    ),
                    Base.metadata,
                )
            )
        await engine.dispose()
        return list(result)

    assert asyncio.run(diff()) == []


def test_upgrade_downgrade_upgrade_round_trip(scratch_dir: Path) -> None:
    folder = scratch_dir / "roundtrip"
    server = start_embedded(folder)
    url = asyncpg_url(server.url())
    try:
        migrations.upgrade(url)
        assert _tables(server.url()) >= {"alembic_version", "mail_outbox", "procrastinate_jobs"}
        migrations.downgrade(url, "base")
        assert _tables(server.url()) - {"alembic_version"} == set()
        migrations.upgrade(url)
        assert _version(server.url()) == migrations.head_revisions()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _query(url: str, sql: str) -> set[str]:
    import asyncio

    import asyncpg

    async def run() -> set[str]:
        conn = await asyncpg.connect(url)
        try:
            return {row[0] for row in await conn.fetch(sql)}
        finally:
            await conn.close()

    return asyncio.run(run())


def _tables(url: str) -> set[str]:
    return _query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")


def _version(url: str) -> frozenset[str]:
    return frozenset(_query(url, "SELECT version_num FROM alembic_version"))
