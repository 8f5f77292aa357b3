"""An admin to drive the product and policy routes, and the shipped product and policy as request bodies."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import msgspec
import pytest

from loan_engine.policy.document import default_policy
from tests.integration.auth.conftest import Account, MakeAccount, db, make_account

__all__ = ["db", "make_account"]  # the identity tests' fixtures, used here too


@pytest.fixture
async def admin(make_account: MakeAccount) -> Account:
    return await make_account("admin")


def personal_loan() -> dict[str, Any]:
    """The shipped personal loan as a ProductCreate body."""
    text = resources.files("loan_engine.products").joinpath("default", "personal-loan.json").read_text()
    body: dict[str, Any] = json.loads(text)
    return body


def policy_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(msgspec.json.encode(default_policy()))
    return document
