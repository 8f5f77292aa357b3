"""What gates a policy's activation: its own test cases, and the monotonicity lending requires.

Test cases are facts in and expected outputs; every one must pass. Monotonicity is checked on inputs
sampled deterministically (a fixed seed, so a refusal can be reproduced): from each sample, raising the
credit score never worsens the decision or the grade, raising income never worsens them, and raising
the debt-to-income ratio (more monthly debts) never improves them. The order of decisions is
decline < refer < approve; grades are ordered best first as the caller says (the product's grid).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

import msgspec

from loan_engine.policy.engine import CompiledPolicy, Decision, PolicyDecision, PolicyEvaluationError
from loan_engine.policy.facts import (
    ApplicationFacts,
    CreditReportFacts,
    EmploymentStatus,
    Facts,
    FactSet,
    derive,
)

__all__ = [
    "DIRECTIONS",
    "CaseResult",
    "Expectation",
    "PaymentFor",
    "PolicyTestCase",
    "Violation",
    "evaluate_fact_set",
    "monotonicity_violations",
    "run_cases",
    "sample_fact_set",
]

DEFAULT_SAMPLES: Final = 150
SEED: Final = 20261202

# The monthly payment of the requested loan, as the product prices it (see facts.DerivedFacts).
PaymentFor = Callable[[ApplicationFacts], Decimal]


@dataclass(frozen=True, slots=True)
class Expectation:
    """What a test case expects; ``None`` is not checked. ``reasons`` is compared in order."""

    decision: Decision
    grade: str | None = None
    max_amount: Decimal | None = None
    reasons: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class PolicyTestCase:
    """A named fact set and what the policy must answer. ``new_payment`` pins the monthly payment used
    for the derived figures (otherwise the product prices the requested loan)."""

    name: str
    facts: FactSet
    expect: Expectation
    new_payment: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CaseResult:
    name: str
    passed: bool
    actual: PolicyDecision | None
    differences: tuple[str, ...]


def evaluate_fact_set(
    policy: CompiledPolicy,
    facts: FactSet,
    payment_for: PaymentFor,
    *,
    new_payment: Decimal | None = None,
    trace: bool = False,
) -> PolicyDecision:
    """Derive the figures and evaluate one fact set."""
    application = facts.application
    payment = payment_for(application) if new_payment is None else new_payment
    built = Facts(application, facts.credit, derive(application, payment))
    return policy.evaluate(built, trace=True) if trace else policy.evaluate(built)


def run_cases(policy: CompiledPolicy, cases: Sequence[PolicyTestCase], payment_for: PaymentFor) -> list[CaseResult]:
    """Run every test case; a case whose evaluation fails is a failed case with the error as its difference."""
    results = []
    for case in cases:
        try:
            actual = evaluate_fact_set(policy, case.facts, payment_for, new_payment=case.new_payment)
        except PolicyEvaluationError as exc:
            results.append(CaseResult(case.name, False, None, (str(exc),)))
            continue
        differences = tuple(_differences(case.expect, actual))
        results.append(CaseResult(case.name, not differences, actual, differences))
    return results


def _differences(expect: Expectation, actual: PolicyDecision) -> list[str]:
    out = []
    if actual.decision is not expect.decision:
        out.append(f"decision: expected {expect.decision}, got {actual.decision}")
    if expect.grade is not None and actual.grade != expect.grade:
        out.append(f"grade: expected {expect.grade}, got {actual.grade}")
    if expect.max_amount is not None and actual.max_amount != expect.max_amount:
        out.append(f"maxAmount: expected {expect.max_amount}, got {actual.max_amount}")
    if expect.reasons is not None and actual.reason_codes != expect.reasons:
        out.append(f"reasons: expected {list(expect.reasons)}, got {list(actual.reason_codes)}")
    return out


@dataclass(frozen=True, slots=True)
class Violation:
    """Two fact sets that differ in one direction and whose outcomes move the wrong way."""

    rule: str
    before: FactSet
    after: FactSet
    outcome_before: PolicyDecision
    outcome_after: PolicyDecision


@dataclass(frozen=True, slots=True)
class _Direction:
    rule: str
    change: Callable[[FactSet, random.Random], FactSet | None]
    improves: bool  # True: the change is good for the applicant, so the outcome must not get worse


def _more_score(facts: FactSet, rng: random.Random) -> FactSet | None:
    score = facts.credit.score
    if score is None or score >= 900:
        return None
    higher = min(900, score + rng.randint(1, 120))
    return FactSet(facts.application, msgspec.structs.replace(facts.credit, score=higher))


def _more_income(facts: FactSet, rng: random.Random) -> FactSet | None:
    income = facts.application.monthly_income
    raised = (income * (1 + Decimal(rng.randint(1, 100)) / 100) + rng.randint(0, 500)).quantize(Decimal(1))
    return FactSet(msgspec.structs.replace(facts.application, monthly_income=raised), facts.credit)


def _more_debt(facts: FactSet, rng: random.Random) -> FactSet | None:
    debts = facts.application.other_monthly_debts + rng.randint(50, 3_000)
    return FactSet(msgspec.structs.replace(facts.application, other_monthly_debts=Decimal(debts)), facts.credit)


DIRECTIONS: Final = (
    _Direction("a higher credit score never worsens the decision or the grade", _more_score, improves=True),
    _Direction("higher income never worsens the decision or the grade", _more_income, improves=True),
    _Direction("a higher debt-to-income ratio never improves the decision or the grade", _more_debt, improves=False),
)


def sample_fact_set(rng: random.Random) -> FactSet:
    """A plausible applicant, drawn across the whole range every rule looks at."""
    income = Decimal(rng.choice([0, rng.randint(800, 4_000), rng.randint(4_000, 25_000)]))
    application = ApplicationFacts(
        monthly_income=income,
        housing_payment=Decimal(rng.randint(0, 4_000)),
        other_monthly_debts=Decimal(rng.randint(0, 3_000)),
        employment_status=rng.choice(list(EmploymentStatus)),
        months_employed=rng.randint(0, 240),
        requested_amount=Decimal(rng.randint(10, 800) * 100),
        term_periods=rng.choice([12, 24, 36, 48, 60, 72]),
    )
    thin = rng.random() < 0.1
    credit = CreditReportFacts(
        score=None if thin else rng.randint(300, 900),
        inquiries_6m=rng.randint(0, 9),
        delinquencies_24m=rng.choice([0, 0, 0, 1, 2, 3, 5]),
        public_records=rng.choice([0, 0, 0, 1]),
        months_since_bankruptcy=rng.choice([None, None, None, rng.randint(0, 200)]),
        revolving_utilization=rng.randint(0, 120),
        tradelines=rng.randint(0, 3) if thin else rng.randint(0, 40),
        fraud_alert=rng.random() < 0.05,
        file_found=rng.random() > 0.03,
    )
    return FactSet(application, credit)


def _worse(a: PolicyDecision, b: PolicyDecision, grades: Sequence[str]) -> bool:
    """Whether outcome ``b`` is worse for the applicant than ``a`` (decision first, then grade)."""
    if b.decision.rank != a.decision.rank:
        return b.decision.rank < a.decision.rank
    if a.grade in grades and b.grade in grades:
        return grades.index(b.grade) > grades.index(a.grade)
    return False


def monotonicity_violations(
    policy: CompiledPolicy,
    payment_for: PaymentFor,
    grades: Sequence[str],
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = SEED,
    limit: int = 5,
) -> list[Violation]:
    """Sample ``samples`` applicants and report up to ``limit`` violations of the three rules."""
    rng = random.Random(seed)  # noqa: S311 - reproducible samples, not secrets
    violations: list[Violation] = []
    for _ in range(samples):
        base = sample_fact_set(rng)
        outcome = evaluate_fact_set(policy, base, payment_for)
        for direction in DIRECTIONS:
            changed = direction.change(base, rng)
            if changed is None:
                continue
            after = evaluate_fact_set(policy, changed, payment_for)
            wrong = _worse(outcome, after, grades) if direction.improves else _worse(after, outcome, grades)
            if wrong:
                violations.append(Violation(direction.rule, base, changed, outcome, after))
                if len(violations) >= limit:
                    return violations
    return violations
