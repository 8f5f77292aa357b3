"""`loan-engine users create-admin`, run as an operator runs it: a real process against the database."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import STRONG_PASSWORD, Account, Client, audit_rows, login, register, sign_in


def create_admin(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "ENVIRONMENT": "test", "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "loan_engine.cli", "users", "create-admin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


async def test_bootstraps_the_first_admin_from_stdin(client: Client, db: AsyncEngine, database_url: str) -> None:
    result = create_admin(database_url, "--email", "Root@Bank.example", "--name", "Ops", stdin=STRONG_PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "admin root@bank.example" in result.stdout
    assert STRONG_PASSWORD not in result.stdout + result.stderr
    first = await login(client, "root@bank.example", STRONG_PASSWORD)
    assert first.json()["step"] == "enrol"  # an admin sets up a second factor at the first sign-in
    root = Account("", "root@bank.example", STRONG_PASSWORD, "", "")
    signed_in = await sign_in(client, root)
    assert signed_in.status_code == 200
    assert signed_in.json()["user"]["roles"] == ["admin"]
    token = signed_in.json()["accessToken"]
    assert (await client.get("/api/admin/users", headers={"Authorization": f"Bearer {token}"})).status_code == 200
    event = (await audit_rows(db, "user.admin_bootstrapped"))[0]
    assert (event.actor_type, event.actor_id, event.details["created"]) == ("system", "cli", True)


async def test_refuses_a_weak_password_or_a_taken_email(client: Client, database_url: str) -> None:
    weak = create_admin(database_url, "--email", "root@bank.example", stdin="password1234\n")
    assert weak.returncode == 2
    assert "too easy to guess" in weak.stderr
    assert (await login(client, "root@bank.example", "password1234")).status_code == 401
    existing = await register(client, email="someone@bank.example")
    taken = create_admin(database_url, "--email", "someone@bank.example", stdin=STRONG_PASSWORD + "\n")
    assert taken.returncode == 1
    assert "--promote" in taken.stderr
    assert (await client.get("/auth/me", headers=existing.auth)).json()["roles"] == ["borrower"]
    empty = create_admin(database_url, "--email", "x@bank.example", stdin="")
    assert empty.returncode == 2


async def test_promote_makes_an_existing_account_an_admin(client: Client, database_url: str) -> None:
    existing = await register(client, email="someone@bank.example")
    result = create_admin(database_url, "--email", "someone@bank.example", "--promote")
    assert result.returncode == 0, result.stderr
    assert (await client.get("/auth/me", headers=existing.auth)).json()["roles"] == ["admin", "borrower"]
    missing = create_admin(database_url, "--email", "ghost@bank.example", "--promote")
    assert missing.returncode == 1
