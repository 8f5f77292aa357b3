"""Idempotency-Key on money-moving POSTs: a retry gets the first response; a different request with the
key is 422; a request while the first holds the key is 409 with Retry-After; nothing posts twice."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import MakeAccount, sql
from tests.integration.loans.conftest import World, today


async def _payments(db: AsyncEngine) -> int:
    rows = await sql(db, "SELECT count(*) AS n FROM loan_transactions WHERE kind = 'payment'")
    return int(rows[0].n)


async def test_a_retry_returns_the_first_response_and_posts_nothing(world: World, db: AsyncEngine) -> None:
    loan_id = await world.active()
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    body: dict[str, Any] = {"kind": "payment", "amount": "125.00", "valueDate": today().isoformat()}
    first = await world.post(loan_id, headers=headers, **body)
    assert first.status_code == 201, first.text
    again = await world.post(loan_id, headers=headers, **body)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await _payments(db) == 1
    # the same body with keys in another order is the same request
    reordered = await world.client.post(
        f"/api/loans/{loan_id}/transactions",
        content=b'{"valueDate": "%s", "reason": "test", "amount": "125.00", "kind": "payment"}'
        % today().isoformat().encode(),
        headers={**world.admin.auth, **headers, "Content-Type": "application/json"},
    )
    assert reordered.status_code == 201
    assert reordered.json() == first.json()
    assert await _payments(db) == 1


async def test_the_same_key_with_a_different_request_is_422(world: World, db: AsyncEngine) -> None:
    loan_id = await world.active()
    headers = {"Idempotency-Key": "order-42"}
    first = await world.post(loan_id, headers=headers, kind="payment", amount="10.00", valueDate=today().isoformat())
    assert first.status_code == 201
    other = await world.post(loan_id, headers=headers, kind="payment", amount="11.00", valueDate=today().isoformat())
    assert other.status_code == 422
    assert other.json()["type"] == "urn:loan-engine:problem:idempotency-key-reused"
    assert await _payments(db) == 1


async def test_keys_are_scoped_to_the_caller(world: World, make_account: MakeAccount, db: AsyncEngine) -> None:
    loan_id = await world.active()
    colleague = await make_account("underwriter")
    headers = {"Idempotency-Key": "same-key"}
    body: dict[str, Any] = {"kind": "payment", "amount": "10.00", "valueDate": today().isoformat()}
    assert (await world.post(loan_id, headers=headers, **body)).status_code == 201
    assert (await world.post(loan_id, as_=colleague, headers=headers, **body)).status_code == 201
    assert await _payments(db) == 2


async def test_a_missing_key_is_refused_and_changes_nothing(world: World, db: AsyncEngine) -> None:
    loan_id = await world.active()
    response = await world.client.post(
        f"/api/loans/{loan_id}/transactions",
        json={"kind": "payment", "amount": "10.00", "valueDate": today().isoformat()},
        headers=world.admin.auth,
    )
    assert response.status_code in {400, 422}
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "idempotency-key" in response.text.lower()
    assert await _payments(db) == 0


async def test_a_request_while_the_key_is_held_is_409_with_retry_after(world: World, db: AsyncEngine) -> None:
    """An in-flight request holds its key's transaction lock; here another connection holds it."""
    loan_id = await world.active()
    scope = f"user:{world.admin.id}"
    headers = {"Idempotency-Key": "in-flight"}
    body: dict[str, Any] = {"kind": "payment", "amount": "10.00", "valueDate": today().isoformat()}
    async with db.connect() as holder:
        transaction = await holder.begin()
        await holder.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:s || chr(31) || :k, 0))"),
            {"s": scope, "k": "in-flight"},
        )
        busy = await world.post(loan_id, headers=headers, **body)
        assert busy.status_code == 409
        assert busy.headers["retry-after"] == "1"
        assert busy.json()["type"] == "urn:loan-engine:problem:idempotency-request-in-flight"
        await transaction.rollback()
    assert await _payments(db) == 0
    done = await world.post(loan_id, headers=headers, **body)
    assert done.status_code == 201
    assert await _payments(db) == 1


async def test_concurrent_requests_with_one_key_post_once(world: World, db: AsyncEngine) -> None:
    loan_id = await world.active(startDate=(today() - timedelta(days=40)).isoformat())
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    body: dict[str, Any] = {"kind": "payment", "amount": "33.00", "valueDate": today().isoformat()}
    responses = await asyncio.gather(*(world.post(loan_id, headers=headers, **body) for _ in range(8)))
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    created = [r.json() for r in responses if r.status_code == 201]
    assert all(c == created[0] for c in created)
    assert await _payments(db) == 1
