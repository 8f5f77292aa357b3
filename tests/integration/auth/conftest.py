"""Helpers for the identity tests: accounts made through the real endpoints, roles set in the database,
tokens minted with the test key (for the attack suite), and direct SQL for checking what was stored.

Staff sign in with a second factor: `make_account("admin", mfa=True)` sets up an authenticator through
the real API (codes computed with pyotp), and `sign_in(client, account)` completes whatever step the
sign-in asks for (a code, or a first-time enrolment), so a test gets an enrolled staff session in one call."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import jwt
import pyotp
import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tests.conftest import TEST_JWT_SECRET

STRONG_PASSWORD = "quartz-lantern-meadow-91"
OTHER_STRONG_PASSWORD = "violet-harbor-compass-27"
Client = AsyncTestClient[Litestar]


@dataclass
class Account:
    id: str
    email: str
    password: str
    access_token: str
    refresh_token: str
    totp_secret: str | None = None  # set once the account has an authenticator
    recovery_codes: list[str] = field(default_factory=list)
    last_step: int = 0  # the TOTP step of the last code sent (the server refuses it again)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    async def next_code(self) -> str:
        """A code the server has not seen yet: the current step's, or the next one's (accepted within the
        window) when the current one was just used; waits for a later step only when both were used."""
        assert self.totp_secret is not None, "the account has no authenticator"
        now = int(time.time() // 30)
        step = max(now, self.last_step + 1)
        if step > now + 1:
            await asyncio.sleep((step - 1) * 30 - time.time() + 0.1)
        self.last_step = step
        return pyotp.TOTP(self.totp_secret).generate_otp(step)


def refresh_cookie(response: Response, name: str = "le_refresh") -> dict[str, Any]:
    """The `le_refresh` (or `name`) Set-Cookie of a response, value and attributes (lower-case names)."""
    for header in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        if name in jar:
            morsel = jar[name]
            attributes = {k: v for k, v in morsel.items() if v}
            return {"value": morsel.value, "raw": header, **attributes}
    raise AssertionError(f"no {name} cookie in {response.headers.get_list('set-cookie')}")


def with_refresh(token: str) -> dict[str, str]:
    """The Cookie header a browser sends to /auth (httpx itself never sends a Secure cookie over http)."""
    return {"Cookie": f"le_refresh={token}"}


async def register(
    client: Client, email: str | None = None, password: str = STRONG_PASSWORD, name: str = "Ada Lovelace"
) -> Account:
    email = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
    response = await client.post("/auth/register", json={"email": email, "displayName": name, "password": password})
    assert response.status_code == 201, response.text
    body = response.json()
    return Account(body["user"]["id"], email, password, body["accessToken"], refresh_cookie(response)["value"])


async def login(client: Client, email: str, password: str, headers: dict[str, str] | None = None) -> Response:
    return await client.post("/auth/login", json={"email": email, "password": password}, headers=headers)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    yield engine
    await engine.dispose()


async def sql(db: AsyncEngine, statement: str, **params: Any) -> list[Any]:
    async with db.begin() as conn:
        result = await conn.execute(text(statement), params)
        return list(result.all()) if result.returns_rows else []


async def set_roles(db: AsyncEngine, user_id: str, *roles: str) -> None:
    await sql(db, "UPDATE users SET roles = :roles WHERE id = :id", roles=list(roles), id=uuid.UUID(user_id))


MakeAccount = Callable[..., Awaitable[Account]]


@pytest.fixture
def make_account(client: Client, db: AsyncEngine) -> MakeAccount:
    """An account with the given roles (registered as a borrower, then re-roled in the database). Its
    registration's sign-in stays usable; `mfa=True` also sets up an authenticator through the API (what
    a staff account needs to sign in again, see `sign_in`)."""

    async def make(*roles: str, email: str | None = None, mfa: bool = False) -> Account:
        account = await register(client, email=email)
        if roles and roles != ("borrower",):
            await set_roles(db, account.id, *roles)
        if mfa:
            await enrol(client, account)
        return account

    return make


async def enrol(client: Client, account: Account) -> None:
    """Turn on two-step sign-in from the account page (the signed-in account's own session)."""
    setup = await client.post("/auth/mfa/enrolment", headers=account.auth)
    assert setup.status_code == 200, setup.text
    account.totp_secret = setup.json()["secret"]
    confirmed = await client.post(
        "/auth/mfa/enrolment/confirm", json={"code": await account.next_code()}, headers=account.auth
    )
    assert confirmed.status_code == 200, confirmed.text
    account.recovery_codes = confirmed.json()["codes"]


async def sign_in(
    client: Client, account: Account, *, recovery: bool = False, headers: dict[str, str] | None = None
) -> Response:
    """Sign in with the password and finish the step the answer asks for: a code (or, with `recovery`, a
    recovery code) for a challenge, a first-time setup for `enrol`. The account's tokens are updated;
    the final response is returned."""
    response = await login(client, account.email, account.password, headers=headers)
    if response.status_code != 200 or "step" not in response.json():
        return _signed(account, response)
    step = response.json()
    if step["step"] == "challenge":
        proof = {"recoveryCode": account.recovery_codes.pop()} if recovery else {"code": await account.next_code()}
        body = {"mfaToken": step["mfaToken"], **proof}
        return _signed(account, await client.post("/auth/login/mfa", json=body, headers=headers))
    setup = await client.post("/auth/login/enrolment", json={"mfaToken": step["mfaToken"]}, headers=headers)
    assert setup.status_code == 200, setup.text
    account.totp_secret = setup.json()["secret"]
    body = {"mfaToken": step["mfaToken"], "code": await account.next_code()}
    confirmed = await client.post("/auth/login/enrolment/confirm", json=body, headers=headers)
    if confirmed.status_code == 200:
        account.recovery_codes = confirmed.json()["recoveryCodes"]
    return _signed(account, confirmed)


def _signed(account: Account, response: Response) -> Response:
    if response.status_code == 200 and "accessToken" in response.json():
        account.access_token = response.json()["accessToken"]
        account.refresh_token = refresh_cookie(response)["value"]
    return response


async def audit_rows(db: AsyncEngine, event: str | None = None) -> list[Any]:
    if event is None:
        return await sql(db, "SELECT * FROM audit_log ORDER BY id")
    return await sql(db, "SELECT * FROM audit_log WHERE event = :event ORDER BY id", event=event)


async def outbox(db: AsyncEngine, template: str) -> list[str]:
    """The recipients of the queued mail of one template, oldest first."""
    rows = await sql(db, "SELECT recipient FROM mail_outbox WHERE template = :t ORDER BY created_at", t=template)
    return [r.recipient for r in rows]


def mint(claims: dict[str, Any] | None = None, *, key: str | bytes = TEST_JWT_SECRET, **header: Any) -> str:
    """An access token signed HS256 with `key` (default: the test app's own key), claims overridable."""
    now = int(time.time())
    payload = {
        "iss": "loan-engine",
        "aud": "loan-engine-api",
        "sub": str(uuid.uuid4()),
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        "typ": "at+jwt",
        "sid": str(uuid.uuid4()),
        "roles": ["borrower"],
        **(claims or {}),
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    headers = {"kid": "k1", "typ": "at+jwt", **header}
    return jwt.encode(payload, key, algorithm="HS256", headers=headers)


def claims_of(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims
