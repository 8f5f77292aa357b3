"""The schedule rows of a quote: payment and fees travel as text made once per run of the same amount, and
the JSON is what Decimal fields would give (msgspec writes a Decimal as its str)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec
import pytest

from loan_engine.api.types import ApiStruct
from loan_engine.finance.money import RoundingMode
from loan_engine.finance.schedule import build_schedule
from loan_engine.finance.terms import LoanTerms
from loan_engine.quotes import service


class DecimalRow(ApiStruct):
    """The row as it was typed before: every amount a Decimal."""

    number: int
    due_date: date
    payment: Decimal
    principal: Decimal
    interest: Decimal
    fees: Decimal
    balance: Decimal


def test_texts_are_the_str_of_each_amount_whatever_the_objects() -> None:
    level = Decimal("1580.17")
    amounts = [Decimal("1600.00"), level, level, Decimal("1580.17"), Decimal("1580.170"), level, Decimal("0.00")]
    assert service._texts(amounts) == [str(a) for a in amounts]
    assert service._texts([]) == []


@pytest.mark.parametrize(
    "terms",
    [
        LoanTerms(principal=Decimal(250000), annual_rate=Decimal("0.065"), term=360, start_date=date(2025, 1, 15)),
        # An odd first period (a first installment of its own) and an installment rounded up to a multiple
        # so large that the loan is repaid early: the rows after the repayment are 0.00.
        LoanTerms(
            principal=Decimal(10000),
            annual_rate=Decimal("0.12"),
            term=24,
            start_date=date(2025, 1, 10),
            first_payment_date=date(2025, 3, 1),
            installment_multiple=Decimal(1000),
            rounding=RoundingMode.UP,
        ),
    ],
)
def test_rows_encode_exactly_as_decimal_fields(terms: LoanTerms) -> None:
    schedule = build_schedule(terms)
    rows = service._rows(schedule)
    as_decimals = [
        DecimalRow(row.number, row.due_date, pay, row.principal, row.interest, fee, row.balance)
        for row, pay, fee in zip(rows, schedule.payments, schedule.fees, strict=True)
    ]
    assert msgspec.json.encode(rows) == msgspec.json.encode(as_decimals)
