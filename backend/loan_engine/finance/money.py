"""Exact money: ``Decimal`` amounts, ISO 4217 minor units, named rounding modes and ``Money``.

A ``float`` is never accepted as money or as a rate: it is rejected with ``TypeError``, never
converted, because a binary float cannot hold most decimal fractions (0.1 is not 1/10).

``Money`` is an amount in one currency, always a whole number of the currency's minor units. It adds
and compares only with Money of the same currency, and it is multiplied only through a named rounding
mode, so no amount ever gains a fraction of a cent silently.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Final

from loan_engine.finance.errors import CurrencyMismatchError, FinanceInputError

__all__ = [
    "CURRENCIES",
    "Currency",
    "Money",
    "RoundingMode",
    "currency",
    "finance_context",
    "quantize",
    "require_decimal",
    "round_to_multiple",
    "to_decimal",
]

# Working precision for every computation in ``finance``: 34 significant digits (IEEE 754
# decimal128). Periodic rates carry 38 digits, so that ``balance * rate`` rounded to 34 digits
# still rounds every exact tie the way exact rational arithmetic would (docs/LOAN_MATH.md,
# "Exact rounding"); 38 digits is also the most that fits two libmpdec words, which keeps the
# multiplication in the schedule loop fast.
WORK_PRECISION: Final = 34
RATE_PRECISION: Final = 38

_TRAPS: Final = [decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow]


def finance_context(prec: int = WORK_PRECISION, rounding: str = decimal.ROUND_HALF_EVEN) -> decimal.Context:
    """Return a fresh, fully specified Decimal context (never the caller's ambient one); computations
    round half-even, and only an explicit step rounds by another mode."""
    return decimal.Context(
        prec=prec,
        rounding=rounding,
        Emax=999_999,
        Emin=-999_999,
        traps=list(_TRAPS),
    )


_WORK: Final = finance_context()


class RoundingMode(StrEnum):
    """Rounding modes by name; every rounding in Loan Engine names one of these."""

    HALF_EVEN = "half-even"
    HALF_UP = "half-up"
    DOWN = "down"
    UP = "up"

    @property
    def decimal_mode(self) -> str:
        """The ``decimal`` module constant for this mode."""
        return _DECIMAL_MODES[self]

    @property
    def context(self) -> decimal.Context:
        """A working context (34 digits) that rounds by this mode: ``mode.context.quantize(x, quantum)``
        rounds ``x`` to ``quantum`` by the mode, a little faster than ``x.quantize(quantum, mode)``."""
        return _MODE_CONTEXTS[self]


_DECIMAL_MODES: Final[dict[RoundingMode, str]] = {
    RoundingMode.HALF_EVEN: decimal.ROUND_HALF_EVEN,
    RoundingMode.HALF_UP: decimal.ROUND_HALF_UP,
    RoundingMode.DOWN: decimal.ROUND_DOWN,
    RoundingMode.UP: decimal.ROUND_UP,
}
_MODE_CONTEXTS: Final = {mode: finance_context(rounding=_DECIMAL_MODES[mode]) for mode in RoundingMode}


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency and the exponent of its minor unit (USD 2, JPY 0, BHD 3)."""

    code: str
    minor_units: int
    quantum: Decimal = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The smallest amount of the currency: ``10 ** -minor_units`` (0.01 for USD).
        object.__setattr__(self, "quantum", Decimal(1).scaleb(-self.minor_units))


# ISO 4217 minor units (list of active codes, exponent column). Codes not listed are rejected.
_TWO_DECIMALS: Final = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL
HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP
MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD
SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS
VES WST XCD YER ZAR ZMW ZWG
"""
_NO_DECIMALS: Final = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
_THREE_DECIMALS: Final = "BHD IQD JOD KWD LYD OMR TND"
_FOUR_DECIMALS: Final = "CLF UYW"


def _minor_units() -> dict[str, int]:
    """ISO 4217 minor units (list of active codes, exponent column). Codes not listed are rejected."""
    table: dict[str, int] = {}
    for text, units in ((_TWO_DECIMALS, 2), (_NO_DECIMALS, 0), (_THREE_DECIMALS, 3), (_FOUR_DECIMALS, 4)):
        table.update(dict.fromkeys(text.split(), units))
    return table


CURRENCIES: Final[dict[str, Currency]] = {code: Currency(code, units) for code, units in sorted(_minor_units().items())}


def currency(code: str) -> Currency:
    """Look up an ISO 4217 currency by its alphabetic code (case-sensitive, e.g. ``"USD"``)."""
    try:
        return CURRENCIES[code]
    except KeyError:
        raise FinanceInputError("currency", f"unknown ISO 4217 currency code {code!r}") from None


def require_decimal(value: object, field: str) -> Decimal:
    """Return ``value`` if it is a finite ``Decimal``; a ``float`` (or anything else) is a TypeError."""
    if not isinstance(value, Decimal):
        raise TypeError(f"{field}: must be a Decimal, not {type(value).__name__}")
    return value


def to_decimal(value: Decimal | int | str, field: str = "amount") -> Decimal:
    """Convert an exact value to ``Decimal``; reject ``float`` (TypeError) and non-finite values.

    Rule: money and rates are built from strings or integers only (house convention). ``bool``
    is rejected too, since ``True`` is an ``int`` but never an amount.
    """
    if isinstance(value, float | bool):
        raise TypeError(f"{field}: {type(value).__name__} is not accepted for money; use Decimal or str")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except decimal.InvalidOperation:
            raise FinanceInputError(field, f"{value!r} is not a decimal number") from None
    else:
        raise TypeError(f"{field}: {type(value).__name__} is not accepted for money")
    if not result.is_finite():
        raise FinanceInputError(field, "must be a finite number")
    return result


def quantize(amount: Decimal, cur: Currency, mode: RoundingMode) -> Decimal:
    """Round ``amount`` to the currency's minor unit with the named mode (ISO 4217 exponent)."""
    require_decimal(amount, "amount")
    return amount.quantize(cur.quantum, rounding=_DECIMAL_MODES[mode], context=_WORK)


def round_to_multiple(amount: Decimal, multiple: Decimal, mode: RoundingMode) -> Decimal:
    """Round ``amount`` to an integer multiple of ``multiple`` (e.g. whole units, 0.05) by mode.

    The result keeps the exponent of ``multiple`` so ``round_to_multiple(12.3, 1, up)`` is ``13``.
    """
    require_decimal(amount, "amount")
    require_decimal(multiple, "multiple")
    if multiple <= 0:
        raise FinanceInputError("installment_multiple", "must be greater than zero")
    with decimal.localcontext(_WORK):
        units = (amount / multiple).quantize(Decimal(1), rounding=_DECIMAL_MODES[mode])
        return units * multiple


# Sums and differences of Money are exact; this context traps Inexact, so an amount that cannot be held
# to the minor unit raises instead of being rounded behind the caller's back.
_EXACT: Final = decimal.Context(
    prec=WORK_PRECISION,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[*_TRAPS, decimal.Inexact],
)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of one currency, always a whole number of its minor units: ``Money.of("12.50", "USD")``.

    * Built from ``Decimal`` (or, through ``of``, from ``int`` and ``str``); a ``float`` is a TypeError.
    * An amount with more decimals than the currency has is refused (``of``), or rounded by a named mode
      (``rounded``); the amount is kept with the currency's exponent (``Money.of(5, "USD")`` is 5.00).
    * ``+``, ``-`` and the comparisons take Money of the same currency only (another currency raises
      ``CurrencyMismatchError``; a bare number is a TypeError); they are exact.
    * Multiplication names its rounding: ``price.times(Decimal("0.065"), RoundingMode.HALF_UP)``.
    """

    amount: Decimal
    currency: Currency

    def __post_init__(self) -> None:
        cur = self.currency
        if not isinstance(cur, Currency):
            raise TypeError(f"currency: must be a Currency, not {type(cur).__name__}")
        amount = require_decimal(self.amount, "amount")
        if not amount.is_finite():
            raise FinanceInputError("amount", "must be a finite number")
        try:
            # The context's method, not ``amount.quantize(..., context=...)``: the same operation without
            # parsing a keyword argument, which costs more than the rounding (a quote makes a dozen Money).
            exact = _EXACT.quantize(amount, cur.quantum)
        except decimal.Inexact:
            raise FinanceInputError(
                "amount", f"has more decimal places than {self.currency.code} allows ({self.currency.minor_units})"
            ) from None
        except decimal.InvalidOperation:
            raise FinanceInputError("amount", "is too large") from None
        object.__setattr__(self, "amount", exact if exact else exact.copy_abs())  # never "-0.00"

    @classmethod
    def of(cls, amount: Decimal | int | str, cur: Currency | str) -> Money:
        """Money from an exact value and a currency or its ISO 4217 code."""
        return cls(to_decimal(amount), cur if isinstance(cur, Currency) else currency(cur))

    @classmethod
    def zero(cls, cur: Currency) -> Money:
        """Nothing, in ``cur`` (0.00 USD)."""
        return cls(Decimal(0), cur)

    @classmethod
    def rounded(cls, amount: Decimal, cur: Currency, mode: RoundingMode) -> Money:
        """``amount`` rounded to the currency's minor unit by the named mode (an interest amount, say)."""
        return cls(quantize(amount, cur, mode), cur)

    @classmethod
    def total(cls, amounts: Iterable[Money], cur: Currency) -> Money:
        """The sum of ``amounts``, all in ``cur`` (zero when there are none)."""
        return sum(amounts, cls.zero(cur))

    def _same_currency(self, other: object) -> Currency:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        cur = self.currency
        # Currencies are looked up in one table, so the same currency is nearly always the same object;
        # the identity test spares the dataclass comparison, which builds two tuples.
        if other.currency is not cur and other.currency != cur:
            raise CurrencyMismatchError(cur.code, other.currency.code)
        return cur

    def __add__(self, other: Money) -> Money:
        cur = self._same_currency(other)
        return Money(_EXACT.add(self.amount, other.amount), cur)

    def __sub__(self, other: Money) -> Money:
        cur = self._same_currency(other)
        return Money(_EXACT.subtract(self.amount, other.amount), cur)

    def __neg__(self) -> Money:
        return Money(_EXACT.minus(self.amount), self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def times(self, factor: Decimal | int, mode: RoundingMode) -> Money:
        """``amount * factor`` rounded to the minor unit by ``mode`` (the one rounding step is explicit).

        The product is formed at 34 significant digits and rounded once (docs/LOAN_MATH.md, "Exact rounding").
        """
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            raise TypeError(f"factor: must be a Decimal or int, not {type(factor).__name__}")
        product = _WORK.multiply(self.amount, Decimal(factor))
        return Money.rounded(product, self.currency, mode)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency.code}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency.code}')"
