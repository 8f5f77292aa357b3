"""Applications tests: the shipped personal loan published with the shipped policy active, an admin, an
underwriter, a borrower, and helpers that fill and submit an application through HTTP."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from httpx import Response

from tests.integration.auth.conftest import Account, Client, MakeAccount, db, make_account
from tests.integration.products.conftest import personal_loan, policy_document

__all__ = ["db", "make_account"]

# Sandbox personas by the tax id's last four digits (docs/ORIGINATION.md).
PRIME, NEAR_PRIME, THIN, DELINQUENT, BANKRUPT, FRAUD = "0002", "0003", "0001", "0004", "0005", "0006"


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def sections(persona: str = PRIME, amount: str = "5000", income: str = "6000") -> dict[str, Any]:
    return {
        "loan": {"productCode": "PERSONAL", "amount": amount, "termPeriods": 24, "frequency": "monthly"},
        "identity": {
            "firstName": "Grace",
            "lastName": "Hopper",
            "birthDate": "1986-12-09",
            "taxId": f"123-45-{persona}",
            "address": {"line1": "1 Navy Way", "city": "Arlington", "region": "VA", "postalCode": "22202"},
        },
        "income": {"monthlyIncome": income, "employmentStatus": "employed", "monthsEmployed": 48},
        "housing": {"housing": "rent", "housingPayment": "1200", "otherMonthlyDebts": "150"},
        "consents": {"creditReport": True, "electronicDisclosures": True},
    }


@dataclass
class World:
    client: Client
    admin: Account
    underwriter: Account
    borrower: Account

    async def draft(self, as_: Account | None = None, **body: Any) -> dict[str, Any]:
        response = await self.client.post("/api/applications", json=body, headers=(as_ or self.borrower).auth)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def submit(self, application_id: str, as_: Account | None = None) -> Response:
        headers = {**(as_ or self.borrower).auth, **key()}
        return await self.client.post(f"/api/applications/{application_id}/submit", headers=headers)

    async def apply(self, persona: str = PRIME, as_: Account | None = None, **overrides: Any) -> dict[str, Any]:
        created = await self.draft(as_, **sections(persona, **overrides))
        response = await self.submit(created["id"], as_)
        assert response.status_code == 200, response.text
        decided: dict[str, Any] = response.json()
        return decided

    async def staff(self, path: str, who: Account, body: dict[str, Any] | None = None) -> Response:
        return await self.client.post(path, json=body or {}, headers=who.auth)


@pytest.fixture
async def world(client: Client, make_account: MakeAccount) -> World:
    admin = await make_account("admin")
    created = await client.post("/api/admin/products", json=personal_loan(), headers=admin.auth)
    assert created.status_code == 201, created.text
    published = await client.post("/api/admin/products/PERSONAL/versions/1/publish", headers=admin.auth)
    assert published.status_code == 200, published.text
    policy = "/api/admin/products/PERSONAL/policy/versions"
    drafted = await client.post(policy, json=policy_document(), headers=admin.auth)
    assert drafted.status_code == 201, drafted.text
    activated = await client.post(f"{policy}/1/activate", headers=admin.auth)
    assert activated.status_code == 200, activated.text
    return World(client, admin, await make_account("underwriter"), await make_account())
