"""A product's credit policy through HTTP: drafts refused when the model cannot run, test cases and
monotonicity gating activation, simulation, and active versions immutable in PostgreSQL."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import Account, Client, audit_rows, sql
from tests.integration.products.conftest import personal_loan, policy_document

POLICY = "/api/admin/products/PERSONAL/policy"


@pytest.fixture
async def product(client: Client, admin: Account) -> None:
    assert (await client.post("/api/admin/products", json=personal_loan(), headers=admin.auth)).status_code == 201


async def draft(client: Client, admin: Account, document: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await client.post(f"{POLICY}/versions", json=document or policy_document(), headers=admin.auth)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def node(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(n for n in document["model"]["nodes"] if n["name"] == name)
    return found


@pytest.mark.usefixtures("product")
async def test_the_shipped_policy_loads_as_a_draft_and_passes_its_checks(client: Client, admin: Account) -> None:
    created = await draft(client, admin)
    assert (created["version"], created["status"]) == (1, "draft")
    assert "derived.debtToIncome" in created["reads"]
    report = (await client.post(f"{POLICY}/versions/1/check", headers=admin.auth)).json()
    assert report["passed"] is True
    assert len(report["cases"]) == 20
    assert report["violations"] == []


@pytest.mark.usefixtures("product")
async def test_a_model_reading_a_missing_fact_is_refused_naming_node_and_field(client: Client, admin: Account) -> None:
    document = policy_document()
    table = node(document, "Declines and referrals")
    table["content"]["inputs"][7]["field"] = "credit.scor"
    response = await client.post(f"{POLICY}/versions", json=document, headers=admin.auth)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "model.nodes.2.content.inputs.7.field"
    assert error["message"].startswith("Declines and referrals: reads 'credit.scor'")
    assert (await client.get(f"{POLICY}/versions", headers=admin.auth)).json() == []


@pytest.mark.usefixtures("product")
async def test_a_failing_test_case_blocks_activation_until_fixed(
    client: Client, admin: Account, db: AsyncEngine
) -> None:
    document = policy_document()
    document["testCases"][0]["expect"]["grade"] = "A"  # the prime borrower is really a B
    await draft(client, admin, document)
    refused = await client.post(f"{POLICY}/versions/1/activate", headers=admin.auth)
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "testCases.0"
    assert "grade: expected A, got B" in error["message"]
    document["testCases"][0]["expect"]["grade"] = "B"
    assert (await client.put(f"{POLICY}/versions/1", json=document, headers=admin.auth)).status_code == 200
    activated = await client.post(f"{POLICY}/versions/1/activate", headers=admin.auth)
    assert activated.status_code == 200, activated.text
    assert activated.json()["status"] == "active"
    [row] = await audit_rows(db, "policy.version.activated")
    assert row.subject_id == "PERSONAL"


@pytest.mark.usefixtures("product")
async def test_a_model_that_is_not_monotone_cannot_be_activated(client: Client, admin: Account) -> None:
    document = policy_document()
    grade = node(document, "Risk grade")
    grade["content"]["rules"].insert(0, {"_id": "bad", "grade-score": "< 650", "grade-grade": "'A'"})
    document["testCases"] = []
    await draft(client, admin, document)
    report = (await client.post(f"{POLICY}/versions/1/check", headers=admin.auth)).json()
    assert report["passed"] is False
    assert report["violations"][0]["rule"] == "a higher credit score never worsens the decision or the grade"
    refused = await client.post(f"{POLICY}/versions/1/activate", headers=admin.auth)
    assert refused.status_code == 422
    assert any("not monotone" in e["message"] for e in refused.json()["errors"])


@pytest.mark.usefixtures("product")
async def test_simulation_counts_outcomes_that_change(client: Client, admin: Account) -> None:
    await draft(client, admin)
    assert (await client.post(f"{POLICY}/versions/1/activate", headers=admin.auth)).status_code == 200
    stricter = await client.post(f"{POLICY}/drafts", json={}, headers=admin.auth)
    assert stricter.status_code == 201
    document = copy.deepcopy(policy_document())
    table = node(document, "Declines and referrals")
    for rule in table["content"]["rules"]:
        if rule["rules-score"] == "< 580":
            rule["rules-score"] = "< 700"
    document["testCases"] = []
    assert (await client.put(f"{POLICY}/versions/2", json=document, headers=admin.auth)).status_code == 200
    cases = policy_document()["testCases"]
    fact_sets = [case["facts"] for case in cases]
    report = (
        await client.post(f"{POLICY}/versions/2/simulate", json={"factSets": fact_sets}, headers=admin.auth)
    ).json()
    assert report["evaluated"] == len(fact_sets)
    assert report["changed"] >= 1
    assert report["better"] == 0
    assert report["worse"] == report["changed"]
    assert all(s["after"]["decision"] == "decline" for s in report["sample"])


@pytest.mark.usefixtures("product")
async def test_an_active_version_is_immutable_even_in_sql(client: Client, admin: Account, db: AsyncEngine) -> None:
    await draft(client, admin)
    assert (await client.post(f"{POLICY}/versions/1/activate", headers=admin.auth)).status_code == 200
    refused = await client.put(f"{POLICY}/versions/1", json=policy_document(), headers=admin.auth)
    assert refused.status_code == 409
    with pytest.raises(DBAPIError, match="immutable"):
        await sql(db, "UPDATE credit_policy_versions SET model = '{}'::jsonb")


@pytest.mark.usefixtures("product")
async def test_an_unknown_product_is_not_found(client: Client, admin: Account) -> None:
    response = await client.get("/api/admin/products/NOPE/policy/versions", headers=admin.auth)
    assert response.status_code == 404
