"""Exact money: ``Decimal`` amounts, ISO 4217 minor units and named rounding modes.

A ``float`` is never accepted as money or as a rate: it is rejected with ``TypeError``, never
converted, because a binary float cannot hold most decimal fractions (0.1 is not 1/10).
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Final

from loan_engine.finance.errors import FinanceInputError

__all__ = [
    "CURRENCIES",
    "Currency",
    "RoundingMode",
    "currency",
    "finance_context",
    "from_minor_units",
    "quantize",
    "require_decimal",
    "round_to_multiple",
    "to_decimal",
    "to_minor_units",
]

# Working precision for every computation in ``finance``: 34 significant digits (IEEE 754
# decimal128). Periodic rates carry 38 digits, so that ``balance * rate`` rounded to 34 digits
# still rounds every exact tie the way exact rational arithmetic would (docs/LOAN_MATH.md,
# "Exact rounding"); 38 digits is also the most that fits two libmpdec words, which keeps the
# multiplication in the schedule loop fast.
WORK_PRECISION: Final = 34
RATE_PRECISION: Final = 38

_TRAPS: Final = [decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow]


def finance_context(prec: int = WORK_PRECISION) -> decimal.Context:
    """Return a fresh, fully specified Decimal context (never the caller's ambient one)."""
    return decimal.Context(
        prec=prec,
        rounding=decimal.ROUND_HALF_EVEN,
        Emax=999_999,
        Emin=-999_999,
        traps=list(_TRAPS),
    )


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


_DECIMAL_MODES: Final[dict[RoundingMode, str]] = {
    RoundingMode.HALF_EVEN: decimal.ROUND_HALF_EVEN,
    RoundingMode.HALF_UP: decimal.ROUND_HALF_UP,
    RoundingMode.DOWN: decimal.ROUND_DOWN,
    RoundingMode.UP: decimal.ROUND_UP,
}


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
    return amount.quantize(cur.quantum, rounding=_DECIMAL_MODES[mode])


def round_to_multiple(amount: Decimal, multiple: Decimal, mode: RoundingMode) -> Decimal:
    """Round ``amount`` to an integer multiple of ``multiple`` (e.g. whole units, 0.05) by mode.

    The result keeps the exponent of ``multiple`` so ``round_to_multiple(12.3, 1, up)`` is ``13``.
    """
    require_decimal(amount, "amount")
    require_decimal(multiple, "multiple")
    if multiple <= 0:
        raise FinanceInputError("installment_multiple", "must be greater than zero")
    with decimal.localcontext(finance_context()):
        units = (amount / multiple).quantize(Decimal(1), rounding=_DECIMAL_MODES[mode])
        return units * multiple


def to_minor_units(amount: Decimal, cur: Currency) -> int:
    """An amount with at most the currency's decimals as a whole number of minor units: 1580.17 USD -> 158017."""
    return int(amount.scaleb(cur.minor_units))


def from_minor_units(values: Iterable[int], cur: Currency) -> tuple[Decimal, ...]:
    """Minor units back to amounts with the currency's exponent: 158017 USD -> Decimal("1580.17")."""
    with decimal.localcontext(finance_context()):  # exact: at most 18 digits times a power of ten
        return tuple(map(cur.quantum.__mul__, map(Decimal, values)))
