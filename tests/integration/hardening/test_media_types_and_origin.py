"""Every JSON route takes only application/json (415 otherwise; a cross-site form can send text/plain or
form encoding without a preflight), the OAuth token endpoint only form encoding, and the cookie routes
(refresh, logout) refuse a request from an origin the service does not trust."""

from __future__ import annotations

import dataclasses
import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from loan_engine.app import create_app
from loan_engine.settings import Settings
from tests.integration.auth.conftest import STRONG_PASSWORD, Client, MakeAccount, audit_rows, register, with_refresh

LOGIN_TEXT = b'{"email": "a@example.com", "password": "quartz-lantern-meadow-91"}'


def json_routes(app: Litestar) -> list[tuple[str, str]]:
    """Every (method, path) of the app whose handler takes a JSON body."""
    routes: list[tuple[str, str]] = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is not None and getattr(data.kwarg_definition, "media_type", None) in (None, "application/json"):
                routes.extend((method, route.path) for method in handler.http_methods)
    return routes


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]
)
async def test_sign_in_and_sign_up_refuse_bodies_that_are_not_json(
    client: Client, db: AsyncEngine, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    for path in ("/auth/login", "/auth/register"):
        response = await client.post(path, content=LOGIN_TEXT, headers=headers)
        assert response.status_code == 415, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:loan-engine:problem:unsupported-media-type"
    assert await audit_rows(db) == []  # nothing was attempted


def fill_path_parameters(path: str, *, uuid: str) -> str:
    """A concrete URL for a route template: the media type is checked before any lookup."""
    values = {"str": "AB", "int": "1", "uuid": uuid}
    return re.sub(r"\{\w+:(\w+)\}", lambda match: values[match.group(1)], path)


async def test_every_json_route_refuses_text_plain(app: Litestar, client: Client, make_account: MakeAccount) -> None:
    admin = await make_account("admin")
    routes = json_routes(app)
    assert len(routes) >= 10
    for method, path in routes:
        url = fill_path_parameters(path, uuid=admin.id)
        response = await client.request(
            method, url, content=b"{}", headers={"content-type": "text/plain", **admin.auth}
        )
        assert response.status_code == 415, (method, path, response.status_code)


async def test_json_with_a_charset_is_json(client: Client) -> None:
    await register(client, email="ada@example.com")
    body = b'{"email": "ada@example.com", "password": "' + STRONG_PASSWORD.encode() + b'"}'
    response = await client.post(
        "/auth/login", content=body, headers={"content-type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 200


async def test_the_token_endpoint_takes_form_encoding_only(client: Client) -> None:
    form = await client.post(
        "/auth/token", data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}
    )
    assert form.status_code == 401  # checked, and refused as an unknown client
    as_json = await client.post("/auth/token", json={"grant_type": "client_credentials"})
    assert as_json.status_code == 415


async def test_refresh_and_logout_refuse_an_untrusted_origin(client: Client, db: AsyncEngine) -> None:
    account = await register(client)
    for path in ("/auth/refresh", "/auth/logout"):
        response = await client.post(
            path, headers={**with_refresh(account.refresh_token), "Origin": "https://evil.example"}
        )
        assert response.status_code == 403, path
        assert response.headers["content-type"] == "application/problem+json"
    null_origin = await client.post("/auth/refresh", headers={**with_refresh(account.refresh_token), "Origin": "null"})
    assert null_origin.status_code == 403
    rows = await audit_rows(db, "auth.logout")
    assert rows == []  # the sign-in was not ended
    same = await client.post(
        "/auth/refresh", headers={**with_refresh(account.refresh_token), "Origin": "http://testserver.local"}
    )
    assert same.status_code == 200
    without = await client.post("/auth/logout", headers=with_refresh(account.refresh_token))
    assert without.status_code == 204  # no Origin: not a browser's cross-site request


async def test_a_configured_origin_is_trusted(settings: Settings) -> None:
    trusted = dataclasses.replace(settings, cors_allowed_origins=("https://app.example",))
    async with AsyncTestClient(app=create_app(trusted), base_url="http://api.example") as other:
        account = await register(other)
        ok = await other.post(
            "/auth/refresh", headers={**with_refresh(account.refresh_token), "Origin": "https://app.example"}
        )
        assert ok.status_code == 200
        refused = await other.post(
            "/auth/refresh", headers={**with_refresh(account.refresh_token), "Origin": "https://other.example"}
        )
        assert refused.status_code == 403
