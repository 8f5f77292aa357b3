"""Request and response types of POST /api/quotes and POST /api/apr (msgspec, camelCase).

Money and rates travel as decimal strings ("1264.14", "6.5"), never JSON numbers: a number in a
money field is a 422. Rates are annual percentages. Dates are ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from loan_engine.errors import pattern_meaning
from loan_engine.finance.apr import MAX_FLOWS
from loan_engine.finance.terms import MAX_TERM

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
Periods = Annotated[int, msgspec.Meta(description="Number of installments, 1 to 1200", examples=[360])]
Frequency = Annotated[
    str,
    msgspec.Meta(
        max_length=24,
        description="weekly | biweekly | semimonthly | monthly | quarterly | semiannual | annual | "
        "every-N-days | every-N-weeks | every-N-months",
        examples=["monthly"],
    ),
]
Amortization = Literal["level-payment", "level-principal", "interest-only", "balloon"]
InterestMethod = Literal["periodic", "daily"]
DayCount = Literal["30/360", "30E/360", "actual/365", "actual/360", "actual/actual"]
RoundingMode = Literal["half-even", "half-up", "down", "up"]
OddDaysInterest = Literal["first-installment", "prepaid"]
CurrencyCode = Annotated[
    str, msgspec.Meta(pattern=pattern_meaning(r"^[A-Z]{3}$", "must be an ISO 4217 code such as USD"), examples=["USD"])
]
MAX_FEES = 20


class FeeIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    amount: DecimalString
    financed: bool = False


class QuoteRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A loan to price. Defaults: periodic interest, 30/360, start today (UTC), first payment one
    period after the start, odd-days interest in the first installment, USD, half-up rounding."""

    principal: DecimalString
    annual_rate: RatePercent
    term_periods: Periods
    frequency: Frequency = "monthly"
    amortization: Amortization = "level-payment"
    interest_method: InterestMethod = "periodic"
    day_count: DayCount = "30/360"
    start_date: dt.date | None = None
    first_payment_date: dt.date | None = None
    balloon_amount: DecimalString | None = None
    amortization_term: int | None = None
    odd_days_interest: OddDaysInterest = "first-installment"
    fees: Annotated[list[FeeIn], msgspec.Meta(max_length=MAX_FEES)] = msgspec.field(default_factory=list)
    currency: CurrencyCode = "USD"
    rounding_mode: RoundingMode = "half-up"
    installment_multiple: DecimalString | None = None


class Row(msgspec.Struct, rename="camel", gc=False):
    """One installment. Amounts are decimal strings, formatted once by the service (a schedule has
    1,800 of them, and formatting repeated values once is most of the cost of the response)."""

    number: int
    due_date: dt.date
    payment: str
    principal: str
    interest: str
    fees: str
    balance: str


class Totals(msgspec.Struct, rename="camel"):
    payments: Decimal
    principal: Decimal
    interest: Decimal
    fees: Decimal


class DisclosureOut(msgspec.Struct, rename="camel"):
    apr: Decimal
    finance_charge: Decimal
    amount_financed: Decimal
    total_of_payments: Decimal


class QuoteResponse(msgspec.Struct, rename="camel"):
    """The schedule and the Truth-in-Lending box. ``apr`` is a percentage with 4 decimals, rounded half-up."""

    currency: str
    payment: Decimal
    prepaid_interest: Decimal
    schedule: list[Row]
    totals: Totals
    disclosure: DisclosureOut


Unit = Literal["day", "week", "semimonth", "month", "year"]


class UnitPeriodIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    unit: Unit
    count: Annotated[int, msgspec.Meta(ge=1, le=365)] = 1


class FlowIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Either ``{amount, date}`` or ``{amount, periods, fraction}`` (Appendix J's t and f)."""

    amount: DecimalString
    date: dt.date | None = None
    periods: Annotated[int, msgspec.Meta(ge=0, le=MAX_TERM * 5)] | None = None
    fraction: DecimalString | None = None


class AprRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    advances: Annotated[list[FlowIn], msgspec.Meta(min_length=1, max_length=MAX_FLOWS)]
    payments: Annotated[list[FlowIn], msgspec.Meta(min_length=1, max_length=MAX_FLOWS)]
    unit_period: UnitPeriodIn | None = None


class UnitPeriodOut(msgspec.Struct, rename="camel"):
    unit: str
    count: int


class FlowOut(msgspec.Struct, rename="camel"):
    kind: Literal["advance", "payment"]
    amount: Decimal
    periods: int
    fraction: Decimal


class AprResponse(msgspec.Struct, rename="camel"):
    """``apr`` in percent (6 decimals); ``regular`` decides the 1/8 vs 1/4 point tolerance."""

    apr: Decimal
    unit_period: UnitPeriodOut
    unit_periods_per_year: Decimal
    regular: bool
    flows: list[FlowOut]
