"""The inputs of a schedule: loan terms, fees, and the conventions that apply to them.

``LoanTerms`` validates itself on construction; an invalid value raises ``FinanceInputError``
naming the attribute, so a caller can report the field back to the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Final

from loan_engine.finance.calendar import Frequency, FrequencyUnit
from loan_engine.finance.daycount import DayCount
from loan_engine.finance.errors import FinanceInputError
from loan_engine.finance.money import Currency, RoundingMode, currency, require_decimal

__all__ = [
    "MAX_PRINCIPAL",
    "MAX_RATE_DIGITS",
    "MAX_TERM",
    "MONTHLY",
    "Amortization",
    "Fee",
    "InterestMethod",
    "LoanTerms",
    "OddDaysInterest",
]

MAX_TERM: Final = 1200
MAX_PRINCIPAL: Final = Decimal("1e12")
# A rate may carry at most this many digits after the point (as a fraction: 0.065 has 3), which
# keeps every interest amount provably correctly rounded (docs/LOAN_MATH.md, "Exact rounding").
MAX_RATE_DIGITS: Final = 10
MONTHLY: Final = Frequency(FrequencyUnit.MONTH, 1)
USD: Final = currency("USD")


class Amortization(StrEnum):
    """How principal is repaid."""

    LEVEL_PAYMENT = "level-payment"
    LEVEL_PRINCIPAL = "level-principal"
    INTEREST_ONLY = "interest-only"
    BALLOON = "balloon"


class InterestMethod(StrEnum):
    """How a period's interest is computed: rate/periods-per-year, or by days under a day count."""

    PERIODIC = "periodic"
    DAILY = "daily"


class OddDaysInterest(StrEnum):
    """Where interest for the odd days before the first regular period goes."""

    FIRST_INSTALLMENT = "first-installment"
    PREPAID = "prepaid"


@dataclass(frozen=True, slots=True)
class Fee:
    """A fee charged at closing: paid then (or withheld from the proceeds), or financed (added to the
    loan amount and repaid by the installments).

    ``finance_charge``: whether the fee is a finance charge (Reg Z 1026.4(a)), and so a prepaid finance
    charge that reduces the amount financed and counts in the finance charge and the APR. False for the
    fees 1026.4(c) excludes, such as the real-estate-related fees of 1026.4(c)(7) (title examination,
    appraisal, document preparation, notary, credit report): a financed one still adds to the loan amount.
    """

    name: str
    amount: Decimal
    financed: bool = False
    finance_charge: bool = True


def _digits_after_point(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _check_amount(name: str, value: Decimal, cur: Currency) -> None:
    require_decimal(value, name)
    if not value.is_finite() or value <= 0:
        raise FinanceInputError(name, "must be greater than zero")
    if value > MAX_PRINCIPAL:
        raise FinanceInputError(name, f"must not exceed {MAX_PRINCIPAL:,f}")
    if _digits_after_point(value.normalize()) > cur.minor_units:
        raise FinanceInputError(name, f"has more decimal places than {cur.code} allows ({cur.minor_units})")


_ENUM_FIELDS: Final[tuple[tuple[str, type[StrEnum]], ...]] = (
    ("amortization", Amortization),
    ("interest_method", InterestMethod),
    ("day_count", DayCount),
    ("odd_days_interest", OddDaysInterest),
    ("rounding", RoundingMode),
)


@dataclass(frozen=True, slots=True)
class LoanTerms:
    """Everything that determines a schedule. ``annual_rate`` is a fraction (0.065 = 6.5 %)."""

    principal: Decimal
    annual_rate: Decimal
    term: int
    start_date: date
    frequency: Frequency = MONTHLY
    amortization: Amortization = Amortization.LEVEL_PAYMENT
    first_payment_date: date | None = None
    interest_method: InterestMethod = InterestMethod.PERIODIC
    day_count: DayCount = DayCount.THIRTY_360_US
    odd_days_interest: OddDaysInterest = OddDaysInterest.FIRST_INSTALLMENT
    balloon_amount: Decimal | None = None
    amortization_term: int | None = None
    fees: tuple[Fee, ...] = field(default=())
    currency: Currency = USD
    rounding: RoundingMode = RoundingMode.HALF_UP
    installment_multiple: Decimal | None = None

    def __post_init__(self) -> None:
        self._coerce_enums()
        _check_amount("principal", self.principal, self.currency)
        self._check_rate()
        if isinstance(self.term, bool) or not isinstance(self.term, int) or not 1 <= self.term <= MAX_TERM:
            raise FinanceInputError("term", f"must be a whole number of periods from 1 to {MAX_TERM}")
        if self.first_payment_date is not None and self.first_payment_date <= self.start_date:
            raise FinanceInputError("first_payment_date", "must be after the start date")
        self._check_balloon()
        self._check_fees()
        self._check_multiple()

    def _coerce_enums(self) -> None:
        """Accept the wire names (``"level-payment"``) as well as the enum members."""
        for name, kind in _ENUM_FIELDS:
            value = getattr(self, name)
            if type(value) is kind:
                continue
            try:
                object.__setattr__(self, name, kind(value))
            except ValueError:
                raise FinanceInputError(name, f"unknown value {value!r}") from None

    def _check_rate(self) -> None:
        rate = self.annual_rate
        require_decimal(rate, "annual_rate")
        if not rate.is_finite() or not 0 <= rate <= 1:
            raise FinanceInputError("annual_rate", "must be between 0 and 100 percent")
        if _digits_after_point(rate.normalize()) > MAX_RATE_DIGITS:
            raise FinanceInputError("annual_rate", f"has more than {MAX_RATE_DIGITS - 2} decimal places")

    def _check_balloon(self) -> None:
        is_balloon = self.amortization is Amortization.BALLOON
        if not is_balloon:
            if self.balloon_amount is not None:
                raise FinanceInputError("balloon_amount", "applies only to balloon amortization")
            if self.amortization_term is not None:
                raise FinanceInputError("amortization_term", "applies only to balloon amortization")
            return
        if (self.balloon_amount is None) == (self.amortization_term is None):
            raise FinanceInputError(
                "balloon_amount", "a balloon needs exactly one of balloon amount or amortization term"
            )
        if self.balloon_amount is not None:
            _check_amount("balloon_amount", self.balloon_amount, self.currency)
            if self.balloon_amount >= self.loan_amount:
                raise FinanceInputError("balloon_amount", "must be less than the loan amount")
        term = self.amortization_term
        if term is not None and not self.term < term <= MAX_TERM:
            raise FinanceInputError("amortization_term", f"must be longer than the term and at most {MAX_TERM} periods")

    def _check_fees(self) -> None:
        for index, fee in enumerate(self.fees):
            _check_amount(f"fees.{index}.amount", fee.amount, self.currency)
        if self.fees_at_closing >= self.principal:
            raise FinanceInputError("fees", "fees paid at closing must be less than the principal")

    def _check_multiple(self) -> None:
        multiple = self.installment_multiple
        if multiple is None:
            return
        require_decimal(multiple, "installment_multiple")
        if not multiple.is_finite() or multiple <= 0:
            raise FinanceInputError("installment_multiple", "must be greater than zero")
        if multiple % self.currency.quantum != 0:
            raise FinanceInputError(
                "installment_multiple", f"must be a multiple of the {self.currency.code} minor unit"
            )
        if self.amortization is Amortization.INTEREST_ONLY:
            raise FinanceInputError("installment_multiple", "does not apply to interest-only loans")

    @property
    def financed_fees(self) -> Decimal:
        """Fees added to the loan amount, finance charges or not."""
        return sum((fee.amount for fee in self.fees if fee.financed), Decimal(0))

    @property
    def fees_at_closing(self) -> Decimal:
        """Fees the borrower pays at closing (or that are withheld from the proceeds)."""
        return sum((fee.amount for fee in self.fees if not fee.financed), Decimal(0))

    @property
    def finance_charge_fees(self) -> Decimal:
        """Fees that are prepaid finance charges (1026.2(a)(23)), financed or paid at closing."""
        return sum((fee.amount for fee in self.fees if fee.finance_charge), Decimal(0))

    @property
    def total_fees(self) -> Decimal:
        """Every fee, finance charge or not."""
        return sum((fee.amount for fee in self.fees), Decimal(0))

    @property
    def loan_amount(self) -> Decimal:
        """The note amount: principal plus financed fees; the schedule repays exactly this."""
        return self.principal + self.financed_fees if self.fees else self.principal
