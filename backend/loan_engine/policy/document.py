"""Reading policy files, and the shipped default policy."""

from __future__ import annotations

from importlib import resources
from typing import Final

import msgspec

from loan_engine.policy.schemas import PolicyDocument

__all__ = ["DEFAULT_POLICY", "default_policy", "read_policy_document"]

DEFAULT_POLICY: Final = "consumer-installment.json"


def read_policy_document(data: bytes) -> PolicyDocument:
    """Decode a policy file (raises ``msgspec.ValidationError`` / ``DecodeError`` naming the path)."""
    return msgspec.json.decode(data, type=PolicyDocument)


def default_policy() -> PolicyDocument:
    """The shipped consumer installment-loan policy (docs/CREDIT_POLICY.md describes it)."""
    data = resources.files("loan_engine.policy").joinpath("default", DEFAULT_POLICY).read_bytes()
    return read_policy_document(data)
