"""A payment to a loan whose row another transaction holds waits at most the lock timeout, then answers
429 Busy with Retry-After (not a 503 after the statement timeout, as if the database were down), writes
nothing, and the same request with the same Idempotency-Key posts once the lock is gone."""

from __future__ import annotations

import dataclasses
import time
import uuid

import asyncpg
import pytest

from loan_engine.errors import BUSY_RETRY_AFTER_S
from loan_engine.jobs.queue import conninfo
from loan_engine.settings import Settings
from tests.integration.loans.conftest import World, today

LOCK_TIMEOUT_MS = 300


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test app's settings with a short lock timeout."""
    return dataclasses.replace(settings, db_lock_timeout_ms=LOCK_TIMEOUT_MS)


async def test_a_busy_loan_answers_429_and_the_same_key_posts_once_it_is_free(world: World, database_url: str) -> None:
    loan_id = await world.active()
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    payment: dict[str, object] = {"kind": "payment", "amount": "25.00", "valueDate": today().isoformat()}
    holder = await asyncpg.connect(conninfo(database_url))
    try:
        async with holder.transaction():
            await holder.execute("SELECT 1 FROM loans WHERE id = $1 FOR UPDATE", uuid.UUID(loan_id))
            began = time.perf_counter()
            refused = await world.post(loan_id, None, headers, **payment)
            waited = time.perf_counter() - began
        assert refused.status_code == 429, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.headers["retry-after"] == str(BUSY_RETRY_AFTER_S)
        assert refused.json()["type"].endswith(":busy")
        assert "nothing was changed" in refused.json()["detail"]
        assert waited < 5, "the lock timeout, not the statement timeout, bounds the wait"
        posted = await holder.fetchval("SELECT count(*) FROM loan_transactions WHERE loan_id = $1", uuid.UUID(loan_id))
        assert posted == 1  # the disbursement only
    finally:
        await holder.close()

    accepted = await world.post(loan_id, None, headers, **payment)
    assert accepted.status_code == 201, accepted.text
    again = await world.post(loan_id, None, headers, **payment)
    assert again.status_code == 201
    assert again.json() == accepted.json()
    loan = await world.loan(loan_id)
    assert [t["kind"] for t in loan["recentTransactions"]].count("payment") == 1
    assert (await world.check())["ok"] is True
