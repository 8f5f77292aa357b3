"""No input reaches a 500: the request guard (api/guard.py) and the range checks refuse, as a 4xx
problem that changes nothing, what no route can take: NUL characters in every kind of string that
reaches PostgreSQL, over-deep JSON, invalid UTF-8, a missing body, dates past the year 9999, integers
past the declared ranges, and timestamps that are not RFC 3339."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from loan_engine.api.guard import MAX_JSON_DEPTH
from tests.integration.auth.conftest import STRONG_PASSWORD, Client, MakeAccount, sql

JSON = {"content-type": "application/json"}
NUL = "\u0000"


async def stored(db: AsyncEngine) -> tuple[int, int, int]:
    counts = await sql(
        db,
        "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM api_clients), (SELECT count(*) FROM audit_log)",
    )
    users, clients, events = counts[0]
    return int(users), int(clients), int(events)


def assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    if field is not None:
        assert [e["field"] for e in body["errors"]] == [field], body
    return body


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/auth/login", {"email": f"a{NUL}b@example.com", "password": "x"}, "email"),
        ("/auth/login", {"email": "a@example.com", "password": f"pw{NUL}"}, "password"),
        (
            "/auth/register",
            {"email": f"a{NUL}@example.com", "displayName": "Ada", "password": STRONG_PASSWORD},
            "email",
        ),
        (
            "/auth/register",
            {"email": "a@example.com", "displayName": f"Ada{NUL}", "password": STRONG_PASSWORD},
            "displayName",
        ),
        (
            "/api/quotes",
            {"principal": "1000", "annualRate": "5", "termPeriods": 12, "fees": [{"name": f"x{NUL}", "amount": "1"}]},
            "fees.0.name",
        ),
    ],
)
async def test_nul_in_a_public_json_string_is_a_422_naming_the_field(
    client: Client, db: AsyncEngine, path: str, body: dict[str, Any], field: str
) -> None:
    before = await stored(db)
    assert_problem(await client.post(path, json=body), 422, field)
    assert await stored(db) == before


async def test_nul_in_admin_inputs_is_a_422_naming_the_field(
    client: Client, db: AsyncEngine, make_account: MakeAccount
) -> None:
    admin = await make_account("admin")
    before = await stored(db)
    created = await client.post(
        "/api/admin/clients", json={"name": f"Broker{NUL}", "scopes": ["audit:read"]}, headers=admin.auth
    )
    assert_problem(created, 422, "name")
    for query, field in [
        ("/api/admin/users?q=%00", "q"),
        ("/api/admin/audit?actorId=a%00", "actorId"),
        ("/api/admin/audit?subjectId=%00", "subjectId"),
        ("/api/admin/audit?event=auth%00", "event"),
        ("/api/admin/clients?cursor=%00", "cursor"),
    ]:
        assert_problem(await client.get(query, headers=admin.auth), 422, field)
    assert_problem(await client.get("/api/admin/users/%00", headers=admin.auth), 404)  # no route matches
    assert await stored(db) == before


async def test_nul_in_a_client_id_at_the_token_endpoint(client: Client) -> None:
    form = {"grant_type": "client_credentials", "client_id": f"lec_{NUL}", "client_secret": "s"}
    assert_problem(await client.post("/auth/token", data=form), 422, "client_id")


async def test_a_key_with_nul_and_an_over_deep_document(client: Client, make_account: MakeAccount) -> None:
    admin = await make_account("admin")
    keyed = await client.post(
        "/api/admin/products/AB/policy/versions", content=b'{"a\\u0000": 1}', headers={**JSON, **admin.auth}
    )
    assert keyed.status_code == 422
    deep = (
        b'{"code": "AB", "definition": ' + b'{"a":' * (MAX_JSON_DEPTH + 5) + b"1" + b"}" * (MAX_JSON_DEPTH + 5) + b"}"
    )
    body = assert_problem(await client.post("/api/admin/products", content=deep, headers={**JSON, **admin.auth}), 400)
    assert f"deeper than {MAX_JSON_DEPTH}" in body["detail"]
    very_deep = b"[" * 5000 + b"]" * 5000  # past msgspec's own recursion limit
    assert_problem(await client.post("/api/quotes", content=very_deep, headers=JSON), 400)


async def test_an_escaped_backslash_before_u0000_is_text_not_nul(client: Client) -> None:
    body = b'{"email": "a\\\\u0000@example.com", "password": "x"}'  # the characters \u0000, not NUL
    assert (await client.post("/auth/login", content=body, headers=JSON)).status_code == 401


async def test_invalid_utf8_and_empty_bodies_are_clear_400s(client: Client) -> None:
    body = assert_problem(await client.post("/auth/login", content=b'{"email": "\xff\xfe"}', headers=JSON), 400)
    assert body["detail"] == "The body is not valid UTF-8"
    body = assert_problem(await client.post("/auth/login", content=b"", headers=JSON), 400)
    assert body["detail"] == "This request needs a body (application/json)"
    body = assert_problem(await client.post("/auth/register"), 400)
    assert "'data'" not in body["detail"]
    assert_problem(await client.get("/api/products?cursor=%FF"), 400)


@pytest.mark.parametrize(
    "body",
    [
        {"principal": "1000", "annualRate": "5", "termPeriods": 360, "startDate": "9999-01-01"},
        {
            "principal": "1000",
            "annualRate": "5",
            "termPeriods": 12,
            "startDate": "9999-12-30",
            "firstPaymentDate": "9999-12-31",
        },
        {
            "principal": "1000",
            "annualRate": "5",
            "termPeriods": 1200,
            "frequency": "every-12-months",
            "startDate": "9000-01-01",
        },
    ],
)
async def test_quote_dates_past_the_year_9999_are_a_422(client: Client, body: dict[str, Any]) -> None:
    assert_problem(await client.post("/api/quotes", json=body), 422, "termPeriods")


async def test_integers_past_their_range_are_a_422_under_their_wire_names(
    client: Client, make_account: MakeAccount
) -> None:
    admin = await make_account("admin")
    huge = "99999999999999999999999"
    for url, field in [
        (f"/api/admin/audit?limit={huge}", "limit"),
        (f"/api/admin/products/AB/versions/{huge}", "version"),
        (f"/api/admin/products/AB/diff?from=1&to={huge}", "to"),
        (f"/api/admin/products/AB/diff?from=-{huge}&to=1", "from"),
        (f"/api/admin/products?limit={huge}", "limit"),
    ]:
        assert_problem(await client.get(url, headers=admin.auth), 422, field)
    quote = {"principal": "1000", "annualRate": "5", "termPeriods": int(huge)}
    assert_problem(await client.post("/api/quotes", json=quote), 422, "termPeriods")
    flows = {"advances": [{"amount": "100", "periods": int(huge)}], "payments": [{"amount": "110", "periods": 1}]}
    assert_problem(await client.post("/api/apr", json=flows), 422, "advances.0.periods")


@pytest.mark.parametrize(
    "value",
    ["0.5", "1700000000", "2026-01-01", "2026-01-01T00:00:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00Z"],
)
async def test_audit_time_filters_take_only_rfc3339_instants_in_range(
    client: Client, make_account: MakeAccount, value: str
) -> None:
    admin = await make_account("admin")
    response = await client.get("/api/admin/audit", params={"until": value}, headers=admin.auth)
    body = assert_problem(response, 422, "until")
    assert "date-time" in body["errors"][0]["message"]


async def test_audit_time_filters_accept_an_offset(client: Client, make_account: MakeAccount) -> None:
    admin = await make_account("admin")
    params = {"since": "2020-01-01T00:00:00+02:00", "until": "9998-12-31T23:59:59-14:00"}
    response = await client.get("/api/admin/audit", params=params, headers=admin.auth)
    assert response.status_code == 200
    assert [item["event"] for item in response.json()["items"]] == ["user.registered"]
