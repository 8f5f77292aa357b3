"""Sign-in throttling kept in PostgreSQL (per account and per source address, growing back-off, 429 with
Retry-After), and no account enumeration through sign-in answers, the work they do or their throttling."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher, extract_parameters
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from loan_engine.api.request import RequestMeta
from loan_engine.app import create_app
from loan_engine.auth.passwords import PasswordHashing
from loan_engine.auth.service import AuthService, IssuedSession
from loan_engine.auth.tokens import TokenService
from loan_engine.crypto import KeyWrapper
from loan_engine.db.engine import create_sessionmaker
from loan_engine.errors import RateLimitedError
from loan_engine.settings import Settings
from tests.integration.auth.conftest import Client, MakeAccount, audit_rows, login, register, sql


async def fail(client: Client, email: str, times: int) -> list[int]:
    return [(await login(client, email, "definitely-not-the-password")).status_code for _ in range(times)]


def comparable(response_json: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in response_json.items() if k != "requestId"}


class RecordingHasher:
    """argon2's PasswordHasher (slotted, so it cannot be patched), recording the hashes it verifies."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        self.verified: list[str] = []

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified.append(password_hash)
        return self.hasher.verify(password_hash, password)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.hasher, name)


async def test_five_failures_then_429_with_retry_after_even_for_the_right_password(
    client: Client, make_account: MakeAccount
) -> None:
    account = await make_account()
    assert await fail(client, account.email, 5) == [401] * 5
    response = await login(client, account.email, account.password)
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:loan-engine:problem:rate-limited"
    assert 1 <= int(response.headers["retry-after"]) <= 2


async def test_back_off_doubles_with_each_further_failure(client: Client, db: AsyncEngine) -> None:
    email = "target@example.com"
    await fail(client, email, 5)
    waits = []
    for _ in range(4):
        throttled = await login(client, email, "x-password-guess")
        waits.append(int(throttled.headers["retry-after"]))
        await sql(db, "UPDATE auth_throttle SET next_allowed_at = now() - interval '1 second'")  # time passes
        assert (await login(client, email, "x-password-guess")).status_code == 401
    assert waits == [1, 2, 4, 8]
    rows = await sql(db, "SELECT failures FROM auth_throttle WHERE key = 'account:target@example.com'")
    assert rows[0].failures == 9


async def test_refused_attempts_do_not_extend_the_back_off(client: Client, db: AsyncEngine) -> None:
    await fail(client, "victim@example.com", 5)
    await sql(db, "UPDATE auth_throttle SET next_allowed_at = now() + interval '1 minute' WHERE key LIKE 'account:%'")
    before = await sql(db, "SELECT failures, next_allowed_at FROM auth_throttle WHERE key LIKE 'account:%'")
    for _ in range(10):
        assert (await login(client, "victim@example.com", "guess-guess-guess")).status_code == 429
    after = await sql(db, "SELECT failures, next_allowed_at FROM auth_throttle WHERE key LIKE 'account:%'")
    assert after == before


async def test_a_success_resets_the_account_count(client: Client, make_account: MakeAccount) -> None:
    account = await make_account()
    assert await fail(client, account.email, 4) == [401] * 4
    assert (await login(client, account.email, account.password)).status_code == 200
    assert await fail(client, account.email, 4) == [401] * 4
    assert (await login(client, account.email, account.password)).status_code == 200


async def test_the_back_off_is_capped_and_the_count_restarts_after_a_quiet_hour(
    client: Client, db: AsyncEngine
) -> None:
    await sql(
        db,
        "INSERT INTO auth_throttle (key, failures, last_failure_at, next_allowed_at) "
        "VALUES ('account:cap@example.com', 40, now() - interval '1 minute', now() - interval '1 second')",
    )
    await login(client, "cap@example.com", "x-password-guess")
    assert int((await login(client, "cap@example.com", "x")).headers["retry-after"]) == 15 * 60
    await sql(
        db,
        "UPDATE auth_throttle SET last_failure_at = now() - interval '2 hours', "
        "next_allowed_at = now() - interval '1 second'",
    )
    assert (await login(client, "cap@example.com", "x-password-guess")).status_code == 401
    rows = await sql(db, "SELECT failures FROM auth_throttle WHERE key = 'account:cap@example.com'")
    assert rows[0].failures == 1


async def test_one_source_failing_across_many_accounts_is_throttled(client: Client, db: AsyncEngine) -> None:
    for i in range(20):
        assert (await login(client, f"spray-{i}@example.com", "Summer2026!")).status_code == 401
    response = await login(client, "never-tried@example.com", "Summer2026!")
    assert response.status_code == 429
    rows = await sql(db, "SELECT failures FROM auth_throttle WHERE key = 'source:testclient'")
    assert rows[0].failures == 20


async def test_the_throttle_is_shared_state_not_process_memory(
    client: Client, db: AsyncEngine, make_account: MakeAccount, settings: Settings
) -> None:
    """A second, independent app instance (another ECS task) sees the first one's back-off at once. The
    account's back-off applies from every address; a fresh address for another account is not slowed."""
    account = await make_account()
    await fail(client, account.email, 5)
    # keep the back-off running longer than starting a second app takes on a busy machine
    await sql(db, "UPDATE auth_throttle SET next_allowed_at = now() + interval '1 minute' WHERE key LIKE 'account:%'")
    async with AsyncTestClient(app=create_app(settings)) as other:
        assert (await login(other, account.email, account.password)).status_code == 429
        fresh = await register(other)
    keys = KeyWrapper.from_base64(None, "dev", prod=False)
    service = AuthService(create_sessionmaker(db)(), TokenService(settings.jwt), PasswordHashing(), keys=keys)
    elsewhere = RequestMeta(source_address="203.0.113.9")
    with pytest.raises(RateLimitedError):
        await service.login(account.email, account.password, elsewhere)
    issued = await service.login(fresh.email, fresh.password, elsewhere)
    assert isinstance(issued, IssuedSession)
    assert issued.user.email == fresh.email
    await service.session.close()


async def test_unknown_email_and_wrong_password_get_the_same_answer(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    account = await make_account()
    known = await login(client, account.email, "wrong-password-here")
    unknown = await login(client, "nobody-here@example.com", "wrong-password-here")
    assert known.status_code == unknown.status_code == 401
    assert comparable(known.json()) == comparable(unknown.json())
    assert known.headers["www-authenticate"] == unknown.headers["www-authenticate"]
    assert set(known.headers) == set(unknown.headers)
    reasons = [r.details["reason"] for r in await audit_rows(db, "auth.login.failed")]
    assert reasons == ["bad_password", "unknown_email"]  # the audit trail knows; the caller does not
    # and the throttle treats both the same: five failures, then 429
    await fail(client, account.email, 4)
    assert (await login(client, account.email, "x")).status_code == 429
    await fail(client, "nobody-here@example.com", 4)
    assert (await login(client, "nobody-here@example.com", "x")).status_code == 429


async def test_unknown_email_costs_the_same_password_verification(
    app: Litestar, client: Client, make_account: MakeAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both paths run exactly one Argon2id verification, the unknown email against a dummy hash made with
    the same parameters as real ones, so they cost the same work (how long that takes is for
    bench/, not for a test on a shared machine)."""
    account = await make_account()
    hashing: PasswordHashing = app.state.passwords
    recording = RecordingHasher(hashing._hasher)
    monkeypatch.setattr(hashing, "_hasher", recording)
    verified = recording.verified
    for i in range(3):
        await login(client, account.email, "wrong-password-here")
        await login(client, f"ghost-{i}@example.com", "wrong-password-here")
    assert len(verified) == 6  # one verification per attempt, known or not
    real_hash, dummy_hash = verified[0], verified[1]
    assert verified == [real_hash, dummy_hash] * 3
    assert real_hash != dummy_hash
    assert extract_parameters(dummy_hash) == extract_parameters(real_hash)  # same memory, time, parallelism


async def test_taken_emails_at_registration_count_against_the_source(client: Client, db: AsyncEngine) -> None:
    await register(client, email="taken@example.com")
    for _ in range(20):
        response = await client.post(
            "/auth/register",
            json={"email": "taken@example.com", "displayName": "X", "password": "quartz-lantern-meadow-91"},
        )
        assert response.status_code == 409
    probe = await client.post(
        "/auth/register",
        json={"email": "free@example.com", "displayName": "X", "password": "quartz-lantern-meadow-91"},
    )
    assert probe.status_code == 429
