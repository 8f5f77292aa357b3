"""Wire types of credit policies: policy files, test cases and fact sets (amounts as decimal strings)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Final

import msgspec

from loan_engine.api.types import Amount, ApiStruct
from loan_engine.policy.checks import Expectation, PolicyTestCase
from loan_engine.policy.engine import Decision
from loan_engine.policy.facts import ApplicationFacts, CreditReportFacts, EmploymentStatus, FactSet
from loan_engine.policy.reasons import REASONS

__all__ = [
    "MAX_SIMULATION",
    "MAX_TEST_CASES",
    "ApplicationIn",
    "CaseOut",
    "CheckReport",
    "DecisionOut",
    "ExpectationIn",
    "FactSetIn",
    "NewPolicyDraft",
    "PolicyDocument",
    "PolicyStatus",
    "PolicyTestCaseIn",
    "PolicyVersionRead",
    "PolicyVersionSummary",
    "ReasonOut",
    "SimulationReport",
    "SimulationRequest",
    "SimulationSample",
    "Transition",
    "ViolationOut",
]

MAX_TEST_CASES: Final = 500
MAX_SIMULATION: Final = 5_000
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

    @classmethod
    def of(cls, facts: ApplicationFacts) -> ApplicationIn:
        return cls(
            monthly_income=str(facts.monthly_income),
            housing_payment=str(facts.housing_payment),
            other_monthly_debts=str(facts.other_monthly_debts),
            employment_status=facts.employment_status,
            months_employed=facts.months_employed,
            requested_amount=str(facts.requested_amount),
            term_periods=facts.term_periods,
            periods_per_year=facts.periods_per_year,
        )

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

    @classmethod
    def of(cls, facts: FactSet) -> FactSetIn:
        return cls(ApplicationIn.of(facts.application), facts.credit)

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


# --- responses of the policy routes ---------------------------------------------------------------


class PolicyStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class PolicyVersionSummary(ApiStruct):
    version: int
    status: PolicyStatus
    name: str
    created_at: datetime.datetime
    activated_at: datetime.datetime | None
    retired_at: datetime.datetime | None


class PolicyVersionRead(ApiStruct):
    """A version: its model, test cases, and the facts the model reads."""

    product_code: str
    version: int
    status: PolicyStatus
    name: str
    description: str
    model: dict[str, Any]
    test_cases: list[PolicyTestCaseIn]
    reads: list[str]
    created_at: datetime.datetime
    activated_at: datetime.datetime | None
    retired_at: datetime.datetime | None


class NewPolicyDraft(ApiStruct):
    """Start a draft from ``fromVersion`` (default: the latest version)."""

    from_version: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None


class ReasonOut(ApiStruct):
    code: str
    text: str


class DecisionOut(ApiStruct):
    decision: Decision
    grade: str | None
    max_amount: Decimal | None
    reasons: list[ReasonOut]


class CaseOut(ApiStruct):
    name: str
    passed: bool
    differences: list[str]
    actual: DecisionOut | None


class ViolationOut(ApiStruct):
    """Two applicants that differ in one direction, and outcomes that move the wrong way."""

    rule: str
    before: FactSetIn
    after: FactSetIn
    outcome_before: DecisionOut
    outcome_after: DecisionOut


class CheckReport(ApiStruct):
    """What activation requires: every test case passes and no monotonicity violation is found."""

    passed: bool
    cases: list[CaseOut]
    violations: list[ViolationOut]
    samples: int


class SimulationRequest(ApiStruct):
    """Fact sets to run the draft and the active version over (until applications are stored)."""

    fact_sets: Annotated[list[FactSetIn], msgspec.Meta(min_length=1, max_length=MAX_SIMULATION)]


class Transition(ApiStruct):
    before: Decision | None
    after: Decision
    count: int


class SimulationSample(ApiStruct):
    index: int
    before: DecisionOut | None
    after: DecisionOut


class SimulationReport(ApiStruct):
    """How outcomes move from the active version (``before``; null when none is active) to this one."""

    evaluated: int
    changed: int
    better: int
    worse: int
    transitions: list[Transition]
    sample: list[SimulationSample]
