"""The quote service formats amounts with Decimal.to_eng_string; for amounts quantized to a minor
unit that is exactly str(): no exponent ever appears."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from loan_engine.quotes.service import _text, wire_field


@given(st.integers(min_value=-(10**16), max_value=10**16), st.sampled_from(["1", "0.1", "0.01", "0.001", "0.0001"]))
def test_engineering_string_of_a_quantized_amount_is_the_plain_string(units: int, quantum: str) -> None:
    amount = (Decimal(units) * Decimal(quantum)).quantize(Decimal(quantum))
    assert _text(amount) == str(amount)
    assert "E" not in _text(amount)


def test_finance_field_names_map_to_request_fields() -> None:
    assert wire_field("first_payment_date") == "firstPaymentDate"
    assert wire_field("term") == "termPeriods"
    assert wire_field("fees.0.amount") == "fees.0.amount"
    assert wire_field("unitPeriod.count") == "unitPeriod.count"
    assert wire_field("installment_multiple") == "installmentMultiple"
