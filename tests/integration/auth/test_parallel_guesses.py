"""The throttle holds under parallel guesses: 100 wrong credentials sent at once to a real server check
no more than the back-off allows (the attempt is reserved before the check), the rest get 429 with
Retry-After. Per account, per source address, and per API client."""

from __future__ import annotations

import asyncio
import base64
import time
from collections import Counter
from typing import Any

import httpx
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from loan_engine.auth import throttle
from tests.integration.auth.conftest import Client, MakeAccount, audit_rows, sql
from tests.live_server import live_server

GUESSES = 100


def most_allowed(policy: throttle.ThrottlePolicy, elapsed_s: float) -> int:
    """How many failures the policy lets through from a clean start within `elapsed_s` seconds: the free
    ones, then one more each time the back-off set by the previous failure runs out."""
    allowed, waited = policy.free_failures, 0.0
    while waited + policy.delay_s(allowed) <= elapsed_s:
        waited += policy.delay_s(allowed)
        allowed += 1
    return allowed


Guess = tuple[str, dict[str, Any]]  # path and httpx request arguments


async def burst(guesses: list[Guess], base_url: str) -> tuple[Counter[int], float, list[httpx.Response]]:
    """Send every guess at once (one connection each) and wait for all the answers."""
    limits = httpx.Limits(max_connections=GUESSES, max_keepalive_connections=GUESSES)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as http:
        started = time.monotonic()
        responses = await asyncio.gather(*(http.post(path, **kwargs) for path, kwargs in guesses))
        elapsed = time.monotonic() - started
    return Counter(r.status_code for r in responses), elapsed, list(responses)


def login_request(email: str, password: str) -> Guess:
    return "/auth/login", {"json": {"email": email, "password": password}}


def assert_refusals_say_when(responses: list[httpx.Response]) -> None:
    """Every guess not checked was refused with a wait: 429, or 503 when the burst saturates the database
    pool on a loaded machine (the pool timeout); both carry Retry-After."""
    for response in responses:
        if response.status_code in (429, 503):
            assert int(response.headers["retry-after"]) >= 1
            assert response.headers["content-type"] == "application/problem+json"


async def test_parallel_wrong_passwords_for_one_account(
    app: Litestar, db: AsyncEngine, make_account: MakeAccount
) -> None:
    account = await make_account()
    with live_server(app) as url:
        statuses, elapsed, responses = await burst(
            [login_request(account.email, f"wrong-guess-{i}") for i in range(GUESSES)], url
        )
    rows = await sql(db, "SELECT failures FROM auth_throttle WHERE key = :key", key=throttle.ACCOUNT.key(account.email))
    checked = rows[0].failures  # reserved attempts: the most passwords that were verified (refusals do not count)
    print(f"account: {checked} of {GUESSES} guesses checked in {elapsed:.2f} s; {dict(statuses)}")
    assert set(statuses) <= {401, 429, 503}
    assert 1 <= statuses[401] <= checked <= most_allowed(throttle.ACCOUNT, elapsed)
    assert_refusals_say_when(responses)
    assert len(await audit_rows(db, "auth.login.failed")) == statuses[401]


async def test_parallel_guesses_across_accounts_from_one_address(
    app: Litestar, db: AsyncEngine, client: Client
) -> None:
    with live_server(app) as url:
        statuses, elapsed, responses = await burst(
            [login_request(f"spray-{i}@example.com", "Summer2026!") for i in range(GUESSES)], url
        )
    rows = await sql(db, "SELECT failures FROM auth_throttle WHERE key = 'source:127.0.0.1'")
    checked = rows[0].failures
    print(f"source: {checked} of {GUESSES} guesses checked in {elapsed:.2f} s; {dict(statuses)}")
    assert set(statuses) <= {401, 429, 503}
    assert 1 <= statuses[401] <= checked <= most_allowed(throttle.SOURCE, elapsed)
    assert_refusals_say_when(responses)


async def test_parallel_wrong_secrets_for_one_api_client(
    app: Litestar, db: AsyncEngine, make_account: MakeAccount
) -> None:
    admin = await make_account("admin")
    with live_server(app) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            created = await http.post(
                "/api/admin/clients", json={"name": "Broker", "scopes": ["audit:read"]}, headers=admin.auth
            )
        client_id = created.json()["client"]["clientId"]

        def guess(i: int) -> Guess:
            basic = base64.b64encode(f"{client_id}:wrong-secret-{i}".encode()).decode()
            return "/auth/token", {
                "data": {"grant_type": "client_credentials"},
                "headers": {"Authorization": f"Basic {basic}"},
            }

        statuses, elapsed, responses = await burst([guess(i) for i in range(GUESSES)], url)
    checked = statuses[401]
    print(f"client: {checked} of {GUESSES} secrets checked in {elapsed:.2f} s; {dict(statuses)}")
    assert set(statuses) <= {401, 429, 503}
    assert 1 <= checked <= most_allowed(throttle.CLIENT, elapsed)
    assert_refusals_say_when(responses)
    assert len(await audit_rows(db, "client.token.denied")) == checked
