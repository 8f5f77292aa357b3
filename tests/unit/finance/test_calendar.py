from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from loan_engine.finance.calendar import (
    Frequency,
    FrequencyUnit,
    add_months,
    due_date,
    due_dates,
    parse_frequency,
)
from loan_engine.finance.errors import FinanceInputError

MONTHLY = parse_frequency("monthly")


def test_month_end_rule_clamps_then_returns_to_the_anchor_day() -> None:
    # 31 Jan + 1 month = 28 Feb (29 in a leap year); the next due date is back on the 31st.
    assert due_dates(date(2023, 1, 31), MONTHLY, 4) == (
        date(2023, 1, 31),
        date(2023, 2, 28),
        date(2023, 3, 31),
        date(2023, 4, 30),
    )
    assert due_dates(date(2024, 1, 31), MONTHLY, 3)[1] == date(2024, 2, 29)


def test_thirtieth_anchor_uses_last_day_of_february_then_the_thirtieth() -> None:
    assert due_dates(date(2023, 1, 30), MONTHLY, 3) == (date(2023, 1, 30), date(2023, 2, 28), date(2023, 3, 30))


def test_add_months_is_computed_from_the_anchor_not_chained() -> None:
    chained = add_months(add_months(date(2023, 1, 31), 1), 1)
    assert chained == date(2023, 3, 28)  # chaining loses the 31st ...
    assert add_months(date(2023, 1, 31), 2) == date(2023, 3, 31)  # ... so schedules never chain
    assert due_date(date(2023, 1, 31), MONTHLY, 2) == date(2023, 3, 31)


def test_negative_steps_give_the_regular_period_before_the_first_due_date() -> None:
    assert due_date(date(2024, 3, 31), MONTHLY, -1) == date(2024, 2, 29)
    assert due_date(date(2024, 3, 15), parse_frequency("biweekly"), -1) == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("name", "second"),
    [
        ("weekly", date(2024, 1, 8)),
        ("biweekly", date(2024, 1, 15)),
        ("semimonthly", date(2024, 1, 16)),
        ("monthly", date(2024, 2, 1)),
        ("quarterly", date(2024, 4, 1)),
        ("semiannual", date(2024, 7, 1)),
        ("annual", date(2025, 1, 1)),
        ("every-10-days", date(2024, 1, 11)),
        ("every-3-weeks", date(2024, 1, 22)),
        ("every-2-months", date(2024, 3, 1)),
    ],
)
def test_frequencies(name: str, second: date) -> None:
    assert due_dates(date(2024, 1, 1), parse_frequency(name), 2)[1] == second


@pytest.mark.parametrize(
    ("name", "per_year"),
    [("weekly", 52), ("biweekly", 26), ("semimonthly", 24), ("monthly", 12), ("quarterly", 4), ("annual", 1)],
)
def test_periods_per_year(name: str, per_year: int) -> None:
    assert parse_frequency(name).periods_per_year == Decimal(per_year)


def test_semimonthly_pairs() -> None:
    first_and_sixteenth = due_dates(date(2024, 1, 1), parse_frequency("semimonthly"), 4)
    assert first_and_sixteenth == (date(2024, 1, 1), date(2024, 1, 16), date(2024, 2, 1), date(2024, 2, 16))
    fifteenth_and_last = due_dates(date(2023, 1, 15), parse_frequency("semimonthly"), 4)
    assert fifteenth_and_last == (date(2023, 1, 15), date(2023, 1, 31), date(2023, 2, 15), date(2023, 2, 28))
    anchored_on_last = due_dates(date(2023, 1, 31), parse_frequency("semimonthly"), 3)
    assert anchored_on_last == (date(2023, 1, 31), date(2023, 2, 15), date(2023, 2, 28))


def test_unknown_frequency_names_the_field() -> None:
    with pytest.raises(FinanceInputError) as info:
        parse_frequency("fortnightly-ish")
    assert info.value.field == "frequency"
    with pytest.raises(FinanceInputError):
        Frequency(FrequencyUnit.MONTH, 13)


def test_frequency_names_round_trip() -> None:
    for name in ("weekly", "biweekly", "semimonthly", "monthly", "quarterly", "semiannual", "annual"):
        assert parse_frequency(name).name == name
    assert parse_frequency("every-5-days").name == "every-5-days"
