"""Evaluating the shipped policy, and refusing outputs that are not a decision."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from loan_engine.policy.checks import PaymentFor, evaluate_fact_set, run_cases
from loan_engine.policy.engine import CompiledPolicy, Decision, PolicyEvaluationError, read_output
from loan_engine.policy.facts import ApplicationFacts, CreditReportFacts, EmploymentStatus, FactSet, derive
from loan_engine.policy.schemas import PolicyDocument


def applicant(**credit: object) -> FactSet:
    application = ApplicationFacts(
        monthly_income=Decimal(6000),
        housing_payment=Decimal(1500),
        other_monthly_debts=Decimal(300),
        employment_status=EmploymentStatus.EMPLOYED,
        months_employed=48,
        requested_amount=Decimal(15000),
        term_periods=36,
    )
    report = CreditReportFacts(
        score=745,
        inquiries_6m=1,
        delinquencies_24m=0,
        public_records=0,
        months_since_bankruptcy=None,
        revolving_utilization=28,
        tradelines=12,
    )
    return FactSet(application, msgspec.structs.replace(report, **credit))


def test_every_shipped_test_case_passes(
    policy: CompiledPolicy, shipped: PolicyDocument, payment_for: PaymentFor
) -> None:
    results = run_cases(policy, shipped.cases(), payment_for)
    assert len(results) >= 20
    assert [r.name for r in results if not r.passed] == []


def test_a_prime_applicant_is_approved_with_a_grade_and_no_reasons(
    policy: CompiledPolicy, payment_for: PaymentFor
) -> None:
    outcome = evaluate_fact_set(policy, applicant(), payment_for)
    assert outcome.decision is Decision.APPROVE
    assert outcome.grade == "B"
    assert outcome.reasons == ()
    assert outcome.max_amount == Decimal(36000)


def test_a_decline_gives_at_most_four_reasons_in_the_models_order(
    policy: CompiledPolicy, payment_for: PaymentFor
) -> None:
    facts = applicant(score=500, months_since_bankruptcy=10, delinquencies_24m=5, inquiries_6m=9, file_found=True)
    facts = FactSet(msgspec.structs.replace(facts.application, other_monthly_debts=Decimal(4000)), facts.credit)
    outcome = evaluate_fact_set(policy, facts, payment_for)
    assert outcome.decision is Decision.DECLINE
    assert outcome.reason_codes == ("BANKRUPTCY", "DELINQUENT_CREDIT", "EXCESSIVE_OBLIGATIONS", "CREDIT_SCORE")
    assert outcome.reasons[0].text == "Bankruptcy"


def test_the_trace_shows_every_node(policy: CompiledPolicy, payment_for: PaymentFor) -> None:
    outcome = evaluate_fact_set(policy, applicant(delinquencies_24m=1), payment_for, trace=True)
    assert outcome.trace is not None
    assert {entry["name"] for entry in outcome.trace.values()} >= {"Declines and referrals", "Risk grade", "Decision"}


def test_derived_figures_cap_ratios_when_there_is_no_income() -> None:
    facts = applicant().application
    derived = derive(msgspec.structs.replace(facts, monthly_income=Decimal(0)), Decimal("480.00"))
    assert derived.debt_to_income == Decimal("999.99")
    assert derived.loan_to_income == Decimal("99.99")


def test_derived_debt_to_income_counts_the_new_payment() -> None:
    derived = derive(applicant().application, Decimal("480.00"))
    assert derived.debt_to_income == Decimal("38.00")  # (1500 + 300 + 480) / 6000
    assert derived.payment_to_income == Decimal("8.00")
    assert derived.loan_to_income == Decimal("0.21")  # 15000 / 72000, half-up


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ({"decision": "maybe", "reasons": []}, "approve, refer or decline"),
        ({"decision": "decline", "reasons": []}, "at least one reason"),
        ({"decision": "decline", "reasons": ["NOT_A_CODE"]}, "NOT_A_CODE"),
        ({"decision": "decline", "reasons": ["BANKRUPTCY", "NOT_A_CODE"]}, "NOT_A_CODE"),
        ({"decision": "decline", "reasons": [["BANKRUPTCY"]]}, "known reason codes"),
        ({"decision": "decline", "reasons": "BANKRUPTCY"}, "known reason codes"),
        ({"decision": "approve", "reasons": []}, "risk grade"),
        ({"decision": "approve", "grade": "A", "reasons": [], "maxAmount": 100.5}, "whole number"),
        ({"decision": "approve", "grade": "A", "reasons": [], "maxAmount": -1}, "whole number"),
        ({"decision": "approve", "grade": "A", "reasons": [], "maxAmount": "100"}, "must be a number"),
        ([], "not an object"),
    ],
)
def test_outputs_that_are_not_a_decision_are_refused(output: object, message: str) -> None:
    with pytest.raises(PolicyEvaluationError, match=message):
        read_output(output)


def test_reasons_are_ranked_the_same_however_often_a_list_is_seen() -> None:
    codes = ["BANKRUPTCY", "DELINQUENT_CREDIT", "BANKRUPTCY", "CREDIT_SCORE", "RECENT_INQUIRIES", "NO_CREDIT_FILE"]
    first = read_output({"decision": "decline", "reasons": codes})
    again = read_output({"decision": "decline", "reasons": list(codes)})
    assert (
        first.reason_codes
        == again.reason_codes
        == (
            "BANKRUPTCY",
            "DELINQUENT_CREDIT",
            "CREDIT_SCORE",
            "RECENT_INQUIRIES",
        )
    )
    with pytest.raises(PolicyEvaluationError, match="NOT_A_CODE"):  # a seen list with one code more
        read_output({"decision": "decline", "reasons": [*codes, "NOT_A_CODE"]})


def test_derived_ratios_are_capped_and_rounded_half_up() -> None:
    facts = applicant().application
    poor = derive(msgspec.structs.replace(facts, monthly_income=Decimal("1")), Decimal("480.00"))
    assert (poor.debt_to_income, poor.payment_to_income, poor.loan_to_income) == (
        Decimal("999.99"),
        Decimal("999.99"),
        Decimal("99.99"),
    )
    half = derive(msgspec.structs.replace(facts, monthly_income=Decimal("8000")), Decimal("0.40"))
    assert half.payment_to_income == Decimal("0.01")  # 0.005 % rounds up, not to even


def test_the_maximum_amount_becomes_a_decimal_from_its_integer() -> None:
    decision = read_output({"decision": "approve", "grade": "A", "reasons": [], "maxAmount": 36000.0})
    assert decision.max_amount == Decimal(36000)
    assert decision.max_amount.as_tuple().exponent == 0
