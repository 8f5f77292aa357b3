"""POST /api/quotes JSON: the bytes quote_json writes (the schedule by the compiled kernel) are the bytes
msgspec writes for the typed QuoteResponse, for every kind of loan."""

from __future__ import annotations

from datetime import date, timedelta

import msgspec
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from loan_engine.errors import ValidationError
from loan_engine.quotes import service
from loan_engine.quotes.schemas import QuoteRequest

TODAY = date(2025, 1, 15)


@st.composite
def requests(draw: st.DrawFn) -> QuoteRequest:
    cur, places = draw(st.sampled_from([("USD", 2), ("JPY", 0), ("BHD", 3), ("CLF", 4)]))
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    body: dict[str, object] = {
        "principal": str(draw(st.integers(min_value=1_000, max_value=10**9)) / 10**places),
        "annualRate": f"{draw(st.integers(min_value=0, max_value=30_000)) / 1000:.3f}",
        "termPeriods": draw(st.integers(min_value=1, max_value=480)),
        "frequency": draw(st.sampled_from(["monthly", "biweekly", "semimonthly", "quarterly", "every-10-days"])),
        "amortization": draw(st.sampled_from(["level-payment", "level-principal", "interest-only", "balloon"])),
        "interestMethod": draw(st.sampled_from(["periodic", "daily"])),
        "dayCount": draw(st.sampled_from(["30/360", "actual/365", "actual/360"])),
        "oddDaysInterest": draw(st.sampled_from(["first-installment", "prepaid"])),
        "roundingMode": draw(st.sampled_from(["half-even", "half-up", "down", "up"])),
        "currency": cur,
        "startDate": start.isoformat(),
    }
    if body["amortization"] == "balloon":
        body["amortizationTerm"] = int(body["termPeriods"]) + draw(st.integers(min_value=1, max_value=120))  # type: ignore[call-overload]
    if draw(st.booleans()):
        body["firstPaymentDate"] = (start + timedelta(days=draw(st.integers(min_value=1, max_value=60)))).isoformat()
    if draw(st.booleans()):
        body["fees"] = [{"name": "origination", "amount": "25", "financed": draw(st.booleans())}]
    return msgspec.convert(body, QuoteRequest)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_quote_json_is_the_encoded_quote(request: QuoteRequest) -> None:
    try:
        expected = msgspec.json.encode(service.quote(request, TODAY))
    except ValidationError:
        assume(False)
        raise
    assert service.quote_json(request, TODAY) == expected


def test_a_level_quote_is_written_by_the_kernel() -> None:
    request = QuoteRequest(principal="250000", annual_rate="6.5", term_periods=360, start_date=TODAY)
    schedule, _ = service.price(request, TODAY)
    assert schedule.parts.rows is not None
    written = msgspec.json.decode(service.quote_json(request, TODAY))
    assert written["payment"] == "1580.17"
    assert written["schedule"][0] == {
        "number": 1,
        "dueDate": "2025-02-15",
        "payment": "1580.17",
        "principal": "226.00",
        "interest": "1354.17",  # 250,000 x 0.065 / 12 = 1,354.1666...
        "fees": "0.00",
        "balance": "249774.00",
    }
    assert written["schedule"][-1]["payment"] == "1580.55"
    assert written["totals"]["interest"] == "318861.58"
