"""POST /api/quotes and POST /api/apr through the whole app (middleware, routing, error rendering)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from loan_engine.finance.apr import MAX_FLOWS, MAX_TERM_EVALUATIONS
from loan_engine.finance.daycount import DayCount
from loan_engine.finance.money import RoundingMode
from loan_engine.finance.terms import Amortization, InterestMethod, OddDaysInterest
from loan_engine.quotes import service
from loan_engine.quotes.controller import QUOTE_INLINE_WORK
from loan_engine.quotes.schemas import QuoteRequest

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


async def test_a_malformed_decimal_reads_as_a_sentence_not_a_regex(client: Client) -> None:
    response = await client.post("/api/quotes", json={**BASE, "annualRate": "1e3"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "annualRate"
    assert error["message"].startswith("must be an annual percentage written as a string")
    assert "regex" not in response.text


async def test_a_fee_that_is_not_a_finance_charge_is_lent_but_not_charged(client: Client) -> None:
    fees = [
        {"name": "origination", "amount": "3000"},
        {"name": "appraisal", "amount": "500", "financed": True, "financeCharge": False},
    ]
    quote = (await client.post("/api/quotes", json=body(principal="250000", fees=fees))).json()
    assert quote["payment"] == "1583.33"  # the appraisal is part of the 250,500 lent
    assert quote["totals"]["principal"] == "250500.00"
    assert quote["totals"]["fees"] == "3500.00"
    assert quote["disclosure"]["amountFinanced"] == "247500.00"  # less the origination fee only
    assert quote["disclosure"]["financeCharge"] == "322499.35"
    assert quote["disclosure"]["apr"] == "6.6162"


async def test_fees_are_finance_charges_unless_they_say_otherwise(client: Client) -> None:
    spec = (await client.get("/api/docs/openapi.json")).json()
    fee = spec["components"]["schemas"]["FeeIn"]["properties"]["financeCharge"]
    assert fee["default"] is True
    with_flag = body(fees=[{"name": "origination", "amount": "1000", "financeCharge": True}])
    without = body(fees=[{"name": "origination", "amount": "1000"}])
    first = (await client.post("/api/quotes", json=with_flag)).json()
    assert first == (await client.post("/api/quotes", json=without)).json()
    assert first["disclosure"]["amountFinanced"] == "199000.00"


async def test_a_long_quote_is_computed_off_the_event_loop_with_the_same_result(client: Client) -> None:
    # 1,200 weekly installments with daily interest: far above the inline threshold, so a worker thread
    # computes it; the answer is the service's own.
    payload = body(termPeriods=1200, frequency="weekly", interestMethod="daily", dayCount="actual/365")
    response = await client.post("/api/quotes", json=payload)
    assert response.status_code == 200
    quote = response.json()
    assert len(quote["schedule"]) == 1200
    assert quote["schedule"][-1]["balance"] == "0.00"
    request = msgspec.convert(payload, QuoteRequest)
    assert service.quote_work(request) > QUOTE_INLINE_WORK
    assert response.content == msgspec.json.encode(service.quote(request, datetime.now(UTC).date()))
    csv = await client.post("/api/quotes", json=payload, headers={"Accept": "text/csv"})
    assert len(csv.text.splitlines()) == 1201


def _newton_fails(n: int) -> dict[str, Any]:
    """2n distinct flows whose APR only bisection finds (payments early, most advances late)."""
    advances = [{"amount": "1000", "periods": 0}]
    advances += [{"amount": f"{3 + k / 1000:.3f}", "periods": 200 + k % 100} for k in range(n - 1)]
    lent = 1000 + sum(3 + k / 1000 for k in range(n - 1))
    payments = [{"amount": f"{lent * 1.05 / n + k / 10000:.4f}", "periods": 1 + k % 3} for k in range(n)]
    return {"advances": advances, "payments": payments}


async def test_an_apr_that_needs_too_much_work_is_a_422_saying_so(client: Client) -> None:
    response = await client.post("/api/apr", json=_newton_fails(1200))
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "urn:loan-engine:problem:work-limit-exceeded"
    assert problem["field"] == "payments"
    assert problem["limit"] == MAX_TERM_EVALUATIONS
    assert "30,000" in problem["detail"]
    # The same kind of flows, fewer of them, are answered (bisection fits in the bound).
    small = await client.post("/api/apr", json=_newton_fails(20))
    assert small.status_code == 200


async def test_the_largest_apr_request_is_answered(client: Client) -> None:
    payments = [{"amount": f"{500 + k / 100:.2f}", "periods": k + 1} for k in range(MAX_FLOWS - 1)]
    payload = {"advances": [{"amount": "250000", "periods": 0}], "payments": payments}
    response = await client.post("/api/apr", json=payload)
    assert response.status_code == 200
    assert len(response.json()["flows"]) == MAX_FLOWS


async def test_the_openapi_lists_the_finance_enums_and_states_the_bounds(client: Client) -> None:
    spec = (await client.get("/api/docs/openapi.json")).json()
    schemas = spec["components"]["schemas"]

    def values(field: str) -> list[str]:
        prop = schemas["QuoteRequest"]["properties"][field]
        ref = prop.get("$ref") or next(item["$ref"] for item in prop.get("oneOf", prop.get("anyOf", [])))
        return list(schemas[ref.rsplit("/", 1)[1]]["enum"])

    assert values("amortization") == [member.value for member in Amortization]
    assert values("dayCount") == [member.value for member in DayCount]
    assert values("roundingMode") == [member.value for member in RoundingMode]
    assert values("interestMethod") == [member.value for member in InterestMethod]
    assert values("oddDaysInterest") == [member.value for member in OddDaysInterest]
    quotes = spec["paths"]["/api/quotes"]["post"]["description"]
    apr = spec["paths"]["/api/apr"]["post"]["description"]
    assert "1,200 installments" in quotes
    assert f"{MAX_FLOWS:,} flows" in apr
    assert f"{MAX_TERM_EVALUATIONS:,}" in apr
    assert "work-limit-exceeded" in apr
