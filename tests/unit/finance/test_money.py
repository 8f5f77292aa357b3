"""Currencies, named rounding modes, and the invariants of Money (hypothesis)."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loan_engine.finance.errors import CurrencyMismatchError, FinanceInputError
from loan_engine.finance.money import Money, RoundingMode, currency, quantize, round_to_multiple, to_decimal


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


# --- Money -------------------------------------------------------------------------------------------

CODES = ["USD", "JPY", "BHD", "CLF"]


@st.composite
def moneys(draw: st.DrawFn, code: str | None = None) -> Money:
    cur = currency(code or draw(st.sampled_from(CODES)))
    units = draw(st.integers(min_value=-(10**15), max_value=10**15))
    return Money(Decimal(units).scaleb(-cur.minor_units), cur)


@st.composite
def same_currency(draw: st.DrawFn, count: int) -> list[Money]:
    code = draw(st.sampled_from(CODES))
    return [draw(moneys(code)) for _ in range(count)]


def usd(amount: str | int) -> Money:
    return Money.of(amount, "USD")


def test_money_keeps_the_currency_exponent() -> None:
    assert str(usd(5)) == "5.00 USD"
    assert usd("5.1").amount.as_tuple().exponent == -2
    assert str(Money.of("1200", "JPY")) == "1200 JPY"
    assert repr(usd("12.50")) == "Money('12.50', 'USD')"


def test_money_refuses_floats_and_fractions_of_the_minor_unit() -> None:
    with pytest.raises(TypeError):
        Money(0.1, currency("USD"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.of(0.1, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        usd(1).times(0.5, RoundingMode.HALF_UP)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        usd(1) + Decimal(1)  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(Decimal(1), "USD")  # type: ignore[arg-type]
    with pytest.raises(FinanceInputError) as info:
        usd("1.005")
    assert info.value.field == "amount"
    with pytest.raises(FinanceInputError):
        Money(Decimal("NaN"), currency("USD"))


def test_money_refuses_mixed_currencies() -> None:
    euros = Money.of(1, "EUR")
    for combine in (lambda: usd(1) + euros, lambda: usd(1) - euros, lambda: usd(1) < euros, lambda: usd(1) >= euros):
        with pytest.raises(CurrencyMismatchError) as info:
            combine()
        assert info.value.field == "currency"
    assert usd(1) != euros  # equality never raises: different currencies are simply different amounts


def test_rounding_goes_through_a_named_mode() -> None:
    assert Money.rounded(Decimal("2.345"), currency("USD"), RoundingMode.HALF_EVEN) == usd("2.34")
    assert Money.rounded(Decimal("2.345"), currency("USD"), RoundingMode.HALF_UP) == usd("2.35")
    # One month of 6.5 % on 1,212.00 is 6.565 exactly: the tie goes by the mode, given the rate to 38 digits
    # (at 28 the product is 6.56500...04 and half-even goes up: docs/LOAN_MATH.md, "Exact rounding").
    monthly = decimal.Context(prec=38).divide(Decimal("0.065"), 12)
    assert usd("1212.00").times(monthly, RoundingMode.HALF_EVEN) == usd("6.56")
    assert usd("1212.00").times(monthly, RoundingMode.HALF_UP) == usd("6.57")
    assert usd(10).times(3, RoundingMode.DOWN) == usd(30)


def test_zero_is_never_negative_and_is_falsy() -> None:
    assert str(-Money.zero(currency("USD"))) == "0.00 USD"
    assert str(usd(5) - usd(5)) == "0.00 USD"
    assert not Money.zero(currency("USD"))
    assert usd("0.01")


def test_total_needs_its_currency() -> None:
    assert Money.total([usd(1), usd("2.50")], currency("USD")) == usd("3.50")
    assert Money.total([], currency("JPY")) == Money.of(0, "JPY")
    with pytest.raises(CurrencyMismatchError):
        Money.total([usd(1)], currency("EUR"))


@given(same_currency(3))
def test_addition_is_exact_commutative_and_associative(values: list[Money]) -> None:
    a, b, c = values
    assert a + b == b + a
    assert (a + b) + c == a + (b + c)
    assert (a + b).amount == a.amount + b.amount


@given(same_currency(2))
def test_subtraction_undoes_addition_and_negation_is_its_own_inverse(values: list[Money]) -> None:
    a, b = values
    assert (a + b) - b == a
    assert a - b == a + (-b)
    negated = -a
    assert -negated == a
    assert a + (-a) == Money.zero(a.currency)


@given(same_currency(2))
def test_comparisons_follow_the_amounts(values: list[Money]) -> None:
    a, b = values
    assert (a < b) == (a.amount < b.amount)
    assert (a <= b) == (a.amount <= b.amount)
    assert (a > b) == (b < a)
    assert (a >= b) == (b <= a)
    assert (a == b) == (a.amount == b.amount)


@given(moneys(), st.integers(min_value=-(10**6), max_value=10**6), st.sampled_from(list(RoundingMode)))
def test_multiplication_rounds_once_to_the_minor_unit(value: Money, per_million: int, mode: RoundingMode) -> None:
    factor = Decimal(per_million).scaleb(-6)
    product = value.times(factor, mode)
    exact = value.amount * factor  # at most 22 significant digits: exact in the default context
    quantum = value.currency.quantum
    assert product.currency == value.currency
    assert product.amount == product.amount.quantize(quantum)
    assert abs(product.amount - exact) < quantum  # at most one minor unit away...
    if mode in (RoundingMode.HALF_EVEN, RoundingMode.HALF_UP):
        assert abs(product.amount - exact) * 2 <= quantum  # ...and at most half of one when rounding to nearest
    if mode is RoundingMode.DOWN:
        assert abs(product.amount) <= abs(exact)
    if mode is RoundingMode.UP:
        assert abs(product.amount) >= abs(exact)


@given(moneys())
def test_multiplying_by_one_changes_nothing_and_money_is_hashable(value: Money) -> None:
    assert value.times(1, RoundingMode.HALF_EVEN) == value
    assert hash(Money(value.amount, value.currency)) == hash(value)
    assert Money.of(str(value.amount), value.currency.code) == value
