"""The ledger check finds a loan whose balances disagree with its journal legs, through the admin route
and `loan-engine ledger check` (exit 1), and passes (exit 0) when they agree."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import sql
from tests.integration.loans.conftest import World, today


def ledger_check(database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "ENVIRONMENT": "test", "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "loan_engine.cli", "ledger", "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


async def test_the_check_passes_then_finds_a_tampered_balance(world: World, db: AsyncEngine, database_url: str) -> None:
    loan_id = await world.active()
    paid = await world.post(loan_id, kind="payment", amount="100.00", valueDate=today().isoformat())
    assert paid.status_code == 201
    ok = await asyncio.to_thread(ledger_check, database_url)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "1 loans checked: ok" in ok.stdout
    # a balance changed behind the ledger's back (loans rows are not append-only; their balances must
    # always equal the legs)
    await sql(
        db,
        "UPDATE loans SET principal_outstanding = principal_outstanding + 1 WHERE id = :id",
        id=uuid.UUID(loan_id),
    )
    bad = await asyncio.to_thread(ledger_check, database_url)
    assert bad.returncode == 1
    assert f"loan {loan_id} principalOutstanding" in bad.stdout
    check = await world.check()
    assert check["ok"] is False
    assert [(d["loanId"], d["field"]) for d in check["discrepancies"]] == [(loan_id, "principalOutstanding")]
    found = check["discrepancies"][0]
    assert Decimal(found["loan"]) == Decimal(found["ledger"]) + 1
