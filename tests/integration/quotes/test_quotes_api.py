"""POST /api/quotes and POST /api/apr through the whole app (middleware, routing, error rendering)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]
PROBLEM = "application/problem+json"
BASE: dict[str, Any] = {"principal": "200000", "annualRate": "6.5", "termPeriods": 360, "startDate": "2025-01-01"}


def body(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


async def assert_invalid(client: Client, path: str, payload: object, field: str) -> dict[str, Any]:
    response = await client.post(path, json=payload)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem: dict[str, Any] = response.json()
    assert problem["type"] == "urn:loan-engine:problem:validation-error"
    assert field in [error["field"] for error in problem["errors"]], problem
    return problem


async def test_quote_of_the_standard_mortgage(client: Client) -> None:
    response = await client.post("/api/quotes", json=BASE)
    assert response.status_code == 200
    quote = response.json()
    assert quote["payment"] == "1264.14"
    assert len(quote["schedule"]) == 360
    assert quote["schedule"][0] == {
        "number": 1,
        "dueDate": "2025-02-01",
        "payment": "1264.14",
        "principal": "180.81",
        "interest": "1083.33",
        "fees": "0.00",
        "balance": "199819.19",
    }
    assert quote["schedule"][-1]["balance"] == "0.00"
    assert quote["totals"] == {
        "payments": "455085.82",
        "principal": "200000.00",
        "interest": "255085.82",
        "fees": "0.00",
    }
    disclosure = quote["disclosure"]
    assert disclosure["amountFinanced"] == "200000.00"
    assert disclosure["financeCharge"] == "255085.82"
    assert disclosure["totalOfPayments"] == "455085.82"
    assert abs(float(disclosure["apr"]) - 6.5) < 0.001
    assert len(disclosure["apr"].split(".")[1]) >= 4


async def test_quote_with_fee_at_closing_discloses_a_higher_apr(client: Client) -> None:
    payload = body(principal="250000", fees=[{"name": "origination", "amount": "3000"}])
    quote = (await client.post("/api/quotes", json=payload)).json()
    assert quote["disclosure"]["amountFinanced"] == "247000.00"
    assert quote["disclosure"]["financeCharge"] == "321861.58"
    assert quote["disclosure"]["apr"].startswith("6.6164")
    assert quote["totals"]["fees"] == "3000.00"


async def test_quote_options_are_applied(client: Client) -> None:
    payload = body(
        principal="1000000",
        annualRate="1.5",
        termPeriods=12,
        frequency="quarterly",
        amortization="level-principal",
        interestMethod="daily",
        dayCount="actual/365",
        firstPaymentDate="2025-04-15",
        currency="JPY",
        roundingMode="half-even",
    )
    quote = (await client.post("/api/quotes", json=payload)).json()
    assert quote["currency"] == "JPY"
    assert [row["dueDate"] for row in quote["schedule"][:2]] == ["2025-04-15", "2025-07-15"]
    assert quote["schedule"][1]["principal"] == "83333"
    assert "." not in quote["schedule"][0]["interest"]


async def test_quote_as_csv(client: Client) -> None:
    response = await client.post("/api/quotes", json=body(termPeriods=12), headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0] == "number,dueDate,payment,principal,interest,fees,balance"
    assert len(lines) == 13
    assert lines[1].startswith("1,2025-02-01,")
    assert lines[-1].endswith(",0.00")


async def test_json_is_the_default_when_both_are_acceptable(client: Client) -> None:
    response = await client.post("/api/quotes", json=BASE, headers={"Accept": "application/json, text/csv"})
    assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"principal": "0"}, "principal"),
        ({"principal": "-100"}, "principal"),
        ({"principal": "100.001"}, "principal"),
        ({"principal": 200000}, "principal"),  # a JSON number is not a decimal string
        ({"principal": "lots"}, "principal"),
        ({"annualRate": "100.01"}, "annualRate"),
        ({"annualRate": "-1"}, "annualRate"),
        ({"termPeriods": 0}, "termPeriods"),
        ({"termPeriods": 1201}, "termPeriods"),
        ({"frequency": "hourly"}, "frequency"),
        ({"amortization": "negative"}, "amortization"),
        ({"interestMethod": "compound"}, "interestMethod"),
        ({"dayCount": "bus/252"}, "dayCount"),
        ({"roundingMode": "ceiling"}, "roundingMode"),
        ({"oddDaysInterest": "later"}, "oddDaysInterest"),
        ({"currency": "XXX"}, "currency"),
        ({"currency": "usd"}, "currency"),
        ({"firstPaymentDate": "2024-12-31"}, "firstPaymentDate"),
        ({"firstPaymentDate": "2025-01-01"}, "firstPaymentDate"),
        ({"startDate": "2025-02-30"}, "startDate"),
        ({"fees": [{"name": "x", "amount": "0"}]}, "fees.0.amount"),
        ({"fees": [{"name": "x", "amount": "200000"}]}, "fees"),
        ({"fees": [{"name": "x", "amount": "1"}] * 21}, "fees"),
        ({"balloonAmount": "1000"}, "balloonAmount"),
        ({"amortization": "balloon"}, "balloonAmount"),
        ({"amortization": "balloon", "amortizationTerm": 12}, "amortizationTerm"),
        ({"installmentMultiple": "0.001"}, "installmentMultiple"),
        ({"installmentMultiple": "500000"}, "installmentMultiple"),
        ({"surprise": True}, "surprise"),
    ],
)
async def test_every_invalid_quote_input_is_a_422_naming_the_field(
    client: Client, changes: dict[str, Any], field: str
) -> None:
    await assert_invalid(client, "/api/quotes", body(**changes), field)


async def test_missing_required_field_is_named(client: Client) -> None:
    payload = {"principal": "1000", "annualRate": "5"}
    await assert_invalid(client, "/api/quotes", payload, "termPeriods")


async def test_malformed_json_is_a_400_problem(client: Client) -> None:
    response = await client.post("/api/quotes", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM


APPENDIX_J_C5 = {
    "advances": [{"amount": "1000", "date": "1978-01-03"}],
    "payments": [{"amount": "1080", "date": "1978-09-15"}],
}


async def test_apr_of_dated_flows_chooses_the_unit_period(client: Client) -> None:
    response = await client.post("/api/apr", json=APPENDIX_J_C5)
    assert response.status_code == 200
    result = response.json()
    assert result["apr"] == "11.450980"
    assert result["unitPeriod"] == {"unit": "day", "count": 255}
    assert result["regular"] is True
    assert result["flows"] == [
        {"kind": "advance", "amount": "1000", "periods": 0, "fraction": "0"},
        {"kind": "payment", "amount": "1080", "periods": 1, "fraction": "0"},
    ]


async def test_apr_of_a_monthly_loan_with_a_long_first_period(client: Client) -> None:
    # Appendix J (c)(1)(ii): 6,000 advanced 10 Feb 1978, 36 x 200 from 1 Apr 1978: 11.82 %.
    payments = [{"amount": "200", "date": f"{1978 + (3 + k) // 12}-{(3 + k) % 12 + 1:02d}-01"} for k in range(36)]
    result = (
        await client.post(
            "/api/apr", json={"advances": [{"amount": "6000", "date": "1978-02-10"}], "payments": payments}
        )
    ).json()
    assert result["apr"].startswith("11.81")  # 11.8165 -> 11.82 at two places
    assert result["unitPeriod"] == {"unit": "month", "count": 1}
    assert result["unitPeriodsPerYear"] == "12"
    assert result["flows"][1] == {"kind": "payment", "amount": "200", "periods": 1, "fraction": "0.633333333333"}


async def test_apr_of_flows_given_in_periods_and_fractions(client: Client) -> None:
    payload = {
        "advances": [{"amount": "247000", "periods": 0}],
        "payments": [{"amount": "1580.17", "periods": k} for k in range(1, 361)],
        "unitPeriod": {"unit": "month"},
    }
    result = (await client.post("/api/apr", json=payload)).json()
    assert result["apr"] == "6.616438"
    assert len(result["flows"]) == 361


async def test_apr_with_a_given_unit_period_and_multiple_advances(client: Client) -> None:
    payload = {
        "advances": [{"amount": "1000", "date": "2025-01-01"}, {"amount": "1000", "date": "2025-07-01"}],
        "payments": [{"amount": "200", "date": f"2025-{m:02d}-01"} for m in range(2, 13)],
        "unitPeriod": {"unit": "month", "count": 1},
    }
    result = (await client.post("/api/apr", json=payload)).json()
    assert result["regular"] is False
    assert [f["kind"] for f in result["flows"]].count("advance") == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"advances": [], "payments": [{"amount": "1", "periods": 1}]}, "advances"),
        ({"advances": [{"amount": "100", "periods": 0}], "payments": []}, "payments"),
        ({"advances": [{"amount": "100", "periods": 0}], "payments": [{"amount": "50", "periods": 1}]}, "payments"),
        (
            {"advances": [{"amount": "0", "periods": 0}], "payments": [{"amount": "50", "periods": 1}]},
            "advances.0.amount",
        ),
        (
            {"advances": [{"amount": "100", "periods": 0}], "payments": [{"amount": "-5", "periods": 1}]},
            "payments.0.amount",
        ),
        (
            {
                "advances": [{"amount": "100", "periods": 0}],
                "payments": [{"amount": "110", "periods": 1, "fraction": "1"}],
            },
            "payments.0.fraction",
        ),
        (
            {
                "advances": [{"amount": "100", "date": "2025-02-01"}],
                "payments": [{"amount": "110", "date": "2025-01-01"}],
            },
            "payments.0.date",
        ),
        ({"advances": [{"amount": "100"}], "payments": [{"amount": "110", "periods": 1}]}, "advances.0"),
        (
            {"advances": [{"amount": "100", "date": "2025-01-01"}], "payments": [{"amount": "110", "periods": 1}]},
            "payments",
        ),
        (
            {
                "advances": [{"amount": "100", "periods": 0}],
                "payments": [{"amount": "110", "periods": 1}],
                "unitPeriod": {"unit": "fortnight"},
            },
            "unitPeriod.unit",
        ),
        (
            {
                "advances": [{"amount": "100", "periods": 0}],
                "payments": [{"amount": "110", "periods": 1}],
                "unitPeriod": {"unit": "week", "count": 60},
            },
            "unitPeriod.count",
        ),
        (
            {"advances": [{"amount": "100", "periods": 0}], "payments": [{"amount": "1", "periods": 1}] * 2401},
            "payments",
        ),
    ],
)
async def test_every_invalid_apr_input_is_a_422_naming_the_field(client: Client, payload: object, field: str) -> None:
    await assert_invalid(client, "/api/apr", payload, field)


async def test_quotes_are_public_and_documented(client: Client) -> None:
    spec = (await client.get("/api/docs/openapi.json")).json()
    assert "/api/quotes" in spec["paths"]
    assert "/api/apr" in spec["paths"]
    assert "security" not in spec["paths"]["/api/quotes"]["post"]


async def test_a_malformed_decimal_reads_as_a_sentence_not_a_regex(client) -> None:  # type: ignore[no-untyped-def]
    response = await client.post("/api/quotes", json={**BASE, "annualRate": "1e3"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "annualRate"
    assert error["message"].startswith("must be an annual percentage written as a string")
    assert "regex" not in response.text
