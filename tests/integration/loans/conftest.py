"""Loans tests: an admin, a published personal loan, borrowers, and helpers that book, disburse and post
through the HTTP API (every POST with an Idempotency-Key)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from httpx import Response

from tests.integration.auth.conftest import Account, Client, MakeAccount, db, make_account
from tests.integration.products.conftest import personal_loan

__all__ = ["db", "make_account"]


def today() -> date:
    return datetime.now(UTC).date()


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


@dataclass
class World:
    client: Client
    admin: Account
    borrower: Account

    async def book(self, **overrides: Any) -> dict[str, Any]:
        body = booking(self.borrower.id, **overrides)
        response = await self.client.post("/api/loans", json=body, headers={**self.admin.auth, **key()})
        assert response.status_code == 201, response.text
        loan: dict[str, Any] = response.json()
        return loan

    async def disburse(self, loan_id: str) -> dict[str, Any]:
        response = await self.client.post(
            f"/api/loans/{loan_id}/disbursement", json={}, headers={**self.admin.auth, **key()}
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def active(self, **overrides: Any) -> str:
        loan = await self.book(**overrides)
        await self.disburse(loan["loan"]["id"])
        return str(loan["loan"]["id"])

    async def post(
        self, loan_id: str, as_: Account | None = None, headers: dict[str, str] | None = None, **body: Any
    ) -> Response:
        who = as_ or self.admin
        body.setdefault("reason", "test")
        return await self.client.post(
            f"/api/loans/{loan_id}/transactions", json=body, headers={**who.auth, **(headers or key())}
        )

    async def loan(self, loan_id: str, as_: Account | None = None) -> dict[str, Any]:
        response = await self.client.get(f"/api/loans/{loan_id}", headers=(as_ or self.admin).auth)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def check(self) -> dict[str, Any]:
        response = await self.client.get("/api/admin/ledger/check", headers=self.admin.auth)
        assert response.status_code == 200
        result: dict[str, Any] = response.json()
        return result


def booking(borrower_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "borrowerId": borrower_id,
        "productCode": "PERSONAL",
        "principal": "5000.00",
        "termPeriods": 12,
        "frequency": "monthly",
        "grade": "B",
        "startDate": (today() - timedelta(days=75)).isoformat(),
    }
    body.update(overrides)
    return body


@pytest.fixture
async def world(client: Client, make_account: MakeAccount) -> World:
    admin = await make_account("admin")
    created = await client.post("/api/admin/products", json=personal_loan(), headers=admin.auth)
    assert created.status_code == 201, created.text
    published = await client.post("/api/admin/products/PERSONAL/versions/1/publish", headers=admin.auth)
    assert published.status_code == 200, published.text
    borrower = await make_account()
    return World(client, admin, borrower)
