"""Every failure is RFC 9457 problem+json with a stable type, and never leaks internals."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from httpx import Response
from litestar import Litestar, get, post
from litestar.params import Body
from litestar.testing import AsyncTestClient

PROBLEM = "application/problem+json"


class Fee(msgspec.Struct):
    name: str
    amount: int


class Payload(msgspec.Struct):
    principal: int
    fees: list[Fee]


@post("/api/test-echo", sync_to_thread=False)
def echo(data: Annotated[Payload, Body()]) -> dict[str, int]:
    return {"principal": data.principal}


@get("/api/test-boom", sync_to_thread=False)
def boom() -> None:
    raise RuntimeError("password=hunter2 SELECT * FROM secrets")  # must never reach the client


def _with_test_routes(app: Litestar) -> Litestar:
    app.register(echo)
    app.register(boom)
    return app


def _assert_problem(response: Response, status: int, type_: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:loan-engine:problem:{type_}"
    assert body["status"] == status
    assert body["title"]
    assert body["requestId"] == response.headers["x-request-id"]
    return body


async def test_unknown_route_is_404(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    _assert_problem(await client.get("/api/does-not-exist"), 404, "not-found")


async def test_wrong_method_is_405(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    _assert_problem(await client.delete("/health/live"), 405, "method-not-allowed")


async def test_malformed_json_is_400(app: Litestar) -> None:
    async with AsyncTestClient(app=_with_test_routes(app)) as client:
        response = await client.post(
            "/api/test-echo", content=b'{"principal": 1,', headers={"content-type": "application/json"}
        )
    _assert_problem(response, 400, "bad-request")


async def test_validation_is_422_with_field_paths(app: Litestar) -> None:
    async with AsyncTestClient(app=_with_test_routes(app)) as client:
        response = await client.post("/api/test-echo", json={"principal": 1, "fees": [{"name": "x", "amount": "a"}]})
        missing = await client.post("/api/test-echo", json={"fees": []})
    body = _assert_problem(response, 422, "validation-error")
    assert body["errors"] == [{"field": "fees.0.amount", "message": "Expected `int`, got `str`"}]
    missing_body = _assert_problem(missing, 422, "validation-error")
    assert missing_body["errors"][0]["message"].startswith("Object missing required field `principal`")


async def test_unexpected_failure_is_generic_500_with_request_id(app: Litestar) -> None:
    async with AsyncTestClient(app=_with_test_routes(app)) as client:
        response = await client.get("/api/test-boom", headers={"X-Request-ID": "trace-42"})
    body = _assert_problem(response, 500, "internal-error")
    assert body["requestId"] == "trace-42"
    assert "hunter2" not in response.text
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text
    assert "RuntimeError" not in response.text


async def test_oversized_body_is_413(app: Litestar) -> None:
    async with AsyncTestClient(app=_with_test_routes(app)) as client:
        response = await client.post(
            "/api/test-echo",
            content=b"[" + b"1," * 600_000 + b"1]",
            headers={"content-type": "application/json"},
        )
    _assert_problem(response, 413, "payload-too-large")
