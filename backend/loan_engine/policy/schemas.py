"""Wire types of credit policies: policy files, test cases and fact sets (amounts as decimal strings)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Final

import msgspec

from loan_engine.api.types import Amount, ApiStruct
from loan_engine.policy.checks import Expectation, PolicyTestCase
from loan_engine.policy.engine import Decision
from loan_engine.policy.facts import ApplicationFacts, CreditReportFacts, EmploymentStatus, FactSet
from loan_engine.policy.reasons import REASONS

__all__ = ["MAX_TEST_CASES", "ApplicationIn", "ExpectationIn", "FactSetIn", "PolicyDocument", "PolicyTestCaseIn"]

MAX_TEST_CASES: Final = 500
ReasonCode = Annotated[str, msgspec.Meta(pattern="^[A-Z_]{2,40}$", description="A reason code (docs/CREDIT_POLICY.md)")]


class ApplicationIn(ApiStruct):
    """What the applicant states: gross monthly income and monthly debts, the amount and term asked for."""

    monthly_income: Amount
    housing_payment: Amount
    other_monthly_debts: Amount
    employment_status: EmploymentStatus
    months_employed: Annotated[int, msgspec.Meta(ge=0, le=1_200)]
    requested_amount: Amount
    term_periods: Annotated[int, msgspec.Meta(ge=1, le=1_200)]
    periods_per_year: Annotated[int, msgspec.Meta(ge=1, le=365)] = 12

    def __post_init__(self) -> None:
        if Decimal(self.requested_amount) <= 0:
            raise ValueError("requestedAmount must be greater than zero")

    def to_facts(self) -> ApplicationFacts:
        return ApplicationFacts(
            monthly_income=Decimal(self.monthly_income),
            housing_payment=Decimal(self.housing_payment),
            other_monthly_debts=Decimal(self.other_monthly_debts),
            employment_status=self.employment_status,
            months_employed=self.months_employed,
            requested_amount=Decimal(self.requested_amount),
            term_periods=self.term_periods,
            periods_per_year=self.periods_per_year,
        )


class FactSetIn(ApiStruct):
    application: ApplicationIn
    credit: CreditReportFacts

    def to_facts(self) -> FactSet:
        return FactSet(self.application.to_facts(), self.credit)


class ExpectationIn(ApiStruct):
    decision: Decision
    grade: Annotated[str, msgspec.Meta(min_length=1, max_length=8)] | None = None
    max_amount: Amount | None = None
    reasons: Annotated[list[ReasonCode], msgspec.Meta(max_length=10)] | None = None

    def __post_init__(self) -> None:
        unknown = [code for code in self.reasons or () if code not in REASONS]
        if unknown:
            raise ValueError(f"unknown reason codes {unknown}")


class PolicyTestCaseIn(ApiStruct):
    """A test case: facts in, the expected answer out; ``newPayment`` pins the monthly payment."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    facts: FactSetIn
    expect: ExpectationIn
    new_payment: Amount | None = None

    def to_case(self) -> PolicyTestCase:
        expect = self.expect
        return PolicyTestCase(
            name=self.name,
            facts=self.facts.to_facts(),
            expect=Expectation(
                decision=expect.decision,
                grade=expect.grade,
                max_amount=None if expect.max_amount is None else Decimal(expect.max_amount),
                reasons=None if expect.reasons is None else tuple(expect.reasons),
            ),
            new_payment=None if self.new_payment is None else Decimal(self.new_payment),
        )


class PolicyDocument(ApiStruct):
    """A policy file: what ``loan-engine policy load`` reads and a version stores."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    model: dict[str, Any]
    test_cases: Annotated[list[PolicyTestCaseIn], msgspec.Meta(max_length=MAX_TEST_CASES)] = msgspec.field(
        default_factory=list
    )
    description: Annotated[str, msgspec.Meta(max_length=4_000)] = ""

    def cases(self) -> list[PolicyTestCase]:
        return [case.to_case() for case in self.test_cases]
