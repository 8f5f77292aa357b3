"""A policy file: the decision model with its name and test cases (what ``loan-engine policy load``
reads, what the admin API stores as a version, and the shape of the shipped default)."""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any, Final

import msgspec

from loan_engine.api.types import ApiStruct
from loan_engine.policy.checks import MAX_TEST_CASES, PolicyTestCase

__all__ = ["DEFAULT_POLICY", "PolicyDocument", "default_policy", "read_policy_document"]

DEFAULT_POLICY: Final = "consumer-installment.json"


class PolicyDocument(ApiStruct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    model: dict[str, Any]
    test_cases: Annotated[list[PolicyTestCase], msgspec.Meta(max_length=MAX_TEST_CASES)] = msgspec.field(
        default_factory=list
    )
    description: Annotated[str, msgspec.Meta(max_length=4_000)] = ""


def read_policy_document(data: bytes) -> PolicyDocument:
    """Decode a policy file (raises ``msgspec.ValidationError`` / ``DecodeError`` naming the path)."""
    return msgspec.json.decode(data, type=PolicyDocument)


def default_policy() -> PolicyDocument:
    """The shipped consumer installment-loan policy (docs/CREDIT_POLICY.md describes it)."""
    data = resources.files("loan_engine.policy").joinpath("default", DEFAULT_POLICY).read_bytes()
    return read_policy_document(data)
