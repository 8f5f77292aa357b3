"""The shipped policy, compiled once, and a fixed monthly payment for the derived figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loan_engine.finance.money import currency
from loan_engine.policy.affordability import payment_at_rate
from loan_engine.policy.checks import PaymentFor
from loan_engine.policy.document import default_policy
from loan_engine.policy.engine import CompiledPolicy
from loan_engine.policy.model import parse_model
from loan_engine.policy.schemas import PolicyDocument

GRADES = ["A", "B", "C", "D", "E"]


@pytest.fixture(scope="session")
def shipped() -> PolicyDocument:
    return default_policy()


@pytest.fixture(scope="session")
def policy(shipped: PolicyDocument) -> CompiledPolicy:
    return CompiledPolicy(parse_model(shipped.model))


@pytest.fixture(scope="session")
def payment_for() -> PaymentFor:
    return payment_at_rate(Decimal("0.2499"), currency("USD"))
