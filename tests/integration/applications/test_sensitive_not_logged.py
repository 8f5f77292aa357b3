"""The tax id and date of birth never reach the logs or the audit log, at DEBUG, in either format."""

from __future__ import annotations

from dataclasses import replace

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from loan_engine.app import create_app
from loan_engine.settings import LogFormat, Settings
from tests.integration.applications.conftest import World, key, sections
from tests.integration.auth.conftest import sql

SECRETS = ("123-45-0002", "123450002", "1986-12-09")


@pytest.mark.parametrize("log_format", [LogFormat.CONSOLE, LogFormat.JSON])
async def test_applying_and_unmasking_log_no_sensitive_field(
    world: World, settings: Settings, log_format: LogFormat, capsys: pytest.CaptureFixture[str], db: AsyncEngine
) -> None:
    debug = replace(settings, log_format=log_format, log_level="DEBUG")
    async with AsyncTestClient(app=create_app(debug), base_url="http://testserver.local") as http:
        created = await http.post("/api/applications", json=sections(), headers=world.borrower.auth)
        assert created.status_code == 201
        path = f"/api/applications/{created.json()['id']}"
        bad = {"identity": {**sections()["identity"], "birthDate": "1986-13-09"}}
        refused = await http.patch(path, json=bad, headers=world.borrower.auth)
        assert refused.status_code in {400, 422}
        assert "123" not in refused.text  # the problem names the field, never echoes the tax id
        submitted = await http.post(f"{path}/submit", headers={**world.borrower.auth, **key()})
        assert submitted.status_code == 200
        shown = await http.get(f"{path}/sensitive", headers=world.admin.auth)
        assert shown.json()["taxId"] == "123-45-0002"
    logs = capsys.readouterr()
    for secret in SECRETS:
        assert secret not in logs.out + logs.err
    details = " ".join(r.details for r in await sql(db, "SELECT details::text AS details FROM audit_log"))
    for secret in SECRETS:
        assert secret not in details
