"""Wire types of loan products. A version's ``definition`` is stored as sent (JSONB, amounts as strings,
so the exact decimal text survives) and checked by ``definition.problems`` before it can be published."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Final

import msgspec

from loan_engine.api.types import Amount, ApiStruct, Percent
from loan_engine.errors import pattern_meaning
from loan_engine.finance.daycount import DayCount
from loan_engine.finance.money import RoundingMode
from loan_engine.finance.terms import InterestMethod, OddDaysInterest

__all__ = [
    "AllocationIn",
    "AmountLimits",
    "DelinquencyIn",
    "FeeKind",
    "FeeTreatment",
    "FeesIn",
    "Grade",
    "GradeRates",
    "LateFeeIn",
    "OriginationFeeIn",
    "OverpaymentRule",
    "PaymentComponent",
    "PricingIn",
    "ProductAmortization",
    "ProductCode",
    "ProductDefinition",
    "ProductFrequency",
    "ReturnedPaymentFeeIn",
    "TermBand",
    "TermLimits",
    "VersionStatus",
]

MAX_GRADES: Final = 26
MAX_BANDS: Final = 20
Months = Annotated[int, msgspec.Meta(ge=1, le=600, description="A term in months")]
Grade = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern_meaning("^[A-Z][A-Z0-9+-]{0,7}$", "must be a risk grade such as A, B2 or C+"), examples=["A"]
    ),
]
ProductCode = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern_meaning("^[A-Z][A-Z0-9-]{1,31}$", "must be 2 to 32 capitals, digits or dashes, such as PL-36"),
        examples=["PERSONAL"],
    ),
]


class ProductFrequency(StrEnum):
    """The payment frequencies a product may offer."""

    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    SEMIMONTHLY = "semimonthly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"


class ProductAmortization(StrEnum):
    """How a product's loans repay principal (balloon loans are priced by quote, not yet by product)."""

    LEVEL_PAYMENT = "level-payment"
    LEVEL_PRINCIPAL = "level-principal"
    INTEREST_ONLY = "interest-only"


class FeeKind(StrEnum):
    FLAT = "flat"
    PERCENT = "percent"


class FeeTreatment(StrEnum):
    """Financed: added to the loan amount. Deducted: withheld from the amount paid out."""

    FINANCED = "financed"
    DEDUCTED = "deducted"


class PaymentComponent(StrEnum):
    FEES = "fees"
    INTEREST = "interest"
    PRINCIPAL = "principal"


class OverpaymentRule(StrEnum):
    """What money beyond what is due does: shorten the loan, or lower the installments."""

    REDUCE_TERM = "reduce-term"
    REDUCE_PAYMENT = "reduce-payment"


class AmountLimits(ApiStruct):
    min: Amount
    default: Amount
    max: Amount


class TermLimits(ApiStruct):
    """Term limits in months; a loan's number of payments at its frequency must fall inside them."""

    min_months: Months
    default_months: Months
    max_months: Months


class TermBand(ApiStruct):
    """A pricing column: terms up to and including ``upToMonths`` (after the previous band)."""

    up_to_months: Months


class GradeRates(ApiStruct):
    """A grade's annual rates in percent, one per term band (one rate when there are no bands)."""

    grade: Grade
    rates: Annotated[list[Percent], msgspec.Meta(min_length=1, max_length=MAX_BANDS)]


class PricingIn(ApiStruct):
    """Risk-based pricing: grades best first, their rates by term band, within a floor and a ceiling."""

    floor: Percent
    ceiling: Percent
    grades: Annotated[list[Grade], msgspec.Meta(min_length=1, max_length=MAX_GRADES)]
    grid: Annotated[list[GradeRates], msgspec.Meta(min_length=1, max_length=MAX_GRADES)]
    term_bands: Annotated[list[TermBand], msgspec.Meta(max_length=MAX_BANDS)] = msgspec.field(default_factory=list)


class OriginationFeeIn(ApiStruct):
    """Flat ``amount``, or ``percent`` of the principal kept within ``min``/``max``."""

    kind: FeeKind
    treatment: FeeTreatment
    amount: Amount | None = None
    percent: Percent | None = None
    min: Amount | None = None
    max: Amount | None = None
    finance_charge: bool = True


class LateFeeIn(ApiStruct):
    """Flat ``amount``, or ``percent`` of the past-due installment up to ``cap``, after ``graceDays``."""

    kind: FeeKind
    grace_days: Annotated[int, msgspec.Meta(ge=0, le=90)]
    amount: Amount | None = None
    percent: Percent | None = None
    cap: Amount | None = None


class ReturnedPaymentFeeIn(ApiStruct):
    amount: Amount


class FeesIn(ApiStruct):
    origination: OriginationFeeIn | None = None
    late: LateFeeIn | None = None
    returned_payment: ReturnedPaymentFeeIn | None = None


class AllocationIn(ApiStruct):
    """The payment waterfall: past-due amounts first in ``pastDue`` order, then current in ``current`` order."""

    past_due: list[PaymentComponent]
    current: list[PaymentComponent]
    overpayment: OverpaymentRule


class DelinquencyIn(ApiStruct):
    """Days past due at which close of business stops accruing interest, and charges the loan off."""

    non_accrual_days: Annotated[int, msgspec.Meta(ge=1, le=3_650)]
    charge_off_days: Annotated[int, msgspec.Meta(ge=1, le=3_650)]


class ProductDefinition(ApiStruct):
    """Everything a schedule, an offer and servicing need from a product version."""

    amount: AmountLimits
    term: TermLimits
    frequencies: Annotated[list[ProductFrequency], msgspec.Meta(min_length=1, max_length=7)]
    pricing: PricingIn
    allocation: AllocationIn
    delinquency: DelinquencyIn
    amortization: ProductAmortization = ProductAmortization.LEVEL_PAYMENT
    interest_method: InterestMethod = InterestMethod.PERIODIC
    day_count: DayCount = DayCount.THIRTY_360_US
    rounding_mode: RoundingMode = RoundingMode.HALF_UP
    installment_multiple: Amount | None = None
    odd_days_interest: OddDaysInterest = OddDaysInterest.FIRST_INSTALLMENT
    fees: FeesIn = msgspec.field(default_factory=FeesIn)
    offer_validity_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 30


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"
