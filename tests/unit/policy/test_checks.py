"""Activation gates: failing test cases are listed; a policy that is not monotone is caught."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from loan_engine.policy.checks import (
    Expectation,
    PaymentFor,
    PolicyTestCase,
    evaluate_fact_set,
    monotonicity_violations,
    run_cases,
)
from loan_engine.policy.engine import CompiledPolicy, Decision
from loan_engine.policy.facts import ApplicationFacts, CreditReportFacts, EmploymentStatus, FactSet
from loan_engine.policy.model import parse_model
from loan_engine.policy.schemas import PolicyDocument
from tests.unit.policy.conftest import GRADES


def compiled(model: dict[str, Any]) -> CompiledPolicy:
    return CompiledPolicy(parse_model(model))


def test_the_shipped_policy_is_monotone_on_sampled_inputs(policy: CompiledPolicy, payment_for: PaymentFor) -> None:
    assert monotonicity_violations(policy, payment_for, GRADES, samples=400) == []


def test_a_grade_table_that_rewards_low_scores_is_caught(shipped: PolicyDocument, payment_for: PaymentFor) -> None:
    model = copy.deepcopy(shipped.model)
    grade = next(n for n in model["nodes"] if n["name"] == "Risk grade")
    grade["content"]["rules"].insert(0, {"_id": "bad", "grade-score": "< 650", "grade-grade": "'A'"})
    violations = monotonicity_violations(compiled(model), payment_for, GRADES)
    assert violations
    assert violations[0].rule == "a higher credit score never worsens the decision or the grade"
    before, after = violations[0].before.credit.score, violations[0].after.credit.score
    assert before is not None
    assert after is not None
    assert after > before


def test_a_rule_that_declines_high_incomes_is_caught(shipped: PolicyDocument, payment_for: PaymentFor) -> None:
    model = copy.deepcopy(shipped.model)
    afford = next(n for n in model["nodes"] if n["name"] == "Affordability")
    afford["content"]["expressions"][0]["value"] = (
        "application.monthlyIncome > 9000 ? 0 : floor(application.monthlyIncome * 12 * 0.5 / 100) * 100"
    )
    violations = monotonicity_violations(compiled(model), payment_for, GRADES, samples=400)
    assert any(v.rule.startswith("higher income") for v in violations)


def test_a_failing_case_is_reported_with_what_differs(policy: CompiledPolicy, shipped: PolicyDocument) -> None:
    case = shipped.cases()[0]
    wrong = dataclasses.replace(case, expect=Expectation(decision=Decision.DECLINE, grade="A"))
    [result] = run_cases(policy, [wrong], lambda _: Decimal(480))
    assert not result.passed
    assert result.differences == ("decision: expected decline, got approve", "grade: expected A, got B")


def test_a_case_whose_evaluation_fails_fails(shipped: PolicyDocument) -> None:
    model = copy.deepcopy(shipped.model)
    decide = next(n for n in model["nodes"] if n["name"] == "Decision")
    decide["content"]["expressions"][0]["value"] = "'perhaps'"
    case = PolicyTestCase(name="any", facts=shipped.cases()[0].facts, expect=Expectation(decision=Decision.APPROVE))
    [result] = run_cases(compiled(model), [case], lambda _: Decimal(480))
    assert not result.passed
    assert "approve, refer or decline" in result.differences[0]


def facts_of(score: int, income: int, debts: int, delinquencies: int, inquiries: int) -> FactSet:
    application = ApplicationFacts(
        monthly_income=Decimal(income),
        housing_payment=Decimal(1200),
        other_monthly_debts=Decimal(debts),
        employment_status=EmploymentStatus.EMPLOYED,
        months_employed=60,
        requested_amount=Decimal(12000),
        term_periods=48,
    )
    credit = CreditReportFacts(
        score=score,
        inquiries_6m=inquiries,
        delinquencies_24m=delinquencies,
        public_records=0,
        months_since_bankruptcy=None,
        revolving_utilization=40,
        tradelines=10,
    )
    return FactSet(application, credit)


applicants = st.builds(
    facts_of,
    score=st.integers(300, 899),
    income=st.integers(0, 30_000),
    debts=st.integers(0, 5_000),
    delinquencies=st.integers(0, 5),
    inquiries=st.integers(0, 8),
)


def worse(a: Any, b: Any) -> bool:
    """Whether outcome b is worse than a: decision first, then grade (A best)."""
    if a.decision.rank != b.decision.rank:
        return bool(b.decision.rank < a.decision.rank)
    return bool(GRADES.index(b.grade) > GRADES.index(a.grade))


@settings(max_examples=150, deadline=None)
@given(facts=applicants, more=st.integers(1, 300))
def test_property_a_higher_score_never_worsens_the_outcome(
    policy: CompiledPolicy, payment_for: PaymentFor, facts: FactSet, more: int
) -> None:
    assert facts.credit.score is not None
    better = FactSet(
        facts.application, msgspec.structs.replace(facts.credit, score=min(900, facts.credit.score + more))
    )
    assert not worse(evaluate_fact_set(policy, facts, payment_for), evaluate_fact_set(policy, better, payment_for))


@settings(max_examples=150, deadline=None)
@given(facts=applicants, more=st.integers(1, 20_000))
def test_property_higher_income_never_worsens_the_outcome(
    policy: CompiledPolicy, payment_for: PaymentFor, facts: FactSet, more: int
) -> None:
    richer = msgspec.structs.replace(facts.application, monthly_income=facts.application.monthly_income + more)
    after = evaluate_fact_set(policy, FactSet(richer, facts.credit), payment_for)
    assert not worse(evaluate_fact_set(policy, facts, payment_for), after)


@settings(max_examples=150, deadline=None)
@given(facts=applicants, more=st.integers(1, 5_000))
def test_property_more_debt_never_improves_the_outcome(
    policy: CompiledPolicy, payment_for: PaymentFor, facts: FactSet, more: int
) -> None:
    indebted = msgspec.structs.replace(
        facts.application, other_monthly_debts=facts.application.other_monthly_debts + more
    )
    after = evaluate_fact_set(policy, FactSet(indebted, facts.credit), payment_for)
    assert not worse(after, evaluate_fact_set(policy, facts, payment_for))
