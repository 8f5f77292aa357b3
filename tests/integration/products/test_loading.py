"""`loan-engine products load` and `loan-engine policy load` run as an operator runs them (a real
process against the database), and the development seed."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from loan_engine.db.engine import create_sessionmaker
from loan_engine.policy.loading import seed_development
from tests.integration.auth.conftest import Account, Client, audit_rows
from tests.integration.products.conftest import personal_loan, policy_document


def cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "ENVIRONMENT": "test", "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "loan_engine.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def write(folder: Path, name: str, body: dict[str, Any]) -> str:
    path = folder / name
    path.write_text(json.dumps(body))
    return str(path)


async def test_products_load_creates_and_publishes(
    client: Client, database_url: str, db: AsyncEngine, tmp_path: Path
) -> None:
    product = write(tmp_path, "product.json", personal_loan())
    drafted = cli(database_url, "products", "load", product)
    assert drafted.returncode == 0, drafted.stderr
    assert "product PERSONAL version 1: draft" in drafted.stdout
    assert (await client.get("/api/products")).json() == []
    published = cli(database_url, "products", "load", product, "--publish")
    assert published.returncode == 0, published.stderr
    assert "product PERSONAL version 1: published" in published.stdout
    assert (await client.get("/api/products/PERSONAL")).json()["version"] == 1
    again = cli(database_url, "products", "load", product, "--publish")  # an edit of a published one: a new version
    assert "product PERSONAL version 2: published" in again.stdout
    [row, *_] = await audit_rows(db, "product.version.published")
    assert (row.actor_type, row.actor_id) == ("system", "loan-engine")


async def test_products_load_refuses_a_version_that_cannot_make_a_loan(
    client: Client, database_url: str, tmp_path: Path
) -> None:
    body = personal_loan()
    body["definition"]["amount"]["min"] = "60000"
    result = cli(database_url, "products", "load", write(tmp_path, "bad.json", body), "--publish")
    assert result.returncode == 2
    assert "definition.amount.min is above the maximum" in result.stderr
    assert (await client.get("/api/products")).json() == []
    garbled = cli(database_url, "products", "load", write(tmp_path, "garbled.json", {"code": "X"}))
    assert garbled.returncode == 2
    assert "garbled.json" in garbled.stderr


async def test_policy_load_activates_and_refuses_a_failing_test_case(
    client: Client, admin: Account, database_url: str, tmp_path: Path
) -> None:
    assert (await client.post("/api/admin/products", json=personal_loan(), headers=admin.auth)).status_code == 201
    broken = copy.deepcopy(policy_document())
    broken["testCases"][0]["expect"]["decision"] = (
        "decline" if broken["testCases"][0]["expect"]["decision"] != "decline" else "approve"
    )
    refused = cli(
        database_url, "policy", "load", write(tmp_path, "broken.json", broken), "--product", "PERSONAL", "--activate"
    )
    assert refused.returncode == 2
    assert "testCases.0" in refused.stderr
    versions = (await client.get("/api/admin/products/PERSONAL/policy/versions", headers=admin.auth)).json()
    assert [(v["version"], v["status"]) for v in versions] == [(1, "draft")]
    fixed = cli(
        database_url,
        "policy",
        "load",
        write(tmp_path, "good.json", policy_document()),
        "--product",
        "PERSONAL",
        "--activate",
    )
    assert fixed.returncode == 0, fixed.stderr
    assert "policy PERSONAL version 1: active" in fixed.stdout  # the open draft was replaced, then activated
    missing = cli(database_url, "policy", "load", write(tmp_path, "p.json", policy_document()), "--product", "NONE")
    assert missing.returncode == 1
    assert "NONE" in missing.stderr


async def test_the_dev_seed_publishes_the_product_and_activates_its_policy_once(
    client: Client, admin: Account, db: AsyncEngine
) -> None:
    async with create_sessionmaker(db)() as session:
        assert isinstance(session, AsyncSession)
        first = await seed_development(session)
        second = await seed_development(session)
    assert first == [
        "seeded product PERSONAL version 1 (published)",
        "seeded the PERSONAL credit policy version 1 (active)",
    ]
    assert second == []
    [offered] = (await client.get("/api/products")).json()
    assert offered["code"] == "PERSONAL"
    versions = (await client.get("/api/admin/products/PERSONAL/policy/versions", headers=admin.auth)).json()
    assert [(v["version"], v["status"]) for v in versions] == [(1, "active")]
