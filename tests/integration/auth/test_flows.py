"""Sign-up, sign-in, me, refresh rotation, sign-out and password change, over HTTP on the real database."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import (
    OTHER_STRONG_PASSWORD,
    STRONG_PASSWORD,
    Client,
    MakeAccount,
    audit_rows,
    claims_of,
    login,
    refresh_cookie,
    register,
    sql,
    with_refresh,
)


async def test_register_creates_a_signed_in_borrower(client: Client, db: AsyncEngine) -> None:
    response = await client.post(
        "/auth/register",
        json={"email": "  Ada.Lovelace@Example.COM ", "displayName": "Ada Lovelace", "password": STRONG_PASSWORD},
    )
    # the email pattern refuses surrounding spaces: nothing is stored for a malformed address
    assert response.status_code == 422
    response = await client.post(
        "/auth/register",
        json={"email": "Ada.Lovelace@Example.COM", "displayName": "Ada Lovelace", "password": STRONG_PASSWORD},
    )
    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["tokenType"] == "Bearer"
    assert body["expiresIn"] == 900
    assert body["user"]["email"] == "ada.lovelace@example.com"
    assert body["user"]["roles"] == ["borrower"]
    assert body["user"]["status"] == "active"
    assert "passwordHash" not in body["user"]
    assert STRONG_PASSWORD not in response.text
    me = await client.get("/auth/me", headers={"Authorization": f"Bearer {body['accessToken']}"})
    assert me.status_code == 200
    assert me.json() == body["user"] | {"lastSignInAt": me.json()["lastSignInAt"]}
    stored = await sql(db, "SELECT password_hash, roles FROM users WHERE email = 'ada.lovelace@example.com'")
    assert stored[0].password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert STRONG_PASSWORD not in stored[0].password_hash
    assert [r.event for r in await audit_rows(db)] == ["user.registered"]


async def test_the_email_is_unique_whatever_its_case(client: Client) -> None:
    await register(client, email="grace@example.com")
    response = await client.post(
        "/auth/register",
        json={"email": "GRACE@example.com", "displayName": "Grace", "password": OTHER_STRONG_PASSWORD},
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"


async def test_register_cannot_choose_roles(client: Client) -> None:
    response = await client.post(
        "/auth/register",
        json={"email": "eve@example.com", "displayName": "Eve", "password": STRONG_PASSWORD, "roles": ["admin"]},
    )
    assert response.status_code == 422


async def test_weak_passwords_are_refused_with_the_reason(client: Client, db: AsyncEngine) -> None:
    cases = {
        "short1!Aa": "at least 12 characters",
        "password1234": "too easy to guess",
        "aaaaaaaaaaaaaaaa": "too easy to guess",
        "margaret.hamilton": "too easy to guess",  # the user's own name and email
    }
    for password, reason in cases.items():
        response = await client.post(
            "/auth/register",
            json={"email": "margaret.hamilton@example.com", "displayName": "Margaret Hamilton", "password": password},
        )
        assert response.status_code == 422, password
        errors = response.json()["errors"]
        assert errors[0]["field"] == "password"
        assert reason in errors[0]["message"], (password, errors)
    too_long = await client.post(
        "/auth/register", json={"email": "m@example.com", "displayName": "M", "password": "x" * 129}
    )
    assert too_long.status_code == 422
    assert await sql(db, "SELECT * FROM users") == []


async def test_a_long_passphrase_is_accepted(client: Client) -> None:
    passphrase = "otters juggle seven copper kettles beneath the lighthouse every stormy tuesday " * 2
    account = await register(client, password=passphrase[:128])
    assert (await login(client, account.email, passphrase[:128])).status_code == 200


async def test_login_sets_the_refresh_cookie_with_strict_attributes(client: Client) -> None:
    account = await register(client)
    response = await login(client, account.email.upper(), account.password)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    cookie = refresh_cookie(response)
    raw = cookie["raw"].lower()
    assert "httponly" in raw
    assert "secure" in raw
    assert "samesite=strict" in raw
    assert cookie["path"] == "/auth"
    assert abs(int(cookie["max-age"]) - 7 * 24 * 3600) < 5  # idle lifetime; capped by the 30-day session
    assert "domain" not in cookie
    assert len(cookie["value"]) >= 43  # 256 random bits
    assert cookie["value"] not in response.text  # the refresh token is never in the body
    hint = refresh_cookie(response, "le_session")  # readable by the page, so it holds no secret
    assert hint["value"] == "1"
    assert "httponly" not in hint["raw"].lower()
    assert hint["path"] == "/"
    assert hint["max-age"] == cookie["max-age"]


async def test_access_token_claims(client: Client) -> None:
    account = await register(client)
    header_and_claims = claims_of(account.access_token)
    assert header_and_claims["iss"] == "loan-engine"
    assert header_and_claims["aud"] == "loan-engine-api"
    assert header_and_claims["sub"] == account.id
    assert header_and_claims["typ"] == "at+jwt"
    assert header_and_claims["roles"] == ["borrower"]
    assert header_and_claims["exp"] - header_and_claims["iat"] == 900
    assert header_and_claims["nbf"] == header_and_claims["iat"]
    assert len(header_and_claims["jti"]) == 32
    uuid.UUID(header_and_claims["sid"])


async def test_refresh_rotates_the_token_and_issues_a_new_access_token(client: Client, db: AsyncEngine) -> None:
    account = await register(client)
    first = await client.post("/auth/refresh", headers=with_refresh(account.refresh_token))
    assert first.status_code == 200
    rotated = refresh_cookie(first)["value"]
    assert rotated != account.refresh_token
    new_access = first.json()["accessToken"]
    assert claims_of(new_access)["sid"] == claims_of(account.access_token)["sid"]
    assert (await client.get("/auth/me", headers={"Authorization": f"Bearer {new_access}"})).status_code == 200
    second = await client.post("/auth/refresh", headers=with_refresh(rotated))
    assert second.status_code == 200
    rows = await sql(db, "SELECT parent_id, used_at FROM refresh_tokens ORDER BY created_at")
    assert len(rows) == 3
    assert [r.used_at is not None for r in rows] == [True, True, False]
    assert [r.parent_id is not None for r in rows] == [False, True, True]
    stored = await sql(db, "SELECT token_hash FROM refresh_tokens")
    assert all(rotated.encode() not in bytes(r.token_hash) for r in stored)


async def test_refresh_without_or_with_a_bogus_cookie_is_401(client: Client) -> None:
    assert (await client.post("/auth/refresh")).status_code == 401
    response = await client.post("/auth/refresh", headers=with_refresh("not-a-token"))
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_logout_ends_the_session_and_its_access_tokens(client: Client, db: AsyncEngine) -> None:
    account = await register(client)
    response = await client.post("/auth/logout", headers=with_refresh(account.refresh_token))
    assert response.status_code == 204
    cleared = refresh_cookie(response)
    assert cleared["value"] == ""
    assert cleared["max-age"] == "0"
    assert cleared["path"] == "/auth"
    assert refresh_cookie(response, "le_session")["max-age"] == "0"
    assert (await client.post("/auth/refresh", headers=with_refresh(account.refresh_token))).status_code == 401
    assert (await client.get("/auth/me", headers=account.auth)).status_code == 401
    assert [r.event for r in await audit_rows(db, "auth.logout")] == ["auth.logout"]
    again = await client.post("/auth/logout", headers=with_refresh(account.refresh_token))
    assert again.status_code == 204  # idempotent, and not audited twice
    assert len(await audit_rows(db, "auth.logout")) == 1


async def test_each_sign_in_is_its_own_session(client: Client) -> None:
    account = await register(client)
    laptop = (await login(client, account.email, account.password)).json()["accessToken"]
    await client.post("/auth/logout", headers=with_refresh(account.refresh_token))
    assert (await client.get("/auth/me", headers={"Authorization": f"Bearer {laptop}"})).status_code == 200


async def test_password_change_ends_the_other_sessions_only(client: Client, db: AsyncEngine) -> None:
    account = await register(client)
    other = await login(client, account.email, account.password)
    other_access, other_refresh = other.json()["accessToken"], refresh_cookie(other)["value"]
    response = await client.post(
        "/auth/password",
        json={"currentPassword": account.password, "newPassword": OTHER_STRONG_PASSWORD},
        headers=account.auth,
    )
    assert response.status_code == 204
    assert (await client.get("/auth/me", headers=account.auth)).status_code == 200
    assert (await client.post("/auth/refresh", headers=with_refresh(account.refresh_token))).status_code == 200
    assert (await client.get("/auth/me", headers={"Authorization": f"Bearer {other_access}"})).status_code == 401
    assert (await client.post("/auth/refresh", headers=with_refresh(other_refresh))).status_code == 401
    assert (await login(client, account.email, account.password)).status_code == 401
    assert (await login(client, account.email, OTHER_STRONG_PASSWORD)).status_code == 200
    changed = await audit_rows(db, "auth.password.changed")
    assert changed[0].details == {"otherSessionsEnded": 1}


async def test_password_change_checks_the_current_password_and_the_policy(client: Client, db: AsyncEngine) -> None:
    account = await register(client)
    wrong = await client.post(
        "/auth/password",
        json={"currentPassword": "not-my-password-at-all", "newPassword": OTHER_STRONG_PASSWORD},
        headers=account.auth,
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "currentPassword"
    weak = await client.post(
        "/auth/password",
        json={"currentPassword": account.password, "newPassword": "password1234"},
        headers=account.auth,
    )
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["field"] == "newPassword"
    same = await client.post(
        "/auth/password",
        json={"currentPassword": account.password, "newPassword": account.password},
        headers=account.auth,
    )
    assert same.status_code == 422
    assert (await login(client, account.email, account.password)).status_code == 200
    assert len(await audit_rows(db, "auth.password.change_failed")) == 1


async def test_sign_in_records_last_sign_in_and_audits_success(client: Client, db: AsyncEngine) -> None:
    account = await register(client)
    before = (await client.get("/auth/me", headers=account.auth)).json()["lastSignInAt"]
    response = await login(client, account.email, account.password, headers={"User-Agent": "pytest-browser/1.0"})
    after = response.json()["user"]["lastSignInAt"]
    assert after > before
    row = (await audit_rows(db, "auth.login.succeeded"))[0]
    assert (row.actor_type, row.actor_id, row.subject_type, row.subject_id) == ("user", account.id, "user", account.id)
    assert row.source_address == "testclient"
    assert row.request_id == response.headers["x-request-id"]
    sessions = await sql(db, "SELECT user_agent FROM auth_sessions ORDER BY created_at")
    assert sessions[-1].user_agent == "pytest-browser/1.0"


async def test_a_disabled_account_cannot_sign_in(client: Client, db: AsyncEngine, make_account: MakeAccount) -> None:
    account = await make_account()
    await sql(db, "UPDATE users SET status = 'disabled' WHERE id = :id", id=uuid.UUID(account.id))
    response = await login(client, account.email, account.password)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid email or password"
    assert (await audit_rows(db, "auth.login.failed"))[0].details == {"reason": "disabled"}


async def test_access_tokens_are_bearer_only(client: Client) -> None:
    account = await register(client)
    assert (await client.get("/auth/me", headers={"Authorization": f"Token {account.access_token}"})).status_code == 401
    response = await client.get("/auth/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_malformed_bodies_are_clean_client_errors(client: Client, db: AsyncEngine) -> None:
    for path in ("/auth/register", "/auth/login", "/auth/password"):
        response = await client.post(path, content=b"{not json", headers={"Content-Type": "application/json"})
        assert response.status_code in (400, 401), path  # /auth/password asks for a token first
        assert response.headers["content-type"] == "application/problem+json"
    assert await sql(db, "SELECT * FROM users") == []


async def test_the_openapi_description_documents_bearer_auth(client: Client) -> None:
    spec = (await client.get("/api/docs/openapi.json")).json()
    assert spec["components"]["securitySchemes"]["BearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert spec["paths"]["/auth/me"]["get"]["security"] == [{"BearerAuth": []}]
    assert {"/auth/register", "/auth/login", "/auth/refresh", "/auth/logout", "/auth/token"} <= set(spec["paths"])
    assert "/api/admin/users/{user_id}/roles" in spec["paths"]
