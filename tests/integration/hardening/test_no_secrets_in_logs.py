"""Secrets never reach the logs, in either format: sign-up, sign-in, refresh, password change and the
client-credentials grant are driven with canary secrets and the logs searched for them, and a real
database failure during registration (a trigger that raises) logs its traceback without the password
(no locals), the email or the Argon2 hash (no SQL parameters)."""

from __future__ import annotations

import base64
import logging
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from loan_engine.app import create_app
from loan_engine.log_config import configure_logging, redact, scrub
from loan_engine.settings import LogFormat, Settings
from tests.integration.auth.conftest import Client, refresh_cookie, set_roles, sql, with_refresh

CANARY_PASSWORD = "canary-password-7f3a9b2c1d"
CANARY_NEW_PASSWORD = "canary-newpass-5e6d7c8b9a"
CANARY_EMAIL = "canary-7f3a9b2c@example.com"


def assert_absent(logs: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in logs, f"{secret[:12]}... appears in the logs"


@pytest.fixture(params=[LogFormat.CONSOLE, LogFormat.JSON])
def log_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    return replace(settings, log_format=request.param, log_level="DEBUG")


async def test_sign_in_refresh_and_client_grants_log_no_secret(
    log_settings: Settings, capsys: pytest.CaptureFixture[str], db: AsyncEngine, client: Client
) -> None:
    async with AsyncTestClient(app=create_app(log_settings), base_url="http://testserver.local") as http:
        registered = await http.post(
            "/auth/register", json={"email": CANARY_EMAIL, "displayName": "Canary", "password": CANARY_PASSWORD}
        )
        assert registered.status_code == 201
        access, refresh = registered.json()["accessToken"], refresh_cookie(registered)["value"]
        assert (
            await http.post("/auth/login", json={"email": CANARY_EMAIL, "password": "wrong-" + CANARY_PASSWORD})
        ).status_code == 401
        signed_in = await http.post("/auth/login", json={"email": CANARY_EMAIL, "password": CANARY_PASSWORD})
        assert signed_in.status_code == 200
        rotated = await http.post("/auth/refresh", headers=with_refresh(refresh))
        assert rotated.status_code == 200
        reused = await http.post("/auth/refresh", headers=with_refresh(refresh))  # reuse: logged, refused
        assert reused.status_code == 401
        auth = {"Authorization": f"Bearer {signed_in.json()['accessToken']}"}
        changed = await http.post(
            "/auth/password",
            json={"currentPassword": CANARY_PASSWORD, "newPassword": CANARY_NEW_PASSWORD},
            headers=auth,
        )
        assert changed.status_code == 204
        await set_roles(db, registered.json()["user"]["id"], "admin")
        created = await http.post("/api/admin/clients", json={"name": "Canary", "scopes": ["audit:read"]}, headers=auth)
        assert created.status_code == 201
        client_id, secret = created.json()["client"]["clientId"], created.json()["clientSecret"]
        for candidate in (secret, "wrong-" + secret):
            basic = base64.b64encode(f"{client_id}:{candidate}".encode()).decode()
            await http.post(
                "/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
            )
    logs = capsys.readouterr().err
    assert "refresh_refused" in logs  # the logs were captured
    assert_absent(logs, CANARY_PASSWORD, CANARY_NEW_PASSWORD, access, refresh, secret, "$argon2")


async def test_a_database_failure_during_sign_up_logs_no_secret(
    log_settings: Settings, capsys: pytest.CaptureFixture[str], db: AsyncEngine, client: Client
) -> None:
    await sql(
        db,
        "CREATE FUNCTION test_refuse_users() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'users are read-only in this test'; END $$",
    )
    await sql(
        db, "CREATE TRIGGER test_refuse_users BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION test_refuse_users()"
    )
    try:
        async with AsyncTestClient(app=create_app(log_settings), base_url="http://testserver.local") as http:
            response = await http.post(
                "/auth/register", json={"email": CANARY_EMAIL, "displayName": "Canary", "password": CANARY_PASSWORD}
            )
    finally:
        await sql(db, "DROP TRIGGER test_refuse_users ON users")
        await sql(db, "DROP FUNCTION test_refuse_users()")
    assert response.status_code == 500
    assert CANARY_PASSWORD not in response.text
    logs = capsys.readouterr().err
    assert "users are read-only in this test" in logs  # the traceback was logged, with the database's reason
    assert "Traceback" in logs
    assert_absent(logs, CANARY_PASSWORD, CANARY_EMAIL, "$argon2")


def test_redaction_of_secret_fields_and_url_passwords(capsys: pytest.CaptureFixture[str], settings: Settings) -> None:
    url = "postgresql+asyncpg://loan:canary-db-password@db.internal:5432/loan"
    event: dict[str, Any] = {
        "event": "x",
        "password": "p",
        "clientSecret": "s",
        "headers": {"Authorization": "Bearer t"},
    }
    assert redact(None, "", event) == {
        "event": "x",
        "password": "[redacted]",
        "clientSecret": "[redacted]",
        "headers": {"Authorization": "[redacted]"},
    }
    assert (
        scrub(f"could not connect to {url}")
        == "could not connect to postgresql+asyncpg://loan:***@db.internal:5432/loan"
    )
    for log_format in LogFormat:
        configure_logging(replace(settings, log_format=log_format))
        try:
            raise ConnectionError(f"cannot reach {url}")  # noqa: TRY301 - a real traceback to render
        except ConnectionError:
            logging.getLogger("sqlalchemy.pool").exception("connection failed for %s", url)
    logs = capsys.readouterr().err
    assert logs.count("loan:***@db.internal") >= 4  # message and traceback, both formats
    assert "canary-db-password" not in logs
