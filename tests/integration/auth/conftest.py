"""Helpers for the identity tests: accounts made through the real endpoints, roles set in the database,
tokens minted with the test key (for the attack suite), and direct SQL for checking what was stored."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import jwt
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

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


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
    """An account with the given roles (registered as a borrower, then re-roled in the database)."""

    async def make(*roles: str, email: str | None = None) -> Account:
        account = await register(client, email=email)
        if roles and roles != ("borrower",):
            await set_roles(db, account.id, *roles)
        return account

    return make


async def audit_rows(db: AsyncEngine, event: str | None = None) -> list[Any]:
    if event is None:
        return await sql(db, "SELECT * FROM audit_log ORDER BY id")
    return await sql(db, "SELECT * FROM audit_log WHERE event = :event ORDER BY id", event=event)


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
