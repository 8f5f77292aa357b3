"""Quotes priced from a published product (POST /api/quotes/product) and one product on offer
(GET /api/products/{code}), through HTTP on the real database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.integration.auth.conftest import Account, Client
from tests.integration.products.conftest import personal_loan

ADMIN_PRODUCTS = "/api/admin/products"
LOAN = {"productCode": "PERSONAL", "grade": "B", "principal": "10000", "termPeriods": 24, "startDate": "2026-03-01"}


@pytest.fixture
async def published(client: Client, admin: Account) -> None:
    assert (await client.post(ADMIN_PRODUCTS, json=personal_loan(), headers=admin.auth)).status_code == 201
    response = await client.post(f"{ADMIN_PRODUCTS}/PERSONAL/versions/1/publish", headers=admin.auth)
    assert response.status_code == 200, response.text


@pytest.mark.usefixtures("published")
async def test_a_product_quote_is_the_quote_of_the_products_terms(client: Client) -> None:
    by_product = await client.post("/api/quotes/product", json=LOAN)
    assert by_product.status_code == 200, by_product.text
    # Grade B, 24 months: the first term band (up to 36 months) is 10.99 %; the 3 % origination fee on
    # 10,000 is 300 (within 75..1000), deducted at closing, a finance charge.
    by_hand = await client.post(
        "/api/quotes",
        json={
            "principal": "10000",
            "annualRate": "10.99",
            "termPeriods": 24,
            "startDate": "2026-03-01",
            "fees": [{"name": "origination", "amount": "300"}],
        },
    )
    assert by_product.json() == by_hand.json()
    quote = by_product.json()
    assert quote["disclosure"]["amountFinanced"] == "9700.00"
    assert quote["disclosure"]["apr"] > "10.99"


@pytest.mark.usefixtures("published")
async def test_the_rate_follows_the_grade_and_the_term_band(client: Client) -> None:
    async def payment(**changes: Any) -> str:
        response = await client.post("/api/quotes/product", json=LOAN | changes)
        assert response.status_code == 200, response.text
        value: str = response.json()["payment"]
        return value

    best, worst = await payment(grade="A"), await payment(grade="E")
    assert Decimal(best) < Decimal(await payment()) < Decimal(worst)
    long_band = await client.post("/api/quotes/product", json=LOAN | {"termPeriods": 48, "grade": "A"})
    at_rate = await client.post(
        "/api/quotes",
        json={
            "principal": "10000",
            "annualRate": "8.99",
            "termPeriods": 48,
            "startDate": "2026-03-01",
            "fees": [{"name": "origination", "amount": "300"}],
        },
    )
    assert long_band.json()["payment"] == at_rate.json()["payment"]
    biweekly = await client.post("/api/quotes/product", json=LOAN | {"frequency": "biweekly", "termPeriods": 52})
    assert biweekly.status_code == 200
    assert len(biweekly.json()["schedule"]) == 52


@pytest.mark.usefixtures("published")
async def test_a_product_quote_as_csv(client: Client) -> None:
    response = await client.post("/api/quotes/product", json=LOAN, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert len(response.text.strip().splitlines()) == 25


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"principal": "1000"}, "principal"),
        ({"principal": "50000.01"}, "principal"),
        ({"termPeriods": 6}, "termPeriods"),
        ({"termPeriods": 73}, "termPeriods"),
        ({"frequency": "weekly"}, "frequency"),
        ({"grade": "F"}, "grade"),
        ({"grade": "b"}, "grade"),
        ({"principal": 10000}, "principal"),
    ],
)
async def test_a_loan_outside_the_product_is_a_422_naming_the_field(
    client: Client, changes: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/quotes/product", json=LOAN | changes)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [error["field"] for error in response.json()["errors"]]


async def test_a_product_not_on_offer_is_a_404(client: Client, admin: Account) -> None:
    assert (await client.post("/api/quotes/product", json=LOAN)).status_code == 404
    assert (await client.get("/api/products/PERSONAL")).status_code == 404
    await client.post(ADMIN_PRODUCTS, json=personal_loan(), headers=admin.auth)  # a draft is not on offer
    assert (await client.post("/api/quotes/product", json=LOAN)).status_code == 404
    assert (await client.get("/api/products/PERSONAL")).status_code == 404


@pytest.mark.usefixtures("published")
async def test_one_product_on_offer_is_what_the_catalog_lists(client: Client, admin: Account) -> None:
    one = await client.get("/api/products/PERSONAL")
    assert one.status_code == 200
    assert [one.json()] == (await client.get("/api/products")).json()
    assert one.json()["amount"] == {"min": "2000", "default": "15000", "max": "50000"}
    assert (await client.get("/api/products/lower")).status_code == 422
    await client.post(f"{ADMIN_PRODUCTS}/PERSONAL/versions/1/retire", headers=admin.auth)
    assert (await client.get("/api/products/PERSONAL")).status_code == 404


async def test_the_editor_preview_prices_an_unsaved_definition(client: Client, admin: Account) -> None:
    definition = personal_loan()["definition"]
    definition["pricing"]["grid"][1]["rates"] = ["12.49", "13.49"]  # grade B, not stored anywhere
    body = {"definition": definition, "currency": "USD", "grade": "B", "principal": "10000", "termPeriods": 24}
    body["startDate"] = "2026-03-01"
    preview = await client.post("/api/admin/products/quote-preview", json=body, headers=admin.auth)
    assert preview.status_code == 200, preview.text
    by_hand = await client.post(
        "/api/quotes",
        json={
            "principal": "10000",
            "annualRate": "12.49",
            "termPeriods": 24,
            "startDate": "2026-03-01",
            "fees": [{"name": "origination", "amount": "300"}],
        },
    )
    assert preview.json() == by_hand.json()
    outside = await client.post(
        "/api/admin/products/quote-preview", json=body | {"principal": "99999"}, headers=admin.auth
    )
    assert outside.status_code == 422
    assert [e["field"] for e in outside.json()["errors"]] == ["principal"]
    anonymous = await client.post("/api/admin/products/quote-preview", json=body)
    assert anonymous.status_code == 401
