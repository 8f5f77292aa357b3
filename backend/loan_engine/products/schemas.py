"""Wire types of loan products. A version's ``definition`` is stored as sent (JSONB, amounts as strings,
so the exact decimal text survives) and checked by ``definition.problems`` before it can be published."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Final

import msgspec

from loan_engine.api.types import Amount, ApiStruct, Percent
from loan_engine.errors import pattern_meaning
from loan_engine.finance.daycount import DayCount
from loan_engine.finance.money import RoundingMode
from loan_engine.finance.terms import InterestMethod, OddDaysInterest

__all__ = [
    "AllocationIn",
    "AmountLimits",
    "Change",
    "DelinquencyIn",
    "DraftUpdate",
    "ExampleOut",
    "FeeKind",
    "FeeTreatment",
    "FeesIn",
    "Grade",
    "GradeRates",
    "LateFeeIn",
    "NewDraft",
    "OriginationFeeIn",
    "OverpaymentRule",
    "PaymentComponent",
    "PricingIn",
    "Problem",
    "ProductAmortization",
    "ProductCode",
    "ProductCreate",
    "ProductDefinition",
    "ProductFrequency",
    "ProductPage",
    "ProductRead",
    "PublicProduct",
    "ReturnedPaymentFeeIn",
    "TermBand",
    "TermLimits",
    "VersionDiff",
    "VersionRead",
    "VersionStatus",
    "VersionSummary",
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


# --- requests and responses of the product routes ------------------------------------------------


class ProductCreate(ApiStruct):
    """A new product and its first draft version."""

    code: ProductCode
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$", examples=["USD"])]
    definition: ProductDefinition
    description: Annotated[str, msgspec.Meta(max_length=2_000)] = ""


class DraftUpdate(ApiStruct):
    """Replace a draft's definition (and its note saying what changed)."""

    definition: ProductDefinition
    note: Annotated[str, msgspec.Meta(max_length=2_000)] = ""


class NewDraft(ApiStruct):
    """Start a draft from ``fromVersion`` (default: the latest version)."""

    from_version: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None


class Problem(ApiStruct):
    field: str
    message: str


class VersionSummary(ApiStruct):
    version: int
    status: VersionStatus
    created_at: datetime.datetime
    published_at: datetime.datetime | None
    retired_at: datetime.datetime | None
    note: str


class VersionRead(ApiStruct):
    """A version with its definition; ``problems`` says what stops a draft from being published."""

    product_code: str
    version: int
    status: VersionStatus
    definition: ProductDefinition
    note: str
    created_at: datetime.datetime
    created_by: uuid.UUID | None
    published_at: datetime.datetime | None
    retired_at: datetime.datetime | None
    problems: list[Problem]


class ProductRead(ApiStruct):
    code: str
    name: str
    currency: str
    description: str
    created_at: datetime.datetime
    versions: list[VersionSummary]


class ProductPage(ApiStruct):
    items: list[ProductRead]
    next_cursor: str | None


class Change(ApiStruct):
    """One difference between two versions: a dotted path into the definition, with both values."""

    path: str
    before: Any
    after: Any


class VersionDiff(ApiStruct):
    from_version: int
    to_version: int
    changes: list[Change]


class ExampleOut(ApiStruct):
    """A representative loan (Reg Z 1026.24(d)), at the costliest grade, and the APR range of all grades."""

    amount: Decimal
    term_periods: int
    frequency: str
    annual_rate: Decimal
    payment: Decimal
    apr: Decimal
    finance_charge: Decimal
    total_of_payments: Decimal
    apr_from: Decimal
    apr_to: Decimal


class PublicProduct(ApiStruct):
    """A product on offer: its published version's limits and a representative example."""

    code: str
    name: str
    currency: str
    description: str
    version: int
    amount: AmountLimits
    term: TermLimits
    frequencies: list[ProductFrequency]
    grades: list[str]
    rate_from: Decimal
    rate_to: Decimal
    example: ExampleOut
