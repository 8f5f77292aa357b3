"""Many clients paying many loans at once, with client-side timeouts and retries: nothing lost, nothing
doubled, every journal balanced, every subledger equal to its loan. And a connection killed between the
payment row and its journal leaves nothing half-posted."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
import uvicorn
from httpx import Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from loan_engine.app import create_app
from loan_engine.db.embedded import free_port
from loan_engine.settings import Settings
from tests.integration.auth.conftest import sql
from tests.integration.loans.conftest import World, today

LOANS = 20
PAYMENTS = 200
AMOUNT = Decimal("37.00")


async def _api_client(world: World) -> dict[str, str]:
    created = await world.client.post(
        "/api/admin/clients",
        json={"name": f"processor-{uuid.uuid4().hex[:6]}", "scopes": ["loans:write"]},
        headers=world.admin.auth,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    token = await world.client.post(
        "/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": body["client"]["clientId"],
            "client_secret": body["clientSecret"],
        },
    )
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


@pytest.fixture
async def live_server(settings: Settings) -> AsyncIterator[str]:
    """The app behind a real uvicorn on a free port (real sockets: a client that times out drops its
    connection, and the server goes on with the request as it would in production)."""
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn exited early"
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def test_200_concurrent_payments_over_20_loans_with_timeouts_and_retries(
    world: World, db: AsyncEngine, live_server: str
) -> None:
    loans = [await world.active() for _ in range(LOANS)]
    callers = [world.admin.auth, *[await _api_client(world) for _ in range(3)]]
    rng = random.Random(20261203)
    plan = [(loans[i % LOANS], callers[rng.randrange(len(callers))], str(uuid.uuid4())) for i in range(PAYMENTS)]
    rng.shuffle(plan)
    timeouts = 0
    conflicts = 0
    dropped = 0
    gate = asyncio.Semaphore(16)  # clients at once (the server's pool holds 10 connections)

    async def pay(http: httpx.AsyncClient, loan_id: str, auth: dict[str, str], key: str) -> Response:
        nonlocal timeouts, conflicts, dropped
        body = {"kind": "payment", "amount": str(AMOUNT), "valueDate": today().isoformat(), "reason": ""}
        attempt = 0
        while True:
            attempt += 1
            # a third of first attempts give up early, as an impatient client would: it drops the
            # connection wherever the server is (before, during or after the transaction) and retries
            impatient = attempt == 1 and rng.random() < 0.33
            timeout = httpx.Timeout(rng.uniform(0.002, 0.04) if impatient else 30.0)
            async with gate:
                try:
                    response = await http.post(
                        f"/api/loans/{loan_id}/transactions",
                        json=body,
                        headers={**auth, "Idempotency-Key": key},
                        timeout=timeout,
                    )
                except httpx.TimeoutException:
                    timeouts += 1
                    continue
                except httpx.TransportError:  # a dropped connection (say, a kept-alive one the server closed)
                    dropped += 1
                    continue
            if response.status_code == 409:
                conflicts += 1
                await asyncio.sleep(float(response.headers["retry-after"]) / 20)
                continue
            return response

    async with httpx.AsyncClient(base_url=live_server, limits=httpx.Limits(max_connections=64)) as http:
        responses = await asyncio.gather(*(pay(http, *item) for item in plan))
    assert [r.status_code for r in responses if r.status_code != 201] == []
    rows = await sql(
        db,
        "SELECT loan_id, count(*) AS n, sum(amount) AS total FROM loan_transactions "
        "WHERE kind = 'payment' GROUP BY loan_id",
    )
    assert len(rows) == LOANS
    assert {r.n for r in rows} == {PAYMENTS // LOANS}
    assert {r.total for r in rows} == {AMOUNT * (PAYMENTS // LOANS)}
    keys = await sql(db, "SELECT count(*) AS n FROM idempotency_keys WHERE path LIKE '%/transactions'")
    assert keys[0].n == PAYMENTS
    journals = await sql(db, "SELECT count(*) AS n FROM journals WHERE kind = 'payment'")
    assert journals[0].n == PAYMENTS
    check = await world.check()
    assert check["ok"] is True, check
    assert check["loansChecked"] == LOANS
    assert timeouts > 0  # the retries after timeouts did happen
    print(f"timeouts={timeouts} dropped={dropped} conflicts(409)={conflicts}")


async def test_a_connection_killed_between_payment_row_and_journal_leaves_nothing(
    world: World, db: AsyncEngine
) -> None:
    loan_id = await world.active()
    before = await world.loan(loan_id)
    # The payment row's INSERT terminates its own database session: the journal insert never runs.
    async with db.begin() as conn:
        await conn.execute(
            text(
                """
                CREATE FUNCTION test_kill_after_payment_row() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.reason = 'kill the connection' THEN
                        PERFORM pg_terminate_backend(pg_backend_pid());
                    END IF;
                    RETURN NEW;
                END $$
                """
            )
        )
        await conn.execute(
            text(
                "CREATE TRIGGER test_kill_after_payment_row AFTER INSERT ON loan_transactions "
                "FOR EACH ROW EXECUTE FUNCTION test_kill_after_payment_row()"
            )
        )
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    body: dict[str, Any] = {"kind": "payment", "amount": "99.00", "valueDate": today().isoformat()}
    try:
        failed = await world.post(loan_id, headers=headers, reason="kill the connection", **body)
        assert failed.status_code >= 500
        counts = await sql(
            db,
            "SELECT (SELECT count(*) FROM loan_transactions WHERE kind = 'payment') AS payments, "
            "(SELECT count(*) FROM journals WHERE kind = 'payment') AS journals, "
            "(SELECT count(*) FROM idempotency_keys WHERE key = :k) AS keys, "
            "(SELECT count(*) FROM audit_log WHERE event = 'loan.payment.posted') AS audits",
            k=headers["Idempotency-Key"],
        )
        assert tuple(counts[0]) == (0, 0, 0, 0)
        after = await world.loan(loan_id)
        assert after == before
    finally:
        async with db.begin() as conn:
            await conn.execute(text("DROP TRIGGER test_kill_after_payment_row ON loan_transactions"))
            await conn.execute(text("DROP FUNCTION test_kill_after_payment_row()"))
    retried = await world.post(loan_id, headers=headers, reason="kill the connection", **body)
    assert retried.status_code == 201, retried.text
    rows = await sql(db, "SELECT count(*) AS n FROM loan_transactions WHERE kind = 'payment'")
    assert rows[0].n == 1
    assert (await world.check())["ok"] is True
