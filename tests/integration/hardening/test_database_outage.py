"""A database outage answers 503 problem+json with Retry-After within a bounded time, writes nothing
half-way, and the same app serves again once the database is back, without a restart. Both outages are
real: the test's own embedded PostgreSQL (not the shared test database) is stopped, and paused with
SIGSTOP (every server process, so a pooled connection hangs mid-conversation and a new one hangs at
the handshake). The timings are printed (`-s`) and reported in docs/SECURITY.md §11.5, not asserted."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from httpx import Response
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from loan_engine.app import create_app
from loan_engine.db import migrations
from loan_engine.db.embedded import EmbeddedPostgres
from loan_engine.settings import Environment, JwtSettings, Settings
from tests.conftest import TEST_JWT_SECRET, asyncpg_url
from tests.integration.auth.conftest import STRONG_PASSWORD

STATEMENT_TIMEOUT_MS = 2000  # the client's command timeout is this plus 5 s


@dataclass
class Outage:
    server: EmbeddedPostgres
    url: str
    client: AsyncTestClient[Any]


@pytest.fixture(scope="module")
def own_server(scratch_dir: Path) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(scratch_dir / "outage-pg", durable=False).start()
    migrations.upgrade(asyncpg_url(server.url()))
    yield server
    resume(server)
    server.stop()


@pytest.fixture
async def outage(own_server: EmbeddedPostgres) -> AsyncIterator[Outage]:
    url = asyncpg_url(own_server.url())
    settings = Settings(
        environment=Environment.TEST,
        database_url=url,
        db_pool_size=6,
        db_statement_timeout_ms=STATEMENT_TIMEOUT_MS,
        jwt=JwtSettings(secret=TEST_JWT_SECRET),
    )
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local", timeout=120) as client:
        yield Outage(own_server, url, client)


def server_pids(server: EmbeddedPostgres) -> list[int]:
    """The postmaster and every process it started (backends, checkpointer, WAL writer, ...)."""
    postmaster = int((server.pgdata / "postmaster.pid").read_text().split()[0])
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == postmaster:
                children.append(int(entry.name))
    return [postmaster, *children]


def pause(server: EmbeddedPostgres) -> None:
    for pid in server_pids(server):
        os.kill(pid, signal.SIGSTOP)


def resume(server: EmbeddedPostgres) -> None:
    if server.is_running():
        for pid in server_pids(server):
            os.kill(pid, signal.SIGCONT)


@contextmanager
def paused(server: EmbeddedPostgres) -> Iterator[None]:
    pause(server)
    try:
        yield
    finally:
        resume(server)


async def users_named(url: str, email: str) -> int:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        count = (await conn.execute(text("SELECT count(*) FROM users WHERE email = :e"), {"e": email})).scalar_one()
    await engine.dispose()
    return int(count)


def register_body(email: str) -> dict[str, str]:
    return {"email": email, "displayName": "Outage", "password": STRONG_PASSWORD}


async def timed(client: AsyncTestClient[Any], method: str, path: str, **kwargs: Any) -> tuple[Response, float]:
    started = time.monotonic()
    response = await client.request(method, path, **kwargs)
    return response, time.monotonic() - started


def assert_unavailable(response: Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:loan-engine:problem:database-unavailable"
    assert int(response.headers["retry-after"]) >= 1


async def sign_up(client: AsyncTestClient[Any], email: str) -> dict[str, str]:
    response = await client.post("/auth/register", json=register_body(email))
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['accessToken']}"}


async def test_a_stopped_database_is_a_prompt_503_and_service_resumes(outage: Outage) -> None:
    client, server = outage.client, outage.server
    auth = await sign_up(client, "before-stop@example.com")
    assert (await client.get("/auth/me", headers=auth)).status_code == 200  # the pool holds live connections
    server.stop()
    try:
        registered, register_s = await timed(
            client, "POST", "/auth/register", json=register_body("during-stop@example.com")
        )
        me, me_s = await timed(client, "GET", "/auth/me", headers=auth)
        ready, ready_s = await timed(client, "GET", "/health/ready")
        quote = await client.post("/api/quotes", json={"principal": "1000", "annualRate": "5", "termPeriods": 12})
    finally:
        server.start()
    print(f"stopped: register 503 in {register_s:.2f} s, /auth/me 503 in {me_s:.2f} s, ready in {ready_s:.2f} s")
    assert_unavailable(registered)
    assert_unavailable(me)
    assert ready.status_code == 503
    assert quote.status_code == 200  # routes that need no database keep working
    # back without a restart of the app; the refused registration left nothing behind
    assert (await client.get("/auth/me", headers=auth)).status_code == 200
    assert await users_named(outage.url, "during-stop@example.com") == 0
    await sign_up(client, "during-stop@example.com")


async def test_a_paused_database_is_a_503_within_the_timeouts_and_service_resumes(outage: Outage) -> None:
    client, server = outage.client, outage.server
    auth = await sign_up(client, "before-pause@example.com")
    assert (await client.get("/auth/me", headers=auth)).status_code == 200
    with paused(server):
        results = await asyncio.gather(
            timed(client, "GET", "/auth/me", headers=auth),  # a pooled connection that no longer answers
            timed(client, "POST", "/auth/register", json=register_body("during-pause@example.com")),
            *(timed(client, "GET", "/api/admin/users", headers=auth) for _ in range(4)),  # more than the pool
        )
        ready, ready_s = await timed(client, "GET", "/health/ready")
    timings = ", ".join(f"{r.request.url.path} {r.status_code} in {s:.2f} s" for r, s in results)
    print(f"paused: {timings}; ready {ready.status_code} in {ready_s:.2f} s")
    me, registered = results[0][0], results[1][0]
    assert_unavailable(me)
    assert_unavailable(registered)
    for response, _ in results[2:]:
        assert response.status_code in (403, 503)  # a borrower: refused once the database answers, or 503
        if response.status_code == 503:
            assert_unavailable(response)
    assert ready.status_code == 503
    # resumed: the same app answers again, and the registration refused during the pause wrote nothing
    for _ in range(3):
        assert (await client.get("/auth/me", headers=auth)).status_code == 200
    assert await users_named(outage.url, "during-pause@example.com") == 0
    await sign_up(client, "during-pause@example.com")
