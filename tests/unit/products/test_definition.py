"""Product versions: what cannot be published, and the loan terms a version gives."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

import msgspec
import pytest

from loan_engine.errors import ValidationError
from loan_engine.finance.disclosure import disclose
from loan_engine.finance.money import currency
from loan_engine.finance.schedule import build_schedule
from loan_engine.products.definition import example, loan_terms, origination_fee, problems, rate_for, term_months
from loan_engine.products.schemas import ProductDefinition

USD = currency("USD")


def raw() -> dict[str, Any]:
    text = resources.files("loan_engine.products").joinpath("default", "personal-loan.json").read_text()
    definition: dict[str, Any] = json.loads(text)["definition"]
    return definition


def definition(changes: dict[str, Any] | None = None) -> ProductDefinition:
    data = raw()
    for path, value in (changes or {}).items():
        target: Any = data
        *parents, last = path.split(".")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return msgspec.convert(data, ProductDefinition)


def fields(defn: ProductDefinition) -> list[str]:
    return [e.field for e in problems(defn, USD)]


def test_the_shipped_personal_loan_is_publishable() -> None:
    assert problems(definition(), USD) == []


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"amount.min": "60000"}, "definition.amount.min", "above the maximum"),
        ({"amount.default": "1000"}, "definition.amount.default", "between"),
        ({"amount.min": "10.005"}, "definition.amount.min", "decimals"),
        ({"term.minMonths": 80}, "definition.term.minMonths", "above the maximum"),
        (
            {"term.minMonths": 1, "term.maxMonths": 2, "term.defaultMonths": 1, "frequencies": ["quarterly"]},
            "definition.frequencies.0",
            "quarterly payments cannot make a term of 1 to 2 months",
        ),
        ({"pricing.ceiling": "5"}, "definition.pricing.ceiling", "below the floor"),
        ({"pricing.grades": ["A", "B", "C", "D", "E", "F"]}, "definition.pricing.grid", "no rates for grade F"),
        ({"pricing.grid.0.rates": ["7.99"]}, "definition.pricing.grid.0.rates", "2 rate(s)"),
        ({"pricing.grid.4.rates": ["27.99", "39.99"]}, "definition.pricing.grid.4.rates.1", "outside the floor"),
        (
            {"pricing.termBands": [{"upToMonths": 36}, {"upToMonths": 60}]},
            "definition.pricing.termBands.1.upToMonths",
            "longest term",
        ),
        ({"allocation.pastDue": ["fees", "interest"]}, "definition.allocation.pastDue", "leaves out principal"),
        ({"allocation.current": ["fees", "fees", "principal"]}, "definition.allocation.current", "leaves out interest"),
        ({"delinquency.nonAccrualDays": 200}, "definition.delinquency.nonAccrualDays", "charge-off"),
        (
            {"fees.origination.kind": "flat", "fees.origination.amount": None},
            "definition.fees.origination.amount",
            "needs an amount",
        ),
        (
            {"fees.origination": {"kind": "flat", "amount": "2500", "treatment": "deducted"}},
            "definition.fees.origination",
            "smallest loan",
        ),
        ({"installmentMultiple": "0.001"}, "definition.installmentMultiple", "minor unit"),
    ],
)
def test_a_version_that_cannot_make_a_valid_loan_names_the_field(
    changes: dict[str, Any], field: str, words: str
) -> None:
    found = problems(definition(changes), USD)
    assert field in [e.field for e in found]
    assert words in next(e.message for e in found if e.field == field)


def test_term_bands_pick_the_rate_by_months() -> None:
    defn = definition()
    assert rate_for(defn, "A", Decimal(36)) == Decimal("7.99")
    assert rate_for(defn, "A", Decimal(37)) == Decimal("8.99")
    assert rate_for(defn, "E", Decimal(72)) == Decimal("29.99")
    with pytest.raises(ValidationError, match="grade"):
        rate_for(defn, "Z", Decimal(36))


def test_biweekly_payments_are_measured_in_months() -> None:
    terms = loan_terms(definition(), USD, Decimal(15000), 78, "biweekly", "B", date(2026, 1, 1))
    assert term_months(78, terms.frequency) == Decimal(36)
    assert terms.annual_rate == Decimal("0.1099")


@pytest.mark.parametrize(
    ("principal", "periods", "frequency", "field"),
    [
        ("1999", 36, "monthly", "principal"),
        ("50001", 36, "monthly", "principal"),
        ("15000", 11, "monthly", "termPeriods"),
        ("15000", 73, "monthly", "termPeriods"),
        ("15000", 36, "weekly", "frequency"),
    ],
)
def test_a_loan_outside_the_product_is_refused_by_field(
    principal: str, periods: int, frequency: str, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        loan_terms(definition(), USD, Decimal(principal), periods, frequency, "A", date(2026, 1, 1))
    assert [e.field for e in caught.value.errors] == [field]


def test_the_origination_fee_is_a_percent_kept_within_its_bounds() -> None:
    defn = definition()
    assert origination_fee(defn, Decimal(15000), USD) == origination_fee(defn, Decimal("15000.00"), USD)
    fee = origination_fee(defn, Decimal(15000), USD)
    assert fee is not None
    assert (fee.amount, fee.financed) == (Decimal("450.00"), False)
    small = origination_fee(defn, Decimal(2000), USD)
    large = origination_fee(defn, Decimal(50000), USD)
    assert small is not None
    assert large is not None
    assert (small.amount, large.amount) == (Decimal(75), Decimal(1000))


def test_a_product_loan_prices_exactly_like_the_same_quote() -> None:
    terms = loan_terms(definition(), USD, Decimal(15000), 36, "monthly", "C", date(2026, 1, 15))
    schedule = build_schedule(terms)
    assert schedule.regular_payment.amount == Decimal("519.91")  # 15,000 at 14.99 % over 36 months
    assert disclose(schedule).amount_financed.amount == Decimal("14550.00")  # the 450.00 fee is withheld


def test_the_example_is_priced_at_the_costliest_grade_with_the_apr_range() -> None:
    shown = example(definition(), USD, date(2026, 12, 2))
    assert (shown.amount, shown.term_periods, shown.frequency) == (Decimal(15000), 36, "monthly")
    assert shown.rate == Decimal("27.99")
    assert shown.apr == shown.apr_high
    assert shown.apr_low < shown.apr_high
    assert shown.apr > shown.rate  # the withheld fee raises the APR above the note rate
