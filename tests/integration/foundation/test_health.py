"""Probes: live never needs the database; ready follows the database down and back up."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import replace
from pathlib import Path

from litestar.testing import AsyncTestClient

from loan_engine.app import create_app
from loan_engine.db import migrations
from loan_engine.settings import Settings
from tests.conftest import asyncpg_url, start_embedded


async def test_live_is_ok(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_reports_database_and_revision(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["migrations"] == "ok"
    assert body["revision"] in migrations.head_revisions()


async def test_ready_goes_503_when_the_database_stops_and_recovers_without_restart(
    scratch_dir: Path, settings: Settings
) -> None:
    folder = scratch_dir / "flappy"
    server = start_embedded(folder)
    url = asyncpg_url(server.url())
    await asyncio.to_thread(migrations.upgrade, url)
    app = create_app(replace(settings, database_url=url, db_pool_size=4))
    try:
        async with AsyncTestClient(app=app) as client:
            assert (await client.get("/health/ready")).status_code == 200
            server.stop()
            down = await client.get("/health/ready")
            assert down.status_code == 503
            assert down.headers["retry-after"] == "5"
            assert down.headers["content-type"] == "application/problem+json"
            assert down.json()["checks"]["database"].startswith("unreachable")
            assert (await client.get("/health/live")).status_code == 200  # the ALB keeps the task
            server.start()  # same port, same data
            assert (await client.get("/health/ready")).status_code == 200
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def test_ready_is_503_until_migrations_reach_head(scratch_dir: Path, settings: Settings) -> None:
    folder = scratch_dir / "unmigrated"
    server = start_embedded(folder)
    url = asyncpg_url(server.url())
    app = create_app(replace(settings, database_url=url, db_pool_size=4))
    try:
        async with AsyncTestClient(app=app) as client:
            response = await client.get("/health/ready")
            assert response.status_code == 503
            assert "no revision" in response.json()["checks"]["migrations"]
            await asyncio.to_thread(migrations.upgrade, url)
            assert (await client.get("/health/ready")).status_code == 200
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
