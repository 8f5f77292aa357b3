"""API clients: created by an admin with scopes, secret shown once and stored hashed, the OAuth 2.0
client-credentials grant, scope limits, and revocation."""

from __future__ import annotations

import base64
import uuid

from httpx import Response
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.auth.conftest import Account, Client, MakeAccount, audit_rows, claims_of, sql


async def create_client(client: Client, admin: Account, scopes: list[str], name: str = "Broker One") -> dict[str, str]:
    response = await client.post("/api/admin/clients", json={"name": name, "scopes": scopes}, headers=admin.auth)
    assert response.status_code == 201, response.text
    body = response.json()
    return {"id": body["client"]["id"], "client_id": body["client"]["clientId"], "secret": body["clientSecret"]}


async def grant(client: Client, client_id: str, secret: str, scope: str | None = None, basic: bool = True) -> Response:
    form = {"grant_type": "client_credentials"}
    if scope is not None:
        form["scope"] = scope
    headers: dict[str, str] = {}
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    else:
        form |= {"client_id": client_id, "client_secret": secret}
    return await client.post("/auth/token", data=form, headers=headers)


async def test_create_shows_the_secret_once_and_stores_only_its_hash(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    admin = await make_account("admin")
    created = await client.post(
        "/api/admin/clients", json={"name": "Broker One", "scopes": ["audit:read"]}, headers=admin.auth
    )
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"
    body = created.json()
    secret = body["clientSecret"]
    assert len(secret) >= 43
    assert body["client"]["clientId"].startswith("lec_")
    assert body["client"]["createdBy"] == admin.id
    listed = (await client.get("/api/admin/clients", headers=admin.auth)).json()["items"]
    assert [c["clientId"] for c in listed] == [body["client"]["clientId"]]
    assert secret not in str(listed)
    stored = await sql(db, "SELECT secret_hash FROM api_clients")
    assert secret.encode() not in bytes(stored[0].secret_hash)
    assert len(bytes(stored[0].secret_hash)) == 32
    event = (await audit_rows(db, "client.created"))[0]
    assert event.details["scopes"] == ["audit:read"]
    assert secret not in str(event.details)
    unknown_scope = await client.post(
        "/api/admin/clients", json={"name": "X", "scopes": ["everything"]}, headers=admin.auth
    )
    assert unknown_scope.status_code == 422


async def test_client_credentials_grant_with_basic_or_form_auth(client: Client, make_account: MakeAccount) -> None:
    admin = await make_account("admin")
    creds = await create_client(client, admin, ["audit:read"])
    for basic in (True, False):
        response = await grant(client, creds["client_id"], creds["secret"], basic=basic)
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        token = response.json()
        assert (token["token_type"], token["expires_in"], token["scope"]) == ("Bearer", 900, "audit:read")
        claims = claims_of(token["access_token"])
        assert (claims["sub"], claims["client_id"], claims["typ"]) == (creds["id"], creds["client_id"], "at+jwt")
        assert "roles" not in claims
        assert "sid" not in claims
    assert "refresh_token" not in token


async def test_the_token_is_limited_to_the_clients_scopes(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    admin = await make_account("admin")
    auditor = await create_client(client, admin, ["audit:read"], name="SIEM")
    other = await create_client(client, admin, ["audit:read"], name="Broker")
    # a client holding only a scope that no route accepts any more (scopes are added and removed with features)
    await sql(db, "UPDATE api_clients SET scopes = '{reports:read}' WHERE id = :id", id=uuid.UUID(other["id"]))
    siem_token = (await grant(client, auditor["client_id"], auditor["secret"])).json()["access_token"]
    broker_grant = (await grant(client, other["client_id"], other["secret"])).json()
    assert broker_grant["scope"] == "reports:read"
    siem, broker = (
        {"Authorization": f"Bearer {siem_token}"},
        {"Authorization": f"Bearer {broker_grant['access_token']}"},
    )
    assert (await client.get("/api/admin/audit", headers=siem)).status_code == 200
    assert (await client.get("/api/admin/audit", headers=broker)).status_code == 403
    assert (await client.get("/api/admin/users", headers=siem)).status_code == 403  # admin role, not a scope
    assert (await client.get("/auth/me", headers=siem)).status_code == 403  # people only
    narrowed = await grant(client, auditor["client_id"], auditor["secret"], scope="audit:read")
    assert narrowed.json()["scope"] == "audit:read"
    widened = await grant(client, other["client_id"], other["secret"], scope="reports:read audit:read")
    assert widened.status_code == 400
    assert widened.json()["error"] == "invalid_scope"
    unknown = await grant(client, auditor["client_id"], auditor["secret"], scope="loans:read")
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_scope")
    listed = (await client.get("/api/admin/clients", headers=admin.auth)).json()["items"]
    assert {c["name"]: c["scopes"] for c in listed} == {"SIEM": ["audit:read"], "Broker": []}


async def test_bad_credentials_and_bad_requests_get_oauth_errors(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    admin = await make_account("admin")
    creds = await create_client(client, admin, ["audit:read"])
    wrong = await grant(client, creds["client_id"], "wrong-secret")
    assert wrong.status_code == 401
    assert wrong.headers["content-type"] == "application/problem+json"
    assert wrong.json()["error"] == "invalid_client"
    assert wrong.headers["www-authenticate"].startswith("Basic")
    unknown = await grant(client, "lec_nope", "whatever")
    assert (unknown.status_code, unknown.json()["error"]) == (401, "invalid_client")
    password_grant = await client.post("/auth/token", data={"grant_type": "password", "username": "a", "password": "b"})
    assert (password_grant.status_code, password_grant.json()["error"]) == (400, "unsupported_grant_type")
    missing = await client.post("/auth/token", data={"grant_type": "client_credentials"})
    assert (missing.status_code, missing.json()["error"]) == (401, "invalid_client")  # RFC 6749 5.2
    bearer = await client.post(
        "/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": "Bearer x"}
    )
    assert (bearer.status_code, bearer.json()["error"]) == (401, "invalid_client")
    both = await client.post(
        "/auth/token",
        data={"grant_type": "client_credentials", "client_id": creds["client_id"], "client_secret": creds["secret"]},
        headers={"Authorization": "Basic " + base64.b64encode(b"a:b").decode()},
    )
    assert (both.status_code, both.json()["error"]) == (400, "invalid_request")
    reasons = sorted(e.details["reason"] for e in await audit_rows(db, "client.token.denied"))
    assert reasons == ["bad_secret", "unknown_client"]


async def test_revoking_a_client_stops_its_grants_and_its_live_tokens(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    admin = await make_account("admin")
    creds = await create_client(client, admin, ["audit:read"])
    token = (await grant(client, creds["client_id"], creds["secret"])).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/admin/audit", headers=bearer)).status_code == 200
    revoked = await client.post(f"/api/admin/clients/{creds['id']}/revoke", headers=admin.auth)
    assert revoked.status_code == 200
    assert revoked.json()["revokedAt"] is not None
    assert (await client.get("/api/admin/audit", headers=bearer)).status_code == 401
    assert (await grant(client, creds["client_id"], creds["secret"])).status_code == 401
    assert (await client.get("/api/admin/clients", headers=admin.auth)).json() == {"items": [], "nextCursor": None}
    with_revoked = (
        await client.get("/api/admin/clients", params={"includeRevoked": "true"}, headers=admin.auth)
    ).json()
    assert [c["id"] for c in with_revoked["items"]] == [creds["id"]]
    assert len(await audit_rows(db, "client.revoked")) == 1
    assert (await client.post(f"/api/admin/clients/{creds['id']}/revoke", headers=admin.auth)).status_code == 200
    assert len(await audit_rows(db, "client.revoked")) == 1  # idempotent
    missing = await client.post("/api/admin/clients/00000000-0000-4000-8000-000000000000/revoke", headers=admin.auth)
    assert missing.status_code == 404


async def test_client_grant_failures_are_throttled(client: Client, make_account: MakeAccount) -> None:
    admin = await make_account("admin")
    creds = await create_client(client, admin, ["audit:read"])
    for _ in range(5):
        assert (await grant(client, creds["client_id"], "bad")).status_code == 401
    throttled = await grant(client, creds["client_id"], creds["secret"])
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) >= 1


async def test_a_json_body_or_garbage_at_the_token_endpoint_is_a_clean_4xx(client: Client) -> None:
    as_json = await client.post("/auth/token", json={"grant_type": "client_credentials"})
    assert as_json.status_code == 415  # the token endpoint takes form encoding only (RFC 6749 3.2)
    assert as_json.headers["content-type"] == "application/problem+json"
    garbage = await client.post(
        "/auth/token",
        content=b"\xff\xfe%%%",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic !!!"},
    )
    assert garbage.status_code == 400
    assert garbage.json()["error"] == "invalid_request"


async def test_the_clients_list_pages_by_cursor(client: Client, make_account: MakeAccount) -> None:
    admin = await make_account("admin")
    for i in range(3):
        await create_client(client, admin, ["audit:read"], name=f"Client {i}")
    first = (await client.get("/api/admin/clients", params={"limit": 2}, headers=admin.auth)).json()
    assert [c["name"] for c in first["items"]] == ["Client 2", "Client 1"]
    rest = (
        await client.get("/api/admin/clients", params={"limit": 2, "cursor": first["nextCursor"]}, headers=admin.auth)
    ).json()
    assert ([c["name"] for c in rest["items"]], rest["nextCursor"]) == (["Client 0"], None)
