"""Request ids, access logs, security headers, CORS, compression and the OpenAPI docs."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from litestar.testing import AsyncTestClient

from loan_engine.app import create_app
from loan_engine.settings import LogFormat, Settings


async def test_a_valid_client_request_id_is_echoed(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/health/live", headers={"X-Request-ID": "req-123.abc"})
    assert response.headers["x-request-id"] == "req-123.abc"


@pytest.mark.parametrize("bad", ["", "has space", "x" * 200, "<script>"])
async def test_an_invalid_request_id_is_replaced(client: AsyncTestClient, bad: str) -> None:  # type: ignore[type-arg]
    response = await client.get("/health/live", headers={"X-Request-ID": bad})
    generated = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert generated != (await client.get("/health/live")).headers["x-request-id"]


async def test_each_request_is_logged_with_its_id_and_duration(
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = create_app(dataclasses.replace(settings, log_format=LogFormat.JSON, log_level="INFO"))
    async with AsyncTestClient(app=app) as client:
        capsys.readouterr()
        await client.get("/api/missing", headers={"X-Request-ID": "log-me-1"})
        await client.get("/health/live")  # probes are logged only when they fail
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "loan_engine.access"]
    assert len(access) == 1, lines
    event = access[0]
    assert (event["event"], event["level"], event["request_id"]) == ("request", "info", "log-me-1")
    assert (event["method"], event["path"], event["status"]) == ("GET", "/api/missing", 404)
    assert event["duration_ms"] >= 0
    assert event["timestamp"].endswith("Z")


async def test_lines_below_the_level_are_not_written(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    app = create_app(dataclasses.replace(settings, log_format=LogFormat.JSON, log_level="WARNING"))
    async with AsyncTestClient(app=app) as client:
        capsys.readouterr()
        await client.get("/api/missing")
    assert "loan_engine.access" not in capsys.readouterr().err


async def test_security_headers_on_every_response(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    for path in ("/health/live", "/api/nope"):
        headers = (await client.get(path)).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "max-age=" in headers["strict-transport-security"]
        assert headers["content-security-policy"].startswith("default-src 'none'")
    docs = (await client.get("/api/docs")).headers  # a page a browser renders gets the document set too
    assert docs["referrer-policy"] == "no-referrer"
    assert docs["cross-origin-opener-policy"] == "same-origin"
    assert "permissions-policy" in docs


async def test_large_responses_are_compressed(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/api/docs", headers={"Accept-Encoding": "gzip"})  # 2.4 kB of HTML
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    small = await client.get("/health/live", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


async def test_openapi_and_interactive_docs_are_served_under_api(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    spec = (await client.get("/api/docs/openapi.json")).json()
    assert spec["info"]["title"] == "Loan Engine API"
    assert "/health/ready" in spec["paths"]
    docs = await client.get("/api/docs")
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]


async def test_cors_allows_only_configured_origins(settings: Settings) -> None:
    from dataclasses import replace

    app = create_app(replace(settings, cors_allowed_origins=("https://app.example",)))
    async with AsyncTestClient(app=app) as client:
        preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
        allowed = await client.options("/health/live", headers=preflight)
        denied = await client.get("/health/live", headers={"Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert "access-control-allow-origin" not in denied.headers


async def test_no_cors_headers_without_configuration(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.get("/health/live", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in response.headers
