"""Products through HTTP: the draft -> published -> retired lifecycle, publish checks, diffs, the public
catalog, and immutability enforced by PostgreSQL itself."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import Account, Client, MakeAccount, audit_rows, sql
from tests.integration.products.conftest import personal_loan

ADMIN_PRODUCTS = "/api/admin/products"


async def create(client: Client, admin: Account, code: str = "PERSONAL") -> dict[str, object]:
    body = personal_loan() | {"code": code}
    response = await client.post(ADMIN_PRODUCTS, json=body, headers=admin.auth)
    assert response.status_code == 201, response.text
    created: dict[str, object] = response.json()
    return created


async def publish(client: Client, admin: Account, version: int, code: str = "PERSONAL") -> dict[str, object]:
    response = await client.post(f"{ADMIN_PRODUCTS}/{code}/versions/{version}/publish", headers=admin.auth)
    assert response.status_code == 200, response.text
    published: dict[str, object] = response.json()
    return published


async def test_a_new_product_is_a_draft_with_nothing_to_fix(client: Client, admin: Account) -> None:
    created = await create(client, admin)
    assert created["versions"] == [
        {
            "version": 1,
            "status": "draft",
            "createdAt": created["versions"][0]["createdAt"],  # type: ignore[index]
            "publishedAt": None,
            "retiredAt": None,
            "note": "First version",
        }
    ]
    version = (await client.get(f"{ADMIN_PRODUCTS}/PERSONAL/versions/1", headers=admin.auth)).json()
    assert version["problems"] == []
    assert version["definition"]["pricing"]["grades"] == ["A", "B", "C", "D", "E"]


async def test_publishing_puts_the_product_on_offer_with_its_example(
    client: Client, admin: Account, db: AsyncEngine
) -> None:
    await create(client, admin)
    assert (await client.get("/api/products")).json() == []
    published = await publish(client, admin, 1)
    assert published["status"] == "published"
    [offered] = (await client.get("/api/products")).json()
    assert offered["code"] == "PERSONAL"
    assert offered["version"] == 1
    assert (offered["rateFrom"], offered["rateTo"]) == ("7.99", "29.99")
    example = offered["example"]
    assert (example["amount"], example["termPeriods"], example["annualRate"]) == ("15000", 36, "27.99")
    assert example["aprFrom"] < example["aprTo"] == example["apr"]
    [row] = await audit_rows(db, "product.version.published")
    assert row.actor_id == admin.id
    assert row.details == {"version": 1, "retired": None}


async def test_an_edit_of_a_published_version_is_a_new_version(client: Client, admin: Account, db: AsyncEngine) -> None:
    await create(client, admin)
    await publish(client, admin, 1)
    refused = await client.put(
        f"{ADMIN_PRODUCTS}/PERSONAL/versions/1", json={"definition": personal_loan()["definition"]}, headers=admin.auth
    )
    assert refused.status_code == 409
    assert "published" in refused.json()["detail"]
    draft = await client.post(f"{ADMIN_PRODUCTS}/PERSONAL/versions", json={}, headers=admin.auth)
    assert draft.status_code == 201
    assert (draft.json()["version"], draft.json()["status"]) == (2, "draft")
    definition = draft.json()["definition"]
    definition["amount"]["max"] = "60000"
    definition["pricing"]["grid"][0]["rates"] = ["7.49", "8.49"]
    edited = await client.put(
        f"{ADMIN_PRODUCTS}/PERSONAL/versions/2",
        json={"definition": definition, "note": "Larger loans"},
        headers=admin.auth,
    )
    assert edited.status_code == 200, edited.text
    diff = (await client.get(f"{ADMIN_PRODUCTS}/PERSONAL/diff?from=1&to=2", headers=admin.auth)).json()
    assert [(c["path"], c["before"], c["after"]) for c in diff["changes"]] == [
        ("amount.max", "50000", "60000"),
        ("pricing.grid.0.rates.0", "7.99", "7.49"),
        ("pricing.grid.0.rates.1", "8.99", "8.49"),
    ]
    [edit] = await audit_rows(db, "product.version.edited")
    assert edit.details["changed"] == ["amount.max", "pricing.grid.0.rates.0", "pricing.grid.0.rates.1"]
    await publish(client, admin, 2)
    states = await sql(db, "SELECT version, status FROM product_versions ORDER BY version")
    assert [tuple(s) for s in states] == [(1, "retired"), (2, "published")]


async def test_a_version_that_cannot_make_a_loan_is_refused_at_publish(client: Client, admin: Account) -> None:
    body = personal_loan()
    body["definition"]["amount"]["min"] = "90000"
    body["definition"]["allocation"]["current"] = ["interest", "principal"]
    response = await client.post(ADMIN_PRODUCTS, json=body, headers=admin.auth)
    assert response.status_code == 201
    version = (await client.get(f"{ADMIN_PRODUCTS}/PERSONAL/versions/1", headers=admin.auth)).json()
    assert {p["field"] for p in version["problems"]} == {"definition.amount.min", "definition.allocation.current"}
    refused = await client.post(f"{ADMIN_PRODUCTS}/PERSONAL/versions/1/publish", headers=admin.auth)
    assert refused.status_code == 422
    problem = refused.json()
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in problem["errors"]} == {"definition.amount.min", "definition.allocation.current"}
    assert (await client.get("/api/products")).json() == []


async def test_money_sent_as_numbers_is_refused(client: Client, admin: Account) -> None:
    body = personal_loan()
    body["definition"]["amount"]["min"] = 2000
    response = await client.post(ADMIN_PRODUCTS, json=body, headers=admin.auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "definition.amount.min"


async def test_a_duplicate_code_is_a_conflict(client: Client, admin: Account) -> None:
    await create(client, admin)
    response = await client.post(ADMIN_PRODUCTS, json=personal_loan(), headers=admin.auth)
    assert response.status_code == 409


async def test_a_published_version_cannot_be_changed_even_in_sql(
    client: Client, admin: Account, db: AsyncEngine
) -> None:
    await create(client, admin)
    await publish(client, admin, 1)
    with pytest.raises(DBAPIError, match="immutable"):
        await sql(db, "UPDATE product_versions SET definition = '{}'::jsonb WHERE version = 1")
    with pytest.raises(DBAPIError, match="cannot be deleted"):
        await sql(db, "DELETE FROM product_versions WHERE version = 1")
    await sql(db, "UPDATE product_versions SET status = 'retired', retired_at = now() WHERE version = 1")
    with pytest.raises(DBAPIError, match="immutable"):
        await sql(db, "UPDATE product_versions SET status = 'published' WHERE version = 1")


async def test_only_admins_manage_products(client: Client, make_account: MakeAccount) -> None:
    for role in ("borrower", "underwriter"):
        account = await make_account(role)
        response = await client.post(ADMIN_PRODUCTS, json=personal_loan(), headers=account.auth)
        assert response.status_code == 403
    assert (await client.get(ADMIN_PRODUCTS)).status_code == 401


async def test_the_admin_list_pages_by_cursor(client: Client, admin: Account) -> None:
    for code in ("AAA", "BBB", "CCC"):
        await create(client, admin, code)
    first = (await client.get(f"{ADMIN_PRODUCTS}?limit=2", headers=admin.auth)).json()
    assert [p["code"] for p in first["items"]] == ["AAA", "BBB"]
    second = (await client.get(f"{ADMIN_PRODUCTS}?limit=2&cursor={first['nextCursor']}", headers=admin.auth)).json()
    assert [p["code"] for p in second["items"]] == ["CCC"]
    assert second["nextCursor"] is None
