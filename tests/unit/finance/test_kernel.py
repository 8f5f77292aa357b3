"""The compiled kernel (_kernel.c) against the Decimal loops it stands in for."""

from __future__ import annotations

import re
import struct
from datetime import date, timedelta
from decimal import Decimal

import msgspec
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from loan_engine.finance.calendar import parse_frequency
from loan_engine.finance.daycount import DayCount
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.kernel import compiled
from loan_engine.finance.money import RoundingMode, currency
from loan_engine.finance.schedule import build_schedule
from loan_engine.finance.terms import LoanTerms, OddDaysInterest
from loan_engine.quotes.schemas import Row
from tests.unit.finance.test_properties import PROFILE, loan_terms


def test_the_kernel_is_built() -> None:
    # make install compiles it; without it every quote runs the Decimal loops, about 4x slower.
    assert compiled is not None, "loan_engine.finance._kernel is missing: install gcc and run make install"


def test_a_level_loan_runs_in_the_kernel() -> None:
    terms = LoanTerms(principal=Decimal(250_000), annual_rate=Decimal("0.065"), term=360, start_date=date(2025, 1, 15))
    schedule = build_schedule(terms)
    assert schedule.parts.rows is not None
    assert schedule.payments[0] == schedule.regular_payment == Decimal("1580.17")
    assert schedule.payments[-1] == Decimal("1580.55")
    assert schedule == build_schedule(terms, compiled=False)


@PROFILE
@given(loan_terms())
def test_the_kernel_gives_the_decimal_schedule(terms: LoanTerms) -> None:
    """Every amount, the odd-days interest, the errors: the same as the Decimal loops."""
    try:
        reference = build_schedule(terms, compiled=False)
    except FinanceInputError as exc:
        with pytest.raises(FinanceInputError, match=re.escape(str(exc))):
            build_schedule(terms)
        assume(False)
        raise
    schedule = build_schedule(terms)
    assert schedule == reference
    assert schedule.payments == reference.payments
    assert schedule.regular_payment == reference.regular_payment


@st.composite
def level_loans(draw: st.DrawFn) -> LoanTerms:
    """Level-payment loans in currencies of 0 to 4 decimals, with odd first periods."""
    cur = currency(draw(st.sampled_from(["JPY", "USD", "BHD", "CLF"])))
    places = st.integers(min_value=0, max_value=cur.minor_units)
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    first = draw(st.none() | st.integers(min_value=1, max_value=70).map(lambda days: start + timedelta(days=days)))
    return LoanTerms(
        principal=Decimal(draw(st.integers(min_value=1, max_value=10**12))).scaleb(-draw(places)),
        annual_rate=Decimal(draw(st.integers(min_value=0, max_value=99_999_999))).scaleb(-10),  # 8 decimals of a %
        term=draw(st.integers(min_value=1, max_value=600)),
        start_date=start,
        first_payment_date=first,
        frequency=parse_frequency(draw(st.sampled_from(["weekly", "biweekly", "semimonthly", "monthly", "annual"]))),
        day_count=draw(st.sampled_from(list(DayCount))),
        odd_days_interest=draw(st.sampled_from(list(OddDaysInterest))),
        currency=cur,
        rounding=draw(st.sampled_from(list(RoundingMode))),
    )


@PROFILE
@given(level_loans())
def test_the_kernel_gives_the_decimal_schedule_in_every_currency(terms: LoanTerms) -> None:
    test_the_kernel_gives_the_decimal_schedule.hypothesis.inner_test(terms)  # type: ignore[attr-defined]


def test_a_short_first_period_never_makes_the_first_interest_negative() -> None:
    # Annual installments, the first one day after the start: the odd days (364 back to the regular start,
    # Actual/360) are worth more than a year's interest, so the first installment carries no interest.
    terms = LoanTerms(
        principal=Decimal(10_000),
        annual_rate=Decimal("0.08"),
        term=5,
        start_date=date(2025, 3, 1),
        first_payment_date=date(2025, 3, 2),
        frequency=parse_frequency("annual"),
        day_count=DayCount.ACTUAL_360,
    )
    schedule = build_schedule(terms)
    assert schedule.parts.rows is not None
    assert schedule.interest[0] == 0
    assert schedule.payments[0] == schedule.regular_payment - Decimal(800)
    assert schedule == build_schedule(terms, compiled=False)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (RoundingMode.HALF_EVEN, "0.06"),
        (RoundingMode.HALF_UP, "0.07"),
        (RoundingMode.DOWN, "0.06"),
        (RoundingMode.UP, "0.07"),
    ],
)
def test_an_exact_tie_rounds_by_the_mode(mode: RoundingMode, expected: str) -> None:
    # 12.00 at 6.5 % a year for one month: 12 * 0.065 / 12 = 0.065 exactly, a tie the mode decides. The
    # kernel works in exact fractions; the Decimal path gets the same by rounding 12 * 0.00541666…67 (a
    # 38-digit rate) to 34 digits before the cent (docs/LOAN_MATH.md, "Exact rounding").
    terms = LoanTerms(
        principal=Decimal("12.00"), annual_rate=Decimal("0.065"), term=1, start_date=date(2025, 1, 15), rounding=mode
    )
    schedule = build_schedule(terms)
    assert schedule.parts.rows is not None
    assert schedule.interest == (Decimal(expected),)
    assert schedule == build_schedule(terms, compiled=False)


def test_the_kernel_hands_back_what_it_cannot_do() -> None:
    assert compiled is not None
    assert compiled.amortize(10**20, 1, 1200, 100, 12, 0, 0) is None  # does not fit in 64 bits
    assert compiled.amortize(100_000, 1, 12, 1, 12, 0, 0) is None  # the balance grows: never amortizes
    assert compiled.amortize(100_000, 0, 12, 60_000, 12, 0, 0) is None  # overpays: the balance goes negative
    with pytest.raises(ValueError, match="positive"):
        compiled.amortize(0, 1, 12, 1, 12, 0, 0)
    with pytest.raises(ValueError, match="positive"):
        compiled.amortize(100, 1, 12, 10, 12, 4, 0)  # no such rounding mode
    with pytest.raises(TypeError):
        compiled.amortize(Decimal(100), 1, 12, 10, 12, 0, 0)  # type: ignore[arg-type]


def _encoded_rows(rows: list[tuple[int, int, int]], dates: list[date], payments: list[int], places: int) -> bytes:
    """What msgspec writes for the same rows built in Python (the Row path of quotes.service)."""
    quantum = currency({0: "JPY", 2: "USD", 3: "BHD", 4: "CLF"}[places]).quantum

    def text(minor: int) -> str:
        return str(Decimal(minor) * quantum)

    built = [
        Row(k + 1, due, text(payments[k]), text(p), text(i), text(0), text(b))
        for k, ((p, i, b), due) in enumerate(zip(rows, dates, strict=True))
    ]
    return msgspec.json.encode(built)


@pytest.mark.parametrize("places", [0, 2, 3, 4])
def test_schedule_json_writes_what_msgspec_writes(places: int) -> None:
    assert compiled is not None
    rows = [(-5, 7, 0), (123_456_789_012, 0, 999_999_999_999_999_999), (1, -(10**15), 10)]
    dates = [date(5, 3, 7), date(2025, 12, 31), date(9999, 1, 1)]
    payments = [-1, 42, 10**17]
    packed = b"".join(struct.pack("3q", *row) for row in rows)
    written = compiled.schedule_json(packed, tuple(dates), payments[0], payments[1], payments[2], places)
    assert written == _encoded_rows(rows, dates, payments, places)
    one = compiled.schedule_json(packed[:24], (dates[0],), -1, 0, -1, places)
    assert one == _encoded_rows(rows[:1], dates[:1], [-1], places)


def test_schedule_json_refuses_mismatched_arguments() -> None:
    assert compiled is not None
    with pytest.raises(ValueError, match="do not match"):
        compiled.schedule_json(b"\0" * 24, (date(2025, 1, 1), date(2025, 2, 1)), 1, 1, 1, 2)
    with pytest.raises(ValueError, match="do not match"):
        compiled.schedule_json(b"\0" * 24, (date(2025, 1, 1),), 1, 1, 1, 5)
    with pytest.raises(TypeError, match="dates"):
        compiled.schedule_json(b"\0" * 24, ("2025-01-01",), 1, 1, 1, 2)  # type: ignore[arg-type]
