"""Fixtures of the ledger tests: the identity fixtures (an admin) and a raw engine for SQL."""

from __future__ import annotations

import pytest

from tests.integration.auth.conftest import Account, MakeAccount, db, make_account

__all__ = ["db", "make_account"]


@pytest.fixture
async def admin(make_account: MakeAccount) -> Account:
    return await make_account("admin")
