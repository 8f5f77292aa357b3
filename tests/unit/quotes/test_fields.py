"""The one mapping from Python attribute names (as finance errors name them) to wire field names."""

from __future__ import annotations

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from loan_engine.api.fields import RENAMED, camel, wire_field


def test_finance_field_names_map_to_request_fields() -> None:
    assert wire_field("first_payment_date") == "firstPaymentDate"
    assert wire_field("term") == "termPeriods"
    assert wire_field("rounding") == "roundingMode"
    assert wire_field("fees.0.amount") == "fees.0.amount"
    assert wire_field("unit_period.count") == "unitPeriod.count"
    assert wire_field("payments.3.on") == "payments.3.date"
    assert wire_field("installment_multiple") == "installmentMultiple"


@given(st.from_regex(r"[a-z][a-z0-9]{0,6}(_[a-z0-9]{1,6}){0,3}", fullmatch=True))
def test_camel_is_the_rule_msgspec_renames_struct_fields_by(name: str) -> None:
    # A Struct with that attribute, renamed as every ApiStruct is: its wire key is camel(name).
    kind = msgspec.defstruct("Probe", [(name, int)], rename="camel")
    assert msgspec.json.encode(kind(**{name: 1})) == b'{"%s":1}' % camel(name).encode()


def test_a_renamed_attribute_is_renamed_wherever_it_appears() -> None:
    for attribute, wire in RENAMED.items():
        assert wire_field(f"items.2.{attribute}") == f"items.2.{wire}"
