"""The OpenAPI document agrees with the server: errors are documented per route as problem+json, request
schemas refuse unknown fields, a 204 has no body, a wrong method is a 405 with Allow. (The fuzzer in
tests/integration/fuzz checks every operation's answers against the document.)"""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from tests.integration.auth.conftest import Client

PROBLEM = "application/problem+json"


def document(app: Litestar) -> dict[str, Any]:
    schema: dict[str, Any] = app.openapi_schema.to_schema()
    return schema


def responses(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["paths"][path][method]["responses"]
    return found


async def test_every_error_response_is_documented_as_problem_json(app: Litestar) -> None:
    doc = document(app)
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response.get("content", {})) == [PROBLEM], (method, path, status)
                    ref = response["content"][PROBLEM]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ProblemDetails"


async def test_statuses_per_route(app: Litestar) -> None:
    doc = document(app)
    assert set(responses(doc, "post", "/auth/login")) >= {"200", "400", "401", "415", "422", "429", "503"}
    assert set(responses(doc, "get", "/api/admin/users/{user_id}")) >= {"401", "403", "404", "422", "503"}
    assert set(responses(doc, "post", "/api/admin/clients")) >= {"401", "403", "409", "415", "422", "503"}
    assert "503" not in responses(doc, "post", "/api/quotes")  # needs no database
    assert responses(doc, "post", "/auth/register")["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert set(responses(doc, "post", "/auth/refresh")) >= {"401", "403"}  # the Origin check


async def test_request_schemas_refuse_unknown_fields(app: Litestar) -> None:
    schemas = document(app)["components"]["schemas"]
    for name in ("LoginRequest", "RegisterRequest", "QuoteRequest", "ClientCreate", "FeeIn"):
        assert schemas[name]["additionalProperties"] is False, name
    assert schemas["TokenForm"].get("additionalProperties") is None  # RFC 6749 3.2: unknown fields are ignored
    assert schemas["TokenForm"]["required"] == ["grant_type"]


async def test_logout_documents_a_204_without_body(app: Litestar, client: Client) -> None:
    assert "content" not in responses(document(app), "post", "/auth/logout")["204"]
    response = await client.post("/auth/logout")
    assert response.status_code == 204
    assert response.content == b""


async def test_a_wrong_method_is_a_405_with_allow(client: Client) -> None:
    response = await client.delete("/auth/login")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert "POST" in response.headers["allow"]


async def test_date_time_parameters_are_documented_as_date_time(app: Litestar) -> None:
    parameters = document(app)["paths"]["/api/admin/audit"]["get"]["parameters"]
    until = next(p for p in parameters if p["name"] == "until")
    schema = until["schema"]
    assert schema["format"] == "date-time"
    assert schema["pattern"].startswith("^[0-9]{4}-")
