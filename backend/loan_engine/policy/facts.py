"""The facts a credit policy reads: the application, the credit report, and figures derived from both.

A model refers to facts by dotted path (``application.monthlyIncome``, ``credit.score``,
``derived.debtToIncome``); ``FACT_PATHS`` lists every path the engine provides, and ``model`` refuses a
model that reads anything else. Money is Decimal here and reaches the engine as a JSON number: the
engine compares and multiplies, it never posts money (its outputs are checked in ``engine``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Final

import msgspec

from loan_engine.api.types import ApiStruct
from loan_engine.finance.money import finance_context

__all__ = [
    "FACT_PATHS",
    "ApplicationFacts",
    "CreditReportFacts",
    "DerivedFacts",
    "EmploymentStatus",
    "FactSet",
    "Facts",
    "derive",
    "encode_facts",
]

_CTX: Final = finance_context()
_HUNDRED: Final = Decimal(100)
_TWELVE: Final = Decimal(12)
_CENT: Final = Decimal("0.01")
# Ratios are capped so that "no income" reads as a very high ratio to the rules (never null, which
# compares false against every threshold and would let an applicant with no income through).
MAX_PERCENT: Final = Decimal("999.99")
MAX_RATIO: Final = Decimal("99.99")
MAX_MONEY: Final = Decimal("1e12")

Count = Annotated[int, msgspec.Meta(ge=0, le=10_000)]
Months = Annotated[int, msgspec.Meta(ge=0, le=1_200)]


class EmploymentStatus(StrEnum):
    EMPLOYED = "employed"
    SELF_EMPLOYED = "self-employed"
    RETIRED = "retired"
    STUDENT = "student"
    UNEMPLOYED = "unemployed"
    OTHER = "other"


class ApplicationFacts(msgspec.Struct, rename="camel", frozen=True, gc=False):
    """What the applicant states. Amounts are monthly and gross; the term is in payment periods.
    (The wire form, with amounts as decimal strings, is ``schemas.ApplicationIn``.)"""

    monthly_income: Decimal
    housing_payment: Decimal
    other_monthly_debts: Decimal
    employment_status: EmploymentStatus
    months_employed: int
    requested_amount: Decimal
    term_periods: int
    periods_per_year: int = 12


class CreditReportFacts(ApiStruct):
    """What the credit bureau reports. ``score`` is null when the file is too thin to score."""

    score: Annotated[int, msgspec.Meta(ge=300, le=900)] | None
    inquiries_6m: Count = msgspec.field(name="inquiries6m")
    delinquencies_24m: Count = msgspec.field(name="delinquencies24m")
    public_records: Count
    months_since_bankruptcy: Months | None
    revolving_utilization: Annotated[int, msgspec.Meta(ge=0, le=1_000)] | None
    tradelines: Count
    fraud_alert: bool = False
    file_found: bool = True


class DerivedFacts(msgspec.Struct, rename="camel", frozen=True, gc=False):
    """Figures computed before evaluation (percentages to 2 decimals, half-up).

    ``newPayment`` is the monthly equivalent of the requested loan's payment as the quote engine prices
    it at the product's highest rate for the term, so an approval holds whatever grade the model gives.
    """

    new_payment: Decimal
    debt_to_income: Decimal
    payment_to_income: Decimal
    loan_to_income: Decimal


class FactSet(msgspec.Struct, frozen=True):
    """The stated inputs of one decision: what the applicant says and what the bureau reports."""

    application: ApplicationFacts
    credit: CreditReportFacts


class Facts(msgspec.Struct, frozen=True, gc=False):
    """Everything a model may read."""

    application: ApplicationFacts
    credit: CreditReportFacts
    derived: DerivedFacts


def _paths(prefix: str, kind: type[msgspec.Struct]) -> set[str]:
    return {f"{prefix}.{field.encode_name}" for field in msgspec.structs.fields(kind)}


FACT_PATHS: Final = frozenset(
    _paths("application", ApplicationFacts) | _paths("credit", CreditReportFacts) | _paths("derived", DerivedFacts)
)
FACT_ROOTS: Final = frozenset(path.split(".", 1)[0] for path in FACT_PATHS)


_divide: Final = _CTX.divide
_add: Final = _CTX.add
_multiply: Final = _CTX.multiply


def derive(application: ApplicationFacts, monthly_payment: Decimal) -> DerivedFacts:
    """Debt-to-income (all monthly debt payments, the new one included, over gross monthly income, in
    percent), payment-to-income (percent) and loan-to-income (the amount over a year's income), each to 2
    decimals half-up and capped (the cap when there is no income, so that reads as a very high ratio).
    Written out flat, with the context's bound methods: this runs once per decision (bench_policy.py)."""
    income = application.monthly_income
    if income <= 0:
        return DerivedFacts(monthly_payment, MAX_PERCENT, MAX_PERCENT, MAX_RATIO)
    debts = _add(_add(application.housing_payment, application.other_monthly_debts), monthly_payment)
    dti = _divide(_multiply(debts, _HUNDRED), income)
    pti = _divide(_multiply(monthly_payment, _HUNDRED), income)
    lti = _divide(application.requested_amount, _multiply(income, _TWELVE))
    return DerivedFacts(
        monthly_payment,
        (dti if dti < MAX_PERCENT else MAX_PERCENT).quantize(_CENT, ROUND_HALF_UP, _CTX),
        (pti if pti < MAX_PERCENT else MAX_PERCENT).quantize(_CENT, ROUND_HALF_UP, _CTX),
        (lti if lti < MAX_RATIO else MAX_RATIO).quantize(_CENT, ROUND_HALF_UP, _CTX),
    )


# Decimals as JSON numbers: the engine's comparisons need numbers. A number written from a Decimal is exact
# text, and the engine computes in decimal arithmetic (0.1 * 3 == 0.3 holds in it); only the values it
# hands back to Python are floats, which is why ``engine`` checks every output before using it.
_ENCODER: Final = msgspec.json.Encoder(decimal_format="number")


def encode_facts(facts: Facts) -> bytes:
    """The facts as the JSON document the engine evaluates."""
    return _ENCODER.encode(facts)
