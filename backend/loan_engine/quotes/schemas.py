"""Request and response types of POST /api/quotes and POST /api/apr (msgspec, camelCase).

Money and rates travel as decimal strings ("1264.14", "6.5"), never JSON numbers: a number in a
money field is a 422. Rates are annual percentages. Dates are ISO ``YYYY-MM-DD``. The closed sets
(amortization, day count, rounding mode, ...) are the ``loan_engine.finance`` enums themselves, so
the OpenAPI document lists their values and there is no second copy to keep in step.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from loan_engine.api.types import ApiStruct
from loan_engine.errors import pattern_meaning
from loan_engine.finance.apr import MAX_FLOWS, Unit
from loan_engine.finance.calendar import EVERY_PATTERN, FrequencyName
from loan_engine.finance.daycount import DayCount
from loan_engine.finance.money import RoundingMode
from loan_engine.finance.terms import MAX_TERM, Amortization, InterestMethod, OddDaysInterest
from loan_engine.products.schemas import ProductDefinition

DecimalString = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern_meaning(
            r"^[+-]?[0-9]{1,15}(\.[0-9]{1,12})?$",
            'must be a decimal number written as a string, such as "1264.14" (at most 12 decimals)',
        ),
        max_length=30,
        description='A decimal number as a string, e.g. "1264.14"',
        examples=["250000"],
    ),
]
RatePercent = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern_meaning(
            r"^[+-]?[0-9]{1,3}(\.[0-9]{1,8})?$",
            'must be an annual percentage written as a string, such as "6.5" (0 to 100, at most 8 decimals)',
        ),
        max_length=14,
        description="Annual rate in percent, 0 to 100, at most 8 decimals",
        examples=["6.5"],
    ),
]
Periods = Annotated[int, msgspec.Meta(description=f"Number of installments, 1 to {MAX_TERM}", examples=[360])]
_NAMED_FREQUENCIES = " | ".join(FrequencyName)
Frequency = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern_meaning(
            f"^({'|'.join(FrequencyName)}|{EVERY_PATTERN})$",
            f"must be one of {_NAMED_FREQUENCIES}, or every-N-days, every-N-weeks, every-N-months",
        ),
        max_length=24,
        description=f"{_NAMED_FREQUENCIES} | every-N-days | every-N-weeks | every-N-months",
        examples=["monthly"],
    ),
]
CurrencyCode = Annotated[
    str, msgspec.Meta(pattern=pattern_meaning(r"^[A-Z]{3}$", "must be an ISO 4217 code such as USD"), examples=["USD"])
]
MAX_FEES = 20


class FeeIn(ApiStruct):
    """A fee charged at closing. ``financed``: added to the loan amount instead of paid at closing.
    ``financeCharge``: whether it is a finance charge (Reg Z 1026.4); false for the fees 1026.4(c)
    excludes, such as appraisal or title fees on a real-estate loan (1026.4(c)(7)), which then count
    neither in the finance charge nor in the APR."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    amount: DecimalString
    financed: bool = False
    finance_charge: bool = True


class QuoteRequest(ApiStruct):
    """A loan to price. Defaults: periodic interest, 30/360, start today (UTC), first payment one
    period after the start, odd-days interest in the first installment, USD, half-up rounding."""

    principal: DecimalString
    annual_rate: RatePercent
    term_periods: Periods
    frequency: Frequency = FrequencyName.MONTHLY.value
    amortization: Amortization = Amortization.LEVEL_PAYMENT
    interest_method: InterestMethod = InterestMethod.PERIODIC
    day_count: DayCount = DayCount.THIRTY_360_US
    start_date: dt.date | None = None
    first_payment_date: dt.date | None = None
    balloon_amount: DecimalString | None = None
    amortization_term: int | None = None
    odd_days_interest: OddDaysInterest = OddDaysInterest.FIRST_INSTALLMENT
    fees: Annotated[list[FeeIn], msgspec.Meta(max_length=MAX_FEES)] = msgspec.field(default_factory=list)
    currency: CurrencyCode = "USD"
    rounding_mode: RoundingMode = RoundingMode.HALF_UP
    installment_multiple: DecimalString | None = None


class ProductQuoteRequest(ApiStruct):
    """A loan on a published product: the rate comes from the product's pricing grid for ``grade`` and the
    term, fees and every other term from the product version. ``frequency`` defaults to the product's
    first; ``startDate`` to today (UTC)."""

    product_code: Annotated[
        str,
        msgspec.Meta(
            pattern=pattern_meaning("^[A-Z][A-Z0-9-]{1,31}$", "must be a product code such as PERSONAL"),
            examples=["PERSONAL"],
        ),
    ]
    grade: Annotated[
        str,
        msgspec.Meta(
            pattern=pattern_meaning("^[A-Z][A-Z0-9+-]{0,7}$", "must be a risk grade such as A, B2 or C+"),
            examples=["B"],
        ),
    ]
    principal: DecimalString
    term_periods: Annotated[int, msgspec.Meta(ge=1, le=MAX_TERM, description=f"Installments, 1 to {MAX_TERM}")]
    frequency: Frequency | None = None
    start_date: dt.date | None = None
    first_payment_date: dt.date | None = None


class PreviewQuoteRequest(ApiStruct):
    """A loan priced on a product definition being edited (not stored): the admin editor's live preview."""

    definition: ProductDefinition
    currency: CurrencyCode
    grade: Annotated[
        str,
        msgspec.Meta(pattern=pattern_meaning("^[A-Z][A-Z0-9+-]{0,7}$", "must be a risk grade such as A, B2 or C+")),
    ]
    principal: DecimalString
    term_periods: Annotated[int, msgspec.Meta(ge=1, le=MAX_TERM, description=f"Installments, 1 to {MAX_TERM}")]
    frequency: Frequency | None = None
    start_date: dt.date | None = None


class Row(ApiStruct, gc=False):
    """One installment. ``gc=False`` (here, on FlowIn and on FlowOut): the Struct holds only scalars, so
    it can take part in no reference cycle, and the garbage collector need not track the thousands a
    request can carry (fewer collections, and shorter ones, while a request holds them).

    ``payment`` and ``fees`` hold the amount's decimal text, the very string msgspec writes for a
    ``Decimal`` field (its ``str``), so the JSON and the OpenAPI schema are the same as if they were
    ``Decimal``. Both repeat one amount down the schedule (the level installment; no fee), and turning
    a Decimal into text is most of the cost of encoding a row, so the service converts each run of the
    same amount once instead of msgspec converting it in every row (bench/README.md). The other amounts
    differ from row to row and stay ``Decimal``: msgspec converts those faster than ``str`` can.
    """

    number: int
    due_date: dt.date
    payment: str
    principal: Decimal
    interest: Decimal
    fees: str
    balance: Decimal


class Totals(ApiStruct):
    payments: Decimal
    principal: Decimal
    interest: Decimal
    fees: Decimal


class DisclosureOut(ApiStruct):
    apr: Decimal
    finance_charge: Decimal
    amount_financed: Decimal
    total_of_payments: Decimal


class QuoteResponse(ApiStruct):
    """The schedule and the Truth-in-Lending box. ``apr`` is a percentage with 4 decimals, rounded half-up."""

    currency: str
    payment: Decimal
    prepaid_interest: Decimal
    schedule: list[Row]
    totals: Totals
    disclosure: DisclosureOut


class UnitPeriodIn(ApiStruct):
    unit: Unit
    count: Annotated[int, msgspec.Meta(ge=1, le=365)] = 1


class FlowIn(ApiStruct, gc=False):
    """Either ``{amount, date}`` or ``{amount, periods, fraction}`` (Appendix J's t and f)."""

    amount: DecimalString
    date: dt.date | None = None
    periods: Annotated[int, msgspec.Meta(ge=0, le=MAX_TERM * 5)] | None = None
    fraction: DecimalString | None = None


class AprRequest(ApiStruct):
    advances: Annotated[list[FlowIn], msgspec.Meta(min_length=1, max_length=MAX_FLOWS)]
    payments: Annotated[list[FlowIn], msgspec.Meta(min_length=1, max_length=MAX_FLOWS)]
    unit_period: UnitPeriodIn | None = None


class UnitPeriodOut(ApiStruct):
    unit: Unit
    count: int


class FlowOut(ApiStruct, gc=False):
    kind: Literal["advance", "payment"]
    amount: Decimal
    periods: int
    fraction: Decimal


class AprResponse(ApiStruct):
    """``apr`` in percent (6 decimals); ``regular`` decides the 1/8 vs 1/4 point tolerance."""

    apr: Decimal
    unit_period: UnitPeriodOut
    unit_periods_per_year: Decimal
    regular: bool
    flows: list[FlowOut]
