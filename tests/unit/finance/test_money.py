from __future__ import annotations

from decimal import Decimal

import pytest

from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import RoundingMode, currency, quantize, round_to_multiple, to_decimal


@pytest.mark.parametrize(
    ("code", "units", "quantum"),
    [
        ("USD", 2, "0.01"),
        ("EUR", 2, "0.01"),
        ("GBP", 2, "0.01"),
        ("JPY", 0, "1"),
        ("KRW", 0, "1"),
        ("BHD", 3, "0.001"),
        ("KWD", 3, "0.001"),
        ("TND", 3, "0.001"),
        ("CLF", 4, "0.0001"),
    ],
)
def test_iso_4217_minor_units(code: str, units: int, quantum: str) -> None:
    cur = currency(code)
    assert cur.minor_units == units
    assert cur.quantum == Decimal(quantum)


def test_unknown_currency_is_rejected_naming_the_field() -> None:
    with pytest.raises(FinanceInputError) as info:
        currency("XYZ")
    assert info.value.field == "currency"


@pytest.mark.parametrize(
    ("amount", "mode", "expected"),
    [
        ("2.345", RoundingMode.HALF_EVEN, "2.34"),
        ("2.355", RoundingMode.HALF_EVEN, "2.36"),
        ("2.345", RoundingMode.HALF_UP, "2.35"),
        ("2.349", RoundingMode.DOWN, "2.34"),
        ("2.341", RoundingMode.UP, "2.35"),
        ("-2.345", RoundingMode.HALF_UP, "-2.35"),
        ("-2.341", RoundingMode.UP, "-2.35"),
    ],
)
def test_quantize_to_cents_by_named_mode(amount: str, mode: RoundingMode, expected: str) -> None:
    assert quantize(Decimal(amount), currency("USD"), mode) == Decimal(expected)


def test_quantize_follows_the_currency() -> None:
    assert str(quantize(Decimal("1234.5"), currency("JPY"), RoundingMode.HALF_EVEN)) == "1234"
    assert str(quantize(Decimal("1.23456"), currency("BHD"), RoundingMode.HALF_UP)) == "1.235"


def test_round_to_multiple() -> None:
    assert round_to_multiple(Decimal("1264.14"), Decimal(1), RoundingMode.UP) == Decimal(1265)
    assert round_to_multiple(Decimal("1264.14"), Decimal(5), RoundingMode.HALF_UP) == Decimal(1265)
    assert round_to_multiple(Decimal("1262.49"), Decimal(5), RoundingMode.HALF_UP) == Decimal(1260)
    assert round_to_multiple(Decimal("10.03"), Decimal("0.05"), RoundingMode.DOWN) == Decimal("10.00")


@pytest.mark.parametrize("value", [0.1, 1.0, float("nan")])
def test_float_is_rejected_never_converted(value: float) -> None:
    with pytest.raises(TypeError):
        to_decimal(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        quantize(value, currency("USD"), RoundingMode.HALF_UP)  # type: ignore[arg-type]


def test_bool_is_not_an_amount() -> None:
    with pytest.raises(TypeError):
        to_decimal(True)


def test_to_decimal_accepts_strings_and_ints_exactly() -> None:
    assert to_decimal("0.1") + to_decimal("0.2") == Decimal("0.3")
    assert to_decimal(7) == Decimal(7)
    with pytest.raises(FinanceInputError):
        to_decimal("Infinity")
    with pytest.raises(FinanceInputError):
        to_decimal("ten")
