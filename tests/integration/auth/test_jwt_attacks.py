"""The JWT attack suite (RFC 8725, ASVS V9): every forged, stale or misdirected token is refused with 401,
and so is a genuine token whose account or sign-in is no longer valid."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from loan_engine.app import create_app
from loan_engine.settings import JwtSettings, Settings
from tests.conftest import TEST_JWT_SECRET
from tests.integration.auth.conftest import (
    Client,
    MakeAccount,
    audit_rows,
    claims_of,
    mint,
    refresh_cookie,
    register,
    sql,
    with_refresh,
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(claims).encode())
    return f"{head}.{body}.{b64(signature)}"


async def me(client: Client, token: str) -> int:
    return (await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})).status_code


async def test_a_correctly_minted_token_is_accepted(client: Client, make_account: MakeAccount) -> None:
    """Control for the suite: the minting helper makes tokens the app accepts when nothing is wrong."""
    account = await make_account()
    good = mint({"sub": account.id, "sid": claims_of(account.access_token)["sid"]})
    assert await me(client, good) == 200


async def test_alg_none_is_refused(client: Client, make_account: MakeAccount) -> None:
    account = await make_account()
    claims = claims_of(account.access_token)
    for alg in ("none", "None", "NONE"):
        assert await me(client, forge({"alg": alg, "typ": "at+jwt", "kid": "k1"}, claims)) == 401


async def test_a_token_signed_with_another_key_is_refused(client: Client, make_account: MakeAccount) -> None:
    account = await make_account()
    claims = claims_of(account.access_token)
    assert await me(client, mint(claims, key="another-secret-of-enough-length-0123456789")) == 401


async def test_a_tampered_payload_is_refused(client: Client, make_account: MakeAccount) -> None:
    account = await make_account()
    head, _, signature = account.access_token.split(".")
    claims = claims_of(account.access_token) | {"roles": ["admin"]}
    tampered = f"{head}.{b64(json.dumps(claims).encode())}.{signature}"
    assert await me(client, tampered) == 401
    assert (await client.get("/api/admin/users", headers={"Authorization": f"Bearer {tampered}"})).status_code == 401


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"exp": -120}, "expired beyond the 30 s leeway"),  # times: seconds from now, when the test runs
        ({"nbf": 120}, "not yet valid"),
        ({"iat": 120}, "issued in the future"),
        ({"aud": "some-other-api"}, "wrong audience"),
        ({"aud": ["loan-engine-api", "other"]}, "audience list"),
        ({"iss": "https://evil.example"}, "wrong issuer"),
        ({"typ": "refresh"}, "wrong typ claim"),
        ({"jti": None}, "missing jti"),
        ({"nbf": None}, "missing nbf"),
        ({"iat": None}, "missing iat"),
        ({"exp": None}, "missing exp"),
        ({"sub": None}, "missing sub"),
        ({"sub": "not-a-uuid"}, "malformed sub"),
        ({"sid": None}, "user token without sid"),
        ({"roles": "admin"}, "roles not a list"),
    ],
)
async def test_bad_claims_are_refused(
    client: Client, make_account: MakeAccount, change: dict[str, Any], why: str
) -> None:
    account = await make_account()
    now = int(time.time())
    change = {k: now + v if k in ("exp", "nbf", "iat") and isinstance(v, int) else v for k, v in change.items()}
    token = mint({**claims_of(account.access_token), **change})
    assert await me(client, token) == 401, why


async def test_wrong_or_missing_header_typ_and_unknown_kid_are_refused(
    client: Client, make_account: MakeAccount
) -> None:
    account = await make_account()
    claims = claims_of(account.access_token)
    assert await me(client, mint(claims, typ="JWT")) == 401
    assert await me(client, mint(claims, kid="k9")) == 401
    token_without_kid = jwt.encode(claims, TEST_JWT_SECRET, algorithm="HS256", headers={"typ": "at+jwt"})
    assert await me(client, token_without_kid) == 401
    assert await me(client, "garbage") == 401
    assert await me(client, "a.b.c") == 401


async def test_an_rs256_token_is_refused_by_an_hs256_deployment(client: Client, make_account: MakeAccount) -> None:
    account = await make_account()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(claims_of(account.access_token), key, algorithm="RS256", headers={"kid": "k1", "typ": "at+jwt"})
    assert await me(client, token) == 401


@pytest.fixture
def asymmetric_keys() -> dict[str, str]:
    private = ed25519.Ed25519PrivateKey.generate()
    return {
        "private": private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        "public": private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
    }


@pytest.fixture
async def eddsa_client(settings: Settings, asymmetric_keys: dict[str, str], database_url: str) -> AsyncIterator[Client]:
    from tests.conftest import truncate_all

    app = create_app(replace(settings, jwt=JwtSettings(private_key=asymmetric_keys["private"], key_id="ed1")))
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client
    await truncate_all(database_url)


async def test_hs256_signed_with_the_public_key_is_refused_by_an_eddsa_deployment(
    eddsa_client: Client, asymmetric_keys: dict[str, str]
) -> None:
    """Algorithm confusion: the attacker knows the public key and uses it as an HMAC secret."""
    account = await register(eddsa_client)
    header = jwt.get_unverified_header(account.access_token)
    assert (header["alg"], header["kid"], header["typ"]) == ("EdDSA", "ed1", "at+jwt")
    assert await me(eddsa_client, account.access_token) == 200
    claims = claims_of(account.access_token)
    forged_header = {"alg": "HS256", "typ": "at+jwt", "kid": "ed1"}
    signing_input = f"{b64(json.dumps(forged_header).encode())}.{b64(json.dumps(claims).encode())}"
    mac = hmac.new(asymmetric_keys["public"].encode(), signing_input.encode(), hashlib.sha256).digest()
    assert await me(eddsa_client, f"{signing_input}.{b64(mac)}") == 401
    assert await me(eddsa_client, mint(claims, key=TEST_JWT_SECRET, kid="ed1")) == 401


async def test_a_valid_token_of_a_disabled_user_is_refused(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    account = await make_account()
    assert await me(client, account.access_token) == 200
    await sql(db, "UPDATE users SET status = 'disabled' WHERE id = :id", id=uuid.UUID(account.id))
    assert await me(client, account.access_token) == 401


async def test_a_token_for_another_users_session_is_refused(client: Client, make_account: MakeAccount) -> None:
    """`sid` must be a sign-in of `sub`: a token pairing one user with another's session is void."""
    alice, bob = await make_account(), await make_account()
    cross = mint({"sub": alice.id, "sid": claims_of(bob.access_token)["sid"]})
    assert await me(client, cross) == 401


async def test_a_refresh_token_reused_after_rotation_revokes_the_whole_family(client: Client, db: AsyncEngine) -> None:
    account = await register(client)
    rotated = await client.post("/auth/refresh", headers=with_refresh(account.refresh_token))
    assert rotated.status_code == 200
    newest_refresh, newest_access = refresh_cookie(rotated)["value"], rotated.json()["accessToken"]
    # an attacker (or a stale copy) presents the spent token
    reuse = await client.post(
        "/auth/refresh", headers={**with_refresh(account.refresh_token), "X-Request-ID": "reuse-1"}
    )
    assert reuse.status_code == 401
    # the legitimate holder's newest tokens die with the family
    assert (await client.post("/auth/refresh", headers=with_refresh(newest_refresh))).status_code == 401
    assert await me(client, newest_access) == 401
    assert await me(client, account.access_token) == 401
    events = await audit_rows(db, "auth.refresh.reuse_detected")
    assert len(events) == 1
    event = events[0]
    assert (event.outcome, event.subject_type, event.subject_id) == ("failure", "user", account.id)
    assert event.request_id == "reuse-1"
    assert event.details["sessionId"] == claims_of(account.access_token)["sid"]
    revoked = await sql(db, "SELECT revoked_reason FROM auth_sessions")
    assert [r.revoked_reason for r in revoked] == ["refresh_token_reuse"]
    # other sign-ins of the same person are untouched
    assert (
        await client.post("/auth/login", json={"email": account.email, "password": account.password})
    ).status_code == 200


async def test_concurrent_use_of_one_refresh_token_yields_at_most_one_rotation(client: Client) -> None:
    import asyncio

    account = await register(client)
    results = await asyncio.gather(
        *(client.post("/auth/refresh", headers=with_refresh(account.refresh_token)) for _ in range(4))
    )
    assert sorted(r.status_code for r in results).count(200) <= 1
